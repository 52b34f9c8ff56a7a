// SPDX-License-Identifier: GPL-2.0
/*
 * `component show` assembles a component from the messages of a dump by
 * name: the first with the component, the rule count, the manifest's header
 * and the counters, every one naming it, with a MANIFEST part holding more
 * of its entries and more rule counters. Build such messages as the kernel
 * would and check what comes out.
 */

#include <jansson.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/component.h"
#include "../../tools/manifest.h"
#include "../../tools/print.h"
#include "tap.h"

#define MAX_MSGS 512

struct replies {
	struct nl_msg *msg[MAX_MSGS];
	unsigned int n;
};

static struct nl_msg *reply_msg(const char *name)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);

	genlmsg_put(msg, 0, 0, 0x20, 0, NLM_F_MULTI, COMPFW_CMD_COMPONENT_GET,
		    COMPFW_GENL_VERSION);
	nla_put_string(msg, COMPFW_COMPONENT_A_NAME, name);
	return msg;
}

/* The rule counters the kernel would send for rule @id. */
static void put_rule_stats(struct nl_msg *msg, uint8_t dir, uint32_t id)
{
	struct nlattr *nest = nla_nest_start(msg, COMPFW_COMPONENT_A_RULE_STATS);

	nla_put_u8(msg, COMPFW_RULE_STATS_A_DIRECTION, dir);
	nla_put_u32(msg, COMPFW_RULE_STATS_A_ID, id);
	nla_put_u64(msg, COMPFW_RULE_STATS_A_PACKETS, id * 10);
	nla_put_u64(msg, COMPFW_RULE_STATS_A_BYTES, id * 1000);
	nla_put_u64(msg, COMPFW_RULE_STATS_A_LAST_HIT, 0);
	nla_nest_end(msg, nest);
}

/*
 * The dump the kernel answers for component "web" holding @m (or nothing,
 * unmanaged), @per_msg entries to a message, the first one included: the
 * entries of the request's parts, regrouped, each message's in a MANIFEST
 * nest of its own; the first message has the header in a part before it.
 */
static void build_replies(const struct manifest *m, unsigned int per_msg,
			  struct replies *r)
{
	struct manifest_set set = { .m = (struct manifest *)m, .n = 1 };
	struct nlattr *a, *in, *nest, *part = NULL;
	struct nl_msg *req = NULL, *cur;
	struct nlmsghdr *hdr;
	unsigned int in_msg = 0, rule = 0;
	struct mf_error err;
	int rem, rem2;

	memset(r, 0, sizeof(*r));
	cur = r->msg[r->n++] = reply_msg("web");
	nla_put_u32(cur, COMPFW_COMPONENT_A_ID, 7);
	nla_put_u32(cur, COMPFW_COMPONENT_A_GENERATION, 3);
	nla_put_flag(cur, COMPFW_COMPONENT_A_HAS_PREVIOUS);
	nest = nla_nest_start(cur, COMPFW_COMPONENT_A_STATS);
	nla_put_u64(cur, COMPFW_STATS_A_ACCEPTED_PACKETS, 5);
	nla_put_u64(cur, COMPFW_STATS_A_AUDITED_BYTES, 77);
	nla_put_u64(cur, COMPFW_STATS_A_LAST_HIT, 123456789);
	nla_nest_end(cur, nest);
	if (!m)
		return;
	nla_put_u32(cur, COMPFW_COMPONENT_A_RULES, m->n_ingress + m->n_egress);
	req = nlmsg_alloc_size(manifest_msg_size(&set));
	manifest_put_set(req, &set, NULL, &err);
	hdr = nlmsg_hdr(req);
	part = nla_nest_start(cur, COMPFW_COMPONENT_A_MANIFEST);
	nla_for_each_attr(a, nlmsg_data(hdr), nlmsg_datalen(hdr), rem) {
		nla_for_each_nested(in, a, rem2) {
			int type = nla_type(in);

			if (type != COMPFW_MANIFEST_A_EXPOSURE &&
			    type != COMPFW_MANIFEST_A_INGRESS &&
			    type != COMPFW_MANIFEST_A_EGRESS) {
				/* The header, once; the kernel need not name the component. */
				if (r->n == 1 && type != COMPFW_MANIFEST_A_COMPONENT)
					nla_put(cur, type, nla_len(in), nla_data(in));
				continue;
			}
			/* As the kernel does: the header in a part of its own. */
			if (r->n == 1 && !in_msg) {
				nla_nest_end(cur, part);
				part = nla_nest_start(cur, COMPFW_COMPONENT_A_MANIFEST);
			}
			if (in_msg == per_msg && r->n < MAX_MSGS) {
				nla_nest_end(cur, part);
				cur = r->msg[r->n++] = reply_msg("web");
				part = nla_nest_start(cur, COMPFW_COMPONENT_A_MANIFEST);
				in_msg = 0;
			}
			nla_put(cur, type, nla_len(in), nla_data(in));
			in_msg++;
		}
	}
	nla_nest_end(cur, part);
	/* The rule counters after the manifest, in messages of their own. */
	for (rule = 0; rule < m->n_ingress; rule++) {
		if (!(rule % 100))
			cur = r->msg[r->n++] = reply_msg("web");
		put_rule_stats(cur, COMPFW_DIR_INGRESS, m->ingress[rule].id);
	}
	nlmsg_free(req);
}

static void replies_free(struct replies *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		nlmsg_free(r->msg[i]);
	r->n = 0;
}

/* Feed @r, all but message @skip, to a fresh component_reply. */
static const char *assemble(struct replies *r, unsigned int skip,
			    bool want_rules, struct component_reply *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->name = "web";
	c->want_rules = want_rules;
	for (i = 0; i < r->n; i++)
		if (i != skip && component_reply_msg(r->msg[i], c))
			break;
	return component_reply_check(c);
}

static int parse_text(const char *text, struct manifest_set *set)
{
	struct mf_error err;

	return manifest_parse(text, strlen(text), set, &err);
}

/* The assembled manifest is the one sent, in normal form, but for the limits. */
static int same(const struct component_reply *c, const struct manifest *m)
{
	struct manifest sent = *m;
	json_t *want, *got = manifest_to_json(&c->m);

	/* The limits go to the cgroup's files, not to the kernel. */
	memset(sent.limit, 0, sizeof(sent.limit));
	want = manifest_to_json(&sent);
	int ok = c->managed && json_equal(want, got);

	json_decref(want);
	json_decref(got);
	return ok;
}

static char *many(unsigned int n)
{
	size_t size = 128 + n * 80, len;
	char *buf = malloc(size);
	unsigned int i;

	len = snprintf(buf, size, "{\"component\":\"web\",\"version\":\"9\","
		       "\"exposure\":[{\"protocol\":\"tcp\",\"ports\":80}],\"ingress\":[");
	for (i = 0; i < n; i++)
		len += snprintf(buf + len, size - len,
				"%s{\"peer\":{\"cidr\":\"10.%u.%u.0/24\"},\"protocol\":\"udp\",\"ports\":%u}",
				i ? "," : "", i >> 8 & 255, i & 255, i % 65536);
	len += snprintf(buf + len, size - len,
			"],\"egress\":[{\"peer\":{\"component\":\"db\"}}],"
			"\"limits\":{\"memory\":\"1G\"}}");
	return buf;
}

static struct component_reply *printed;

static void print_it(void *json)
{
	print_start(stdout, *(int *)json);
	component_print(printed);
	print_end();
}

void test_component(const char *dir)
{
	struct manifest_set web, big;
	struct component_reply c;
	struct replies r;
	char path[512], *buf, *out;
	const char *problem;
	size_t len;
	int json;

	snprintf(path, sizeof(path), "%s/web.json", dir);
	buf = slurp(path, &len);
	result(buf && !parse_text(buf, &web), "show: web.json parses", NULL);
	free(buf);

	build_replies(web.m, 2, &r);
	problem = assemble(&r, ~0u, true, &c);
	result(r.n > 2 && !problem && same(&c, web.m),
	       "show: a manifest over several messages, assembled", problem);
	result(c.tb[COMPFW_COMPONENT_A_ID] &&
	       nla_get_u32(c.tb[COMPFW_COMPONENT_A_ID]) == 7 &&
	       c.stats.v[COMPFW_STATS_A_ACCEPTED_PACKETS] == 5 && c.n_rules ==
	       (int64_t)(web.m->n_ingress + web.m->n_egress),
	       "show: the component and header from the first message", NULL);
	result(c.n_rule_counters == web.m->n_ingress &&
	       c.rules[c.n_rule_counters - 1].id ==
	       web.m->ingress[web.m->n_ingress - 1].id &&
	       c.rules[0].packets == web.m->ingress[0].id * 10,
	       "show: rule counters from messages of their own", NULL);
	component_reply_free(&c);

	problem = assemble(&r, 1, true, &c);
	expect_has("show: a message missing: rules counted against the count",
		   problem, " rules of the ");
	component_reply_free(&c);

	problem = assemble(&r, ~0u, false, &c);
	result(!problem && c.managed && c.m.n_ingress == 0 && c.m.n_exposure == 0 &&
	       !strcmp(c.m.component, "web"),
	       "show: header only when the rules are not wanted", problem);
	component_reply_free(&c);
	replies_free(&r);

	build_replies(web.m, 2, &r);
	nlmsg_free(r.msg[1]);
	r.msg[1] = reply_msg("other");
	problem = assemble(&r, ~0u, true, &c);
	expect_has("show: a message about another component is refused", problem,
		   "another component");
	component_reply_free(&c);
	replies_free(&r);

	buf = many(20000);
	result(!parse_text(buf, &big), "show: 20,000 rules parse", NULL);
	free(buf);
	build_replies(big.m, 400, &r);
	problem = assemble(&r, ~0u, true, &c);
	result(r.n > 40 && !problem && same(&c, big.m) &&
	       c.n_rule_counters == 20000,
	       "show: 20,000 rules over 250 messages, identical", problem);
	component_reply_free(&c);
	replies_free(&r);
	manifest_set_free(&big);

	/* Unmanaged: no header, no rules; HAS_PREVIOUS may still be set. */
	build_replies(NULL, 0, &r);
	problem = assemble(&r, ~0u, true, &c);
	result(!problem && !c.managed, "show: unmanaged, no manifest", problem);
	printed = &c;
	json = 0;
	out = capture(&stdout, print_it, &json);
	expect_has("show: unmanaged, in text", out,
		   "rollback      yes\n");
	expect_has("show: unmanaged: manifest none", out,
		   "manifest      none (unmanaged)\n");
	json = 1;
	out = capture(&stdout, print_it, &json);
	expect_has("show: unmanaged, in JSON", out, "\"manifest\":null}");
	component_reply_free(&c);
	replies_free(&r);

	build_replies(web.m, 100, &r);
	assemble(&r, ~0u, true, &c);
	json = 1;
	out = capture(&stdout, print_it, &json);
	expect_has("show: JSON: generation and rollback", out,
		   "\"generation\":3,\"rollback_available\":true,");
	expect_has("show: JSON: the manifest as an object", out,
		   "\"manifest\":{\"component\":\"web\",");
	expect_has("show: JSON: every counter, as stats shows them", out,
		   "\"stats\":{\"accepted_packets\":5,\"accepted_bytes\":0,"
		   "\"dropped_packets\":0,\"dropped_bytes\":0,"
		   "\"audited_packets\":0,\"audited_bytes\":77,"
		   "\"last_hit_ns\":123456789}");
	json = 0;
	out = capture(&stdout, print_it, &json);
	expect_has("show: text: every counter", out,
		   "accepted      5 packets, 0 bytes\n"
		   "dropped       0 packets, 0 bytes\n"
		   "audited       0 packets, 77 bytes\n"
		   "last hit      123456789 ns\n");
	component_reply_free(&c);
	replies_free(&r);
	manifest_set_free(&web);
}
