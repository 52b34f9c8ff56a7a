// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM runner's self-test: its init WARNs, so that the
 * self-test can prove a kernel warning fails a run whose tests all said ok.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init compfw_vm_warn_init(void)
{
	WARN(1, "compfw-vm-selftest");
	return 0;
}

static void __exit compfw_vm_warn_exit(void)
{
}

module_init(compfw_vm_warn_init);
module_exit(compfw_vm_warn_exit);
MODULE_DESCRIPTION("compfw VM runner self-test: warns on load");
MODULE_LICENSE("GPL");
