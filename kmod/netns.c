// SPDX-License-Identifier: GPL-2.0
/*
 * Each network namespace has its own components and rules, so that a
 * container's policy is its own and dies with its namespace.
 */

#include "netns.h"

unsigned int compfw_net_id __read_mostly;

static int __net_init compfw_net_init(struct net *net)
{
	struct compfw_net *cnet = compfw_net(net);

	cnet->net = net;
	mutex_init(&cnet->lock);
	return 0;
}

static void __net_exit compfw_net_exit(struct net *net)
{
	struct compfw_net *cnet = compfw_net(net);

	mutex_destroy(&cnet->lock);
}

static struct pernet_operations compfw_net_ops = {
	.init = compfw_net_init,
	.exit = compfw_net_exit,
	.id = &compfw_net_id,
	.size = sizeof(struct compfw_net),
};

int compfw_netns_init(void)
{
	return register_pernet_subsys(&compfw_net_ops);
}

void compfw_netns_exit(void)
{
	unregister_pernet_subsys(&compfw_net_ops);
}
