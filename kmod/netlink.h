/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_NETLINK_H
#define _COMPFW_NETLINK_H

int compfw_genl_init(void);
void compfw_genl_exit(void);

#endif /* _COMPFW_NETLINK_H */
