// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl component|persona history|rollback: the versions a component
 * keeps of its manifest and a persona of its definition, and putting one
 * of them back in force. The two objects answer alike, each in its own
 * attribute set.
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

/* What differs between a component's history and a persona's. */
struct versioned {
	const char *object;
	const char *history_usage;
	const char *rollback_usage;
	int history_cmd;
	int rollback_cmd;
	int name_attr;
	int history_attr;
	int to_attr;
};

static const struct versioned component_versions = {
	.object = "component",
	.history_usage = "component " HISTORY_USAGE,
	.rollback_usage = "component " ROLLBACK_USAGE,
	.history_cmd = COMPFW_CMD_COMPONENT_HISTORY,
	.rollback_cmd = COMPFW_CMD_COMPONENT_ROLLBACK,
	.name_attr = COMPFW_COMPONENT_A_NAME,
	.history_attr = COMPFW_COMPONENT_A_HISTORY,
	.to_attr = COMPFW_COMPONENT_A_TO,
};

static const struct versioned persona_versions = {
	.object = "persona",
	.history_usage = "persona " HISTORY_USAGE,
	.rollback_usage = "persona " ROLLBACK_USAGE,
	.history_cmd = COMPFW_CMD_PERSONA_HISTORY,
	.rollback_cmd = COMPFW_CMD_PERSONA_ROLLBACK,
	.name_attr = COMPFW_PERSONA_A_NAME,
	.history_attr = COMPFW_PERSONA_A_HISTORY,
	.to_attr = COMPFW_PERSONA_A_TO,
};

/* A reply being printed: its object, and how many versions it held. */
struct history_reply {
	const struct versioned *obj;
	int versions;
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
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct history_reply *r = arg;
	struct nlattr *a;
	int rem;

	print_text("%-11s %-14s %-6s %-9s %-21s %s\n", "GENERATION", "VERSION", "RULES",
		   "CHANGE", "TIME", "BY");
	print_open_array(NULL);
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(a) != r->obj->history_attr)
			continue;
		if (print_version(a))
			return -1;
		r->versions++;
	}
	print_close_array();
	return 0;
}

static int show_history(struct ctl *ctl, const struct versioned *obj, int argc, char **argv)
{
	struct history_reply r = { .obj = obj };
	char what[32];
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, obj->history_usage))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl %s", obj->history_usage);
	if (ctl_check_name(obj->object, argv[0]) || ctl_connect(ctl))
		return 1;
	msg = ctl_name_msg(ctl, obj->history_cmd, obj->name_attr, argv[0]);
	if (!msg)
		return ctl_error("out of memory");
	snprintf(what, sizeof(what), "%s history", obj->object);
	if (ctl_transact(ctl, msg, what, print_history, &r))
		return 1;
	if (!r.versions)
		return ctl_error("%s: malformed reply from the kernel: no version", what);
	print_end();
	return 0;
}

/* "--to GEN": a generation, or -1 with the message printed. */
static long parse_generation(const struct versioned *obj, const char *word)
{
	unsigned long gen;
	char *end;

	errno = 0;
	gen = strtoul(word, &end, 10);
	if (!*word || *end || *word == '-' || errno || gen > UINT32_MAX) {
		ctl_error("%s rollback: --to \"%s\": a generation is a number from 0 to %u ('%s history NAME' lists them)",
			  obj->object, word, UINT32_MAX, obj->object);
		return -1;
	}
	return (long)gen;
}

static int roll_back(struct ctl *ctl, const struct versioned *obj, int argc, char **argv)
{
	struct nl_msg *msg;
	char what[32];
	long to = -1;

	if (ctl_wants_help(argc, argv, obj->rollback_usage))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "--to")) {
		to = parse_generation(obj, argv[2]);
		if (to < 0)
			return 1;
	} else if (argc != 1) {
		return ctl_error("usage: compfwctl %s", obj->rollback_usage);
	}
	if (ctl_check_name(obj->object, argv[0]) || ctl_connect(ctl))
		return 1;
	msg = ctl_name_msg(ctl, obj->rollback_cmd, obj->name_attr, argv[0]);
	if (msg && to >= 0 && nla_put_u32(msg, obj->to_attr, (uint32_t)to) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (!msg)
		return ctl_error("out of memory");
	snprintf(what, sizeof(what), "%s rollback", obj->object);
	return ctl_transact(ctl, msg, what, NULL, NULL);
}

int component_history(struct ctl *ctl, int argc, char **argv)
{
	return show_history(ctl, &component_versions, argc, argv);
}

/*
 * The kernel reinstates the previous manifest, or the one of generation
 * --to. The limits are not the kernel's and are left as the cgroup's files
 * hold them: a rollback of the limits is an apply of the old file.
 */
int component_rollback(struct ctl *ctl, int argc, char **argv)
{
	return roll_back(ctl, &component_versions, argc, argv);
}

int persona_history(struct ctl *ctl, int argc, char **argv)
{
	return show_history(ctl, &persona_versions, argc, argv);
}

/* The kernel rebuilds every manifest that may take the persona, or none. */
int persona_rollback(struct ctl *ctl, int argc, char **argv)
{
	return roll_back(ctl, &persona_versions, argc, argv);
}
