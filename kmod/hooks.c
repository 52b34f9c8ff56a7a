// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks. A namespace gets them, and conntrack, with its first
 * component, and loses them with its last, so that a namespace without
 * components pays nothing.
 *
 * Only a flow's first packet is classified; conntrack lets the rest of an
 * allowed flow, its replies and its related ICMP errors through, or, for
 * TCP to and from local sockets where asked, the socket does (sockflow.c). Traffic
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

static bool first_packet(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;

	/* No conntrack (invalid, untracked): judge every packet. */
	return !nf_ct_get(skb, &ctinfo) || ctinfo == IP_CT_NEW;
}

static unsigned int verdict(const struct compfw_flow *f,
			    const struct compfw_ends *ends, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct compfw_pkt pkt = { .skb = skb, .state = state };

	if (!ends->src && !ends->dst)
		return NF_ACCEPT;
	return compfw_flow_allowed(f, ends, &pkt) ? NF_ACCEPT : NF_DROP;
}

static unsigned int compfw_local_out(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct compfw_net *cnet = priv;
	struct compfw_ends ends;
	struct compfw_flow f;

	if (!first_packet(skb) || compfw_flow_from_skb(skb, state->pf, &f) ||
	    compfw_sockflow_passes(cnet, skb, &f, state))
		return NF_ACCEPT;
	ends.src = compfw_sock_owner(cnet, skb->sk) ?:
		   compfw_addr_owner(cnet, &f, false);
	if (state->out->flags & IFF_LOOPBACK)
		ends.dst = compfw_receiver(cnet, &f, state->out->ifindex);
	else
		ends.dst = compfw_addr_owner(cnet, &f, true);
	return verdict(&f, &ends, skb, state);
}

static unsigned int compfw_local_in(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct compfw_net *cnet = priv;
	struct compfw_ends ends;
	struct compfw_flow f;

	/* From a local socket: already decided for both ends at LOCAL_OUT. */
	if (state->in->flags & IFF_LOOPBACK)
		return NF_ACCEPT;
	if (!first_packet(skb) || compfw_flow_from_skb(skb, state->pf, &f) ||
	    compfw_sockflow_passes(cnet, skb, &f, state))
		return NF_ACCEPT;
	ends.src = compfw_addr_owner(cnet, &f, false);
	if (compfw_mcast_dest(skb, &f))
		return compfw_mcast_verdict(cnet, &f, ends.src, skb, state);
	ends.dst = compfw_receiver(cnet, &f, state->in->ifindex);
	return verdict(&f, &ends, skb, state);
}

static unsigned int compfw_forward(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct compfw_net *cnet = priv;
	struct compfw_ends ends;
	struct compfw_flow f;

	if (!first_packet(skb) || compfw_flow_from_skb(skb, state->pf, &f))
		return NF_ACCEPT;
	ends.src = compfw_addr_owner(cnet, &f, false);
	ends.dst = compfw_addr_owner(cnet, &f, true);
	return verdict(&f, &ends, skb, state);
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
