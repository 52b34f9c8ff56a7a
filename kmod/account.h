/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_ACCOUNT_H
#define _COMPFW_ACCOUNT_H

#include <linux/gfp.h>
#include <linux/types.h>

/*
 * What compfw allocates for a caller is charged to its memory cgroup; over
 * the limit the request fails with -ENOMEM instead of waking the OOM killer.
 */
#define COMPFW_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL)

void *compfw_kvzalloc(size_t size);
void *compfw_kvcalloc(size_t n, size_t size);
/* For objects allocated or freed elsewhere, such as compiled policies. */
void compfw_account_alloc(const void *ptr, size_t size);
void compfw_account_free(const void *ptr, size_t size);
void compfw_kvfree(void *ptr, size_t size);

long compfw_objects_alive(void);
long compfw_bytes_alive(void);
void compfw_report_leaks(void);

/*
 * What a caller is told when memory runs out: everything compfw holds is
 * charged to the caller's memory cgroup.
 */
#define COMPFW_NOMEM_MSG \
	"out of memory (the caller's memory cgroup, memory.max, is charged for compfw's tables)"
#endif /* _COMPFW_ACCOUNT_H */
