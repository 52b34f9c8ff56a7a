// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl component history|rollback: the versions of its manifest a
 * component keeps, and putting one of them back in force.
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compfwctl.h"
#include "component.h"
#include "print.h"

static struct nla_policy reply_policy[COMPFW_COMPONENT_A_MAX + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_STRING, .maxlen = COMPFW_NAME_MAX },
	[COMPFW_COMPONENT_A_GENERATION] = { .type = NLA_U32 },
	[COMPFW_COMPONENT_A_HISTORY] = { .type = NLA_NESTED },
};

static struct nla_policy version_policy[COMPFW_HISTORY_A_MAX + 1] = {
	[COMPFW_HISTORY_A_GENERATION] = { .type = NLA_U32 },
	[COMPFW_HISTORY_A_VERSION] = { .type = NLA_STRING, .maxlen = COMPFW_VERSION_MAX },
	[COMPFW_HISTORY_A_UNMANAGED] = { .type = NLA_FLAG },
	[COMPFW_HISTORY_A_IN_FORCE] = { .type = NLA_FLAG },
	[COMPFW_HISTORY_A_RULES] = { .type = NLA_U32 },
	[COMPFW_HISTORY_A_TIME] = { .type = NLA_U64 },
	[COMPFW_HISTORY_A_CHANGE] = { .type = NLA_STRING },
	[COMPFW_HISTORY_A_UID] = { .type = NLA_U32 },
	[COMPFW_HISTORY_A_PID] = { .type = NLA_U32 },
	[COMPFW_HISTORY_A_COMM] = { .type = NLA_STRING },
};

static uint64_t u32_of(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

/* One version: a row of the table, an object of the JSON array. */
static int print_version(struct nlattr *nest)
{
	struct nlattr *tb[COMPFW_HISTORY_A_MAX + 1];
	char when[32] = "-", gen[16];
	time_t t;
	struct tm tm;

	if (nla_parse_nested(tb, COMPFW_HISTORY_A_MAX, nest, version_policy) < 0 ||
	    !tb[COMPFW_HISTORY_A_GENERATION] || !tb[COMPFW_HISTORY_A_TIME] ||
	    !tb[COMPFW_HISTORY_A_CHANGE])
		return -1;
	t = (time_t)nla_get_u64(tb[COMPFW_HISTORY_A_TIME]);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(gen, sizeof(gen), "%" PRIu32 "%s",
		 nla_get_u32(tb[COMPFW_HISTORY_A_GENERATION]),
		 tb[COMPFW_HISTORY_A_IN_FORCE] ? " *" : "");
	print_open_object(NULL);
	print_text("%-11s ", gen);
	print_uint("generation", NULL, nla_get_u32(tb[COMPFW_HISTORY_A_GENERATION]));
	print_bool("in_force", NULL, !!tb[COMPFW_HISTORY_A_IN_FORCE]);
	if (tb[COMPFW_HISTORY_A_UNMANAGED])
		print_null("version", "%-14s ", "(unmanaged)");
	else if (tb[COMPFW_HISTORY_A_VERSION])
		print_string("version", "%-14s ", nla_get_string(tb[COMPFW_HISTORY_A_VERSION]));
	else
		print_null("version", "%-14s ", "-");
	print_bool("managed", NULL, !tb[COMPFW_HISTORY_A_UNMANAGED]);
	print_uint("rules", "%-6" PRIu64 " ", u32_of(tb[COMPFW_HISTORY_A_RULES]));
	print_string("change", "%-9s ", nla_get_string(tb[COMPFW_HISTORY_A_CHANGE]));
	print_string("time_text", "%-21s ", when);
	print_uint("time", NULL, nla_get_u64(tb[COMPFW_HISTORY_A_TIME]));
	print_string("comm", "%s", tb[COMPFW_HISTORY_A_COMM] ?
		     nla_get_string(tb[COMPFW_HISTORY_A_COMM]) : "?");
	print_uint("pid", " (pid %" PRIu64, u32_of(tb[COMPFW_HISTORY_A_PID]));
	print_uint("uid", ", uid %" PRIu64 ")\n", u32_of(tb[COMPFW_HISTORY_A_UID]));
	print_close_object();
	return 0;
}

static int print_history(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1];
	struct nlattr *a;
	int rem, *versions = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, COMPFW_COMPONENT_A_MAX, reply_policy) < 0)
		return -1;
	print_text("%-11s %-14s %-6s %-9s %-21s %s\n", "GENERATION", "VERSION", "RULES",
		   "CHANGE", "TIME", "BY");
	print_open_array(NULL);
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0),
			  genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0), rem) {
		if (nla_type(a) != COMPFW_COMPONENT_A_HISTORY)
			continue;
		if (print_version(a))
			return -1;
		++*versions;
	}
	print_close_array();
	return 0;
}

int component_history(struct ctl *ctl, int argc, char **argv)
{
	struct nl_msg *msg;
	int versions = 0;

	if (ctl_wants_help(argc, argv, "component " HISTORY_USAGE))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl component " HISTORY_USAGE);
	if (ctl_check_name("component", argv[0]) || ctl_connect(ctl))
		return 1;
	msg = ctl_name_msg(ctl, COMPFW_CMD_COMPONENT_HISTORY, COMPFW_COMPONENT_A_NAME, argv[0]);
	if (!msg)
		return ctl_error("out of memory");
	if (ctl_transact(ctl, msg, "component history", print_history, &versions))
		return 1;
	if (!versions)
		return ctl_error("component history: malformed reply from the kernel: no version");
	print_end();
	return 0;
}

/* "--to GEN": a generation, or -1 with the message printed. */
static long parse_generation(const char *word)
{
	unsigned long gen;
	char *end;

	errno = 0;
	gen = strtoul(word, &end, 10);
	if (!*word || *end || *word == '-' || errno || gen > UINT32_MAX) {
		ctl_error("component rollback: --to \"%s\": a generation is a number from 0 to %u ('component history NAME' lists them)",
			  word, UINT32_MAX);
		return -1;
	}
	return (long)gen;
}

/*
 * The kernel reinstates the previous manifest, or the one of generation
 * --to. The limits are not the kernel's and are left as the cgroup's files
 * hold them: a rollback of the limits is an apply of the old file.
 */
int component_rollback(struct ctl *ctl, int argc, char **argv)
{
	struct nl_msg *msg;
	long to = -1;

	if (ctl_wants_help(argc, argv, "component " ROLLBACK_USAGE))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "--to")) {
		to = parse_generation(argv[2]);
		if (to < 0)
			return 1;
	} else if (argc != 1) {
		return ctl_error("usage: compfwctl component " ROLLBACK_USAGE);
	}
	if (ctl_check_name("component", argv[0]) || ctl_connect(ctl))
		return 1;
	msg = ctl_name_msg(ctl, COMPFW_CMD_COMPONENT_ROLLBACK, COMPFW_COMPONENT_A_NAME, argv[0]);
	if (msg && to >= 0 && nla_put_u32(msg, COMPFW_COMPONENT_A_TO, (uint32_t)to) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (!msg)
		return ctl_error("out of memory");
	return ctl_transact(ctl, msg, "component rollback", NULL, NULL);
}
