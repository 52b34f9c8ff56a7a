// SPDX-License-Identifier: GPL-2.0
/*
 * Who receives a UDP datagram sent to a multicast or broadcast address.
 *
 * The unicast socket lookup finds no socket for such a destination: the
 * stack gives a copy to every socket bound to the port that would take it
 * (__udp4_lib_mcast_deliver() and its IPv6 twin). Netfilter sees the
 * datagram once, before it is copied, so it reaches all its local
 * receivers or none: it is dropped when any managed receiver's manifest
 * denies it, even for the unmanaged sockets that share its group and port.
 *
 * The receivers are found as the stack finds them, in the UDP hash slot of
 * the port, under RCU (UDP sockets are freed after a grace period), with
 * no lock and no reference taken. The group membership and source filters
 * of each socket are not checked (the stack's helpers for them are not
 * exported): a socket bound to the port counts as a receiver, as it is
 * with the default IP_MULTICAST_ALL.
 */

#include <linux/netfilter.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>

#include "compat.h"
#include "component.h"
#include "flow.h"
#include "mcast.h"
#include "netns.h"
#include "report.h"

/* Components already asked about this datagram, so each is counted once. */
#define COMPFW_MCAST_SEEN	16

/* Is @f, at LOCAL_IN, a UDP datagram for every socket on its port? */
bool compfw_mcast_dest(const struct sk_buff *skb, const struct compfw_flow *f)
{
	const struct rtable *rt;

	if (f->l4proto != IPPROTO_UDP || f->unparsed)
		return false;
	if (f->family == AF_INET6)
		return ipv6_addr_is_multicast(&f->daddr.ip6);
	rt = skb_rtable(skb);
	return rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST));
}

/* As __udp_is_mcast_sock(), but for the group and source filters. */
static bool receives4(struct net *net, struct sock *sk,
		      const struct compfw_flow *f, int dif, int sdif)
{
	const struct inet_sock *inet = inet_sk(sk);

	return net_eq(sock_net(sk), net) &&
	       udp_sk(sk)->udp_port_hash == ntohs(f->dport) &&
	       (!inet->inet_daddr || inet->inet_daddr == f->saddr.ip) &&
	       (!inet->inet_dport || inet->inet_dport == f->sport) &&
	       (!inet->inet_rcv_saddr || inet->inet_rcv_saddr == f->daddr.ip) &&
	       !ipv6_only_sock(sk) &&
	       udp_sk_bound_dev_eq(net, READ_ONCE(sk->sk_bound_dev_if), dif, sdif);
}

/* As __udp_v6_is_mcast_sock(), but for the group and source filters. */
static bool receives6(struct net *net, struct sock *sk,
		      const struct compfw_flow *f, int dif, int sdif)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct inet_sock *inet = inet_sk(sk);

	return net_eq(sock_net(sk), net) &&
	       udp_sk(sk)->udp_port_hash == ntohs(f->dport) &&
	       sk->sk_family == PF_INET6 &&
	       (!inet->inet_dport || inet->inet_dport == f->sport) &&
	       (ipv6_addr_any(&sk->sk_v6_daddr) ||
		ipv6_addr_equal(&sk->sk_v6_daddr, &f->saddr.ip6)) &&
	       udp_sk_bound_dev_eq(net, READ_ONCE(sk->sk_bound_dev_if), dif, sdif) &&
	       (ipv6_addr_any(&sk->sk_v6_rcv_saddr) ||
		ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &f->daddr.ip6));
#else
	return false;
#endif
}

static bool seen_before(struct compfw_component **seen, int n,
			const struct compfw_component *comp)
{
	int i;

	for (i = 0; i < n; i++)
		if (seen[i] == comp)
			return true;
	return false;
}

/**
 * compfw_mcast_verdict - judge a multicast or broadcast datagram at LOCAL_IN
 * @cnet: the namespace
 * @f: the datagram, for which compfw_mcast_dest() holds
 * @src: the component that sent it, or NULL
 * @later: not the first datagram its conntrack entry has seen
 * @skb: the datagram
 * @state: the hook
 *
 * The sender's egress, then the ingress of each managed component with a
 * socket that would receive it; each decision is counted and reported
 * (of a later datagram, each drop). Who receives can change from one
 * datagram to the next, so each is judged.
 *
 * Return: NF_DROP if any of them denies it, else NF_ACCEPT.
 */
unsigned int compfw_mcast_verdict(struct compfw_net *cnet,
				  const struct compfw_flow *f,
				  struct compfw_component *src, bool later,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct compfw_component *seen[COMPFW_MCAST_SEEN], *comp;
	struct compfw_pkt pkt = { .skb = skb, .state = state, .later = later };
	struct compfw_ends ends = { .src = src };
	struct net *net = cnet->net;
	struct udp_hslot *hslot;
	bool v6 = f->family == AF_INET6;
	int dif, sdif, n = 0;
	bool allowed = true;
	struct sock *sk;

	if (src && !compfw_flow_allowed(f, &ends, &pkt))
		return NF_DROP;
	dif = v6 ? inet6_iif(skb) : skb->dev->ifindex;
	sdif = v6 ? inet6_sdif(skb) : inet_sdif(skb);
	hslot = udp_hashslot(compfw_udp_table(net), net, ntohs(f->dport));
	sk_for_each_rcu(sk, &hslot->head) {
		if (v6 ? !receives6(net, sk, f, dif, sdif) :
			 !receives4(net, sk, f, dif, sdif))
			continue;
		comp = compfw_sock_owner(cnet, sk);
		if (!comp || seen_before(seen, n, comp))
			continue;
		if (n < COMPFW_MCAST_SEEN)
			seen[n++] = comp;
		if (!compfw_flow_ingress_allowed(comp, f, src, &pkt))
			allowed = false;
	}
	return allowed ? NF_ACCEPT : NF_DROP;
}
