/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: allocations go to malloc. cfw_shim_fail_after, when
 * non-negative, makes that many allocations succeed and the next ones fail
 * (allocation failure tests).
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H
#include <linux/types.h>
#include <stdlib.h>

#define GFP_KERNEL	0U
#define GFP_ATOMIC	1U
#define GFP_KERNEL_ACCOUNT	2U
#define __GFP_RETRY_MAYFAIL	4U

extern long cfw_shim_fail_after;
extern long cfw_shim_live_allocs;

static inline void *cfw_shim_alloc(size_t n, size_t size, bool zero)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	if (cfw_shim_fail_after >= 0 && cfw_shim_fail_after-- == 0) {
		cfw_shim_fail_after = 0;
		return NULL;
	}
	p = zero ? calloc(n ? n : 1, size ? size : 1) : malloc(n && size ? n * size : 1);
	if (p)
		cfw_shim_live_allocs++;
	return p;
}

static inline void cfw_shim_free(const void *p)
{
	if (p)
		cfw_shim_live_allocs--;
	free((void *)p);
}

#define kmalloc(s, f)			cfw_shim_alloc(1, (s), false)
#define kzalloc(s, f)			cfw_shim_alloc(1, (s), true)
#define kmalloc_array(n, s, f)		cfw_shim_alloc((n), (s), false)
#define kcalloc(n, s, f)		cfw_shim_alloc((n), (s), true)
#define kvmalloc(s, f)			cfw_shim_alloc(1, (s), false)
#define kvzalloc(s, f)			cfw_shim_alloc(1, (s), true)
#define kvmalloc_array(n, s, f)		cfw_shim_alloc((n), (s), false)
#define kvcalloc(n, s, f)		cfw_shim_alloc((n), (s), true)
#define kfree(p)			cfw_shim_free(p)
#define kvfree(p)			cfw_shim_free(p)
#endif
