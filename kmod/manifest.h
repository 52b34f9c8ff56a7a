/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_MANIFEST_H
#define _COMPFW_MANIFEST_H

#include <linux/atomic.h>
#include <linux/workqueue.h>
#include <linux/compfw.h>

#include "account.h"
#include "classify.h"

struct netlink_ext_ack;
struct compfw_component;
struct compfw_net;

/* Counters of one rule: atomic, since only first packets count. */
struct compfw_rule_stats {
	atomic64_t packets;
	atomic64_t bytes;
	atomic64_t last_hit;
};

/**
 * struct compfw_peer_ref - a peer component as a manifest knew it
 * @serial: the peer's serial (never reused in its namespace), so that a
 *	component created later under the same ID is not taken for it
 * @id: its ID, as the rules name it
 * @name: its name then, to say which peer is gone
 */
struct compfw_peer_ref {
	u64 serial;
	u32 id;
	char name[COMPFW_NAME_MAX];
};

/**
 * struct compfw_manifest - a component's policy: immutable once published
 * @policy: compiled tables the packet path reads (READ_ONCE: a rollback
 *	gives a retired manifest new tables)
 * @spec: the rules as applied, pointing into the arrays below; kept so that
 *	the manifest can be shown back and recompiled
 * @exposure: exposure entries
 * @rules: ingress rules, then egress rules, each sorted by ID once
 *	compiled (the lowest ID decides, so the order means nothing else), so
 *	that a deciding rule's counters are found by a binary search
 * @excepts: every rule's except list, back to back
 * @version: the author's version string, "" when none
 * @retired: kept for rollback only, @policy freed (or being freed after a
 *	grace period); under the namespace lock
 * @mode: &enum compfw_mode
 * @log: &enum compfw_log
 * @syslog_held: holds the kernel's packet logger (nf_log_syslog), which
 *	prints its log lines
 * @nflog_group: nfnetlink_log group denied packets also go to, or -1
 * @n_rules: ingress plus egress rules
 * @n_excepts: entries in @excepts
 * @rule_stats: counters, indexed as @rules; the only mutable part
 * @peers: the distinct peer components the rules name, as they were when
 *	the manifest was built (a separate allocation)
 * @n_peers: entries in @peers
 * @bytes: the size of the one allocation that holds the manifest and all
 *	its arrays and strings (the compiled @policy is another)
 * @free_work: frees the manifest after a grace period
 *
 * One allocation, not one per array: a component's policy is often a
 * handful of rules, and each allocation would round up on its own.
 */
struct compfw_manifest {
	struct cfw_policy *policy;
	struct cfw_policy_spec spec;
	struct cfw_l4match *exposure;
	struct cfw_rule_spec *rules;
	struct cfw_cidr *excepts;
	const char *version;
	bool retired;
	u8 mode;
	u8 log;
	bool syslog_held;
	int nflog_group;
	u32 n_rules;
	u32 n_excepts;
	struct compfw_rule_stats *rule_stats;
	struct compfw_peer_ref *peers;
	u32 n_peers;
	size_t bytes;
	struct rcu_work free_work;
};

/**
 * struct compfw_manifest_spec - a manifest as its author wrote it
 * @version: the author's version string, or NULL
 * @mode: &enum compfw_mode
 * @log: &enum compfw_log
 * @nflog_group: nfnetlink_log group denied packets also go to, or -1
 * @policy: exposure entries and rules (peer components by ID); each rule's
 *	except list points into @excepts
 * @excepts: every rule's except list
 * @n_excepts: entries in @excepts
 *
 * Plain C: netlink.c fills one from a request, the KUnit suites by hand.
 */
struct compfw_manifest_spec {
	const char *version;
	u8 mode;
	u8 log;
	int nflog_group;
	struct cfw_policy_spec policy;
	const struct cfw_cidr *excepts;
	u32 n_excepts;
};

struct compfw_manifest *compfw_manifest_create(struct compfw_net *cnet,
					       const struct compfw_manifest_spec *spec,
					       struct cfw_compile_err *err,
					       struct netlink_ext_ack *extack);
bool compfw_manifest_names(const struct compfw_manifest *m, u32 component_id);
const struct compfw_peer_ref *
compfw_manifest_lost_peer(struct compfw_net *cnet, const struct compfw_manifest *m);
void compfw_manifest_count_rule(const struct compfw_manifest *m, int dir,
				u32 rule_id, unsigned int bytes, u64 now);
void compfw_manifest_reset_counters(const struct compfw_manifest *m);
size_t compfw_manifest_bytes(const struct compfw_manifest *m);
void compfw_manifest_retire(struct compfw_manifest *m);
int compfw_manifest_revive(struct compfw_manifest *m);
void compfw_manifest_free(struct compfw_manifest *m);
void compfw_manifest_free_rcu(struct compfw_manifest *m);

#endif /* _COMPFW_MANIFEST_H */
