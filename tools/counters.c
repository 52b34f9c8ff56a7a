// SPDX-License-Identifier: GPL-2.0
/*
 * Counters, printed by one function wherever they are shown, so that text
 * and JSON, `component show` and `stats`, show the same fields.
 */

#include <inttypes.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "print.h"

static struct nla_policy stats_policy[COMPFW_STATS_A_MAX + 1] = {
	[COMPFW_STATS_A_ACCEPTED_PACKETS] = { .type = NLA_U64 },
	[COMPFW_STATS_A_ACCEPTED_BYTES] = { .type = NLA_U64 },
	[COMPFW_STATS_A_DROPPED_PACKETS] = { .type = NLA_U64 },
	[COMPFW_STATS_A_DROPPED_BYTES] = { .type = NLA_U64 },
	[COMPFW_STATS_A_AUDITED_PACKETS] = { .type = NLA_U64 },
	[COMPFW_STATS_A_AUDITED_BYTES] = { .type = NLA_U64 },
	[COMPFW_STATS_A_LAST_HIT] = { .type = NLA_U64 },
};

static struct nla_policy rule_stats_policy[COMPFW_RULE_STATS_A_MAX + 1] = {
	[COMPFW_RULE_STATS_A_DIRECTION] = { .type = NLA_U8 },
	[COMPFW_RULE_STATS_A_ID] = { .type = NLA_U32 },
	[COMPFW_RULE_STATS_A_PACKETS] = { .type = NLA_U64 },
	[COMPFW_RULE_STATS_A_BYTES] = { .type = NLA_U64 },
	[COMPFW_RULE_STATS_A_LAST_HIT] = { .type = NLA_U64 },
};

static uint64_t u64_or_0(struct nlattr *attr)
{
	return attr ? nla_get_u64(attr) : 0;
}

/* Return: 0, or -1 when the nest is malformed (@c is then all zeroes). */
int counters_from_attr(const struct nlattr *nest, struct counters *c)
{
	struct nlattr *tb[COMPFW_STATS_A_MAX + 1];
	int i;

	memset(c, 0, sizeof(*c));
	if (!nest)
		return 0;
	if (nla_parse_nested(tb, COMPFW_STATS_A_MAX, (struct nlattr *)nest,
			     stats_policy) < 0)
		return -1;
	for (i = COMPFW_STATS_A_PAD + 1; i <= COMPFW_STATS_A_MAX; i++)
		c->v[i] = u64_or_0(tb[i]);
	return 0;
}

/* Return: 0, or -1 when the nest is malformed or names no rule. */
int rule_counters_from_attr(const struct nlattr *nest, struct rule_counters *r)
{
	struct nlattr *tb[COMPFW_RULE_STATS_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, COMPFW_RULE_STATS_A_MAX, (struct nlattr *)nest,
			     rule_stats_policy) < 0 ||
	    !tb[COMPFW_RULE_STATS_A_ID] || !tb[COMPFW_RULE_STATS_A_DIRECTION])
		return -1;
	r->direction = nla_get_u8(tb[COMPFW_RULE_STATS_A_DIRECTION]);
	r->id = nla_get_u32(tb[COMPFW_RULE_STATS_A_ID]);
	r->packets = u64_or_0(tb[COMPFW_RULE_STATS_A_PACKETS]);
	r->bytes = u64_or_0(tb[COMPFW_RULE_STATS_A_BYTES]);
	r->last_hit = u64_or_0(tb[COMPFW_RULE_STATS_A_LAST_HIT]);
	return 0;
}

static const struct {
	const char *name;	/* text: the line's first word(s) */
	const char *key;	/* JSON: KEY_packets, KEY_bytes */
	int packets;
	int bytes;
} totals[] = {
	{ "accepted", "accepted", COMPFW_STATS_A_ACCEPTED_PACKETS,
	  COMPFW_STATS_A_ACCEPTED_BYTES },
	{ "dropped", "dropped", COMPFW_STATS_A_DROPPED_PACKETS,
	  COMPFW_STATS_A_DROPPED_BYTES },
	{ "audited", "audited", COMPFW_STATS_A_AUDITED_PACKETS,
	  COMPFW_STATS_A_AUDITED_BYTES },
};

/**
 * counters_print() - a component's totals, into the object open in JSON
 * @indent: put before each text line
 * @c: the counters
 *
 * Text: one line each for accepted, dropped and audited (packets, bytes),
 * one for the last hit. JSON: KIND_packets, KIND_bytes, last_hit_ns.
 */
void counters_print(const char *indent, const struct counters *c)
{
	char fmt[64], key[32];
	unsigned int i;

	for (i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
		snprintf(fmt, sizeof(fmt), "%s%-13s %%" PRIu64 " packets, ",
			 indent, totals[i].name);
		snprintf(key, sizeof(key), "%s_packets", totals[i].key);
		print_uint(key, fmt, c->v[totals[i].packets]);
		snprintf(key, sizeof(key), "%s_bytes", totals[i].key);
		print_uint(key, "%" PRIu64 " bytes\n", c->v[totals[i].bytes]);
	}
	snprintf(fmt, sizeof(fmt), "%s%-13s %%" PRIu64 " ns\n", indent,
		 "last hit");
	print_uint("last_hit_ns", fmt, c->v[COMPFW_STATS_A_LAST_HIT]);
}

/* One rule's counters as an object of the array open in JSON; a line of text. */
void rule_counters_print(const char *indent, const struct rule_counters *r)
{
	char fmt[64];

	print_open_object(NULL);
	snprintf(fmt, sizeof(fmt), "%s%%-7s", indent);
	print_string("direction", fmt, r->direction == COMPFW_DIR_EGRESS ?
		     "egress" : "ingress");
	print_uint("id", " rule %-6" PRIu64, r->id);
	print_uint("packets", " %" PRIu64 " packets", r->packets);
	print_uint("bytes", " %" PRIu64 " bytes", r->bytes);
	print_uint("last_hit_ns", " last hit %" PRIu64 " ns\n", r->last_hit);
	print_close_object();
}
