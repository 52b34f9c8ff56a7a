// SPDX-License-Identifier: GPL-2.0
/*
 * The compfw generic netlink family: validation by per-operation policies,
 * every rejection explained through extack, every operation admin-only in
 * the caller's network namespace.
 */

#include <net/genetlink.h>
#include <linux/compfw.h>

#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "version.h"

/* GET_STATUS takes no attributes: anything sent is a caller's mistake. */
static const struct nla_policy compfw_status_policy[COMPFW_STATUS_A_MAX + 1] = {
	[0 ... COMPFW_STATUS_A_MAX] = { .type = NLA_REJECT },
};

static int compfw_fill_status(struct sk_buff *skb, struct net *net)
{
	struct compfw_net *cnet = compfw_net(net);
	int ret = 0;

	mutex_lock(&cnet->lock);
	if (nla_put_string(skb, COMPFW_STATUS_A_MODULE_VERSION, COMPFW_VERSION) ||
	    nla_put_u32(skb, COMPFW_STATUS_A_FAMILY_VERSION, COMPFW_GENL_VERSION) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_NETNS_COOKIE,
			      net->net_cookie, COMPFW_STATUS_A_PAD) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_COMPONENTS, cnet->components) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_RULES, cnet->rules) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_PERSONAS, cnet->personas) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_FABRICS, cnet->fabrics))
		ret = -EMSGSIZE;
	mutex_unlock(&cnet->lock);
	return ret;
}

static int compfw_get_status_doit(struct sk_buff *skb, struct genl_info *info);

static const struct genl_ops compfw_genl_ops[] = {
	{
		.cmd = COMPFW_CMD_GET_STATUS,
		.doit = compfw_get_status_doit,
		.policy = compfw_status_policy,
		.maxattr = COMPFW_STATUS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group compfw_genl_mcgrps[] = {
	{ .name = COMPFW_MCGRP_EVENTS, },
};

static struct genl_family compfw_genl_family __ro_after_init = {
	.name = COMPFW_GENL_NAME,
	.version = COMPFW_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = false,
	.module = THIS_MODULE,
	.ops = compfw_genl_ops,
	.n_ops = ARRAY_SIZE(compfw_genl_ops),
	.resv_start_op = COMPFW_CMD_GET_STATUS + 1,
	.mcgrps = compfw_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(compfw_genl_mcgrps),
};

static int compfw_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &compfw_genl_family, 0,
				COMPFW_CMD_GET_STATUS);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}

	ret = compfw_fill_status(msg, genl_info_net(info));
	if (ret) {
		NL_SET_ERR_MSG_MOD(info->extack, "status does not fit in a message");
		goto err_free;
	}

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

int __init compfw_genl_init(void)
{
	return genl_register_family(&compfw_genl_family);
}

void compfw_genl_exit(void)
{
	genl_unregister_family(&compfw_genl_family);
}
