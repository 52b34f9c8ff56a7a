// SPDX-License-Identifier: GPL-2.0
/*
 * Which component owns an address. Components declare the prefixes they own
 * so that peers without a local socket (another host, a container behind a
 * veth, ICMP and SCTP receivers) can be named. The map is a sorted array of
 * disjoint ranges per family, rebuilt whole on every change and swapped in
 * under RCU: lookups are a binary search, with no lock.
 */

#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "account.h"
#include "addrmap.h"
#include "component.h"
#include "netns.h"

/* Addresses as 128-bit big-endian numbers: IPv4 in the last word. */
struct compfw_addr_range {
	union cfw_addr lo;
	union cfw_addr hi;
	struct compfw_component *comp;
};

struct compfw_addrmap {
	struct rcu_head rcu;
	size_t bytes;
	u32 n[2];
	struct compfw_addr_range *ranges[2];
};

static int family_index(u8 family)
{
	return family == AF_INET6;
}

static int addr_cmp(u8 family, const union cfw_addr *a, const union cfw_addr *b)
{
	if (family == AF_INET)
		return ntohl(a->ip) < ntohl(b->ip) ? -1 : ntohl(a->ip) > ntohl(b->ip);
	return memcmp(&a->ip6, &b->ip6, sizeof(a->ip6));
}

static void cidr_range(const struct cfw_cidr *c, struct compfw_addr_range *r)
{
	int i, bits;

	r->lo = c->addr;
	r->hi = c->addr;
	if (c->family == AF_INET) {
		if (c->prefix_len < 32)
			r->hi.ip |= htonl(~0U >> c->prefix_len);
		return;
	}
	for (i = 0; i < 4; i++) {
		bits = clamp(c->prefix_len - 32 * i, 0, 32);
		if (bits < 32)
			r->hi.ip6.s6_addr32[i] |= htonl(~0U >> bits);
	}
}

static int cmp_v4(const void *a, const void *b)
{
	return addr_cmp(AF_INET, &((const struct compfw_addr_range *)a)->lo,
			&((const struct compfw_addr_range *)b)->lo);
}

static int cmp_v6(const void *a, const void *b)
{
	return addr_cmp(AF_INET6, &((const struct compfw_addr_range *)a)->lo,
			&((const struct compfw_addr_range *)b)->lo);
}

static bool owns(struct compfw_component *comp, struct compfw_component *adding,
		 struct compfw_component *removing)
{
	return comp != removing && comp != adding && comp->n_addresses;
}

static void fill(struct compfw_addrmap *map, struct compfw_component *comp)
{
	struct compfw_addr_range *r;
	u32 i;
	int f;

	for (i = 0; i < comp->n_addresses; i++) {
		f = family_index(comp->addresses[i].family);
		r = &map->ranges[f][map->n[f]++];
		cidr_range(&comp->addresses[i], r);
		r->comp = comp;
	}
}

static int check_disjoint(struct compfw_addrmap *map, struct netlink_ext_ack *extack)
{
	static const u8 families[2] = { AF_INET, AF_INET6 };
	u32 i;
	int f;

	sort(map->ranges[0], map->n[0], sizeof(*map->ranges[0]), cmp_v4, NULL);
	sort(map->ranges[1], map->n[1], sizeof(*map->ranges[1]), cmp_v6, NULL);
	for (f = 0; f < 2; f++)
		for (i = 1; i < map->n[f]; i++)
			if (addr_cmp(families[f], &map->ranges[f][i - 1].hi,
				     &map->ranges[f][i].lo) >= 0) {
				NL_SET_ERR_MSG(extack,
					       "address overlaps one another component owns");
				return -EEXIST;
			}
	return 0;
}

int compfw_addrmap_rebuild(struct compfw_net *cnet, struct compfw_component *adding,
			   struct compfw_component *removing, struct netlink_ext_ack *extack)
{
	struct compfw_addrmap *map, *old;
	struct compfw_component *comp;
	u32 n[2] = {}, i;
	size_t bytes;
	int ret;

	lockdep_assert_held(&cnet->lock);
	list_for_each_entry(comp, &cnet->components_list, list)
		if (owns(comp, adding, removing))
			for (i = 0; i < comp->n_addresses; i++)
				n[family_index(comp->addresses[i].family)]++;
	if (adding)
		for (i = 0; i < adding->n_addresses; i++)
			n[family_index(adding->addresses[i].family)]++;

	bytes = sizeof(*map) + (n[0] + n[1]) * sizeof(struct compfw_addr_range);
	map = compfw_kvzalloc(bytes);
	if (!map)
		return -ENOMEM;
	map->bytes = bytes;
	map->ranges[0] = (struct compfw_addr_range *)(map + 1);
	map->ranges[1] = map->ranges[0] + n[0];
	list_for_each_entry(comp, &cnet->components_list, list)
		if (owns(comp, adding, removing))
			fill(map, comp);
	if (adding)
		fill(map, adding);

	ret = check_disjoint(map, extack);
	if (ret) {
		compfw_kvfree(map, bytes);
		return ret;
	}
	old = rcu_replace_pointer(cnet->addrmap, map, lockdep_is_held(&cnet->lock));
	if (old) {
		compfw_account_free(old, old->bytes);
		kvfree_rcu(old, rcu);
	}
	return 0;
}

struct compfw_component *compfw_addrmap_lookup(struct compfw_net *cnet, u8 family,
					       const union cfw_addr *addr)
{
	/* The packet path reads under RCU; queries under the writers' lock. */
	const struct compfw_addrmap *map =
		rcu_dereference_check(cnet->addrmap, lockdep_is_held(&cnet->lock));
	const struct compfw_addr_range *r;
	u32 lo = 0, hi, mid;
	int f = family_index(family);

	if (!map || !map->n[f])
		return NULL;
	/* The last range starting at or below @addr is the only candidate. */
	r = map->ranges[f];
	hi = map->n[f];
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (addr_cmp(family, &r[mid].lo, addr) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	if (addr_cmp(family, &r[lo].lo, addr) <= 0 &&
	    addr_cmp(family, addr, &r[lo].hi) <= 0)
		return r[lo].comp;
	return NULL;
}

void compfw_addrmap_destroy(struct compfw_net *cnet)
{
	struct compfw_addrmap *map = rcu_dereference_protected(cnet->addrmap, true);

	if (map)
		compfw_kvfree(map, map->bytes);
	RCU_INIT_POINTER(cnet->addrmap, NULL);
}
