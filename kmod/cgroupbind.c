// SPDX-License-Identifier: GPL-2.0
/*
 * Components follow their cgroup's path. A unit's cgroup is removed and
 * created again on every restart; the component bound to the path must
 * police the new cgroup from its first packet. The cgroup_mkdir tracepoint
 * fires before mkdir returns and before the new cgroup's files go live,
 * under cgroup_mutex, so that a probe that binds the new cgroup at once
 * leaves no moment in which a process could be in it unpoliced.
 *
 * The probes run with interrupts off (the tracepoint's path buffer is
 * under an IRQ-safe lock), so they neither sleep nor allocate nor touch an
 * rhashtable (whose bucket locks are BH-only on 6.1). Hence the
 * namespace's cgroup map is a table of our own: hlist_nulls buckets, so
 * that a reader walking an entry that moves to another chain notices and
 * starts again; grown in process context with a second node per entry, so
 * that readers of the old table are never disturbed.
 */

#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/netlink.h>
#include <linux/rculist_nulls.h>
#include <linux/rhashtable.h>
#include <linux/stringhash.h>
#include <linux/tracepoint.h>

#include "account.h"
#include "cgroupbind.h"
#include "compat.h"
#include "netns.h"

#define COMPFW_CGMAP_MIN_BITS	4
#define COMPFW_CGMAP_MAX_BITS	24

struct compfw_cgmap_table {
	unsigned int bits;
	u8 slot;
	struct hlist_nulls_head buckets[];
};

/* Every bound path of every namespace: the probes look here. */
static struct rhltable compfw_registry;
static atomic_t compfw_registered = ATOMIC_INIT(0);

static const struct rhashtable_params registry_params = {
	.head_offset = offsetof(struct compfw_cgbind, reg),
	.key_offset = offsetof(struct compfw_cgbind, path_hash),
	.key_len = sizeof(u32),
	.automatic_shrinking = true,
};

static size_t compfw_cgmap_size(unsigned int bits)
{
	return struct_size_t(struct compfw_cgmap_table, buckets, 1UL << bits);
}

static struct compfw_cgmap_table *compfw_cgmap_alloc(unsigned int bits, u8 slot)
{
	struct compfw_cgmap_table *t = compfw_kvzalloc(compfw_cgmap_size(bits));
	u32 i;

	if (!t)
		return NULL;
	t->bits = bits;
	t->slot = slot;
	/* A chain ends in its own bucket number: see compfw_cgmap_lookup(). */
	for (i = 0; i < 1U << bits; i++)
		INIT_HLIST_NULLS_HEAD(&t->buckets[i], i);
	return t;
}

int compfw_cgmap_init(struct compfw_cgmap *map)
{
	struct compfw_cgmap_table *t;

	spin_lock_init(&map->lock);
	atomic_set(&map->count, 0);
	t = compfw_cgmap_alloc(COMPFW_CGMAP_MIN_BITS, 0);
	if (!t)
		return -ENOMEM;
	RCU_INIT_POINTER(map->table, t);
	return 0;
}

/* Every binding is gone and so is every reader. */
void compfw_cgmap_destroy(struct compfw_cgmap *map)
{
	struct compfw_cgmap_table *t = rcu_dereference_protected(map->table, true);

	compfw_kvfree(t, compfw_cgmap_size(t->bits));
}

static struct compfw_cgbind *compfw_cgbind_of(struct hlist_nulls_node *n, u8 slot)
{
	return container_of(n - slot, struct compfw_cgbind, node[0]);
}

/* Packet path, under RCU. */
struct compfw_cgbind *compfw_cgmap_lookup(struct compfw_cgmap *map, u64 id)
{
	struct compfw_cgmap_table *t = rcu_dereference(map->table);
	struct hlist_nulls_node *n;
	struct compfw_cgbind *b;
	u32 h = hash_64(id, t->bits);

restart:
	for (n = rcu_dereference(hlist_nulls_first_rcu(&t->buckets[h]));
	     !is_a_nulls(n); n = rcu_dereference(hlist_nulls_next_rcu(n))) {
		b = compfw_cgbind_of(n, t->slot);
		if (READ_ONCE(b->mapped_id) == id)
			return b;
	}
	/* The entry we walked through moved to another chain meanwhile. */
	if (get_nulls_value(n) != h)
		goto restart;
	return NULL;
}

static struct compfw_cgmap_table *compfw_cgmap_locked(struct compfw_cgmap *map)
{
	return rcu_dereference_protected(map->table, lockdep_is_held(&map->lock));
}

static bool compfw_cgmap_taken(struct compfw_cgmap *map, u64 id)
{
	struct compfw_cgmap_table *t = compfw_cgmap_locked(map);
	struct hlist_nulls_node *n;

	for (n = t->buckets[hash_64(id, t->bits)].first; !is_a_nulls(n); n = n->next)
		if (compfw_cgbind_of(n, t->slot)->mapped_id == id)
			return true;
	return false;
}

/* Under the map's lock: map @b under @id, wherever it was before. */
static void compfw_cgmap_set(struct compfw_cgmap *map, struct compfw_cgbind *b,
			     u64 id)
{
	struct compfw_cgmap_table *t = compfw_cgmap_locked(map);

	if (b->mapped)
		hlist_nulls_del_rcu(&b->node[t->slot]);
	else
		atomic_inc(&map->count);
	WRITE_ONCE(b->mapped_id, id);
	hlist_nulls_add_head_rcu(&b->node[t->slot],
				 &t->buckets[hash_64(id, t->bits)]);
	WRITE_ONCE(b->mapped, true);
}

static void compfw_cgmap_clear(struct compfw_cgmap *map, struct compfw_cgbind *b)
{
	struct compfw_cgmap_table *t = compfw_cgmap_locked(map);

	if (!b->mapped)
		return;
	hlist_nulls_del_rcu(&b->node[t->slot]);
	WRITE_ONCE(b->mapped, false);
	atomic_dec(&map->count);
}

/* Room for one more entry; under the namespace's lock, may sleep. */
static int compfw_cgmap_reserve(struct compfw_net *cnet)
{
	struct compfw_cgmap *map = &cnet->cgmap;
	struct compfw_cgmap_table *old, *new;
	struct hlist_nulls_node *n, *next;
	struct compfw_cgbind *b;
	unsigned long flags;
	u32 i;

	lockdep_assert_held(&cnet->lock);
	old = rcu_dereference_protected(map->table, lockdep_is_held(&cnet->lock));
	if (atomic_read(&map->count) < 1 << old->bits ||
	    old->bits >= COMPFW_CGMAP_MAX_BITS)
		return 0;
	new = compfw_cgmap_alloc(old->bits + 1, !old->slot);
	if (!new)
		return -ENOMEM;
	/* Readers of the old table keep walking the old slot's links. */
	spin_lock_irqsave(&map->lock, flags);
	for (i = 0; i < 1U << old->bits; i++) {
		for (n = old->buckets[i].first; !is_a_nulls(n); n = next) {
			next = n->next;
			b = compfw_cgbind_of(n, old->slot);
			hlist_nulls_add_head_rcu(&b->node[new->slot],
						 &new->buckets[hash_64(b->mapped_id, new->bits)]);
		}
	}
	rcu_assign_pointer(map->table, new);
	spin_unlock_irqrestore(&map->lock, flags);
	/* The next growth reuses the old slot: no reader may be left on it. */
	synchronize_rcu();
	compfw_kvfree(old, compfw_cgmap_size(old->bits));
	return 0;
}

/* The hash of "/a/b" for the cgroup at that path in the v2 hierarchy. */
static u32 compfw_cgroup_hash(struct cgroup *cgrp)
{
	unsigned long h = init_name_hash(0);
	const char *name;
	int level;

	for (level = 1; level <= cgrp->level; level++) {
		h = partial_name_hash('/', h);
		for (name = compfw_kn_name(cgroup_ancestor(cgrp, level)->kn); *name; name++)
			h = partial_name_hash((unsigned char)*name, h);
	}
	return end_name_hash(h);
}

static u32 compfw_path_hash(const char *path)
{
	unsigned long h = init_name_hash(0);

	for (; *path; path++)
		h = partial_name_hash((unsigned char)*path, h);
	return end_name_hash(h);
}

/* Is @cgrp the cgroup at @b's path? cgroup2 directories cannot be renamed. */
static bool compfw_cgroup_at(struct cgroup *cgrp, const struct compfw_cgbind *b)
{
	const char *p = b->path, *name;
	size_t len;
	int level;

	if (cgrp->level != b->level)
		return false;
	for (level = 1; level <= cgrp->level; level++) {
		name = compfw_kn_name(cgroup_ancestor(cgrp, level)->kn);
		len = strlen(name);
		if (*p++ != '/' || strncmp(p, name, len))
			return false;
		p += len;
	}
	return !*p;
}

/*
 * Interrupts off, cgroup_mutex held: only the map's spinlock, no sleeping.
 * @mkdir: @cgrp now holds the bound paths it is at, else it has left them.
 */
static void compfw_cgroup_changed(struct cgroup *cgrp, bool mkdir)
{
	struct rhlist_head *list, *pos;
	struct compfw_cgbind *b;
	struct compfw_cgmap *map;
	u64 id = cgroup_id(cgrp);
	unsigned long flags;
	u32 hash;

	if (cgrp->root != &cgrp_dfl_root || !atomic_read(&compfw_registered))
		return;
	hash = compfw_cgroup_hash(cgrp);
	rcu_read_lock();
	list = rhltable_lookup(&compfw_registry, &hash, registry_params);
	rhl_for_each_entry_rcu(b, pos, list, reg) {
		if (!compfw_cgroup_at(cgrp, b))
			continue;
		map = &b->cnet->cgmap;
		spin_lock_irqsave(&map->lock, flags);
		if (b->registered && mkdir) {
			/* One still being added is mapped by its adder. */
			if (b->committed)
				compfw_cgmap_set(map, b, id);
			WRITE_ONCE(b->cgroup_id, id);
			b->events++;
		} else if (b->registered && b->cgroup_id == id) {
			/* Its sockets may linger: the mapping stays till mkdir. */
			WRITE_ONCE(b->cgroup_id, 0);
			b->events++;
		}
		spin_unlock_irqrestore(&map->lock, flags);
	}
	rcu_read_unlock();
}

static void compfw_cgroup_mkdir(void *data, struct cgroup *cgrp, const char *path)
{
	compfw_cgroup_changed(cgrp, true);
}

static void compfw_cgroup_rmdir(void *data, struct cgroup *cgrp, const char *path)
{
	compfw_cgroup_changed(cgrp, false);
}

/* The path of @cgrp from the hierarchy's root, allocated. */
static char *compfw_cgroup_path(struct cgroup *cgrp)
{
	size_t len = cgrp->level ? 0 : 1, n;
	const char *name;
	char *path, *p;
	int level;

	for (level = 1; level <= cgrp->level; level++)
		len += 1 + strlen(compfw_kn_name(cgroup_ancestor(cgrp, level)->kn));
	path = compfw_kvzalloc(len + 1);
	if (!path)
		return NULL;
	p = path;
	*p = '/';
	for (level = 1; level <= cgrp->level; level++) {
		name = compfw_kn_name(cgroup_ancestor(cgrp, level)->kn);
		n = strlen(name);
		*p++ = '/';
		memcpy(p, name, n);
		p += n;
	}
	return path;
}

/*
 * A path that names no cgroup yet must be one that mkdir can make: its
 * parts as cgroupfs names them, so that the probes can compare them.
 */
static int compfw_check_pending(const char *path, struct netlink_ext_ack *extack)
{
	const char *p = path, *end;
	size_t n;

	if (*p != '/')
		goto bad;
	while (*p) {
		end = strchrnul(++p, '/');
		n = end - p;
		if (!n || n > NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
		p = end;
	}
	return 0;
bad:
	NL_SET_ERR_MSG(extack,
		       "cgroup path must be /A/B, without empty, \".\" or \"..\" parts");
	return -EINVAL;
}

/*
 * The deepest cgroup at a prefix of @path (the root at least): @path is
 * cut to that prefix, and the cgroup returned with a reference.
 */
static struct cgroup *compfw_cgroup_ancestor(char *path, struct netlink_ext_ack *extack)
{
	struct cgroup *cgrp;
	char *slash;

	for (;;) {
		slash = strrchr(path, '/');
		/* The root keeps its slash. */
		slash[slash == path] = '\0';
		cgrp = cgroup_get_from_path(path);
		if (!IS_ERR(cgrp) || PTR_ERR(cgrp) != -ENOENT || slash == path)
			break;
	}
	if (IS_ERR(cgrp))
		NL_SET_ERR_MSG(extack, "a part of the cgroup path is a file, not a cgroup");
	return cgrp;
}

/*
 * @b's path and level, from the hierarchy's root, for @path, relative to
 * the caller's cgroup namespace. When no cgroup is at @path yet, its
 * nearest existing ancestor gives the root's part, and the rest is kept as
 * written: the component is pending until mkdir makes it.
 */
static int compfw_cgroup_resolve(const char *path, struct compfw_cgbind *b,
				 struct netlink_ext_ack *extack)
{
	size_t len = strlen(path), n;
	struct cgroup *cgrp;
	char *prefix, *root;
	const char *rest;
	u32 level;
	int ret;

	cgrp = cgroup_get_from_path(path);
	if (!IS_ERR(cgrp)) {
		b->level = cgrp->level;
		b->path = compfw_cgroup_path(cgrp);
		cgroup_put(cgrp);
		return b->path ? 0 : -ENOMEM;
	}
	if (PTR_ERR(cgrp) != -ENOENT) {
		NL_SET_ERR_MSG(extack, "a part of the cgroup path is a file, not a cgroup");
		return PTR_ERR(cgrp) == -ENOTDIR ? -ENOTDIR : PTR_ERR(cgrp);
	}
	ret = compfw_check_pending(path, extack);
	if (ret)
		return ret;
	prefix = kmemdup(path, len + 1, GFP_KERNEL);
	if (!prefix)
		return -ENOMEM;
	cgrp = compfw_cgroup_ancestor(prefix, extack);
	n = prefix[1] ? strlen(prefix) : 0;
	kfree(prefix);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	rest = path + n;
	for (level = cgrp->level, n = 0; rest[n]; n++)
		level += rest[n] == '/';
	root = compfw_cgroup_path(cgrp);
	cgroup_put(cgrp);
	if (!root)
		return -ENOMEM;
	n = strcmp(root, "/") ? strlen(root) : 0;
	b->path = compfw_kvzalloc(n + strlen(rest) + 1);
	if (b->path) {
		memcpy(b->path, root, n);
		strscpy(b->path + n, rest, strlen(rest) + 1);
		b->level = level;
	}
	compfw_kvfree(root, strlen(root) + 1);
	return b->path ? 0 : -ENOMEM;
}

/* Whether another binding of @cnet holds @b's path, present or pending. */
static bool compfw_path_taken(struct compfw_net *cnet, const struct compfw_cgbind *b)
{
	struct rhlist_head *list, *pos;
	struct compfw_cgbind *other;
	bool taken = false;

	rcu_read_lock();
	list = rhltable_lookup(&compfw_registry, &b->path_hash, registry_params);
	rhl_for_each_entry_rcu(other, pos, list, reg)
		if (other != b && other->cnet == cnet && !strcmp(other->path, b->path))
			taken = true;
	rcu_read_unlock();
	return taken;
}

/* The ID of the cgroup at @path now, or 0 when there is none. */
static u64 compfw_cgroup_id_at(const char *path)
{
	struct cgroup *cgrp = cgroup_get_from_path(path);
	u64 id;

	if (IS_ERR(cgrp))
		return 0;
	id = cgroup_id(cgrp);
	cgroup_put(cgrp);
	return id;
}

static void compfw_cgbind_unregister(struct compfw_net *cnet,
				     struct compfw_cgbind *b)
{
	unsigned long flags;

	spin_lock_irqsave(&cnet->cgmap.lock, flags);
	b->registered = false;
	compfw_cgmap_clear(&cnet->cgmap, b);
	WRITE_ONCE(b->cgroup_id, 0);
	spin_unlock_irqrestore(&cnet->cgmap.lock, flags);
	rhltable_remove(&compfw_registry, &b->reg, registry_params);
	atomic_dec(&compfw_registered);
}

/*
 * Under the namespace's lock. @path is relative to the caller's cgroup
 * namespace; the binding keeps the cgroup's path from the hierarchy's root.
 */
int compfw_cgbind_add(struct compfw_net *cnet, struct compfw_cgbind *b,
		      const char *path, struct netlink_ext_ack *extack)
{
	unsigned long flags;
	int ret;
	u64 id;

	lockdep_assert_held(&cnet->lock);
	ret = compfw_cgroup_resolve(path, b, extack);
	if (ret == -ENOMEM)
		goto nomem;
	if (ret)
		return ret;
	b->cnet = cnet;
	b->path_hash = compfw_path_hash(b->path);
	if (compfw_path_taken(cnet, b)) {
		NL_SET_ERR_MSG(extack, "the cgroup belongs to another component");
		return -EEXIST;
	}
	ret = compfw_cgmap_reserve(cnet);
	if (ret)
		goto nomem;

	b->registered = true;
	ret = rhltable_insert(&compfw_registry, &b->reg, registry_params);
	if (ret) {
		b->registered = false;
		NL_SET_ERR_MSG(extack, "cannot index the component's cgroup path");
		return ret;
	}
	atomic_inc(&compfw_registered);

	/*
	 * The probes see us from here on; a cgroup that took or left the path
	 * before is found by looking again. What a probe recorded meanwhile
	 * is newer than what we found. Until committed we are not mapped, so
	 * that a path cannot be two components' in one namespace. No cgroup
	 * there: the component is pending, and mkdir's probe maps it.
	 */
	smp_mb();
	id = compfw_cgroup_id_at(path);
	spin_lock_irqsave(&cnet->cgmap.lock, flags);
	if (b->events)
		id = b->cgroup_id;
	if (id && compfw_cgmap_taken(&cnet->cgmap, id)) {
		ret = -EEXIST;
	} else {
		if (id)
			compfw_cgmap_set(&cnet->cgmap, b, id);
		WRITE_ONCE(b->cgroup_id, id);
		b->committed = true;
	}
	spin_unlock_irqrestore(&cnet->cgmap.lock, flags);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the cgroup belongs to another component");
		goto err;
	}
	return 0;

err:
	compfw_cgbind_unregister(cnet, b);
	return ret;

nomem:
	NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
	return -ENOMEM;
}

/* The component goes: the probes forget it; freed after a grace period. */
void compfw_cgbind_del(struct compfw_net *cnet, struct compfw_cgbind *b)
{
	if (b->registered)
		compfw_cgbind_unregister(cnet, b);
}

void compfw_cgbind_free(struct compfw_cgbind *b)
{
	if (b->path)
		compfw_kvfree(b->path, strlen(b->path) + 1);
}

static struct tracepoint *compfw_tp_mkdir, *compfw_tp_rmdir;

static void compfw_find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "cgroup_mkdir"))
		compfw_tp_mkdir = tp;
	else if (!strcmp(tp->name, "cgroup_rmdir"))
		compfw_tp_rmdir = tp;
}

int compfw_cgbind_init(void)
{
	int ret;

	ret = rhltable_init(&compfw_registry, &registry_params);
	if (ret)
		return ret;
	for_each_kernel_tracepoint(compfw_find_tracepoint, NULL);
	if (!compfw_tp_mkdir || !compfw_tp_rmdir) {
		pr_err("no cgroup_mkdir/cgroup_rmdir tracepoint\n");
		ret = -ENOENT;
		goto err_registry;
	}
	ret = tracepoint_probe_register(compfw_tp_mkdir, compfw_cgroup_mkdir, NULL);
	if (ret)
		goto err_registry;
	ret = tracepoint_probe_register(compfw_tp_rmdir, compfw_cgroup_rmdir, NULL);
	if (ret)
		goto err_mkdir;
	return 0;

err_mkdir:
	tracepoint_probe_unregister(compfw_tp_mkdir, compfw_cgroup_mkdir, NULL);
	tracepoint_synchronize_unregister();
err_registry:
	rhltable_destroy(&compfw_registry);
	return ret;
}

/* After every namespace's components are gone. */
void compfw_cgbind_exit(void)
{
	tracepoint_probe_unregister(compfw_tp_rmdir, compfw_cgroup_rmdir, NULL);
	tracepoint_probe_unregister(compfw_tp_mkdir, compfw_cgroup_mkdir, NULL);
	tracepoint_synchronize_unregister();
	rhltable_destroy(&compfw_registry);
}
