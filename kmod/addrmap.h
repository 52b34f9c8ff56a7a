/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_ADDRMAP_H
#define _COMPFW_ADDRMAP_H

#include "classify.h"

struct netlink_ext_ack;
struct compfw_component;
struct compfw_net;

int compfw_addrmap_rebuild(struct compfw_net *cnet, struct compfw_component *adding,
			   struct compfw_component *removing, struct netlink_ext_ack *extack);
struct compfw_component *compfw_addrmap_lookup(struct compfw_net *cnet, u8 family,
					       const union cfw_addr *addr);
void compfw_addrmap_destroy(struct compfw_net *cnet);

#endif /* _COMPFW_ADDRMAP_H */
