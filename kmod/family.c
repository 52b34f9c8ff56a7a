// SPDX-License-Identifier: GPL-2.0
/*
 * The compfw generic netlink family itself: its registration, with the
 * operations generated from the spec (netlink-gen.c), its events group,
 * and new messages of it. The control plane (netlink.c) answers requests
 * in it and reporting (events.c) multicasts in it; neither calls the other.
 */

#include <net/genetlink.h>
#include <linux/compfw.h>

#include "compat.h"
#include "family.h"
#include "netlink-gen.h"

/* Events: a message for the events group, sent to this namespace only. */
struct sk_buff *compfw_event_new(u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &compfw_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void compfw_event_send(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&compfw_genl_family, net, msg, 0, 0, GFP_KERNEL);
}

bool compfw_event_listeners(struct net *net)
{
	return genl_has_listeners(&compfw_genl_family, net, 0);
}

/*
 * Events show addresses, ports and who changed what: reading them needs what
 * every command needs, CAP_NET_ADMIN over the namespace. (The spec cannot
 * say so: ynl-gen-c gives multicast groups no flags.)
 */
static const struct genl_multicast_group compfw_genl_mcgrps[] = {
	[COMPFW_NLGRP_EVENTS] = { .name = COMPFW_MCGRP_EVENTS,
				  .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

struct genl_family compfw_genl_family __ro_after_init = {
	.name = COMPFW_GENL_NAME,
	.version = COMPFW_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.mcgrps = compfw_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(compfw_genl_mcgrps),
};

int __init compfw_family_register(void)
{
	static struct genl_ops ops[ARRAY_SIZE(compfw_nl_ops)] __ro_after_init;
	int ret;

	ret = compfw_genl_set_ops(&compfw_genl_family, compfw_nl_ops,
				  ARRAY_SIZE(compfw_nl_ops), ops);
	if (ret)
		return ret;
	return genl_register_family(&compfw_genl_family);
}

void compfw_family_unregister(void)
{
	genl_unregister_family(&compfw_genl_family);
}
