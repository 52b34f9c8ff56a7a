/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_LIMITS_H
#define _SHIM_LINUX_LIMITS_H
#include <linux/kernel.h>	/* U8_MAX and friends live there in the shim */
#endif
