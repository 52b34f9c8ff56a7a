/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_MANIFEST_H
#define _COMPFW_MANIFEST_H

#include <linux/atomic.h>
#include <linux/workqueue.h>
#include <linux/compfw.h>

#include "classify.h"

struct genl_info;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;
struct compfw_component;
struct compfw_net;

/*
 * What a caller is told when its manifest does not fit: everything a
 * manifest needs is charged to the caller's memory cgroup.
 */
#define COMPFW_NOMEM_MSG \
	"out of memory (the caller's memory cgroup, memory.max, is charged for compfw's tables)"

enum compfw_limit {
	COMPFW_LIMIT_CPU,
	COMPFW_LIMIT_MEMORY,
	COMPFW_LIMIT_IO,
	COMPFW_LIMIT_KINDS,
};

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
 * @limits: resource limits, as compfwctl writes them to the cgroup, ""
 *	when not set
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
	const char *limits[COMPFW_LIMIT_KINDS];
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
 * struct compfw_rules_span - one manifest of an APPLY request
 * @header: its COMPFW_APPLY_A_MANIFEST attribute
 * @head: the first attribute after the header
 * @len: bytes from @head to the next manifest's header, or the end
 */
struct compfw_rules_span {
	const struct nlattr *header;
	const struct nlattr *head;
	int len;
};

struct compfw_manifest *compfw_manifest_build(struct compfw_net *cnet,
					      const struct compfw_rules_span *span,
					      struct compfw_component **comp,
					      struct netlink_ext_ack *extack);
int compfw_manifest_fill(struct sk_buff *skb, struct compfw_net *cnet,
			 const char *name, const struct compfw_manifest *m,
			 u32 *cursor);
int compfw_put_cidr(struct sk_buff *skb, int type, const struct cfw_cidr *cidr);
bool compfw_manifest_names(const struct compfw_manifest *m, u32 component_id);
const struct compfw_peer_ref *
compfw_manifest_lost_peer(struct compfw_net *cnet, const struct compfw_manifest *m);
void compfw_manifest_count_rule(const struct compfw_manifest *m, int dir,
				u32 rule_id, unsigned int bytes, u64 now);
void compfw_manifest_reset_counters(const struct compfw_manifest *m);
void compfw_manifest_retire(struct compfw_manifest *m);
int compfw_manifest_revive(struct compfw_manifest *m);
void compfw_manifest_free(struct compfw_manifest *m);
void compfw_manifest_free_rcu(struct compfw_manifest *m);
int compfw_parse_cidr(const struct nlattr *nest, struct cfw_cidr *cidr,
		      struct netlink_ext_ack *extack);

#endif /* _COMPFW_MANIFEST_H */
