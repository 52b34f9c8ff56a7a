/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFWCTL_H
#define _COMPFWCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <netlink/genl/genl.h>

#define COMPFWCTL_VERSION "0.1.0"

/**
 * struct ctl - one invocation of compfwctl
 * @json: print JSON instead of text
 * @netns: name of the network namespace to act in, or NULL
 * @sock: generic netlink socket, once connected
 * @family: numeric ID of the compfw family, once connected
 * @family_version: version the module reports
 */
struct ctl {
	bool json;
	const char *netns;
	struct nl_sock *sock;
	int family;
	unsigned int family_version;
};

/**
 * struct ctl_cmd - one entry of a dispatch table
 * @name: the word that selects it
 * @run: handler, given the words after @name; returns the exit status
 * @usage: one line of help
 */
struct ctl_cmd {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *usage;
};

int ctl_dispatch(struct ctl *ctl, const struct ctl_cmd *cmds,
		 const char *what, int argc, char **argv);
void ctl_usage(FILE *out, const struct ctl_cmd *cmds);
int ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* nl.c */
int ctl_connect(struct ctl *ctl);
void ctl_disconnect(struct ctl *ctl);
struct nl_msg *ctl_msg(struct ctl *ctl, unsigned char cmd, int flags);
int ctl_transact(struct ctl *ctl, struct nl_msg *msg, const char *what,
		 int (*parse)(struct nl_msg *msg, void *arg), void *arg);
const char *ctl_version_problem(unsigned int have, unsigned int need);
const char *ctl_errno_text(int err);

/* netns.c */
int ctl_enter_netns(const char *name);

/* status.c */
int cmd_status(struct ctl *ctl, int argc, char **argv);

#endif /* _COMPFWCTL_H */
