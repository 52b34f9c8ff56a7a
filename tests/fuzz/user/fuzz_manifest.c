// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: compfwctl's manifest reader, manifest_parse(), the one
 * function `compfwctl apply` reads a file with, on arbitrary bytes. It
 * stops on a crash, a leak, an ASan or UBSan report, or a broken promise:
 *
 * - a refused input has a message (and a line and column for a syntax
 *   error), which manifest_error_format() prints on one line's worth;
 * - an accepted one is self-consistent: every field within its documented
 *   range, IDs non-zero and unique, CIDRs canonical, excepts inside, names
 *   unique, limits in the cgroup files' syntax;
 * - its normal form (what `component show` prints) parses back to itself;
 * - it encodes to netlink within manifest_msg_size(), or is refused with a
 *   message, and the attributes decode back to the same manifests;
 * - the kernel's compiler (kmod/compile.c, in userspace) takes each one,
 *   or refuses it only for a limit (-E2BIG): what compfwctl lets through
 *   is never invalid to the kernel.
 */
#include <errno.h>
#include <jansson.h>
#include <linux/compfw.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../tools/manifest.h"
#include "mf_spec.h"

static __attribute__((format(printf, 1, 2), noreturn)) void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_manifest: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

static bool is_port_proto(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP;
}

static bool is_icmp(uint8_t p)
{
	return p == IPPROTO_ICMP || p == IPPROTO_ICMPV6;
}

static void check_l4(const struct mf_l4 *l4, const char *where, unsigned int i)
{
	if (!mf_proto_name(l4->proto))
		die("%s[%u]: protocol %u has no name", where, i, l4->proto);
	if (l4->has_ports && (!is_port_proto(l4->proto) || l4->port_min > l4->port_max))
		die("%s[%u]: ports %u-%u with protocol %u", where, i,
		    l4->port_min, l4->port_max, l4->proto);
	if (!l4->has_ports && (l4->port_min || l4->port_max))
		die("%s[%u]: ports set but not given", where, i);
	if (l4->has_icmp_type && !is_icmp(l4->proto))
		die("%s[%u]: ICMP type with protocol %u", where, i, l4->proto);
	if (!l4->has_icmp_type && l4->icmp_type)
		die("%s[%u]: ICMP type set but not given", where, i);
}

static void check_cidr(const struct cidr *c, const char *where, unsigned int i)
{
	struct cidr masked;

	if (c->family != AF_INET && c->family != AF_INET6)
		die("%s[%u]: family %d", where, i, c->family);
	if (c->prefix_len > cidr_addr_len(c) * 8)
		die("%s[%u]: prefix length %u", where, i, c->prefix_len);
	if (cidr_host_bits(c, &masked))
		die("%s[%u]: host bits set", where, i);
}

static void check_name(const char *s, size_t max, const char *what)
{
	if (!s || !*s || strlen(s) >= max)
		die("%s \"%s\": empty or too long", what, s ? s : "(null)");
}

static void check_rules(const struct mf_rule *r, unsigned int n, const char *where)
{
	unsigned int i, x;

	if (n && !r)
		die("%s: %u rules, no array", where, n);
	for (i = 0; i < n; i++) {
		if (!r[i].id)
			die("%s[%u]: rule ID 0", where, i);
		check_l4(&r[i].l4, where, i);
		switch (r[i].peer) {
		case MF_PEER_ANY:
			break;
		case MF_PEER_COMPONENT:
			check_name(r[i].component, COMPFW_NAME_MAX, "peer component");
			break;
		case MF_PEER_CIDR:
			check_cidr(&r[i].cidr, where, i);
			if (is_icmp(r[i].l4.proto) &&
			    (r[i].l4.proto == IPPROTO_ICMP) != (r[i].cidr.family == AF_INET))
				die("%s[%u]: %s with a peer of the other family", where, i,
				    mf_proto_name(r[i].l4.proto));
			for (x = 0; x < r[i].n_except; x++) {
				check_cidr(&r[i].except[x], where, i);
				if (!cidr_inside(&r[i].except[x], &r[i].cidr))
					die("%s[%u]: except %u outside its CIDR", where, i, x);
			}
			break;
		default:
			die("%s[%u]: peer kind %d", where, i, r[i].peer);
		}
		if (r[i].peer != MF_PEER_CIDR && r[i].n_except)
			die("%s[%u]: excepts without a CIDR", where, i);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void check_manifest(const struct manifest *m)
{
	uint32_t *ids = calloc(m->n_ingress + m->n_egress + 1, sizeof(*ids));
	unsigned int i, n = 0;

	check_name(m->component, COMPFW_NAME_MAX, "component");
	if (m->version)
		check_name(m->version, COMPFW_VERSION_MAX, "version");
	if (m->mode != COMPFW_MODE_ENFORCE && m->mode != COMPFW_MODE_AUDIT)
		die("%s: mode %u", m->component, m->mode);
	if (m->log > COMPFW_LOG_ALL)
		die("%s: log %u", m->component, m->log);
	if (!m->has_nflog && m->nflog_group)
		die("%s: nflog group set but not given", m->component);
	if (m->n_exposure && !m->exposure)
		die("%s: exposure without an array", m->component);
	for (i = 0; i < m->n_exposure; i++)
		check_l4(&m->exposure[i], "exposure", i);
	check_rules(m->ingress, m->n_ingress, "ingress");
	check_rules(m->egress, m->n_egress, "egress");
	if (!ids)
		die("out of memory");
	for (i = 0; i < m->n_ingress; i++)
		ids[n++] = m->ingress[i].id;
	for (i = 0; i < m->n_egress; i++)
		ids[n++] = m->egress[i].id;
	qsort(ids, n, sizeof(*ids), cmp_u32);
	for (i = 1; i < n; i++)
		if (ids[i] == ids[i - 1])
			die("%s: rule ID %u twice", m->component, ids[i]);
	free(ids);
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		if (m->limit[i] && (strlen(m->limit[i]) >= MF_LIMIT_MAX ||
				    mf_limit_check(i, m->limit[i])))
			die("%s: limit %s \"%s\"", m->component, mf_limit_key[i],
			    m->limit[i]);
}

static void check_set(const struct manifest_set *set)
{
	unsigned int i, j;

	if (!set->n || !set->m || (!set->is_array && set->n != 1))
		die("%u manifests (array: %d)", set->n, set->is_array);
	for (i = 0; i < set->n; i++) {
		check_manifest(&set->m[i]);
		for (j = 0; j < i; j++)
			if (!strcmp(set->m[i].component, set->m[j].component))
				die("component \"%s\" twice", set->m[i].component);
	}
}

static void check_error(const struct mf_error *err)
{
	char line[1024];

	if (!err->msg[0] || strnlen(err->msg, sizeof(err->msg)) == sizeof(err->msg) ||
	    strnlen(err->path, sizeof(err->path)) == sizeof(err->path))
		die("refused without a message");
	if (err->line < 0 || err->column < 0 || (err->line && !err->column))
		die("refused at line %d column %d: %s", err->line, err->column, err->msg);
	manifest_error_format("m.json", err, line, sizeof(line));
	if (!strstr(line, err->msg) && strlen(line) < sizeof(line) - 1)
		die("formatted error \"%s\" lacks its message \"%s\"", line, err->msg);
}

/* The normal form without the limits, which go to the cgroup, not the kernel. */
static json_t *wire_form(const json_t *normal)
{
	json_t *copy = json_deep_copy(normal), *m;
	size_t i;

	if (json_is_object(copy))
		json_object_del(copy, "limits");
	json_array_foreach(copy, i, m)
		json_object_del(m, "limits");
	return copy;
}

static char *dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* What `component show` prints parses to the same manifests. */
static void check_normal_form(const json_t *normal)
{
	struct manifest_set again;
	struct mf_error err;
	char *text = dump(normal), *back;
	json_t *j;

	if (!text)
		die("normal form does not print");
	if (manifest_parse(text, strlen(text), &again, &err))
		die("normal form refused: %s: %s (%s)", err.path, err.msg, text);
	j = manifest_set_to_json(&again);
	back = dump(j);
	if (!json_equal(j, normal))
		die("normal form %s parses to %s", text, back);
	free(back);
	json_decref(j);
	manifest_set_free(&again);
	free(text);
}

/* The manifest of @out named @name, or a new one; as the kernel adds parts up. */
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

static void check_wire(const struct manifest_set *set, const json_t *normal)
{
	size_t size = manifest_msg_size(set);
	struct nl_msg *msg = nlmsg_alloc_size(size);
	struct manifest_set back = { .is_array = set->is_array };
	struct mf_error err;
	struct nlmsghdr *hdr;
	struct manifest *m;
	json_t *want, *got;
	struct nlattr *a;
	const char *name;
	char *t1, *t2;
	int rem;

	if (!msg)
		die("no message of %zu bytes", size);
	if (manifest_put_set(msg, set, NULL, &err)) {
		if (!err.msg[0] || !err.path[0])
			die("encoding refused without a message or its path: %s: %s",
			    err.path, err.msg);
		nlmsg_free(msg);
		return;
	}
	hdr = nlmsg_hdr(msg);
	if (hdr->nlmsg_len > size)
		die("%u bytes encoded, %zu computed", hdr->nlmsg_len, size);
	back.m = calloc(set->n, sizeof(*back.m));
	if (!back.m)
		die("out of memory");
	nla_for_each_attr(a, nlmsg_data(hdr), nlmsg_datalen(hdr), rem) {
		if (nla_type(a) != COMPFW_APPLY_A_MANIFEST ||
		    nla_len(a) + NLA_HDRLEN > MF_PART_MAX)
			die("attribute %d of %d bytes in the request", nla_type(a), nla_len(a));
		name = manifest_part_component(a);
		m = name ? by_name(&back, set->n, name) : NULL;
		if (!m)
			die("a part names %s", name ? "a component too many" : "no component");
		if (manifest_part_from_attr(a, m, true))
			die("%s: a part does not decode", name);
	}
	want = wire_form(normal);
	got = manifest_set_to_json(&back);
	if (back.n != set->n || !json_equal(want, got)) {
		t1 = dump(want);
		t2 = dump(got);
		die("sent %s, decoded %s", t1, t2);
	}
	json_decref(got);
	json_decref(want);
	manifest_set_free(&back);
	nlmsg_free(msg);
}

static void check_kernel(const struct manifest_set *set)
{
	char why[600];
	unsigned int i;
	int rc;

	for (i = 0; i < set->n; i++) {
		rc = mf_spec_compile(&set->m[i], why, sizeof(why));
		if (rc && rc != -E2BIG)
			die("%s: compfwctl accepts it, the kernel's compiler says %d: %s",
			    set->m[i].component, rc, why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_set set;
	struct mf_error err;
	json_t *normal;
	int ret;

	ret = manifest_parse((const char *)data, size, &set, &err);
	if (ret) {
		if (ret != -1)
			die("manifest_parse returned %d", ret);
		check_error(&err);
		manifest_set_free(&set);
		return 0;
	}
	check_set(&set);
	normal = manifest_set_to_json(&set);
	if (!normal)
		die("no normal form");
	check_normal_form(normal);
	check_wire(&set, normal);
	check_kernel(&set);
	json_decref(normal);
	manifest_set_free(&set);
	return 0;
}
