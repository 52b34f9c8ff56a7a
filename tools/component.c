// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl component add|del|list|show: the components the kernel
 * knows, with their manifests and counters, and the limits their cgroup's
 * files hold.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "compfwctl.h"
#include "component.h"
#include "manifest.h"
#include "print.h"

#define ADD_USAGE "add NAME [id ID] [cgroup PATH] [address CIDR]..."
#define DEL_USAGE "del NAME"
#define LIST_USAGE "list"
#define SHOW_USAGE "show NAME"

static struct nla_policy component_policy[COMPFW_COMPONENT_A_MAX + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_STRING,
				      .maxlen = COMPFW_NAME_MAX },
	[COMPFW_COMPONENT_A_ID] = { .type = NLA_U32 },
	[COMPFW_COMPONENT_A_CGROUP] = { .type = NLA_STRING,
					.maxlen = COMPFW_CGROUP_MAX },
	[COMPFW_COMPONENT_A_CGROUP_ID] = { .type = NLA_U64 },
	[COMPFW_COMPONENT_A_CGROUP_ABSENT] = { .type = NLA_FLAG },
	[COMPFW_COMPONENT_A_ADDRESS] = { .type = NLA_NESTED },
	[COMPFW_COMPONENT_A_GENERATION] = { .type = NLA_U32 },
	[COMPFW_COMPONENT_A_HAS_PREVIOUS] = { .type = NLA_FLAG },
	[COMPFW_COMPONENT_A_RULES] = { .type = NLA_U32 },
	[COMPFW_COMPONENT_A_MANIFEST] = { .type = NLA_NESTED },
	[COMPFW_COMPONENT_A_STATS] = { .type = NLA_NESTED },
	[COMPFW_COMPONENT_A_RULE_STATS] = { .type = NLA_NESTED },
	[COMPFW_COMPONENT_A_PERSONA] = { .type = NLA_STRING, .maxlen = COMPFW_NAME_MAX },
};

/**
 * component_parse() - one message of a COMPONENT_GET reply, by its policy
 * Return: 0, or -1 when it is malformed or does not name its component.
 */
int component_parse(struct nl_msg *msg,
		    struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1])
{
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, COMPFW_COMPONENT_A_MAX,
			  component_policy) < 0) {
		memset(tb, 0, (COMPFW_COMPONENT_A_MAX + 1) * sizeof(*tb));
		return -1;
	}
	return tb[COMPFW_COMPONENT_A_NAME] ? 0 : -1;
}

static uint64_t u32_or_0(const struct nlattr *attr)
{
	return attr ? nla_get_u32((struct nlattr *)attr) : 0;
}

/* What one owned address takes in the request: a nest of two attributes. */
#define ADD_ADDRESS_BYTES 32

/**
 * struct add_args - `component add` as checked before anything is sent
 * @id: 0 when the kernel picks it
 * @cgroup: root-relative, or "" for none
 * @addr: the addresses the component owns, @n_addr of them
 */
struct add_args {
	uint32_t id;
	char cgroup[PATH_MAX];
	struct cidr *addr;
	unsigned int n_addr;
};

static int add_address(struct add_args *args, const char *text)
{
	char good[CIDR_TEXT_MAX];
	struct cidr masked, *grown;

	grown = realloc(args->addr, (args->n_addr + 1) * sizeof(*args->addr));
	if (!grown)
		return ctl_error("out of memory");
	args->addr = grown;
	if (cidr_parse(text, &args->addr[args->n_addr]))
		return ctl_error("bad CIDR \"%s\"", text);
	if (cidr_host_bits(&args->addr[args->n_addr], &masked))
		return ctl_error("\"%s\" has host bits set (did you mean %s?)",
				 text, cidr_format(&masked, good));
	args->n_addr++;
	return 0;
}

static int add_cgroup(struct add_args *args, const char *path)
{
	char mnt[PATH_MAX];
	const char *why;
	bool mounted = !cgroup_mount(CGROUP_MOUNTS, mnt, sizeof(mnt));

	if (cgroup_normalise(mounted ? mnt : NULL, path, args->cgroup,
			     sizeof(args->cgroup), &why))
		return ctl_error("cgroup path \"%s\" %s", path, why);
	return 0;
}

static int add_id(struct add_args *args, const char *text)
{
	unsigned long long id;
	char *end;

	errno = 0;
	id = strtoull(text, &end, 10);
	if (errno || *end || !*text || text[0] == '-' || !id || id > UINT32_MAX)
		return ctl_error("bad component id \"%s\" (1-%u)", text,
				 UINT32_MAX);
	args->id = id;
	return 0;
}

/* The keywords after NAME, iproute2 style: each takes one value. */
static int add_keywords(struct add_args *args, int argc, char **argv)
{
	bool have_id = false, have_cgroup = false;
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return ctl_error("\"%s\" needs a value; try 'compfwctl component add help'",
					 argv[i]);
		if (!strcmp(argv[i], "id") && !have_id) {
			have_id = true;
			ret = add_id(args, argv[i + 1]);
		} else if (!strcmp(argv[i], "cgroup") && !have_cgroup) {
			have_cgroup = true;
			ret = add_cgroup(args, argv[i + 1]);
		} else if (!strcmp(argv[i], "address")) {
			ret = add_address(args, argv[i + 1]);
		} else {
			return ctl_error("unexpected \"%s\"; try 'compfwctl component add help'",
					 argv[i]);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int put_add_args(struct nl_msg *msg, const struct add_args *args)
{
	struct nlattr *nest;
	unsigned int i;

	if ((args->id && nla_put_u32(msg, COMPFW_COMPONENT_A_ID, args->id) < 0) ||
	    (args->cgroup[0] &&
	     nla_put_string(msg, COMPFW_COMPONENT_A_CGROUP, args->cgroup) < 0))
		return -1;
	for (i = 0; i < args->n_addr; i++) {
		const struct cidr *c = &args->addr[i];

		nest = nla_nest_start(msg, COMPFW_COMPONENT_A_ADDRESS);
		if (!nest ||
		    nla_put(msg, c->family == AF_INET ? COMPFW_CIDR_A_ADDR4 :
			    COMPFW_CIDR_A_ADDR6, cidr_addr_len(c), c->addr) < 0 ||
		    nla_put_u8(msg, COMPFW_CIDR_A_PREFIX_LEN, c->prefix_len) < 0)
			return -1;
		nla_nest_end(msg, nest);
	}
	return 0;
}

static int component_add(struct ctl *ctl, int argc, char **argv)
{
	struct add_args *args;
	struct nl_msg *msg;
	int ret = 1;

	if (ctl_wants_help(argc, argv, "component " ADD_USAGE))
		return 0;
	if (argc < 1)
		return ctl_error("usage: compfwctl component " ADD_USAGE);
	args = calloc(1, sizeof(*args));
	if (!args)
		return ctl_error("out of memory");
	if (ctl_check_name("component", argv[0]) || add_keywords(args, argc - 1, argv + 1) ||
	    ctl_connect(ctl))
		goto out;
	msg = ctl_msg_size(ctl, COMPFW_CMD_COMPONENT_NEW, 0,
			   4096 + sizeof(args->cgroup) +
			   (size_t)args->n_addr * ADD_ADDRESS_BYTES);
	if (!msg || nla_put_string(msg, COMPFW_COMPONENT_A_NAME, argv[0]) < 0 ||
	    put_add_args(msg, args)) {
		nlmsg_free(msg);
		ret = ctl_error("out of memory");
		goto out;
	}
	ret = ctl_transact(ctl, msg, "component add", NULL, NULL);
out:
	free(args->addr);
	free(args);
	return ret;
}

/* del: a name, nothing back but the acknowledgement. */
static int name_only(struct ctl *ctl, int cmd, const char *what,
		     const char *usage, int argc, char **argv)
{
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl %s", usage);
	if (ctl_check_name("component", argv[0]) || ctl_connect(ctl))
		return 1;
	msg = ctl_name_msg(ctl, cmd, COMPFW_COMPONENT_A_NAME, argv[0]);
	if (!msg)
		return ctl_error("out of memory");
	return ctl_transact(ctl, msg, what, NULL, NULL);
}

static int component_del(struct ctl *ctl, int argc, char **argv)
{
	return name_only(ctl, COMPFW_CMD_COMPONENT_DEL, "component del",
			 "component " DEL_USAGE, argc, argv);
}

/* The version and mode of the manifest nest, without decoding its rules. */
static void print_manifest_summary(const struct nlattr *manifest)
{
	struct nlattr *version = NULL, *mode = NULL;

	if (manifest) {
		version = nla_find(nla_data(manifest), nla_len(manifest),
				   COMPFW_MANIFEST_A_VERSION);
		mode = nla_find(nla_data(manifest), nla_len(manifest),
				COMPFW_MANIFEST_A_MODE);
	}
	if (version && nla_len(version) > 0)
		print_string("version", "%-12s ", nla_get_string(version));
	else
		print_null("version", "%-12s ", "-");
	print_string("mode", "%s\n", !manifest ? "unmanaged" :
		     mode && nla_get_u8(mode) == COMPFW_MODE_AUDIT ?
		     "audit" : "enforce");
}

/* The name of the row printed last: a big component spans several messages. */
struct list_walk {
	char last[COMPFW_NAME_MAX];
};

static int print_row(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1];
	struct list_walk *w = arg;
	const char *name;

	if (component_parse(msg, tb))
		return -1;
	name = nla_get_string(tb[COMPFW_COMPONENT_A_NAME]);
	/* More of the row before (its addresses, its rules): nothing to show. */
	if (!strcmp(name, w->last))
		return 0;
	if (!tb[COMPFW_COMPONENT_A_ID])
		return -1;
	snprintf(w->last, sizeof(w->last), "%s", name);
	print_open_object(NULL);
	print_string("name", "%-20s ", nla_get_string(tb[COMPFW_COMPONENT_A_NAME]));
	print_uint("id", "%-8" PRIu64 " ", nla_get_u32(tb[COMPFW_COMPONENT_A_ID]));
	if (tb[COMPFW_COMPONENT_A_CGROUP])
		print_string("cgroup", "%-24s ",
			     nla_get_string(tb[COMPFW_COMPONENT_A_CGROUP]));
	else
		print_null("cgroup", "%-24s ", "-");
	print_uint("generation", "%-10" PRIu64 " ",
		   u32_or_0(tb[COMPFW_COMPONENT_A_GENERATION]));
	print_manifest_summary(tb[COMPFW_COMPONENT_A_MANIFEST]);
	print_close_object();
	return 0;
}

static int component_list(struct ctl *ctl, int argc, char **argv)
{
	struct list_walk w = { "" };
	struct nl_msg *msg;

	if (ctl_wants_help(argc, argv, "component " LIST_USAGE))
		return 0;
	if (argc)
		return ctl_error("usage: compfwctl component " LIST_USAGE);
	if (ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_COMPONENT_GET, NLM_F_DUMP);
	if (!msg)
		return ctl_error("out of memory");
	print_text("%-20s %-8s %-24s %-10s %-12s %s\n", "NAME", "ID", "CGROUP",
		   "GENERATION", "VERSION", "MODE");
	print_open_array(NULL);
	if (ctl_transact(ctl, msg, "component list", print_row, &w))
		return 1;
	print_close_array();
	print_end();
	return 0;
}

static void print_stats(const struct counters *c)
{
	print_open_object("stats");
	counters_print("", c);
	print_close_object();
}

/* A file's lines, indented to the value column in text mode. */
static void print_limit_value(const char *key, const char *file,
			      const char *value)
{
	char fmt[64];
	const char *p;

	snprintf(fmt, sizeof(fmt), "%-13s %%s\n", file);
	if (print_is_json() || !strchr(value, '\n')) {
		print_string(key, fmt, value);
		return;
	}
	print_text("%-13s ", file);
	for (p = value; *p; p++)
		print_text(*p == '\n' ? "\n              " : "%c", *p);
	print_text("\n");
}

/*
 * The limits as the cgroup's files hold them now: the kernel never knew
 * them, and whoever can write the files may have changed them since.
 */
static void print_limits(const struct nlattr *cgroup)
{
	char mnt[PATH_MAX], path[PATH_MAX], value[CGROUP_VALUE_MAX];
	bool mounted = !cgroup_mount(CGROUP_MOUNTS, mnt, sizeof(mnt));
	const char *dir = cgroup ? nla_get_string((struct nlattr *)cgroup) : "";
	int i;

	print_open_object("limits");
	for (i = 0; i < MF_LIMIT_COUNT; i++) {
		if (cgroup && mounted &&
		    !cgroup_limit_path(path, sizeof(path), mnt, dir, i) &&
		    !cgroup_read(path, value, sizeof(value)))
			print_limit_value(mf_limit_key[i], mf_limit_file[i],
					  value);
		else
			print_null(mf_limit_key[i], "%-13s -\n",
				   mf_limit_file[i]);
	}
	print_close_object();
}

static void print_manifest(const struct component_reply *c)
{
	if (!c->managed) {
		print_null("manifest", "manifest      %s\n", "none (unmanaged)");
		return;
	}
	print_text("manifest\n");
	print_json_value("manifest", manifest_to_json(&c->m));
}

/* `component show`: the component of @c, its counters, limits and manifest. */
void component_print(const struct component_reply *c)
{
	struct nlattr *const *tb = c->tb;
	struct nlattr *cgroup = tb[COMPFW_COMPONENT_A_CGROUP];

	print_open_object(NULL);
	print_string("name", "name          %s\n",
		     nla_get_string(tb[COMPFW_COMPONENT_A_NAME]));
	print_uint("id", "id            %" PRIu64 "\n",
		   nla_get_u32(tb[COMPFW_COMPONENT_A_ID]));
	if (cgroup) {
		/* The component keeps its path while no cgroup is at it. */
		const char *state = tb[COMPFW_COMPONENT_A_CGROUP_PENDING] ? "pending" :
				    tb[COMPFW_COMPONENT_A_CGROUP_ABSENT] ? "absent" : NULL;

		char fmt[32];

		snprintf(fmt, sizeof(fmt), state ? "cgroup        %%s (%s)\n" : "cgroup        %%s\n",
			 state);
		print_string("cgroup", fmt, nla_get_string(cgroup));
		print_string("cgroup_state", NULL, state ?: "present");
	} else {
		print_null("cgroup", "cgroup        %s\n", "-");
	}
	if (tb[COMPFW_COMPONENT_A_CGROUP_ID])
		print_uint("cgroup_id", "cgroup id     %" PRIu64 "\n",
			   nla_get_u64(tb[COMPFW_COMPONENT_A_CGROUP_ID]));
	else
		print_null("cgroup_id", "cgroup id     %s\n", "-");
	print_uint("generation", "generation    %" PRIu64 "\n",
		   u32_or_0(tb[COMPFW_COMPONENT_A_GENERATION]));
	print_bool("rollback_available", "rollback      %s\n",
		   !!tb[COMPFW_COMPONENT_A_HAS_PREVIOUS]);
	if (tb[COMPFW_COMPONENT_A_PERSONA])
		print_string("persona", "persona       %s\n",
			     nla_get_string(tb[COMPFW_COMPONENT_A_PERSONA]));
	print_stats(&c->stats);
	print_limits(cgroup);
	print_manifest(c);
	print_close_object();
}

static int reply_problem(struct component_reply *c, const char *problem)
{
	if (!c->problem)
		c->problem = problem;
	return -1;
}

/* @v with room for @more after its @n elements; a message adds hundreds at once. */
static void *grow_array(void *v, unsigned int n, unsigned int more, size_t size)
{
	return realloc(v, ((size_t)n + more) * size);
}

static unsigned int count_attrs(struct genlmsghdr *gnlh, int type)
{
	struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
			  rem)
		n += nla_type(a) == type;
	return n;
}

/* The addresses and rule counters of one message, after those before. */
static int add_lists(struct component_reply *c, struct genlmsghdr *gnlh)
{
	unsigned int n_addr = count_attrs(gnlh, COMPFW_COMPONENT_A_ADDRESS);
	unsigned int n_rc = count_attrs(gnlh, COMPFW_COMPONENT_A_RULE_STATS);
	struct nlattr *a;
	void *grown;
	int rem;

	if (n_addr) {
		grown = grow_array(c->addr, c->n_addr, n_addr, sizeof(*c->addr));
		if (!grown)
			return reply_problem(c, "out of memory");
		c->addr = grown;
	}
	if (n_rc) {
		grown = grow_array(c->rules, c->n_rule_counters, n_rc,
				   sizeof(*c->rules));
		if (!grown)
			return reply_problem(c, "out of memory");
		c->rules = grown;
	}
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
			  rem) {
		if (nla_type(a) == COMPFW_COMPONENT_A_ADDRESS &&
		    cidr_from_attr(a, &c->addr[c->n_addr++]))
			return reply_problem(c, "a malformed address");
		if (nla_type(a) == COMPFW_COMPONENT_A_RULE_STATS &&
		    rule_counters_from_attr(a, &c->rules[c->n_rule_counters++]))
			return reply_problem(c, "malformed rule counters");
	}
	return 0;
}

/**
 * component_reply_msg() - take in one message of a COMPONENT_GET reply
 * @msg: the message
 * @arg: a &struct component_reply, zeroed but for @name and @want_rules
 *
 * The first message holds the component, and every message may hold more
 * of its addresses, of its manifest (parts, COMPFW_COMPONENT_A_MANIFEST)
 * and of its rules' counters; all of them name it.
 *
 * Return: 0, or -1 with @arg's problem set.
 */
int component_reply_msg(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1];
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct component_reply *c = arg;
	struct nlattr *part;
	int rem;

	if (c->problem)
		return -1;
	if (component_parse(msg, tb))
		return reply_problem(c, tb[COMPFW_COMPONENT_A_NAME] ?
				     "a message with a malformed attribute" :
				     "a message without the component's name");
	if (c->name && strcmp(nla_get_string(tb[COMPFW_COMPONENT_A_NAME]),
			      c->name))
		return reply_problem(c, "a message about another component");
	if (!c->first) {
		if (!tb[COMPFW_COMPONENT_A_ID])
			return reply_problem(c, "the first message has no component ID");
		nlmsg_get(msg);
		c->first = msg;
		memcpy(c->tb, tb, sizeof(tb));
		c->n_rules = -1;
		manifest_init(&c->m);
	}
	if (tb[COMPFW_COMPONENT_A_RULES])
		c->n_rules = nla_get_u32(tb[COMPFW_COMPONENT_A_RULES]);
	if (tb[COMPFW_COMPONENT_A_STATS] &&
	    counters_from_attr(tb[COMPFW_COMPONENT_A_STATS], &c->stats))
		return reply_problem(c, "malformed counters");
	if (add_lists(c, gnlh))
		return -1;
	/* A message may hold several parts: the header's, then entries'. */
	nla_for_each_attr(part, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(part) != COMPFW_COMPONENT_A_MANIFEST)
			continue;
		c->managed = true;
		if (manifest_part_from_attr(part, &c->m, c->want_rules))
			return reply_problem(c, "a malformed manifest");
	}
	return 0;
}

/* After the last message: NULL, or why they do not make one component. */
const char *component_reply_check(struct component_reply *c)
{
	static char text[96];
	unsigned int got = c->m.n_ingress + c->m.n_egress;

	if (c->problem)
		return c->problem;
	if (!c->first)
		return c->problem = "no reply";
	/* The parts name it; the reply's manifest need not. */
	if (c->managed && !c->m.component &&
	    !(c->m.component = strdup(nla_get_string(c->tb[COMPFW_COMPONENT_A_NAME]))))
		return c->problem = "out of memory";
	if (c->want_rules && c->managed && c->n_rules >= 0 &&
	    got != (uint64_t)c->n_rules) {
		snprintf(text, sizeof(text), "%u rules of the %" PRId64 " announced",
			 got, c->n_rules);
		return c->problem = text;
	}
	return NULL;
}

void component_reply_free(struct component_reply *c)
{
	nlmsg_free(c->first);
	manifest_free(&c->m);
	free(c->addr);
	free(c->rules);
	c->first = NULL;
	memset(c->tb, 0, sizeof(c->tb));
	c->managed = false;
	c->addr = NULL;
	c->rules = NULL;
	c->n_addr = c->n_rule_counters = 0;
	c->problem = NULL;
}

/*
 * One component by a dump filtered by name, which carries a manifest of any
 * size over as many messages as it needs. A dump the kernel marks as
 * interrupted (the manifest changed while it was read) is asked for again.
 */
static int fetch_component(struct ctl *ctl, const char *name, bool want_rules,
			   struct component_reply *c, struct ctl_reply *reply)
{
	static char text[160];
	const char *problem;
	struct nl_msg *msg;
	int tries = 0, ret;

	for (;;) {
		memset(c, 0, sizeof(*c));
		c->name = name;
		c->want_rules = want_rules;
		msg = ctl_msg(ctl, COMPFW_CMD_COMPONENT_GET, NLM_F_DUMP);
		if (!msg || nla_put_string(msg, COMPFW_COMPONENT_A_NAME, name) < 0) {
			nlmsg_free(msg);
			memset(reply, 0, sizeof(*reply));
			reply->offset = -1;
			reply->err = ENOMEM;
			return -1;
		}
		ret = ctl_request(ctl, msg, component_reply_msg, c, reply);
		if (!ret || !reply->interrupted || ++tries == 5)
			break;
		component_reply_free(c);
	}
	if (ret && !c->problem)
		return -1;
	problem = component_reply_check(c);
	if (!problem)
		return 0;
	/* The exchange worked, but its messages make no sense together. */
	snprintf(text, sizeof(text), "malformed reply from the kernel: %s",
		 problem);
	memset(reply, 0, sizeof(*reply));
	reply->offset = -1;
	reply->err = EPROTO;
	reply->transport = text;
	return -1;
}

static int component_show(struct ctl *ctl, int argc, char **argv)
{
	struct component_reply c;
	struct ctl_reply reply;
	char text[512];

	if (ctl_wants_help(argc, argv, "component " SHOW_USAGE))
		return 0;
	if (argc != 1)
		return ctl_error("usage: compfwctl component " SHOW_USAGE);
	if (ctl_check_name("component", argv[0]) || ctl_connect(ctl))
		return 1;
	if (fetch_component(ctl, argv[0], true, &c, &reply)) {
		component_reply_free(&c);
		return ctl_error("component show: %s",
				 ctl_reply_text(&reply, text, sizeof(text)));
	}
	component_print(&c);
	component_reply_free(&c);
	print_end();
	return 0;
}

/**
 * component_cgroup() - a component's cgroup path, "" when it has none
 * Return: 0, or -1 with @reply saying why.
 */
int component_cgroup(struct ctl *ctl, const char *name, char *cgroup,
		     size_t size, struct ctl_reply *reply)
{
	struct component_reply c;
	int ret;

	cgroup[0] = '\0';
	ret = fetch_component(ctl, name, false, &c, reply);
	if (!ret && c.tb[COMPFW_COMPONENT_A_CGROUP])
		snprintf(cgroup, size, "%s",
			 nla_get_string(c.tb[COMPFW_COMPONENT_A_CGROUP]));
	component_reply_free(&c);
	return ret;
}

static const struct ctl_cmd component_cmds[] = {
	{ "add", component_add, ADD_USAGE },
	{ "del", component_del, DEL_USAGE },
	{ "list", component_list, LIST_USAGE },
	{ "show", component_show, SHOW_USAGE },
	{ "history", component_history, HISTORY_USAGE },
	{ "rollback", component_rollback, ROLLBACK_USAGE },
	{ NULL, NULL, NULL },
};

int cmd_component(struct ctl *ctl, int argc, char **argv)
{
	return ctl_dispatch_object(ctl, "component", component_cmds, argc, argv);
}
