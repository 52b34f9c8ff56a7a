// SPDX-License-Identifier: GPL-2.0
/*
 * Each network namespace has its own components and rules, so that a
 * container's policy is its own and dies with its namespace.
 */

#include <linux/module.h>
#include <linux/workqueue.h>

#include "addrmap.h"
#include "component.h"
#include "events.h"
#include "hooks.h"
#include "netns.h"
#include "persona.h"
#include "trigger.h"

unsigned int compfw_net_id __read_mostly;
struct workqueue_struct *compfw_wq;

unsigned int compfw_max_components = 65536;
module_param_named(max_components, compfw_max_components, uint, 0644);
MODULE_PARM_DESC(max_components, "Most components in one network namespace");

unsigned int compfw_max_personas = 1024;
module_param_named(max_personas, compfw_max_personas, uint, 0644);
MODULE_PARM_DESC(max_personas, "Most personas in one network namespace");

unsigned int compfw_max_rules = 1000000;
module_param_named(max_rules, compfw_max_rules, uint, 0644);
MODULE_PARM_DESC(max_rules, "Most rules in force in one network namespace");

unsigned long compfw_max_netns_memory = 512UL << 20;
module_param_named(max_netns_memory, compfw_max_netns_memory, ulong, 0644);
MODULE_PARM_DESC(max_netns_memory,
		 "Most bytes of components and manifests in one network namespace (0: no cap)");

unsigned int compfw_max_component_rules = 65536;
module_param_named(max_component_rules, compfw_max_component_rules, uint, 0644);
MODULE_PARM_DESC(max_component_rules, "Most rules in one manifest");

/**
 * compfw_net_setup - make @cnet the empty state of @net
 * @cnet: zeroed memory for the state
 * @net: the namespace it belongs to
 *
 * The pernet init, and the KUnit suites' private namespaces.
 * Return: 0 or -ENOMEM.
 */
int compfw_net_setup(struct compfw_net *cnet, struct net *net)
{
	cnet->net = net;
	mutex_init(&cnet->lock);
	compfw_events_init(cnet);
	compfw_personas_init(cnet);
	compfw_triggers_net_init(cnet);
	return compfw_components_init(cnet);
}

/* Everything of @cnet goes; queued frees run after a grace period. */
void compfw_net_teardown(struct compfw_net *cnet)
{
	compfw_triggers_net_exit(cnet);
	mutex_lock(&cnet->lock);
	compfw_hooks_unregister(cnet);
	compfw_events_exit(cnet);
	compfw_addrmap_destroy(cnet);
	compfw_components_destroy(cnet);
	compfw_personas_destroy(cnet);
	mutex_unlock(&cnet->lock);
	mutex_destroy(&cnet->lock);
}

static int __net_init compfw_net_init(struct net *net)
{
	return compfw_net_setup(compfw_net(net), net);
}

static void __net_exit compfw_net_exit(struct net *net)
{
	compfw_net_teardown(compfw_net(net));
}

static struct pernet_operations compfw_net_ops = {
	.init = compfw_net_init,
	.exit = compfw_net_exit,
	.id = &compfw_net_id,
	.size = sizeof(struct compfw_net),
};

int compfw_netns_init(void)
{
	int ret;

	/*
	 * Objects are freed here, in process context, after a grace period,
	 * and events are sent: none of it needs the CPU that queued it, so
	 * unbound (which later kernels make the default, warning from 7.x
	 * about a queue that says neither unbound nor per-CPU).
	 */
	compfw_wq = alloc_workqueue("compfw", WQ_UNBOUND, 0);
	if (!compfw_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&compfw_net_ops);
	if (ret)
		destroy_workqueue(compfw_wq);
	return ret;
}

void compfw_netns_exit(void)
{
	unregister_pernet_subsys(&compfw_net_ops);
	/* Let queued frees run: call_rcu first, then the work they queue. */
	rcu_barrier();
	destroy_workqueue(compfw_wq);
}
