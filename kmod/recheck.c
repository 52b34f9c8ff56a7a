// SPDX-License-Identifier: GPL-2.0
/*
 * Live flows after a policy change. Conntrack lets an established flow
 * through without asking compfw again, so a change that denies a live flow
 * must remove its entry: the flow's next packet is then a first packet, is
 * classified under the new policy, and is dropped. A TCP flow followed by
 * its socket (sockflow.c) has no entry: its socket is aborted instead, and
 * the peer gets a reset.
 *
 * A tracked TCP flow with a local socket is cut the same way: removing its
 * entry alone would leave the socket ESTAB and retransmitting into drops
 * until the application timed out. Conntrack knows which end opened the
 * flow, so the socket aborted is the opener's when it is local (the peer
 * learns from the reset), else the receiver's.
 */

#include <linux/inetdevice.h>
#include <linux/ipv6.h>
#include <net/addrconf.h>
#include <net/inet_hashtables.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <net/tcp.h>

#include "account.h"
#include "component.h"
#include "flow.h"
#include "manifest.h"
#include "netns.h"
#include "recheck.h"
#include "report.h"

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

static bool is_local_addr(struct net *net, const struct compfw_flow *f,
			  bool at_dst)
{
	const union cfw_addr *a = at_dst ? &f->daddr : &f->saddr;

	if (f->family == AF_INET)
		return inet_addr_type(net, a->ip) == RTN_LOCAL;
#if IS_ENABLED(CONFIG_IPV6)
	return ipv6_chk_addr(net, &a->ip6, NULL, 0);
#else
	return false;
#endif
}

/*
 * Conntrack has no room to keep whose a flow was: no extension for
 * modules, and the mark, secmark and labels are other users'. So when the
 * socket that made a flow someone's is gone, the flow is nobody's, and it
 * cannot be judged again. Its entry is then removed, not kept as
 * unmanaged: otherwise a new socket on the same ports (or a late reply)
 * would pass on the old entry without being judged. Nothing local needs
 * such an entry: the flow's next packet gets a new one, and is judged as
 * a first packet.
 *
 * An orphan is a TCP or UDP flow with an end on one of this namespace's
 * addresses that has no socket and no component owning the address. An
 * entry that NAT rewrote is left alone: its tuple's local address may not
 * be where the flow ends, and removing a live NAT binding breaks the flow.
 * A forwarded flow has no local end.
 */
static bool end_orphaned(struct compfw_net *cnet, const struct compfw_flow *f,
			 bool at_dst)
{
	struct sock *sk;

	if (!is_local_addr(cnet->net, f, at_dst))
		return false;
	sk = compfw_local_sock(cnet->net, f, at_dst, 0);
	if (sk) {
		sock_gen_put(sk);
		return false;
	}
	return !compfw_addr_owner(cnet, f, at_dst);
}

static bool flow_orphaned(struct compfw_net *cnet, const struct nf_conn *ct,
			  const struct compfw_flow *f)
{
	bool orphan;

	if ((f->l4proto != IPPROTO_TCP && f->l4proto != IPPROTO_UDP) ||
	    (ct->status & IPS_NAT_MASK))
		return false;
	rcu_read_lock();
	orphan = end_orphaned(cnet, f, false) || end_orphaned(cnet, f, true);
	rcu_read_unlock();
	return orphan;
}

/* Denied TCP flows held for their sockets to be aborted, per walk. */
#define CUT_BATCH	64

/**
 * struct flows_walk - one walk of the conntrack table
 * @cnet: the namespace
 * @cut: denied TCP flows, each held by a reference, to cut after the walk;
 *	NULL when it could not be allocated
 * @n_cut: entries in @cut
 * @full: @cut filled up, and denied TCP flows were left for another walk
 */
struct flows_walk {
	struct compfw_net *cnet;
	struct nf_conn **cut;
	unsigned int n_cut;
	bool full;
};

/*
 * Under a conntrack lock, with BHs off: a socket cannot be aborted here,
 * since that takes its lock. A denied TCP flow is kept and held, so that
 * its socket's reset still matches the entry and gets out; it is removed
 * once the socket is aborted.
 */
static int compfw_flow_denied(struct nf_conn *ct, void *data)
{
	struct flows_walk *w = data;
	struct compfw_flow f;

	compfw_flow_from_tuple(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       nf_ct_l3num(ct), &f);
	/* Allowed by what is left of it: its gone end might not allow it. */
	if (flow_allowed_now(w->cnet, &f))
		return flow_orphaned(w->cnet, ct, &f);
	if (f.l4proto != IPPROTO_TCP || !w->cut)
		return 1;
	if (w->n_cut == CUT_BATCH) {
		w->full = true;
		return 0;
	}
	if (refcount_inc_not_zero(&ct->ct_general.use))
		w->cut[w->n_cut++] = ct;
	return 0;
}

/* Abort @f's socket at one end, if it is a connection on this host. */
static bool abort_end(struct net *net, const struct compfw_flow *f, bool at_dst)
{
	struct sock *sk;
	int state, ret = -ENOENT;

	rcu_read_lock();
	sk = compfw_local_sock(net, f, at_dst, 0);
	rcu_read_unlock();
	if (!sk)
		return false;
	state = inet_sk_state_load(sk);
	if (state != TCP_LISTEN && state != TCP_CLOSE && state != TCP_TIME_WAIT)
		ret = tcp_abort(sk, ECONNABORTED);
	sock_gen_put(sk);
	return !ret;
}

/* One end: if its manifest in force denies @f (audit mode cuts nothing). */
static void report_end_cut(struct compfw_net *cnet, const struct compfw_component *comp,
			   int dir, const struct compfw_flow *f,
			   const struct compfw_component *peer)
{
	const struct compfw_manifest *m = comp ? rcu_dereference(comp->manifest) : NULL;
	struct cfw_verdict v;

	if (!m || m->mode == COMPFW_MODE_AUDIT)
		return;
	v = compfw_flow_judge(m, dir, f, peer);
	if (!v.allow)
		compfw_report_cut(cnet->net, comp, m, dir, f, v.rule_id);
}

/* Each end whose manifest denies @f says so, while its sockets still exist. */
static void report_cut(struct compfw_net *cnet, const struct compfw_flow *f)
{
	struct compfw_ends ends;

	rcu_read_lock();
	ends.src = compfw_sender(cnet, f);
	ends.dst = compfw_receiver(cnet, f, 0);
	report_end_cut(cnet, ends.src, CFW_DIR_EGRESS, f, ends.dst);
	report_end_cut(cnet, ends.dst, CFW_DIR_INGRESS, f, ends.src);
	rcu_read_unlock();
}

/*
 * The opener's socket, else the receiver's: aborting both would race the
 * reset, and the receiver would see ECONNABORTED or ECONNRESET by chance.
 */
static void cut_tcp(struct compfw_net *cnet, struct nf_conn *ct)
{
	struct compfw_flow f;

	compfw_flow_from_tuple(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       nf_ct_l3num(ct), &f);
	/* Once, now: the abort leaves nothing to retransmit into the hooks. */
	report_cut(cnet, &f);
	if (!abort_end(cnet->net, &f, false))
		abort_end(cnet->net, &f, true);
	nf_ct_delete(ct, 0, 0);
	nf_ct_put(ct);
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
 * compfw_recheck_flows - cut the live flows a new policy denies
 * @cnet: the namespace whose policy changed
 *
 * Process context, without @cnet->lock.
 */
void compfw_recheck_flows(struct compfw_net *cnet)
{
	struct flows_walk w = { .cnet = cnet };
	struct nf_ct_iter_data iter = {
		.net = cnet->net,
		.data = &w,
	};
	bool walk_sockets = READ_ONCE(cnet->tcp_by_socket);
	unsigned int i;

	/*
	 * Without the batch, denied TCP entries are removed in the walk and
	 * their sockets are found by a walk of the TCP sockets instead.
	 */
	w.cut = compfw_kvcalloc(CUT_BATCH, sizeof(*w.cut));
	if (!w.cut)
		walk_sockets = true;
	do {
		w.n_cut = 0;
		w.full = false;
		nf_ct_iterate_cleanup_net(compfw_flow_denied, &iter);
		for (i = 0; i < w.n_cut; i++)
			cut_tcp(cnet, w.cut[i]);
	} while (w.full);
	compfw_kvfree(w.cut, CUT_BATCH * sizeof(*w.cut));
	if (walk_sockets)
		recheck_sockets(cnet);
}
