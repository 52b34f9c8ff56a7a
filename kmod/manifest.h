/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_MANIFEST_H
#define _COMPFW_MANIFEST_H

#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/compfw.h>

#include "account.h"
#include "classify.h"
#include "history.h"

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

struct compfw_persona_set;

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
 * @set: the personas the component may take, when the manifest names
 *	some: then this manifest is one of them (a face), its rules the
 *	persona's, and the whole set is retired, revived and freed together
 * @hist: its entry in its component's history (a set's is in the face
 *	it was applied with), under the namespace lock
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
	struct compfw_persona_set *set;
	struct compfw_version hist;
	size_t bytes;
	struct rcu_work free_work;
};

/**
 * struct compfw_face - a component's manifest as one persona makes it
 * @persona: the persona's name
 * @serial: the persona's serial, so that one deleted and made again under
 *	the same name is not taken for it
 * @trigger_process: the program name whose exec makes it active, or ""
 * @trigger_path: the program path whose exec makes it active, or NULL; the
 *	set's own copy
 * @m: the manifest: the component's header, the persona's rules, compiled
 */
struct compfw_face {
	char persona[COMPFW_NAME_MAX];
	u64 serial;
	char trigger_process[TASK_COMM_LEN];
	char *trigger_path;
	struct compfw_manifest *m;
};

/* A trigger of a set, sorted by @hash so that an exec finds it in O(log n). */
struct compfw_trigger_key {
	u32 hash;
	u32 face;
};

/**
 * struct compfw_persona_set - every persona a manifest lets its component take
 * @n: entries in @face
 * @dflt: the face taken on apply
 * @active: the face in force while the manifest is; under the namespace lock
 * @n_keys: entries in @keys: the faces with a trigger
 * @has_path_trigger: some trigger is a path, so an exec must resolve its own
 * @keys: the triggers, after @face in the same allocation
 * @face: compiled together, so that a switch is one pointer swap
 */
struct compfw_persona_set {
	u32 n;
	u32 dflt;
	u32 active;
	u32 n_keys;
	bool has_path_trigger;
	struct compfw_trigger_key *keys;
	struct compfw_face face[];
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
struct compfw_manifest *compfw_manifest_set_create(struct compfw_net *cnet,
						   const struct compfw_manifest_spec *header,
						   const struct compfw_face *faces, u32 n,
						   u32 dflt, struct netlink_ext_ack *extack);
int compfw_manifest_face(const struct compfw_manifest *m, const char *persona);
const char *compfw_manifest_persona(const struct compfw_manifest *m);
int compfw_manifest_trigger(const struct compfw_manifest *m, const char *comm,
			    const char *path);
bool compfw_manifest_has_triggers(const struct compfw_manifest *m);
bool compfw_manifest_path_triggers(const struct compfw_manifest *m);
bool compfw_manifest_names(const struct compfw_manifest *m, u32 component_id);
const struct compfw_peer_ref *
compfw_manifest_lost_peer(struct compfw_net *cnet, const struct compfw_manifest *m);
void compfw_manifest_count_rule(const struct compfw_manifest *m, int dir,
				u32 rule_id, unsigned int bytes, u64 now);
void compfw_manifest_reset_counters(const struct compfw_manifest *m);
size_t compfw_manifest_bytes(const struct compfw_manifest *m);
size_t compfw_manifest_kept_bytes(const struct compfw_manifest *m);
void compfw_manifest_retire(struct compfw_manifest *m);
int compfw_manifest_revive(struct compfw_manifest *m);
void compfw_manifest_free(struct compfw_manifest *m);
void compfw_manifest_free_rcu(struct compfw_manifest *m);

#endif /* _COMPFW_MANIFEST_H */
