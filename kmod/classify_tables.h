/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout of a compiled policy, shared by the compiler (compile.c, writer)
 * and the lookup (classify.c, reader). Nothing else should include this.
 *
 * Everything is keyed on key = l4proto << 16 | port (24 bits): a rule's
 * protocol and port (or ICMP type) range is one key interval, protocol "any"
 * is the whole key space, a protocol without ports is [proto:0, proto:65535].
 *
 * A "map" is a disjoint interval map over the key space: a run of segments
 * in the shared segment array, sorted by start; segment i covers
 * [start(i), start(i + 1)) and carries the lowest rule ID among the rules
 * covering it (0: none); the last one runs to the end of the key space.
 * Keys below the first segment's start match no rule: a map stores no
 * leading "ID 0" segment, which would be a third of a one-port map.
 * Lookup is a binary search.
 *
 * Per direction the rules are split by peer kind, and the lookup takes the
 * lowest ID of three independent searches:
 *
 * - any[family]: one map holding the "any" peer rules (and /0 CIDRs
 *   without excepts, of their family only).
 * - comp: open-addressing hash of peer component ID -> map.
 * - lpm[family]: CIDR rules. Each distinct prefix (a rule's CIDR, or an
 *   except) carries the map of every rule that covers its addresses: the
 *   rules on it and on enclosing prefixes (pushed down at compile time),
 *   less the rules excepted on it or on an enclosing prefix. So the longest
 *   matching prefix alone decides. Prefixes live in one hash table keyed by
 *   (masked address, length); the lookup probes the prefix lengths in use,
 *   longest first, and stops at the first hit. Its cost depends on the
 *   number of distinct lengths (at most 33 or 129), not on the number of
 *   rules, unlike a binary trie whose depth grows with the number of
 *   prefixes. A prefix whose map equals its parent's is left out: the
 *   parent answers for it. Push-down costs memory where CIDRs nest (each
 *   nested prefix copies its parent's segments); the compiler caps the total.
 *   A family without prefixes has no table (NULL).
 *
 * A compiled policy is one allocation: struct cfw_policy, then its LPM
 * table structs, then every array (8-byte aligned things first, u8 arrays
 * last). Most policies are small and there are thousands of them, so what
 * counts is the fixed cost: no struct sized for the largest table, no
 * allocation (and its rounding) per array. Every pointer and offset below
 * is inside that allocation; freeing the policy is one kvfree().
 */
#ifndef _COMPFW_CLASSIFY_TABLES_H
#define _COMPFW_CLASSIFY_TABLES_H

#include <linux/limits.h>

#include "classify.h"

#define CFW_KEY_MAX		0xffffffU
#define CFW_LPM_MAX_LENS	129

static inline u32 cfw_key(u8 l4proto, u16 port)
{
	return (u32)l4proto << 16 | port;
}

struct cfw_seg {
	u32 start;
	u32 id;
};

struct cfw_map {
	u32 off;		/* first segment in cfw_policy.segs */
	u32 n;			/* 0: empty map, nothing matches */
};

/* One slot of the component hash; comp 0 marks an empty slot. */
struct cfw_comp_slot {
	u32 comp;
	struct cfw_map map;
};

/*
 * Arrays by offset from the policy's start, not by pointer: a small policy
 * has one or two of these, and five pointers would be a tenth of it. Slots
 * are as wide as the number of prefixes needs (1, 2 or 4 bytes): in a
 * policy of a few rules they would otherwise outweigh the rules.
 */
struct cfw_lpm {
	u32 slots;		/* index + 1 into the arrays below, 0 empty */
	u32 keys;		/* n * nw host order words, masked */
	u32 maps;		/* n struct cfw_map */
	u32 plen;		/* n u8 prefix lengths */
	u32 lens;		/* n_lens u8 lengths in use, longest first */
	u32 mask;		/* slots - 1, a power of two minus one */
	u32 n;			/* prefixes, at least 1 */
	u8 nw;			/* words per address: 1 (IPv4) or 4 (IPv6) */
	u8 n_lens;
	u8 slot_bytes;		/* 1, 2 or 4 */
};

/* Slot width for n prefixes: a slot holds an index + 1, 0 is empty. */
static inline u8 cfw_lpm_slot_bytes(u32 n)
{
	if (n < U8_MAX)
		return 1;
	if (n < U16_MAX)
		return 2;
	return 4;
}

struct cfw_dir_tables {
	struct cfw_map any[2];		/* [0] IPv4, [1] IPv6 */
	const struct cfw_comp_slot *comp;	/* NULL if no component rules */
	const struct cfw_lpm *lpm[2];	/* NULL if no prefix of that family */
	u32 comp_mask;
};

struct cfw_policy {
	const struct cfw_seg *segs;
	struct cfw_dir_tables dir[CFW_DIR_MAX];
	struct cfw_map exposure;
	u32 bytes;			/* the whole allocation */
};

static inline const void *cfw_policy_at(const struct cfw_policy *p, u32 off)
{
	return (const u8 *)p + off;
}

/* Hash of a masked address and its prefix length (murmur3 style mixing). */
static inline u32 cfw_lpm_hash(const u32 *w, unsigned int nw, u8 len)
{
	u32 h = 0x9e3779b9U ^ len;
	unsigned int i;

	for (i = 0; i < nw; i++) {
		h ^= w[i] * 0xcc9e2d51U;
		h = (h << 13 | h >> 19) * 5 + 0xe6546b64U;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	return h;
}

static inline u32 cfw_comp_hash(u32 comp)
{
	u32 h = comp * 0x9e3779b1U;

	return h ^ h >> 16;
}

/* Mask of the first len bits in word i of an address. */
static inline u32 cfw_word_mask(u8 len, unsigned int i)
{
	int bits = (int)len - 32 * (int)i;

	if (bits <= 0)
		return 0;
	if (bits >= 32)
		return ~0U;
	return ~0U << (32 - bits);
}

#endif /* _COMPFW_CLASSIFY_TABLES_H */
