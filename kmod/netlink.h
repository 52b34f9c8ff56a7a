/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_NETLINK_H
#define _COMPFW_NETLINK_H

#include <linux/netlink.h>

/*
 * The NL_SET_ERR_MSG*() macros take a literal; this takes a message chosen
 * at run time, which must still be a string with static storage.
 */
static inline void compfw_extack(struct netlink_ext_ack *extack,
				 const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

struct net;
struct sk_buff;

struct sk_buff *compfw_event_new(u8 cmd, void **hdr);
void compfw_event_send(struct net *net, struct sk_buff *msg, void *hdr);
bool compfw_event_listeners(struct net *net);

int compfw_genl_init(void);
void compfw_genl_exit(void);

#endif /* _COMPFW_NETLINK_H */
