// SPDX-License-Identifier: GPL-2.0
/*
 * Flows: what the first packet of a flow is, whose it is at each end, and
 * whether both ends' manifests let it through. Identity comes from the
 * socket's cgroup where a socket can be found (TCP and UDP, as nft_socket
 * finds them), else from the addresses components declare they own.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/timekeeping.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include <net/sock.h>
#include <net/udp.h>
#include <linux/cgroup.h>

#include "addrmap.h"
#include "compat.h"
#include "component.h"
#include "flow.h"
#include "manifest.h"
#include "netns.h"
#include "report.h"

/*
 * TCP, UDP and SCTP all start with the two ports; ICMP with its type. TCP's
 * flags, 13 bytes in, tell a SYN from the rest.
 */
static int read_l4(const struct sk_buff *skb, int thoff, struct compfw_flow *f)
{
	__be16 buf[7];
	const __be16 *ports;
	const u8 *type;
	int len = f->l4proto == IPPROTO_TCP ? 14 : 4;

	if (cfw_has_ports(f->l4proto)) {
		ports = skb_header_pointer(skb, thoff, len, buf);
		if (!ports)
			return -EINVAL;
		f->sport = ports[0];
		f->dport = ports[1];
		if (f->l4proto == IPPROTO_TCP)
			f->tcp_flags = ((const u8 *)ports)[13];
	} else if (cfw_is_icmp(f->l4proto)) {
		type = skb_header_pointer(skb, thoff, sizeof(u8), buf);
		if (!type)
			return -EINVAL;
		f->icmp_type = *type;
	}
	return 0;
}

/*
 * Neighbour discovery, router discovery and MLD are IPv6's ARP, and IGMP is
 * IPv4's MLD: conntrack does not track them, so every packet would be
 * judged as a new flow, and a component owning an address would lose its
 * neighbours and its multicast groups. They are the network's, not a
 * component's: let them be, in both families alike.
 */
static bool is_link_control(const struct compfw_flow *f)
{
	if (f->family == AF_INET)
		return f->l4proto == IPPROTO_IGMP;
	if (f->l4proto != IPPROTO_ICMPV6)
		return false;
	switch (f->icmp_type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case NDISC_REDIRECT:
	case ICMPV6_MLD2_REPORT:
		return true;
	}
	return false;
}

/**
 * compfw_flow_from_skb - the flow a packet belongs to, as the policy sees it
 * @skb: the packet, at a netfilter hook
 * @pf: NFPROTO_IPV4 or NFPROTO_IPV6
 * @f: filled in
 *
 * A packet whose addresses can be read but not what follows (an L4 header
 * cut short, an IPv6 header chain that cannot be walked, a fragment after
 * the first) gets @f->unparsed: its ends can still be found, and a managed
 * end must not let through what its rules cannot be asked about.
 *
 * Return: 0 for a packet to judge, -EOPNOTSUPP for one compfw leaves alone.
 */
int compfw_flow_from_skb(const struct sk_buff *skb, u8 pf, struct compfw_flow *f)
{
	unsigned short fragoff = 0;
	int thoff = 0, proto;

	memset(f, 0, sizeof(*f));
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		f->family = AF_INET;
		f->l4proto = iph->protocol;
		f->saddr.ip = iph->saddr;
		f->daddr.ip = iph->daddr;
		/*
		 * Conntrack reassembles first, but not for a socket that
		 * asked it not to (IP_NODEFRAG): a later fragment has no ports.
		 */
		if (ntohs(iph->frag_off) & IP_OFFSET)
			goto unparsed;
		thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	} else {
		f->family = AF_INET6;
		f->l4proto = ipv6_hdr(skb)->nexthdr;
		f->saddr.ip6 = ipv6_hdr(skb)->saddr;
		f->daddr.ip6 = ipv6_hdr(skb)->daddr;
		proto = ipv6_find_hdr(skb, &thoff, -1, &fragoff, NULL);
		if (proto < 0)
			goto unparsed;
		f->l4proto = proto;
		if (fragoff)
			goto unparsed;
	}
	if (read_l4(skb, thoff, f))
		goto unparsed;
	if (is_link_control(f))
		return -EOPNOTSUPP;
	return 0;

unparsed:
	f->unparsed = true;
	return 0;
}

void compfw_flow_from_tuple(const struct nf_conntrack_tuple *t, u8 family,
			    struct compfw_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = family;
	f->l4proto = t->dst.protonum;
	memcpy(&f->saddr, &t->src.u3, sizeof(f->saddr));
	memcpy(&f->daddr, &t->dst.u3, sizeof(f->daddr));
	if (cfw_has_ports(f->l4proto)) {
		f->sport = t->src.u.all;
		f->dport = t->dst.u.all;
	} else if (cfw_is_icmp(f->l4proto)) {
		f->icmp_type = t->dst.u.icmp.type;
	}
}

struct compfw_component *compfw_sock_owner(struct compfw_net *cnet,
					   struct sock *sk)
{
	sk = sk ? sk_to_full_sk(sk) : NULL;
	if (!sk || !sk_fullsock(sk) || !net_eq(sock_net(sk), cnet->net))
		return NULL;
	return compfw_component_of_cgroup(cnet, sock_cgroup_ptr(&sk->sk_cgrp_data));
}

/*
 * The local socket at @f's destination (@at_dst) or source that talks to
 * the other end: a connected or listening one for TCP, a connected or bound
 * one for UDP. Takes a reference, as inet_lookup() and udp*_lib_lookup() do.
 */
struct sock *compfw_local_sock(struct net *net, const struct compfw_flow *f,
			       bool at_dst, int dif)
{
	const union cfw_addr *local = at_dst ? &f->daddr : &f->saddr;
	const union cfw_addr *remote = at_dst ? &f->saddr : &f->daddr;
	__be16 lport = at_dst ? f->dport : f->sport;
	__be16 rport = at_dst ? f->sport : f->dport;

	if (f->l4proto == IPPROTO_TCP && f->family == AF_INET)
		return compfw_inet_lookup(net, remote->ip, rport, local->ip, lport, dif);
	if (f->l4proto == IPPROTO_UDP && f->family == AF_INET)
		return udp4_lib_lookup(net, remote->ip, rport, local->ip, lport, dif);
#if IS_ENABLED(CONFIG_IPV6)
	if (f->l4proto == IPPROTO_TCP)
		return compfw_inet6_lookup(net, &remote->ip6, rport, &local->ip6,
					   lport, dif);
	if (f->l4proto == IPPROTO_UDP)
		return udp6_lib_lookup(net, &remote->ip6, rport, &local->ip6,
				       lport, dif);
#endif
	return NULL;
}

struct compfw_component *compfw_addr_owner(struct compfw_net *cnet,
					   const struct compfw_flow *f, bool dst)
{
	return compfw_addrmap_lookup(cnet, f->family, dst ? &f->daddr : &f->saddr);
}

static struct compfw_component *end_owner(struct compfw_net *cnet,
					  const struct compfw_flow *f,
					  bool at_dst, int dif)
{
	struct compfw_component *comp = NULL;
	struct sock *sk = compfw_local_sock(cnet->net, f, at_dst, dif);

	if (sk) {
		comp = compfw_sock_owner(cnet, sk);
		sock_gen_put(sk);
	}
	return comp ?: compfw_addr_owner(cnet, f, at_dst);
}

/* Whose is the local socket that will receive @f? */
struct compfw_component *compfw_receiver(struct compfw_net *cnet,
					 const struct compfw_flow *f, int dif)
{
	return end_owner(cnet, f, true, dif);
}

/* Whose is the local socket that sent @f? Used when no skb carries it. */
struct compfw_component *compfw_sender(struct compfw_net *cnet,
				       const struct compfw_flow *f)
{
	return end_owner(cnet, f, false, 0);
}

static void tuple_for(const struct compfw_flow *f, enum cfw_dir dir,
		      const struct compfw_component *peer, struct cfw_tuple *t)
{
	t->family = f->family;
	t->l4proto = f->l4proto;
	t->port = compfw_flow_port(f);
	t->peer = dir == CFW_DIR_EGRESS ? f->daddr : f->saddr;
	t->peer_component = peer ? peer->id : 0;
}

/* The decision moves the counters users read, then is reported. */
static void count_and_report(const struct compfw_decision *d,
			     const struct compfw_pkt *pkt)
{
	unsigned int len = pkt->skb->len;
	u64 now = ktime_get_boottime_ns();

	compfw_component_count(d->comp, d->outcome, len, now);
	if (d->verdict.rule_id)
		compfw_manifest_count_rule(d->m, d->dir, d->verdict.rule_id, len, now);
	compfw_report_decision(d, pkt);
}

/**
 * compfw_flow_judge - what a manifest says of a flow, at one end
 * @m: the manifest
 * @dir: the end: CFW_DIR_INGRESS at the receiver, CFW_DIR_EGRESS at the sender
 * @f: the flow
 * @peer: the component at the other end, or NULL
 *
 * The packet path and the what-if query both ask this, and only this.
 */
struct cfw_verdict compfw_flow_judge(const struct compfw_manifest *m,
				     enum cfw_dir dir, const struct compfw_flow *f,
				     const struct compfw_component *peer)
{
	struct cfw_tuple t;

	tuple_for(f, dir, peer, &t);
	return cfw_classify(READ_ONCE(m->policy), dir, &t);
}

static bool end_allows(struct compfw_component *comp, enum cfw_dir dir,
		       const struct compfw_flow *f,
		       const struct compfw_component *peer,
		       const struct compfw_pkt *pkt)
{
	struct compfw_decision d = { .comp = comp, .dir = dir, .f = f, .peer = peer };

	d.m = comp ? rcu_dereference(comp->manifest) : NULL;
	if (!d.m)
		return true;
	/* No rule can be asked about what could not be read: default deny. */
	if (!f->unparsed)
		d.verdict = compfw_flow_judge(d.m, dir, f, peer);
	if (d.verdict.allow)
		d.outcome = COMPFW_ACCEPT;
	else
		d.outcome = d.m->mode == COMPFW_MODE_AUDIT ? COMPFW_AUDIT : COMPFW_DROP;
	if (pkt && (!pkt->later || d.outcome == COMPFW_DROP))
		count_and_report(&d, pkt);
	return d.outcome != COMPFW_DROP;
}

/**
 * compfw_flow_allowed - may @f pass between its two ends?
 * @f: the flow
 * @ends: its source and destination components, NULL where unmanaged
 * @pkt: the packet, to count and report the decisions; NULL to only ask
 *
 * The sender's egress and the receiver's ingress must both allow it. Under
 * RCU; no lock, no allocation.
 */
bool compfw_flow_allowed(const struct compfw_flow *f,
			 const struct compfw_ends *ends, const struct compfw_pkt *pkt)
{
	bool out = end_allows(ends->src, CFW_DIR_EGRESS, f, ends->dst, pkt);
	bool in = end_allows(ends->dst, CFW_DIR_INGRESS, f, ends->src, pkt);

	return out && in;
}

/**
 * compfw_flow_ingress_allowed - may @f reach @dst, one of its receivers?
 * @dst: the receiving component, or NULL
 * @f: the flow
 * @src: the component that sent it, or NULL
 * @pkt: the packet, to count and report the decision
 *
 * For a flow with several receivers, each asked on its own. Under RCU.
 */
bool compfw_flow_ingress_allowed(struct compfw_component *dst,
				 const struct compfw_flow *f,
				 const struct compfw_component *src,
				 const struct compfw_pkt *pkt)
{
	return end_allows(dst, CFW_DIR_INGRESS, f, src, pkt);
}
