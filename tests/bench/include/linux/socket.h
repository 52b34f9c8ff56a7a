/* SPDX-License-Identifier: GPL-2.0 */
/* The uapi header lacks AF_*, which the kernel's linux/socket.h has. */
#ifndef _SHIM_LINUX_SOCKET_H
#define _SHIM_LINUX_SOCKET_H
#include_next <linux/socket.h>
#ifndef AF_INET
#define AF_INET		2
#define AF_INET6	10
#endif
#endif
