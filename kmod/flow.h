/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_FLOW_H
#define _COMPFW_FLOW_H

#include <linux/in.h>
#include <linux/types.h>
#include <net/tcp.h>

#include "classify.h"

struct nf_conntrack_tuple;
struct sk_buff;
struct compfw_component;
struct compfw_manifest;
struct compfw_net;
struct compfw_pkt;

/**
 * struct compfw_flow - the first packet of a flow, as the policy sees it
 * @family: AF_INET or AF_INET6
 * @l4proto: IPPROTO_*
 * @icmp_type: for ICMP and ICMPv6
 * @tcp_flags: for TCP, the header's flag byte (TCPHDR_*)
 * @sport: source port, network order, for TCP, UDP and SCTP
 * @dport: destination port, network order
 * @saddr: source address
 * @daddr: destination address
 * @unparsed: nothing past the addresses could be read (see
 *	compfw_flow_from_skb()): every manifest denies it
 */
struct compfw_flow {
	u8 family;
	u8 l4proto;
	u8 icmp_type;
	u8 tcp_flags;
	__be16 sport;
	__be16 dport;
	union cfw_addr saddr;
	union cfw_addr daddr;
	bool unparsed;
};

/* The port a policy sees: the server's, or the ICMP type. */
static inline u16 compfw_flow_port(const struct compfw_flow *f)
{
	if (cfw_is_icmp(f->l4proto))
		return f->icmp_type;
	return ntohs(f->dport);
}

/* A SYN without ACK: the one segment that opens a TCP connection. */
static inline bool compfw_flow_opens_tcp(const struct compfw_flow *f)
{
	return f->l4proto == IPPROTO_TCP &&
	       (f->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN;
}

/* The two ends of a flow, each a component or NULL. */
struct compfw_ends {
	struct compfw_component *src;
	struct compfw_component *dst;
};

int compfw_flow_from_skb(const struct sk_buff *skb, u8 pf, struct compfw_flow *f);
void compfw_flow_from_tuple(const struct nf_conntrack_tuple *t, u8 family,
			    struct compfw_flow *f);

struct sock *compfw_local_sock(struct net *net, const struct compfw_flow *f,
			       bool at_dst, int dif);
struct compfw_component *compfw_sock_owner(struct compfw_net *cnet,
					   struct sock *sk);
struct compfw_component *compfw_receiver(struct compfw_net *cnet,
					 const struct compfw_flow *f, int dif);
struct compfw_component *compfw_sender(struct compfw_net *cnet,
				       const struct compfw_flow *f);
struct compfw_component *compfw_addr_owner(struct compfw_net *cnet,
					   const struct compfw_flow *f, bool dst);

struct cfw_verdict compfw_flow_judge(const struct compfw_manifest *m,
				     enum cfw_dir dir, const struct compfw_flow *f,
				     const struct compfw_component *peer);
bool compfw_flow_allowed(const struct compfw_flow *f,
			 const struct compfw_ends *ends, const struct compfw_pkt *pkt);
bool compfw_flow_ingress_allowed(struct compfw_component *dst,
				 const struct compfw_flow *f,
				 const struct compfw_component *src,
				 const struct compfw_pkt *pkt);

#endif /* _COMPFW_FLOW_H */
