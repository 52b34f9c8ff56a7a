/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_PKTSOCK_H
#define _COMPFW_PKTSOCK_H

#include <linux/list.h>
#include <linux/notifier.h>

struct compfw_net;

/**
 * struct compfw_pktsock - a namespace's hooks for frames from packet sockets
 * @nb: tells of the namespace's devices as they come and go
 * @hooks: one egress hook per device; changed under RTNL only
 */
struct compfw_pktsock {
	struct notifier_block nb;
	struct list_head hooks;
};

int compfw_pktsock_register(struct compfw_net *cnet);
void compfw_pktsock_unregister(struct compfw_net *cnet);

#endif /* _COMPFW_PKTSOCK_H */
