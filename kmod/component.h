/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_COMPONENT_H
#define _COMPFW_COMPONENT_H

#include <linux/ratelimit_types.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/compfw.h>

#include "cgroupbind.h"
#include "classify.h"
#include "history.h"
#include "report.h"

struct netlink_ext_ack;
struct cgroup;
struct compfw_net;
struct compfw_manifest;

/* Per-CPU, so that the packet path never shares a cache line to count. */
struct compfw_stats {
	u64_stats_t packets[3];		/* by enum compfw_outcome */
	u64_stats_t bytes[3];
	u64_stats_t last_hit;
	struct u64_stats_sync syncp;
};

/* What compfw_component_read_stats() sums up. */
struct compfw_totals {
	u64 packets[3];
	u64 bytes[3];
	u64 last_hit;
};

/**
 * struct compfw_component - one software component and its firewall
 * @by_name: node in compfw_net.by_name
 * @by_id: node in compfw_net.by_id
 * @list: entry in compfw_net.components, in creation order, for dumps
 * @name: unique name, NUL-padded: it is the by_name hash key
 * @id: unique non-zero ID
 * @serial: unique in the namespace and never reused, unlike @id: what a
 *	rollback copy checks its peers by
 * @bind: the cgroup v2 path this component covers (with its descendants),
 *	whichever cgroup is at it, when @cgroup_path is set
 * @cgroup_path: the path it was given as, for show
 * @addresses: prefixes the component owns
 * @n_addresses: entries in @addresses
 * @manifest: the policy in force, NULL while unmanaged; RCU
 * @history: the versions of its manifest it keeps, for rollback; under
 *	compfw_net.lock
 * @created: the first version in @history, unmanaged
 * @generation: bumped by every apply, rollback and persona switch
 * @stats: per-CPU counters
 * @log_limit: the kernel log's rate limit for this component
 * @free_work: frees the component after a grace period
 */
struct compfw_trigger_proc;

/**
 * struct compfw_trigger_state - what trigger.c keeps of a component
 * @seq: the trigger exec whose persona is in force, or 0 (none, or a
 *	switch by the API since)
 * @seen: the latest trigger exec acted on
 * @pass: the last look of trigger.c that met the component
 * @top: its latest trigger process at that look, or NULL
 * @next: the next component met by that look
 *
 * Under the namespace lock.
 */
struct compfw_trigger_state {
	u64 seq;
	u64 seen;
	u64 pass;
	const struct compfw_trigger_proc *top;
	struct compfw_component *next;
};

struct compfw_component {
	struct rhash_head by_name;
	struct rhash_head by_id;
	struct list_head list;
	char name[COMPFW_NAME_MAX];
	u32 id;
	u64 serial;
	struct compfw_cgbind bind;
	char *cgroup_path;
	struct cfw_cidr *addresses;
	u32 n_addresses;
	struct compfw_manifest __rcu *manifest;
	struct compfw_history history;
	struct compfw_version created;
	u32 generation;
	struct compfw_stats __percpu *stats;
	struct compfw_trigger_state trig;
	struct ratelimit_state log_limit;
	struct rcu_work free_work;
};

/* What COMPONENT_NEW asks for. */
struct compfw_component_spec {
	const char *name;
	u32 id;
	const char *cgroup_path;
	const struct cfw_cidr *addresses;
	u32 n_addresses;
};

int compfw_components_init(struct compfw_net *cnet);
void compfw_components_destroy(struct compfw_net *cnet);

struct compfw_component *compfw_component_add(struct compfw_net *cnet,
					      const struct compfw_component_spec *spec,
					      struct netlink_ext_ack *extack);
int compfw_component_del(struct compfw_net *cnet, struct compfw_component *comp,
			 struct netlink_ext_ack *extack);

void compfw_component_install(struct compfw_net *cnet, struct compfw_component *comp,
			      struct compfw_manifest *m);
long compfw_install_growth(const struct compfw_component *comp,
			   const struct compfw_manifest *m);
int compfw_memory_check(struct compfw_net *cnet, long growth,
			struct netlink_ext_ack *extack);
int compfw_component_rollback(struct compfw_net *cnet, struct compfw_component *comp,
			      struct netlink_ext_ack *extack);
int compfw_component_rollback_to(struct compfw_net *cnet, struct compfw_component *comp,
				 u32 generation, struct netlink_ext_ack *extack);
int compfw_component_take_persona(struct compfw_net *cnet, struct compfw_component *comp,
				  const char *persona, enum compfw_cause cause,
				  const char *program, struct netlink_ext_ack *extack);

struct compfw_component *compfw_component_by_name(struct compfw_net *cnet,
						  const char *name);
struct compfw_component *compfw_component_by_id(struct compfw_net *cnet, u32 id);
struct compfw_component *compfw_component_of_cgroup(struct compfw_net *cnet,
						    struct cgroup *cgrp);

void compfw_component_count(struct compfw_component *comp, int outcome,
			    unsigned int bytes, u64 now);
void compfw_component_read_stats(const struct compfw_component *comp,
				 struct compfw_totals *t);
void compfw_component_reset_stats(struct compfw_component *comp);

/* A rollback has a version to go back to. */
static inline bool compfw_component_has_previous(const struct compfw_component *comp)
{
	return comp->history.n > 1;
}

static inline bool compfw_component_managed(const struct compfw_component *comp)
{
	return comp && rcu_access_pointer(comp->manifest);
}

#endif /* _COMPFW_COMPONENT_H */
