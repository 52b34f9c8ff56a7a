// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl query COMPONENT ingress|egress PROTO ADDR [PORT] [--peer NAME]:
 * what would COMPONENT's manifest decide? The module answers with the
 * classifier its packet path uses.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/compfw.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compfwctl.h"
#include "print.h"

static const char query_usage[] =
	"usage: compfwctl query COMPONENT ingress|egress PROTO ADDR [PORT] [--peer COMPONENT]\n"
	"       compfwctl query --batch FILE   (one query per line; - for stdin)\n"
	"       PROTO: tcp udp sctp icmp icmpv6 or a number; PORT: the server port, or the ICMP type\n";

static const struct {
	const char *name;
	int proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
	{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
};

static int parse_proto(const char *s)
{
	unsigned int i;
	char *end;
	long v;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(s, protos[i].name))
			return protos[i].proto;
	v = strtol(s, &end, 10);
	return *s && !*end && v >= 0 && v <= 255 ? (int)v : -1;
}

struct query {
	const char *component;
	const char *peer;
	int dir;
	int proto;
	int port;
	int family;
	unsigned char addr[16];
};

static int parse_args(int argc, char **argv, struct query *q)
{
	char *end;
	int i, n = 0;

	q->port = -1;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--peer") || !strcmp(argv[i], "peer")) {
			if (++i == argc)
				return ctl_error("query: --peer needs a component");
			q->peer = argv[i];
			continue;
		}
		switch (n++) {
		case 0:
			q->component = argv[i];
			break;
		case 1:
			if (strcmp(argv[i], "ingress") && strcmp(argv[i], "egress"))
				return ctl_error("query: direction \"%s\": want ingress or egress", argv[i]);
			q->dir = strcmp(argv[i], "ingress") ? COMPFW_DIR_EGRESS : COMPFW_DIR_INGRESS;
			break;
		case 2:
			q->proto = parse_proto(argv[i]);
			if (q->proto < 0)
				return ctl_error("query: unknown protocol \"%s\"", argv[i]);
			break;
		case 3:
			q->family = strchr(argv[i], ':') ? AF_INET6 : AF_INET;
			if (inet_pton(q->family, argv[i], q->addr) != 1)
				return ctl_error("query: bad address \"%s\"", argv[i]);
			break;
		case 4:
			q->port = strtol(argv[i], &end, 10);
			if (!*argv[i] || *end || q->port < 0 || q->port > 65535)
				return ctl_error("query: bad port \"%s\"", argv[i]);
			break;
		default:
			return ctl_error("query: unexpected \"%s\"", argv[i]);
		}
	}
	if (n < 4)
		return ctl_error("query: want COMPONENT ingress|egress PROTO ADDR [PORT]");
	return 0;
}

static struct nla_policy answer_policy[COMPFW_QUERY_A_MAX + 1] = {
	[COMPFW_QUERY_A_ALLOW] = { .type = NLA_U8 },
	[COMPFW_QUERY_A_RULE_ID] = { .type = NLA_U32 },
	[COMPFW_QUERY_A_BY_EXPOSURE] = { .type = NLA_FLAG },
	[COMPFW_QUERY_A_GENERATION] = { .type = NLA_U32 },
	[COMPFW_QUERY_A_MODE] = { .type = NLA_U8 },
};

static int print_answer(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_QUERY_A_MAX + 1];
	const struct query *q = arg;
	bool allow, managed;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, COMPFW_QUERY_A_MAX, answer_policy) < 0 ||
	    !tb[COMPFW_QUERY_A_ALLOW] || !tb[COMPFW_QUERY_A_RULE_ID])
		return -1;
	allow = nla_get_u8(tb[COMPFW_QUERY_A_ALLOW]);
	managed = tb[COMPFW_QUERY_A_MODE];
	print_open_object(NULL);
	print_string("component", "%s ", q->component);
	print_string("direction", "%s: ", q->dir == COMPFW_DIR_EGRESS ? "egress" : "ingress");
	print_string("verdict", "%s", !managed ? "accept (unmanaged)" :
		     allow ? "accept" : "drop");
	print_uint("rule", " rule %" PRIu64, nla_get_u32(tb[COMPFW_QUERY_A_RULE_ID]));
	print_bool("by_exposure", tb[COMPFW_QUERY_A_BY_EXPOSURE] ? " (not exposed)" : "",
		   tb[COMPFW_QUERY_A_BY_EXPOSURE]);
	print_uint("generation", " generation %" PRIu64,
		   tb[COMPFW_QUERY_A_GENERATION] ? nla_get_u32(tb[COMPFW_QUERY_A_GENERATION]) : 0);
	if (managed)
		print_string("mode", " mode %s", nla_get_u8(tb[COMPFW_QUERY_A_MODE]) ==
			     COMPFW_MODE_AUDIT ? "audit" : "enforce");
	print_text("\n");
	print_close_object();
	return 0;
}

static int ask(struct ctl *ctl, const struct query *q)
{
	struct nl_msg *msg;
	int err = 0;

	msg = ctl_msg(ctl, COMPFW_CMD_QUERY, 0);
	if (!msg)
		return ctl_error("out of memory");
	err |= nla_put_string(msg, COMPFW_QUERY_A_COMPONENT, q->component);
	err |= nla_put_u8(msg, COMPFW_QUERY_A_DIRECTION, q->dir);
	err |= nla_put_u8(msg, COMPFW_QUERY_A_PROTO, q->proto);
	if (q->family == AF_INET)
		err |= nla_put(msg, COMPFW_QUERY_A_ADDR4, 4, q->addr);
	else
		err |= nla_put(msg, COMPFW_QUERY_A_ADDR6, 16, q->addr);
	if (q->port >= 0)
		err |= nla_put_u16(msg, COMPFW_QUERY_A_PORT, q->port);
	if (q->peer)
		err |= nla_put_string(msg, COMPFW_QUERY_A_PEER, q->peer);
	if (err) {
		nlmsg_free(msg);
		return ctl_error("out of memory");
	}
	if (ctl_transact(ctl, msg, "query", print_answer, (void *)q))
		return 1;
	print_end();
	return 0;
}

/* Many questions over one socket, as `ip -batch` does: a line each. */
static int ask_batch(struct ctl *ctl, const char *path)
{
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[512], *words[16];
	int ret = 0, n;

	if (!in)
		return ctl_error("query: cannot open %s", path);
	while (fgets(line, sizeof(line), in)) {
		struct query q = { 0 };

		n = 0;
		for (char *w = strtok(line, " \t\n"); w && n < 16; w = strtok(NULL, " \t\n"))
			words[n++] = w;
		if (!n)
			continue;
		print_start(stdout, print_is_json());
		if (parse_args(n, words, &q) || ask(ctl, &q))
			ret = 1;
	}
	if (in != stdin)
		fclose(in);
	return ret;
}

int cmd_query(struct ctl *ctl, int argc, char **argv)
{
	struct query q = { 0 };

	if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) {
		fputs(query_usage, stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "--batch"))
		return ctl_connect(ctl) ? 1 : ask_batch(ctl, argv[1]);
	if (parse_args(argc, argv, &q))
		return 1;
	if (ctl_connect(ctl))
		return 1;
	return ask(ctl, &q);
}
