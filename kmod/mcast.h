/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_MCAST_H
#define _COMPFW_MCAST_H

#include <linux/types.h>

struct nf_hook_state;
struct sk_buff;
struct compfw_component;
struct compfw_flow;
struct compfw_net;

bool compfw_mcast_dest(const struct sk_buff *skb, const struct compfw_flow *f);
unsigned int compfw_mcast_verdict(struct compfw_net *cnet,
				  const struct compfw_flow *f,
				  struct compfw_component *src, bool later,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state);

#endif /* _COMPFW_MCAST_H */
