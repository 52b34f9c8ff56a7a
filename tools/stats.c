// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl stats [show] [COMPONENT], compfwctl stats reset [COMPONENT]:
 * counters per component and, for one component, per rule.
 */

#include <inttypes.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "compfwctl.h"
#include "print.h"

static const char stats_usage[] =
	"usage: compfwctl stats [show] [COMPONENT]\n"
	"       compfwctl stats reset [COMPONENT]\n";

uint64_t ctl_get_uint(const struct nlattr *attr)
{
	if (!attr)
		return 0;
	if (nla_len(attr) == sizeof(uint64_t))
		return nla_get_u64((struct nlattr *)attr);
	return nla_get_u32((struct nlattr *)attr);
}

static void print_totals(const struct nlattr *nest)
{
	struct nlattr *tb[COMPFW_STATS_A_MAX + 1];

	if (!nest || nla_parse_nested(tb, COMPFW_STATS_A_MAX, (struct nlattr *)nest, NULL))
		memset(tb, 0, sizeof(tb));
	print_uint("accepted_packets", "  accepted %" PRIu64 " packets",
		   ctl_get_uint(tb[COMPFW_STATS_A_ACCEPTED_PACKETS]));
	print_uint("accepted_bytes", " %" PRIu64 " bytes",
		   ctl_get_uint(tb[COMPFW_STATS_A_ACCEPTED_BYTES]));
	print_uint("dropped_packets", "  dropped %" PRIu64 " packets",
		   ctl_get_uint(tb[COMPFW_STATS_A_DROPPED_PACKETS]));
	print_uint("dropped_bytes", " %" PRIu64 " bytes",
		   ctl_get_uint(tb[COMPFW_STATS_A_DROPPED_BYTES]));
	print_uint("audited_packets", "  audited %" PRIu64 " packets",
		   ctl_get_uint(tb[COMPFW_STATS_A_AUDITED_PACKETS]));
	print_uint("audited_bytes", " %" PRIu64 " bytes",
		   ctl_get_uint(tb[COMPFW_STATS_A_AUDITED_BYTES]));
	print_uint("last_hit_ns", "  last hit %" PRIu64 " ns\n",
		   tb[COMPFW_STATS_A_LAST_HIT] ?
		   nla_get_u64(tb[COMPFW_STATS_A_LAST_HIT]) : 0);
}

static void print_rule(const struct nlattr *nest, const char *dir)
{
	struct nlattr *tb[COMPFW_RULE_A_MAX + 1];

	if (nla_parse_nested(tb, COMPFW_RULE_A_MAX, (struct nlattr *)nest, NULL) ||
	    !tb[COMPFW_RULE_A_ID])
		return;
	print_open_object(NULL);
	print_string("direction", "  %-7s", dir);
	print_uint("id", " rule %-6" PRIu64, nla_get_u32(tb[COMPFW_RULE_A_ID]));
	print_uint("packets", " %" PRIu64 " packets",
		   ctl_get_uint(tb[COMPFW_RULE_A_PACKETS]));
	print_uint("bytes", " %" PRIu64 " bytes",
		   ctl_get_uint(tb[COMPFW_RULE_A_BYTES]));
	print_uint("last_hit_ns", " last hit %" PRIu64 " ns\n",
		   tb[COMPFW_RULE_A_LAST_HIT] ?
		   nla_get_u64(tb[COMPFW_RULE_A_LAST_HIT]) : 0);
	print_close_object();
}

struct stats_walk {
	bool open;		/* a component object is open */
	bool rules_open;	/* its "rules" array is open */
};

/* Each message: a component's totals, or (one component) more of its rules. */
static int print_stats_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct stats_walk *w = arg;
	struct nlattr *attr, *name = NULL, *stats = NULL;
	int rem;

	nla_for_each_attr(attr, genlmsg_attrdata(nlmsg_data(hdr), 0),
			  genlmsg_attrlen(nlmsg_data(hdr), 0), rem) {
		if (nla_type(attr) == COMPFW_COMPONENT_A_NAME)
			name = attr;
		else if (nla_type(attr) == COMPFW_COMPONENT_A_STATS)
			stats = attr;
	}
	if (stats) {
		if (w->rules_open)
			print_close_array();
		if (w->open)
			print_close_object();
		w->open = true;
		w->rules_open = false;
		print_open_object(NULL);
		print_string("component", "%s\n", name ? nla_get_string(name) : "?");
		print_open_object("totals");
		print_totals(stats);
		print_close_object();
	}
	nla_for_each_attr(attr, genlmsg_attrdata(nlmsg_data(hdr), 0),
			  genlmsg_attrlen(nlmsg_data(hdr), 0), rem) {
		int type = nla_type(attr);

		if (type != COMPFW_COMPONENT_A_INGRESS && type != COMPFW_COMPONENT_A_EGRESS)
			continue;
		if (!w->rules_open) {
			print_open_array("rules");
			w->rules_open = true;
		}
		print_rule(attr, type == COMPFW_COMPONENT_A_INGRESS ? "ingress" : "egress");
	}
	return 0;
}

static int stats_show(struct ctl *ctl, const char *name)
{
	struct stats_walk w = { 0 };
	struct nl_msg *msg;
	int ret;

	if (ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_COMPONENT_GET, NLM_F_DUMP);
	if (!msg || (name && nla_put_string(msg, COMPFW_COMPONENT_A_NAME, name)))
		return ctl_error("out of memory");
	print_open_array(NULL);
	ret = ctl_transact(ctl, msg, "stats", print_stats_msg, &w);
	if (ret)
		return 1;
	if (w.rules_open)
		print_close_array();
	if (w.open)
		print_close_object();
	print_close_array();
	print_end();
	return 0;
}

static int stats_reset(struct ctl *ctl, const char *name)
{
	struct nl_msg *msg;

	if (ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_STATS_RESET, 0);
	if (!msg || (name && nla_put_string(msg, COMPFW_COMPONENT_A_NAME, name)))
		return ctl_error("out of memory");
	return ctl_transact(ctl, msg, "stats reset", NULL, NULL) ? 1 : 0;
}

int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) {
		fputs(stats_usage, stdout);
		return 0;
	}
	if (argc > 0 && !strcmp(argv[0], "reset")) {
		if (argc > 2)
			return ctl_error("stats reset takes at most one component");
		return stats_reset(ctl, argc == 2 ? argv[1] : NULL);
	}
	if (argc > 0 && !strcmp(argv[0], "show")) {
		argc--;
		argv++;
	}
	if (argc > 1)
		return ctl_error("stats takes at most one component");
	return stats_show(ctl, argc ? argv[0] : NULL);
}
