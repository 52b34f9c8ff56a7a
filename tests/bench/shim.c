// SPDX-License-Identifier: GPL-2.0
/* Userspace shim state (see linux/slab.h). */
#include <linux/slab.h>

long cfw_shim_fail_after = -1;
long cfw_shim_live_allocs;
