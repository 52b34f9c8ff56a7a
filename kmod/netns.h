/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_NETNS_H
#define _COMPFW_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * struct compfw_net - compfw's state in one network namespace
 * @net: the namespace this state belongs to
 * @lock: serialises every control-plane change in this namespace; the packet
 *	path never takes it
 * @components: number of components defined, under @lock
 * @rules: number of compiled rules, under @lock
 * @personas: number of personas defined, under @lock
 * @fabrics: number of live fabrics, under @lock
 */
struct compfw_net {
	struct net *net;
	struct mutex lock;
	u32 components;
	u32 rules;
	u32 personas;
	u32 fabrics;
};

extern unsigned int compfw_net_id;

static inline struct compfw_net *compfw_net(const struct net *net)
{
	return net_generic(net, compfw_net_id);
}

int compfw_netns_init(void);
void compfw_netns_exit(void);

#endif /* _COMPFW_NETNS_H */
