/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_HISTORY_H
#define _COMPFW_HISTORY_H

#include <linux/list.h>
#include <linux/sched.h>
#include <linux/time64.h>
#include <linux/uidgid.h>

struct compfw_manifest;
struct compfw_version;

/**
 * struct compfw_history_ops - what a history keeps its versions in
 * @bytes: what a version out of force takes
 * @drop: free a version pushed out; packets may still be reading it
 * @free: free a version out of force as its owner goes; none reads it
 */
struct compfw_history_ops {
	size_t (*bytes)(const struct compfw_version *v);
	void (*drop)(struct compfw_version *v);
	void (*free)(struct compfw_version *v);
};

/*
 * How a version was last put in force: values of the history entry's
 * "change" string, and of compfw_history_change_name().
 */
enum compfw_history_change {
	COMPFW_HISTORY_NEW,
	COMPFW_HISTORY_APPLY,
	COMPFW_HISTORY_ROLLBACK,
	COMPFW_HISTORY_REPLACE,
};

/**
 * struct compfw_version - one version of a component's manifest or of a
 * persona
 * @list: entry in compfw_history.versions
 * @m: a component's: the manifest (a face of it, for one with personas),
 *	retired; NULL for "unmanaged". Stale while the version is in force:
 *	the component's own pointer is the truth then (a persona switch moves
 *	it). Unused for a persona, whose versions are whole personas.
 * @generation: its owner's generation when it was last put in force
 * @when: then, in seconds since the epoch
 * @change: &enum compfw_history_change
 * @uid: who put it in force
 * @pid: its process ID, in the initial PID namespace
 * @comm: its process name
 */
struct compfw_version {
	struct list_head list;
	struct compfw_manifest *m;
	u32 generation;
	time64_t when;
	u8 change;
	kuid_t uid;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/**
 * struct compfw_history - the versions a component or a persona keeps,
 * under the namespace lock
 * @versions: the one in force first, then the others by when they were
 *	last in force, newest first
 * @n: entries in @versions; at least 1 (the owner's creation) and at
 *	most compfw_history_depth once a change is done
 * @ops: how its versions are counted and freed
 */
struct compfw_history {
	struct list_head versions;
	u32 n;
	const struct compfw_history_ops *ops;
};

extern unsigned int compfw_history_depth;

void compfw_history_init(struct compfw_history *h, const struct compfw_history_ops *ops,
			 struct compfw_version *created, u32 generation);
void compfw_history_move(struct compfw_history *to, struct compfw_history *from);
void compfw_history_free(struct compfw_history *h);
size_t compfw_history_bytes(const struct compfw_history *h);
size_t compfw_history_push_frees(const struct compfw_history *h);

void compfw_history_push(struct compfw_history *h, struct compfw_version *v,
			 u8 change, u32 generation);
struct compfw_version *compfw_history_find(const struct compfw_history *h, u32 generation);
struct compfw_version *compfw_history_previous(const struct compfw_history *h);
void compfw_history_bring_back(struct compfw_history *h, struct compfw_version *v,
			       u32 generation);
const char *compfw_history_change_name(u8 change);

static inline struct compfw_version *compfw_history_in_force(const struct compfw_history *h)
{
	return list_first_entry(&h->versions, struct compfw_version, list);
}

#endif /* _COMPFW_HISTORY_H */
