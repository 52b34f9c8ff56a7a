// SPDX-License-Identifier: GPL-2.0
/*
 * Live flows after a policy change. Conntrack lets an established flow
 * through without asking compfw again, so a change that denies a live flow
 * must remove its entry: the flow's next packet is then a first packet, is
 * classified under the new policy, and is dropped. A TCP flow followed by
 * its socket (sockflow.c) has no entry: its socket is aborted instead, and
 * the peer gets a reset.
 */

#include <linux/ipv6.h>
#include <net/inet_hashtables.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/tcp.h>

#include "flow.h"
#include "flows.h"
#include "netns.h"

/* Ends of a flow are found as for its first packet: socket, else address. */
static bool flow_allowed_now(struct compfw_net *cnet, const struct compfw_flow *f)
{
	struct compfw_ends ends;
	bool allowed;

	rcu_read_lock();
	ends.src = compfw_sender(cnet, f);
	ends.dst = compfw_receiver(cnet, f, 0);
	allowed = (!ends.src && !ends.dst) || compfw_flow_allowed(f, &ends, NULL);
	rcu_read_unlock();
	return allowed;
}

static int compfw_flow_denied(struct nf_conn *ct, void *data)
{
	struct compfw_flow f;

	compfw_flow_from_tuple(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       nf_ct_l3num(ct), &f);
	return !flow_allowed_now(data, &f);
}

/* @sk's connection as a flow, opened by @sk (@outgoing) or by its peer. */
static void sock_flow(const struct sock *sk, bool outgoing, struct compfw_flow *f)
{
	union cfw_addr local = {}, remote = {};
	__be16 lport = htons(sk->sk_num);

	memset(f, 0, sizeof(*f));
	f->l4proto = IPPROTO_TCP;
	f->family = AF_INET;
	local.ip = sk->sk_rcv_saddr;
	remote.ip = sk->sk_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	/* A v4-mapped peer talks IPv4 on the wire; sk_daddr holds it. */
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		f->family = AF_INET6;
		local.ip6 = sk->sk_v6_rcv_saddr;
		remote.ip6 = sk->sk_v6_daddr;
	}
#endif
	f->saddr = outgoing ? local : remote;
	f->daddr = outgoing ? remote : local;
	f->sport = outgoing ? lport : sk->sk_dport;
	f->dport = outgoing ? sk->sk_dport : lport;
}

/*
 * Which end opened an established connection is not kept anywhere once the
 * handshake is over, so such a connection is kept if the new policy would
 * let either end open it. Before then, the state says which end did.
 */
static bool sock_denied(struct compfw_net *cnet, const struct sock *sk)
{
	struct compfw_flow out, in;

	sock_flow(sk, true, &out);
	sock_flow(sk, false, &in);
	switch (inet_sk_state_load(sk)) {
	case TCP_SYN_SENT:
		return !flow_allowed_now(cnet, &out);
	case TCP_NEW_SYN_RECV:
		return !flow_allowed_now(cnet, &in);
	case TCP_TIME_WAIT:
	case TCP_CLOSE:
	case TCP_LISTEN:
		return false;
	default:
		return !flow_allowed_now(cnet, &out) && !flow_allowed_now(cnet, &in);
	}
}

#define RECHECK_BATCH	16

/*
 * Sockets are judged and aborted outside the bucket's lock, since aborting
 * takes the socket's lock and may sleep; a bucket is read in batches.
 */
static void recheck_bucket(struct compfw_net *cnet, struct inet_hashinfo *h,
			   unsigned int i)
{
	struct inet_ehash_bucket *head = &h->ehash[i];
	struct sock *batch[RECHECK_BATCH];
	unsigned int kept = 0, seen, n, j;
	struct hlist_nulls_node *node;
	struct sock *sk;

	do {
		n = 0;
		seen = 0;
		spin_lock_bh(inet_ehash_lockp(h, i));
		sk_nulls_for_each(sk, node, &head->chain) {
			if (!net_eq(sock_net(sk), cnet->net) || seen++ < kept ||
			    !refcount_inc_not_zero(&sk->sk_refcnt))
				continue;
			batch[n++] = sk;
			if (n == RECHECK_BATCH)
				break;
		}
		spin_unlock_bh(inet_ehash_lockp(h, i));
		for (j = 0; j < n; j++) {
			if (sock_denied(cnet, batch[j]))
				tcp_abort(batch[j], ECONNABORTED);
			else
				kept++;
			sock_gen_put(batch[j]);
		}
	} while (n == RECHECK_BATCH);
}

static void recheck_sockets(struct compfw_net *cnet)
{
	struct inet_hashinfo *h = cnet->net->ipv4.tcp_death_row.hashinfo;
	unsigned int i;

	for (i = 0; i <= h->ehash_mask; i++) {
		if (hlist_nulls_empty(&h->ehash[i].chain))
			continue;
		recheck_bucket(cnet, h, i);
		cond_resched();
	}
}

/**
 * compfw_flows_recheck - cut the live flows a new policy denies
 * @cnet: the namespace whose policy changed
 *
 * Process context, without @cnet->lock.
 */
void compfw_flows_recheck(struct compfw_net *cnet)
{
	struct nf_ct_iter_data iter = {
		.net = cnet->net,
		.data = cnet,
	};

	nf_ct_iterate_cleanup_net(compfw_flow_denied, &iter);
	if (READ_ONCE(cnet->tcp_by_socket))
		recheck_sockets(cnet);
}
