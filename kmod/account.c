// SPDX-License-Identifier: GPL-2.0
/*
 * Every object compfw allocates is counted here, so that memory per rule can
 * be read from the module itself and so that unloading with live objects is
 * reported: the test rig fails a run on "compfw: leaked".
 */

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "account.h"

static atomic_long_t objects_alive = ATOMIC_LONG_INIT(0);
static atomic_long_t bytes_alive = ATOMIC_LONG_INIT(0);

void *compfw_kvzalloc(size_t size)
{
	void *ptr = kvzalloc(size, GFP_KERNEL_ACCOUNT);

	if (ptr) {
		atomic_long_inc(&objects_alive);
		atomic_long_add(size, &bytes_alive);
	}
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
	atomic_long_dec(&objects_alive);
	atomic_long_sub(size, &bytes_alive);
	kvfree(ptr);
}

/* For objects allocated elsewhere, such as compiled policies. */
void compfw_account(long objects, long bytes)
{
	atomic_long_add(objects, &objects_alive);
	atomic_long_add(bytes, &bytes_alive);
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
