// SPDX-License-Identifier: GPL-2.0
/*
 * Components: created, found and destroyed here. The packet path finds a
 * component by its cgroup under RCU; everything else happens under the
 * namespace's lock, and a component is freed only after a grace period.
 * Which cgroup is at a component's path is cgroupbind.c's business.
 */

#include <linux/cgroup.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "account.h"
#include "addrmap.h"
#include "compat.h"
#include "component.h"
#include "manifest.h"
#include "netns.h"
#include "persona.h"
#include "report.h"

static const struct rhashtable_params by_name_params = {
	.head_offset = offsetof(struct compfw_component, by_name),
	.key_offset = offsetof(struct compfw_component, name),
	.key_len = COMPFW_NAME_MAX,
	.automatic_shrinking = true,
};

static const struct rhashtable_params by_id_params = {
	.head_offset = offsetof(struct compfw_component, by_id),
	.key_offset = offsetof(struct compfw_component, id),
	.key_len = sizeof(u32),
	.automatic_shrinking = true,
};

int compfw_components_init(struct compfw_net *cnet)
{
	int ret;

	INIT_LIST_HEAD(&cnet->components_list);
	cnet->next_id = 1;
	ret = rhashtable_init(&cnet->by_name, &by_name_params);
	if (ret)
		return ret;
	ret = rhashtable_init(&cnet->by_id, &by_id_params);
	if (ret)
		goto err_id;
	ret = compfw_cgmap_init(&cnet->cgmap);
	if (ret)
		goto err_cgroup;
	return 0;

err_cgroup:
	rhashtable_destroy(&cnet->by_id);
err_id:
	rhashtable_destroy(&cnet->by_name);
	return ret;
}

/* A version out of force is its retired manifest (NULL: unmanaged). */
static size_t manifest_version_bytes(const struct compfw_version *v)
{
	return compfw_manifest_bytes(v->m);
}

/* Packets may still be reading it (the rollback copy of a face). */
static void drop_manifest_version(struct compfw_version *v)
{
	compfw_manifest_free_rcu(v->m);
}

static void free_manifest_version(struct compfw_version *v)
{
	compfw_manifest_free(v->m);
}

static const struct compfw_history_ops manifest_versions = {
	.bytes = manifest_version_bytes,
	.drop = drop_manifest_version,
	.free = free_manifest_version,
};

static void compfw_component_free(struct compfw_component *comp)
{
	/* The history first: the entry of the version in force is in its manifest. */
	compfw_history_free(&comp->history);
	compfw_manifest_free(rcu_dereference_protected(comp->manifest, true));
	free_percpu(comp->stats);
	compfw_kvfree(comp->addresses, comp->n_addresses * sizeof(*comp->addresses));
	compfw_cgbind_free(&comp->bind);
	if (comp->cgroup_path)
		compfw_kvfree(comp->cgroup_path, strlen(comp->cgroup_path) + 1);
	compfw_kvfree(comp, sizeof(*comp));
}

static void compfw_component_free_work(struct work_struct *work)
{
	compfw_component_free(container_of(to_rcu_work(work),
					   struct compfw_component, free_work));
}

/*
 * Called when the namespace goes: its hooks are gone, so the cgroup probes
 * are the only readers left.
 */
void compfw_components_destroy(struct compfw_net *cnet)
{
	struct compfw_component *comp, *tmp;
	bool bound = false;

	list_for_each_entry(comp, &cnet->components_list, list) {
		bound |= comp->bind.registered;
		compfw_cgbind_del(cnet, &comp->bind);
	}
	if (bound)
		synchronize_rcu();
	/*
	 * The tables first: destroying one waits for its resize worker,
	 * which walks the entries, so they must outlive it.
	 */
	rhashtable_destroy(&cnet->by_id);
	rhashtable_destroy(&cnet->by_name);
	list_for_each_entry_safe(comp, tmp, &cnet->components_list, list) {
		list_del(&comp->list);
		compfw_component_free(comp);
	}
	compfw_cgmap_destroy(&cnet->cgmap);
}

struct compfw_component *compfw_component_by_name(struct compfw_net *cnet,
						  const char *name)
{
	char key[COMPFW_NAME_MAX] = {};

	if (strscpy(key, name, sizeof(key)) < 0)
		return NULL;
	return rhashtable_lookup_fast(&cnet->by_name, key, by_name_params);
}

struct compfw_component *compfw_component_by_id(struct compfw_net *cnet, u32 id)
{
	return rhashtable_lookup_fast(&cnet->by_id, &id, by_id_params);
}

/* The nearest ancestor (or the cgroup itself) that is a component wins. */
struct compfw_component *compfw_component_of_cgroup(struct compfw_net *cnet,
						    struct cgroup *cgrp)
{
	struct compfw_cgbind *b;
	int level;

	if (!atomic_read(&cnet->cgmap.count))
		return NULL;
	for (level = cgrp->level; level >= 0; level--) {
		b = compfw_cgmap_lookup(&cnet->cgmap,
					cgroup_id(cgroup_ancestor(cgrp, level)));
		if (b)
			return container_of(b, struct compfw_component, bind);
	}
	return NULL;
}

/*
 * What @comp takes as the cap max_netns_memory counts it: itself, its
 * strings and counters, its manifest and the versions it keeps.
 */
static size_t compfw_component_bytes(const struct compfw_component *comp)
{
	const struct compfw_manifest *m = rcu_dereference_protected(comp->manifest, true);
	size_t n = sizeof(*comp) + comp->n_addresses * sizeof(*comp->addresses);

	n += sizeof(struct compfw_stats) * num_possible_cpus();
	if (comp->cgroup_path)
		n += 2 * (strlen(comp->cgroup_path) + 1);	/* and the bound path */
	return n + compfw_manifest_bytes(m) + compfw_history_bytes(&comp->history);
}

/**
 * compfw_install_growth - what installing @m would add to the namespace
 * @comp: the component
 * @m: its new manifest
 *
 * The manifest in force is kept without its tables; the versions beyond
 * history_depth go.
 * Return: bytes, negative when the component shrinks.
 */
long compfw_install_growth(const struct compfw_component *comp,
			   const struct compfw_manifest *m)
{
	const struct compfw_manifest *cur = rcu_dereference_protected(comp->manifest, true);
	long cur_tables = compfw_manifest_bytes(cur) - compfw_manifest_kept_bytes(cur);

	return (long)compfw_manifest_bytes(m) - cur_tables -
	       (long)compfw_history_push_frees(&comp->history);
}

/**
 * compfw_memory_check - refuse a change the namespace's cap has no room for
 * @cnet: the namespace, locked
 * @growth: bytes the change adds (negative: frees)
 * @extack: why it is refused
 *
 * Return: 0, or -ENOSPC with a message saying how far over the cap it is.
 */
int compfw_memory_check(struct compfw_net *cnet, long growth,
			struct netlink_ext_ack *extack)
{
	u64 max = READ_ONCE(compfw_max_netns_memory);

	if (!max || growth <= 0 || cnet->memory + growth <= max)
		return 0;
	compfw_err_fmt(extack, cnet->why,
		       "needs %llu KiB more; %llu of %llu KiB in use (max_netns_memory)",
		       (u64)DIV_ROUND_UP(growth, 1024), DIV_ROUND_UP(cnet->memory, 1024),
		       DIV_ROUND_UP(max, 1024));
	return -ENOSPC;
}

static u32 compfw_free_id(struct compfw_net *cnet)
{
	u32 id = cnet->next_id;

	while (!id || compfw_component_by_id(cnet, id))
		id++;
	cnet->next_id = id + 1;
	return id;
}

static int compfw_component_check(struct compfw_net *cnet,
				  const struct compfw_component_spec *spec,
				  struct netlink_ext_ack *extack)
{
	if (cnet->components >= compfw_max_components) {
		NL_SET_ERR_MSG(extack, "too many components (module parameter max_components)");
		return -ENOSPC;
	}
	if (compfw_component_by_name(cnet, spec->name)) {
		NL_SET_ERR_MSG(extack, "a component with this name exists");
		return -EEXIST;
	}
	if (spec->id && compfw_component_by_id(cnet, spec->id)) {
		NL_SET_ERR_MSG(extack, "component ID in use");
		return -EEXIST;
	}
	return 0;
}

static struct compfw_component *
compfw_component_alloc(const struct compfw_component_spec *spec)
{
	size_t addr_bytes = spec->n_addresses * sizeof(*spec->addresses);
	struct compfw_component *comp;

	comp = compfw_kvzalloc(sizeof(*comp));
	if (!comp)
		return NULL;
	compfw_history_init(&comp->history, &manifest_versions, &comp->created, 0);
	strscpy(comp->name, spec->name, sizeof(comp->name));
	comp->stats = alloc_percpu_gfp(struct compfw_stats, COMPFW_GFP);
	if (!comp->stats)
		goto err;
	if (spec->cgroup_path) {
		size_t len = strlen(spec->cgroup_path) + 1;

		comp->cgroup_path = compfw_kvzalloc(len);
		if (!comp->cgroup_path)
			goto err;
		memcpy(comp->cgroup_path, spec->cgroup_path, len);
	}
	if (spec->n_addresses) {
		comp->addresses = compfw_kvzalloc(addr_bytes);
		if (!comp->addresses)
			goto err;
		memcpy(comp->addresses, spec->addresses, addr_bytes);
		comp->n_addresses = spec->n_addresses;
	}
	INIT_RCU_WORK(&comp->free_work, compfw_component_free_work);
	compfw_report_init(comp);
	return comp;

err:
	compfw_component_free(comp);
	return NULL;
}

static int compfw_component_hash(struct compfw_net *cnet,
				 struct compfw_component *comp, struct netlink_ext_ack *extack)
{
	int ret;

	ret = rhashtable_insert_fast(&cnet->by_name, &comp->by_name, by_name_params);
	if (ret)
		goto err_name;
	ret = rhashtable_insert_fast(&cnet->by_id, &comp->by_id, by_id_params);
	if (ret)
		goto err_id;
	if (comp->cgroup_path) {
		ret = compfw_cgbind_add(cnet, &comp->bind, comp->cgroup_path, extack);
		if (ret)
			goto err_cgroup;
	}
	return 0;

err_cgroup:
	rhashtable_remove_fast(&cnet->by_id, &comp->by_id, by_id_params);
	rhashtable_remove_fast(&cnet->by_name, &comp->by_name, by_name_params);
	return ret;
err_id:
	rhashtable_remove_fast(&cnet->by_name, &comp->by_name, by_name_params);
err_name:
	NL_SET_ERR_MSG(extack, "cannot index the component");
	return ret;
}

static void compfw_component_unhash(struct compfw_net *cnet,
				    struct compfw_component *comp)
{
	compfw_cgbind_del(cnet, &comp->bind);
	rhashtable_remove_fast(&cnet->by_id, &comp->by_id, by_id_params);
	rhashtable_remove_fast(&cnet->by_name, &comp->by_name, by_name_params);
}

struct compfw_component *compfw_component_add(struct compfw_net *cnet,
					      const struct compfw_component_spec *spec,
					      struct netlink_ext_ack *extack)
{
	struct compfw_component *comp;
	int ret;

	lockdep_assert_held(&cnet->lock);
	ret = compfw_component_check(cnet, spec, extack);
	if (ret)
		return ERR_PTR(ret);

	comp = compfw_component_alloc(spec);
	if (!comp) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	ret = compfw_memory_check(cnet, compfw_component_bytes(comp), extack);
	if (ret)
		goto err_free;
	comp->id = spec->id ?: compfw_free_id(cnet);
	comp->serial = ++cnet->last_serial;

	ret = compfw_component_hash(cnet, comp, extack);
	if (ret)
		goto err_free;
	if (comp->n_addresses) {
		ret = compfw_addrmap_rebuild(cnet, comp, NULL, extack);
		if (ret)
			goto err_unhash;
	}
	list_add_tail(&comp->list, &cnet->components_list);
	cnet->memory += compfw_component_bytes(comp);
	cnet->components++;
	cnet->dump_seq++;
	return comp;

err_unhash:
	compfw_component_unhash(cnet, comp);
err_free:
	/* Never published to the packet path (the hash insert was undone
	 * under RCU-safe removal), but a lookup may still be walking past it.
	 */
	queue_rcu_work(compfw_wq, &comp->free_work);
	return ERR_PTR(ret);
}

/* The first component whose manifest names @id, and how many do. */
static struct compfw_component *compfw_component_referrer(struct compfw_net *cnet,
							  u32 id, u32 *n)
{
	struct compfw_component *comp, *first = NULL;
	struct compfw_manifest *m;

	*n = 0;
	/* Previous manifests do not count: rolling back to one is refused. */
	list_for_each_entry(comp, &cnet->components_list, list) {
		m = rcu_dereference_protected(comp->manifest,
					      lockdep_is_held(&cnet->lock));
		if (comp->id != id && m && compfw_manifest_names(m, id)) {
			first = first ?: comp;
			(*n)++;
		}
	}
	return first;
}

int compfw_component_del(struct compfw_net *cnet, struct compfw_component *comp,
			 struct netlink_ext_ack *extack)
{
	struct compfw_manifest *m;
	int ret;

	const struct compfw_persona *p;
	struct compfw_component *by;
	u32 n;

	lockdep_assert_held(&cnet->lock);
	by = compfw_component_referrer(cnet, comp->id, &n);
	if (by && n == 1) {
		compfw_err_fmt(extack, cnet->why,
			       "the manifest of component \"%.40s\" names it as a peer", by->name);
		return -EBUSY;
	}
	if (by) {
		compfw_err_fmt(extack, cnet->why,
			       "the manifests of \"%.30s\" and %u more name it as a peer",
			       by->name, n - 1);
		return -EBUSY;
	}
	p = compfw_persona_naming(cnet, comp->id);
	if (p) {
		compfw_err_fmt(extack, cnet->why, "persona \"%.58s\" names it as a peer",
			       p->name);
		return -EBUSY;
	}
	if (comp->n_addresses) {
		ret = compfw_addrmap_rebuild(cnet, NULL, comp, extack);
		if (ret)
			return ret;
	}
	compfw_report_policy_change(cnet->net, comp, comp->generation,
				    COMPFW_CHANGE_DELETE);
	compfw_component_unhash(cnet, comp);
	list_del(&comp->list);
	cnet->memory -= compfw_component_bytes(comp);
	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (m)
		cnet->rules -= m->n_rules;
	cnet->components--;
	cnet->dump_seq++;
	queue_rcu_work(compfw_wq, &comp->free_work);
	return 0;
}

void compfw_component_count(struct compfw_component *comp, int outcome,
			    unsigned int bytes, u64 now)
{
	/* LOCAL_OUT may run in process context: stay on this CPU. */
	struct compfw_stats *stats = get_cpu_ptr(comp->stats);

	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->packets[outcome]);
	u64_stats_add(&stats->bytes[outcome], bytes);
	u64_stats_set(&stats->last_hit, now);
	u64_stats_update_end(&stats->syncp);
	put_cpu_ptr(comp->stats);
}

void compfw_component_read_stats(const struct compfw_component *comp,
				 struct compfw_totals *t)
{
	const struct compfw_stats *stats;
	struct compfw_totals c;
	unsigned int start;
	int cpu, i;

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		stats = per_cpu_ptr(comp->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&stats->syncp);
			for (i = 0; i < 3; i++) {
				c.packets[i] = u64_stats_read(&stats->packets[i]);
				c.bytes[i] = u64_stats_read(&stats->bytes[i]);
			}
			c.last_hit = u64_stats_read(&stats->last_hit);
		} while (u64_stats_fetch_retry(&stats->syncp, start));
		for (i = 0; i < 3; i++) {
			t->packets[i] += c.packets[i];
			t->bytes[i] += c.bytes[i];
		}
		t->last_hit = max(t->last_hit, c.last_hit);
	}
}

/* Concurrent counting may survive a reset: counters are not transactions. */
void compfw_component_reset_stats(struct compfw_component *comp)
{
	struct compfw_stats *stats;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		stats = per_cpu_ptr(comp->stats, cpu);
		u64_stats_update_begin(&stats->syncp);
		for (i = 0; i < 3; i++) {
			u64_stats_set(&stats->packets[i], 0);
			u64_stats_set(&stats->bytes[i], 0);
		}
		u64_stats_set(&stats->last_hit, 0);
		u64_stats_update_end(&stats->syncp);
	}
}

/**
 * compfw_component_install - put a new manifest in force
 * @cnet: the namespace, locked
 * @comp: the component
 * @m: its new manifest, from compfw_manifest_create(); the component owns it
 *
 * The manifest in force until now becomes the one a rollback returns to;
 * the history keeps it, and drops its oldest version beyond history_depth.
 */
void compfw_component_install(struct compfw_net *cnet, struct compfw_component *comp,
			      struct compfw_manifest *m)
{
	size_t before = compfw_component_bytes(comp);
	struct compfw_manifest *old;

	lockdep_assert_held(&cnet->lock);
	old = rcu_replace_pointer(comp->manifest, m, lockdep_is_held(&cnet->lock));
	cnet->rules = cnet->rules + m->n_rules - (old ? old->n_rules : 0);
	compfw_manifest_retire(old);
	WRITE_ONCE(comp->generation, comp->generation + 1);
	compfw_history_in_force(&comp->history)->m = old;
	compfw_history_push(&comp->history, &m->hist, COMPFW_HISTORY_APPLY, comp->generation);
	cnet->memory += compfw_component_bytes(comp) - before;
	compfw_report_policy_change(cnet->net, comp, comp->generation - 1,
				    COMPFW_CHANGE_APPLY);
}

/* Put @v back in force: its peers and personas must be as it knew them. */
static int compfw_component_bring_back(struct compfw_net *cnet, struct compfw_component *comp,
				       struct compfw_version *v, struct netlink_ext_ack *extack)
{
	size_t before = compfw_component_bytes(comp);
	const struct compfw_peer_ref *lost;
	const struct compfw_face *gone;
	struct compfw_manifest *cur;

	lost = v->m ? compfw_manifest_lost_peer(cnet, v->m) : NULL;
	if (lost) {
		compfw_err_fmt(extack, cnet->why, "peer \"%.58s\" was deleted", lost->name);
		return -ENOENT;
	}
	gone = compfw_persona_lost(cnet, v->m);
	if (gone) {
		compfw_err_fmt(extack, cnet->why,
			       "persona \"%.58s\" was deleted or changed", gone->persona);
		return -ENOENT;
	}
	if (compfw_manifest_revive(v->m)) {
		NL_SET_ERR_MSG(extack, "out of memory compiling the previous manifest");
		return -ENOMEM;
	}
	cur = rcu_replace_pointer(comp->manifest, v->m, lockdep_is_held(&cnet->lock));
	compfw_manifest_retire(cur);
	cnet->rules = cnet->rules + (v->m ? v->m->n_rules : 0) - (cur ? cur->n_rules : 0);
	WRITE_ONCE(comp->generation, comp->generation + 1);
	compfw_history_in_force(&comp->history)->m = cur;
	compfw_history_bring_back(&comp->history, v, comp->generation);
	cnet->memory += compfw_component_bytes(comp) - before;
	cnet->dump_seq++;
	compfw_report_policy_change(cnet->net, comp, comp->generation - 1,
				    COMPFW_CHANGE_ROLLBACK);
	return 0;
}

/**
 * compfw_component_rollback - put back the manifest in force before this one
 * @cnet: the namespace, locked
 * @comp: the component
 * @extack: why a rollback is refused
 *
 * The version in force becomes the previous one, so a second rollback
 * undoes the first. After the first manifest the previous one is none:
 * the component is unmanaged again.
 *
 * Return: 0, -ENOENT (nothing to go back to, or a peer or persona it names
 * is gone) or -ENOMEM.
 */
int compfw_component_rollback(struct compfw_net *cnet, struct compfw_component *comp,
			      struct netlink_ext_ack *extack)
{
	struct compfw_version *v;

	lockdep_assert_held(&cnet->lock);
	v = compfw_history_previous(&comp->history);
	if (!v) {
		NL_SET_ERR_MSG(extack, "no previous manifest to roll back to");
		return -ENOENT;
	}
	return compfw_component_bring_back(cnet, comp, v, extack);
}

/**
 * compfw_component_rollback_to - put back any version of the history
 * @cnet: the namespace, locked
 * @comp: the component
 * @generation: the generation the version had when last in force
 * @extack: why it is refused
 *
 * Return: 0, -ENOENT (no such version, or a peer or persona it names is
 * gone), -EALREADY (it is in force) or -ENOMEM.
 */
int compfw_component_rollback_to(struct compfw_net *cnet, struct compfw_component *comp,
				 u32 generation, struct netlink_ext_ack *extack)
{
	struct compfw_version *v;

	lockdep_assert_held(&cnet->lock);
	v = compfw_history_find(&comp->history, generation);
	if (!v) {
		compfw_err_fmt(extack, cnet->why,
			       "generation %u is not in the component's history",
			       generation);
		return -ENOENT;
	}
	if (v == compfw_history_in_force(&comp->history)) {
		compfw_err_fmt(extack, cnet->why, "generation %u is the version in force",
			       generation);
		return -EALREADY;
	}
	return compfw_component_bring_back(cnet, comp, v, extack);
}

/**
 * compfw_component_take_persona - switch to another face of the manifest in force
 * @cnet: the namespace, locked
 * @comp: the component
 * @persona: the persona to take
 * @cause: what asked for it, for the events
 * @program: the program whose exec or exit asked for it, or NULL
 * @extack: why it is refused
 *
 * Every face is compiled already: this is one pointer swap, so each packet
 * is judged by one persona or the other, never by a mix. The caller then
 * cuts the flows the new persona denies.
 *
 * Return: 1 when switched, 0 when @persona was in force, or -ENOENT.
 */
int compfw_component_take_persona(struct compfw_net *cnet, struct compfw_component *comp,
				  const char *persona, enum compfw_cause cause,
				  const char *program, struct netlink_ext_ack *extack)
{
	struct compfw_manifest *m;
	struct compfw_persona_set *set;
	long rules;
	u32 old;
	int i;

	lockdep_assert_held(&cnet->lock);
	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (!m || !m->set) {
		NL_SET_ERR_MSG(extack, "the component's manifest takes no personas");
		return -ENOENT;
	}
	i = compfw_manifest_face(m, persona);
	if (i < 0) {
		NL_SET_ERR_MSG(extack, "the component's manifest does not name this persona");
		return -ENOENT;
	}
	/* The API overrides the triggers: their exits change nothing now. */
	if (cause == COMPFW_CAUSE_API)
		comp->trig.seq = 0;
	set = m->set;
	old = set->active;
	if (old == i)
		return 0;
	/* The rules in force are the active faces': the namespace's limit holds. */
	rules = (long)cnet->rules + set->face[i].m->n_rules - set->face[old].m->n_rules;
	if (rules > compfw_max_rules) {
		NL_SET_ERR_MSG(extack,
			       "too many rules in this namespace (module parameter max_rules)");
		return -E2BIG;
	}
	cnet->rules = rules;
	set->active = i;
	rcu_assign_pointer(comp->manifest, set->face[i].m);
	WRITE_ONCE(comp->generation, comp->generation + 1);
	cnet->dump_seq++;
	compfw_report_persona_switch(cnet->net, comp, comp->generation - 1,
				     set->face[old].persona, persona, cause, program);
	return 1;
}
