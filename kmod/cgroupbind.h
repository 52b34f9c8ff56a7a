/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_CGROUPBIND_H
#define _COMPFW_CGROUPBIND_H

#include <linux/list_nulls.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct netlink_ext_ack;
struct cgroup;
struct compfw_net;

/**
 * struct compfw_cgbind - a component's hold on a cgroup path
 * @reg: node in the module's registry of bound paths, by @path_hash
 * @node: node in the namespace's cgroup map; two, so that the map can grow
 *	under its readers (a table uses one, the next the other)
 * @cnet: the namespace whose map @node goes in
 * @path: the path from the cgroup2 hierarchy's root, whatever the cgroup
 *	namespace of whoever bound it
 * @path_hash: registry key
 * @level: depth of @path, 1 for a child of the root
 * @cgroup_id: the live cgroup at @path, 0 while there is none
 * @mapped_id: the cgroup ID @node is hashed under; may be a removed
 *	cgroup's, whose lingering sockets stay the component's until a new
 *	cgroup takes the path
 * @mapped: @node is in the map
 * @registered: @reg is in the registry: the cgroup probes may change us
 * @committed: the component is added; before, the probes only record
 * @events: mkdir/rmdir probes that changed this binding
 *
 * Everything but @reg and @path changes under the map's lock.
 */
struct compfw_cgbind {
	struct rhlist_head reg;
	struct hlist_nulls_node node[2];
	struct compfw_net *cnet;
	char *path;
	u32 path_hash;
	u32 level;
	u64 cgroup_id;
	u64 mapped_id;
	bool mapped;
	bool registered;
	bool committed;
	u32 events;
};

struct compfw_cgmap_table;

/**
 * struct compfw_cgmap - a namespace's bound cgroups by cgroup ID
 * @table: the buckets, read on the packet path under RCU
 * @lock: taken by the cgroup probes with interrupts off, so IRQ-safe
 * @count: entries mapped
 */
struct compfw_cgmap {
	struct compfw_cgmap_table __rcu *table;
	spinlock_t lock;	/* see above */
	atomic_t count;
};

int compfw_cgbind_init(void);
void compfw_cgbind_exit(void);

int compfw_cgmap_init(struct compfw_cgmap *map);
void compfw_cgmap_destroy(struct compfw_cgmap *map);
struct compfw_cgbind *compfw_cgmap_lookup(struct compfw_cgmap *map, u64 id);

int compfw_cgbind_add(struct compfw_net *cnet, struct compfw_cgbind *b,
		      const char *path, struct netlink_ext_ack *extack);
void compfw_cgbind_del(struct compfw_net *cnet, struct compfw_cgbind *b);
void compfw_cgbind_free(struct compfw_cgbind *b);

/* The live cgroup's ID, 0 while the path has none. */
static inline u64 compfw_cgbind_id(const struct compfw_cgbind *b)
{
	return READ_ONCE(b->cgroup_id);
}

/* No cgroup has been at @b's path since it was bound: it waits for mkdir. */
static inline bool compfw_cgbind_pending(const struct compfw_cgbind *b)
{
	return !READ_ONCE(b->mapped);
}

#endif /* _COMPFW_CGROUPBIND_H */
