// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl stats [show] [COMPONENT], compfwctl stats reset [COMPONENT]:
 * counters per component and per rule.
 */

#include <linux/compfw.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "compfwctl.h"
#include "component.h"
#include "counters.h"
#include "print.h"

static const char stats_usage[] =
	"usage: compfwctl stats [show] [--format openmetrics] [COMPONENT]\n"
	"       compfwctl stats reset [COMPONENT]\n";

/**
 * struct stats_walk - where the printing of a dump is
 * @name: the component whose object is open, "" for none; a big component
 *	spans several messages, each naming it
 * @totals: its totals were printed
 * @rules_open: its "rules" array is open
 */
struct stats_walk {
	char name[COMPFW_NAME_MAX];
	bool totals;
	bool rules_open;
};

static void close_component(struct stats_walk *w)
{
	if (w->rules_open)
		print_close_array();
	if (w->name[0])
		print_close_object();
	w->name[0] = '\0';
	w->rules_open = false;
	w->totals = false;
}

/* Each message: a component's totals, or more of its rules' counters. */
static int print_stats_msg(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1], *attr;
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct stats_walk *w = arg;
	struct rule_counters r;
	struct counters c;
	const char *name;
	int rem;

	if (component_parse(msg, tb))
		return -1;
	name = nla_get_string(tb[COMPFW_COMPONENT_A_NAME]);
	if (strcmp(name, w->name)) {
		close_component(w);
		snprintf(w->name, sizeof(w->name), "%s", name);
		print_open_object(NULL);
		print_string("component", "%s\n", name);
	}
	if (tb[COMPFW_COMPONENT_A_STATS] && !w->totals) {
		if (counters_from_attr(tb[COMPFW_COMPONENT_A_STATS], &c))
			return -1;
		w->totals = true;
		print_open_object("totals");
		counters_print("  ", &c);
		print_close_object();
	}
	nla_for_each_attr(attr, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(attr) != COMPFW_COMPONENT_A_RULE_STATS)
			continue;
		if (rule_counters_from_attr(attr, &r))
			return -1;
		if (!w->rules_open) {
			print_open_array("rules");
			w->rules_open = true;
		}
		rule_counters_print("  ", &r);
	}
	return 0;
}

static int stats_show(struct ctl *ctl, const char *name)
{
	struct stats_walk w = { "", false, false };
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
	close_component(&w);
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
	if (argc > 0 && !strcmp(argv[0], "--format")) {
		if (argc < 2 || strcmp(argv[1], "openmetrics"))
			return ctl_error("stats --format takes openmetrics");
		if (argc > 3)
			return ctl_error("stats takes at most one component");
		return stats_openmetrics(ctl, argc == 3 ? argv[2] : NULL);
	}
	if (argc > 1)
		return ctl_error("stats takes at most one component");
	return stats_show(ctl, argc ? argv[0] : NULL);
}
