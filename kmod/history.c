// SPDX-License-Identifier: GPL-2.0
/*
 * A history: the versions a component keeps of its manifest, or a persona
 * of its definition, the one in force first, then the others by when they
 * were last in force. Putting an old version back moves it to the front,
 * so that two plain rollbacks undo each other as they always did, and
 * "rollback --to" reaches any of them.
 *
 * A version's entry lives in what it is a version of (a component's
 * manifest, however often it comes back, or the component itself for its
 * creation; a persona's definition): keeping a version never allocates, so
 * a change that passed its checks cannot fail on its history. What is kept
 * of a version out of force is without compiled tables.
 */

#include <linux/cred.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "history.h"

#define COMPFW_HISTORY_MIN	2
#define COMPFW_HISTORY_MAX	64

unsigned int compfw_history_depth = 8;
module_param_named(history_depth, compfw_history_depth, uint, 0644);
MODULE_PARM_DESC(history_depth,
		 "Versions a component's manifest and a persona keep, the one in force included (2 to 64)");

static u32 compfw_history_limit(void)
{
	return clamp_t(u32, READ_ONCE(compfw_history_depth), COMPFW_HISTORY_MIN,
		       COMPFW_HISTORY_MAX);
}

static const char *const change_names[] = {
	[COMPFW_HISTORY_NEW] = "new",
	[COMPFW_HISTORY_APPLY] = "apply",
	[COMPFW_HISTORY_ROLLBACK] = "rollback",
	[COMPFW_HISTORY_REPLACE] = "replace",
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

/* Its owner's creation, by the current task: the first version. */
void compfw_history_init(struct compfw_history *h, const struct compfw_history_ops *ops,
			 struct compfw_version *created, u32 generation)
{
	INIT_LIST_HEAD(&h->versions);
	h->ops = ops;
	created->m = NULL;
	compfw_version_stamp(created, COMPFW_HISTORY_NEW, generation);
	list_add(&created->list, &h->versions);
	h->n = 1;
}

/* @from's versions are @to's now: a persona's in force is another object. */
void compfw_history_move(struct compfw_history *to, struct compfw_history *from)
{
	list_replace_init(&from->versions, &to->versions);
	to->n = from->n;
	to->ops = from->ops;
	from->n = 0;
}

/* Every version but the one in force (the caller's). */
void compfw_history_free(struct compfw_history *h)
{
	struct compfw_version *v, *tmp, *in_force;

	if (list_empty(&h->versions))
		return;
	in_force = compfw_history_in_force(h);
	list_for_each_entry_safe(v, tmp, &h->versions, list) {
		list_del(&v->list);
		if (v != in_force)
			h->ops->free(v);
	}
	h->n = 0;
}

/* The version longest out of force. */
static struct compfw_version *compfw_history_oldest(const struct compfw_history *h)
{
	return list_last_entry(&h->versions, struct compfw_version, list);
}

/* What the versions out of force take. */
size_t compfw_history_bytes(const struct compfw_history *h)
{
	const struct compfw_version *v;
	size_t n = 0;

	list_for_each_entry(v, &h->versions, list)
		if (v != compfw_history_in_force(h))
			n += h->ops->bytes(v);
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
		bytes += h->ops->bytes(v);
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
		h->ops->drop(v);
	}
}

/*
 * compfw_history_push - a new version is in force
 * @h: the history
 * @v: its entry, not in any history yet
 * @change: &enum compfw_history_change
 * @generation: the owner's generation now
 */
void compfw_history_push(struct compfw_history *h, struct compfw_version *v,
			 u8 change, u32 generation)
{
	compfw_version_stamp(v, change, generation);
	list_add(&v->list, &h->versions);
	h->n++;
	compfw_history_trim(h);
}

/*
 * compfw_history_bring_back - an old version is in force again
 * @h: the history
 * @v: the version, out of force
 * @generation: the owner's generation now
 */
void compfw_history_bring_back(struct compfw_history *h, struct compfw_version *v,
			       u32 generation)
{
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
