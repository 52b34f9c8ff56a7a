// SPDX-License-Identifier: GPL-2.0
/* Dispatch tables, help and the one-line error every failure prints. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compfwctl.h"

int ctl_error(const char *fmt, ...)
{
	va_list ap;

	fputs("compfwctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

void ctl_usage(FILE *out, const struct ctl_cmd *cmds)
{
	fputs("usage: compfwctl [-j] [-n NETNS] OBJECT [COMMAND] [ARGS]\n"
	      "       compfwctl --version | --help\n"
	      "options:\n"
	      "  -j, --json          print JSON\n"
	      "  -n, --netns NETNS   act in the network namespace NETNS (see ip-netns(8))\n"
	      "objects:\n", out);
	for (; cmds->name; cmds++)
		fprintf(out, "  %s\n", cmds->usage);
}

int ctl_dispatch(struct ctl *ctl, const struct ctl_cmd *cmds,
		 const char *what, int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		ctl_usage(argc < 1 ? stderr : stdout, cmds);
		return argc < 1;
	}
	for (cmd = cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[0]))
			return cmd->run(ctl, argc - 1, argv + 1);
	return ctl_error("unknown %s \"%s\"; try 'compfwctl help'", what,
			 argv[0]);
}

/* One object's commands: "compfwctl OBJECT help" and its own hints. */
int ctl_dispatch_object(struct ctl *ctl, const char *object,
			const struct ctl_cmd *cmds, int argc, char **argv)
{
	const struct ctl_cmd *cmd;
	FILE *out = argc < 1 ? stderr : stdout;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		fprintf(out, "usage: compfwctl [-j] [-n NETNS] %s COMMAND [ARGS]\n"
			"commands:\n", object);
		for (cmd = cmds; cmd->name; cmd++)
			fprintf(out, "  %s %s\n", object, cmd->usage);
		return argc < 1;
	}
	for (cmd = cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[0]))
			return cmd->run(ctl, argc - 1, argv + 1);
	return ctl_error("unknown %s command \"%s\"; try 'compfwctl %s help'",
			 object, argv[0], object);
}

/* "compfwctl OBJECT COMMAND help": the command's own line of help. */
bool ctl_wants_help(int argc, char **argv, const char *usage)
{
	if (argc < 1 || strcmp(argv[0], "help"))
		return false;
	printf("usage: compfwctl [-j] [-n NETNS] %s\n", usage);
	return true;
}
