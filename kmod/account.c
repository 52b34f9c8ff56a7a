// SPDX-License-Identifier: GPL-2.0
/*
 * Every object compfw allocates is counted here, so that memory per rule can
 * be read from the module itself and so that unloading with live objects is
 * reported: the test rig fails a run on "compfw: leaked".
 *
 * An object counts what the allocator gives it, not what was asked for:
 * kmalloc rounds up to its size classes (a 600-byte policy takes 1 KiB),
 * vmalloc to whole pages, and the figure should be the one slab shows.
 */

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "account.h"

static atomic_long_t objects_alive = ATOMIC_LONG_INIT(0);
static atomic_long_t bytes_alive = ATOMIC_LONG_INIT(0);

static size_t footprint(const void *ptr, size_t size)
{
	if (is_vmalloc_addr(ptr))
		return PAGE_ALIGN(size);
	return kmalloc_size_roundup(size);
}

void compfw_account_alloc(const void *ptr, size_t size)
{
	atomic_long_inc(&objects_alive);
	atomic_long_add(footprint(ptr, size), &bytes_alive);
}

/* Before the object goes (@ptr is only looked at, not read). */
void compfw_account_free(const void *ptr, size_t size)
{
	atomic_long_dec(&objects_alive);
	atomic_long_sub(footprint(ptr, size), &bytes_alive);
}

void *compfw_kvzalloc(size_t size)
{
	void *ptr = kvzalloc(size, COMPFW_GFP);

	if (ptr)
		compfw_account_alloc(ptr, size);
	return ptr;
}

/* An empty array is no object: NULL, and compfw_kvfree() ignores it. */
void *compfw_kvcalloc(size_t n, size_t size)
{
	return n ? compfw_kvzalloc(array_size(n, size)) : NULL;
}

void compfw_kvfree(void *ptr, size_t size)
{
	if (!ptr)
		return;
	compfw_account_free(ptr, size);
	kvfree(ptr);
}

long compfw_objects_alive(void)
{
	return atomic_long_read(&objects_alive);
}

long compfw_bytes_alive(void)
{
	return atomic_long_read(&bytes_alive);
}

void compfw_report_leaks(void)
{
	long objects = compfw_objects_alive();

	if (objects)
		pr_err("leaked %ld objects (%ld bytes)\n",
		       objects, compfw_bytes_alive());
}
