// SPDX-License-Identifier: GPL-2.0
/*
 * Manifests: created from a plain description (struct compfw_manifest_spec,
 * which netlink.c reads off the wire and KUnit writes by hand), compiled,
 * retired and revived. A manifest is immutable once created, so that the
 * packet path can read it without a lock.
 */

#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/stringify.h>
#include <net/netlink.h>
#include <net/netfilter/nf_log.h>

#include "account.h"
#include "compat.h"
#include "component.h"
#include "manifest.h"
#include "netns.h"

static int get_logger(int pf, enum nf_log_type type)
{
	if (!nf_logger_find_get(pf, type))
		return 0;
	request_module("nf-logger-%u-%u", pf, type);
	return nf_logger_find_get(pf, type);
}

/* The loggers of @type for both families, or neither. */
static int get_loggers(enum nf_log_type type)
{
	if (get_logger(NFPROTO_IPV4, type))
		return -EOPNOTSUPP;
	if (get_logger(NFPROTO_IPV6, type)) {
		nf_logger_put(NFPROTO_IPV4, type);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void put_loggers(enum nf_log_type type)
{
	nf_logger_put(NFPROTO_IPV4, type);
	nf_logger_put(NFPROTO_IPV6, type);
}

static void free_one(struct compfw_manifest *m)
{
	if (m->policy && !m->retired) {
		compfw_account_free(m->policy, cfw_policy_bytes(m->policy));
		cfw_policy_free(m->policy);
	}
	if (m->nflog_group >= 0)
		put_loggers(NF_LOG_TYPE_ULOG);
	if (m->syslog_held)
		put_loggers(NF_LOG_TYPE_LOG);
	compfw_kvfree(m->peers, m->n_peers * sizeof(*m->peers));
	compfw_kvfree(m, m->bytes);
}

static size_t set_bytes(u32 n)
{
	return sizeof(struct compfw_persona_set) +
	       n * (sizeof(struct compfw_face) + sizeof(struct compfw_trigger_key));
}

static size_t path_bytes(const char *path)
{
	return path ? strlen(path) + 1 : 0;
}

/* The set with its trigger paths, without its faces' manifests. */
static size_t set_size(const struct compfw_persona_set *set)
{
	size_t n = set_bytes(set->n);
	u32 i;

	for (i = 0; i < set->n; i++)
		n += path_bytes(set->face[i].trigger_path);
	return n;
}

static void free_set(struct compfw_persona_set *set)
{
	u32 i;

	for (i = 0; i < set->n; i++) {
		if (set->face[i].m)
			free_one(set->face[i].m);
		compfw_kvfree(set->face[i].trigger_path, path_bytes(set->face[i].trigger_path));
	}
	compfw_kvfree(set, set_bytes(set->n));
}

/* A face frees its whole set: the set is one manifest. */
void compfw_manifest_free(struct compfw_manifest *m)
{
	if (!m)
		return;
	if (m->set)
		free_set(m->set);
	else
		free_one(m);
}

/* The persona whose face @m is, or NULL for a manifest without personas. */
const char *compfw_manifest_persona(const struct compfw_manifest *m)
{
	u32 i;

	for (i = 0; m->set && i < m->set->n; i++)
		if (m->set->face[i].m == m)
			return m->set->face[i].persona;
	return NULL;
}

/* The index of @persona's face in @m's set, or -ENOENT. */
int compfw_manifest_face(const struct compfw_manifest *m, const char *persona)
{
	u32 i;

	for (i = 0; m && m->set && i < m->set->n; i++)
		if (!strcmp(m->set->face[i].persona, persona))
			return i;
	return -ENOENT;
}

/*
 * A process name and a path are different triggers even when their text is
 * the same: the kind is the hash's seed.
 */
enum { TRIGGER_PROCESS, TRIGGER_PATH };

static u32 trigger_hash(const char *s, u32 kind)
{
	return jhash(s, strlen(s), kind);
}

static const char *face_trigger(const struct compfw_face *f, u32 kind)
{
	if (kind == TRIGGER_PATH)
		return f->trigger_path;
	return f->trigger_process[0] ? f->trigger_process : NULL;
}

static int find_trigger(const struct compfw_persona_set *set, const char *s, u32 kind)
{
	u32 h = trigger_hash(s, kind), lo = 0, hi = set->n_keys, mid;
	const char *t;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (set->keys[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < set->n_keys && set->keys[lo].hash == h; lo++) {
		t = face_trigger(&set->face[set->keys[lo].face], kind);
		if (t && !strcmp(t, s))
			return set->keys[lo].face;
	}
	return -ENOENT;
}

/**
 * compfw_manifest_trigger - the face an exec activates
 * @m: the manifest in force
 * @comm: the program's name, as the exec set it, or NULL
 * @path: a path of the program (see trigger.c), or NULL
 *
 * Context: any; O(log n) in the set's triggers.
 * Return: the index of the face whose trigger is @comm or @path, or -ENOENT.
 */
int compfw_manifest_trigger(const struct compfw_manifest *m, const char *comm,
			    const char *path)
{
	int i;

	if (!compfw_manifest_has_triggers(m))
		return -ENOENT;
	i = comm ? find_trigger(m->set, comm, TRIGGER_PROCESS) : -ENOENT;
	if (i < 0 && path)
		i = find_trigger(m->set, path, TRIGGER_PATH);
	return i;
}

/* Whether an exec in @m's component may switch it. */
bool compfw_manifest_has_triggers(const struct compfw_manifest *m)
{
	return m && m->set && m->set->n_keys;
}

/* Whether an exec must find its program's path to match @m's triggers. */
bool compfw_manifest_path_triggers(const struct compfw_manifest *m)
{
	return m && m->set && m->set->has_path_trigger;
}

static size_t one_bytes(const struct compfw_manifest *m)
{
	return m->bytes + (m->retired ? 0 : cfw_policy_bytes(m->policy));
}

/* What @m takes as the namespace's cap counts it: a retired one has no tables. */
size_t compfw_manifest_bytes(const struct compfw_manifest *m)
{
	size_t n;
	u32 i;

	if (!m)
		return 0;
	if (!m->set)
		return one_bytes(m);
	n = set_size(m->set);
	for (i = 0; i < m->set->n; i++)
		n += one_bytes(m->set->face[i].m);
	return n;
}

/* The same, without the compiled tables: what a retired @m keeps. */
size_t compfw_manifest_kept_bytes(const struct compfw_manifest *m)
{
	size_t n;
	u32 i;

	if (!m)
		return 0;
	if (!m->set)
		return m->bytes;
	n = set_size(m->set);
	for (i = 0; i < m->set->n; i++)
		n += m->set->face[i].m->bytes;
	return n;
}

static void retire_one(struct compfw_manifest *m)
{
	if (m->retired)
		return;
	compfw_account_free(m->policy, cfw_policy_bytes(m->policy));
	kvfree_rcu_mightsleep(m->policy);
	m->retired = true;
}

/**
 * compfw_manifest_retire - keep a superseded manifest for rollback only
 * @m: the manifest just replaced, or NULL
 *
 * Its compiled tables are most of its size and are easy to build again:
 * they go after a grace period (packets may still be reading them), and
 * compfw_manifest_revive() compiles them anew if the manifest comes back.
 * The compiled policy is one kvmalloc'd block (see cfw_policy_compile()).
 *
 * A set is retired whole.
 *
 * Context: process context, namespace lock held; may sleep.
 */
void compfw_manifest_retire(struct compfw_manifest *m)
{
	u32 i;

	if (!m)
		return;
	if (!m->set) {
		retire_one(m);
		return;
	}
	for (i = 0; i < m->set->n; i++)
		retire_one(m->set->face[i].m);
}

static int revive_one(struct compfw_manifest *m)
{
	struct cfw_policy *policy;

	if (!m->retired)
		return 0;
	policy = cfw_policy_compile(&m->spec, NULL);
	if (IS_ERR(policy))
		return PTR_ERR(policy);
	compfw_account_alloc(policy, cfw_policy_bytes(policy));
	WRITE_ONCE(m->policy, policy);
	m->retired = false;
	return 0;
}

/**
 * compfw_manifest_revive - compile a retired manifest before it comes back
 * @m: the manifest, or NULL
 *
 * Packets still inside a grace period of @m's first life may read either
 * its old tables (not yet freed) or the new ones: both say the same.
 *
 * A set comes back whole or stays retired whole: a switch needs every face.
 *
 * Context: process context, namespace lock held; may sleep.
 * Return: 0, or -ENOMEM and @m stays retired.
 */
int compfw_manifest_revive(struct compfw_manifest *m)
{
	u32 i;
	int ret;

	if (!m)
		return 0;
	if (!m->set)
		return revive_one(m);
	for (i = 0; i < m->set->n; i++) {
		ret = revive_one(m->set->face[i].m);
		if (ret) {
			compfw_manifest_retire(m);
			return ret;
		}
	}
	return 0;
}

static void compfw_manifest_free_work(struct work_struct *work)
{
	compfw_manifest_free(container_of(to_rcu_work(work),
					  struct compfw_manifest, free_work));
}

void compfw_manifest_free_rcu(struct compfw_manifest *m)
{
	if (m)
		queue_rcu_work(compfw_wq, &m->free_work);
}

static bool names_one(const struct compfw_manifest *m, u32 component_id)
{
	u32 i;

	for (i = 0; i < m->n_rules; i++)
		if (m->rules[i].peer_kind == CFW_PEER_COMPONENT &&
		    m->rules[i].peer_component == component_id)
			return true;
	return false;
}

/* Does any rule of @m (of any of its faces) name the component as a peer? */
bool compfw_manifest_names(const struct compfw_manifest *m, u32 component_id)
{
	u32 i;

	if (!m->set)
		return names_one(m, component_id);
	for (i = 0; i < m->set->n; i++)
		if (names_one(m->set->face[i].m, component_id))
			return true;
	return false;
}

/*
 * The first peer the manifest names that is gone: deleted, or deleted and
 * its ID taken by a newcomer, who must not inherit its rights. NULL when
 * every peer is still the component it was.
 */
static const struct compfw_peer_ref *lost_peer_one(struct compfw_net *cnet,
						   const struct compfw_manifest *m)
{
	struct compfw_component *comp;
	u32 i;

	for (i = 0; i < m->n_peers; i++) {
		comp = compfw_component_by_id(cnet, m->peers[i].id);
		if (!comp || comp->serial != m->peers[i].serial)
			return &m->peers[i];
	}
	return NULL;
}

const struct compfw_peer_ref *
compfw_manifest_lost_peer(struct compfw_net *cnet, const struct compfw_manifest *m)
{
	const struct compfw_peer_ref *lost;
	u32 i;

	if (!m->set)
		return lost_peer_one(cnet, m);
	for (i = 0; i < m->set->n; i++) {
		lost = lost_peer_one(cnet, m->set->face[i].m);
		if (lost)
			return lost;
	}
	return NULL;
}

static int u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Remember who each peer component is, by serial, not only by ID: a
 * component created later under the same ID must not inherit its rights.
 */
static int record_peers(struct compfw_net *cnet, struct compfw_manifest *m,
			struct netlink_ext_ack *extack)
{
	struct compfw_component *comp;
	u32 i, n = 0, distinct = 0;
	int ret = 0;
	u32 *ids;

	for (i = 0; i < m->n_rules; i++)
		n += m->rules[i].peer_kind == CFW_PEER_COMPONENT;
	if (!n)
		return 0;
	ids = kvmalloc_array(n, sizeof(*ids), COMPFW_GFP);
	if (!ids)
		goto nomem;
	for (i = 0, n = 0; i < m->n_rules; i++)
		if (m->rules[i].peer_kind == CFW_PEER_COMPONENT)
			ids[n++] = m->rules[i].peer_component;
	sort(ids, n, sizeof(*ids), u32_cmp, NULL);
	for (i = 0; i < n; i++)
		if (!i || ids[i] != ids[i - 1])
			ids[distinct++] = ids[i];
	m->peers = compfw_kvcalloc(distinct, sizeof(*m->peers));
	if (!m->peers) {
		kvfree(ids);
		goto nomem;
	}
	for (i = 0; i < distinct; i++) {
		comp = compfw_component_by_id(cnet, ids[i]);
		if (!comp) {
			NL_SET_ERR_MSG(extack, "unknown peer component");
			ret = -ENOENT;
			break;
		}
		m->peers[i].id = ids[i];
		m->peers[i].serial = comp->serial;
		strscpy(m->peers[i].name, comp->name, sizeof(m->peers[i].name));
		m->n_peers++;
	}
	kvfree(ids);
	return ret;

nomem:
	NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
	return -ENOMEM;
}

/*
 * Where each part of a manifest lives in its one allocation: the parts
 * holding pointers or 64-bit counters first, the string last, so that each
 * part is aligned without padding.
 */
struct manifest_layout {
	size_t stats, rules, excepts, exposure, version, total;
};

static void manifest_layout(const struct compfw_manifest_spec *spec,
			    struct manifest_layout *l)
{
	const struct cfw_policy_spec *p = &spec->policy;
	size_t rules = (size_t)p->n_rules[CFW_DIR_INGRESS] + p->n_rules[CFW_DIR_EGRESS];
	size_t at = sizeof(struct compfw_manifest);

	l->stats = at;
	at += rules * sizeof(struct compfw_rule_stats);
	l->rules = at;
	at += rules * sizeof(struct cfw_rule_spec);
	l->excepts = at;
	at += (size_t)spec->n_excepts * sizeof(struct cfw_cidr);
	l->exposure = at;
	at += (size_t)p->n_exposure * sizeof(struct cfw_l4match);
	l->version = at;
	at += spec->version ? strlen(spec->version) + 1 : 1;
	l->total = at;
}

/* A copy of @spec's rules of @dir at @to, their excepts moved along. */
static void copy_rules(struct compfw_manifest *m, const struct compfw_manifest_spec *spec,
		       int dir, struct cfw_rule_spec *to)
{
	const struct cfw_rule_spec *from = spec->policy.rules[dir];
	u32 i;

	memcpy(to, from, spec->policy.n_rules[dir] * sizeof(*to));
	for (i = 0; i < spec->policy.n_rules[dir]; i++)
		to[i].except = to[i].n_except ?
			       m->excepts + (from[i].except - spec->excepts) : NULL;
}

static struct compfw_manifest *alloc_manifest(const struct compfw_manifest_spec *spec)
{
	const struct cfw_policy_spec *p = &spec->policy;
	u32 n_in = p->n_rules[CFW_DIR_INGRESS];
	struct compfw_manifest *m;
	struct manifest_layout l;
	char *base;

	manifest_layout(spec, &l);
	base = compfw_kvzalloc(l.total);
	if (!base)
		return NULL;
	m = (struct compfw_manifest *)base;
	INIT_RCU_WORK(&m->free_work, compfw_manifest_free_work);
	m->bytes = l.total;
	m->nflog_group = -1;
	m->n_rules = n_in + p->n_rules[CFW_DIR_EGRESS];
	m->n_excepts = spec->n_excepts;
	m->rule_stats = (struct compfw_rule_stats *)(base + l.stats);
	m->rules = (struct cfw_rule_spec *)(base + l.rules);
	m->excepts = (struct cfw_cidr *)(base + l.excepts);
	m->exposure = (struct cfw_l4match *)(base + l.exposure);
	if (spec->version)
		memcpy(base + l.version, spec->version, l.total - l.version);
	m->version = base + l.version;
	m->mode = spec->mode;
	m->log = spec->log;

	memcpy(m->excepts, spec->excepts, spec->n_excepts * sizeof(*m->excepts));
	memcpy(m->exposure, p->exposure, p->n_exposure * sizeof(*m->exposure));
	copy_rules(m, spec, CFW_DIR_INGRESS, m->rules);
	copy_rules(m, spec, CFW_DIR_EGRESS, m->rules + n_in);
	m->spec.exposure = m->exposure;
	m->spec.n_exposure = p->n_exposure;
	m->spec.rules[CFW_DIR_INGRESS] = m->rules;
	m->spec.n_rules[CFW_DIR_INGRESS] = n_in;
	m->spec.rules[CFW_DIR_EGRESS] = m->rules + n_in;
	m->spec.n_rules[CFW_DIR_EGRESS] = p->n_rules[CFW_DIR_EGRESS];
	m->spec.max_rules = compfw_max_component_rules;
	return m;
}

static int compile_policy(struct compfw_manifest *m, struct cfw_compile_err *err,
			  struct netlink_ext_ack *extack)
{
	struct cfw_policy *policy;

	policy = cfw_policy_compile(&m->spec, err);
	if (IS_ERR(policy)) {
		if (PTR_ERR(policy) == -ENOMEM)
			NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		else
			compfw_set_err_msg(extack, err->msg ?: "cannot compile the manifest");
		return PTR_ERR(policy);
	}
	m->policy = policy;
	compfw_account_alloc(policy, cfw_policy_bytes(policy));
	return 0;
}

static int rule_id_cmp(const void *a, const void *b)
{
	u32 x = ((const struct cfw_rule_spec *)a)->id;
	u32 y = ((const struct cfw_rule_spec *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * After compiling: the compiler's errors name rules by their index in the
 * request, and the compiled tables name them by ID only.
 */
static void sort_rules(struct compfw_manifest *m)
{
	int dir;

	for (dir = 0; dir < CFW_DIR_MAX; dir++)
		sort((void *)m->spec.rules[dir], m->spec.n_rules[dir],
		     sizeof(struct cfw_rule_spec), rule_id_cmp, NULL);
}

/*
 * Log lines are the LOG target's (log.c): hold its logger while a manifest
 * that logs may be in force; the same for nfnetlink_log and NFLOG.
 */
static int get_log_backends(struct compfw_manifest *m, int nflog_group,
			    struct netlink_ext_ack *extack)
{
	if (nflog_group >= 0) {
		if (get_loggers(NF_LOG_TYPE_ULOG)) {
			NL_SET_ERR_MSG(extack, "nfnetlink_log is not available");
			return -EOPNOTSUPP;
		}
		m->nflog_group = nflog_group;
	}
	if (m->log == COMPFW_LOG_OFF)
		return 0;
	if (get_loggers(NF_LOG_TYPE_LOG)) {
		NL_SET_ERR_MSG(extack,
			       "nf_log_syslog, the kernel's packet logger, is not available");
		return -EOPNOTSUPP;
	}
	m->syslog_held = true;
	return 0;
}

static int check_spec(const struct compfw_manifest_spec *spec,
		      struct netlink_ext_ack *extack)
{
	const struct cfw_policy_spec *p = &spec->policy;

	if ((u64)p->n_rules[CFW_DIR_INGRESS] + p->n_rules[CFW_DIR_EGRESS] >
	    compfw_max_component_rules || p->n_exposure > compfw_max_component_rules) {
		NL_SET_ERR_MSG(extack,
			       "too many rules in one manifest (module parameter max_component_rules)");
		return -E2BIG;
	}
	if (spec->mode > COMPFW_MODE_AUDIT || spec->log > COMPFW_LOG_ALL) {
		NL_SET_ERR_MSG(extack, "unknown mode or log setting");
		return -EINVAL;
	}
	if (spec->version && strlen(spec->version) >= COMPFW_VERSION_MAX) {
		NL_SET_ERR_MSG(extack, "version string too long");
		return -EINVAL;
	}
	return 0;
}

/**
 * compfw_manifest_create - build and compile a manifest
 * @cnet: the namespace, locked: peer components are looked up in it
 * @spec: what the manifest says; copied, so the caller keeps it
 * @err: where a compile error is (which entry), for the caller to point at
 * @extack: why a manifest is refused
 *
 * Context: process context, namespace lock held; may sleep.
 * Return: the manifest, not yet installed, or an ERR_PTR.
 */
struct compfw_manifest *compfw_manifest_create(struct compfw_net *cnet,
					       const struct compfw_manifest_spec *spec,
					       struct cfw_compile_err *err,
					       struct netlink_ext_ack *extack)
{
	struct compfw_manifest *m;
	int ret;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	err->except_index = -1;
	ret = check_spec(spec, extack);
	if (ret)
		return ERR_PTR(ret);
	m = alloc_manifest(spec);
	if (!m) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	ret = record_peers(cnet, m, extack);
	if (!ret)
		ret = compile_policy(m, err, extack);
	if (!ret)
		sort_rules(m);
	if (!ret)
		ret = get_log_backends(m, spec->nflog_group, extack);
	if (ret) {
		compfw_manifest_free(m);
		return ERR_PTR(ret);
	}
	return m;
}

/* Under RCU, on the packet path: no lock, a binary search. */
void compfw_manifest_count_rule(const struct compfw_manifest *m, int dir,
				u32 rule_id, unsigned int bytes, u64 now)
{
	const struct cfw_rule_spec *rules = m->spec.rules[dir];
	u32 lo = 0, hi = m->spec.n_rules[dir], mid;
	struct compfw_rule_stats *st;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rules[mid].id < rule_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->spec.n_rules[dir] || rules[lo].id != rule_id)
		return;
	st = &m->rule_stats[&rules[lo] - m->rules];
	atomic64_inc(&st->packets);
	atomic64_add(bytes, &st->bytes);
	atomic64_set(&st->last_hit, now);
}

void compfw_manifest_reset_counters(const struct compfw_manifest *m)
{
	u32 i;

	for (i = 0; i < m->n_rules; i++) {
		atomic64_set(&m->rule_stats[i].packets, 0);
		atomic64_set(&m->rule_stats[i].bytes, 0);
		atomic64_set(&m->rule_stats[i].last_hit, 0);
	}
}

static char *copy_path(const char *path)
{
	size_t len = strlen(path) + 1;
	char *copy = compfw_kvzalloc(len);

	if (copy)
		memcpy(copy, path, len);
	return copy;
}

static int key_cmp(const void *a, const void *b)
{
	const struct compfw_trigger_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->face < y->face ? -1 : x->face > y->face;
}

static void add_key(struct compfw_persona_set *set, u32 face, u32 kind)
{
	const char *s = face_trigger(&set->face[face], kind);

	if (!s)
		return;
	set->keys[set->n_keys].hash = trigger_hash(s, kind);
	set->keys[set->n_keys].face = face;
	set->n_keys++;
	if (kind == TRIGGER_PATH)
		set->has_path_trigger = true;
}

/* Whether faces @a and @b of @set share a trigger. */
static bool same_trigger(const struct compfw_persona_set *set, u32 a, u32 b)
{
	const struct compfw_face *x = &set->face[a], *y = &set->face[b];

	if (x->trigger_process[0] && !strcmp(x->trigger_process, y->trigger_process))
		return true;
	return x->trigger_path && y->trigger_path && !strcmp(x->trigger_path, y->trigger_path);
}

/*
 * Sort the set's triggers for the exec probe, and refuse two personas with
 * the same one: an exec would not know which of them it means.
 */
static int index_triggers(struct compfw_net *cnet, struct compfw_persona_set *set,
			  struct netlink_ext_ack *extack)
{
	u32 i, j;

	for (i = 0; i < set->n; i++) {
		add_key(set, i, TRIGGER_PROCESS);
		add_key(set, i, TRIGGER_PATH);
	}
	sort(set->keys, set->n_keys, sizeof(*set->keys), key_cmp, NULL);
	for (i = 0; i < set->n_keys; i++) {
		for (j = i + 1; j < set->n_keys && set->keys[j].hash == set->keys[i].hash; j++) {
			u32 a = set->keys[i].face, b = set->keys[j].face;

			if (!same_trigger(set, a, b))
				continue;
			compfw_err_fmt(extack, cnet->why,
				       "personas \"%.16s\" and \"%.16s\" have the same trigger",
				       set->face[a].persona, set->face[b].persona);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * compfw_manifest_set_create - build a manifest that takes personas
 * @cnet: the namespace, locked
 * @header: the manifest's version, mode and logging; its policy is unused
 * @faces: the personas, each with its name, serial and profile (@m, whose
 *	spec gives the rules)
 * @n: entries in @faces, at least one
 * @dflt: the face in force first
 * @extack: why it is refused
 *
 * Every face is compiled now, so that a switch is a pointer swap.
 *
 * Context: process context, namespace lock held; may sleep.
 * Return: the default face (its set reached through it), or an ERR_PTR.
 */
struct compfw_manifest *compfw_manifest_set_create(struct compfw_net *cnet,
						   const struct compfw_manifest_spec *header,
						   const struct compfw_face *faces, u32 n,
						   u32 dflt, struct netlink_ext_ack *extack)
{
	struct compfw_manifest_spec spec = *header;
	struct compfw_persona_set *set;
	struct cfw_compile_err err;
	struct compfw_manifest *m;
	u32 i;

	set = compfw_kvzalloc(set_bytes(n));
	if (!set) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	set->n = n;
	set->dflt = dflt;
	set->active = dflt;
	set->keys = (struct compfw_trigger_key *)&set->face[n];
	for (i = 0; i < n; i++) {
		const struct compfw_manifest *profile = faces[i].m;

		set->face[i] = faces[i];
		set->face[i].m = NULL;
		set->face[i].trigger_path = NULL;
		if (faces[i].trigger_path) {
			set->face[i].trigger_path = copy_path(faces[i].trigger_path);
			if (!set->face[i].trigger_path) {
				NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
				free_set(set);
				return ERR_PTR(-ENOMEM);
			}
		}
		spec.policy = profile->spec;
		spec.excepts = profile->excepts;
		spec.n_excepts = profile->n_excepts;
		m = compfw_manifest_create(cnet, &spec, &err, extack);
		if (IS_ERR(m)) {
			free_set(set);
			return m;
		}
		m->set = set;
		set->face[i].m = m;
	}
	if (index_triggers(cnet, set, extack)) {
		free_set(set);
		return ERR_PTR(-EINVAL);
	}
	return set->face[dflt].m;
}
