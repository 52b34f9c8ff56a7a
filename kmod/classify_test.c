// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the compfw classifier: compfw_classify (lookup semantics)
 * and compfw_compile (validation, errors, limits). Also built in userspace
 * by tests/bench (make -C tests/bench unit) through a KUnit shim.
 */
#include <kunit/test.h>
#include <linux/types.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>

#include "classify.h"

#define TCP	IPPROTO_TCP
#define UDP	IPPROTO_UDP
#define ICMP	IPPROTO_ICMP
#define ICMP6	IPPROTO_ICMPV6
#define IN	CFW_DIR_INGRESS
#define OUT	CFW_DIR_EGRESS

/* ---- spec and tuple builders ---- */

static struct cfw_l4match l4(u8 proto, u16 lo, u16 hi)
{
	struct cfw_l4match m = { .l4proto = proto, .lo = lo, .hi = hi };

	if (proto == TCP || proto == UDP || proto == IPPROTO_SCTP)
		m.kind = CFW_L4_PORTS;
	else if (proto == ICMP || proto == ICMP6)
		m.kind = CFW_L4_ICMP_TYPE;
	return m;
}

static struct cfw_l4match l4_all(u8 proto)
{
	struct cfw_l4match m = { .l4proto = proto, .kind = CFW_L4_ALL };

	return m;
}

static struct cfw_cidr v4(u32 a, u8 len)
{
	struct cfw_cidr c = { .family = AF_INET, .prefix_len = len };

	c.addr.ip = cpu_to_be32(a);
	return c;
}

static struct cfw_cidr v6(u32 w0, u32 w1, u32 w2, u32 w3, u8 len)
{
	struct cfw_cidr c = { .family = AF_INET6, .prefix_len = len };

	c.addr.ip6.s6_addr32[0] = cpu_to_be32(w0);
	c.addr.ip6.s6_addr32[1] = cpu_to_be32(w1);
	c.addr.ip6.s6_addr32[2] = cpu_to_be32(w2);
	c.addr.ip6.s6_addr32[3] = cpu_to_be32(w3);
	return c;
}

static struct cfw_rule_spec r_any(u32 id, struct cfw_l4match m)
{
	struct cfw_rule_spec r = { .id = id, .peer_kind = CFW_PEER_ANY, .l4 = m };

	return r;
}

static struct cfw_rule_spec r_comp(u32 id, u32 comp, struct cfw_l4match m)
{
	struct cfw_rule_spec r = { .id = id, .peer_kind = CFW_PEER_COMPONENT,
				   .peer_component = comp, .l4 = m };

	return r;
}

static struct cfw_rule_spec r_cidr(u32 id, struct cfw_cidr c,
				   struct cfw_l4match m)
{
	struct cfw_rule_spec r = { .id = id, .peer_kind = CFW_PEER_CIDR,
				   .cidr = c, .l4 = m };

	return r;
}

static struct cfw_tuple t4(u8 proto, u16 port, u32 a, u32 comp)
{
	struct cfw_tuple t = { .family = AF_INET, .l4proto = proto,
			       .port = port, .peer_component = comp };

	t.peer.ip = cpu_to_be32(a);
	return t;
}

static struct cfw_tuple t6(u8 proto, u16 port, u32 w0, u32 w3, u32 comp)
{
	struct cfw_tuple t = { .family = AF_INET6, .l4proto = proto,
			       .port = port, .peer_component = comp };

	t.peer.ip6.s6_addr32[0] = cpu_to_be32(w0);
	t.peer.ip6.s6_addr32[3] = cpu_to_be32(w3);
	return t;
}

#define IP(a, b, c, d)	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

/* Egress-only policy (or ingress with exposure "any") from a rule array. */
static struct cfw_policy *compile_dir(struct kunit *test, enum cfw_dir dir,
				      const struct cfw_rule_spec *r, u32 n)
{
	static const struct cfw_l4match expose_all = { .l4proto = 0 };
	struct cfw_policy_spec s = { .exposure = &expose_all, .n_exposure = 1 };
	struct cfw_compile_err err;
	struct cfw_policy *p;

	s.rules[dir] = r;
	s.n_rules[dir] = n;
	p = cfw_policy_compile(&s, &err);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	return p;
}

/* Rule ID deciding @t, 0 for deny. */
static u32 id_of(const struct cfw_policy *p, enum cfw_dir dir, struct cfw_tuple t)
{
	struct cfw_verdict v = cfw_classify(p, dir, &t);

	return v.allow ? v.rule_id : 0;
}

/* ---- compfw_classify ---- */

static void cfw_test_default_deny(struct kunit *test)
{
	struct cfw_policy_spec s = { };
	struct cfw_tuple t = t4(TCP, 80, IP(10, 0, 0, 1), 7);
	struct cfw_policy *p = cfw_policy_compile(&s, NULL);
	struct cfw_verdict v;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	v = cfw_classify(p, OUT, &t);
	KUNIT_EXPECT_FALSE(test, v.allow);
	KUNIT_EXPECT_EQ(test, v.rule_id, 0);
	KUNIT_EXPECT_FALSE(test, v.by_exposure);
	/* ingress with an empty exposure profile: exposure denies */
	v = cfw_classify(p, IN, &t);
	KUNIT_EXPECT_FALSE(test, v.allow);
	KUNIT_EXPECT_EQ(test, v.rule_id, 0);
	KUNIT_EXPECT_TRUE(test, v.by_exposure);
	KUNIT_EXPECT_GT(test, cfw_policy_bytes(p), 0);
	cfw_policy_free(p);
	cfw_policy_free(NULL);
}

static void cfw_test_lowest_id_wins(struct kunit *test)
{
	const struct cfw_rule_spec r[] = {
		r_any(30, l4(TCP, 80, 80)),
		r_any(10, l4(TCP, 1, 1000)),
		r_any(20, l4_all(0)),
		r_cidr(7, v4(IP(10, 0, 0, 0), 8), l4(TCP, 80, 80)),
		r_comp(5, 42, l4(TCP, 443, 443)),
		r_cidr(4, v4(IP(10, 1, 0, 0), 16), l4(TCP, 443, 443)),
		r_comp(3, 42, l4(TCP, 22, 22)),
	};
	struct cfw_policy *p = compile_dir(test, OUT, r, ARRAY_SIZE(r));

	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(1, 1, 1, 1), 0)), 10);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 1, 1, 1), 0)), 7);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 80, IP(10, 1, 1, 1), 0)), 20);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(10, 1, 1, 1), 42)), 4);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(10, 2, 1, 1), 42)), 5);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 22, IP(10, 1, 1, 1), 42)), 3);
	/* same rules the other way: ingress table is separate and empty */
	KUNIT_EXPECT_EQ(test, id_of(p, IN, t4(TCP, 22, IP(10, 1, 1, 1), 42)), 0);
	cfw_policy_free(p);
}

static void cfw_test_port_edges(struct kunit *test)
{
	const struct cfw_rule_spec r[] = {
		r_any(1, l4(TCP, 1000, 2000)),
		r_any(2, l4(UDP, 0, 0)),
		r_any(3, l4(UDP, 65535, 65535)),
		r_any(4, l4(IPPROTO_SCTP, 5, 5)),
		r_any(9, l4(TCP, 1500, 3000)),
	};
	struct cfw_policy *p = compile_dir(test, OUT, r, ARRAY_SIZE(r));
	u32 a = IP(192, 0, 2, 1);

	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 999, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 1000, a, 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 1500, a, 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 2000, a, 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 2001, a, 0)), 9);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 3000, a, 0)), 9);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 3001, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 1000, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 0, a, 0)), 2);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 1, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 65534, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 65535, a, 0)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(IPPROTO_SCTP, 5, a, 0)), 4);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(IPPROTO_SCTP, 6, a, 0)), 0);
	/* the protocol next to TCP's key range is not covered */
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP + 1, 1000, a, 0)), 0);
	/* keys below a map's first segment: key 0, and right below it */
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(0, 0, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP - 1, 65535, a, 0)), 0);
	cfw_policy_free(p);
}

static void cfw_test_protocols(struct kunit *test)
{
	const struct cfw_rule_spec r[] = {
		r_any(1, l4(ICMP, 8, 8)),
		r_any(2, l4(ICMP6, 128, 129)),
		r_any(3, l4_all(IPPROTO_GRE)),
		r_any(4, l4_all(UDP)),
		r_comp(5, 9, l4_all(0)),
	};
	struct cfw_policy *p = compile_dir(test, OUT, r, ARRAY_SIZE(r));
	u32 a = IP(192, 0, 2, 1);

	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP, 8, a, 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP, 0, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP, 9, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 127, 0x20010db8, 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 128, 0x20010db8, 1, 0)), 2);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 129, 0x20010db8, 1, 0)), 2);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 130, 0x20010db8, 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(IPPROTO_GRE, 0, a, 0)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 0, a, 0)), 4);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 65535, a, 0)), 4);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, a, 9)), 5);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(IPPROTO_ESP, 0, a, 9)), 5);
	cfw_policy_free(p);
}

static void cfw_test_cidr_longest_prefix(struct kunit *test)
{
	const struct cfw_rule_spec r[] = {
		r_cidr(10, v4(IP(10, 0, 0, 0), 8), l4(TCP, 22, 22)),
		r_cidr(20, v4(IP(10, 1, 0, 0), 16), l4(TCP, 80, 80)),
		r_cidr(5, v4(IP(10, 1, 2, 0), 24), l4(TCP, 443, 443)),
		r_cidr(30, v4(IP(10, 1, 2, 0), 24), l4(TCP, 22, 22)),
		r_cidr(40, v4(IP(10, 1, 2, 3), 32), l4(TCP, 8080, 8080)),
		/* shadowed by rule 20 on the enclosing /16: adds nothing */
		r_cidr(50, v4(IP(10, 1, 9, 0), 24), l4(TCP, 80, 80)),
	};
	struct cfw_policy *p = compile_dir(test, OUT, r, ARRAY_SIZE(r));

	/* rules on enclosing prefixes still apply (pushed down) */
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 22, IP(10, 1, 2, 3), 0)), 10);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 1, 2, 3), 0)), 20);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(10, 1, 2, 3), 0)), 5);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 8080, IP(10, 1, 2, 3), 0)), 40);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 8080, IP(10, 1, 2, 4), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(10, 1, 3, 0), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 1, 9, 1), 0)), 20);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 2, 0, 1), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 22, IP(10, 255, 255, 255), 0)), 10);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 22, IP(11, 0, 0, 0), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 22, IP(9, 255, 255, 255), 0)), 0);
	cfw_policy_free(p);
}

static void cfw_test_except(struct kunit *test)
{
	const struct cfw_cidr ex1[] = {
		v4(IP(10, 1, 0, 0), 16),
		v4(IP(10, 2, 3, 0), 24),
		v4(IP(10, 1, 2, 0), 24),	/* nested in the first: no-op */
	};
	const struct cfw_cidr ex2[] = {
		v4(IP(10, 0, 0, 0), 8),
		v4(IP(192, 168, 0, 0), 16),
	};
	struct cfw_rule_spec r[] = {
		r_cidr(1, v4(IP(10, 0, 0, 0), 8), l4(TCP, 80, 80)),
		/* a rule inside rule 1's except: the except is rule 1's only */
		r_cidr(2, v4(IP(10, 1, 2, 0), 24), l4(TCP, 80, 80)),
		/* "the internet" */
		r_cidr(3, v4(0, 0), l4(TCP, 443, 443)),
	};
	struct cfw_policy *p;

	r[0].except = ex1;
	r[0].n_except = ARRAY_SIZE(ex1);
	r[2].except = ex2;
	r[2].n_except = ARRAY_SIZE(ex2);
	p = compile_dir(test, OUT, r, ARRAY_SIZE(r));
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 0, 255, 255), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 1, 0, 0), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 1, 255, 255), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 2, 0, 0), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 2, 2, 255), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 2, 3, 7), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 2, 4, 0), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 1, 2, 9), 0)), 2);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 80, IP(10, 255, 0, 1), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(8, 8, 8, 8), 0)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(10, 9, 9, 9), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(192, 168, 1, 1), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(192, 169, 0, 0), 0)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 443, IP(255, 255, 255, 255), 0)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 443, 0x20010db8, 1, 0)), 0);
	cfw_policy_free(p);
}

static void cfw_test_families(struct kunit *test)
{
	const struct cfw_cidr ex[] = { v6(0x20010db8, 0, 0, 0x100, 120) };
	struct cfw_rule_spec r[] = {
		r_cidr(1, v4(0, 0), l4(TCP, 1, 1)),
		r_cidr(2, v6(0, 0, 0, 0, 0), l4(TCP, 2, 2)),
		r_any(3, l4(TCP, 3, 3)),
		r_cidr(4, v6(0x20010db8, 0, 0, 0, 32), l4(TCP, 4, 4)),
		r_cidr(5, v4(0x20010db8, 32), l4(TCP, 4, 4)),
		r_cidr(6, v6(0x20010db8, 0, 0, 0, 64), l4(ICMP6, 128, 128)),
		r_any(7, l4(ICMP, 0, 255)),
		r_cidr(8, v6(0x20010db8, 0, 0, 0x100, 128), l4(TCP, 5, 5)),
	};
	struct cfw_policy *p;

	r[5].except = ex;
	r[5].n_except = 1;
	p = compile_dir(test, OUT, r, ARRAY_SIZE(r));
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 1, IP(1, 2, 3, 4), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 1, 0x20010db8, 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 2, IP(1, 2, 3, 4), 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 2, 0x20010db8, 1, 0)), 2);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 3, IP(1, 2, 3, 4), 0)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 3, 0x20010db8, 1, 0)), 3);
	/* same bits, other family */
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 4, 0x20010db8, 1, 0)), 4);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 4, 0x20010db8, 0)), 5);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 4, 0x20010db9, 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 4, 0x20010db9, 0)), 0);
	/* IPv6 except */
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 128, 0x20010db8, 0xff, 0)), 6);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 128, 0x20010db8, 0x100, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 128, 0x20010db8, 0x1ff, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 128, 0x20010db8, 0x200, 0)), 6);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 5, 0x20010db8, 0x100, 0)), 8);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 5, 0x20010db8, 0x101, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP, 8, IP(1, 2, 3, 4), 0)), 7);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 8, 0x30000000, 0, 0)), 0);
	/* an unknown family is denied */
	{
		struct cfw_tuple t = t4(TCP, 3, IP(1, 2, 3, 4), 0);

		t.family = 0;
		KUNIT_EXPECT_EQ(test, id_of(p, OUT, t), 0);
	}
	cfw_policy_free(p);
}

static void cfw_test_peer_component(struct kunit *test)
{
	const struct cfw_rule_spec r[] = {
		r_comp(3, 42, l4(TCP, 5432, 5432)),
		r_comp(4, 0xffffffff, l4_all(0)),
		r_comp(6, 42, l4(UDP, 53, 53)),
	};
	struct cfw_policy *p = compile_dir(test, OUT, r, ARRAY_SIZE(r));
	u32 a = IP(10, 0, 0, 1);

	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 5432, a, 42)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 5432, 0x20010db8, 1, 42)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(UDP, 53, a, 42)), 6);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 5433, a, 42)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 5432, a, 43)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 5432, a, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP, 3, a, 0xffffffff)), 4);
	cfw_policy_free(p);
}

/*
 * ICMP over IPv6 and ICMPv6 over IPv4, which conntrack tracks with their
 * types: only protocol "any" takes them, whatever the peer (a peer
 * component's map, one for both families, once took them as its family's).
 */
static void cfw_test_icmp_family(struct kunit *test)
{
	const struct cfw_l4match expo[] = { l4(ICMP6, 128, 128), l4(ICMP, 8, 8) };
	const struct cfw_rule_spec in[] = { r_any(1, l4_all(ICMP6)) };
	const struct cfw_rule_spec out[] = {
		r_comp(2, 42, l4(ICMP, 8, 8)),
		r_comp(3, 42, l4(ICMP6, 128, 128)),
		r_any(4, l4_all(ICMP)),
		r_comp(7, 42, l4_all(0)),
	};
	struct cfw_policy_spec s = {
		.exposure = expo, .n_exposure = ARRAY_SIZE(expo),
		.rules = { in, out },
		.n_rules = { ARRAY_SIZE(in), ARRAY_SIZE(out) },
	};
	struct cfw_policy *p = cfw_policy_compile(&s, NULL);
	struct cfw_tuple t;
	u32 a = IP(10, 0, 0, 1);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP, 8, a, 42)), 2);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP6, 128, 0x20010db8, 1, 42)), 3);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(ICMP6, 128, a, 42)), 7);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP, 8, 0x20010db8, 1, 42)), 7);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(ICMP, 8, 0x20010db8, 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, IN, t6(ICMP6, 128, 0x20010db8, 1, 0)), 1);
	t = t4(ICMP6, 128, a, 0);
	KUNIT_EXPECT_TRUE(test, cfw_classify(p, IN, &t).by_exposure);
	t = t6(ICMP, 8, 0x20010db8, 1, 0);
	KUNIT_EXPECT_TRUE(test, cfw_classify(p, IN, &t).by_exposure);
	cfw_policy_free(p);
}

static void cfw_test_exposure(struct kunit *test)
{
	const struct cfw_l4match expo[] = {
		l4(TCP, 80, 81),
		l4(ICMP, 8, 8),		/* answers ping */
		l4_all(UDP),
	};
	const struct cfw_rule_spec in[] = {
		r_any(1, l4_all(TCP)),
		r_any(2, l4(ICMP, 0, 255)),
		r_cidr(3, v4(IP(10, 0, 0, 0), 8), l4(UDP, 53, 53)),
	};
	const struct cfw_rule_spec out[] = { r_any(1000, l4_all(0)) };
	struct cfw_policy_spec s = {
		.exposure = expo, .n_exposure = ARRAY_SIZE(expo),
		.rules = { in, out },
		.n_rules = { ARRAY_SIZE(in), ARRAY_SIZE(out) },
	};
	struct cfw_policy *p = cfw_policy_compile(&s, NULL);
	struct cfw_tuple t;
	struct cfw_verdict v;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, id_of(p, IN, t4(TCP, 80, IP(1, 1, 1, 1), 0)), 1);
	KUNIT_EXPECT_EQ(test, id_of(p, IN, t4(TCP, 81, IP(1, 1, 1, 1), 0)), 1);
	/* an ingress rule allows, exposure does not: exposure wins */
	t = t4(TCP, 82, IP(1, 1, 1, 1), 0);
	v = cfw_classify(p, IN, &t);
	KUNIT_EXPECT_FALSE(test, v.allow);
	KUNIT_EXPECT_TRUE(test, v.by_exposure);
	KUNIT_EXPECT_EQ(test, v.rule_id, 0);
	t = t4(TCP, 79, IP(1, 1, 1, 1), 0);
	KUNIT_EXPECT_TRUE(test, cfw_classify(p, IN, &t).by_exposure);
	/* exposure allows, no rule does: plain default deny */
	t = t4(UDP, 54, IP(10, 1, 1, 1), 0);
	v = cfw_classify(p, IN, &t);
	KUNIT_EXPECT_FALSE(test, v.allow);
	KUNIT_EXPECT_FALSE(test, v.by_exposure);
	KUNIT_EXPECT_EQ(test, id_of(p, IN, t4(UDP, 53, IP(10, 1, 1, 1), 0)), 3);
	/* ICMP: exposure matched on the type */
	KUNIT_EXPECT_EQ(test, id_of(p, IN, t4(ICMP, 8, IP(1, 1, 1, 1), 0)), 2);
	t = t4(ICMP, 13, IP(1, 1, 1, 1), 0);
	KUNIT_EXPECT_TRUE(test, cfw_classify(p, IN, &t).by_exposure);
	t = t6(ICMP6, 128, 0x20010db8, 1, 0);
	KUNIT_EXPECT_TRUE(test, cfw_classify(p, IN, &t).by_exposure);
	/* egress ignores exposure */
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 82, IP(1, 1, 1, 1), 0)), 1000);
	t = t4(TCP, 82, IP(1, 1, 1, 1), 0);
	KUNIT_EXPECT_FALSE(test, cfw_classify(p, OUT, &t).by_exposure);
	cfw_policy_free(p);
}

/*
 * Random policies checked against a naive model of the semantics: small
 * address and port universes so that prefixes nest, excepts hit and port
 * ranges overlap.
 */
struct cfw_rnd {
	u32 s;
};

static u32 rnd(struct cfw_rnd *r, u32 n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 17;
	r->s ^= r->s << 5;
	return r->s % n;
}

static bool ref_in_cidr(const struct cfw_cidr *c, const struct cfw_tuple *t)
{
	unsigned int i, len = c->prefix_len;

	if (c->family != t->family)
		return false;
	if (c->family == AF_INET) {
		u32 m = len ? ~0U << (32 - len) : 0;

		return !((be32_to_cpu(c->addr.ip) ^ be32_to_cpu(t->peer.ip)) & m);
	}
	for (i = 0; i < 4; i++, len = len > 32 ? len - 32 : 0) {
		u32 m = len >= 32 ? ~0U : len ? ~0U << (32 - len) : 0;

		if ((be32_to_cpu(c->addr.ip6.s6_addr32[i]) ^
		     be32_to_cpu(t->peer.ip6.s6_addr32[i])) & m)
			return false;
	}
	return true;
}

static bool ref_l4(const struct cfw_l4match *m, const struct cfw_tuple *t)
{
	if (m->l4proto && m->l4proto != t->l4proto)
		return false;
	return m->kind == CFW_L4_ALL || (t->port >= m->lo && t->port <= m->hi);
}

static bool ref_match(const struct cfw_rule_spec *r, const struct cfw_tuple *t)
{
	u32 i;

	if (!ref_l4(&r->l4, t))
		return false;
	if (r->peer_kind == CFW_PEER_ANY)
		return true;
	if (r->peer_kind == CFW_PEER_COMPONENT)
		return t->peer_component == r->peer_component;
	if (!ref_in_cidr(&r->cidr, t))
		return false;
	for (i = 0; i < r->n_except; i++)
		if (ref_in_cidr(&r->except[i], t))
			return false;
	return true;
}

static const u16 rnd_ports[] = { 0, 1, 79, 80, 81, 443, 1000, 1001, 65534, 65535 };
static const u8 rnd_protos[] = { 0, TCP, TCP, UDP, IPPROTO_SCTP, IPPROTO_GRE, ICMP };
static const u8 rnd_lens[] = { 0, 8, 12, 16, 20, 23, 24, 25, 30, 32 };

static struct cfw_cidr rnd_cidr(struct cfw_rnd *r, u8 family, u8 min_len,
				const struct cfw_cidr *in)
{
	u8 len = rnd_lens[rnd(r, ARRAY_SIZE(rnd_lens))];
	u32 a = IP(10, rnd(r, 2), rnd(r, 4) << 6, rnd(r, 4) * 63);
	struct cfw_cidr c;

	if (len < min_len)
		len = min_len + rnd(r, 33 - min_len);
	if (in)	/* same top bits as the enclosing CIDR */
		a = be32_to_cpu(in->addr.ip) | (a & ~(~0U << (32 - in->prefix_len)));
	if (family == AF_INET) {
		c = v4(len ? a & ~0U << (32 - len) : 0, len);
	} else {
		/* the same shapes, shifted into 2001:db8::/96 + 32 bits */
		c = v6(0x20010db8, 0, 0, len ? a & ~0U << (32 - len) : 0, 96 + len);
		if (!len && !rnd(r, 2))
			c = v6(0, 0, 0, 0, 0);
	}
	return c;
}

static void cfw_test_random_vs_model(struct kunit *test)
{
	enum { NR = 200, NEX = 4, NT = 20000 };
	struct cfw_rnd rs = { .s = 2463534242U };
	struct cfw_l4match expo[3];
	struct cfw_policy_spec s = { .exposure = expo, .n_exposure = 3 };
	struct cfw_rule_spec *r;
	struct cfw_cidr *ex;
	struct cfw_policy *p;
	u32 round, i, j, d;

	r = kcalloc(2 * NR, sizeof(*r), GFP_KERNEL);
	ex = kcalloc(2 * NR * NEX, sizeof(*ex), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, r && ex);
	for (round = 0; round < 8; round++) {
		expo[0] = l4(TCP, 0, 1000);
		expo[1] = l4(UDP, 80, 443);
		expo[2] = round & 1 ? l4_all(0) : l4(ICMP, 8, 8);
		for (i = 0; i < 2 * NR; i++) {
			u8 proto = rnd_protos[rnd(&rs, ARRAY_SIZE(rnd_protos))];
			u8 fam = rnd(&rs, 3) ? AF_INET : AF_INET6;
			u16 lo = rnd_ports[rnd(&rs, ARRAY_SIZE(rnd_ports))];
			u16 hi = rnd_ports[rnd(&rs, ARRAY_SIZE(rnd_ports))];
			struct cfw_l4match m = l4(proto, min(lo, hi), max(lo, hi));

			if (proto == ICMP)
				m = l4(ICMP, lo % 10, lo % 10 + rnd(&rs, 3));
			if (m.kind != CFW_L4_ALL && !rnd(&rs, 4))
				m.kind = CFW_L4_ALL;
			/* unique IDs, in no particular order */
			r[i] = r_any(1 + (i * 37) % (2 * NR), m);
			switch (rnd(&rs, 6)) {
			case 0:
				break;
			case 1:
				r[i] = r_comp(r[i].id, 1 + rnd(&rs, 5), m);
				break;
			default:
				if (proto == ICMP)
					fam = AF_INET;
				r[i] = r_cidr(r[i].id, rnd_cidr(&rs, fam, 0, NULL), m);
				if (r[i].cidr.prefix_len >= 120 ||
				    (fam == AF_INET && r[i].cidr.prefix_len >= 24))
					break;
				r[i].except = &ex[i * NEX];
				r[i].n_except = rnd(&rs, NEX + 1);
				for (j = 0; j < r[i].n_except; j++) {
					struct cfw_cidr *e = &ex[i * NEX + j];
					u8 base = fam == AF_INET ? 0 : 96;
					u8 cl = r[i].cidr.prefix_len - base;

					if (fam == AF_INET6 && r[i].cidr.prefix_len < 96) {
						r[i].n_except = j;
						break;
					}
					*e = rnd_cidr(&rs, fam, cl + 1, NULL);
					/* move it inside the rule's CIDR */
					if (fam == AF_INET) {
						u32 in = be32_to_cpu(r[i].cidr.addr.ip);
						u32 a = be32_to_cpu(e->addr.ip);
						u32 m32 = cl ? ~0U << (32 - cl) : 0;

						e->addr.ip = cpu_to_be32((a & ~m32) | in);
					} else {
						const struct cfw_cidr *rc = &r[i].cidr;
						u32 in = be32_to_cpu(rc->addr.ip6.s6_addr32[3]);
						u32 a = be32_to_cpu(e->addr.ip6.s6_addr32[3]);
						u32 m32 = cl ? ~0U << (32 - cl) : 0;

						e->addr.ip6.s6_addr32[3] =
							cpu_to_be32((a & ~m32) | in);
					}
				}
				break;
			}
		}
		s.rules[IN] = r;
		s.rules[OUT] = r + NR;
		s.n_rules[IN] = NR;
		s.n_rules[OUT] = NR;
		p = cfw_policy_compile(&s, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		for (i = 0; i < NT; i++) {
			struct cfw_tuple t;
			struct cfw_verdict v, want = { };
			u8 proto = rnd_protos[1 + rnd(&rs, ARRAY_SIZE(rnd_protos) - 1)];
			u16 port = rnd_ports[rnd(&rs, ARRAY_SIZE(rnd_ports))];
			struct cfw_cidr c = rnd_cidr(&rs, rnd(&rs, 3) ? AF_INET : AF_INET6,
						     32, NULL);

			if (proto == ICMP)
				port = rnd(&rs, 12);
			if (c.family == AF_INET6 && c.prefix_len != 128)
				c = v6(0x20010db8, 0, 0, rnd(&rs, 4), 128);
			if (c.family == AF_INET6 && proto == ICMP)
				proto = ICMP6;
			t.family = c.family;
			t.l4proto = proto;
			t.port = port;
			t.peer = c.addr;
			t.peer_component = rnd(&rs, 7);
			d = rnd(&rs, 2);
			want.rule_id = U32_MAX;
			if (d == IN) {
				want.by_exposure = true;
				for (j = 0; j < s.n_exposure; j++)
					if (ref_l4(&expo[j], &t))
						want.by_exposure = false;
			}
			for (j = 0; j < NR && !want.by_exposure; j++)
				if (ref_match(&s.rules[d][j], &t) &&
				    s.rules[d][j].id < want.rule_id)
					want.rule_id = s.rules[d][j].id;
			if (want.by_exposure || want.rule_id == U32_MAX)
				want.rule_id = 0;
			want.allow = want.rule_id != 0;
			v = cfw_classify(p, d, &t);
			KUNIT_EXPECT_EQ_MSG(test, v.rule_id, want.rule_id,
					    "round %u tuple %u", round, i);
			KUNIT_EXPECT_EQ(test, v.allow, want.allow);
			KUNIT_EXPECT_EQ(test, v.by_exposure, want.by_exposure);
			if (v.rule_id != want.rule_id)
				break;
		}
		cfw_policy_free(p);
	}
	kfree(ex);
	kfree(r);
}

/* ---- compfw_compile ---- */

struct cfw_err_case {
	const char *name;
	struct cfw_rule_spec rule;
	struct cfw_cidr except;
	u32 n_except;
	int rc;
	const char *msg;
	bool in_except;		/* error is about except 0 */
};

static const struct cfw_err_case cfw_err_cases[] = {
	{ "id 0", .rule = { .id = 0 }, .rc = -EINVAL,
	  .msg = "rule ID 0 is reserved" },
	{ "port lo > hi", .rule = { .id = 9, .l4 = { TCP, CFW_L4_PORTS, 81, 80 } },
	  .rc = -EINVAL, .msg = "port range start above its end" },
	{ "ports for icmp", .rule = { .id = 9, .l4 = { ICMP, CFW_L4_PORTS, 8, 8 } },
	  .rc = -EINVAL, .msg = "port range given for ICMP, use an ICMP type" },
	{ "ports for any", .rule = { .id = 9, .l4 = { 0, CFW_L4_PORTS, 8, 8 } },
	  .rc = -EINVAL, .msg = "port range given for a protocol without ports" },
	{ "ports for gre", .rule = { .id = 9, .l4 = { IPPROTO_GRE, CFW_L4_PORTS, 8, 8 } },
	  .rc = -EINVAL, .msg = "port range given for a protocol without ports" },
	{ "icmp type for tcp", .rule = { .id = 9, .l4 = { TCP, CFW_L4_ICMP_TYPE, 8, 8 } },
	  .rc = -EINVAL, .msg = "ICMP type given for a protocol other than ICMP" },
	{ "icmp type 256", .rule = { .id = 9, .l4 = { ICMP, CFW_L4_ICMP_TYPE, 0, 256 } },
	  .rc = -EINVAL, .msg = "ICMP type above 255" },
	{ "icmp type lo > hi", .rule = { .id = 9, .l4 = { ICMP6, CFW_L4_ICMP_TYPE, 9, 8 } },
	  .rc = -EINVAL, .msg = "ICMP type range start above its end" },
	{ "l4 kind", .rule = { .id = 9, .l4 = { TCP, 7, 8, 8 } },
	  .rc = -EINVAL, .msg = "unknown port match kind" },
	{ "peer kind", .rule = { .id = 9, .peer_kind = 3 },
	  .rc = -EINVAL, .msg = "unknown peer kind" },
	{ "component 0", .rule = { .id = 9, .peer_kind = CFW_PEER_COMPONENT },
	  .rc = -EINVAL, .msg = "peer component 0 is reserved" },
	{ "except on any", .rule = { .id = 9 }, .n_except = 1,
	  .except = { .family = AF_INET, .prefix_len = 8 },
	  .rc = -EINVAL, .msg = "except given for a peer that is not a CIDR" },
	{ "family", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = 1 } },
	  .rc = -EINVAL, .msg = "address family is neither IPv4 nor IPv6" },
	{ "v4 /33", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET, .prefix_len = 33 } },
	  .rc = -EINVAL, .msg = "prefix length out of range for the address family" },
	{ "v6 /129", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET6, .prefix_len = 129 } },
	  .rc = -EINVAL, .msg = "prefix length out of range for the address family" },
	{ "icmp to v6", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .l4 = { ICMP }, .cidr = { .family = AF_INET6 } },
	  .rc = -EINVAL, .msg = "ICMP version does not match the peer's address family" },
	{ "icmpv6 to v4", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .l4 = { ICMP6 }, .cidr = { .family = AF_INET } },
	  .rc = -EINVAL, .msg = "ICMP version does not match the peer's address family" },
	{ "too many excepts", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET } }, .n_except = CFW_MAX_EXCEPT + 1,
	  .rc = -E2BIG, .msg = "too many excepts in one rule" },
	{ "except family", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET } }, .n_except = 1,
	  .except = { .family = AF_INET6, .prefix_len = 8 },
	  .rc = -EINVAL, .msg = "except and CIDR differ in address family",
	  .in_except = true },
	{ "except /33", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET } }, .n_except = 1,
	  .except = { .family = AF_INET, .prefix_len = 33 },
	  .rc = -EINVAL, .msg = "prefix length out of range for the address family",
	  .in_except = true },
	{ "except equal", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET, .prefix_len = 8 } }, .n_except = 1,
	  .except = { .family = AF_INET, .prefix_len = 8 },
	  .rc = -EINVAL, .msg = "except is not strictly inside its CIDR",
	  .in_except = true },
	{ "except wider", .rule = { .id = 9, .peer_kind = CFW_PEER_CIDR,
	  .cidr = { .family = AF_INET, .prefix_len = 8 } }, .n_except = 1,
	  .except = { .family = AF_INET, .prefix_len = 4 },
	  .rc = -EINVAL, .msg = "except is not strictly inside its CIDR",
	  .in_except = true },
};

static void cfw_test_errors(struct kunit *test)
{
	struct cfw_rule_spec r[2];
	struct cfw_policy_spec s = { .rules = { NULL, r }, .n_rules = { 0, 2 } };
	struct cfw_cidr *ex = kcalloc(CFW_MAX_EXCEPT + 1, sizeof(*ex), GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_TRUE(test, ex);
	for (i = 0; i < ARRAY_SIZE(cfw_err_cases); i++) {
		const struct cfw_err_case *c = &cfw_err_cases[i];
		struct cfw_compile_err err;
		struct cfw_policy *p;

		r[0] = r_any(1000, l4_all(0));
		r[1] = c->rule;
		for (j = 0; j <= CFW_MAX_EXCEPT; j++)
			ex[j] = c->except;
		r[1].except = ex;
		r[1].n_except = c->n_except;
		p = cfw_policy_compile(&s, &err);
		KUNIT_EXPECT_TRUE(test, IS_ERR(p));
		if (!IS_ERR(p)) {
			cfw_policy_free(p);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(p), c->rc, "%s", c->name);
		KUNIT_EXPECT_STREQ(test, err.msg, c->msg);
		KUNIT_EXPECT_EQ(test, err.section, CFW_ERR_EGRESS);
		KUNIT_EXPECT_EQ(test, err.index, 1);
		KUNIT_EXPECT_EQ_MSG(test, err.except_index, c->in_except ? 0 : -1,
				    "%s", c->name);
	}
	kfree(ex);
}

static void expect_err(struct kunit *test, const struct cfw_policy_spec *s,
		       int rc, const char *msg, enum cfw_err_section sec,
		       int index, int except_index)
{
	struct cfw_compile_err err;
	struct cfw_policy *p = cfw_policy_compile(s, &err);

	KUNIT_EXPECT_TRUE(test, IS_ERR(p));
	if (!IS_ERR(p)) {
		cfw_policy_free(p);
		return;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(p), rc);
	KUNIT_EXPECT_STREQ(test, err.msg, msg);
	KUNIT_EXPECT_EQ(test, err.section, sec);
	KUNIT_EXPECT_EQ(test, err.index, index);
	KUNIT_EXPECT_EQ(test, err.except_index, except_index);
}

static void cfw_test_cidr_errors(struct kunit *test)
{
	struct cfw_cidr ex[2] = { v4(IP(10, 1, 0, 0), 16), v4(IP(11, 1, 0, 0), 16) };
	struct cfw_rule_spec r[2] = {
		r_any(1, l4_all(0)),
		r_cidr(2, v4(IP(10, 0, 0, 1), 8), l4_all(0)),
	};
	struct cfw_policy_spec s = { .rules = { r }, .n_rules = { 2 } };
	struct cfw_policy *p;

	expect_err(test, &s, -EINVAL, "host bits set in CIDR", CFW_ERR_INGRESS, 1, -1);
	r[1].cidr = v6(0x20010db8, 0, 0, 1, 64);
	expect_err(test, &s, -EINVAL, "host bits set in CIDR", CFW_ERR_INGRESS, 1, -1);
	r[1].cidr = v4(IP(10, 0, 0, 0), 8);
	r[1].except = ex;
	r[1].n_except = 2;
	expect_err(test, &s, -EINVAL, "except is not strictly inside its CIDR",
		   CFW_ERR_INGRESS, 1, 1);
	ex[1] = v4(IP(10, 2, 0, 1), 16);
	expect_err(test, &s, -EINVAL, "host bits set in CIDR", CFW_ERR_INGRESS, 1, 1);
	r[1].except = NULL;
	expect_err(test, &s, -EINVAL, "except list missing", CFW_ERR_INGRESS, 1, -1);
	ex[1] = v4(IP(10, 2, 0, 0), 16);
	r[1].except = ex;
	p = cfw_policy_compile(&s, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	cfw_policy_free(p);
}

static void cfw_test_policy_errors(struct kunit *test)
{
	struct cfw_l4match expo[2] = { l4(TCP, 80, 80), l4(UDP, 9, 8) };
	struct cfw_rule_spec in[3] = {
		r_any(1, l4_all(0)), r_any(2, l4_all(0)), r_any(3, l4_all(0)),
	};
	struct cfw_rule_spec out[2] = { r_any(4, l4_all(0)), r_any(2, l4_all(0)) };
	struct cfw_policy_spec s = {
		.exposure = expo, .n_exposure = 2,
		.rules = { in, out }, .n_rules = { 3, 2 },
	};
	struct cfw_policy *p;

	expect_err(test, &s, -EINVAL, "port range start above its end",
		   CFW_ERR_EXPOSURE, 1, -1);
	expo[1] = l4(UDP, 8, 9);
	/* IDs are unique across both directions */
	expect_err(test, &s, -EINVAL, "duplicate rule ID", CFW_ERR_EGRESS, 1, -1);
	in[2].id = 2;
	expect_err(test, &s, -EINVAL, "duplicate rule ID", CFW_ERR_INGRESS, 2, -1);
	in[2].id = 3;
	out[1].id = 5;
	/* max_rules counts ingress + egress */
	s.max_rules = 5;
	p = cfw_policy_compile(&s, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	cfw_policy_free(p);
	s.max_rules = 4;
	expect_err(test, &s, -E2BIG, "too many rules in the component",
		   CFW_ERR_EGRESS, 1, -1);
	s.max_rules = 2;
	expect_err(test, &s, -E2BIG, "too many rules in the component",
		   CFW_ERR_INGRESS, 2, -1);
	s.max_rules = 1;
	expect_err(test, &s, -E2BIG, "too many exposure entries",
		   CFW_ERR_EXPOSURE, 1, -1);
	s.max_rules = 0;
	s.exposure = NULL;
	expect_err(test, &s, -EINVAL, "exposure list missing", CFW_ERR_EXPOSURE, -1, -1);
	s.exposure = expo;
	s.rules[OUT] = NULL;
	expect_err(test, &s, -EINVAL, "rule list missing", CFW_ERR_EGRESS, -1, -1);
}

static void cfw_test_limits(struct kunit *test)
{
	struct cfw_cidr *ex = kcalloc(CFW_MAX_EXCEPT, sizeof(*ex), GFP_KERNEL);
	struct cfw_rule_spec r = r_cidr(U32_MAX, v6(0, 0, 0, 0, 0), l4_all(0));
	struct cfw_policy *p;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, ex);
	/* the most excepts, each a /128: 64 * 128 prefixes */
	for (i = 0; i < CFW_MAX_EXCEPT; i++)
		ex[i] = v6(0x20010db8, 0, 0, i * 3, 128);
	r.except = ex;
	r.n_except = CFW_MAX_EXCEPT;
	p = compile_dir(test, OUT, &r, 1);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 1, 0x20010db8, 3, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 1, 0x20010db8, 4, 0)), U32_MAX);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 1, 0x20010db8, 189, 0)), 0);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 1, 0x20010db8, 190, 0)), U32_MAX);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t6(TCP, 1, 0xfe800000, 0, 0)), U32_MAX);
	cfw_policy_free(p);
	kfree(ex);
}

/*
 * The common small policy, a few hosts on one port each, stays small: what
 * a host with thousands of components pays per component. Ten such rules
 * fit kmalloc-512 on 64-bit (483 bytes: the header, one LPM table with
 * one-byte slots, 2 segments a rule); at 513 they would take 1 KiB.
 */
static void cfw_test_policy_bytes(struct kunit *test)
{
	struct cfw_rule_spec r[10];
	struct cfw_policy *p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r); i++)
		r[i] = r_cidr(i + 1, v4(IP(100, 64, 0, i), 32), l4(TCP, 1000 + i, 1000 + i));
	p = compile_dir(test, OUT, r, ARRAY_SIZE(r));
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 1009, IP(100, 64, 0, 9), 0)), 10);
	KUNIT_EXPECT_EQ(test, id_of(p, OUT, t4(TCP, 1009, IP(100, 64, 0, 8), 0)), 0);
	KUNIT_EXPECT_LE(test, cfw_policy_bytes(p), 512);
	cfw_policy_free(p);
}

static struct kunit_case cfw_classify_cases[] = {
	KUNIT_CASE(cfw_test_default_deny),
	KUNIT_CASE(cfw_test_lowest_id_wins),
	KUNIT_CASE(cfw_test_port_edges),
	KUNIT_CASE(cfw_test_protocols),
	KUNIT_CASE(cfw_test_cidr_longest_prefix),
	KUNIT_CASE(cfw_test_except),
	KUNIT_CASE(cfw_test_families),
	KUNIT_CASE(cfw_test_peer_component),
	KUNIT_CASE(cfw_test_exposure),
	KUNIT_CASE(cfw_test_icmp_family),
	KUNIT_CASE(cfw_test_random_vs_model),
	{}
};

static struct kunit_case cfw_compile_cases[] = {
	KUNIT_CASE(cfw_test_errors),
	KUNIT_CASE(cfw_test_cidr_errors),
	KUNIT_CASE(cfw_test_policy_errors),
	KUNIT_CASE(cfw_test_limits),
	KUNIT_CASE(cfw_test_policy_bytes),
	{}
};

static struct kunit_suite cfw_classify_suite = {
	.name = "compfw_classify",
	.test_cases = cfw_classify_cases,
};

static struct kunit_suite cfw_compile_suite = {
	.name = "compfw_compile",
	.test_cases = cfw_compile_cases,
};

kunit_test_suites(&cfw_classify_suite, &cfw_compile_suite);
