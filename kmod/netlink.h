/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_NETLINK_H
#define _COMPFW_NETLINK_H

#include <linux/netlink.h>

struct net;
struct sk_buff;

struct sk_buff *compfw_event_new(u8 cmd, void **hdr);
void compfw_event_send(struct net *net, struct sk_buff *msg, void *hdr);
bool compfw_event_listeners(struct net *net);

int compfw_genl_init(void);
void compfw_genl_exit(void);

#endif /* _COMPFW_NETLINK_H */
