// SPDX-License-Identifier: GPL-2.0
/* compfwctl status: what the module is and what it holds in this netns. */

#include <inttypes.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <stdio.h>

#include "compfwctl.h"
#include "print.h"


static struct nla_policy status_policy[COMPFW_STATUS_A_MAX + 1] = {
	[COMPFW_STATUS_A_MODULE_VERSION] = { .type = NLA_STRING },
	[COMPFW_STATUS_A_FAMILY_VERSION] = { .type = NLA_U32 },
	[COMPFW_STATUS_A_NETNS_COOKIE] = { .type = NLA_U64 },
	[COMPFW_STATUS_A_COMPONENTS] = { .type = NLA_U32 },
	[COMPFW_STATUS_A_RULES] = { .type = NLA_U32 },
	[COMPFW_STATUS_A_MEMORY] = { .type = NLA_U64 },
	[COMPFW_STATUS_A_OBJECTS] = { .type = NLA_U64 },
	[COMPFW_STATUS_A_NETNS_MEMORY] = { .type = NLA_U64 },
	[COMPFW_STATUS_A_NETNS_MEMORY_MAX] = { .type = NLA_U64 },
};

static const struct {
	int attr;
	bool u64;
	const char *key;
	const char *fmt;
} status_counts[] = {
	{ COMPFW_STATUS_A_COMPONENTS, false, "components", "components      %" PRIu64 "\n" },
	{ COMPFW_STATUS_A_RULES, false, "rules", "rules           %" PRIu64 "\n" },
	{ COMPFW_STATUS_A_MEMORY, true, "memory_bytes", "memory          %" PRIu64 " bytes\n" },
	{ COMPFW_STATUS_A_OBJECTS, true, "objects", "objects         %" PRIu64 "\n" },
	{ COMPFW_STATUS_A_NETNS_MEMORY, true, "netns_memory_bytes",
	  "netns memory    %" PRIu64 " bytes\n" },
	{ COMPFW_STATUS_A_NETNS_MEMORY_MAX, true, "netns_memory_max_bytes",
	  "netns cap       %" PRIu64 " bytes\n" },
};

static int print_status(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_STATUS_A_MAX + 1];
	unsigned int i;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, COMPFW_STATUS_A_MAX,
			  status_policy) < 0 ||
	    !tb[COMPFW_STATUS_A_MODULE_VERSION] ||
	    !tb[COMPFW_STATUS_A_FAMILY_VERSION] ||
	    !tb[COMPFW_STATUS_A_NETNS_COOKIE])
		return -1;

	print_open_object(NULL);
	print_string("module_version", "module version  %s\n",
		     nla_get_string(tb[COMPFW_STATUS_A_MODULE_VERSION]));
	print_uint("family_version", "family version  %" PRIu64 "\n",
		   nla_get_u32(tb[COMPFW_STATUS_A_FAMILY_VERSION]));
	print_uint("netns_cookie", "netns cookie    %" PRIu64 "\n",
		   nla_get_u64(tb[COMPFW_STATUS_A_NETNS_COOKIE]));
	for (i = 0; i < sizeof(status_counts) / sizeof(status_counts[0]); i++) {
		struct nlattr *attr = tb[status_counts[i].attr];

		print_uint(status_counts[i].key, status_counts[i].fmt,
			   !attr ? 0 : status_counts[i].u64 ? nla_get_u64(attr) :
			   nla_get_u32(attr));
	}
	print_close_object();
	return 0;
}

int cmd_status(struct ctl *ctl, int argc, char **argv)
{
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, "status"))
		return 0;
	if (argc > 0)
		return ctl_error("status takes no arguments");
	if (ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_GET_STATUS, 0);
	if (!msg)
		return ctl_error("out of memory");
	if (ctl_transact(ctl, msg, "status", print_status, NULL))
		return 1;
	print_end();
	return 0;
}
