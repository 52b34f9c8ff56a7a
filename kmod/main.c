// SPDX-License-Identifier: GPL-2.0
/*
 * compfw: a per-component firewall. This file only brings the pieces up and
 * down, in order; the work lives in one file per concept.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <linux/compfw.h>

#include "account.h"
#include "cgroupbind.h"
#include "family.h"
#include "netns.h"
#include "trigger.h"
#include "version.h"

static int __init compfw_init(void)
{
	int ret;

	ret = compfw_cgbind_init();
	if (ret)
		goto err_cgbind;
	ret = compfw_netns_init();
	if (ret)
		goto err_netns;
	ret = compfw_triggers_init();
	if (ret)
		goto err_triggers;

	/* Last: once the family is visible, requests may arrive at once. */
	ret = compfw_family_register();
	if (ret)
		goto err_genl;

	pr_info("version %s loaded\n", COMPFW_VERSION);
	return 0;

err_genl:
	compfw_triggers_exit();
err_triggers:
	compfw_netns_exit();
err_netns:
	compfw_cgbind_exit();
err_cgbind:
	return ret;
}

static void __exit compfw_exit(void)
{
	compfw_family_unregister();
	compfw_triggers_exit();
	compfw_netns_exit();
	compfw_cgbind_exit();
	compfw_report_leaks();
}

module_init(compfw_init);
module_exit(compfw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-component firewall");
MODULE_VERSION(COMPFW_VERSION);
MODULE_ALIAS_GENL_FAMILY(COMPFW_GENL_NAME);
