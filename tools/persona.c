// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl persona add|replace|del|list|show|activate: named network
 * profiles in the kernel, and the switch of a component between them
 * (history and rollback are history.c's).
 * A persona file is read and checked whole (manifest.c) before anything is
 * sent; a kernel error is mapped back to the file's JSON path.
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/compfw.h>
#include <stdlib.h>
#include <string.h>

#include "attrpath.h"
#include "compfwctl.h"
#include "component.h"
#include "manifest.h"
#include "print.h"

#define ADD_USAGE "add FILE"
#define REPLACE_USAGE "replace FILE"
#define DEL_USAGE "del NAME"
#define LIST_USAGE "list"
#define SHOW_USAGE "show NAME"
#define ACTIVATE_USAGE "activate COMPONENT PERSONA"

static struct nla_policy persona_policy[COMPFW_PERSONA_A_MAX + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_STRING, .maxlen = COMPFW_NAME_MAX },
	[COMPFW_PERSONA_A_SECURITY_LEVEL] = { .type = NLA_U8 },
	[COMPFW_PERSONA_A_ENCRYPTION_REQUIRED] = { .type = NLA_FLAG },
	[COMPFW_PERSONA_A_COMMUNICATION_MODE] = { .type = NLA_U8 },
	[COMPFW_PERSONA_A_ALLOWED_PROTO] = { .type = NLA_U8 },
	[COMPFW_PERSONA_A_PRIORITY] = { .type = NLA_U32 },
	[COMPFW_PERSONA_A_DSCP] = { .type = NLA_U8 },
	[COMPFW_PERSONA_A_RATE] = { .type = NLA_U64 },
	[COMPFW_PERSONA_A_BURST] = { .type = NLA_U32 },
	[COMPFW_PERSONA_A_TRIGGER_PROCESS] = { .type = NLA_STRING },
	[COMPFW_PERSONA_A_TRIGGER_PATH] = { .type = NLA_STRING },
	[COMPFW_PERSONA_A_LIMIT_CPU] = { .type = NLA_STRING },
	[COMPFW_PERSONA_A_LIMIT_MEMORY] = { .type = NLA_STRING },
	[COMPFW_PERSONA_A_LIMIT_IO] = { .type = NLA_STRING },
	[COMPFW_PERSONA_A_PROFILE] = { .type = NLA_NESTED },
	[COMPFW_PERSONA_A_USERS] = { .type = NLA_U32 },
	[COMPFW_PERSONA_A_RULES] = { .type = NLA_U32 },
	[COMPFW_PERSONA_A_VERSION] = { .type = NLA_STRING, .maxlen = COMPFW_VERSION_MAX },
	[COMPFW_PERSONA_A_GENERATION] = { .type = NLA_U32 },
};

/* The JSON path of the attribute the kernel blamed: the request built again. */
static const char *request_path(struct ctl *ctl, const struct persona *pa, size_t size,
				long offset, char *buf, size_t bufsize)
{
	struct attr_paths paths = { 0 };
	struct nl_msg *msg = NULL;
	struct mf_error err;

	buf[0] = '\0';
	if (offset >= 0)
		msg = ctl_msg_size(ctl, COMPFW_CMD_PERSONA_NEW, 0, size);
	if (!msg)
		return buf;
	if (!persona_put(msg, pa, &paths, &err))
		attr_paths_format(&paths, attr_paths_find(&paths, offset), buf, bufsize);
	nlmsg_free(msg);
	attr_paths_free(&paths);
	return buf;
}

static int send_persona(struct ctl *ctl, const char *file, const struct persona *pa,
			bool replace)
{
	char text[512], path[256], line[1024];
	size_t size = persona_msg_size(pa);
	struct ctl_reply reply;
	struct mf_error err;
	struct nl_msg *msg;

	msg = ctl_msg_size(ctl, COMPFW_CMD_PERSONA_NEW, 0, size);
	if (!msg)
		return ctl_error("out of memory");
	if (persona_put(msg, pa, NULL, &err) ||
	    (replace && nla_put_flag(msg, COMPFW_PERSONA_A_REPLACE) < 0)) {
		nlmsg_free(msg);
		return ctl_error("%s", manifest_error_format(file, &err, line, sizeof(line)));
	}
	if (!ctl_request(ctl, msg, NULL, NULL, &reply))
		return 0;
	request_path(ctl, pa, size, reply.offset, path, sizeof(path));
	return ctl_error("%s: %s%s%s", file, path, path[0] ? ": " : "",
			 ctl_reply_text(&reply, text, sizeof(text)));
}

static int persona_define(struct ctl *ctl, bool replace, const char *usage, int argc,
			  char **argv)
{
	struct persona pa;
	struct mf_error err;
	char line[1024];
	size_t len;
	char *buf;
	int ret;

	if (ctl_wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl %s", usage);
	buf = ctl_read_file(argv[0], &len);
	if (!buf)
		return ctl_error("%s: %s", argv[0], strerror(errno));
	ret = persona_parse(buf, len, &pa, &err);
	free(buf);
	if (ret) {
		persona_free(&pa);
		return ctl_error("%s", manifest_error_format(argv[0], &err, line, sizeof(line)));
	}
	ret = ctl_connect(ctl) || send_persona(ctl, argv[0], &pa, replace);
	persona_free(&pa);
	return ret;
}

static int persona_add(struct ctl *ctl, int argc, char **argv)
{
	return persona_define(ctl, false, "persona " ADD_USAGE, argc, argv);
}

static int persona_replace(struct ctl *ctl, int argc, char **argv)
{
	return persona_define(ctl, true, "persona " REPLACE_USAGE, argc, argv);
}

static int persona_del(struct ctl *ctl, int argc, char **argv)
{
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, "persona " DEL_USAGE))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl persona " DEL_USAGE);
	if (ctl_check_name("persona", argv[0]) || ctl_connect(ctl))
		return 1;
	msg = ctl_name_msg(ctl, COMPFW_CMD_PERSONA_DEL, COMPFW_PERSONA_A_NAME, argv[0]);
	if (!msg)
		return ctl_error("out of memory");
	return ctl_transact(ctl, msg, "persona del", NULL, NULL);
}

/* One PERSONA_GET message into @arg, a struct persona set up by persona_init(). */
static int read_persona(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_PERSONA_A_MAX + 1];
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, COMPFW_PERSONA_A_MAX, persona_policy) < 0)
		return -1;
	return persona_from_attrs(tb, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
				  arg);
}

static const char *trigger_text(const struct persona *pa)
{
	return pa->trigger_process ?: pa->trigger_path ?: "api";
}

static int print_row(struct nl_msg *msg, void *arg)
{
	struct persona pa;
	int ret;

	(void)arg;
	persona_init(&pa);
	ret = read_persona(msg, &pa);
	if (!ret) {
		print_open_object(NULL);
		print_string("name", "%-24s ", pa.name);
		print_uint("users", "%-6" PRIu64 " ", pa.users);
		print_string("level", "%-8s ", pa.security_level == PERSONA_UNSET ? "-" :
			     persona_level_name(pa.security_level));
		print_string("trigger", "%s\n", trigger_text(&pa));
		print_close_object();
	}
	persona_free(&pa);
	return ret;
}

static int persona_list(struct ctl *ctl, int argc, char **argv)
{
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, "persona " LIST_USAGE))
		return 0;
	if (argc)
		return ctl_error("usage: compfwctl persona " LIST_USAGE);
	if (ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_PERSONA_GET, NLM_F_DUMP);
	if (!msg)
		return ctl_error("out of memory");
	print_text("%-24s %-6s %-8s %s\n", "NAME", "USERS", "LEVEL", "TRIGGER");
	print_open_array(NULL);
	if (ctl_transact(ctl, msg, "persona list", print_row, NULL))
		return 1;
	print_close_array();
	print_end();
	return 0;
}

/*
 * The persona as a file would say it, which `persona add` reads back, and
 * beside it how many manifests in force may take it.
 */
static int persona_show(struct ctl *ctl, int argc, char **argv)
{
	struct persona pa;
	struct nl_msg *msg;
	json_t *obj;
	int ret;

	if (ctl_wants_help(argc, argv, "persona " SHOW_USAGE))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl persona " SHOW_USAGE);
	if (ctl_check_name("persona", argv[0]) || ctl_connect(ctl))
		return 1;
	/* A dump by name: a large profile comes over several messages. */
	msg = ctl_msg(ctl, COMPFW_CMD_PERSONA_GET, NLM_F_DUMP);
	if (!msg || nla_put_string(msg, COMPFW_PERSONA_A_NAME, argv[0]) < 0) {
		nlmsg_free(msg);
		return ctl_error("out of memory");
	}
	persona_init(&pa);
	ret = ctl_transact(ctl, msg, "persona show", read_persona, &pa);
	if (!ret && !pa.name)
		ret = ctl_error("persona show: malformed reply from the kernel: no persona");
	if (!ret) {
		print_open_object(NULL);
		print_uint("users", "users         %" PRIu64 "\n", pa.users);
		print_uint("generation", "generation    %" PRIu64 "\n", pa.generation);
		print_text("persona\n");
		obj = persona_to_json(&pa);
		print_json_value("persona", obj);
		print_close_object();
		print_end();
	}
	persona_free(&pa);
	return ret;
}

static int persona_activate(struct ctl *ctl, int argc, char **argv)
{
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, "persona " ACTIVATE_USAGE))
		return 0;
	if (argc != 2)
		return ctl_error("usage: compfwctl persona " ACTIVATE_USAGE);
	if (ctl_check_name("component", argv[0]) || ctl_check_name("persona", argv[1]) ||
	    ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_PERSONA_ACTIVATE, 0);
	if (!msg || nla_put_string(msg, COMPFW_COMPONENT_A_NAME, argv[0]) < 0 ||
	    nla_put_string(msg, COMPFW_COMPONENT_A_PERSONA, argv[1]) < 0) {
		nlmsg_free(msg);
		return ctl_error("out of memory");
	}
	return ctl_transact(ctl, msg, "persona activate", NULL, NULL);
}

static const struct ctl_cmd persona_cmds[] = {
	{ "add", persona_add, ADD_USAGE },
	{ "replace", persona_replace, REPLACE_USAGE },
	{ "del", persona_del, DEL_USAGE },
	{ "list", persona_list, LIST_USAGE },
	{ "show", persona_show, SHOW_USAGE },
	{ "activate", persona_activate, ACTIVATE_USAGE },
	{ "history", persona_history, HISTORY_USAGE },
	{ "rollback", persona_rollback, ROLLBACK_USAGE },
	{ NULL, NULL, NULL },
};

int cmd_persona(struct ctl *ctl, int argc, char **argv)
{
	return ctl_dispatch_object(ctl, "persona", persona_cmds, argc, argv);
}
