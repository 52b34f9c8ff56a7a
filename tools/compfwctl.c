// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl [OPTIONS] OBJECT [COMMAND] [ARGS]: the command line of compfw.
 * Each object has its own file and its own dispatch table.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "compfwctl.h"
#include "print.h"

static const struct ctl_cmd objects[] = {
	{ "status", cmd_status, "status                  module version and object counts" },
	{ "component", cmd_component, "component COMMAND       add, del, list, show, history, rollback components ('component help')" },
	{ "persona", cmd_persona, "persona COMMAND         add, replace, del, list, show, activate personas ('persona help')" },
	{ "apply", cmd_apply, "apply [--check] FILE|DIR...  install the manifests of the files (JSON; DIR: its *.json; - for stdin), all or none" },
	{ "stats", cmd_stats, "stats [show|reset] [COMPONENT]  counters per component and per rule (--format openmetrics)" },
	{ "query", cmd_query, "query COMPONENT ingress|egress PROTO ADDR [PORT] [--peer NAME]  what would it decide?" },
	{ "monitor", cmd_monitor, "monitor [-t]            print policy changes and drops as they happen" },
	{ NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { 0 };
	int opt, ret;

	/* "+": options end at the object, so that commands may have their own. */
	while ((opt = getopt_long(argc, argv, "+jpn:Vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctl.json = true;
			break;
		case 'p':
			ctl.json = true;
			print_pretty(true);
			break;
		case 'n':
			ctl.netns = optarg;
			break;
		case 'V':
			printf("compfwctl %s\n", COMPFWCTL_VERSION);
			return 0;
		case 'h':
			ctl_usage(stdout, objects);
			return 0;
		default:
			ctl_usage(stderr, objects);
			return 1;
		}
	}

	print_start(stdout, ctl.json);
	ret = ctl_dispatch(&ctl, objects, "object", argc - optind, argv + optind);
	if (ctl.sock)
		ctl_disconnect(&ctl);
	return ret;
}
