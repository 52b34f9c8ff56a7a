// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks. A namespace gets them, and conntrack, with its first
 * component, and loses them with its last, so that a namespace without
 * components pays nothing.
 *
 * A flow's first packet is classified; conntrack lets the rest of an
 * allowed flow, its replies and its related ICMP errors through, or, for
 * TCP to and from local sockets where asked, the socket does (sockflow.c).
 * UDP at a local socket is the exception: every datagram is judged (see
 * judge_of()). Traffic
 * between two local sockets is decided once, at LOCAL_OUT, where both ends
 * are known: the sender from skb->sk, the receiver by a socket lookup.
 * Frames from packet sockets pass none of these hooks: pktsock.c judges
 * them at each device's egress.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "component.h"
#include "flow.h"
#include "hooks.h"
#include "mcast.h"
#include "netns.h"
#include "pktsock.h"
#include "report.h"
#include "sockflow.h"

#define COMPFW_HOOK_PRIORITY	(NF_IP_PRI_FILTER + 1)

/* Which packets are judged, and how they are counted. */
enum compfw_judge {
	COMPFW_JUDGE_NONE,	/* a later packet of a flow judged already */
	COMPFW_JUDGE_FIRST,	/* a flow's first packet */
	COMPFW_JUDGE_LATER,	/* a later datagram, in the flow's direction */
	COMPFW_JUDGE_REPLY,	/* a later datagram, the other way */
};

/*
 * Conntrack follows UDP by addresses and ports, and those outlive the
 * socket whose first datagram was judged: a socket that takes the same
 * port while the entry lives (30 s, 120 s once answered), perhaps another
 * component's, would send and receive on an entry made for another. So a
 * datagram that a local socket sends or takes is judged each time, as the
 * flow it belongs to, between the ends it has now. Only a drop of such a
 * datagram is counted and reported: the flow was at its first packet.
 *
 * Without conntrack (invalid, untracked) every packet is a first packet.
 */
static enum compfw_judge judge_of(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	u8 proto;

	if (!ct || ctinfo == IP_CT_NEW)
		return COMPFW_JUDGE_FIRST;
	proto = nf_ct_protonum(ct);
	if (proto != IPPROTO_UDP && proto != IPPROTO_UDPLITE)
		return COMPFW_JUDGE_NONE;
	if (ctinfo == IP_CT_ESTABLISHED)
		return COMPFW_JUDGE_LATER;
	if (ctinfo == IP_CT_ESTABLISHED_REPLY)
		return COMPFW_JUDGE_REPLY;
	return COMPFW_JUDGE_NONE;	/* a related ICMP error */
}

/*
 * A reply is judged as its flow: from the end it is going to, to the end
 * it comes from, with the flow's first packet's ports.
 */
static void as_flow(const struct sk_buff *skb, struct compfw_flow *f,
		    struct compfw_ends *ends)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	compfw_flow_from_tuple(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       nf_ct_l3num(ct), f);
	swap(ends->src, ends->dst);
}

static unsigned int verdict(struct compfw_flow *f, struct compfw_ends *ends,
			    enum compfw_judge judge, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct compfw_pkt pkt = { .skb = skb, .state = state,
				  .later = judge != COMPFW_JUDGE_FIRST };

	if (!ends->src && !ends->dst)
		return NF_ACCEPT;
	if (judge == COMPFW_JUDGE_REPLY)
		as_flow(skb, f, ends);
	return compfw_flow_allowed(f, ends, &pkt) ? NF_ACCEPT : NF_DROP;
}

static unsigned int compfw_local_out(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	enum compfw_judge judge = judge_of(skb);
	struct compfw_net *cnet = priv;
	struct compfw_ends ends;
	struct compfw_flow f;

	if (judge == COMPFW_JUDGE_NONE ||
	    compfw_flow_from_skb(skb, state->pf, &f) ||
	    compfw_sockflow_passes(cnet, skb, &f, state))
		return NF_ACCEPT;
	ends.src = compfw_sock_owner(cnet, skb->sk) ?:
		   compfw_addr_owner(cnet, &f, false);
	if (state->out->flags & IFF_LOOPBACK)
		ends.dst = compfw_receiver(cnet, &f, state->out->ifindex);
	else
		ends.dst = compfw_addr_owner(cnet, &f, true);
	return verdict(&f, &ends, judge, skb, state);
}

static unsigned int compfw_local_in(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	enum compfw_judge judge = judge_of(skb);
	struct compfw_net *cnet = priv;
	struct compfw_ends ends;
	struct compfw_flow f;

	/* From a local socket: already decided for both ends at LOCAL_OUT. */
	if (state->in->flags & IFF_LOOPBACK)
		return NF_ACCEPT;
	if (judge == COMPFW_JUDGE_NONE ||
	    compfw_flow_from_skb(skb, state->pf, &f) ||
	    compfw_sockflow_passes(cnet, skb, &f, state))
		return NF_ACCEPT;
	ends.src = compfw_addr_owner(cnet, &f, false);
	if (compfw_mcast_dest(skb, &f))
		return compfw_mcast_verdict(cnet, &f, ends.src, judge != COMPFW_JUDGE_FIRST,
					    skb, state);
	ends.dst = compfw_receiver(cnet, &f, state->in->ifindex);
	return verdict(&f, &ends, judge, skb, state);
}

static unsigned int compfw_forward(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct compfw_net *cnet = priv;
	struct compfw_ends ends;
	struct compfw_flow f;

	/* Forwarded: no socket, so addresses are the ends, as at its start. */
	if (judge_of(skb) != COMPFW_JUDGE_FIRST ||
	    compfw_flow_from_skb(skb, state->pf, &f))
		return NF_ACCEPT;
	ends.src = compfw_addr_owner(cnet, &f, false);
	ends.dst = compfw_addr_owner(cnet, &f, true);
	return verdict(&f, &ends, COMPFW_JUDGE_FIRST, skb, state);
}

static const struct nf_hook_ops compfw_hook_ops[] = {
	{ .hook = compfw_local_out, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = COMPFW_HOOK_PRIORITY },
	{ .hook = compfw_local_in, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_IN, .priority = COMPFW_HOOK_PRIORITY },
	{ .hook = compfw_forward, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_FORWARD, .priority = COMPFW_HOOK_PRIORITY },
	{ .hook = compfw_local_out, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = COMPFW_HOOK_PRIORITY },
	{ .hook = compfw_local_in, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_IN, .priority = COMPFW_HOOK_PRIORITY },
	{ .hook = compfw_forward, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_FORWARD, .priority = COMPFW_HOOK_PRIORITY },
};

int compfw_hooks_register(struct compfw_net *cnet)
{
	int ret, i;

	lockdep_assert_held(&cnet->lock);
	if (cnet->hooks_on)
		return 0;
	ret = nf_ct_netns_get(cnet->net, NFPROTO_INET);
	if (ret)
		return ret;
	/* Netfilter keeps pointers to the ops until they are unregistered. */
	BUILD_BUG_ON(ARRAY_SIZE(compfw_hook_ops) != COMPFW_NUM_HOOKS);
	memcpy(cnet->hook_ops, compfw_hook_ops, sizeof(cnet->hook_ops));
	for (i = 0; i < COMPFW_NUM_HOOKS; i++)
		cnet->hook_ops[i].priv = cnet;
	ret = nf_register_net_hooks(cnet->net, cnet->hook_ops, COMPFW_NUM_HOOKS);
	if (ret)
		goto err_put;
	ret = compfw_sockflow_register(cnet);
	if (ret)
		goto err_unregister;
	ret = compfw_pktsock_register(cnet);
	if (ret)
		goto err_sockflow;
	cnet->hooks_on = true;
	return 0;

err_sockflow:
	compfw_sockflow_unregister(cnet);
err_unregister:
	nf_unregister_net_hooks(cnet->net, cnet->hook_ops, COMPFW_NUM_HOOKS);
err_put:
	nf_ct_netns_put(cnet->net, NFPROTO_INET);
	return ret;
}

void compfw_hooks_unregister(struct compfw_net *cnet)
{
	if (!cnet->hooks_on)
		return;
	compfw_pktsock_unregister(cnet);
	compfw_sockflow_unregister(cnet);
	nf_unregister_net_hooks(cnet->net, cnet->hook_ops, COMPFW_NUM_HOOKS);
	nf_ct_netns_put(cnet->net, NFPROTO_INET);
	cnet->hooks_on = false;
}
