// SPDX-License-Identifier: GPL-2.0
/*
 * The manifest parser: good files survive JSON -> attributes -> JSON
 * unchanged (in normal form), IDs are assigned as documented, and every
 * kind of bad input is refused with its exact one-line message.
 */

#include <jansson.h>
#include <linux/compfw.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/attrpath.h"
#include "../../tools/compfwctl.h"
#include "../../tools/manifest.h"
#include "tap.h"

static const char *const good_files[] = {
	"web.json", "batch.json", "minimal.json",
};

/* The manifest of @out named @name, a new one at the end when none is. */
static struct manifest *by_name(struct manifest_set *out, unsigned int max,
				const char *name)
{
	unsigned int i;

	for (i = 0; i < out->n; i++)
		if (!strcmp(out->m[i].component, name))
			return &out->m[i];
	if (out->n == max)
		return NULL;
	manifest_init(&out->m[out->n]);
	return &out->m[out->n++];
}

/*
 * @msg decoded back into a set like @like, as the kernel reads it: every
 * MANIFEST part adds to the manifest of the component it names.
 */
static int decode_msg(struct nl_msg *msg, const struct manifest_set *like,
		      struct manifest_set *out)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct manifest *m;
	const char *name;
	struct nlattr *a;
	int rem;

	memset(out, 0, sizeof(*out));
	out->is_array = like->is_array;
	out->m = calloc(like->n, sizeof(*out->m));
	nla_for_each_attr(a, nlmsg_data(hdr), nlmsg_datalen(hdr), rem) {
		name = nla_type(a) == COMPFW_APPLY_A_MANIFEST ?
		       manifest_part_component(a) : NULL;
		m = name ? by_name(out, like->n, name) : NULL;
		if (!m || manifest_part_from_attr(a, m, true))
			return -1;
	}
	return out->n == like->n ? 0 : -1;
}

/*
 * Every top-level attribute is a MANIFEST part within MF_PART_MAX that names
 * its component; each header field comes once per component at most.
 */
static int layout_ok(struct nl_msg *msg, char *why, size_t size)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	char seen[64][COMPFW_NAME_MAX];
	unsigned int n_seen = 0, i, headers;
	struct nlattr *a, *in;
	const char *name;
	int rem, rem2;

	nla_for_each_attr(a, nlmsg_data(hdr), nlmsg_datalen(hdr), rem) {
		if (nla_type(a) != COMPFW_APPLY_A_MANIFEST ||
		    nla_len(a) + NLA_HDRLEN > MF_PART_MAX) {
			snprintf(why, size, "attribute of type %d: %d bytes",
				 nla_type(a), nla_len(a));
			return 0;
		}
		name = manifest_part_component(a);
		if (!name) {
			snprintf(why, size, "a part names no component");
			return 0;
		}
		headers = 0;
		nla_for_each_nested(in, a, rem2)
			headers += nla_type(in) == COMPFW_MANIFEST_A_MODE;
		if (!headers)
			continue;
		for (i = 0; i < n_seen; i++)
			if (!strcmp(seen[i], name)) {
				snprintf(why, size, "%s: a header twice", name);
				return 0;
			}
		if (n_seen < 64)
			snprintf(seen[n_seen++], COMPFW_NAME_MAX, "%s", name);
	}
	return 1;
}

/* The normal form without the limits, which go to the cgroup, not the kernel. */
static json_t *wire_form(json_t *normal)
{
	json_t *copy = json_deep_copy(normal), *m;
	size_t i;

	if (json_is_object(copy))
		json_object_del(copy, "limits");
	json_array_foreach(copy, i, m)
		json_object_del(m, "limits");
	return copy;
}

/* A request as apply.c builds it, without the genl header: offsets still count from the nlmsghdr. */
static struct nl_msg *encode(const struct manifest_set *set,
			     struct attr_paths *paths, struct mf_error *err)
{
	struct nl_msg *msg = nlmsg_alloc_size(manifest_msg_size(set));

	if (manifest_put_set(msg, set, paths, err)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void round_trip(const char *dir, const char *file)
{
	struct manifest_set set, back, again;
	char path[512], name[128], why[128] = "", *buf, *text;
	json_t *normal, *decoded, *reparsed = NULL, *wire;
	struct mf_error err;
	struct nl_msg *msg;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	buf = slurp(path, &len);
	snprintf(name, sizeof(name), "%s: parses", file);
	result(buf && !manifest_parse(buf, len, &set, &err), name, err.msg);
	free(buf);
	normal = manifest_set_to_json(&set);

	msg = encode(&set, NULL, &err);
	snprintf(name, sizeof(name), "%s: fits the computed message size", file);
	result(msg && nlmsg_hdr(msg)->nlmsg_len <= manifest_msg_size(&set),
	       name, err.msg);
	snprintf(name, sizeof(name), "%s: self-contained parts, one header each", file);
	result(msg && layout_ok(msg, why, sizeof(why)), name, why);
	snprintf(name, sizeof(name), "%s: attributes decode back", file);
	result(msg && !decode_msg(msg, &set, &back), name, NULL);
	decoded = manifest_set_to_json(&back);
	text = json_dumps(decoded, JSON_COMPACT | JSON_PRESERVE_ORDER);
	snprintf(name, sizeof(name), "%s: JSON -> attributes -> JSON is the normal form", file);
	wire = wire_form(normal);
	result(json_equal(wire, decoded), name, text);
	json_decref(wire);
	free(text);

	/* What `component show` prints must apply to the same thing. */
	text = json_dumps(decoded, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	snprintf(name, sizeof(name), "%s: the normal form parses to itself", file);
	wire = wire_form(normal);
	result(!manifest_parse(text, strlen(text), &again, &err) &&
	       json_equal(reparsed = manifest_set_to_json(&again), wire),
	       name, err.msg);
	json_decref(wire);
	json_decref(reparsed);
	free(text);

	manifest_set_free(&again);
	manifest_set_free(&back);
	manifest_set_free(&set);
	nlmsg_free(msg);
	json_decref(decoded);
	json_decref(normal);
}

static void normal_form(const char *dir)
{
	struct manifest_set set;
	struct mf_error err;
	char path[512], *buf;
	json_t *want, *got;
	size_t len;

	snprintf(path, sizeof(path), "%s/web.json", dir);
	buf = slurp(path, &len);
	manifest_parse(buf, len, &set, &err);
	free(buf);
	snprintf(path, sizeof(path), "%s/web.normal.json", dir);
	want = json_load_file(path, 0, NULL);
	got = manifest_set_to_json(&set);
	buf = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);
	result(want && json_equal(got, want),
	       "web.json normalises to web.normal.json", buf);
	free(buf);
	json_decref(want);
	json_decref(got);
	manifest_set_free(&set);
}

static uint32_t id_of(const struct manifest *m, bool ingress, unsigned int i)
{
	return ingress ? m->ingress[i].id : m->egress[i].id;
}

static void ids(const char *dir)
{
	static const char gaps[] =
		"{\"component\":\"a\",\"ingress\":[{\"id\":3},{},{}],"
		"\"egress\":[{\"id\":1},{},{\"id\":4294967295},{}]}";
	struct manifest_set set;
	struct mf_error err;
	char path[512], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/batch.json", dir);
	buf = slurp(path, &len);
	manifest_parse(buf, len, &set, &err);
	free(buf);
	/* Given: ingress[1] 2, egress[2] 1000. */
	result(set.n == 2 && id_of(&set.m[0], true, 0) == 1 &&
	       id_of(&set.m[0], true, 1) == 2 &&
	       id_of(&set.m[0], false, 0) == 3 &&
	       id_of(&set.m[0], false, 1) == 4 &&
	       id_of(&set.m[0], false, 2) == 1000 &&
	       id_of(&set.m[1], true, 0) == 1,
	       "IDs: lowest unused, ingress first, per manifest", NULL);
	manifest_set_free(&set);

	manifest_parse(gaps, strlen(gaps), &set, &err);
	result(id_of(set.m, true, 0) == 3 && id_of(set.m, true, 1) == 2 &&
	       id_of(set.m, true, 2) == 4 && id_of(set.m, false, 0) == 1 &&
	       id_of(set.m, false, 1) == 5 &&
	       id_of(set.m, false, 2) == 4294967295u &&
	       id_of(set.m, false, 3) == 6,
	       "IDs: given ones are skipped, gaps filled in order", NULL);
	manifest_set_free(&set);
}

static const struct {
	const char *json;
	const char *want;
} bad[] = {
	{ "[{\"component\":\"a\"},{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":70000}]}]",
	  "web.json: [1].ingress[0].ports: 70000 out of range 0-65535" },
	{ "{\"component\":\"web\",\"ingress\":[{\"prot\":\"tcp\"}]}",
	  "web.json: ingress[0]: unknown field \"prot\" (did you mean \"protocol\"?)" },
	{ "{\"component\":\"web\",\"colour\":1}",
	  "web.json: unknown field \"colour\"" },
	{ "{\"protocol\":\"tcp\",\"ports\":80}",
	  "web.json: a rule, not a manifest: a manifest is {\"component\": NAME, \"ingress\": "
	  "[RULE...], \"egress\": [RULE...]}, its rules in those arrays" },
	{ "[{\"component\":\"a\"},{\"peer\":\"any\"}]",
	  "web.json: [1]: a rule, not a manifest: a manifest is {\"component\": NAME, \"ingress\": "
	  "[RULE...], \"egress\": [RULE...]}, its rules in those arrays" },
	{ "{\"component\":\"web\",\"exposure\":[{\"protocol\":\"tcp\",\"port\":80}]}",
	  "web.json: exposure[0]: unknown field \"port\" (did you mean \"ports\"?)" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.0/8\",\"exept\":[]}}]}",
	  "web.json: ingress[0].peer: unknown field \"exept\" (did you mean \"except\"?)" },
	{ "{\"component\":\"web\",\"limits\":{\"cpus\":\"max\"}}",
	  "web.json: limits: unknown field \"cpus\" (did you mean \"cpu\"?)" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.0/33\"}}]}",
	  "web.json: ingress[0].peer.cidr: bad CIDR \"10.0.0.0/33\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"fd00::/129\"}}]}",
	  "web.json: ingress[0].peer.cidr: bad CIDR \"fd00::/129\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0/8\"}}]}",
	  "web.json: ingress[0].peer.cidr: bad CIDR \"10.0.0/8\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.0/\"}}]}",
	  "web.json: ingress[0].peer.cidr: bad CIDR \"10.0.0.0/\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.1/8\"}}]}",
	  "web.json: ingress[0].peer.cidr: \"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.1.0.0/16\",\"except\":[\"10.2.0.0/16\"]}}]}",
	  "web.json: ingress[0].peer.except[0]: except 10.2.0.0/16 is not inside 10.1.0.0/16" },
	{ "{\"component\":\"web\",\"egress\":[{\"peer\":{\"cidr\":\"10.0.0.0/8\",\"except\":[\"10.1.0.0/16\",\"fd00::/64\"]}}]}",
	  "web.json: egress[0].peer.except[1]: except fd00::/64 is not inside 10.0.0.0/8" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.0/16\",\"except\":[\"10.0.0.0/8\"]}}]}",
	  "web.json: ingress[0].peer.except[0]: except 10.0.0.0/8 is not inside 10.0.0.0/16" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.1.0.0/16\",\"except\":[\"10.1.0.0/16\"]}}]}",
	  "web.json: ingress[0].peer.except[0]: except 10.1.0.0/16 is all of 10.1.0.0/16: the rule would never match" },
	{ "{\"component\":\"web\",\"egress\":[{\"peer\":{\"cidr\":\"2001:db8::1\",\"except\":[\"2001:db8::1/128\"]}}]}",
	  "web.json: egress[0].peer.except[0]: except 2001:db8::1/128 is all of 2001:db8::1/128: the rule would never match" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.0/8\",\"except\":[\"10.0.0.1/16\"]}}]}",
	  "web.json: ingress[0].peer.except[0]: \"10.0.0.1/16\" has host bits set (did you mean 10.0.0.0/16?)" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"cidr\":\"10.0.0.0/8\",\"except\":\"10.1.0.0/16\"}}]}",
	  "web.json: ingress[0].peer.except: must be an array of CIDRs" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"component\":\"api\",\"except\":[]}}]}",
	  "web.json: ingress[0].peer.except: except needs \"cidr\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"component\":\"api\",\"cidr\":\"10.0.0.0/8\"}}]}",
	  "web.json: ingress[0].peer: give one of \"component\" and \"cidr\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":\"anyone\"}]}",
	  "web.json: ingress[0].peer: must be \"any\", {\"component\": NAME} or {\"cidr\": CIDR}" },
	{ "{\"component\":\"web\",\"ingress\":[{\"peer\":{\"component\":\"\"}}]}",
	  "web.json: ingress[0].peer.component: must not be empty" },
	{ "{\"component\":\"web\",\"ingress\":[{\"id\":1}],\"egress\":[{\"id\":1}]}",
	  "web.json: egress[0].id: duplicate rule id 1 (also ingress[0].id)" },
	{ "[{\"component\":\"web\",\"ingress\":[{\"id\":7},{\"id\":5},{\"id\":7},{\"id\":5}]}]",
	  "web.json: [0].ingress[2].id: duplicate rule id 7 (also [0].ingress[0].id)" },
	{ "{\"component\":\"web\",\"ingress\":[{\"id\":0}]}",
	  "web.json: ingress[0].id: 0 out of range 1-4294967295" },
	{ "{\"component\":\"web\",\"ingress\":[{\"id\":4294967296}]}",
	  "web.json: ingress[0].id: 4294967296 out of range 1-4294967295" },
	{ "{\"component\":\"web\",\"ingress\":[{\"id\":\"1\"}]}",
	  "web.json: ingress[0].id: must be an integer" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":-1}]}",
	  "web.json: ingress[0].ports: -1 out of range 0-65535" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":\"80-70000\"}]}",
	  "web.json: ingress[0].ports: 70000 out of range 0-65535" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":\"90-80\"}]}",
	  "web.json: ingress[0].ports: bad port range \"90-80\": 90 is above 80" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":\"80-\"}]}",
	  "web.json: ingress[0].ports: bad port range \"80-\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":\"http\"}]}",
	  "web.json: ingress[0].ports: bad port range \"http\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"ports\":80.5}]}",
	  "web.json: ingress[0].ports: must be an integer or \"LO-HI\"" },
	{ "{\"component\":\"web\",\"ingress\":[{\"ports\":80}]}",
	  "web.json: ingress[0].ports: ports need protocol tcp, udp or sctp" },
	{ "{\"component\":\"web\",\"exposure\":[{\"protocol\":\"icmp\",\"ports\":80}]}",
	  "web.json: exposure[0].ports: ports need protocol tcp, udp or sctp" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"tcp\",\"icmp_type\":8}]}",
	  "web.json: ingress[0].icmp_type: icmp_type needs protocol icmp or icmpv6" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"icmpv6\",\"icmp_type\":256}]}",
	  "web.json: ingress[0].icmp_type: 256 out of range 0-255" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"gre\"}]}",
	  "web.json: ingress[0].protocol: unknown protocol \"gre\" (tcp, udp, sctp, icmp, icmpv6 or any)" },
	{ "{\"component\":\"web\",\"ingress\":[{\"protocol\":\"icmp\",\"peer\":{\"cidr\":\"fd00::/8\"}}]}",
	  "web.json: ingress[0].protocol: icmp never matches peer fd00::/8" },
	{ "{\"component\":\"web\",\"mode\":\"strict\"}",
	  "web.json: mode: unknown mode \"strict\" (enforce or audit)" },
	{ "{\"version\":\"1\"}",
	  "web.json: missing field \"component\"" },
	{ "{\"component\":42}",
	  "web.json: component: must be a string" },
	{ "{\"component\":\"0123456789012345678901234567890123456789012345678901234567890123\"}",
	  "web.json: component: \"0123456789012345678901234567890123456789012345678901234567890123\" is longer than 63 bytes" },
	{ "{\"component\":\"web\",\"version\":1.2}",
	  "web.json: version: must be a string" },
	{ "{\"component\":\"web\",\"ingress\":{}}",
	  "web.json: ingress: must be an array" },
	{ "{\"component\":\"web\",\"egress\":[42]}",
	  "web.json: egress[0]: must be an object" },
	{ "[{\"component\":\"web\"},{\"component\":\"db\"},{\"component\":\"web\"}]",
	  "web.json: [2].component: component \"web\" appears twice (also [0].component)" },
	{ "[]", "web.json: no manifest in the array" },
	{ "[{\"component\":\"web\"},7]", "web.json: [1]: must be an object" },
	{ "{\"component\":\"web\",\"limits\":{\"cpu\":\"abc\"}}",
	  "web.json: limits.cpu: bad cpu.max value \"abc\" (want \"max|QUOTA [PERIOD]\")" },
	{ "{\"component\":\"web\",\"limits\":{\"memory\":\"1X\"}}",
	  "web.json: limits.memory: bad memory.max value \"1X\" (want \"max|BYTES[KMGT]\")" },
	{ "{\"component\":\"web\",\"limits\":{\"io\":\"8:0 rbps=1\\nx\"}}",
	  "web.json: limits.io: bad io.max value \"8:0 rbps=1\nx\" (want \"MAJ:MIN KEY=VALUE...\" with rbps, wbps, riops, wiops)" },
	{ "{\"component\":\"web\",\"limits\":{\"io\":\"8:0 speed=1\"}}",
	  "web.json: limits.io: bad io.max value \"8:0 speed=1\" (want \"MAJ:MIN KEY=VALUE...\" with rbps, wbps, riops, wiops)" },
	{ "{\"component\":\"web\",\"limits\":{\"memory\":-1}}",
	  "web.json: limits.memory: must be a string" },
	{ "{\"component\":\"web\",\"limits\":[]}",
	  "web.json: limits: must be an object" },
	{ "{\"component\":\"web\",\n  \"ingress\":[{\"id\":1,}]}",
	  "web.json:2:22: string or '}' expected near '}'" },
	{ "{\"component\":\"web\",\"mode\":\"enforce\",\"mode\":\"audit\"}",
	  "web.json:1:42: duplicate object key near '\"mode\"'" },
	{ "", "web.json:1:1: '[' or '{' expected near end of file" },
	{ "\"web\"", "web.json:1:5: '[' or '{' expected near '\"web\"'" },
	{ "{\"component\":\"web\"} {}", "web.json:1:21: end of file expected near '{'" },
	/* A syntax error anywhere wins over a bad value before it, as in jansson. */
	{ "[{\"component\":\"a\",\"ingress\":[{\"ports\":80}]},{\"component\":\"b\",}]",
	  "web.json:1:62: string or '}' expected near '}'" },
	{ "[{\"component\":\"a\"},{\"component\":\"b\"},{\"component\":\"a\"}] x",
	  "web.json:1:57: end of file expected near 'x'" },
	/* A bad value, then an escape: the first error in the file is named. */
	{ "[{\"component\":\"a\"},{\"component\":\"b\",\"egress\":[{\"peer\":{\"cidr\":\"10.0.0.1/8\"}}]},{\"component\":\"c\",\"version\":\"\\u0031\"}]",
	  "web.json: [1].egress[0].peer.cidr: \"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)" },
};

static void bad_input(void)
{
	struct manifest_set set;
	struct mf_error err;
	char line[1024], name[96];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "bad input %u: %.60s", i,
			 strchr(bad[i].want, ' ') + 1);
		name[strcspn(name, "\n")] = '\0';
		if (!manifest_parse(bad[i].json, strlen(bad[i].json), &set,
				    &err))
			result(0, name, "accepted");
		else
			expect_str(name, manifest_error_format("web.json", &err,
							       line, sizeof(line)),
				   bad[i].want);
		manifest_set_free(&set);
	}
}

/* Bytes outside ASCII in strings are read as they are, as fast. */
static void non_ascii(void)
{
	static const char text[] =
		"{\"component\":\"web\",\"version\":\"v1-\xc3\xa9t\xc3\xa9 \\u00e9\"}";
	struct manifest_set set, back;
	struct mf_error err;
	struct nl_msg *msg;

	result(!manifest_parse(text, strlen(text), &set, &err) &&
	       !strcmp(set.m->version, "v1-\xc3\xa9t\xc3\xa9 \xc3\xa9"),
	       "non-ASCII: UTF-8 and a \\u escape read alike", err.msg);
	msg = encode(&set, NULL, &err);
	result(msg && !decode_msg(msg, &set, &back) &&
	       !strcmp(back.m->version, set.m->version),
	       "non-ASCII: the version string survives the wire", err.msg);
	manifest_set_free(&back);
	nlmsg_free(msg);
	manifest_set_free(&set);
	result(manifest_parse("{\"component\":\"w\xff\"}", 17, &set, &err) &&
	       strstr(err.msg, "unable to decode byte 0xff"),
	       "non-ASCII: bytes that are not UTF-8 are refused",
	       err.msg);
	manifest_set_free(&set);
}

/* A manifest of @n rules, as JSON text. */
static char *many_rules(const char *component, unsigned int n)
{
	size_t size = 64 + n * 80, len;
	char *buf = malloc(size);
	unsigned int i;

	len = snprintf(buf, size, "{\"component\":\"%s\",\"ingress\":[",
		       component);
	for (i = 0; i < n; i++)
		len += snprintf(buf + len, size - len,
				"%s{\"peer\":{\"cidr\":\"10.%u.%u.0/24\"},\"protocol\":\"tcp\",\"ports\":%u}",
				i ? "," : "", i >> 8 & 255, i & 255, i % 65536);
	snprintf(buf + len, size - len, "]}");
	return buf;
}

/* @set encoded, decoded back and compared, in JSON. */
static int survives(const struct manifest_set *set, struct nl_msg *msg)
{
	struct manifest_set back;
	json_t *want = manifest_set_to_json(set), *got;
	int ok;

	ok = !decode_msg(msg, set, &back);
	got = manifest_set_to_json(&back);
	ok = ok && json_equal(want, got);
	json_decref(want);
	json_decref(got);
	manifest_set_free(&back);
	return ok;
}

/*
 * 65,536 rules: far beyond the 64 KiB of one attribute, so the manifest
 * goes in many parts. What a manifest may hold is the kernel's to say.
 */
/* A manifest that takes 1,000 personas: one part, all of their names. */
static void many_personas(void)
{
	size_t cap = 64 + 1000 * 32, len;
	char *buf = malloc(cap);
	struct manifest_set set;
	struct mf_error err;
	struct nl_msg *msg;
	unsigned int i;

	len = snprintf(buf, cap, "{ \"component\": \"many\", \"personas\": [");
	for (i = 0; i < 1000; i++)
		len += snprintf(buf + len, cap - len, "%s\"persona-%04u\"", i ? ", " : "", i);
	snprintf(buf + len, cap - len, "] }");
	result(!manifest_parse(buf, strlen(buf), &set, &err) && set.m->n_personas == 1000,
	       "a manifest taking 1,000 personas parses", err.msg);
	free(buf);
	msg = encode(&set, NULL, &err);
	result(msg && nlmsg_hdr(msg)->nlmsg_len <= manifest_msg_size(&set),
	       "1,000 personas encode within the computed size", err.msg);
	nlmsg_free(msg);
	manifest_set_free(&set);
}

static void large(void)
{
	struct manifest_set set;
	struct mf_error err;
	struct nl_msg *msg;
	char *buf = many_rules("big", 65536), why[128] = "";

	result(!manifest_parse(buf, strlen(buf), &set, &err) &&
	       set.m->n_ingress == 65536 && set.m->ingress[65535].id == 65536,
	       "65,536 rules parse, IDs 1..65536", err.msg);
	free(buf);
	msg = encode(&set, NULL, &err);
	result(msg && nlmsg_hdr(msg)->nlmsg_len > 16 * MF_NLA_MAX &&
	       nlmsg_hdr(msg)->nlmsg_len <= manifest_msg_size(&set),
	       "65,536 rules encode in one request, within its computed size",
	       err.msg);
	result(msg && layout_ok(msg, why, sizeof(why)),
	       "65,536 rules: every part within 60 KiB, one header", why);
	result(msg && survives(&set, msg), "65,536 rules decode back", NULL);
	nlmsg_free(msg);
	manifest_set_free(&set);

	/* The kernel refuses this many; compfwctl sends it for the kernel to say so. */
	buf = many_rules("over", 70000);
	result(!manifest_parse(buf, strlen(buf), &set, &err), "70,000 rules parse",
	       err.msg);
	free(buf);
	msg = encode(&set, NULL, &err);
	result(msg != NULL, "70,000 rules encode: the limit is the kernel's", err.msg);
	nlmsg_free(msg);
	manifest_set_free(&set);
}

/* A rule that alone outgrows one attribute (u16 nla_len): 4,000 excepts. */
static void huge_rule(void)
{
	size_t size = 64 + 4000 * 24, len;
	char *buf = malloc(size), line[1024];
	struct attr_paths paths = { 0 };
	struct manifest_set set;
	struct mf_error err;
	struct nl_msg *msg;
	unsigned int i;

	len = snprintf(buf, size, "[{\"component\":\"a\"},{\"component\":\"web\","
		       "\"egress\":[{},{\"peer\":{\"cidr\":\"10.0.0.0/8\",\"except\":[");
	for (i = 0; i < 4000; i++)
		len += snprintf(buf + len, size - len, "%s\"10.%u.%u.0/24\"",
				i ? "," : "", i >> 8, i & 255);
	snprintf(buf + len, size - len, "]}}]}]");
	result(!manifest_parse(buf, strlen(buf), &set, &err),
	       "4,000 excepts parse", err.msg);
	free(buf);
	msg = encode(&set, &paths, &err);
	expect_has("a rule over 64 KiB: refused, named by its path",
		   msg ? "encoded" : manifest_error_format("web.json", &err, line,
							   sizeof(line)),
		   "web.json: [1].egress[1]: too large: ");
	nlmsg_free(msg);
	attr_paths_free(&paths);
	manifest_set_free(&set);
}

static char *apply_args[2];

static void run_apply(void *ret)
{
	struct ctl ctl = { 0 };

	*(int *)ret = cmd_apply(&ctl, 1, apply_args);
}

static void run_add(void *ret)
{
	char *argv[] = { "add", "web", "cgroup", "/app/../x", NULL };
	struct ctl ctl = { 0 };

	*(int *)ret = cmd_component(&ctl, 4, argv);
}

/* Bad input is refused before compfwctl even looks for the module. */
static void commands(void)
{
	static const char text[] =
		"{\"component\":\"web\",\"egress\":[{\"ports\":1}]}";
	char path[] = "/tmp/compfw-web-XXXXXX", want[128];
	int fd = mkstemp(path), ret = 0;
	char *out;

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		result(0, "temporary file", NULL);
	close(fd);
	apply_args[0] = path;
	out = capture(&stderr, run_apply, &ret);
	snprintf(want, sizeof(want),
		 "compfwctl: %s: egress[0].ports: ports need protocol tcp, udp or sctp\n",
		 path);
	result(ret == 1 && !strcmp(out, want), "apply: bad file: one line, exit 1", out);
	unlink(path);
	out = capture(&stderr, run_apply, &ret);
	snprintf(want, sizeof(want), "compfwctl: %s: No such file or directory\n", path);
	result(ret == 1 && !strcmp(out, want), "apply: missing file: one line, exit 1", out);
	out = capture(&stderr, run_add, &ret);
	result(ret == 1 && !strcmp(out, "compfwctl: cgroup path \"/app/../x\" must not contain \".\" or \"..\"\n"),
	       "component add: bad cgroup path refused before connecting", out);
}

void test_manifest(const char *dir)
{
	unsigned int i;

	for (i = 0; i < sizeof(good_files) / sizeof(good_files[0]); i++)
		round_trip(dir, good_files[i]);
	normal_form(dir);
	non_ascii();
	ids(dir);
	bad_input();
	large();
	many_personas();
	huge_rule();
	commands();
}
