// SPDX-License-Identifier: GPL-2.0
/*
 * The offset the kernel blames (NLMSGERR_ATTR_OFFS) back to a JSON path:
 * find attributes in a request as the kernel would see them, and check the
 * path each maps to.
 */

#include <linux/compfw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/attrpath.h"
#include "../../tools/manifest.h"
#include "tap.h"

/* The @n-th attribute of @type in a run of attributes. */
static struct nlattr *nth(void *head, int len, int type, int n)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, head, len, rem)
		if (nla_type(a) == type && !n--)
			return a;
	return NULL;
}

static struct nlattr *nth_in(struct nlattr *nest, int type, int n)
{
	return nest ? nth(nla_data(nest), nla_len(nest), type, n) : NULL;
}

struct request {
	struct manifest_set set;
	struct nl_msg *msg;
	struct attr_paths paths;
};

static int build(const char *dir, const char *file, struct request *r)
{
	struct mf_error err;
	char path[512], *buf;
	size_t len;
	int ret;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	buf = slurp(path, &len);
	if (!buf)
		return -1;
	ret = manifest_parse(buf, len, &r->set, &err);
	free(buf);
	if (ret)
		return -1;
	r->msg = nlmsg_alloc_size(manifest_msg_size(&r->set));
	/* The genl header is part of the message the offsets count in. */
	nlmsg_reserve(r->msg, 4, 4);
	return manifest_put_set(r->msg, &r->set, &r->paths, &err);
}

static struct nlattr *manifest_nest(struct request *r, int n)
{
	struct nlmsghdr *hdr = nlmsg_hdr(r->msg);

	return nth((char *)nlmsg_data(hdr) + 4, nlmsg_datalen(hdr) - 4,
		   COMPFW_APPLY_A_MANIFEST, n);
}

/*
 * The @n-th entry of @type (COMPFW_MANIFEST_A_EXPOSURE, _INGRESS, _EGRESS)
 * of manifest @m, over all the parts that name its component.
 */
static struct nlattr *entry(struct request *r, int m, int type, int n)
{
	const char *name = r->set.m[m].component, *part_name;
	struct nlmsghdr *hdr = nlmsg_hdr(r->msg);
	struct nlattr *a, *in;
	int rem, rem2;

	nla_for_each_attr(a, (struct nlattr *)((char *)nlmsg_data(hdr) + 4),
			  nlmsg_datalen(hdr) - 4, rem) {
		part_name = manifest_part_component(a);
		if (!part_name || strcmp(part_name, name))
			continue;
		nla_for_each_nested(in, a, rem2)
			if (nla_type(in) == type && !n--)
				return in;
	}
	return NULL;
}

static void expect_path(struct request *r, const char *name,
			const struct nlattr *attr, const char *want)
{
	char buf[256];
	long offset;

	if (!attr) {
		result(0, name, "attribute not found");
		return;
	}
	offset = (const char *)attr - (const char *)nlmsg_hdr(r->msg);
	expect_str(name, attr_paths_format(&r->paths,
					   attr_paths_find(&r->paths, offset),
					   buf, sizeof(buf)), want);
}

static void batch(const char *dir)
{
	struct nlattr *m0, *m1, *rule, *l4;
	struct request r;
	char buf[256];

	result(!build(dir, "batch.json", &r), "offsets: batch.json builds", NULL);
	m0 = manifest_nest(&r, 0);
	m1 = manifest_nest(&r, 1);
	expect_path(&r, "offsets: first manifest's nest", m0, "[0]");
	expect_path(&r, "offsets: mode in the first header",
		    nth_in(m0, COMPFW_MANIFEST_A_MODE, 0), "[0].mode");
	expect_path(&r, "offsets: second manifest's nest", m1, "[1]");
	expect_path(&r, "offsets: a rule of the second manifest",
		    entry(&r, 1, COMPFW_MANIFEST_A_INGRESS, 0), "[1].ingress[0]");
	expect_path(&r, "offsets: inside it",
		    nth_in(entry(&r, 1, COMPFW_MANIFEST_A_INGRESS, 0), COMPFW_RULE_A_PEER_COMPONENT, 0),
		    "[1].ingress[0].peer.component");
	expect_path(&r, "offsets: last entry of the first manifest",
		    entry(&r, 0, COMPFW_MANIFEST_A_EGRESS, 2), "[0].egress[2]");
	expect_path(&r, "offsets: component name",
		    nth_in(m1, COMPFW_MANIFEST_A_COMPONENT, 0), "[1].component");
	expect_path(&r, "offsets: exposure entry",
		    entry(&r, 1, COMPFW_MANIFEST_A_EXPOSURE, 1), "[1].exposure[1]");
	expect_path(&r, "offsets: exposure protocol",
		    nth_in(entry(&r, 1, COMPFW_MANIFEST_A_EXPOSURE, 1), COMPFW_L4_A_PROTO, 0),
		    "[1].exposure[1].protocol");

	rule = entry(&r, 0, COMPFW_MANIFEST_A_INGRESS, 1);
	expect_path(&r, "offsets: rule nest", rule, "[0].ingress[1]");
	expect_path(&r, "offsets: given id", nth_in(rule, COMPFW_RULE_A_ID, 0),
		    "[0].ingress[1].id");
	expect_path(&r, "offsets: second except",
		    nth_in(rule, COMPFW_RULE_A_EXCEPT, 1), "[0].ingress[1].peer.except[1]");
	expect_path(&r, "offsets: address inside an except: the except",
		    nth_in(nth_in(rule, COMPFW_RULE_A_EXCEPT, 1), COMPFW_CIDR_A_ADDR6, 0),
		    "[0].ingress[1].peer.except[1]");
	expect_path(&r, "offsets: prefix length of the peer CIDR",
		    nth_in(nth_in(rule, COMPFW_RULE_A_PEER_CIDR, 0), COMPFW_CIDR_A_PREFIX_LEN, 0),
		    "[0].ingress[1].peer.cidr");
	l4 = nth_in(rule, COMPFW_RULE_A_L4, 0);
	expect_path(&r, "offsets: L4 nest: the rule", l4, "[0].ingress[1]");
	expect_path(&r, "offsets: port max: ports", nth_in(l4, COMPFW_L4_A_PORT_MAX, 0),
		    "[0].ingress[1].ports");

	rule = entry(&r, 0, COMPFW_MANIFEST_A_INGRESS, 0);
	expect_path(&r, "offsets: assigned id: the rule",
		    nth_in(rule, COMPFW_RULE_A_ID, 0), "[0].ingress[0]");
	expect_path(&r, "offsets: peer component",
		    nth_in(rule, COMPFW_RULE_A_PEER_COMPONENT, 0),
		    "[0].ingress[0].peer.component");
	expect_path(&r, "offsets: egress icmp type",
		    nth_in(nth_in(entry(&r, 0, COMPFW_MANIFEST_A_EGRESS, 2), COMPFW_RULE_A_L4, 0),
			   COMPFW_L4_A_ICMP_TYPE, 0),
		    "[0].egress[2].icmp_type");
	expect_str("offsets: the header maps to no path",
		   attr_paths_format(&r.paths, attr_paths_find(&r.paths, 0),
				     buf, sizeof(buf)), "");
	expect_str("offsets: past the end maps to no path",
		   attr_paths_format(&r.paths, attr_paths_find(&r.paths, 1 << 30),
				     buf, sizeof(buf)), "");
	nlmsg_free(r.msg);
	attr_paths_free(&r.paths);
	manifest_set_free(&r.set);
}

static void single(const char *dir)
{
	struct nlattr *m, *rule;
	struct request r;

	result(!build(dir, "web.json", &r), "offsets: web.json builds", NULL);
	m = manifest_nest(&r, 0);
	rule = entry(&r, 0, COMPFW_MANIFEST_A_INGRESS, 0);
	expect_path(&r, "offsets: one manifest: no [0]",
		    nth_in(rule, COMPFW_RULE_A_PEER_COMPONENT, 0),
		    "ingress[0].peer.component");
	expect_path(&r, "offsets: one manifest: its nest is the file", m, "");
	expect_path(&r, "offsets: mode", nth_in(m, COMPFW_MANIFEST_A_MODE, 0), "mode");
	expect_path(&r, "offsets: egress rule",
		    entry(&r, 0, COMPFW_MANIFEST_A_EGRESS, 0), "egress[0]");
	nlmsg_free(r.msg);
	attr_paths_free(&r.paths);
	manifest_set_free(&r.set);
}


/* A manifest in many parts: every part, and what is in each, still maps. */
static void parts(void)
{
	size_t size = 64 + 3000 * 80, len;
	char *buf = malloc(size), want[64];
	struct nlattr *last, *second;
	struct mf_error err;
	struct request r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	len = snprintf(buf, size, "[{\"component\":\"a\"},{\"component\":\"big\",\"egress\":[");
	for (i = 0; i < 3000; i++)
		len += snprintf(buf + len, size - len,
				"%s{\"peer\":{\"cidr\":\"10.%u.%u.0/24\"},\"protocol\":\"tcp\",\"ports\":%u}",
				i ? "," : "", i >> 8, i & 255, i);
	snprintf(buf + len, size - len, "]}]");
	result(!manifest_parse(buf, strlen(buf), &r.set, &err),
	       "offsets: 3,000 rules parse", err.msg);
	free(buf);
	r.msg = nlmsg_alloc_size(manifest_msg_size(&r.set));
	nlmsg_reserve(r.msg, 4, 4);
	result(!manifest_put_set(r.msg, &r.set, &r.paths, &err),
	       "offsets: 3,000 rules build", err.msg);
	second = manifest_nest(&r, 2);
	expect_path(&r, "offsets: the second part of a manifest: the manifest",
		    second, "[1]");
	expect_path(&r, "offsets: its component: the manifest's",
		    nth_in(second, COMPFW_MANIFEST_A_COMPONENT, 0), "[1].component");
	last = entry(&r, 1, COMPFW_MANIFEST_A_EGRESS, 2999);
	snprintf(want, sizeof(want), "[1].egress[2999].ports");
	expect_path(&r, "offsets: a port of the last rule, parts later",
		    nth_in(nth_in(last, COMPFW_RULE_A_L4, 0), COMPFW_L4_A_PORT_MIN, 0),
		    want);
	nlmsg_free(r.msg);
	attr_paths_free(&r.paths);
	manifest_set_free(&r.set);
}

void test_attrpath(const char *dir)
{
	batch(dir);
	single(dir);
	parts();
}
