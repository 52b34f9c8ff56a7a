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
int ctl_dispatch_object(struct ctl *ctl, const char *object,
			const struct ctl_cmd *cmds, int argc, char **argv);
bool ctl_wants_help(int argc, char **argv, const char *usage);
void ctl_usage(FILE *out, const struct ctl_cmd *cmds);
int ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * struct ctl_reply - how the kernel answered a request
 * @err: positive errno, 0 when it acknowledged
 * @extack: the kernel's message (NLMSGERR_ATTR_MSG), or ""
 * @offset: offset from the start of the request of the attribute the kernel
 *	blames (NLMSGERR_ATTR_OFFS, or NLMSGERR_ATTR_MISS_NEST), or -1
 * @transport: libnl's text when the exchange itself failed, or NULL
 * @interrupted: a dump's replies are inconsistent (NLM_F_DUMP_INTR): what
 *	it read changed while it was read; asking again may succeed
 */
struct ctl_reply {
	int err;
	char extack[256];
	long offset;
	const char *transport;
	bool interrupted;
};

/* nl.c */
int ctl_connect(struct ctl *ctl);
void ctl_disconnect(struct ctl *ctl);
struct nl_msg *ctl_msg(struct ctl *ctl, unsigned char cmd, int flags);
struct nl_msg *ctl_msg_size(struct ctl *ctl, unsigned char cmd, int flags,
			    size_t size);
struct nl_msg *ctl_name_msg(struct ctl *ctl, unsigned char cmd, int type, const char *name);
int ctl_check_name(const char *what, const char *name);
int ctl_transact(struct ctl *ctl, struct nl_msg *msg, const char *what,
		 int (*parse)(struct nl_msg *msg, void *arg), void *arg);
int ctl_request(struct ctl *ctl, struct nl_msg *msg,
		int (*parse)(struct nl_msg *msg, void *arg), void *arg,
		struct ctl_reply *reply);
const char *ctl_reply_text(const struct ctl_reply *reply, char *buf,
			   size_t size);
const char *ctl_version_problem(unsigned int have, unsigned int need);
const char *ctl_errno_text(int err);

/* netns.c */
int ctl_enter_netns(const char *name);

/* status.c */
int cmd_status(struct ctl *ctl, int argc, char **argv);

/* component.c */
int cmd_component(struct ctl *ctl, int argc, char **argv);
int component_cgroup(struct ctl *ctl, const char *name, char *cgroup,
		     size_t size, struct ctl_reply *reply);

/* apply.c */
int cmd_apply(struct ctl *ctl, int argc, char **argv);
char *ctl_read_file(const char *name, size_t *len);

/* persona.c */
int cmd_persona(struct ctl *ctl, int argc, char **argv);
int persona_history(struct ctl *ctl, int argc, char **argv);
int persona_rollback(struct ctl *ctl, int argc, char **argv);

/* stats.c, query.c, monitor.c */
int cmd_stats(struct ctl *ctl, int argc, char **argv);
int stats_openmetrics(struct ctl *ctl, const char *name);
int cmd_query(struct ctl *ctl, int argc, char **argv);
int cmd_monitor(struct ctl *ctl, int argc, char **argv);

#endif /* _COMPFWCTL_H */
