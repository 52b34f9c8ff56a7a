/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_NETNS_H
#define _COMPFW_NETNS_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "cgroupbind.h"
#include "events.h"
#include "pktsock.h"
#include "trigger.h"

struct compfw_addrmap;

/* IPv4 and IPv6, each at LOCAL_OUT, LOCAL_IN and FORWARD. */
#define COMPFW_NUM_HOOKS	6
/* IPv4 and IPv6, each at LOCAL_OUT and PRE_ROUTING. */
#define COMPFW_NUM_UNTRACK_HOOKS	4

/**
 * struct compfw_net - compfw's state in one network namespace
 * @net: the namespace this state belongs to
 * @lock: serialises every control-plane change in this namespace; the packet
 *	path never takes it
 * @by_name: components by name; changed under @lock, read under @lock
 * @by_id: components by ID; changed under @lock, read under RCU
 * @cgmap: components by cgroup ID (cgroupbind.c); changed under @lock and by
 *	the cgroup probes, read under RCU
 * @components_list: every component in creation order, under @lock
 * @personas: every persona in creation order, under @lock
 * @n_personas: entries in @personas
 * @addrmap: owned addresses to components, rebuilt whole on change; RCU
 * @next_id: where the search for a free component ID starts, under @lock
 * @last_serial: the serial of the newest component or persona; serials
 *	are never reused, IDs may be, under @lock
 * @why: a reason formatted at run time, under @lock; read when the request
 *	that set it is acknowledged (see compfw_err_fmt())
 * @hooks_on: netfilter hooks are registered, under @lock
 * @hook_ops: the hooks, registered with this state as their private data
 * @tcp_by_socket: TCP to and from local sockets is followed by the socket,
 *	not conntrack (sockflow.c); set with the hooks, read under RCU
 * @untrack_ops: the hooks that keep that TCP from conntrack
 * @pktsock: the egress hooks for frames from packet sockets, on with @hook_ops
 * @components: number of components defined, under @lock
 * @rules: number of rules in the manifests in force, under @lock
 * @memory: bytes of the components and their manifests, as the cap
 *	max_netns_memory counts them (compfw_component_bytes()), under @lock
 * @dump_seq: bumped by every change, so that a dump racing one is flagged
 * @events: drop events on their way to the events group
 */
struct compfw_net {
	struct net *net;
	struct mutex lock;	/* see above: control path only */
	struct rhashtable by_name;
	struct rhashtable by_id;
	struct compfw_cgmap cgmap;
	struct list_head components_list;
	struct list_head personas;
	u32 n_personas;
	struct compfw_addrmap __rcu *addrmap;
	u32 next_id;
	u64 last_serial;
	char why[80];
	bool hooks_on;
	struct nf_hook_ops hook_ops[COMPFW_NUM_HOOKS];
	bool tcp_by_socket;
	struct nf_hook_ops untrack_ops[COMPFW_NUM_UNTRACK_HOOKS];
	struct compfw_pktsock pktsock;
	u32 components;
	u32 rules;
	u64 memory;
	u32 dump_seq;
	struct compfw_events events;
	struct compfw_triggers triggers;
};

extern unsigned int compfw_net_id;
extern struct workqueue_struct *compfw_wq;
extern unsigned int compfw_max_components;
extern unsigned int compfw_max_personas;
extern unsigned int compfw_max_rules;
extern unsigned int compfw_max_component_rules;
extern unsigned long compfw_max_netns_memory;

int compfw_net_setup(struct compfw_net *cnet, struct net *net);
void compfw_net_teardown(struct compfw_net *cnet);

static inline struct compfw_net *compfw_net(const struct net *net)
{
	return net_generic(net, compfw_net_id);
}

int compfw_netns_init(void);
void compfw_netns_exit(void);

#endif /* _COMPFW_NETNS_H */
