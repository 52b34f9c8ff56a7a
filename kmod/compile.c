// SPDX-License-Identifier: GPL-2.0
/*
 * compfw policy compiler: validates a component's rule specs and builds the
 * immutable tables cfw_classify() reads (layout in classify_tables.h).
 *
 * Runs in process context, off the packet path; may sleep. All or nothing:
 * on error nothing is left allocated and @err says which entry and why.
 * O(n log n) in rules; the CIDR push-down costs more only where CIDRs nest.
 *
 * The tables are built in growable temporaries, whose final sizes are only
 * known at the end, then packed into the policy's single allocation.
 */
#include <linux/bits.h>
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>

#include "classify_tables.h"

/*
 * Charged to the caller's memory cgroup; over its limit an apply fails
 * with -ENOMEM rather than waking the OOM killer on the administrator.
 */
#define CFW_GFP (GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL)

/* Cap on compiled segments (8 bytes each): stops push-down blowups. */
#define CFW_MAX_SEGS		BIT(24)

/* A rule's key interval, with its ID, as input to a map build. */
struct cfw_ival {
	u32 lo;
	u32 hi;
	u32 id;
};

/* A prefix in host order words (IPv4 uses w[0] only, the rest stay 0). */
struct cfw_pfx {
	u32 w[4];
	u8 len;
};

/* A CIDR rule's prefix (lo <= hi), or one of its excepts (lo > hi). */
struct cfw_atom {
	struct cfw_pfx pfx;
	u32 lo;
	u32 hi;
	u32 id;
};

static bool cfw_atom_except(const struct cfw_atom *a)
{
	return a->lo > a->hi;
}

/* An enclosing prefix during the push-down: its atoms and its map. */
struct cfw_anc {
	struct cfw_pfx pfx;
	struct cfw_map map;
	u32 first;		/* atoms [first, end) */
	u32 end;
	bool has_except;
};

struct cfw_vec {
	void *data;
	u32 n;
	u32 cap;
	size_t elem;
};

/* An LPM table being built: struct cfw_lpm with its own arrays. */
struct cfw_lpm_tmp {
	u32 *slots;
	u32 *keys;
	struct cfw_map *maps;
	u8 *plen;
	u8 *lens;
	u32 mask;
	u32 n;			/* 0: no table */
	u8 nw;
	u8 n_lens;
};

struct cfw_build {
	struct cfw_compile_err *err;
	struct cfw_policy pol;	/* header; its pointers are set by the pack */
	struct cfw_comp_slot *comp[CFW_DIR_MAX];	/* pol.dir[].comp_mask + 1 */
	struct cfw_lpm_tmp lpm[CFW_DIR_MAX][2];
	struct cfw_vec segs;	/* struct cfw_seg */
	struct cfw_vec ivals;	/* struct cfw_ival */
	struct cfw_vec heap;	/* u32 index into ivals */
	struct cfw_vec atoms;	/* struct cfw_atom */
	struct cfw_vec excl;	/* u32 rule IDs excepted on a prefix chain */
	struct cfw_anc *anc;	/* push-down stack */
};

static int cfw_fail(struct cfw_build *b, int rc, enum cfw_err_section sec,
		    int index, int except_index, const char *msg)
{
	if (b->err) {
		b->err->msg = msg;
		b->err->section = sec;
		b->err->index = index;
		b->err->except_index = except_index;
	}
	return rc;
}

static void cfw_vec_init(struct cfw_vec *v, size_t elem)
{
	v->data = NULL;
	v->n = 0;
	v->cap = 0;
	v->elem = elem;
}

static int cfw_vec_reserve(struct cfw_vec *v, u32 more)
{
	u32 cap;
	void *d;

	if (more <= v->cap - v->n)
		return 0;
	if (more > U32_MAX / 2 - v->n)
		return -E2BIG;
	cap = max3(v->cap * 2, v->n + more, 16U);
	d = kvmalloc_array(cap, v->elem, CFW_GFP);
	if (!d)
		return -ENOMEM;
	if (v->n)
		memcpy(d, v->data, (size_t)v->n * v->elem);
	kvfree(v->data);
	v->data = d;
	v->cap = cap;
	return 0;
}

static void cfw_vec_free(struct cfw_vec *v)
{
	kvfree(v->data);
	cfw_vec_init(v, v->elem);
}

/* ---- interval maps ---- */

static int cfw_ival_cmp(const void *a, const void *b)
{
	const struct cfw_ival *x = a, *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

static bool cfw_heap_less(const struct cfw_ival *iv, u32 a, u32 b)
{
	return iv[a].id < iv[b].id;
}

static void cfw_heap_push(u32 *h, u32 *hn, const struct cfw_ival *iv, u32 x)
{
	u32 i = (*hn)++;

	while (i && cfw_heap_less(iv, x, h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static void cfw_heap_pop(u32 *h, u32 *hn, const struct cfw_ival *iv)
{
	u32 n = --(*hn), i = 0, x = h[n];

	for (;;) {
		u32 c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && cfw_heap_less(iv, h[c + 1], h[c]))
			c++;
		if (!cfw_heap_less(iv, h[c], x))
			break;
		h[i] = h[c];
		i = c;
	}
	if (n)
		h[i] = x;
}

/*
 * Turn b->ivals (overlapping intervals, IDs non-zero) into a disjoint map
 * appended to b->segs: a sweep over the key space keeping the covering
 * intervals in a min-heap on ID; a segment starts wherever the lowest
 * covering ID changes, the first where it first differs from 0 (nothing).
 * So equal coverage gives equal segments, which cfw_map_equal() relies on.
 * At most 2 * n segments; O(n log n). Empties b->ivals.
 */
static int cfw_map_build(struct cfw_build *b, struct cfw_map *out)
{
	struct cfw_ival *iv = b->ivals.data;
	u32 m = b->ivals.n, i = 0, hn = 0, cur = 0, last = 0;
	struct cfw_seg *s;
	u32 *h;
	int rc;

	out->off = b->segs.n;
	out->n = 0;
	if (!m)
		return 0;
	if (b->segs.n + 2 * m > CFW_MAX_SEGS)
		return -E2BIG;
	rc = cfw_vec_reserve(&b->segs, 2 * m);
	if (!rc)
		rc = cfw_vec_reserve(&b->heap, m);
	if (rc)
		return rc;
	h = b->heap.data;
	s = b->segs.data;
	sort(iv, m, sizeof(*iv), cfw_ival_cmp, NULL);
	for (;;) {
		u32 id, next = CFW_KEY_MAX + 1;

		while (i < m && iv[i].lo <= cur)
			cfw_heap_push(h, &hn, iv, i++);
		while (hn && iv[h[0]].hi < cur)
			cfw_heap_pop(h, &hn, iv);
		id = hn ? iv[h[0]].id : 0;
		if (id != last) {
			s[b->segs.n].start = cur;
			s[b->segs.n].id = id;
			b->segs.n++;
			last = id;
		}
		if (i < m)
			next = iv[i].lo;
		if (hn && iv[h[0]].hi + 1 < next)
			next = iv[h[0]].hi + 1;
		if (next > CFW_KEY_MAX)
			break;
		cur = next;
	}
	out->n = b->segs.n - out->off;
	b->ivals.n = 0;
	return 0;
}

static int cfw_ival_add(struct cfw_build *b, u32 lo, u32 hi, u32 id)
{
	struct cfw_ival *iv;
	int rc = cfw_vec_reserve(&b->ivals, 1);

	if (rc)
		return rc;
	iv = b->ivals.data;
	iv[b->ivals.n].lo = lo;
	iv[b->ivals.n].hi = hi;
	iv[b->ivals.n].id = id;
	b->ivals.n++;
	return 0;
}

/*
 * Add the non-empty segments of an existing map as intervals (what lies
 * before the first segment is empty too).
 */
static int cfw_ival_add_map(struct cfw_build *b, const struct cfw_map *m)
{
	const struct cfw_seg *s = (struct cfw_seg *)b->segs.data + m->off;
	u32 i;
	int rc;

	for (i = 0; i < m->n; i++) {
		u32 end = i + 1 < m->n ? s[i + 1].start - 1 : CFW_KEY_MAX;

		if (!s[i].id)
			continue;
		rc = cfw_ival_add(b, s[i].start, end, s[i].id);
		if (rc)
			return rc;
	}
	return 0;
}

static bool cfw_map_equal(const struct cfw_build *b, const struct cfw_map *x,
			  const struct cfw_map *y)
{
	const struct cfw_seg *s = b->segs.data;

	return x->n == y->n &&
	       !memcmp(s + x->off, s + y->off, (size_t)x->n * sizeof(*s));
}

/* ---- validation ---- */

static const char *cfw_l4_check(const struct cfw_l4match *l4)
{
	switch (l4->kind) {
	case CFW_L4_ALL:
		return NULL;
	case CFW_L4_PORTS:
		if (cfw_is_icmp(l4->l4proto))
			return "port range given for ICMP, use an ICMP type";
		if (!cfw_has_ports(l4->l4proto))
			return "port range given for a protocol without ports";
		if (l4->lo > l4->hi)
			return "port range start above its end";
		return NULL;
	case CFW_L4_ICMP_TYPE:
		if (!cfw_is_icmp(l4->l4proto))
			return "ICMP type given for a protocol other than ICMP";
		if (l4->hi > 255)
			return "ICMP type above 255";
		if (l4->lo > l4->hi)
			return "ICMP type range start above its end";
		return NULL;
	}
	return "unknown port match kind";
}

static void cfw_l4_range(const struct cfw_l4match *l4, u32 *lo, u32 *hi)
{
	if (!l4->l4proto) {
		*lo = 0;
		*hi = CFW_KEY_MAX;
	} else if (l4->kind == CFW_L4_ALL) {
		*lo = cfw_key(l4->l4proto, 0);
		*hi = cfw_key(l4->l4proto, 0xffff);
	} else {
		*lo = cfw_key(l4->l4proto, l4->lo);
		*hi = cfw_key(l4->l4proto, l4->hi);
	}
}

static void cfw_pfx_from_cidr(const struct cfw_cidr *c, struct cfw_pfx *x)
{
	memset(x, 0, sizeof(*x));
	x->len = c->prefix_len;
	if (c->family == AF_INET) {
		x->w[0] = be32_to_cpu(c->addr.ip);
	} else {
		x->w[0] = be32_to_cpu(c->addr.ip6.s6_addr32[0]);
		x->w[1] = be32_to_cpu(c->addr.ip6.s6_addr32[1]);
		x->w[2] = be32_to_cpu(c->addr.ip6.s6_addr32[2]);
		x->w[3] = be32_to_cpu(c->addr.ip6.s6_addr32[3]);
	}
}

/* Does prefix @a hold every address of prefix @b? */
static bool cfw_pfx_contains(const struct cfw_pfx *a, const struct cfw_pfx *b)
{
	unsigned int i;

	if (a->len > b->len)
		return false;
	for (i = 0; i < 4; i++)
		if ((b->w[i] & cfw_word_mask(a->len, i)) != a->w[i])
			return false;
	return true;
}

static const char *cfw_cidr_check(const struct cfw_cidr *c, struct cfw_pfx *x)
{
	unsigned int i;

	if (c->family != AF_INET && c->family != AF_INET6)
		return "address family is neither IPv4 nor IPv6";
	if (c->prefix_len > (c->family == AF_INET ? 32 : 128))
		return "prefix length out of range for the address family";
	cfw_pfx_from_cidr(c, x);
	for (i = 0; i < 4; i++)
		if (x->w[i] & ~cfw_word_mask(x->len, i))
			return "host bits set in CIDR";
	return NULL;
}

/* Why @c is not a canonical prefix (a bit set past its length), or NULL. */
const char *cfw_cidr_problem(const struct cfw_cidr *c)
{
	struct cfw_pfx x;

	return cfw_cidr_check(c, &x);
}

static int cfw_rule_check(struct cfw_build *b, enum cfw_err_section sec,
			  int idx, const struct cfw_rule_spec *r)
{
	struct cfw_pfx c, x;
	const char *msg;
	u32 i;

	if (!r->id)
		return cfw_fail(b, -EINVAL, sec, idx, -1, "rule ID 0 is reserved");
	msg = cfw_l4_check(&r->l4);
	if (msg)
		return cfw_fail(b, -EINVAL, sec, idx, -1, msg);
	if (r->n_except && r->peer_kind != CFW_PEER_CIDR)
		return cfw_fail(b, -EINVAL, sec, idx, -1,
				"except given for a peer that is not a CIDR");
	switch (r->peer_kind) {
	case CFW_PEER_ANY:
		return 0;
	case CFW_PEER_COMPONENT:
		if (!r->peer_component)
			return cfw_fail(b, -EINVAL, sec, idx, -1,
					"peer component 0 is reserved");
		return 0;
	case CFW_PEER_CIDR:
		break;
	default:
		return cfw_fail(b, -EINVAL, sec, idx, -1, "unknown peer kind");
	}
	msg = cfw_cidr_check(&r->cidr, &c);
	if (msg)
		return cfw_fail(b, -EINVAL, sec, idx, -1, msg);
	if ((r->l4.l4proto == IPPROTO_ICMP && r->cidr.family != AF_INET) ||
	    (r->l4.l4proto == IPPROTO_ICMPV6 && r->cidr.family != AF_INET6))
		return cfw_fail(b, -EINVAL, sec, idx, -1,
				"ICMP version does not match the peer's address family");
	if (r->n_except > CFW_MAX_EXCEPT)
		return cfw_fail(b, -E2BIG, sec, idx, -1, "too many excepts in one rule");
	if (r->n_except && !r->except)
		return cfw_fail(b, -EINVAL, sec, idx, -1, "except list missing");
	for (i = 0; i < r->n_except; i++) {
		const struct cfw_cidr *e = &r->except[i];

		if (e->family != r->cidr.family)
			return cfw_fail(b, -EINVAL, sec, idx, i,
					"except and CIDR differ in address family");
		msg = cfw_cidr_check(e, &x);
		if (msg)
			return cfw_fail(b, -EINVAL, sec, idx, i, msg);
		if (x.len <= c.len || !cfw_pfx_contains(&c, &x))
			return cfw_fail(b, -EINVAL, sec, idx, i,
					"except is not strictly inside its CIDR");
	}
	return 0;
}

struct cfw_idref {
	u32 id;
	u32 sec;
	u32 idx;
};

static int cfw_idref_cmp(const void *a, const void *b)
{
	const struct cfw_idref *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int cfw_spec_check(struct cfw_build *b, const struct cfw_policy_spec *spec)
{
	u32 max = spec->max_rules ? min_t(u32, spec->max_rules, CFW_MAX_RULES)
				  : CFW_MAX_RULES;
	u32 i, total = 0, dir;
	struct cfw_idref *ids;
	const char *msg;
	int rc = 0;

	if (spec->n_exposure > max)
		return cfw_fail(b, -E2BIG, CFW_ERR_EXPOSURE, max, -1,
				"too many exposure entries");
	if (spec->n_exposure && !spec->exposure)
		return cfw_fail(b, -EINVAL, CFW_ERR_EXPOSURE, -1, -1,
				"exposure list missing");
	for (i = 0; i < spec->n_exposure; i++) {
		msg = cfw_l4_check(&spec->exposure[i]);
		if (msg)
			return cfw_fail(b, -EINVAL, CFW_ERR_EXPOSURE, i, -1, msg);
	}
	for (dir = 0; dir < CFW_DIR_MAX; dir++) {
		enum cfw_err_section sec = CFW_ERR_INGRESS + dir;

		if (spec->n_rules[dir] > max - total)
			return cfw_fail(b, -E2BIG, sec, max - total, -1,
					"too many rules in the component");
		total += spec->n_rules[dir];
		if (spec->n_rules[dir] && !spec->rules[dir])
			return cfw_fail(b, -EINVAL, sec, -1, -1, "rule list missing");
		for (i = 0; i < spec->n_rules[dir]; i++) {
			rc = cfw_rule_check(b, sec, i, &spec->rules[dir][i]);
			if (rc)
				return rc;
		}
	}
	if (total < 2)
		return 0;
	ids = kvmalloc_array(total, sizeof(*ids), CFW_GFP);
	if (!ids)
		return -ENOMEM;
	total = 0;
	for (dir = 0; dir < CFW_DIR_MAX; dir++) {
		for (i = 0; i < spec->n_rules[dir]; i++) {
			ids[total].id = spec->rules[dir][i].id;
			ids[total].sec = CFW_ERR_INGRESS + dir;
			ids[total].idx = i;
			total++;
		}
	}
	sort(ids, total, sizeof(*ids), cfw_idref_cmp, NULL);
	for (i = 1; i < total; i++) {
		if (ids[i].id == ids[i - 1].id) {
			rc = cfw_fail(b, -EINVAL, ids[i].sec, ids[i].idx, -1,
				      "duplicate rule ID");
			break;
		}
	}
	kvfree(ids);
	return rc;
}

/* ---- CIDR tables ---- */

static int cfw_atom_add(struct cfw_build *b, const struct cfw_cidr *c,
			u32 lo, u32 hi, u32 id)
{
	struct cfw_atom *a;
	int rc = cfw_vec_reserve(&b->atoms, 1);

	if (rc)
		return rc;
	a = (struct cfw_atom *)b->atoms.data + b->atoms.n++;
	cfw_pfx_from_cidr(c, &a->pfx);
	a->lo = lo;
	a->hi = hi;
	a->id = id;
	return 0;
}

/* @r's CIDR carrying its key interval, and each except carrying its ID. */
static int cfw_atoms_add(struct cfw_build *b, const struct cfw_rule_spec *r)
{
	u32 lo, hi, i;
	int rc;

	cfw_l4_range(&r->l4, &lo, &hi);
	rc = cfw_atom_add(b, &r->cidr, lo, hi, r->id);
	for (i = 0; !rc && i < r->n_except; i++)
		rc = cfw_atom_add(b, &r->except[i], 1, 0, r->id);
	return rc;
}

static int cfw_pfx_cmp(const struct cfw_pfx *x, const struct cfw_pfx *y)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (x->w[i] != y->w[i])
			return x->w[i] < y->w[i] ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

static int cfw_atom_cmp(const void *a, const void *b)
{
	return cfw_pfx_cmp(&((const struct cfw_atom *)a)->pfx,
			   &((const struct cfw_atom *)b)->pfx);
}

static void cfw_lpm_insert(struct cfw_lpm_tmp *l, u32 e)
{
	u32 h = cfw_lpm_hash(l->keys + e * l->nw, l->nw, l->plen[e]) & l->mask;

	while (l->slots[h])
		h = (h + 1) & l->mask;
	l->slots[h] = e + 1;
}

static int cfw_u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return (x > y) - (x < y);
}

static bool cfw_u32_find(const u32 *v, u32 count, u32 x)
{
	u32 lo = 0, n = count;

	while (n) {
		u32 half = n / 2;

		if (v[lo + half] < x) {
			lo += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return lo < count && v[lo] == x;
}

/*
 * Map of a prefix holding excepts: the intervals of every rule on the chain
 * of enclosing prefixes b->anc[0..depth), less the rules excepted on it.
 */
static int cfw_chain_build(struct cfw_build *b, u32 depth, struct cfw_map *out)
{
	const struct cfw_atom *a = b->atoms.data;
	u32 d, i;
	int rc;

	b->excl.n = 0;
	for (d = 0; d < depth; d++) {
		for (i = b->anc[d].first; i < b->anc[d].end; i++) {
			if (!cfw_atom_except(&a[i]))
				continue;
			rc = cfw_vec_reserve(&b->excl, 1);
			if (rc)
				return rc;
			((u32 *)b->excl.data)[b->excl.n++] = a[i].id;
		}
	}
	sort(b->excl.data, b->excl.n, sizeof(u32), cfw_u32_cmp, NULL);
	for (d = 0; d < depth; d++) {
		for (i = b->anc[d].first; i < b->anc[d].end; i++) {
			if (cfw_atom_except(&a[i]) ||
			    cfw_u32_find(b->excl.data, b->excl.n, a[i].id))
				continue;
			rc = cfw_ival_add(b, a[i].lo, a[i].hi, a[i].id);
			if (rc)
				return rc;
		}
	}
	return cfw_map_build(b, out);
}

/*
 * Build one family's LPM table from b->atoms. Sorted by (address, length),
 * the prefixes come in depth-first order of the prefix tree, so a stack of
 * enclosing prefixes gives each one its chain of ancestors. A prefix's map
 * is its parent's merged with its own rules (push-down); a prefix holding
 * excepts is rebuilt from the whole chain without the excepted rules.
 */
static int cfw_lpm_build(struct cfw_build *b, struct cfw_lpm_tmp *l, u8 nw)
{
	struct cfw_atom *a = b->atoms.data;
	u32 n = b->atoms.n, i, j, k, distinct = 0, depth = 0;
	bool used[CFW_LPM_MAX_LENS] = { };
	int rc, len;

	l->nw = nw;
	if (!n)
		return 0;
	sort(a, n, sizeof(*a), cfw_atom_cmp, NULL);
	for (i = 0; i < n; i++)
		if (!i || cfw_pfx_cmp(&a[i].pfx, &a[i - 1].pfx))
			distinct++;
	l->keys = kvmalloc_array(distinct * nw, sizeof(u32), CFW_GFP);
	l->plen = kvmalloc_array(distinct, sizeof(u8), CFW_GFP);
	l->maps = kvmalloc_array(distinct, sizeof(*l->maps), CFW_GFP);
	if (!l->keys || !l->plen || !l->maps)
		return -ENOMEM;
	for (i = 0; i < n; i = j) {
		const struct cfw_pfx *x = &a[i].pfx;
		struct cfw_map *parent = NULL, map;
		bool has_except = false;

		while (depth && !cfw_pfx_contains(&b->anc[depth - 1].pfx, x))
			depth--;
		if (depth)
			parent = &b->anc[depth - 1].map;
		for (j = i; j < n && !cfw_pfx_cmp(&a[j].pfx, x); j++)
			has_except |= cfw_atom_except(&a[j]);
		b->anc[depth].pfx = *x;
		b->anc[depth].first = i;
		b->anc[depth].end = j;
		depth++;
		if (has_except) {
			rc = cfw_chain_build(b, depth, &map);
		} else {
			rc = parent ? cfw_ival_add_map(b, parent) : 0;
			for (k = i; !rc && k < j; k++)
				rc = cfw_ival_add(b, a[k].lo, a[k].hi, a[k].id);
			if (!rc)
				rc = cfw_map_build(b, &map);
		}
		if (rc)
			return rc;
		if (parent && cfw_map_equal(b, parent, &map)) {
			/* shadowed: the parent answers for this prefix */
			b->segs.n = map.off;
			map = *parent;
		} else {
			memcpy(l->keys + l->n * nw, x->w, nw * sizeof(u32));
			l->plen[l->n] = x->len;
			l->maps[l->n] = map;
			used[x->len] = true;
			l->n++;
		}
		b->anc[depth - 1].map = map;
		cond_resched();
	}
	/*
	 * Load 1/4 to 1/2: with linear probing a miss, which the lookup has
	 * for every length in use longer than the match, reads 1.4 to 2.5
	 * slots on average. A lower load saves little time for the memory:
	 * the slots are a large part of a small policy.
	 */
	l->mask = roundup_pow_of_two(max(2 * l->n, 4U)) - 1;
	l->slots = kvcalloc(l->mask + 1, sizeof(u32), CFW_GFP);
	if (!l->slots)
		return -ENOMEM;
	for (i = 0; i < l->n; i++)
		cfw_lpm_insert(l, i);
	for (len = 0; len < CFW_LPM_MAX_LENS; len++)
		l->n_lens += used[len];
	l->lens = kmalloc(l->n_lens, CFW_GFP);
	if (!l->lens)
		return -ENOMEM;
	for (i = 0, len = CFW_LPM_MAX_LENS - 1; len >= 0; len--)
		if (used[len])
			l->lens[i++] = len;
	b->atoms.n = 0;
	return 0;
}

static void cfw_lpm_free(struct cfw_lpm_tmp *l)
{
	kvfree(l->slots);
	kvfree(l->keys);
	kvfree(l->plen);
	kvfree(l->maps);
	kfree(l->lens);
}

/* ---- per direction ---- */

static int cfw_rule_comp_cmp(const void *a, const void *b)
{
	const struct cfw_rule_spec *x = *(const struct cfw_rule_spec * const *)a;
	const struct cfw_rule_spec *y = *(const struct cfw_rule_spec * const *)b;

	if (x->peer_component != y->peer_component)
		return x->peer_component < y->peer_component ? -1 : 1;
	return 0;
}

static int cfw_comp_build(struct cfw_build *b, unsigned int dir,
			  const struct cfw_rule_spec *rules, u32 n)
{
	struct cfw_dir_tables *d = &b->pol.dir[dir];
	const struct cfw_rule_spec **by;
	struct cfw_comp_slot *slot;
	u32 i, j, m = 0, groups = 0;
	int rc = 0;

	for (i = 0; i < n; i++)
		m += rules[i].peer_kind == CFW_PEER_COMPONENT;
	if (!m)
		return 0;
	by = kvmalloc_array(m, sizeof(*by), CFW_GFP);
	if (!by)
		return -ENOMEM;
	for (i = 0, j = 0; i < n; i++)
		if (rules[i].peer_kind == CFW_PEER_COMPONENT)
			by[j++] = &rules[i];
	sort(by, m, sizeof(*by), cfw_rule_comp_cmp, NULL);
	for (i = 0; i < m; i++)
		groups += !i || by[i]->peer_component != by[i - 1]->peer_component;
	d->comp_mask = roundup_pow_of_two(max(2 * groups, 2U)) - 1;
	slot = kvcalloc(d->comp_mask + 1, sizeof(*slot), CFW_GFP);
	b->comp[dir] = slot;
	if (!slot) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < m; i = j) {
		u32 comp = by[i]->peer_component, h;
		struct cfw_map map;

		for (j = i; j < m && by[j]->peer_component == comp; j++) {
			u32 lo, hi;

			cfw_l4_range(&by[j]->l4, &lo, &hi);
			rc = cfw_ival_add(b, lo, hi, by[j]->id);
			if (rc)
				goto out;
		}
		rc = cfw_map_build(b, &map);
		if (rc)
			goto out;
		h = cfw_comp_hash(comp) & d->comp_mask;
		while (slot[h].comp)
			h = (h + 1) & d->comp_mask;
		slot[h].comp = comp;
		slot[h].map = map;
		cond_resched();
	}
out:
	kvfree(by);
	return rc;
}

/* Does @r go into the family's "any" map? */
static bool cfw_rule_is_any(const struct cfw_rule_spec *r, unsigned int fam)
{
	if (r->peer_kind == CFW_PEER_CIDR)
		return !r->cidr.prefix_len && !r->n_except &&
		       r->cidr.family == (fam ? AF_INET6 : AF_INET);
	if (r->peer_kind != CFW_PEER_ANY)
		return false;
	/* ICMP only ever travels over IPv4, ICMPv6 over IPv6 */
	if (r->l4.l4proto == IPPROTO_ICMP)
		return !fam;
	if (r->l4.l4proto == IPPROTO_ICMPV6)
		return fam;
	return true;
}

static int cfw_dir_build(struct cfw_build *b, unsigned int dir,
			 const struct cfw_rule_spec *rules, u32 n)
{
	struct cfw_dir_tables *d = &b->pol.dir[dir];
	unsigned int fam;
	u32 i, lo, hi;
	int rc;

	for (fam = 0; fam < 2; fam++) {
		for (i = 0; i < n; i++) {
			if (!cfw_rule_is_any(&rules[i], fam))
				continue;
			cfw_l4_range(&rules[i].l4, &lo, &hi);
			rc = cfw_ival_add(b, lo, hi, rules[i].id);
			if (rc)
				return rc;
		}
		rc = cfw_map_build(b, &d->any[fam]);
		if (rc)
			return rc;
	}
	rc = cfw_comp_build(b, dir, rules, n);
	if (rc)
		return rc;
	for (fam = 0; fam < 2; fam++) {
		for (i = 0; i < n; i++) {
			const struct cfw_rule_spec *r = &rules[i];

			if (r->peer_kind != CFW_PEER_CIDR ||
			    r->cidr.family != (fam ? AF_INET6 : AF_INET) ||
			    cfw_rule_is_any(r, fam))
				continue;
			rc = cfw_atoms_add(b, r);
			if (rc)
				return rc;
		}
		rc = cfw_lpm_build(b, &b->lpm[dir][fam], fam ? 4 : 1);
		if (rc)
			return rc;
	}
	return 0;
}

void cfw_policy_free(struct cfw_policy *p)
{
	kvfree(p);
}

static int cfw_build_all(struct cfw_build *b, const struct cfw_policy_spec *spec)
{
	unsigned int dir;
	u32 i, lo, hi;
	int rc;

	for (i = 0; i < spec->n_exposure; i++) {
		cfw_l4_range(&spec->exposure[i], &lo, &hi);
		rc = cfw_ival_add(b, lo, hi, 1);
		if (rc)
			return rc;
	}
	rc = cfw_map_build(b, &b->pol.exposure);
	for (dir = 0; !rc && dir < CFW_DIR_MAX; dir++)
		rc = cfw_dir_build(b, dir, spec->rules[dir], spec->n_rules[dir]);
	return rc;
}

/* ---- packing ---- */

/* The pack's position in the policy; with blob NULL it only measures. */
struct cfw_pack {
	u8 *blob;
	size_t at;
};

/*
 * Take @size bytes at the next multiple of @align and copy @src (if any)
 * there. Return: where, or NULL when measuring or @size is 0.
 */
static void *cfw_put(struct cfw_pack *k, const void *src, size_t size,
		     size_t align)
{
	size_t off = ALIGN(k->at, align);

	k->at = off + size;
	if (!k->blob || !size)
		return NULL;
	if (src)
		memcpy(k->blob + off, src, size);
	return k->blob + off;
}

#define CFW_PUT(k, src, n, type) \
	((type *)cfw_put(k, src, (size_t)(n) * sizeof(type), __alignof__(type)))

/* Point @field (NULL when measuring) at @x, by offset in the blob. */
static void cfw_set_off(const struct cfw_pack *k, u32 *field, const void *x)
{
	if (field && x)
		*field = (const u8 *)x - k->blob;
}

/* The slots of @t, each narrowed to the width its table reads. */
static void cfw_put_slots(struct cfw_pack *k, const struct cfw_lpm_tmp *t,
			  struct cfw_lpm *l)
{
	u8 width = cfw_lpm_slot_bytes(t->n);
	void *x = cfw_put(k, NULL, (size_t)(t->mask + 1) * width, width);
	u32 i;

	if (!x)
		return;
	for (i = 0; i <= t->mask; i++) {
		if (width == 1)
			((u8 *)x)[i] = t->slots[i];
		else if (width == 2)
			((u16 *)x)[i] = t->slots[i];
		else
			((u32 *)x)[i] = t->slots[i];
	}
	cfw_set_off(k, l ? &l->slots : NULL, x);
}

/*
 * Lay the policy out in k->blob (classify_tables.h), or only measure it:
 * both passes take the same steps, so the offsets agree. The structs with
 * pointers come first, then the arrays of u32-sized fields, the u8 arrays
 * last, so that each start is already aligned and nothing is padded.
 */
static void cfw_pack_into(const struct cfw_build *b, struct cfw_pack *k)
{
	struct cfw_policy *p = CFW_PUT(k, &b->pol, 1, struct cfw_policy);
	struct cfw_lpm *l[CFW_DIR_MAX][2] = { };
	const struct cfw_lpm_tmp *t;
	unsigned int d, f, width;
	void *x;

	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (f = 0; f < 2; f++) {
			t = &b->lpm[d][f];
			if (!t->n)
				continue;
			l[d][f] = CFW_PUT(k, NULL, 1, struct cfw_lpm);
			if (!l[d][f])
				continue;
			l[d][f]->mask = t->mask;
			l[d][f]->n = t->n;
			l[d][f]->nw = t->nw;
			l[d][f]->n_lens = t->n_lens;
			l[d][f]->slot_bytes = cfw_lpm_slot_bytes(t->n);
			p->dir[d].lpm[f] = l[d][f];
		}
	}
	x = CFW_PUT(k, b->segs.data, b->segs.n, struct cfw_seg);
	if (p)
		p->segs = x;
	for (d = 0; d < CFW_DIR_MAX; d++) {
		x = CFW_PUT(k, b->comp[d],
			    b->comp[d] ? b->pol.dir[d].comp_mask + 1 : 0,
			    struct cfw_comp_slot);
		if (p)
			p->dir[d].comp = x;
	}
	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (f = 0; f < 2; f++) {
			t = &b->lpm[d][f];
			if (!t->n)
				continue;
			x = CFW_PUT(k, t->maps, t->n, struct cfw_map);
			cfw_set_off(k, l[d][f] ? &l[d][f]->maps : NULL, x);
			x = CFW_PUT(k, t->keys, t->n * t->nw, u32);
			cfw_set_off(k, l[d][f] ? &l[d][f]->keys : NULL, x);
		}
	}
	/* Narrower arrays after wider ones, so that none needs padding. */
	for (width = 4; width; width /= 2) {
		for (d = 0; d < CFW_DIR_MAX; d++) {
			for (f = 0; f < 2; f++) {
				t = &b->lpm[d][f];
				if (t->n && cfw_lpm_slot_bytes(t->n) == width)
					cfw_put_slots(k, t, l[d][f]);
			}
		}
	}
	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (f = 0; f < 2; f++) {
			t = &b->lpm[d][f];
			if (!t->n)
				continue;
			x = CFW_PUT(k, t->plen, t->n, u8);
			cfw_set_off(k, l[d][f] ? &l[d][f]->plen : NULL, x);
			x = CFW_PUT(k, t->lens, t->n_lens, u8);
			cfw_set_off(k, l[d][f] ? &l[d][f]->lens : NULL, x);
		}
	}
}

/* The built tables as one allocation; the temporaries are left as they are. */
static struct cfw_policy *cfw_pack(const struct cfw_build *b)
{
	struct cfw_pack k = { };
	struct cfw_policy *p;

	cfw_pack_into(b, &k);
	p = kvzalloc(k.at, CFW_GFP);
	if (!p)
		return NULL;
	k.blob = (u8 *)p;
	k.at = 0;
	cfw_pack_into(b, &k);
	p->bytes = k.at;
	return p;
}

static void cfw_build_free(struct cfw_build *b)
{
	unsigned int d, f;

	for (d = 0; d < CFW_DIR_MAX; d++) {
		kvfree(b->comp[d]);
		for (f = 0; f < 2; f++)
			cfw_lpm_free(&b->lpm[d][f]);
	}
	cfw_vec_free(&b->segs);
	cfw_vec_free(&b->ivals);
	cfw_vec_free(&b->heap);
	cfw_vec_free(&b->atoms);
	cfw_vec_free(&b->excl);
	kfree(b->anc);
}

/**
 * cfw_policy_compile - validate a component's policy and build its tables
 * @spec: exposure, ingress and egress rules; only read
 * @err: filled with the reason, section and entry on failure; may be NULL
 *
 * Context: process context, may sleep.
 * Return: the policy, to be freed with cfw_policy_free() (after an RCU grace
 * period if it was published), or an ERR_PTR(): -EINVAL for an invalid
 * entry, -E2BIG over a limit, -ENOMEM.
 */
struct cfw_policy *cfw_policy_compile(const struct cfw_policy_spec *spec,
				      struct cfw_compile_err *err)
{
	struct cfw_policy *p = NULL;
	struct cfw_build *b;
	int rc;

	if (err) {
		err->msg = NULL;
		err->section = CFW_ERR_POLICY;
		err->index = -1;
		err->except_index = -1;
	}
	/* not on the stack: with the tables being built it is ~500 bytes */
	b = kzalloc(sizeof(*b), CFW_GFP);
	if (!b) {
		if (err)
			err->msg = "out of memory";
		return ERR_PTR(-ENOMEM);
	}
	b->err = err;
	cfw_vec_init(&b->segs, sizeof(struct cfw_seg));
	cfw_vec_init(&b->ivals, sizeof(struct cfw_ival));
	cfw_vec_init(&b->heap, sizeof(u32));
	cfw_vec_init(&b->atoms, sizeof(struct cfw_atom));
	cfw_vec_init(&b->excl, sizeof(u32));
	rc = cfw_spec_check(b, spec);
	if (rc) {
		if (rc == -ENOMEM)
			cfw_fail(b, rc, CFW_ERR_POLICY, -1, -1, "out of memory");
		goto out;
	}
	b->anc = kmalloc_array(CFW_LPM_MAX_LENS, sizeof(*b->anc), CFW_GFP);
	rc = b->anc ? cfw_build_all(b, spec) : -ENOMEM;
	if (!rc) {
		p = cfw_pack(b);
		if (!p)
			rc = -ENOMEM;
	}
	if (rc)
		cfw_fail(b, rc, CFW_ERR_POLICY, -1, -1,
			 rc == -E2BIG ? "compiled tables too large: CIDR rules nest too deeply"
				      : "out of memory");
out:
	cfw_build_free(b);
	kfree(b);
	return rc ? ERR_PTR(rc) : p;
}
