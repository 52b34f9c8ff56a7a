// SPDX-License-Identifier: GPL-2.0
/*
 * Live flows after a policy change. Conntrack lets an established flow
 * through without asking compfw again, so a change that denies a live flow
 * must remove its entry: the flow's next packet is then a first packet, is
 * classified under the new policy, and is dropped.
 */

#include <net/netfilter/nf_conntrack.h>

#include "flow.h"
#include "flows.h"
#include "netns.h"

static int compfw_flow_denied(struct nf_conn *ct, void *data)
{
	struct compfw_net *cnet = data;
	struct compfw_ends ends;
	struct compfw_flow f;
	bool allowed;

	compfw_flow_from_tuple(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       nf_ct_l3num(ct), &f);
	rcu_read_lock();
	ends.src = compfw_sender(cnet, &f);
	ends.dst = compfw_receiver(cnet, &f, 0);
	allowed = (!ends.src && !ends.dst) || compfw_flow_allowed(&f, &ends, NULL);
	rcu_read_unlock();
	return !allowed;
}

/**
 * compfw_flows_recheck - remove the conntrack entries a new policy denies
 * @cnet: the namespace whose policy changed
 *
 * Process context. Ends of a flow are found as for its first packet, by
 * socket lookup (TCP, UDP) or by owned address.
 */
void compfw_flows_recheck(struct compfw_net *cnet)
{
	struct nf_ct_iter_data iter = {
		.net = cnet->net,
		.data = cnet,
	};

	nf_ct_iterate_cleanup_net(compfw_flow_denied, &iter);
}
