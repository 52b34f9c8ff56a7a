/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_FAMILY_H
#define _COMPFW_FAMILY_H

#include <linux/types.h>

struct genl_family;
struct net;
struct sk_buff;

extern struct genl_family compfw_genl_family;

struct sk_buff *compfw_event_new(u8 cmd, void **hdr);
void compfw_event_send(struct net *net, struct sk_buff *msg, void *hdr);
bool compfw_event_listeners(struct net *net);

int compfw_family_register(void);
void compfw_family_unregister(void);

#endif /* _COMPFW_FAMILY_H */
