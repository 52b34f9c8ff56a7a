// SPDX-License-Identifier: GPL-2.0
/*
 * TCP followed by its socket instead of by conntrack.
 *
 * A TCP connection that begins or ends at a local socket already has its
 * state in the kernel: the socket. Only a SYN opens a connection, and the
 * stack keeps a socket for a later segment only if that SYN got through.
 * So compfw can judge the SYN and let every other segment of a connection
 * the stack knows pass, without a conntrack entry: no allocation, no hash
 * insertion and no TCP state machine per connection.
 *
 * Conntrack is shared by everything in a namespace, and an untracked flow
 * escapes NAT and "ct state" rules. Only an administrator knows that
 * nothing else relies on conntrack there, so this is asked for with the
 * tcp_by_socket parameter; a namespace takes the value it has when its
 * first component is defined, and keeps it while it has components.
 *
 * A policy change cannot remove such a flow's conntrack entry: it aborts
 * the socket instead (recheck.c).
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/tcp.h>
#include <net/addrconf.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/sock.h>

#include "flow.h"
#include "netns.h"
#include "sockflow.h"

bool compfw_tcp_by_socket;
module_param_named(tcp_by_socket, compfw_tcp_by_socket, bool, 0644);
MODULE_PARM_DESC(tcp_by_socket,
		 "Follow TCP to and from local sockets by the socket, not conntrack, in namespaces that get their first component from now on");

/*
 * A TCP packet with no IPv6 extension header and not an IPv4 fragment:
 * the kind the stack sends from a socket. Anything else stays tracked.
 */
static bool is_plain_tcp(const struct sk_buff *skb, u8 pf)
{
	if (pf == NFPROTO_IPV4)
		return ip_hdr(skb)->protocol == IPPROTO_TCP &&
		       !ip_is_fragment(ip_hdr(skb));
	return ipv6_hdr(skb)->nexthdr == IPPROTO_TCP;
}

/*
 * A socket of the stack's TCP: a connection's own socket (full, request or
 * time-wait), or the kernel's control socket that sends resets and
 * time-wait ACKs. A raw socket a process opened is not one.
 */
static bool is_stack_tcp_sock(const struct sock *sk)
{
	if (!sk)
		return false;
	if (!sk_fullsock(sk))
		return true;
	return sk->sk_protocol == IPPROTO_TCP &&
	       (sk->sk_type == SOCK_STREAM || sk->sk_kern_sock);
}

static bool is_to_local_address(struct net *net, const struct sk_buff *skb,
				u8 pf)
{
	if (pf == NFPROTO_IPV4)
		return __ip_dev_find(net, ip_hdr(skb)->daddr, false);
	return ipv6_chk_addr(net, &ipv6_hdr(skb)->daddr, NULL, 0);
}

/* LOCAL_OUT, just before conntrack: a segment a local TCP socket sends. */
static unsigned int compfw_untrack_out(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	if (!skb_nfct(skb) && is_plain_tcp(skb, state->pf) &&
	    is_stack_tcp_sock(skb->sk))
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	return NF_ACCEPT;
}

/*
 * PRE_ROUTING, just before conntrack: a segment to a local address. Which
 * socket will take it is not known yet (early demux comes later), nor
 * needed: a segment for no connection is judged as a first packet.
 */
static unsigned int compfw_untrack_in(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	if (!skb_nfct(skb) && skb->pkt_type == PACKET_HOST &&
	    is_plain_tcp(skb, state->pf) &&
	    is_to_local_address(state->net, skb, state->pf))
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	return NF_ACCEPT;
}

/* After the raw table, so that an administrator's notrack or CT rule wins. */
#define COMPFW_UNTRACK_PRIORITY	(NF_IP_PRI_CONNTRACK - 1)

static const struct nf_hook_ops compfw_untrack_ops[] = {
	{ .hook = compfw_untrack_out, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = COMPFW_UNTRACK_PRIORITY },
	{ .hook = compfw_untrack_in, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = COMPFW_UNTRACK_PRIORITY },
	{ .hook = compfw_untrack_out, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = COMPFW_UNTRACK_PRIORITY },
	{ .hook = compfw_untrack_in, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = COMPFW_UNTRACK_PRIORITY },
};

int compfw_sockflow_register(struct compfw_net *cnet)
{
	int ret;

	lockdep_assert_held(&cnet->lock);
	WRITE_ONCE(cnet->tcp_by_socket, READ_ONCE(compfw_tcp_by_socket));
	if (!cnet->tcp_by_socket)
		return 0;
	BUILD_BUG_ON(ARRAY_SIZE(compfw_untrack_ops) != COMPFW_NUM_UNTRACK_HOOKS);
	memcpy(cnet->untrack_ops, compfw_untrack_ops, sizeof(cnet->untrack_ops));
	ret = nf_register_net_hooks(cnet->net, cnet->untrack_ops,
				    COMPFW_NUM_UNTRACK_HOOKS);
	if (ret)
		WRITE_ONCE(cnet->tcp_by_socket, false);
	return ret;
}

void compfw_sockflow_unregister(struct compfw_net *cnet)
{
	if (!cnet->tcp_by_socket)
		return;
	nf_unregister_net_hooks(cnet->net, cnet->untrack_ops,
				COMPFW_NUM_UNTRACK_HOOKS);
	WRITE_ONCE(cnet->tcp_by_socket, false);
}

/* Is there a connection, not a listener, at the local end of @f? */
static bool stack_has_connection(struct compfw_net *cnet,
				 const struct sk_buff *skb,
				 const struct compfw_flow *f, int dif)
{
	struct sock *sk = skb->sk;
	bool found;

	/* Early demux found it, as it does for every segment but a SYN. */
	if (sk)
		return is_stack_tcp_sock(sk) &&
		       !(sk_fullsock(sk) && sk->sk_state == TCP_LISTEN);
	/* Early demux is off (net.ipv4.tcp_early_demux=0): look it up. */
	sk = compfw_local_sock(cnet->net, f, true, dif);
	if (!sk)
		return false;
	found = !(sk_fullsock(sk) && sk->sk_state == TCP_LISTEN);
	sock_gen_put(sk);
	return found;
}

/**
 * compfw_sockflow_passes - is @skb a later segment of a connection the
 *	stack has, in a namespace that follows TCP by its socket?
 * @cnet: the namespace
 * @skb: a packet that conntrack did not see
 * @f: @skb as a flow
 * @state: the hook, LOCAL_OUT or LOCAL_IN
 *
 * Such a segment passes: its connection was judged by its SYN, and is
 * aborted if a later policy denies it. A SYN, and a segment the stack has
 * no connection for, are judged as a flow's first packet.
 */
bool compfw_sockflow_passes(struct compfw_net *cnet, const struct sk_buff *skb,
			    const struct compfw_flow *f,
			    const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;

	if (!READ_ONCE(cnet->tcp_by_socket) || f->l4proto != IPPROTO_TCP ||
	    compfw_flow_opens_tcp(f))
		return false;
	if (nf_ct_get(skb, &ctinfo) || ctinfo != IP_CT_UNTRACKED)
		return false;
	if (state->hook == NF_INET_LOCAL_OUT)
		return is_stack_tcp_sock(skb->sk);
	return stack_has_connection(cnet, skb, f, state->in->ifindex);
}
