/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_SOCKFLOW_H
#define _COMPFW_SOCKFLOW_H

#include <linux/netfilter.h>

struct compfw_flow;
struct compfw_net;

extern bool compfw_tcp_by_socket;

int compfw_sockflow_register(struct compfw_net *cnet);
void compfw_sockflow_unregister(struct compfw_net *cnet);
bool compfw_sockflow_passes(struct compfw_net *cnet, const struct sk_buff *skb,
			    const struct compfw_flow *f,
			    const struct nf_hook_state *state);

#endif /* _COMPFW_SOCKFLOW_H */
