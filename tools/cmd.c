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
	      "  -p, --pretty        print JSON, indented\n"
	      "  -n, --netns NETNS   act in the network namespace NETNS (see ip-netns(8))\n"
	      "objects:\n", out);
	for (; cmds->name; cmds++)
		fprintf(out, "  %s\n", cmds->usage);
}

/*
 * The command @word names: its own name, or a prefix of one name only, as
 * ip takes "ip a". NULL otherwise; *@ambiguous when it is the prefix of
 * several, which are then told.
 */
static const struct ctl_cmd *find_cmd(const struct ctl_cmd *cmds, const char *word,
				      const char *what, bool *ambiguous)
{
	const struct ctl_cmd *cmd, *found = NULL;
	char names[256] = "";
	size_t n = strlen(word);
	unsigned int matches = 0;

	*ambiguous = false;
	for (cmd = cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, word))
			return cmd;
	for (cmd = cmds; n && cmd->name; cmd++) {
		if (strncmp(cmd->name, word, n))
			continue;
		found = cmd;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 matches++ ? ", " : "", cmd->name);
	}
	if (matches == 1)
		return found;
	if (matches > 1) {
		*ambiguous = true;
		ctl_error("ambiguous %s \"%s\": %s", what, word, names);
	}
	return NULL;
}

int ctl_dispatch(struct ctl *ctl, const struct ctl_cmd *cmds,
		 const char *what, int argc, char **argv)
{
	const struct ctl_cmd *cmd;
	bool ambiguous;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		ctl_usage(argc < 1 ? stderr : stdout, cmds);
		return argc < 1;
	}
	cmd = find_cmd(cmds, argv[0], what, &ambiguous);
	if (cmd)
		return cmd->run(ctl, argc - 1, argv + 1);
	if (ambiguous)
		return 1;
	return ctl_error("unknown %s \"%s\"; try 'compfwctl help'", what,
			 argv[0]);
}

/* One object's commands: "compfwctl OBJECT help" and its own hints. */
int ctl_dispatch_object(struct ctl *ctl, const char *object,
			const struct ctl_cmd *cmds, int argc, char **argv)
{
	const struct ctl_cmd *cmd;
	FILE *out = argc < 1 ? stderr : stdout;
	bool ambiguous;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		fprintf(out, "usage: compfwctl [-j] [-n NETNS] %s COMMAND [ARGS]\n"
			"commands:\n", object);
		for (cmd = cmds; cmd->name; cmd++)
			fprintf(out, "  %s %s\n", object, cmd->usage);
		return argc < 1;
	}
	cmd = find_cmd(cmds, argv[0], "command", &ambiguous);
	if (cmd)
		return cmd->run(ctl, argc - 1, argv + 1);
	if (ambiguous)
		return 1;
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
