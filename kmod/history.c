// SPDX-License-Identifier: GPL-2.0
/*
 * A component's history: the versions of its manifest it keeps, the one in
 * force first, then the others by when they were last in force. Putting an
 * old version back moves it to the front, so that two plain rollbacks undo
 * each other as they always did, and "rollback --to" reaches any of them.
 *
 * A version's entry lives in its manifest (one manifest is one version,
 * however often it comes back) and the component's creation in the
 * component: keeping a version never allocates, so an apply that passed
 * its checks cannot fail on its history. What is kept of a version out of
 * force is its retired manifest, without compiled tables.
 */

#include <linux/cred.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "history.h"
#include "manifest.h"

#define COMPFW_HISTORY_MIN	2
#define COMPFW_HISTORY_MAX	64

unsigned int compfw_history_depth = 8;
module_param_named(history_depth, compfw_history_depth, uint, 0644);
MODULE_PARM_DESC(history_depth,
		 "Versions of its manifest a component keeps, the one in force included (2 to 64)");

static u32 compfw_history_limit(void)
{
	return clamp_t(u32, READ_ONCE(compfw_history_depth), COMPFW_HISTORY_MIN,
		       COMPFW_HISTORY_MAX);
}

static const char *const change_names[] = {
	[COMPFW_HISTORY_NEW] = "new",
	[COMPFW_HISTORY_APPLY] = "apply",
	[COMPFW_HISTORY_ROLLBACK] = "rollback",
};

const char *compfw_history_change_name(u8 change)
{
	return change < ARRAY_SIZE(change_names) ? change_names[change] : "?";
}

/* @v is put in force now, by the current task. */
static void compfw_version_stamp(struct compfw_version *v, u8 change, u32 generation)
{
	v->generation = generation;
	v->when = ktime_get_real_seconds();
	v->change = change;
	v->uid = current_uid();
	v->pid = task_tgid_nr(current);
	strscpy_pad(v->comm, current->comm, sizeof(v->comm));
}

/* A component's creation: its first version, unmanaged, at generation 0. */
void compfw_history_init(struct compfw_history *h, struct compfw_version *created)
{
	INIT_LIST_HEAD(&h->versions);
	created->m = NULL;
	compfw_version_stamp(created, COMPFW_HISTORY_NEW, 0);
	list_add(&created->list, &h->versions);
	h->n = 1;
}

/* The manifests of every version but the one in force (the caller's). */
void compfw_history_free(struct compfw_history *h)
{
	struct compfw_version *v, *tmp, *in_force = compfw_history_in_force(h);

	list_for_each_entry_safe(v, tmp, &h->versions, list) {
		list_del(&v->list);
		if (v != in_force)
			compfw_manifest_free(v->m);
	}
}

/* The version longest out of force. */
static struct compfw_version *compfw_history_oldest(const struct compfw_history *h)
{
	return list_last_entry(&h->versions, struct compfw_version, list);
}

/* What the versions out of force take: their retired manifests. */
size_t compfw_history_bytes(const struct compfw_history *h)
{
	const struct compfw_version *v;
	size_t n = 0;

	list_for_each_entry(v, &h->versions, list)
		if (v != compfw_history_in_force(h))
			n += compfw_manifest_bytes(v->m);
	return n;
}

/* The bytes a new version frees, by the versions it pushes out. */
size_t compfw_history_push_frees(const struct compfw_history *h)
{
	const struct compfw_version *v;
	u32 n = h->n + 1, limit = compfw_history_limit();
	size_t bytes = 0;

	list_for_each_entry_reverse(v, &h->versions, list) {
		if (n <= limit)
			break;
		bytes += compfw_manifest_bytes(v->m);
		n--;
	}
	return bytes;
}

/* Beyond the limit, the versions longest out of force go. */
static void compfw_history_trim(struct compfw_history *h)
{
	struct compfw_version *v;
	u32 limit = compfw_history_limit();

	while (h->n > limit) {
		v = compfw_history_oldest(h);
		list_del(&v->list);
		h->n--;
		/* Packets may still be reading it (the rollback copy of a face). */
		compfw_manifest_free_rcu(v->m);
	}
}

/*
 * compfw_history_push - a new version is in force
 * @h: the history
 * @v: its entry (in its manifest), not in any history yet
 * @left: the manifest in force until now (the active face of a set), or NULL
 * @generation: the component's generation now
 */
void compfw_history_push(struct compfw_history *h, struct compfw_version *v,
			 struct compfw_manifest *left, u32 generation)
{
	compfw_history_in_force(h)->m = left;
	compfw_version_stamp(v, COMPFW_HISTORY_APPLY, generation);
	list_add(&v->list, &h->versions);
	h->n++;
	compfw_history_trim(h);
}

/*
 * compfw_history_bring_back - an old version is in force again
 * @h: the history
 * @v: the version, out of force
 * @left: the manifest in force until now, or NULL
 * @generation: the component's generation now
 */
void compfw_history_bring_back(struct compfw_history *h, struct compfw_version *v,
			       struct compfw_manifest *left, u32 generation)
{
	compfw_history_in_force(h)->m = left;
	compfw_version_stamp(v, COMPFW_HISTORY_ROLLBACK, generation);
	list_move(&v->list, &h->versions);
	compfw_history_trim(h);
}

/* The version in force before the one now: a plain rollback's. */
struct compfw_version *compfw_history_previous(const struct compfw_history *h)
{
	if (h->n < 2)
		return NULL;
	return list_next_entry(compfw_history_in_force(h), list);
}

struct compfw_version *compfw_history_find(const struct compfw_history *h, u32 generation)
{
	struct compfw_version *v;

	list_for_each_entry(v, &h->versions, list)
		if (v->generation == generation)
			return v;
	return NULL;
}
