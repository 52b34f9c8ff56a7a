/* SPDX-License-Identifier: GPL-2.0 */
/* glibc's <bits/errno.h> includes <linux/errno.h> too: pass it through. */
#include_next <linux/errno.h>
