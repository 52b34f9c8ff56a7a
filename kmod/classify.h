/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compfw classifier: the per-component allow-list compiled into immutable
 * lookup tables, and the lock-free lookup the packet path runs on them.
 *
 * Plain C: builds in the kernel and, through the header shim in
 * tests/bench/include/, in userspace for benchmarks and fuzzing.
 *
 * Semantics (per component, per direction):
 *
 * - Default deny. A packet passes if any allow rule of its direction
 *   matches; the verdict names the matching rule with the lowest ID, or rule
 *   0 when nothing matched.
 * - Ingress additionally needs the exposure profile to cover the packet;
 *   exposure is checked first and, when it does not cover the packet, the
 *   verdict is deny, rule 0, by_exposure, whatever the rules say.
 * - The match key is (l4proto, port). The port is always the server port of
 *   the new flow: the destination port on egress, the local (destination)
 *   port on ingress. For ICMP and ICMPv6 the ICMP type takes the place of the
 *   port, in rules and in the exposure profile alike: a component answers
 *   echo requests only if its exposure lists ICMP type 8 (ICMPv6 type 128),
 *   a range holding it, or ICMP with no type. ICMP errors are conntrack
 *   RELATED and never reach the classifier. ICMP is IPv4's and ICMPv6
 *   IPv6's: an exposure entry or rule for one never takes a packet of the
 *   other family (ICMP over IPv6, ICMPv6 over IPv4), whatever its peer;
 *   only protocol "any" does.
 * - Protocol 0 ("any") matches every protocol and takes no ports. TCP, UDP
 *   and SCTP take an optional port range, ICMP and ICMPv6 an optional type
 *   range; any other protocol number matches on the protocol alone.
 * - A peer is any address (both families), a component ID (the caller
 *   resolves the packet's peer component, 0 when unknown), or an IPv4/IPv6
 *   CIDR minus a list of more specific "except" CIDRs that apply to that rule
 *   only. An IPv4 CIDR never matches IPv6 and the reverse.
 */
#ifndef _COMPFW_CLASSIFY_H
#define _COMPFW_CLASSIFY_H

#include <linux/types.h>
#include <linux/in.h>
#include <linux/in6.h>

/* Upper bounds enforced by the compiler, whatever the caller asks for. */
#define CFW_MAX_RULES		1000000
#define CFW_MAX_EXCEPT		64

enum cfw_dir {
	CFW_DIR_INGRESS,
	CFW_DIR_EGRESS,
	CFW_DIR_MAX,
};

enum cfw_peer_kind {
	CFW_PEER_ANY,
	CFW_PEER_COMPONENT,
	CFW_PEER_CIDR,
};

/* What the l4match's lo..hi mean. */
enum cfw_l4_kind {
	CFW_L4_ALL,		/* every port / ICMP type; lo, hi ignored */
	CFW_L4_PORTS,		/* TCP, UDP, SCTP: server port range */
	CFW_L4_ICMP_TYPE,	/* ICMP, ICMPv6: type range, hi <= 255 */
};

union cfw_addr {
	__be32 ip;
	struct in6_addr ip6;
};

struct cfw_cidr {
	union cfw_addr addr;	/* network byte order, host bits clear */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 prefix_len;
};

/* Protocol and port (or ICMP type) range: one exposure entry, or part of a rule. */
struct cfw_l4match {
	u8 l4proto;		/* IPPROTO_*, 0 = any */
	u8 kind;		/* enum cfw_l4_kind */
	u16 lo;
	u16 hi;			/* inclusive */
};

/*
 * A rule has one kind of peer, so its component and its CIDR share storage:
 * read only the one peer_kind names. Ordered so that nothing is padded (40
 * bytes on 64-bit, was 56): a manifest keeps every rule. n_except fits a
 * u8 because it is at most CFW_MAX_EXCEPT, which callers must enforce
 * before they count past 255 (the compiler checks it again).
 */
struct cfw_rule_spec {
	u32 id;			/* unique in the component, 0 reserved */
	u8 peer_kind;		/* enum cfw_peer_kind */
	u8 n_except;
	struct cfw_l4match l4;
	union {
		u32 peer_component;	/* CFW_PEER_COMPONENT: non-zero */
		struct cfw_cidr cidr;	/* CFW_PEER_CIDR */
	};
	const struct cfw_cidr *except;	/* CFW_PEER_CIDR: carved out */
};

struct cfw_policy_spec {
	const struct cfw_l4match *exposure;
	u32 n_exposure;
	const struct cfw_rule_spec *rules[CFW_DIR_MAX];
	u32 n_rules[CFW_DIR_MAX];
	/* most ingress + egress rules (and exposure entries) accepted */
	u32 max_rules;
};

/* Where a compile error is; index is -1 when it is not about one entry. */
enum cfw_err_section {
	CFW_ERR_POLICY,
	CFW_ERR_EXPOSURE,
	CFW_ERR_INGRESS,
	CFW_ERR_EGRESS,
};

struct cfw_compile_err {
	const char *msg;
	enum cfw_err_section section;
	int index;
	int except_index;	/* -1 unless the error is in an except */
};

/* The packet as the hook sees it. */
struct cfw_tuple {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 l4proto;		/* IPPROTO_* */
	u16 port;		/* host order: server port, or ICMP type */
	union cfw_addr peer;	/* remote address, network byte order */
	u32 peer_component;	/* 0 if unknown */
};

struct cfw_verdict {
	u32 rule_id;		/* deciding rule, 0 = default deny */
	bool allow;
	bool by_exposure;	/* denied because exposure does not cover it */
};

struct cfw_policy;

/* Protocols whose flows have ports, and the two ICMPs, which have types. */
static inline bool cfw_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

static inline bool cfw_is_icmp(u8 proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

struct cfw_policy *cfw_policy_compile(const struct cfw_policy_spec *spec,
				      struct cfw_compile_err *err);
void cfw_policy_free(struct cfw_policy *p);
const char *cfw_cidr_problem(const struct cfw_cidr *c);
size_t cfw_policy_bytes(const struct cfw_policy *p);

struct cfw_verdict cfw_classify(const struct cfw_policy *p, enum cfw_dir dir,
				const struct cfw_tuple *t);

#endif /* _COMPFW_CLASSIFY_H */
