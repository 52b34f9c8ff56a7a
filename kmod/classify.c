// SPDX-License-Identifier: GPL-2.0
/*
 * compfw classifier lookup: runs under RCU on the packet path. It takes no
 * locks, allocates nothing, never sleeps and only reads the policy, which
 * is immutable once compiled (see classify_tables.h for the layout).
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>

#include "classify_tables.h"

/* Lowest ID in @m covering @key, 0 if none. O(log segments). */
static u32 cfw_map_lookup(const struct cfw_policy *p,
			  const struct cfw_map *m, u32 key)
{
	const struct cfw_seg *s;
	u32 lo = 0, n = m->n;

	if (!n)
		return 0;
	s = p->segs + m->off;
	/* nothing before the first segment (there is no leading ID 0 one) */
	if (key < s[0].start)
		return 0;
	/* the last segment starting at or before key */
	while (n > 1) {
		u32 half = n / 2;

		if (s[lo + half].start <= key)
			lo += half;
		n -= half;
	}
	return s[lo].id;
}

static u32 cfw_comp_lookup(const struct cfw_policy *p,
			   const struct cfw_dir_tables *d, u32 comp, u32 key)
{
	u32 h;

	if (!d->comp || !comp)
		return 0;
	for (h = cfw_comp_hash(comp) & d->comp_mask; d->comp[h].comp;
	     h = (h + 1) & d->comp_mask) {
		if (d->comp[h].comp == comp)
			return cfw_map_lookup(p, &d->comp[h].map, key);
	}
	return 0;
}

static __always_inline u32 cfw_lpm_slot(const void *slots, u32 h,
					const unsigned int width)
{
	if (width == 1)
		return ((const u8 *)slots)[h];
	if (width == 2)
		return ((const u16 *)slots)[h];
	return ((const u32 *)slots)[h];
}

/*
 * Longest-prefix match: probe each prefix length in use, longest first.
 * Inlined with a constant @nw and slot @width, so the IPv4 probe is a few
 * instructions of masking and hashing one word, and reading a slot tests
 * no width.
 */
static __always_inline u32 cfw_lpm_lookup(const struct cfw_policy *p,
					  const struct cfw_lpm *l,
					  const u32 *addr, u32 key,
					  const unsigned int nw,
					  const unsigned int width)
{
	const void *slots = cfw_policy_at(p, l->slots);
	const u8 *lens = cfw_policy_at(p, l->lens);
	const u8 *plen = cfw_policy_at(p, l->plen);
	const u32 *keys = cfw_policy_at(p, l->keys);
	const struct cfw_map *maps = cfw_policy_at(p, l->maps);
	unsigned int i, j;
	u32 w[4];

	for (i = 0; i < l->n_lens; i++) {
		u8 len = lens[i];
		u32 h, e;

		for (j = 0; j < nw; j++)
			w[j] = addr[j] & cfw_word_mask(len, j);
		for (h = cfw_lpm_hash(w, nw, len) & l->mask;
		     (e = cfw_lpm_slot(slots, h, width)); h = (h + 1) & l->mask) {
			const u32 *k;

			if (plen[--e] != len)
				continue;
			k = keys + e * nw;
			for (j = 0; j < nw && k[j] == w[j]; j++)
				;
			if (j == nw)
				return cfw_map_lookup(p, &maps[e], key);
		}
	}
	return 0;
}

/* The one lookup of @nw-word addresses for each slot width. */
static __always_inline u32 cfw_lpm_match(const struct cfw_policy *p,
					 const struct cfw_lpm *l,
					 const u32 *addr, u32 key,
					 const unsigned int nw)
{
	switch (l->slot_bytes) {
	case 1:
		return cfw_lpm_lookup(p, l, addr, key, nw, 1);
	case 2:
		return cfw_lpm_lookup(p, l, addr, key, nw, 2);
	default:
		return cfw_lpm_lookup(p, l, addr, key, nw, 4);
	}
}

/*
 * The key @t is looked up by. ICMP is IPv4's and ICMPv6 IPv6's, yet
 * conntrack tracks either over the other family, with its type: such a
 * packet takes the key (0, 0), which only protocol "any" covers. The "any"
 * maps and the CIDR tables keep each ICMP to its family anyway, but one
 * exposure map and one map per peer component serve both families.
 */
static inline u32 cfw_tuple_key(const struct cfw_tuple *t)
{
	if ((t->l4proto == IPPROTO_ICMP && t->family != AF_INET) ||
	    (t->l4proto == IPPROTO_ICMPV6 && t->family != AF_INET6))
		return cfw_key(0, 0);
	return cfw_key(t->l4proto, t->port);
}

/* Lowest non-zero of two rule IDs, 0 if both are 0. */
static inline u32 cfw_min_id(u32 a, u32 b)
{
	return a - 1 < b - 1 ? a : b;
}

/**
 * cfw_classify - decide one new flow of a component
 * @p: the component's compiled policy (read under RCU)
 * @dir: CFW_DIR_INGRESS or CFW_DIR_EGRESS, seen from the component
 * @t: the flow; port is the server port (or ICMP type) in host order
 *
 * Context: any, including hard IRQ; no locks, no allocation.
 * Return: allow with the lowest matching rule ID; or deny with rule 0, and
 * by_exposure set when ingress was stopped by the exposure profile.
 */
struct cfw_verdict cfw_classify(const struct cfw_policy *p, enum cfw_dir dir,
				const struct cfw_tuple *t)
{
	struct cfw_verdict v = { .rule_id = 0, .allow = false };
	const struct cfw_dir_tables *d;
	const struct cfw_lpm *l;
	u32 key = cfw_tuple_key(t);
	u32 addr[4], id;
	unsigned int fam;

	if (dir == CFW_DIR_INGRESS && !cfw_map_lookup(p, &p->exposure, key)) {
		v.by_exposure = true;
		return v;
	}
	if (t->family == AF_INET) {
		fam = 0;
		addr[0] = be32_to_cpu(t->peer.ip);
	} else if (t->family == AF_INET6) {
		fam = 1;
		addr[0] = be32_to_cpu(t->peer.ip6.s6_addr32[0]);
		addr[1] = be32_to_cpu(t->peer.ip6.s6_addr32[1]);
		addr[2] = be32_to_cpu(t->peer.ip6.s6_addr32[2]);
		addr[3] = be32_to_cpu(t->peer.ip6.s6_addr32[3]);
	} else {
		return v;
	}
	d = &p->dir[dir];
	id = cfw_map_lookup(p, &d->any[fam], key);
	id = cfw_min_id(id, cfw_comp_lookup(p, d, t->peer_component, key));
	l = d->lpm[fam];	/* NULL: no CIDR rule of this family */
	if (l && fam)
		id = cfw_min_id(id, cfw_lpm_match(p, l, addr, key, 4));
	else if (l)
		id = cfw_min_id(id, cfw_lpm_match(p, l, addr, key, 1));
	v.rule_id = id;
	v.allow = id != 0;
	return v;
}

size_t cfw_policy_bytes(const struct cfw_policy *p)
{
	return p->bytes;
}
