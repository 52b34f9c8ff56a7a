// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl monitor: print the module's events, one per line, as they come:
 * policy changes and (sampled) drops. With -j, one JSON object per line.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "compfwctl.h"
#include "print.h"

static struct nla_policy event_policy[COMPFW_EVENT_A_MAX + 1] = {
	[COMPFW_EVENT_A_COMPONENT] = { .type = NLA_STRING },
	[COMPFW_EVENT_A_COMPONENT_ID] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_OLD_GENERATION] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_GENERATION] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_PID] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_COMM] = { .type = NLA_STRING },
	[COMPFW_EVENT_A_CHANGE] = { .type = NLA_STRING },
	[COMPFW_EVENT_A_DIRECTION] = { .type = NLA_U8 },
	[COMPFW_EVENT_A_PROTO] = { .type = NLA_U8 },
	[COMPFW_EVENT_A_SADDR4] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_DADDR4] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_SADDR6] = { .minlen = 16, .maxlen = 16 },
	[COMPFW_EVENT_A_DADDR6] = { .minlen = 16, .maxlen = 16 },
	[COMPFW_EVENT_A_SPORT] = { .type = NLA_U16 },
	[COMPFW_EVENT_A_DPORT] = { .type = NLA_U16 },
	[COMPFW_EVENT_A_RULE_ID] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_AUDIT] = { .type = NLA_FLAG },
	[COMPFW_EVENT_A_MISSED] = { .type = NLA_U32 },
	[COMPFW_EVENT_A_PERSONA] = { .type = NLA_STRING },
	[COMPFW_EVENT_A_OLD_PERSONA] = { .type = NLA_STRING },
	[COMPFW_EVENT_A_CAUSE] = { .type = NLA_STRING },
	[COMPFW_EVENT_A_PROGRAM] = { .type = NLA_STRING },
};

static const char *dir_name(const struct nlattr *attr)
{
	return attr && nla_get_u8((struct nlattr *)attr) == COMPFW_DIR_EGRESS ?
	       "egress" : "ingress";
}

static void print_addr(const char *key, const char *fmt, struct nlattr *v4,
		       struct nlattr *v6)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (v4)
		inet_ntop(AF_INET, nla_data(v4), text, sizeof(text));
	else if (v6)
		inet_ntop(AF_INET6, nla_data(v6), text, sizeof(text));
	print_string(key, fmt, text);
}

static uint64_t u32_or_0(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static void print_policy(struct nlattr **tb)
{
	print_string("event", "%s", "policy");
	print_string("component", " %s", nla_get_string(tb[COMPFW_EVENT_A_COMPONENT]));
	print_string("change", " %s", tb[COMPFW_EVENT_A_CHANGE] ?
		     nla_get_string(tb[COMPFW_EVENT_A_CHANGE]) : "?");
	if (tb[COMPFW_EVENT_A_PERSONA] && tb[COMPFW_EVENT_A_OLD_PERSONA]) {
		print_string("old_persona", " %s", nla_get_string(tb[COMPFW_EVENT_A_OLD_PERSONA]));
		print_string("persona", "->%s", nla_get_string(tb[COMPFW_EVENT_A_PERSONA]));
	}
	if (tb[COMPFW_EVENT_A_CAUSE])
		print_string("cause", " cause %s", nla_get_string(tb[COMPFW_EVENT_A_CAUSE]));
	if (tb[COMPFW_EVENT_A_PROGRAM])
		print_string("program", " program %s", nla_get_string(tb[COMPFW_EVENT_A_PROGRAM]));
	print_uint("old_generation", " generation %" PRIu64,
		   u32_or_0(tb[COMPFW_EVENT_A_OLD_GENERATION]));
	print_uint("generation", "->%" PRIu64, u32_or_0(tb[COMPFW_EVENT_A_GENERATION]));
	print_uint("pid", " by pid %" PRIu64, u32_or_0(tb[COMPFW_EVENT_A_PID]));
	print_string("comm", " (%s)", tb[COMPFW_EVENT_A_COMM] ?
		     nla_get_string(tb[COMPFW_EVENT_A_COMM]) : "?");
}

static void print_drop(struct nlattr **tb)
{
	bool audit = tb[COMPFW_EVENT_A_AUDIT];

	print_string("event", "%s", audit ? "audit" : "drop");
	print_string("component", " %s", nla_get_string(tb[COMPFW_EVENT_A_COMPONENT]));
	print_string("direction", " %s", dir_name(tb[COMPFW_EVENT_A_DIRECTION]));
	print_uint("proto", " proto %" PRIu64, tb[COMPFW_EVENT_A_PROTO] ?
		   nla_get_u8(tb[COMPFW_EVENT_A_PROTO]) : 0);
	print_addr("src", " %s", tb[COMPFW_EVENT_A_SADDR4], tb[COMPFW_EVENT_A_SADDR6]);
	print_uint("sport", " %" PRIu64, tb[COMPFW_EVENT_A_SPORT] ?
		   nla_get_u16(tb[COMPFW_EVENT_A_SPORT]) : 0);
	print_addr("dst", " -> %s", tb[COMPFW_EVENT_A_DADDR4], tb[COMPFW_EVENT_A_DADDR6]);
	print_uint("dport", " %" PRIu64, tb[COMPFW_EVENT_A_DPORT] ?
		   nla_get_u16(tb[COMPFW_EVENT_A_DPORT]) : 0);
	print_uint("rule", " rule %" PRIu64, u32_or_0(tb[COMPFW_EVENT_A_RULE_ID]));
	print_uint("generation", " generation %" PRIu64,
		   u32_or_0(tb[COMPFW_EVENT_A_GENERATION]));
	if (tb[COMPFW_EVENT_A_MISSED])
		print_uint("missed", " (%" PRIu64 " missed before)",
			   nla_get_u32(tb[COMPFW_EVENT_A_MISSED]));
}

/* -t: when the event came, to the microsecond, local time, as ip monitor -t. */
static void print_timestamp(void)
{
	char when[64], text[80];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(text, sizeof(text), "%s.%06ld", when, (long)tv.tv_usec);
	print_string("timestamp", "[%s] ", text);
}

static int print_event(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[COMPFW_EVENT_A_MAX + 1];
	const bool *timestamps = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, COMPFW_EVENT_A_MAX, event_policy) < 0 ||
	    !tb[COMPFW_EVENT_A_COMPONENT])
		return NL_OK;
	print_start(stdout, print_is_json());
	print_open_object(NULL);
	if (*timestamps)
		print_timestamp();
	if (gnlh->cmd == COMPFW_CMD_EVENT_POLICY)
		print_policy(tb);
	else if (gnlh->cmd == COMPFW_CMD_EVENT_DROP)
		print_drop(tb);
	print_text("\n");
	print_close_object();
	print_end();
	fflush(stdout);
	return NL_OK;
}

int cmd_monitor(struct ctl *ctl, int argc, char **argv)
{
	static bool timestamps;
	int group, ret;

	if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) {
		puts("usage: compfwctl [-j] monitor [-t]");
		return 0;
	}
	if (argc > 0 && (!strcmp(argv[0], "-t") || !strcmp(argv[0], "--timestamp"))) {
		timestamps = true;
		argc--;
	}
	if (argc > 0)
		return ctl_error("monitor takes only -t (timestamps)");
	if (ctl_connect(ctl))
		return 1;
	group = genl_ctrl_resolve_grp(ctl->sock, COMPFW_GENL_NAME, COMPFW_MCGRP_EVENTS);
	if (group < 0)
		return ctl_error("monitor: no \"%s\" group: %s", COMPFW_MCGRP_EVENTS,
				 nl_geterror(group));
	ret = nl_socket_add_membership(ctl->sock, group);
	if (ret == -NLE_PERM)
		return ctl_error("monitor: permission denied: joining the events group needs CAP_NET_ADMIN");
	if (ret < 0)
		return ctl_error("monitor: cannot join the events group: %s",
				 nl_geterror(ret));
	/* Events are not answers: they carry no sequence number of ours. */
	nl_socket_disable_seq_check(ctl->sock);
	nl_socket_modify_cb(ctl->sock, NL_CB_VALID, NL_CB_CUSTOM, print_event, &timestamps);
	do
		ret = nl_recvmsgs_default(ctl->sock);
	while (ret >= 0 || ret == -NLE_NOMEM);
	return ctl_error("monitor: %s", nl_geterror(ret));
}
