// SPDX-License-Identifier: GPL-2.0
/*
 * Classifier benchmark driver. Builds one component's egress policy of
 * N rules (a realistic mix, see make_rules()) and either reports compile
 * time and memory (mode "info") or runs lookups of one flow (modes "last",
 * "comp", "miss") in lookups(), the only function callgrind collects.
 * Mode "comps" compiles COUNT components of N rules each instead, see
 * components().
 *
 *   bench N info
 *   bench N last|comp|miss LOOKUPS
 *   bench N comps COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>
#include <linux/err.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>

#include "../../kmod/classify.h"

static u32 mix(u32 x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static struct cfw_l4match ports(u8 proto, u16 lo, u16 hi)
{
	struct cfw_l4match m = { .l4proto = proto, .kind = CFW_L4_PORTS,
				 .lo = lo, .hi = hi };
	return m;
}

static const u8 v4_lens[] = { 32, 24, 28, 32, 20, 32 };

/*
 * The mix, by i % 10: 0-5 IPv4 CIDRs (mostly hosts, some /20../28
 * networks, spread over 10.0.0.0/8, every 500th with an except), 6 IPv6
 * CIDRs, 7-8 peer components (about two rules per component), 9 rules on
 * one of 16 enclosing 10.x.0.0/16 networks (so host rules nest under
 * them). Ports: single well-known ports, a few ranges, TCP and UDP. Two
 * "any peer" rules whatever the size, as a real manifest has ("DNS
 * anywhere"): they do not grow with an allow-list. The first ten rules hold
 * one of each kind and every prefix length, so that small and large
 * policies probe the same prefix lengths.
 * The last rule is an IPv4 /32 on a port nothing else uses: the flow under
 * test matches only it.
 */
static struct cfw_rule_spec *make_rules(u32 n, struct cfw_cidr *ex)
{
	struct cfw_rule_spec *r = calloc(n, sizeof(*r));
	u32 i;

	for (i = 0; i < n; i++) {
		u32 h = mix(i), k = i % 10;
		u8 proto = h & 0x100 ? IPPROTO_UDP : IPPROTO_TCP;
		u16 port = (const u16[]){ 443, 80, 53, 5432, 8080, 22 }[h % 6];

		r[i].id = i + 1;
		r[i].l4 = ports(proto, port, port);
		if (h % 7 == 0)
			r[i].l4 = ports(proto, 1000 + h % 1000, 2000 + h % 3000);
		if (i == 3 || i == 11) {
			r[i].peer_kind = CFW_PEER_ANY;
		} else if (k <= 5) {
			u8 len = i < 10 ? (const u8[]){ 32, 24, 28, 0, 20, 16 }[k] :
				 v4_lens[(i + k) % 6];

			r[i].peer_kind = CFW_PEER_CIDR;
			r[i].cidr.family = AF_INET;
			r[i].cidr.prefix_len = len;
			r[i].cidr.addr.ip = cpu_to_be32((0x0a000000 | (mix(h) & 0xffffff)) &
							~0U << (32 - len));
			if (i % 500 == 0 && len < 32) {
				ex[i / 500] = r[i].cidr;
				ex[i / 500].prefix_len = 32;
				ex[i / 500].addr.ip |= cpu_to_be32(1);
				r[i].except = &ex[i / 500];
				r[i].n_except = 1;
			}
		} else if (k == 6) {
			r[i].peer_kind = CFW_PEER_CIDR;
			r[i].cidr.family = AF_INET6;
			r[i].cidr.prefix_len = h & 1 ? 128 : 64;
			r[i].cidr.addr.ip6.s6_addr32[0] = cpu_to_be32(0x20010db8);
			r[i].cidr.addr.ip6.s6_addr32[1] = cpu_to_be32(mix(h));
			if (h & 1)
				r[i].cidr.addr.ip6.s6_addr32[3] = cpu_to_be32(h);
		} else if (k <= 8) {
			r[i].peer_kind = CFW_PEER_COMPONENT;
			r[i].peer_component = 1 + i / 5;
		} else {
			r[i].peer_kind = CFW_PEER_CIDR;
			r[i].cidr.family = AF_INET;
			r[i].cidr.prefix_len = 16;
			r[i].cidr.addr.ip = cpu_to_be32(0x0a000000 | (h % 16) << 16);
			r[i].l4 = ports(IPPROTO_TCP, (const u16[]){ 22, 443, 9100 }[h % 3],
					(const u16[]){ 22, 443, 9100 }[h % 3]);
		}
	}
	r[n - 1] = (struct cfw_rule_spec){ .id = n, .peer_kind = CFW_PEER_CIDR,
		.l4 = ports(IPPROTO_TCP, 7777, 7777),
		.cidr = { .family = AF_INET, .prefix_len = 32,
			  .addr.ip = cpu_to_be32(0x0a0b0c0d) } };
	if (n > 1)	/* and the last component rule, for "comp" */
		r[n - 2] = (struct cfw_rule_spec){ .id = n - 1,
			.peer_kind = CFW_PEER_COMPONENT, .peer_component = 0x7fffffff,
			.l4 = ports(IPPROTO_TCP, 7778, 7778) };
	return r;
}

/*
 * The VM benchmark's many-components shape (cf100k in vm-bench.sh): COUNT
 * components, each with N egress rules TCP to a distinct IPv4 /32 in
 * 100.64.0.0/10 on one port of 1000.., no exposure, no ingress. What
 * matters there is the fixed cost of a small policy, which one large
 * policy hides. Prints N, COUNT and the compiled bytes per rule over all.
 */
static int components(u32 n, u32 count)
{
	struct cfw_rule_spec *r = calloc(n, sizeof(*r));
	struct cfw_policy_spec s = { };
	struct cfw_compile_err err;
	struct cfw_policy *p;
	size_t bytes = 0;
	u32 c, i;

	if (!r)
		return 1;
	s.rules[CFW_DIR_EGRESS] = r;
	s.n_rules[CFW_DIR_EGRESS] = n;
	for (c = 0; c < count; c++) {
		for (i = 0; i < n; i++) {
			r[i] = (struct cfw_rule_spec){ .id = i + 1,
				.peer_kind = CFW_PEER_CIDR,
				.l4 = ports(IPPROTO_TCP, 1000 + i, 1000 + i) };
			r[i].cidr.family = AF_INET;
			r[i].cidr.prefix_len = 32;
			r[i].cidr.addr.ip = cpu_to_be32(0x64400000 + c * n + i);
		}
		p = cfw_policy_compile(&s, &err);
		if (IS_ERR(p)) {
			fprintf(stderr, "compile: %s (component %u rule %d)\n",
				err.msg, c, err.index);
			free(r);
			return 1;
		}
		bytes += cfw_policy_bytes(p);
		cfw_policy_free(p);
	}
	printf("%u %u %.1f\n", n, count, (double)bytes / ((double)n * count));
	free(r);
	return 0;
}

static volatile u32 sink;

/* The only code callgrind counts: nothing but lookups. */
__attribute__((noinline)) void lookups(const struct cfw_policy *p,
				       const struct cfw_tuple *t, long n)
{
	long i;

	for (i = 0; i < n; i++)
		sink = cfw_classify(p, CFW_DIR_EGRESS, t).rule_id;
}

int main(int argc, char **argv)
{
	struct cfw_policy_spec s = { };
	struct cfw_compile_err err;
	struct cfw_tuple t = { .family = AF_INET, .l4proto = IPPROTO_TCP };
	struct cfw_rule_spec *r;
	struct cfw_policy *p;
	struct cfw_cidr *ex;
	struct timespec a, b;
	u32 n, want;

	if (argc < 3)
		return 2;
	n = strtoul(argv[1], NULL, 0);
	if (n < 2)
		return 2;
	if (!strcmp(argv[2], "comps"))
		return components(n, argc > 3 ? strtoul(argv[3], NULL, 0) : 10000);
	ex = calloc(n / 500 + 1, sizeof(*ex));
	r = make_rules(n, ex);
	s.rules[CFW_DIR_EGRESS] = r;
	s.n_rules[CFW_DIR_EGRESS] = n;
	clock_gettime(CLOCK_MONOTONIC, &a);
	p = cfw_policy_compile(&s, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (IS_ERR(p)) {
		fprintf(stderr, "compile: %s (section %d rule %d)\n", err.msg,
			err.section, err.index);
		return 1;
	}
	if (!strcmp(argv[2], "info")) {
		printf("%u %.1f %.1f\n", n,
		       (double)cfw_policy_bytes(p) / n,
		       (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
		cfw_policy_free(p);
		free(r);
		free(ex);
		return 0;
	}
	if (!strcmp(argv[2], "last")) {
		t.port = 7777;
		t.peer.ip = cpu_to_be32(0x0a0b0c0d);
		want = n;
	} else if (!strcmp(argv[2], "comp")) {
		t.port = 7778;
		t.peer.ip = cpu_to_be32(0xc0000201);
		t.peer_component = 0x7fffffff;
		want = n - 1;
	} else {
		t.port = 7779;
		t.peer.ip = cpu_to_be32(0xc000020e);
		t.peer_component = 3;
		want = 0;
	}
	if (cfw_classify(p, CFW_DIR_EGRESS, &t).rule_id != want) {
		fprintf(stderr, "%s: wrong verdict\n", argv[2]);
		return 1;
	}
	lookups(p, &t, argc > 3 ? strtol(argv[3], NULL, 0) : 1000);
	cfw_policy_free(p);
	free(r);
	free(ex);
	return 0;
}
