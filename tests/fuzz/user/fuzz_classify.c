// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the classifier, kmod/compile.c and kmod/classify.c as
 * the kernel builds them, here through the header shim of tests/bench/.
 *
 * The input is decoded into a policy spec (exposure, ingress and egress
 * rules: any, component or CIDR peers with excepts, ports and ICMP types)
 * and a series of packet tuples. The spec is compiled, and the fuzzer
 * stops on anything that breaks what classify.h promises:
 *
 * - a compile succeeds exactly when the spec is valid, as a plain reading
 *   of classify.h's rules (ref_check() below) says; otherwise it fails with
 *   a message, naming the same first bad entry (section, index, except);
 * - an allocation failure (injected) unwinds to -ENOMEM with nothing live;
 * - every tuple's verdict (rule ID, allow, by_exposure) equals a linear
 *   scan of the spec's rules (ref_classify()); tuples come from the input
 *   and from a sweep of every rule's and except's edges;
 * - cfw_cidr_problem(), which netlink.c asks of a component's addresses,
 *   refuses exactly the CIDRs the rules call invalid;
 * - nothing leaks (the shim's count of live allocations, and LSan), no
 *   ASan or UBSan report.
 *
 * The byte layout is described at decode(); tests/fuzz/user/seeds.py
 * writes hand-made inputs in it.
 */
#include <linux/types.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

#define MAX_EXPOSURE	8
#define MAX_RULES	24	/* per direction */
#define MAX_TUPLES	64
#define MAX_POOL	64

/* ---- the input ---- */

struct input {
	const u8 *p;
	size_t n;
};

/* Past the end every byte reads 0: a short input is a small spec. */
static u8 get8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static u16 get16(struct input *in)
{
	u16 lo = get8(in);

	return lo | (u16)get8(in) << 8;
}

static u32 get32(struct input *in)
{
	u32 lo = get16(in);

	return lo | (u32)get16(in) << 16;
}

static const u8 protos[7] = {
	0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_ICMP,
	IPPROTO_ICMPV6, IPPROTO_GRE,
};

/* A protocol: one of the interesting ones, or (7) any number. */
static u8 get_proto(struct input *in, u8 sel)
{
	return (sel & 7) < 7 ? protos[sel & 7] : get8(in);
}

/*
 * l4: one byte b, then the range.
 *   b & 7: protocol (get_proto); b >> 3 & 3: kind (3 is invalid);
 *   b & 0x20: lo = u8, hi = lo + u8 % 16 (small: ICMP types, collisions);
 *   else lo = u16, hi = b & 0x40 ? lo + u8 : u16.
 */
static void get_l4(struct input *in, struct cfw_l4match *l4)
{
	u8 b = get8(in);

	l4->l4proto = get_proto(in, b);
	l4->kind = b >> 3 & 3;
	if (b & 0x20) {
		l4->lo = get8(in);
		l4->hi = l4->lo + (get8(in) & 15);
	} else {
		l4->lo = get16(in);
		l4->hi = b & 0x40 ? (u16)(l4->lo + get8(in)) : get16(in);
	}
}

static unsigned int addr_bits(u8 family)
{
	return family == AF_INET6 ? 128 : 32;
}

static u8 *addr_bytes(union cfw_addr *a)
{
	return (u8 *)a;
}

static void flip_bit(union cfw_addr *a, unsigned int bit)
{
	addr_bytes(a)[bit / 8] ^= 0x80 >> (bit % 8);
}

/* Clear (@set: set) the bits of @a past @plen. */
static void host_bits(union cfw_addr *a, u8 family, unsigned int plen, bool set)
{
	unsigned int bit;

	for (bit = plen; bit < addr_bits(family); bit++) {
		u8 m = 0x80 >> (bit % 8);

		if (set)
			addr_bytes(a)[bit / 8] |= m;
		else
			addr_bytes(a)[bit / 8] &= ~m;
	}
}

/* The CIDRs (rules' and excepts') decoded so far: nesting comes from here. */
struct pool {
	struct cfw_cidr c[MAX_POOL];
	unsigned int n;
};

static void pool_add(struct pool *pool, const struct cfw_cidr *c)
{
	if (pool->n < MAX_POOL && (c->family == AF_INET || c->family == AF_INET6))
		pool->c[pool->n++] = *c;
}

/* The @k-th pooled CIDR of @family, or NULL. */
static const struct cfw_cidr *pool_pick(const struct pool *pool, u8 family,
					unsigned int k)
{
	unsigned int i, n = 0;

	for (i = 0; i < pool->n; i++)
		n += pool->c[i].family == family;
	if (!n)
		return NULL;
	k %= n;
	for (i = 0; i < pool->n; i++)
		if (pool->c[i].family == family && !k--)
			return &pool->c[i];
	return NULL;
}

/*
 * A rule's CIDR: byte f, byte plen, then the address.
 *   f & 1: IPv6; (f & 0x0e) == 0x0e: a family that is neither (7 or 0);
 *   f & 0x10: plen as read (else reduced to the family's range);
 *   f >> 5: 0 the address is read (4 or 16 bytes), else it is a pooled
 *   CIDR's, then one byte: bit 7 set flips bit (b & 0x7f) of it;
 *   @raw: host bits are left as they come.
 */
static void get_cidr(struct input *in, struct pool *pool, struct cfw_cidr *c,
		     bool raw)
{
	u8 f = get8(in), plen = get8(in), b;
	const struct cfw_cidr *from;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->family = f & 1 ? AF_INET6 : AF_INET;
	if ((f & 0x0e) == 0x0e)
		c->family = f & 1 ? 0 : 7;
	c->prefix_len = f & 0x10 ? plen : plen % (addr_bits(c->family) + 1);
	from = f >> 5 ? pool_pick(pool, c->family, (f >> 5) - 1) : NULL;
	if (from) {
		c->addr = from->addr;
		b = get8(in);
		if (b & 0x80)
			flip_bit(&c->addr, (b & 0x7f) % addr_bits(c->family));
	} else {
		for (i = 0; i < addr_bits(c->family) / 8; i++)
			addr_bytes(&c->addr)[i] = get8(in);
	}
	if (!raw && c->prefix_len <= addr_bits(c->family))
		host_bits(&c->addr, c->family, c->prefix_len, false);
}

/*
 * An except of @outer: byte plen, byte where. Its prefix is plen bits past
 * @outer's, its address @outer's with bit (outer len + where) flipped, so
 * that excepts nest in their CIDR, collide and overlap. @raw: a CIDR as
 * get_cidr() reads it instead, in all likelihood not inside.
 */
static void get_except(struct input *in, struct pool *pool,
		       const struct cfw_cidr *outer, struct cfw_cidr *e, bool raw)
{
	unsigned int max = addr_bits(outer->family), room;
	u8 plen, where;

	if (raw) {
		get_cidr(in, pool, e, false);
		return;
	}
	plen = get8(in);
	where = get8(in);
	*e = *outer;
	room = outer->prefix_len < max ? max - outer->prefix_len : 0;
	if (!room)
		return;		/* a host route holds no except: invalid */
	e->prefix_len = outer->prefix_len + 1 + plen % room;
	flip_bit(&e->addr, outer->prefix_len + where % (e->prefix_len - outer->prefix_len));
	host_bits(&e->addr, e->family, e->prefix_len, false);
}

/*
 * @n excepts of @outer made from one byte b, many for few input bytes (a
 * table of 255 prefixes or more takes wider slots): prefix length outer +
 * 6 + b % 4, the 6 bits after @outer's prefix counting up from b >> 2.
 * An @outer too long for them gets copies of itself (invalid).
 */
static void gen_excepts(struct input *in, const struct cfw_cidr *outer,
			struct cfw_cidr *e, unsigned int n)
{
	unsigned int max = addr_bits(outer->family), i, bit;
	u8 b = get8(in);

	for (i = 0; i < n; i++) {
		e[i] = *outer;
		if (outer->prefix_len + 9 > max)
			continue;
		e[i].prefix_len = outer->prefix_len + 6 + b % 4;
		for (bit = 0; bit < 6; bit++)
			if ((i + (b >> 2)) >> (5 - bit) & 1)
				flip_bit(&e[i].addr, outer->prefix_len + bit);
	}
}

/*
 * A rule: id byte (0xff: a u32 follows; IDs are small so that they repeat),
 * kind byte k, the l4, then its peer, then its excepts.
 *   k & 3: peer kind (3 is invalid);
 *   k >> 2 & 7: number of excepts: 0..5 read by get_except(), or made by
 *   gen_excepts(): 6 + u8 % 59 of them (6), 64 + u8 % 2 (7: 65 is too
 *   many); a peer other than a CIDR has them (invalid) only with k & 0x20;
 *   k & 0x40: the CIDR's host bits as read; k & 0x80: raw excepts.
 */
static int get_rule(struct input *in, struct pool *pool,
		    struct cfw_rule_spec *r, struct cfw_cidr **except_out)
{
	u8 idb = get8(in), k, nx, sel;
	struct cfw_cidr *ex = NULL;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->id = idb == 0xff ? get32(in) : idb;
	k = get8(in);
	r->peer_kind = k & 3;
	sel = k >> 2 & 7;
	nx = sel < 6 ? sel : sel == 6 ? 6 + get8(in) % 59 : CFW_MAX_EXCEPT + (get8(in) & 1);
	if (r->peer_kind != CFW_PEER_CIDR && !(k & 0x20))
		nx = 0;
	get_l4(in, &r->l4);
	if (r->peer_kind == CFW_PEER_COMPONENT)
		r->peer_component = get8(in);
	else if (r->peer_kind == CFW_PEER_CIDR)
		get_cidr(in, pool, &r->cidr, k & 0x40);
	if (nx) {
		/* exactly n_except long, so that ASan sees a read past it */
		ex = malloc(nx * sizeof(*ex));
		if (!ex)
			return -1;
		if (sel >= 6)
			gen_excepts(in, &r->cidr, ex, nx);
		for (i = 0; sel < 6 && i < nx; i++) {
			if (r->peer_kind == CFW_PEER_CIDR)
				get_except(in, pool, &r->cidr, &ex[i], k & 0x80);
			else
				get_cidr(in, pool, &ex[i], false);
		}
	}
	if (r->peer_kind == CFW_PEER_CIDR)
		pool_add(pool, &r->cidr);
	/* a few: made ones would crowd out the rest */
	for (i = 0; i < nx && i < 4; i++)
		pool_add(pool, &ex[i]);
	r->n_except = nx;
	r->except = ex;
	*except_out = ex;
	return 0;
}

struct fuzz_case {
	struct cfw_policy_spec spec;
	struct cfw_l4match *exposure;
	struct cfw_rule_spec *rules[CFW_DIR_MAX];
	struct cfw_cidr **excepts[CFW_DIR_MAX];
	struct pool pool;
	long fail_after;	/* -1: no injected allocation failure */
	struct cfw_tuple tuples[MAX_TUPLES];
	u8 tuple_dir[MAX_TUPLES];
	unsigned int n_tuples;
};

static void case_free(struct fuzz_case *fc)
{
	unsigned int d, i;

	free(fc->exposure);
	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (i = 0; fc->excepts[d] && i < fc->spec.n_rules[d]; i++)
			free(fc->excepts[d][i]);
		free(fc->excepts[d]);
		free(fc->rules[d]);
	}
}

/*
 * A tuple: byte a, byte p, then what they ask for.
 *   a & 1: egress; a >> 1 & 3: family IPv4, IPv6, IPv4, or (3) 0, AF_UNSPEC;
 *   a >> 3 & 3: address read (0), a pooled CIDR's (u8) first address (1),
 *   its last (2), or its first with bit u8 flipped (3); a >> 5: peer
 *   component 0, 1, 2, 3, or (4-7) u8;
 *   p & 7: protocol (get_proto); p >> 3 & 3: port u16 (0), u8 (1),
 *   u8 ^ 0xff00 (2), or (3) the protocol and port of entry u8 of the
 *   exposure and rules: its lo, or its hi with p & 0x20, and one off with
 *   p & 0x40 (above with p & 0x80, below without).
 */
static void get_tuple(struct input *in, const struct fuzz_case *fc,
		      const struct cfw_l4match *l4s, unsigned int n_l4,
		      struct cfw_tuple *t, u8 *dir)
{
	u8 a = get8(in), p = get8(in), sel;
	const struct cfw_cidr *c;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	*dir = a & 1;
	switch (a >> 1 & 3) {
	case 1:
		t->family = AF_INET6;
		break;
	case 3:
		t->family = 0;	/* AF_UNSPEC */
		break;
	default:
		t->family = AF_INET;
	}
	sel = a >> 3 & 3;
	c = sel ? pool_pick(&fc->pool, t->family, get8(in)) : NULL;
	if (c) {
		t->peer = c->addr;
		if (sel == 2)
			host_bits(&t->peer, c->family, c->prefix_len, true);
		else if (sel == 3)
			flip_bit(&t->peer, get8(in) % addr_bits(c->family));
	} else {
		for (i = 0; i < addr_bits(t->family) / 8; i++)
			addr_bytes(&t->peer)[i] = get8(in);
	}
	t->peer_component = a >> 5 < 4 ? a >> 5 : get8(in);
	t->l4proto = get_proto(in, p);
	switch (p >> 3 & 3) {
	case 0:
		t->port = get16(in);
		break;
	case 1:
		t->port = get8(in);
		break;
	case 2:
		t->port = get8(in) ^ 0xff00;
		break;
	default:
		if (n_l4) {
			const struct cfw_l4match *m = &l4s[get8(in) % n_l4];

			t->l4proto = m->l4proto;
			t->port = p & 0x20 ? m->hi : m->lo;
			if (p & 0x40)
				t->port += p & 0x80 ? 1 : -1;
		}
	}
}

/*
 * The whole input: a header, the exposure, the rules, then tuples until
 * the input runs out.
 *   h0 & 7: exposure entries; h0 & 8: a rule cap (max_rules) byte follows;
 *   h0 >> 4 == 15: an allocation failure byte follows (fail after that
 *   many allocations); h0 >> 4 == 14: a byte of lists to leave NULL with
 *   their counts: 1 the exposure, 2 ingress, 4 egress, 8 the excepts of
 *   the first rule that has some;
 *   h1, h2: ingress and egress rules, % (MAX_RULES + 1).
 */
static int decode(const u8 *data, size_t size, struct fuzz_case *fc)
{
	struct input in = { data, size };
	struct cfw_l4match l4s[MAX_EXPOSURE + 2 * MAX_RULES];
	unsigned int n_l4 = 0, d, i;
	u8 h0 = get8(&in), nulls = 0;

	memset(fc, 0, sizeof(*fc));
	fc->fail_after = -1;
	fc->spec.n_exposure = h0 & 7;
	fc->spec.n_rules[CFW_DIR_INGRESS] = get8(&in) % (MAX_RULES + 1);
	fc->spec.n_rules[CFW_DIR_EGRESS] = get8(&in) % (MAX_RULES + 1);
	if (h0 & 8)
		fc->spec.max_rules = get8(&in);
	if (h0 >> 4 == 15)
		fc->fail_after = get8(&in);
	if (h0 >> 4 == 14)
		nulls = get8(&in);
	/* exactly as long as their counts, so that ASan sees a read past them */
	if (fc->spec.n_exposure) {
		fc->exposure = malloc(fc->spec.n_exposure * sizeof(*fc->exposure));
		if (!fc->exposure)
			return -1;
		for (i = 0; i < fc->spec.n_exposure; i++) {
			get_l4(&in, &fc->exposure[i]);
			l4s[n_l4++] = fc->exposure[i];
		}
	}
	fc->spec.exposure = fc->exposure;
	for (d = 0; d < CFW_DIR_MAX; d++) {
		u32 n = fc->spec.n_rules[d];

		if (!n)
			continue;
		fc->rules[d] = malloc(n * sizeof(*fc->rules[d]));
		fc->excepts[d] = calloc(n, sizeof(*fc->excepts[d]));
		if (!fc->rules[d] || !fc->excepts[d]) {
			fc->spec.n_rules[d] = 0;
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (get_rule(&in, &fc->pool, &fc->rules[d][i],
				     &fc->excepts[d][i])) {
				fc->spec.n_rules[d] = i;
				return -1;
			}
			l4s[n_l4++] = fc->rules[d][i].l4;
		}
		fc->spec.rules[d] = fc->rules[d];
	}
	if (nulls & 1)
		fc->spec.exposure = NULL;
	for (d = 0; d < CFW_DIR_MAX; d++)
		if (nulls & 2 << d)
			fc->spec.rules[d] = NULL;
	for (d = 0; nulls & 8 && d < CFW_DIR_MAX; d++) {
		for (i = 0; i < fc->spec.n_rules[d]; i++) {
			if (fc->rules[d][i].n_except) {
				fc->rules[d][i].except = NULL;
				nulls = 0;
				break;
			}
		}
	}
	while (in.n && fc->n_tuples < MAX_TUPLES) {
		get_tuple(&in, fc, l4s, n_l4, &fc->tuples[fc->n_tuples],
			  &fc->tuple_dir[fc->n_tuples]);
		fc->n_tuples++;
	}
	return 0;
}

/* ---- the reference: classify.h read plainly ---- */

/*
 * Not instrumented for coverage: the fuzzer is to explore the compiler and
 * the lookup, and the reference's compares (most of the time spent, when
 * traced) would only distract it.
 */
#define REF __attribute__((no_sanitize("coverage")))

static __attribute__((format(printf, 1, 2), noreturn)) void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_classify: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

static REF bool ref_cidr_valid(const struct cfw_cidr *c)
{
	union cfw_addr a;

	if (c->family != AF_INET && c->family != AF_INET6)
		return false;
	if (c->prefix_len > addr_bits(c->family))
		return false;
	a = c->addr;
	host_bits(&a, c->family, c->prefix_len, false);
	return !memcmp(&a, &c->addr, addr_bits(c->family) / 8);
}

/* Are the first @plen bits of @a and @b the same? */
static REF bool ref_prefix_eq(const union cfw_addr *a, const union cfw_addr *b,
			      unsigned int plen)
{
	const u8 *x = (const u8 *)a, *y = (const u8 *)b;
	unsigned int full = plen / 8, i;

	/* not memcmp(), which libFuzzer intercepts, to trace */
	for (i = 0; i < full; i++)
		if (x[i] != y[i])
			return false;
	return !(plen % 8) || !((x[full] ^ y[full]) & (u8)(0xff00 >> (plen % 8)));
}

static REF bool ref_l4_valid(const struct cfw_l4match *l4)
{
	bool ports = l4->l4proto == IPPROTO_TCP || l4->l4proto == IPPROTO_UDP ||
		     l4->l4proto == IPPROTO_SCTP;
	bool icmp = l4->l4proto == IPPROTO_ICMP || l4->l4proto == IPPROTO_ICMPV6;

	switch (l4->kind) {
	case CFW_L4_ALL:
		return true;
	case CFW_L4_PORTS:
		return ports && l4->lo <= l4->hi;
	case CFW_L4_ICMP_TYPE:
		return icmp && l4->hi <= 255 && l4->lo <= l4->hi;
	}
	return false;
}

struct ref_err {
	int rc;			/* 0, -EINVAL or -E2BIG */
	enum cfw_err_section section;
	int index;
	int except_index;
};

static REF bool ref_fail(struct ref_err *e, int rc, enum cfw_err_section sec,
		     int index, int except_index)
{
	*e = (struct ref_err){ rc, sec, index, except_index };
	return true;
}

/* The first thing wrong with rule @r, into @e; false when nothing is. */
static REF bool ref_rule_bad(const struct cfw_rule_spec *r, enum cfw_err_section sec,
			 int i, struct ref_err *e)
{
	unsigned int x;

	if (!r->id || !ref_l4_valid(&r->l4) ||
	    (r->n_except && r->peer_kind != CFW_PEER_CIDR) ||
	    r->peer_kind > CFW_PEER_CIDR ||
	    (r->peer_kind == CFW_PEER_COMPONENT && !r->peer_component))
		return ref_fail(e, -EINVAL, sec, i, -1);
	if (r->peer_kind != CFW_PEER_CIDR)
		return false;
	if (!ref_cidr_valid(&r->cidr) ||
	    (r->l4.l4proto == IPPROTO_ICMP && r->cidr.family != AF_INET) ||
	    (r->l4.l4proto == IPPROTO_ICMPV6 && r->cidr.family != AF_INET6))
		return ref_fail(e, -EINVAL, sec, i, -1);
	if (r->n_except > CFW_MAX_EXCEPT)
		return ref_fail(e, -E2BIG, sec, i, -1);
	if (r->n_except && !r->except)
		return ref_fail(e, -EINVAL, sec, i, -1);
	for (x = 0; x < r->n_except; x++) {
		const struct cfw_cidr *c = &r->except[x];

		if (c->family != r->cidr.family || !ref_cidr_valid(c) ||
		    c->prefix_len <= r->cidr.prefix_len ||
		    !ref_prefix_eq(&c->addr, &r->cidr.addr, r->cidr.prefix_len))
			return ref_fail(e, -EINVAL, sec, i, x);
	}
	return false;
}

/*
 * What cfw_policy_compile() must say of @s: the limits, each entry in order
 * (exposure, ingress, egress), then duplicate IDs: the lowest repeated ID,
 * named at its second place.
 */
static REF void ref_check(const struct cfw_policy_spec *s, struct ref_err *e)
{
	u32 max = s->max_rules && s->max_rules < CFW_MAX_RULES ? s->max_rules
							       : CFW_MAX_RULES;
	u32 total = 0, i, j, d, dd, best = 0;
	struct ref_err dup = { 0 };
	bool found = false;

	memset(e, 0, sizeof(*e));
	if (s->n_exposure > max) {
		ref_fail(e, -E2BIG, CFW_ERR_EXPOSURE, max, -1);
		return;
	}
	if (s->n_exposure && !s->exposure) {
		ref_fail(e, -EINVAL, CFW_ERR_EXPOSURE, -1, -1);
		return;
	}
	for (i = 0; i < s->n_exposure; i++)
		if (!ref_l4_valid(&s->exposure[i])) {
			ref_fail(e, -EINVAL, CFW_ERR_EXPOSURE, i, -1);
			return;
		}
	for (d = 0; d < CFW_DIR_MAX; d++) {
		if (s->n_rules[d] > max - total) {
			ref_fail(e, -E2BIG, CFW_ERR_INGRESS + d, max - total, -1);
			return;
		}
		total += s->n_rules[d];
		if (s->n_rules[d] && !s->rules[d]) {
			ref_fail(e, -EINVAL, CFW_ERR_INGRESS + d, -1, -1);
			return;
		}
		for (i = 0; i < s->n_rules[d]; i++)
			if (ref_rule_bad(&s->rules[d][i], CFW_ERR_INGRESS + d, i, e))
				return;
	}
	/* the second place of the lowest repeated ID; the specs here are small */
	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (i = 0; i < s->n_rules[d]; i++) {
			u32 id = s->rules[d][i].id;
			bool seen = false;

			if (found && id >= best)
				continue;
			for (dd = 0; dd <= d && !seen; dd++)
				for (j = 0; j < (dd == d ? i : s->n_rules[dd]); j++)
					seen |= s->rules[dd][j].id == id;
			if (!seen)
				continue;
			found = true;
			best = id;
			ref_fail(&dup, -EINVAL, CFW_ERR_INGRESS + d, i, -1);
		}
	}
	if (found)
		*e = dup;
}

/*
 * Does @m take a packet of protocol @proto, port (or type) @port, address
 * family @family? ICMP is IPv4's and ICMPv6 IPv6's: a packet of the other
 * family is taken by protocol "any" alone.
 */
static REF bool ref_l4_match(const struct cfw_l4match *m, u8 family, u8 proto,
			 u16 port)
{
	if (!m->l4proto)
		return true;
	if (m->l4proto != proto)
		return false;
	if ((proto == IPPROTO_ICMP && family != AF_INET) ||
	    (proto == IPPROTO_ICMPV6 && family != AF_INET6))
		return false;
	return m->kind == CFW_L4_ALL || (port >= m->lo && port <= m->hi);
}

static REF bool ref_in(const struct cfw_cidr *c, const struct cfw_tuple *t)
{
	return c->family == t->family &&
	       ref_prefix_eq(&c->addr, &t->peer, c->prefix_len);
}

static REF bool ref_peer_match(const struct cfw_rule_spec *r,
			   const struct cfw_tuple *t)
{
	unsigned int x;

	switch (r->peer_kind) {
	case CFW_PEER_ANY:
		return true;
	case CFW_PEER_COMPONENT:
		return t->peer_component == r->peer_component;
	default:
		if (!ref_in(&r->cidr, t))
			return false;
		for (x = 0; x < r->n_except; x++)
			if (ref_in(&r->except[x], t))
				return false;
		return true;
	}
}

static REF struct cfw_verdict ref_classify(const struct cfw_policy_spec *s,
				       enum cfw_dir dir, const struct cfw_tuple *t)
{
	struct cfw_verdict v = { 0 };
	u32 i;

	if (dir == CFW_DIR_INGRESS) {
		for (i = 0; i < s->n_exposure; i++)
			if (ref_l4_match(&s->exposure[i], t->family, t->l4proto, t->port))
				break;
		if (i == s->n_exposure) {
			v.by_exposure = true;
			return v;
		}
	}
	if (t->family != AF_INET && t->family != AF_INET6)
		return v;
	for (i = 0; i < s->n_rules[dir]; i++) {
		const struct cfw_rule_spec *r = &s->rules[dir][i];

		if (ref_l4_match(&r->l4, t->family, t->l4proto, t->port) &&
		    ref_peer_match(r, t) && (!v.rule_id || r->id < v.rule_id))
			v.rule_id = r->id;
	}
	v.allow = v.rule_id != 0;
	return v;
}

/* ---- the checks ---- */

static REF void fmt_tuple(const struct cfw_tuple *t, enum cfw_dir dir, char *buf,
		      size_t size)
{
	const u8 *a = (const u8 *)&t->peer;
	size_t len;
	unsigned int i;

	len = snprintf(buf, size, "%s family %u proto %u port %u comp %u addr ",
		       dir == CFW_DIR_INGRESS ? "ingress" : "egress",
		       t->family, t->l4proto, t->port, t->peer_component);
	for (i = 0; i < addr_bits(t->family) / 8 && len + 3 < size; i++)
		len += snprintf(buf + len, size - len, "%02x", a[i]);
}

static unsigned long n_classified;

static REF void check_tuple(const struct cfw_policy_spec *s, const struct cfw_policy *p,
			enum cfw_dir dir, const struct cfw_tuple *t)
{
	struct cfw_verdict got = cfw_classify(p, dir, t);
	struct cfw_verdict want = ref_classify(s, dir, t);
	char text[160];

	n_classified++;
	if (got.rule_id == want.rule_id && got.allow == want.allow &&
	    got.by_exposure == want.by_exposure)
		return;
	fmt_tuple(t, dir, text, sizeof(text));
	die("%s: classify says rule %u allow %d by_exposure %d, the rules say rule %u allow %d by_exposure %d",
	    text, got.rule_id, got.allow, got.by_exposure, want.rule_id,
	    want.allow, want.by_exposure);
}

/* Each port at and around @m's edges, with @m's protocol (or a few). */
static REF void sweep_ports(const struct cfw_policy_spec *s, const struct cfw_policy *p,
			enum cfw_dir dir, const struct cfw_l4match *m,
			struct cfw_tuple *t)
{
	static const u8 any_protos[] = { IPPROTO_TCP, IPPROTO_ICMP, IPPROTO_ICMPV6,
					 IPPROTO_GRE, 0 };
	u16 ports[4] = { m->lo, m->hi, (u16)(m->lo - 1), (u16)(m->hi + 1) };
	unsigned int i, j;

	if (!m->l4proto) {
		for (i = 0; i < sizeof(any_protos); i++) {
			t->l4proto = any_protos[i];
			t->port = i * 4099;
			check_tuple(s, p, dir, t);
		}
		return;
	}
	t->l4proto = m->l4proto;
	for (j = 0; j < 4; j++) {
		t->port = ports[j];
		check_tuple(s, p, dir, t);
	}
}

/* @t at @c's first and last address, and just outside both. */
static REF void sweep_cidr(const struct cfw_policy_spec *s, const struct cfw_policy *p,
		       enum cfw_dir dir, const struct cfw_l4match *m,
		       const struct cfw_cidr *c, struct cfw_tuple *t)
{
	union cfw_addr a;
	unsigned int k;

	t->family = c->family;
	for (k = 0; k < 4; k++) {
		a = c->addr;
		host_bits(&a, c->family, c->prefix_len, k & 1);
		/* the neighbour: the last bit of the prefix flipped */
		if (k >= 2 && c->prefix_len)
			flip_bit(&a, c->prefix_len - 1);
		else if (k >= 2)
			break;
		t->peer = a;
		sweep_ports(s, p, dir, m, t);
	}
}

/* Every rule's edges: its ports, its CIDR's and excepts' bounds, its peer. */
static REF void sweep(const struct cfw_policy_spec *s, const struct cfw_policy *p)
{
	struct cfw_tuple t;
	unsigned int d, i, x;

	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (i = 0; i < s->n_rules[d]; i++) {
			const struct cfw_rule_spec *r = &s->rules[d][i];

			memset(&t, 0, sizeof(t));
			if (r->peer_kind == CFW_PEER_CIDR) {
				sweep_cidr(s, p, d, &r->l4, &r->cidr, &t);
				for (x = 0; x < r->n_except; x++)
					sweep_cidr(s, p, d, &r->l4, &r->except[x], &t);
				continue;
			}
			if (r->peer_kind == CFW_PEER_COMPONENT)
				t.peer_component = r->peer_component;
			t.family = AF_INET;
			sweep_ports(s, p, d, &r->l4, &t);
			t.family = AF_INET6;
			t.peer_component ^= 1;
			sweep_ports(s, p, d, &r->l4, &t);
		}
	}
	for (i = 0; i < s->n_exposure; i++) {
		memset(&t, 0, sizeof(t));
		t.family = i & 1 ? AF_INET6 : AF_INET;
		sweep_ports(s, p, CFW_DIR_INGRESS, &s->exposure[i], &t);
	}
}

static const char *section_name(int sec)
{
	static const char *const names[] = { "policy", "exposure", "ingress", "egress" };

	return sec >= 0 && sec < 4 ? names[sec] : "?";
}

/* FUZZ_VERBOSE=1: a line per input, to see what a corpus file holds. */
static int verbose = -1;

static void say(const struct fuzz_case *fc, long rc, const struct cfw_compile_err *err,
		const struct cfw_policy *p)
{
	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") && *getenv("FUZZ_VERBOSE") == '1';
	if (!verbose)
		return;
	fprintf(stderr, "# exposure %u ingress %u egress %u tuples %u: ",
		fc->spec.n_exposure, fc->spec.n_rules[0], fc->spec.n_rules[1],
		fc->n_tuples);
	if (rc)
		fprintf(stderr, "error %ld at %s[%d] except %d: %s\n", rc,
			section_name(err->section), err->index, err->except_index,
			err->msg);
	else
		fprintf(stderr, "compiled, %zu bytes, %lu tuples classified\n",
			cfw_policy_bytes(p), n_classified);
}

/* What netlink.c asks of a component's addresses agrees with the rules. */
static void check_cidr_problem(const struct cfw_cidr *c)
{
	const char *msg = cfw_cidr_problem(c);

	if (!msg != ref_cidr_valid(c) || (msg && !*msg))
		die("cfw_cidr_problem(family %u /%u) says \"%s\"", c->family,
		    c->prefix_len, msg ? msg : "(nothing)");
}

static void check_cidrs(const struct fuzz_case *fc)
{
	unsigned int d, i, x;

	for (d = 0; d < CFW_DIR_MAX; d++) {
		for (i = 0; i < fc->spec.n_rules[d]; i++) {
			const struct cfw_rule_spec *r = &fc->rules[d][i];

			if (r->peer_kind == CFW_PEER_CIDR)
				check_cidr_problem(&r->cidr);
			for (x = 0; r->except && x < r->n_except; x++)
				check_cidr_problem(&r->except[x]);
		}
	}
}

static void check_compile(struct fuzz_case *fc)
{
	const struct cfw_policy_spec *s = &fc->spec;
	struct cfw_compile_err err;
	struct cfw_policy *p;
	struct ref_err want;
	unsigned int i;
	long rc;

	ref_check(s, &want);
	cfw_shim_fail_after = fc->fail_after;
	p = cfw_policy_compile(s, &err);
	cfw_shim_fail_after = -1;
	rc = IS_ERR(p) ? PTR_ERR(p) : 0;
	if (rc) {
		if (!err.msg || !*err.msg)
			die("compile failed (%ld) without a message", rc);
		if (cfw_shim_live_allocs)
			die("compile failed (%ld: %s), %ld allocations left live",
			    rc, err.msg, cfw_shim_live_allocs);
	}
	if (rc == -ENOMEM) {
		if (fc->fail_after < 0)
			die("compile ran out of memory with none taken away: %s", err.msg);
		if (strcmp(err.msg, "out of memory") || err.section != CFW_ERR_POLICY)
			die("an allocation failure reported as %s: %s",
			    section_name(err.section), err.msg);
		say(fc, rc, &err, p);
		return;
	}
	if (rc && rc != -EINVAL && rc != -E2BIG)
		die("compile failed with %ld: %s", rc, err.msg);
	if (rc != want.rc || (rc && (err.section != want.section ||
				     err.index != want.index ||
				     err.except_index != want.except_index)))
		die("compile: %ld at %s[%d] except %d (%s); the spec says %d at %s[%d] except %d",
		    rc, section_name(err.section), err.index, err.except_index,
		    rc ? err.msg : "", want.rc, section_name(want.section),
		    want.index, want.except_index);
	if (rc) {
		say(fc, rc, &err, p);
		return;
	}
	if (!p || cfw_policy_bytes(p) < 64)
		die("compiled policy of %zu bytes", p ? cfw_policy_bytes(p) : 0);
	n_classified = 0;
	for (i = 0; i < fc->n_tuples; i++)
		check_tuple(s, p, fc->tuple_dir[i], &fc->tuples[i]);
	sweep(s, p);
	say(fc, 0, &err, p);
	cfw_policy_free(p);
	if (cfw_shim_live_allocs)
		die("%ld allocations live after the policy was freed",
		    cfw_shim_live_allocs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case *fc = malloc(sizeof(*fc));

	if (!fc)
		return 0;
	if (!decode(data, size, fc)) {
		check_cidrs(fc);
		check_compile(fc);
	}
	case_free(fc);
	free(fc);
	return 0;
}
