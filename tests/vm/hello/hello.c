// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM runner's self-test: proves that a module given
 * with --module is installed so that modprobe finds it, and that an external
 * module builds against the cached Debian headers.
 */
#include <linux/module.h>

static int __init compfw_vm_hello_init(void)
{
	pr_info("compfw-vm-hello: loaded\n");
	return 0;
}

static void __exit compfw_vm_hello_exit(void)
{
	pr_info("compfw-vm-hello: unloaded\n");
}

module_init(compfw_vm_hello_init);
module_exit(compfw_vm_hello_exit);
MODULE_DESCRIPTION("compfw VM runner self-test: loads cleanly");
MODULE_LICENSE("GPL");
