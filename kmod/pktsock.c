// SPDX-License-Identifier: GPL-2.0
/*
 * Frames from packet sockets.
 *
 * A process holding CAP_NET_RAW can write whole frames to a device with an
 * AF_PACKET socket. They never pass netfilter's IP hooks: a managed
 * component's own frames would leave the host unjudged, and a frame written
 * to lo would reach a local socket through LOCAL_IN, which trusts loopback
 * traffic to have been judged at LOCAL_OUT (hooks.c).
 *
 * Every such frame goes through the device's netdev egress hook: from
 * dev_queue_xmit(), or, with PACKET_QDISC_BYPASS, from af_packet's own call
 * of the egress hooks before dev_direct_xmit(). skb->sk is the packet socket
 * there, so the frame is judged as LOCAL_OUT judges a first packet: the
 * sender is the socket's component, or the owner of the source address; the
 * receiver is, on loopback, the local socket the frame is for, else the
 * owner of the destination address.
 *
 * Why here and not at LOCAL_IN: a packet that came through LOCAL_OUT on
 * loopback carries a conntrack entry confirmed at POST_ROUTING, and one
 * written to lo does not; but TCP followed by its socket (sockflow.c) has no
 * conntrack entry either way, and neither does a packet conntrack finds
 * invalid. Only the egress hook tells a packet socket's frame apart in both
 * modes, and it covers frames leaving by a real device as well.
 *
 * Every frame of every device passes the hook: all it costs a frame that is
 * not from a packet socket is a look at skb->sk.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "account.h"
#include "component.h"
#include "flow.h"
#include "manifest.h"
#include "netns.h"
#include "pktsock.h"
#include "report.h"

struct pktsock_hook {
	struct list_head list;
	struct nf_hook_ops ops;
	struct rcu_head rcu;
};

/* What a frame is to compfw. */
enum frame_kind {
	FRAME_IPV4 = NFPROTO_IPV4,
	FRAME_IPV6 = NFPROTO_IPV6,
	FRAME_OTHER,		/* not IP: no flow a manifest can name */
	FRAME_UNREADABLE,	/* IP, or perhaps IP, that compfw cannot read */
};

/* Up to two VLAN tags (802.1ad and 802.1Q): a switch forwards them. */
#define FRAME_MAX_TAGS	2

static enum frame_kind ether_kind(const struct sk_buff *skb, int *off)
{
	__be16 buf, *type;
	int tags;

	*off = offsetof(struct ethhdr, h_proto);
	for (tags = 0; tags <= FRAME_MAX_TAGS; tags++) {
		type = skb_header_pointer(skb, *off, sizeof(buf), &buf);
		if (!type)
			return FRAME_OTHER;	/* a runt: no device takes it */
		*off += sizeof(*type);
		if (*type == htons(ETH_P_IP))
			return FRAME_IPV4;
		if (*type == htons(ETH_P_IPV6))
			return FRAME_IPV6;
		if (!eth_type_vlan(*type))
			return FRAME_OTHER;
		*off += sizeof(__be16);		/* the tag's TCI */
	}
	return FRAME_UNREADABLE;
}

/* Where the IP header is in a frame, and which IP it is. */
static enum frame_kind frame_kind(const struct sk_buff *skb,
				  const struct net_device *dev, int *off)
{
	u8 buf, *ver;

	if ((dev->type == ARPHRD_ETHER || dev->type == ARPHRD_LOOPBACK) &&
	    dev->hard_header_len == ETH_HLEN)
		return ether_kind(skb, off);
	/* No link header (tun, WireGuard, IP tunnels): the frame is IP. */
	if (!dev->header_ops && !dev->hard_header_len) {
		*off = 0;
		ver = skb_header_pointer(skb, 0, sizeof(buf), &buf);
		if (ver && *ver >> 4 == 4)
			return FRAME_IPV4;
		if (ver && *ver >> 4 == 6)
			return FRAME_IPV6;
		return FRAME_OTHER;
	}
	return FRAME_UNREADABLE;
}

static enum frame_kind frame_flow(struct sk_buff *skb,
				  const struct net_device *dev,
				  struct compfw_flow *f)
{
	enum frame_kind kind;
	int off, saved, len, ret;

	kind = frame_kind(skb, dev, &off);
	if (kind != FRAME_IPV4 && kind != FRAME_IPV6)
		return kind;
	/* compfw_flow_from_skb() reads the fixed header in place. */
	len = kind == FRAME_IPV4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	if (!pskb_may_pull(skb, off + len))
		return FRAME_UNREADABLE;
	if (kind == FRAME_IPV4) {
		const struct iphdr *iph = (const struct iphdr *)(skb->data + off);

		if (iph->version != 4 || iph->ihl < 5)
			return FRAME_UNREADABLE;
	} else if (((const struct ipv6hdr *)(skb->data + off))->version != 6) {
		return FRAME_UNREADABLE;
	}
	/* The frame is ours until it is sent: borrow its network header. */
	saved = skb_network_offset(skb);
	skb_set_network_header(skb, off);
	ret = compfw_flow_from_skb(skb, kind, f);
	skb_set_network_header(skb, saved);
	if (ret == -EOPNOTSUPP)		/* IPv6 link control: the network's */
		return FRAME_OTHER;
	return ret ? FRAME_UNREADABLE : kind;
}

/*
 * An IP frame compfw cannot read (a fragment without ports, a truncated
 * header, an unknown link) could still be reassembled and delivered by its
 * receiver: a managed sender may not send it, nor may anyone on loopback,
 * where it would reach a local socket unjudged.
 */
static unsigned int unreadable(struct compfw_component *comp, bool loopback,
			       const struct sk_buff *skb)
{
	const struct compfw_manifest *m = comp ? rcu_dereference(comp->manifest) : NULL;
	int outcome;

	if (!m)
		return loopback ? NF_DROP : NF_ACCEPT;
	outcome = m->mode == COMPFW_MODE_AUDIT ? COMPFW_AUDIT : COMPFW_DROP;
	compfw_component_count(comp, outcome, skb->len, ktime_get_boottime_ns());
	return outcome == COMPFW_DROP ? NF_DROP : NF_ACCEPT;
}

static unsigned int judge_frame(struct compfw_net *cnet, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct compfw_pkt pkt = { .skb = skb, .state = state };
	struct net_device *dev = state->out;
	bool loopback = dev->flags & IFF_LOOPBACK;
	struct compfw_ends ends;
	struct compfw_flow f;

	ends.src = compfw_sock_owner(cnet, skb->sk);
	switch (frame_flow(skb, dev, &f)) {
	case FRAME_IPV4:
	case FRAME_IPV6:
		break;
	case FRAME_OTHER:
		return NF_ACCEPT;
	default:
		return unreadable(ends.src, loopback, skb);
	}
	if (!ends.src)
		ends.src = compfw_addr_owner(cnet, &f, false);
	if (loopback)
		ends.dst = compfw_receiver(cnet, &f, dev->ifindex);
	else
		ends.dst = compfw_addr_owner(cnet, &f, true);
	if (!ends.src && !ends.dst)
		return NF_ACCEPT;
	return compfw_flow_allowed(&f, &ends, &pkt) ? NF_ACCEPT : NF_DROP;
}

static unsigned int compfw_pktsock_egress(void *priv, struct sk_buff *skb,
					  const struct nf_hook_state *state)
{
	const struct sock *sk = skb->sk;

	/* sk_family is common to full, request and time-wait sockets. */
	if (likely(!sk || sk->sk_family != AF_PACKET))
		return NF_ACCEPT;
	return judge_frame(priv, skb, state);
}

static int hook_dev(struct compfw_net *cnet, struct net_device *dev)
{
	struct pktsock_hook *h;
	int ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	compfw_account_alloc(h, sizeof(*h));
	h->ops.hook = compfw_pktsock_egress;
	h->ops.pf = NFPROTO_NETDEV;
	h->ops.hooknum = NF_NETDEV_EGRESS;
	h->ops.priority = 0;
	h->ops.priv = cnet;
	/* No reference: the hook goes at NETDEV_UNREGISTER, before the device. */
	h->ops.dev = dev;
	ret = nf_register_net_hook(cnet->net, &h->ops);
	if (ret) {
		compfw_account_free(h, sizeof(*h));
		kfree(h);
		return ret;
	}
	list_add(&h->list, &cnet->pktsock.hooks);
	return 0;
}

static void unhook(struct compfw_net *cnet, struct pktsock_hook *h)
{
	nf_unregister_net_hook(cnet->net, &h->ops);
	list_del(&h->list);
	compfw_account_free(h, sizeof(*h));
	kfree_rcu(h, rcu);
}

static int compfw_pktsock_event(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct compfw_net *cnet = container_of(nb, struct compfw_net, pktsock.nb);
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct pktsock_hook *h, *tmp;

	ASSERT_RTNL();
	switch (event) {
	case NETDEV_REGISTER:
		/* A device compfw cannot watch is not let in. */
		return notifier_from_errno(hook_dev(cnet, dev));
	case NETDEV_UNREGISTER:
		/* Also when the device moves to another namespace. */
		list_for_each_entry_safe(h, tmp, &cnet->pktsock.hooks, list)
			if (h->ops.dev == dev)
				unhook(cnet, h);
		break;
	}
	return NOTIFY_DONE;
}

/**
 * compfw_pktsock_register - watch frames from packet sockets on every
 *	device of @cnet's namespace, present and to come
 * @cnet: the namespace, with its lock held
 *
 * Return: 0, or an error if a device could not be watched.
 */
int compfw_pktsock_register(struct compfw_net *cnet)
{
	lockdep_assert_held(&cnet->lock);
	INIT_LIST_HEAD(&cnet->pktsock.hooks);
	cnet->pktsock.nb.notifier_call = compfw_pktsock_event;
	/* Tells of every device already there as NETDEV_REGISTER, under RTNL. */
	return register_netdevice_notifier_net(cnet->net, &cnet->pktsock.nb);
}

void compfw_pktsock_unregister(struct compfw_net *cnet)
{
	struct pktsock_hook *h, *tmp;

	/* Tells of every device as NETDEV_UNREGISTER, which unhooks it. */
	unregister_netdevice_notifier_net(cnet->net, &cnet->pktsock.nb);
	rtnl_lock();
	list_for_each_entry_safe(h, tmp, &cnet->pktsock.hooks, list)
		unhook(cnet, h);
	rtnl_unlock();
}
