/* SPDX-License-Identifier: GPL-2.0 */
/* Allocation for compfwctl, which gives up when memory runs out. */
#ifndef _COMPFWCTL_XALLOC_H
#define _COMPFWCTL_XALLOC_H

#include <stddef.h>

void *xcalloc(size_t n, size_t size);
void *xgrow(void *v, size_t *cap, size_t need, size_t size);

#endif /* _COMPFWCTL_XALLOC_H */
