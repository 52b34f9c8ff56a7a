// SPDX-License-Identifier: GPL-2.0
/*
 * Manifests in JSON: the one reader, on jansson (fuzzable: manifest_parse()
 * takes a buffer), the checks that make bad input fail before anything is sent, ID
 * assignment, and the normalised JSON that `component show` prints.
 *
 * Every error names the value by its JSON path, so that a person can find
 * it in a file of thousands of rules.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "xalloc.h"

const char *const mf_limit_key[MF_LIMIT_COUNT] = { "cpu", "memory", "io" };
const char *const mf_limit_file[MF_LIMIT_COUNT] = {
	"cpu.max", "memory.max", "io.max",
};

static const struct {
	const char *name;
	uint8_t proto;
} mf_protos[] = {
	{ "any", 0 },
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "sctp", IPPROTO_SCTP },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The member names a manifest may use; MF_K_OTHER for any other. */
enum mf_key {
	MF_K_OTHER,
	MF_K_COMPONENT,
	MF_K_VERSION,
	MF_K_MODE,
	MF_K_LOG,
	MF_K_NFLOG_GROUP,
	MF_K_EXPOSURE,
	MF_K_INGRESS,
	MF_K_EGRESS,
	MF_K_LIMITS,
	MF_K_ID,
	MF_K_PEER,
	MF_K_PROTOCOL,
	MF_K_PORTS,
	MF_K_ICMP_TYPE,
	MF_K_CIDR,
	MF_K_EXCEPT,
	MF_K_CPU,
	MF_K_MEMORY,
	MF_K_IO,
	MF_K_PERSONAS,
	MF_K_DEFAULT_PERSONA,
	MF_K_NAME,
	MF_K_NETWORK_PROFILE,
	MF_K_ALLOWED_INGRESS,
	MF_K_ALLOWED_EGRESS,
	MF_K_SECURITY_PROFILE,
	MF_K_LEVEL,
	MF_K_ENCRYPTION_REQUIRED,
	MF_K_RESOURCE_LIMITS,
	MF_K_ACTIVATION_TRIGGER,
	MF_K_PROCESS_NAME,
	MF_K_PATH,
	MF_K_COMMUNICATION_MODE,
	MF_K_ALLOWED_PROTOCOLS,
	MF_K_PRIORITY,
	MF_K_QOS_PARAMETERS,
	MF_K_DSCP,
	MF_K_RATE,
	MF_K_BURST,
	MF_K_PORT,
	MF_K_SOURCE,
	MF_K_DESTINATION,
	MF_K_COUNT,
};

#define MF_BIT(key) (1ull << (key))

static const char *const mf_key_name[MF_K_COUNT] = {
	[MF_K_OTHER] = "",
	[MF_K_COMPONENT] = "component",
	[MF_K_VERSION] = "version",
	[MF_K_MODE] = "mode",
	[MF_K_LOG] = "log",
	[MF_K_NFLOG_GROUP] = "nflog_group",
	[MF_K_EXPOSURE] = "exposure",
	[MF_K_INGRESS] = "ingress",
	[MF_K_EGRESS] = "egress",
	[MF_K_LIMITS] = "limits",
	[MF_K_ID] = "id",
	[MF_K_PEER] = "peer",
	[MF_K_PROTOCOL] = "protocol",
	[MF_K_PORTS] = "ports",
	[MF_K_ICMP_TYPE] = "icmp_type",
	[MF_K_CIDR] = "cidr",
	[MF_K_EXCEPT] = "except",
	[MF_K_CPU] = "cpu",
	[MF_K_MEMORY] = "memory",
	[MF_K_IO] = "io",
	[MF_K_PERSONAS] = "personas",
	[MF_K_DEFAULT_PERSONA] = "default_persona",
	[MF_K_NAME] = "name",
	[MF_K_NETWORK_PROFILE] = "network_profile",
	[MF_K_ALLOWED_INGRESS] = "allowed_ingress",
	[MF_K_ALLOWED_EGRESS] = "allowed_egress",
	[MF_K_SECURITY_PROFILE] = "security_profile",
	[MF_K_LEVEL] = "level",
	[MF_K_ENCRYPTION_REQUIRED] = "encryption_required",
	[MF_K_RESOURCE_LIMITS] = "resource_limits",
	[MF_K_ACTIVATION_TRIGGER] = "activation_trigger",
	[MF_K_PROCESS_NAME] = "process_name",
	[MF_K_PATH] = "path",
	[MF_K_COMMUNICATION_MODE] = "communication_mode",
	[MF_K_ALLOWED_PROTOCOLS] = "allowed_protocols",
	[MF_K_PRIORITY] = "priority",
	[MF_K_QOS_PARAMETERS] = "qos_parameters",
	[MF_K_DSCP] = "dscp",
	[MF_K_RATE] = "rate",
	[MF_K_BURST] = "burst",
	[MF_K_PORT] = "port",
	[MF_K_SOURCE] = "source",
	[MF_K_DESTINATION] = "destination",
};

/* Of the keys @allowed, the one named @name; MF_K_OTHER when none is. */
static enum mf_key key_of(const char *name, uint64_t allowed)
{
	unsigned int k;

	for (k = 1; k < MF_K_COUNT; k++)
		if ((allowed & MF_BIT(k)) && !strcmp(mf_key_name[k], name))
			return k;
	return MF_K_OTHER;
}

/*
 * Where the parser is in the document, and where its errors go. The path is
 * kept as the members and indexes it went through, and spelled out only for
 * an error: the parser descends into every rule of a file.
 */
struct pctx {
	struct mf_error *err;
	struct {
		const char *key;	/* NULL: an index */
		size_t index;
	} seg[16];
	unsigned int depth;
};

static char *xstrdup(const char *s)
{
	return strcpy(xcalloc(strlen(s) + 1, 1), s);
}

/* path_key()/path_index() descend and return the depth to restore. */
static unsigned int path_push(struct pctx *p, const char *key, size_t index)
{
	unsigned int old = p->depth;

	if (p->depth < ARRAY_SIZE(p->seg)) {
		p->seg[p->depth].key = key;
		p->seg[p->depth++].index = index;
	}
	return old;
}

static unsigned int path_key(struct pctx *p, const char *key)
{
	return path_push(p, key, 0);
}

static unsigned int path_index(struct pctx *p, size_t i)
{
	return path_push(p, NULL, i);
}

static void path_restore(struct pctx *p, unsigned int depth)
{
	p->depth = depth;
}

static void path_append(char *buf, size_t size, size_t *len, const char *s,
			size_t n)
{
	size_t room = size - 1 - *len;

	if (n > room)
		n = room;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/* "[1].ingress[0].ports", cut short to fit @size bytes. */
static const char *path_format(const struct pctx *p, char *buf, size_t size)
{
	char digits[24], *d;
	size_t len = 0, i;
	unsigned int k;

	buf[0] = '\0';
	for (k = 0; k < p->depth; k++) {
		if (p->seg[k].key) {
			if (len)
				path_append(buf, size, &len, ".", 1);
			path_append(buf, size, &len, p->seg[k].key,
				    strlen(p->seg[k].key));
			continue;
		}
		i = p->seg[k].index;
		d = digits + sizeof(digits);
		*--d = ']';
		do {
			*--d = '0' + i % 10;
			i /= 10;
		} while (i);
		*--d = '[';
		path_append(buf, size, &len, d, digits + sizeof(digits) - d);
	}
	return buf;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct pctx *p, const char *fmt, ...)
{
	va_list ap;

	path_format(p, p->err->path, sizeof(p->err->path));
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* fail() on the member @key of the object at the current path. */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct pctx *p, const char *key, const char *fmt, ...)
{
	va_list ap;

	path_key(p, key);
	path_format(p, p->err->path, sizeof(p->err->path));
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* An object's members by name, found in one pass over them. */
struct members {
	json_t *v[MF_K_COUNT];
};

/* Edit distance (Levenshtein) of two field names, at most 31 bytes of each. */
static unsigned int distance(const char *a, const char *b)
{
	unsigned int row[32], i, j, diag, up, n = strlen(b);

	if (strlen(a) > 31 || n > 31)
		return UINT32_MAX;
	for (j = 0; j <= n; j++)
		row[j] = j;
	for (i = 1; a[i - 1]; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= n; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[n];
}

/* Of the keys @allowed, the one @name is likely a typo of, or NULL. */
static const char *nearest_key(const char *name, uint64_t allowed)
{
	unsigned int k, d, best = 3;
	const char *near = NULL;

	for (k = 1; k < MF_K_COUNT; k++) {
		if (!(allowed & MF_BIT(k)))
			continue;
		/* "prot" for "protocol": a name cut short. */
		if (strlen(name) >= 3 && !strncmp(mf_key_name[k], name, strlen(name)))
			return mf_key_name[k];
		d = distance(name, mf_key_name[k]);
		/* Two edits at most, and fewer than the name has letters. */
		if (d < best && d < strlen(name)) {
			best = d;
			near = mf_key_name[k];
		}
	}
	return near;
}

/*
 * Unknown fields are errors: a typo must not silently widen a policy. The
 * others go into @m; there are no duplicates, which jansson refuses.
 */
static int check_fields(struct pctx *p, json_t *obj, uint64_t allowed,
			struct members *m)
{
	const char *name;
	enum mf_key key;
	json_t *c;

	memset(m, 0, sizeof(*m));
	json_object_foreach(obj, name, c) {
		key = key_of(name, allowed);
		if (key == MF_K_OTHER && nearest_key(name, allowed))
			return fail(p, "unknown field \"%s\" (did you mean \"%s\"?)", name,
				    nearest_key(name, allowed));
		if (key == MF_K_OTHER)
			return fail(p, "unknown field \"%s\"", name);
		m->v[key] = c;
	}
	return 0;
}

/*
 * Into the object member @key of @m: its members in @sub, the path inside
 * it (*@old restores it). 1, or 0 when it is absent, or -1 when it is not
 * an object or has a member not in @fields.
 */
static int enter_object(struct pctx *p, const struct members *m, enum mf_key key,
			uint64_t fields, struct members *sub, unsigned int *old)
{
	json_t *obj = m->v[key];

	if (!obj)
		return 0;
	*old = path_key(p, mf_key_name[key]);
	if (!json_is_object(obj))
		return fail(p, "must be an object");
	return check_fields(p, obj, fields, sub) ? -1 : 1;
}

static int get_string(struct pctx *p, const struct members *m,
		      enum mf_key key, size_t max, char **out)
{
	json_t *v = m->v[key];
	const char *name = mf_key_name[key];
	const char *s;
	size_t len;

	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail_at(p, name, "must be a string");
	s = json_string_value(v);
	len = strlen(s);
	if (!len)
		return fail_at(p, name, "must not be empty");
	if (len >= max)
		return fail_at(p, name, "\"%s\" is longer than %zu bytes", s,
			       max - 1);
	if (len != json_string_length(v))
		return fail_at(p, name, "must not contain a NUL");
	*out = memcpy(xcalloc(len + 1, 1), s, len);
	return 0;
}

/* A component's or persona's name at the current path. */
static int name_value(struct pctx *p, json_t *v, char **out)
{
	const char *s;

	if (!json_is_string(v))
		return fail(p, "must be a string");
	s = json_string_value(v);
	if (!*s)
		return fail(p, "must not be empty");
	if (strlen(s) >= COMPFW_NAME_MAX)
		return fail(p, "\"%s\" is longer than %d bytes", s, COMPFW_NAME_MAX - 1);
	if (strlen(s) != json_string_length(v))
		return fail(p, "must not contain a NUL");
	*out = xstrdup(s);
	return 0;
}

/* An integer member within [min, max]; 1 when present, 0 when absent. */
static int get_uint(struct pctx *p, const struct members *m,
		    enum mf_key key, json_int_t min, json_int_t max,
		    json_int_t *out)
{
	json_t *v = m->v[key];

	if (!v)
		return 0;
	if (!json_is_integer(v))
		return fail_at(p, mf_key_name[key], "must be an integer");
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return fail_at(p, mf_key_name[key], "%lld out of range %lld-%lld",
			       (long long)*out, (long long)min,
			       (long long)max);
	return 1;
}

const char *mf_proto_name(uint8_t proto)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mf_protos); i++)
		if (mf_protos[i].proto == proto)
			return mf_protos[i].name;
	return NULL;
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

static bool proto_is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static int parse_proto(struct pctx *p, const struct members *m,
		       struct mf_l4 *l4)
{
	json_t *v = m->v[MF_K_PROTOCOL];
	unsigned int i;

	l4->proto = 0;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail_at(p, "protocol", "must be a string");
	for (i = 0; i < ARRAY_SIZE(mf_protos); i++) {
		if (!strcmp(mf_protos[i].name, json_string_value(v))) {
			l4->proto = mf_protos[i].proto;
			return 0;
		}
	}
	return fail_at(p, "protocol",
		       "unknown protocol \"%s\" (tcp, udp, sctp, icmp, icmpv6 or any)",
		       json_string_value(v));
}

/* One port as text: digits only, so "+80", " 80" and "0x50" are refused. */
static int port_text(const char *s, size_t len, long *port)
{
	char digits[8];
	char *end;

	if (!len || len >= sizeof(digits) || strspn(s, "0123456789") < len)
		return -1;
	memcpy(digits, s, len);
	digits[len] = '\0';
	*port = strtol(digits, &end, 10);
	return 0;
}

static int check_port(struct pctx *p, const char *key, long port)
{
	if (port < 0 || port > 65535)
		return fail_at(p, key, "%ld out of range 0-65535", port);
	return 0;
}

static int parse_port_string(struct pctx *p, const char *key, const char *s,
			     struct mf_l4 *l4)
{
	const char *dash = strchr(s, '-');
	long lo, hi;

	if (port_text(s, dash ? (size_t)(dash - s) : strlen(s), &lo) ||
	    (dash && port_text(dash + 1, strlen(dash + 1), &hi)))
		return fail_at(p, key, "bad port range \"%s\"", s);
	if (!dash)
		hi = lo;
	if (check_port(p, key, lo) || check_port(p, key, hi))
		return -1;
	if (lo > hi)
		return fail_at(p, key,
			       "bad port range \"%s\": %ld is above %ld", s,
			       lo, hi);
	l4->port_min = lo;
	l4->port_max = hi;
	return 0;
}

/* "ports", or in a persona's rules "port" (seed 002's spelling) instead. */
static int parse_ports(struct pctx *p, const struct members *m,
		       struct mf_l4 *l4)
{
	const char *key = m->v[MF_K_PORT] ? "port" : "ports";
	json_t *v = m->v[MF_K_PORT] ?: m->v[MF_K_PORTS];

	if (!v)
		return 0;
	if (m->v[MF_K_PORT] && m->v[MF_K_PORTS])
		return fail_at(p, "port", "give one of \"port\" and \"ports\"");
	if (!proto_has_ports(l4->proto))
		return fail_at(p, key, "%s need protocol tcp, udp or sctp", key);
	l4->has_ports = true;
	if (json_is_string(v))
		return parse_port_string(p, key, json_string_value(v), l4);
	if (!json_is_integer(v))
		return fail_at(p, key, "must be an integer or \"LO-HI\"");
	if (json_integer_value(v) < 0 || json_integer_value(v) > 65535)
		return fail_at(p, key, "%lld out of range 0-65535",
			       (long long)json_integer_value(v));
	l4->port_min = l4->port_max = json_integer_value(v);
	return 0;
}

/* The members protocol, ports and icmp_type of a rule or exposure entry. */
static int parse_l4(struct pctx *p, const struct members *m,
		    struct mf_l4 *l4)
{
	json_int_t type;
	int ret;

	if (parse_proto(p, m, l4) || parse_ports(p, m, l4))
		return -1;
	if (m->v[MF_K_ICMP_TYPE] && !proto_is_icmp(l4->proto))
		return fail_at(p, "icmp_type",
			       "icmp_type needs protocol icmp or icmpv6");
	ret = get_uint(p, m, MF_K_ICMP_TYPE, 0, 255, &type);
	if (ret < 0)
		return -1;
	l4->has_icmp_type = ret;
	l4->icmp_type = ret ? type : 0;
	return 0;
}

static int parse_exposure(struct pctx *p, json_t *obj,
			  struct mf_l4 *l4)
{
	static const uint64_t fields = MF_BIT(MF_K_PROTOCOL) |
		MF_BIT(MF_K_PORTS) | MF_BIT(MF_K_ICMP_TYPE);
	struct members m;

	if (!json_is_object(obj))
		return fail(p, "must be an object");
	if (check_fields(p, obj, fields, &m))
		return -1;
	return parse_l4(p, &m, l4);
}

/* A prefix with no host bits set, which would otherwise hide a typo. */
static int parse_cidr(struct pctx *p, json_t *v, struct cidr *cidr)
{
	char text[CIDR_TEXT_MAX];
	struct cidr masked;

	if (!json_is_string(v))
		return fail(p, "must be a string");
	if (cidr_parse(json_string_value(v), cidr))
		return fail(p, "bad CIDR \"%s\"", json_string_value(v));
	if (cidr_host_bits(cidr, &masked))
		return fail(p, "\"%s\" has host bits set (did you mean %s?)",
			    json_string_value(v), cidr_format(&masked, text));
	return 0;
}

static int parse_excepts(struct pctx *p, json_t *arr,
			 struct mf_rule *r)
{
	char inner[CIDR_TEXT_MAX], outer[CIDR_TEXT_MAX];
	json_t *v;
	size_t i;
	unsigned int old;

	if (!json_is_array(arr))
		return fail(p, "must be an array of CIDRs");
	r->n_except = json_array_size(arr);
	r->except = xcalloc(r->n_except, sizeof(*r->except));
	json_array_foreach(arr, i, v) {
		old = path_index(p, i);
		if (parse_cidr(p, v, &r->except[i]))
			return -1;
		if (!cidr_inside(&r->except[i], &r->cidr))
			return fail(p, "except %s is not inside %s",
				    cidr_format(&r->except[i], inner),
				    cidr_format(&r->cidr, outer));
		/* The kernel refuses it too, but without the path. */
		if (r->except[i].prefix_len == r->cidr.prefix_len)
			return fail(p, "except %s is all of %s: the rule would never match",
				    cidr_format(&r->except[i], inner),
				    cidr_format(&r->cidr, outer));
		path_restore(p, old);
	}
	return 0;
}

static int parse_peer_object(struct pctx *p, json_t *peer,
			     struct mf_rule *r)
{
	static const uint64_t fields = MF_BIT(MF_K_COMPONENT) |
		MF_BIT(MF_K_CIDR) | MF_BIT(MF_K_EXCEPT);
	json_t *cidr, *except;
	struct members m;
	unsigned int old;

	if (check_fields(p, peer, fields, &m))
		return -1;
	cidr = m.v[MF_K_CIDR];
	except = m.v[MF_K_EXCEPT];
	if (!!cidr == !!m.v[MF_K_COMPONENT])
		return fail(p, "give one of \"component\" and \"cidr\"");
	if (!cidr) {
		if (except)
			return fail_at(p, "except", "except needs \"cidr\"");
		r->peer = MF_PEER_COMPONENT;
		return get_string(p, &m, MF_K_COMPONENT, COMPFW_NAME_MAX,
				  &r->component);
	}
	r->peer = MF_PEER_CIDR;
	old = path_key(p, "cidr");
	if (parse_cidr(p, cidr, &r->cidr))
		return -1;
	path_restore(p, old);
	if (!except)
		return 0;
	path_key(p, "except");
	return parse_excepts(p, except, r);
}

static int parse_peer(struct pctx *p, const struct members *rule,
		      struct mf_rule *r)
{
	json_t *peer = rule->v[MF_K_PEER];
	unsigned int old;

	r->peer = MF_PEER_ANY;
	if (!peer)
		return 0;
	old = path_key(p, "peer");
	if (json_is_string(peer) && !strcmp(json_string_value(peer), "any")) {
		path_restore(p, old);
		return 0;
	}
	if (!json_is_object(peer))
		return fail(p, "must be \"any\", {\"component\": NAME} or {\"cidr\": CIDR}");
	if (parse_peer_object(p, peer, r))
		return -1;
	path_restore(p, old);
	return 0;
}

/* A persona's rule may name its peer as seed 002 does: "source": CIDR. */
static int parse_addr(struct pctx *p, const struct members *m, enum mf_key addr,
		      struct mf_rule *r)
{
	unsigned int old;

	if (addr == MF_K_OTHER || !m->v[addr])
		return 0;
	if (m->v[MF_K_PEER])
		return fail_at(p, mf_key_name[addr], "give one of \"peer\" and \"%s\"",
			       mf_key_name[addr]);
	old = path_key(p, mf_key_name[addr]);
	if (parse_cidr(p, m->v[addr], &r->cidr))
		return -1;
	path_restore(p, old);
	r->peer = MF_PEER_CIDR;
	return 0;
}

/*
 * @addr: MF_K_SOURCE or MF_K_DESTINATION for a persona's rules, which may
 * also say "port"; MF_K_OTHER for a manifest's.
 */
static int parse_rule(struct pctx *p, json_t *obj, enum mf_key addr, struct mf_rule *r)
{
	uint64_t fields = MF_BIT(MF_K_ID) | MF_BIT(MF_K_PEER) |
		MF_BIT(MF_K_PROTOCOL) | MF_BIT(MF_K_PORTS) |
		MF_BIT(MF_K_ICMP_TYPE);
	char text[CIDR_TEXT_MAX];
	struct members m;
	json_int_t id;
	int ret;

	if (addr != MF_K_OTHER)
		fields |= MF_BIT(addr) | MF_BIT(MF_K_PORT);
	if (!json_is_object(obj))
		return fail(p, "must be an object");
	if (check_fields(p, obj, fields, &m))
		return -1;
	ret = get_uint(p, &m, MF_K_ID, 1, UINT32_MAX, &id);
	if (ret < 0)
		return -1;
	r->id_given = ret;
	r->id = ret ? id : 0;
	if (parse_peer(p, &m, r) || parse_addr(p, &m, addr, r) || parse_l4(p, &m, &r->l4))
		return -1;
	/* ICMP is IPv4 only and ICMPv6 IPv6 only: such a rule is dead. */
	if (r->peer == MF_PEER_CIDR && proto_is_icmp(r->l4.proto) &&
	    (r->l4.proto == IPPROTO_ICMP) != (r->cidr.family == AF_INET))
		return fail_at(p, "protocol", "%s never matches peer %s",
			       mf_proto_name(r->l4.proto),
			       cidr_format(&r->cidr, text));
	return 0;
}

static int parse_rules(struct pctx *p, const struct members *m, enum mf_key key,
		       enum mf_key addr, struct mf_rule **rules, unsigned int *n)
{
	json_t *arr = m->v[key], *v;
	unsigned int old, old_i;
	size_t i;

	if (!arr)
		return 0;
	old = path_key(p, mf_key_name[key]);
	if (!json_is_array(arr))
		return fail(p, "must be an array");
	*n = json_array_size(arr);
	*rules = xcalloc(*n, sizeof(**rules));
	json_array_foreach(arr, i, v) {
		old_i = path_index(p, i);
		if (parse_rule(p, v, addr, &(*rules)[i]))
			return -1;
		path_restore(p, old_i);
	}
	path_restore(p, old);
	return 0;
}

static int parse_exposures(struct pctx *p, const struct members *obj,
			   struct manifest *m)
{
	json_t *arr = obj->v[MF_K_EXPOSURE], *v;
	unsigned int old, old_i;
	size_t i;

	if (!arr)
		return 0;
	old = path_key(p, "exposure");
	if (!json_is_array(arr))
		return fail(p, "must be an array");
	m->n_exposure = json_array_size(arr);
	m->exposure = xcalloc(m->n_exposure, sizeof(*m->exposure));
	json_array_foreach(arr, i, v) {
		old_i = path_index(p, i);
		if (parse_exposure(p, v, &m->exposure[i]))
			return -1;
		path_restore(p, old_i);
	}
	path_restore(p, old);
	return 0;
}

static int match(const char *s, const char *charset)
{
	return strspn(s, charset);
}

/* "max" or a decimal number at the start of @s; its length or 0. */
static int max_or_number(const char *s)
{
	return strncmp(s, "max", 3) ? match(s, "0123456789") : 3;
}

static bool io_key_ok(const char *s, size_t len)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (strlen(keys[i]) == len && !strncmp(keys[i], s, len))
			return true;
	return false;
}

/* "MAJ:MIN key=value..." with the keys io.max knows. */
static bool io_ok(const char *s)
{
	const char *eq;
	int n;

	n = match(s, "0123456789");
	if (!n || s[n] != ':')
		return false;
	s += n + 1;
	n = match(s, "0123456789");
	if (!n || s[n] != ' ')
		return false;
	s += n;
	while (*s == ' ') {
		s++;
		eq = strchr(s, '=');
		if (!eq || !io_key_ok(s, eq - s))
			return false;
		n = max_or_number(eq + 1);
		if (!n)
			return false;
		s = eq + 1 + n;
	}
	return !*s;
}

/*
 * The syntax the cgroup v2 files accept, checked here so that a typo is
 * refused before anything is applied. Returns 0 or -1.
 */
int mf_limit_check(enum mf_limit which, const char *value)
{
	int n;

	switch (which) {
	case MF_LIMIT_CPU:
		n = max_or_number(value);
		if (n && value[n] == ' ' && match(value + n + 1, "0123456789"))
			n += 1 + match(value + n + 1, "0123456789");
		return n && !value[n] ? 0 : -1;
	case MF_LIMIT_MEMORY:
		n = max_or_number(value);
		if (n && strncmp(value, "max", 3) && value[n] &&
		    strchr("KMGTkmgt", value[n]))
			n++;
		return n && !value[n] ? 0 : -1;
	default:
		return io_ok(value) ? 0 : -1;
	}
}

static const char *const mf_limit_want[MF_LIMIT_COUNT] = {
	"\"max|QUOTA [PERIOD]\"", "\"max|BYTES[KMGT]\"",
	"\"MAJ:MIN KEY=VALUE...\" with rbps, wbps, riops, wiops",
};

static int parse_limit(struct pctx *p, json_t *v, enum mf_limit which,
		       struct manifest *m)
{
	char text[MF_LIMIT_MAX];

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v) && json_string_length(v) < sizeof(text))
		snprintf(text, sizeof(text), "%s", json_string_value(v));
	else if (json_is_string(v))
		return fail(p, "longer than %d bytes", MF_LIMIT_MAX - 1);
	else
		return fail(p, "must be a string");
	if (mf_limit_check(which, text))
		return fail(p, "bad %s value \"%s\" (want %s)",
			    mf_limit_file[which], text, mf_limit_want[which]);
	m->limit[which] = xstrdup(text);
	return 0;
}

static int parse_limits(struct pctx *p, const struct members *obj, enum mf_key key,
			struct manifest *m)
{
	static const enum mf_key keys[MF_LIMIT_COUNT] = {
		MF_K_CPU, MF_K_MEMORY, MF_K_IO,
	};
	unsigned int old, old_i;
	struct members lm;
	int i, ret;
	json_t *v;

	ret = enter_object(p, obj, key, MF_BIT(MF_K_CPU) | MF_BIT(MF_K_MEMORY) | MF_BIT(MF_K_IO),
			   &lm, &old);
	if (ret <= 0)
		return ret;
	for (i = 0; i < MF_LIMIT_COUNT; i++) {
		v = lm.v[keys[i]];
		if (!v)
			continue;
		old_i = path_key(p, mf_limit_key[i]);
		if (parse_limit(p, v, i, m))
			return -1;
		path_restore(p, old_i);
	}
	path_restore(p, old);
	return 0;
}

static int parse_mode(struct pctx *p, const struct members *obj,
		      struct manifest *m)
{
	json_t *v = obj->v[MF_K_MODE];

	m->mode = COMPFW_MODE_ENFORCE;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail_at(p, "mode", "must be a string");
	if (!strcmp(json_string_value(v), "audit"))
		m->mode = COMPFW_MODE_AUDIT;
	else if (strcmp(json_string_value(v), "enforce"))
		return fail_at(p, "mode", "unknown mode \"%s\" (enforce or audit)",
			       json_string_value(v));
	return 0;
}

static const char *const log_names[] = {
	[COMPFW_LOG_OFF] = "off",
	[COMPFW_LOG_DROPS] = "drops",
	[COMPFW_LOG_ALL] = "all",
};

static int parse_log(struct pctx *p, const struct members *obj,
		     struct manifest *m)
{
	json_t *v = obj->v[MF_K_LOG];
	json_t *g = obj->v[MF_K_NFLOG_GROUP];
	unsigned int i;

	m->log = COMPFW_LOG_DROPS;
	if (v && !json_is_string(v))
		return fail_at(p, "log", "must be a string");
	for (i = 0; v && i < sizeof(log_names) / sizeof(log_names[0]); i++)
		if (!strcmp(json_string_value(v), log_names[i]))
			break;
	if (v && i == sizeof(log_names) / sizeof(log_names[0]))
		return fail_at(p, "log", "unknown log level \"%s\" (off, drops or all)",
			       json_string_value(v));
	if (v)
		m->log = i;
	if (!g)
		return 0;
	if (!json_is_integer(g) || json_integer_value(g) < 0 || json_integer_value(g) > 65535)
		return fail_at(p, "nflog_group", "must be an integer 0-65535");
	m->has_nflog = true;
	m->nflog_group = json_integer_value(g);
	return 0;
}

/* A rule's place in the file, to sort rules by ID and still name them. */
struct rule_ref {
	uint32_t id;
	unsigned int order;
	const char *section;
	unsigned int index;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The given IDs of @m, ingress first, sorted by ID then by place. */
static struct rule_ref *given_ids(const struct manifest *m, unsigned int *n)
{
	struct rule_ref *refs = xcalloc(m->n_ingress + m->n_egress,
					sizeof(*refs));
	unsigned int i, order = 0;

	*n = 0;
	for (i = 0; i < m->n_ingress + m->n_egress; i++, order++) {
		bool in = i < m->n_ingress;
		const struct mf_rule *r = in ? &m->ingress[i] :
					  &m->egress[i - m->n_ingress];

		if (!r->id_given)
			continue;
		refs[(*n)++] = (struct rule_ref) {
			.id = r->id, .order = order,
			.section = m->is_profile ? (in ? "allowed_ingress" : "allowed_egress") :
				   in ? "ingress" : "egress",
			.index = in ? i : i - m->n_ingress,
		};
	}
	/* IDs are mostly written in order: then there is nothing to sort. */
	for (i = 1; i < *n && ref_cmp(&refs[i - 1], &refs[i]) < 0; i++)
		;
	if (i < *n)
		qsort(refs, *n, sizeof(*refs), ref_cmp);
	return refs;
}

/* Report the duplicate that comes first in the file. */
static int check_ids(struct pctx *p, const struct rule_ref *refs,
		     unsigned int n)
{
	const struct rule_ref *dup = NULL;
	unsigned int i;
	char here[sizeof(p->err->path)], first[sizeof(here) + 32];

	for (i = 1; i < n; i++)
		if (refs[i].id == refs[i - 1].id &&
		    (!dup || refs[i].order < dup->order))
			dup = &refs[i];
	if (!dup)
		return 0;
	for (i = 0; &refs[i] != dup && refs[i].id != dup->id; i++)
		;
	path_format(p, here, sizeof(here));
	snprintf(first, sizeof(first), "%s%s%s[%u].id", here,
		 here[0] ? "." : "", refs[i].section, refs[i].index);
	path_key(p, dup->section);
	path_index(p, dup->index);
	return fail_at(p, "id", "duplicate rule id %u (also %s)", dup->id,
		       first);
}

/*
 * Rules without an ID get the lowest unused positive IDs, ingress first,
 * then egress, in file order: the same file always gets the same IDs.
 */
static void assign_ids(struct manifest *m, const struct rule_ref *used,
		       unsigned int n_used)
{
	unsigned int i, j = 0;
	uint32_t next = 1;

	for (i = 0; i < m->n_ingress + m->n_egress; i++) {
		struct mf_rule *r = i < m->n_ingress ? &m->ingress[i] :
				    &m->egress[i - m->n_ingress];

		if (r->id_given)
			continue;
		while (j < n_used && used[j].id <= next) {
			if (used[j].id == next)
				next++;
			j++;
		}
		r->id = next++;
	}
}

static int parse_ids(struct pctx *p, struct manifest *m)
{
	struct rule_ref *refs;
	unsigned int n;
	int ret;

	refs = given_ids(m, &n);
	ret = check_ids(p, refs, n);
	if (!ret)
		assign_ids(m, refs, n);
	free(refs);
	return ret;
}

/* "personas": distinct names; "default_persona": one of them. */
static int parse_personas(struct pctx *p, const struct members *mb, struct manifest *m)
{
	json_t *arr = mb->v[MF_K_PERSONAS], *v;
	unsigned int old, i, j;
	size_t k;

	if (!arr) {
		if (mb->v[MF_K_DEFAULT_PERSONA])
			return fail_at(p, "default_persona", "a default persona, but no \"personas\"");
		return 0;
	}
	if (m->n_exposure || m->n_ingress || m->n_egress)
		return fail_at(p, "personas",
			       "a manifest that names personas takes its rules from them: move its exposure, ingress and egress into a persona");
	old = path_key(p, "personas");
	if (!json_is_array(arr) || !json_array_size(arr))
		return fail(p, "must be a non-empty array of persona names");
	m->n_personas = json_array_size(arr);
	m->personas = xcalloc(m->n_personas, sizeof(*m->personas));
	json_array_foreach(arr, k, v) {
		unsigned int old_i = path_index(p, k);

		if (name_value(p, v, &m->personas[k]))
			return -1;
		for (j = 0; j < k; j++)
			if (!strcmp(m->personas[j], m->personas[k]))
				return fail(p, "persona \"%s\" is named twice", m->personas[k]);
		path_restore(p, old_i);
	}
	path_restore(p, old);
	if (get_string(p, mb, MF_K_DEFAULT_PERSONA, COMPFW_NAME_MAX, &m->default_persona))
		return -1;
	if (!m->default_persona)
		return 0;
	for (i = 0; i < m->n_personas; i++)
		if (!strcmp(m->personas[i], m->default_persona))
			return 0;
	return fail_at(p, "default_persona", "\"%s\" is not among the personas",
		       m->default_persona);
}

static int parse_manifest(struct pctx *p, json_t *obj,
			  struct manifest *m)
{
	static const uint64_t fields = MF_BIT(MF_K_COMPONENT) |
		MF_BIT(MF_K_VERSION) | MF_BIT(MF_K_MODE) | MF_BIT(MF_K_LOG) |
		MF_BIT(MF_K_NFLOG_GROUP) | MF_BIT(MF_K_EXPOSURE) |
		MF_BIT(MF_K_INGRESS) | MF_BIT(MF_K_EGRESS) |
		MF_BIT(MF_K_LIMITS) | MF_BIT(MF_K_PERSONAS) |
		MF_BIT(MF_K_DEFAULT_PERSONA);
	struct members mb;

	if (!json_is_object(obj))
		return fail(p, "must be an object");
	/* A rule on its own, as a newcomer may write one first. */
	if (!json_object_get(obj, "component") &&
	    (json_object_get(obj, "protocol") || json_object_get(obj, "ports") ||
	     json_object_get(obj, "peer")))
		return fail(p, "a rule, not a manifest: a manifest is {\"component\": NAME, "
			    "\"ingress\": [RULE...], \"egress\": [RULE...]}, its rules in those arrays");
	if (check_fields(p, obj, fields, &mb))
		return -1;
	if (!mb.v[MF_K_COMPONENT])
		return fail(p, "missing field \"component\"");
	if (get_string(p, &mb, MF_K_COMPONENT, COMPFW_NAME_MAX,
		       &m->component) ||
	    get_string(p, &mb, MF_K_VERSION, COMPFW_VERSION_MAX,
		       &m->version) ||
	    parse_mode(p, &mb, m) || parse_log(p, &mb, m) ||
	    parse_exposures(p, &mb, m) ||
	    parse_rules(p, &mb, MF_K_INGRESS, MF_K_OTHER, &m->ingress, &m->n_ingress) ||
	    parse_rules(p, &mb, MF_K_EGRESS, MF_K_OTHER, &m->egress, &m->n_egress) ||
	    parse_limits(p, &mb, MF_K_LIMITS, m) || parse_personas(p, &mb, m))
		return -1;
	return parse_ids(p, m);
}

static int by_component_then_index(const void *a, const void *b)
{
	const struct manifest *const *x = a, *const *y = b;
	int c = strcmp((*x)->component, (*y)->component);

	return c ? c : (*x > *y) - (*x < *y);
}

/*
 * The kernel would refuse it too, but only after the files were read.
 * Sorted, so that a batch of 10,000 manifests costs no 50 million compares;
 * the report is the same as a scan in file order would give: the first
 * manifest whose name appeared before, and where it first appeared.
 */
static int check_unique_components(struct pctx *p,
				   const struct manifest_set *set)
{
	const struct manifest **sorted = xcalloc(set->n, sizeof(*sorted));
	unsigned int i, dup = set->n, first = 0;

	for (i = 0; i < set->n; i++)
		sorted[i] = &set->m[i];
	qsort(sorted, set->n, sizeof(*sorted), by_component_then_index);
	for (i = 1; i < set->n; i++) {
		unsigned int at = sorted[i] - set->m;

		if (strcmp(sorted[i]->component, sorted[i - 1]->component) ||
		    at >= dup)
			continue;
		/* Only the second of a run can be the first repeat. */
		if (i >= 2 && !strcmp(sorted[i]->component,
				      sorted[i - 2]->component))
			continue;
		dup = at;
		first = sorted[i - 1] - set->m;
	}
	free(sorted);
	if (dup == set->n)
		return 0;
	path_index(p, dup);
	return fail_at(p, "component",
		       "component \"%s\" appears twice (also [%u].component)",
		       set->m[dup].component, first);
}

/* The manifests so far, and where the parser is. */
struct reader {
	struct manifest_set *set;
	size_t cap;
	struct pctx p;
};

/* One manifest: @index in the top-level array, or -1 for a lone one. */
static int read_manifest(struct reader *r, json_t *v, int index)
{
	struct manifest_set *set = r->set;
	unsigned int old = r->p.depth;
	int ret;

	set->m = xgrow(set->m, &r->cap, set->n + 1, sizeof(*set->m));
	/* Counted before it is filled in, so that manifest_set_free() frees it. */
	memset(&set->m[set->n++], 0, sizeof(*set->m));
	set->is_array = index >= 0;
	if (set->is_array)
		path_index(&r->p, index);
	ret = parse_manifest(&r->p, v, &set->m[set->n - 1]);
	path_restore(&r->p, old);
	return ret;
}

static int manifest_from_tree(json_t *root, struct manifest_set *set,
			      struct mf_error *err)
{
	struct reader r = { .set = set, .p = { .err = err } };
	json_t *v;
	size_t i;

	memset(set, 0, sizeof(*set));
	memset(err, 0, sizeof(*err));
	if (!json_is_array(root))
		return read_manifest(&r, root, -1);
	set->is_array = true;
	if (!json_array_size(root))
		return fail(&r.p, "no manifest in the array");
	json_array_foreach(root, i, v)
		if (read_manifest(&r, v, i))
			return -1;
	return check_unique_components(&r.p, set);
}

int manifest_from_json(json_t *root, struct manifest_set *set,
		       struct mf_error *err)
{
	return manifest_from_tree(root, set, err);
}

/**
 * manifest_parse() - parse and check a file's worth of manifests
 * @buf: the file's bytes, not necessarily NUL-terminated
 * @len: their number
 * @set: filled in; free with manifest_set_free() whatever the result
 * @err: why it failed
 *
 * Return: 0, or -1 with @err set.
 */
int manifest_parse(const char *buf, size_t len, struct manifest_set *set,
		   struct mf_error *err)
{
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(set, 0, sizeof(*set));
	memset(err, 0, sizeof(*err));
	/* Duplicate keys would let one of two values win silently. */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err->line = jerr.line > 0 ? jerr.line : 1;
		err->column = jerr.column > 0 ? jerr.column : 1;
		snprintf(err->msg, sizeof(err->msg), "%s", jerr.text);
		return -1;
	}
	ret = manifest_from_json(root, set, err);
	json_decref(root);
	return ret;
}

/* ---- personas ---- */

static const char *const level_names[] = { "low", "medium", "high" };
static const char *const mode_names[] = { "unicast", "multicast", "broadcast", "restricted" };

const char *persona_level_name(int level)
{
	return level >= 0 && level < (int)ARRAY_SIZE(level_names) ? level_names[level] : NULL;
}

const char *persona_mode_name(int mode)
{
	return mode >= 0 && mode < (int)ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

/* A member that is one of @names; its index in *@out. */
static int parse_choice(struct pctx *p, const struct members *m, enum mf_key key,
			const char *const *names, unsigned int n, const char *want,
			int *out)
{
	json_t *v = m->v[key];
	unsigned int i;

	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail_at(p, mf_key_name[key], "must be a string");
	for (i = 0; i < n; i++) {
		if (!strcmp(json_string_value(v), names[i])) {
			*out = i;
			return 0;
		}
	}
	return fail_at(p, mf_key_name[key], "unknown %s \"%s\" (%s)", mf_key_name[key],
		       json_string_value(v), want);
}

/* The protocols allowed_protocols knows by name, besides numbers. */
static const struct {
	const char *name;
	uint8_t proto;
} ip_protos[] = {
	{ "icmp", IPPROTO_ICMP }, { "igmp", IPPROTO_IGMP }, { "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP }, { "gre", IPPROTO_GRE }, { "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH }, { "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE },
};

static const char *ip_proto_name(uint8_t proto)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ip_protos); i++)
		if (ip_protos[i].proto == proto)
			return ip_protos[i].name;
	return NULL;
}

static int parse_ip_proto(struct pctx *p, json_t *v, uint8_t *out)
{
	unsigned int i;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > 255)
			return fail(p, "%lld out of range 0-255", (long long)json_integer_value(v));
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return fail(p, "must be a protocol name or number");
	for (i = 0; i < ARRAY_SIZE(ip_protos); i++) {
		if (!strcmp(ip_protos[i].name, json_string_value(v))) {
			*out = ip_protos[i].proto;
			return 0;
		}
	}
	return fail(p, "unknown protocol \"%s\" (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6, sctp, udplite, or a number)",
		    json_string_value(v));
}

static int parse_protocols(struct pctx *p, const struct members *m, struct persona *pa)
{
	json_t *arr = m->v[MF_K_ALLOWED_PROTOCOLS], *v;
	unsigned int old, j;
	uint8_t proto = 0;
	size_t i;

	if (!arr)
		return 0;
	old = path_key(p, "allowed_protocols");
	if (!json_is_array(arr) || !json_array_size(arr))
		return fail(p, "must be a non-empty array of protocols");
	json_array_foreach(arr, i, v) {
		unsigned int old_i = path_index(p, i);

		if (parse_ip_proto(p, v, &proto))
			return -1;
		for (j = 0; j < pa->n_protos; j++)
			if (pa->protos[j] == proto)
				return fail(p, "protocol %u is listed twice", proto);
		pa->protos[pa->n_protos++] = proto;
		path_restore(p, old_i);
	}
	path_restore(p, old);
	return 0;
}

/*
 * "NUMBER UNIT" as tc(8) writes rates: bit, kbit, mbit, gbit, tbit are bits
 * per second, bps, kbps, mbps, gbps, tbps bytes per second (powers of 1000).
 */
static int parse_rate(struct pctx *p, json_t *v, uint64_t *out)
{
	static const struct {
		const char *unit;
		double bytes;
	} units[] = {
		{ "bit", 1.0 / 8 }, { "kbit", 1e3 / 8 }, { "mbit", 1e6 / 8 },
		{ "gbit", 1e9 / 8 }, { "tbit", 1e12 / 8 }, { "bps", 1 },
		{ "kbps", 1e3 }, { "mbps", 1e6 }, { "gbps", 1e9 }, { "tbps", 1e12 },
	};
	const char *s, *unit;
	unsigned int i;
	double n;
	char *end;

	if (!json_is_string(v))
		return fail(p, "must be a string such as \"10mbit\"");
	s = json_string_value(v);
	if (!strchr("0123456789", *s) || !*s)
		return fail(p, "bad rate \"%s\" (a number and a unit: bit, kbit, mbit, gbit, bps, kbps, mbps, gbps)", s);
	n = strtod(s, &end);
	unit = end;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcasecmp(unit, units[i].unit))
			break;
	if (i == ARRAY_SIZE(units))
		return fail(p, "bad rate \"%s\" (a number and a unit: bit, kbit, mbit, gbit, bps, kbps, mbps, gbps)", s);
	n *= units[i].bytes;
	if (n < 1)
		return fail(p, "rate \"%s\" is below 1 byte per second", s);
	if (n > 1e15)
		return fail(p, "rate \"%s\" is too high", s);
	*out = (uint64_t)(n + 0.5);
	return 0;
}

/* Bytes, or "NUMBER UNIT" with b, kb (k), mb (m), gb (g): powers of 1024. */
static int parse_size(struct pctx *p, json_t *v, uint32_t *out)
{
	static const char *const units[] = { "b", "kb", "mb", "gb" };
	static const char *const short_units[] = { "", "k", "m", "g" };
	unsigned long long n;
	const char *s;
	unsigned int i;
	char *end;

	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) <= UINT32_MAX) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return fail(p, "must be a positive number of bytes or a string such as \"64kb\"");
	s = json_string_value(v);
	if (!*s || !strchr("0123456789", *s))
		return fail(p, "bad size \"%s\" (bytes, or a number with b, kb, mb, gb)", s);
	n = strtoull(s, &end, 10);
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcasecmp(end, units[i]) || (*end && !strcasecmp(end, short_units[i])))
			break;
	if (i == ARRAY_SIZE(units) && *end)
		return fail(p, "bad size \"%s\" (bytes, or a number with b, kb, mb, gb)", s);
	for (; i < ARRAY_SIZE(units) && i; i--)
		n *= 1024;
	if (!n || n > UINT32_MAX)
		return fail(p, "size \"%s\" out of range 1 byte - 4 GiB", s);
	*out = n;
	return 0;
}

static int parse_qos(struct pctx *p, const struct members *m, struct persona *pa)
{
	static const uint64_t fields = MF_BIT(MF_K_DSCP) | MF_BIT(MF_K_RATE) |
				       MF_BIT(MF_K_BURST);
	unsigned int old, old_k;
	struct members q;
	json_int_t dscp;
	int ret;

	ret = enter_object(p, m, MF_K_QOS_PARAMETERS, fields, &q, &old);
	if (ret <= 0)
		return ret;
	ret = get_uint(p, &q, MF_K_DSCP, 0, 63, &dscp);
	if (ret < 0)
		return -1;
	if (ret)
		pa->dscp = dscp;
	if (q.v[MF_K_RATE]) {
		old_k = path_key(p, "rate");
		if (parse_rate(p, q.v[MF_K_RATE], &pa->rate))
			return -1;
		path_restore(p, old_k);
	}
	if (q.v[MF_K_BURST]) {
		if (!q.v[MF_K_RATE])
			return fail_at(p, "burst", "a burst needs a rate");
		old_k = path_key(p, "burst");
		if (parse_size(p, q.v[MF_K_BURST], &pa->burst))
			return -1;
		path_restore(p, old_k);
	}
	path_restore(p, old);
	return 0;
}

static int parse_security(struct pctx *p, const struct members *m, struct persona *pa)
{
	static const uint64_t fields = MF_BIT(MF_K_LEVEL) | MF_BIT(MF_K_ENCRYPTION_REQUIRED);
	unsigned int old;
	struct members sm;
	json_t *enc;
	int ret;

	ret = enter_object(p, m, MF_K_SECURITY_PROFILE, fields, &sm, &old);
	if (ret <= 0)
		return ret;
	if (parse_choice(p, &sm, MF_K_LEVEL, level_names, ARRAY_SIZE(level_names),
			 "low, medium or high", &pa->security_level))
		return -1;
	enc = sm.v[MF_K_ENCRYPTION_REQUIRED];
	if (enc && !json_is_boolean(enc))
		return fail_at(p, "encryption_required", "must be true or false");
	pa->encryption_required = enc && json_is_true(enc);
	path_restore(p, old);
	return 0;
}

static int parse_trigger(struct pctx *p, const struct members *m, struct persona *pa)
{
	static const uint64_t fields = MF_BIT(MF_K_PROCESS_NAME) | MF_BIT(MF_K_PATH);
	unsigned int old;
	struct members tm;
	int ret;

	ret = enter_object(p, m, MF_K_ACTIVATION_TRIGGER, fields, &tm, &old);
	if (ret <= 0)
		return ret;
	if (!!tm.v[MF_K_PROCESS_NAME] == !!tm.v[MF_K_PATH])
		return fail(p, "give one of \"process_name\" and \"path\"");
	/* The kernel knows a process by its comm: 15 bytes. */
	if (get_string(p, &tm, MF_K_PROCESS_NAME, 16, &pa->trigger_process) ||
	    get_string(p, &tm, MF_K_PATH, 4096, &pa->trigger_path))
		return -1;
	if (pa->trigger_process && strchr(pa->trigger_process, '/'))
		return fail_at(p, "process_name",
			       "a process name has no \"/\" (a program is named by \"path\")");
	if (pa->trigger_path && pa->trigger_path[0] != '/')
		return fail_at(p, "path", "\"%s\" is not an absolute path", pa->trigger_path);
	path_restore(p, old);
	return 0;
}

static int parse_profile(struct pctx *p, const struct members *m, struct persona *pa)
{
	static const uint64_t fields = MF_BIT(MF_K_EXPOSURE) | MF_BIT(MF_K_ALLOWED_INGRESS) |
				       MF_BIT(MF_K_ALLOWED_EGRESS);
	struct manifest *pr = &pa->profile;
	unsigned int old;
	struct members nm;
	int ret;

	ret = enter_object(p, m, MF_K_NETWORK_PROFILE, fields, &nm, &old);
	if (ret <= 0)
		return ret;
	if (parse_exposures(p, &nm, pr) ||
	    parse_rules(p, &nm, MF_K_ALLOWED_INGRESS, MF_K_SOURCE, &pr->ingress, &pr->n_ingress) ||
	    parse_rules(p, &nm, MF_K_ALLOWED_EGRESS, MF_K_DESTINATION, &pr->egress,
			&pr->n_egress) ||
	    parse_ids(p, pr))
		return -1;
	path_restore(p, old);
	return 0;
}

void persona_init(struct persona *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->security_level = PERSONA_UNSET;
	pa->comm_mode = PERSONA_UNSET;
	pa->dscp = PERSONA_UNSET;
	pa->profile.is_profile = true;
}

static int parse_persona(struct pctx *p, json_t *obj, struct persona *pa)
{
	static const uint64_t fields = MF_BIT(MF_K_NAME) | MF_BIT(MF_K_VERSION) |
		MF_BIT(MF_K_NETWORK_PROFILE) |
		MF_BIT(MF_K_SECURITY_PROFILE) | MF_BIT(MF_K_RESOURCE_LIMITS) |
		MF_BIT(MF_K_ACTIVATION_TRIGGER) | MF_BIT(MF_K_COMMUNICATION_MODE) |
		MF_BIT(MF_K_ALLOWED_PROTOCOLS) | MF_BIT(MF_K_PRIORITY) |
		MF_BIT(MF_K_QOS_PARAMETERS);
	struct members mb;
	json_int_t prio;
	int ret;

	if (!json_is_object(obj))
		return fail(p, "a persona must be an object");
	if (check_fields(p, obj, fields, &mb))
		return -1;
	if (!mb.v[MF_K_NAME])
		return fail(p, "missing field \"name\"");
	if (get_string(p, &mb, MF_K_NAME, COMPFW_NAME_MAX, &pa->name) ||
	    get_string(p, &mb, MF_K_VERSION, COMPFW_VERSION_MAX, &pa->profile.version) ||
	    parse_profile(p, &mb, pa) || parse_security(p, &mb, pa) ||
	    parse_limits(p, &mb, MF_K_RESOURCE_LIMITS, &pa->profile) ||
	    parse_trigger(p, &mb, pa) ||
	    parse_choice(p, &mb, MF_K_COMMUNICATION_MODE, mode_names, ARRAY_SIZE(mode_names),
			 "unicast, multicast, broadcast or restricted", &pa->comm_mode) ||
	    parse_protocols(p, &mb, pa) || parse_qos(p, &mb, pa))
		return -1;
	ret = get_uint(p, &mb, MF_K_PRIORITY, 0, UINT32_MAX, &prio);
	if (ret < 0)
		return -1;
	pa->has_priority = ret;
	pa->priority = ret ? prio : 0;
	return 0;
}

/**
 * persona_parse() - parse and check a persona file
 * @buf: the file's bytes, not necessarily NUL-terminated
 * @len: their number
 * @pa: filled in; free with persona_free() whatever the result
 * @err: why it failed
 *
 * Return: 0, or -1 with @err set.
 */
int persona_parse(const char *buf, size_t len, struct persona *pa, struct mf_error *err)
{
	struct pctx p = { .err = err };
	json_error_t jerr;
	json_t *root;
	int ret;

	persona_init(pa);
	memset(err, 0, sizeof(*err));
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err->line = jerr.line > 0 ? jerr.line : 1;
		err->column = jerr.column > 0 ? jerr.column : 1;
		snprintf(err->msg, sizeof(err->msg), "%s", jerr.text);
		return -1;
	}
	ret = parse_persona(&p, root, pa);
	json_decref(root);
	return ret;
}

const char *manifest_error_format(const char *file, const struct mf_error *err,
				  char *buf, size_t size)
{
	if (err->line)
		snprintf(buf, size, "%s:%d:%d: %s", file, err->line,
			 err->column, err->msg);
	else if (err->path[0])
		snprintf(buf, size, "%s: %s: %s", file, err->path, err->msg);
	else
		snprintf(buf, size, "%s: %s", file, err->msg);
	return buf;
}

static void l4_to_json(json_t *obj, const struct mf_l4 *l4)
{
	char ports[16];

	json_object_set_new(obj, "protocol",
			    json_string(mf_proto_name(l4->proto) ?: "any"));
	if (l4->has_ports && l4->port_min == l4->port_max) {
		json_object_set_new(obj, "ports", json_integer(l4->port_min));
	} else if (l4->has_ports) {
		snprintf(ports, sizeof(ports), "%u-%u", l4->port_min,
			 l4->port_max);
		json_object_set_new(obj, "ports", json_string(ports));
	}
	if (l4->has_icmp_type)
		json_object_set_new(obj, "icmp_type",
				    json_integer(l4->icmp_type));
}

static json_t *peer_to_json(const struct mf_rule *r)
{
	char text[CIDR_TEXT_MAX];
	json_t *peer, *except;
	unsigned int i;

	if (r->peer == MF_PEER_ANY)
		return json_string("any");
	if (r->peer == MF_PEER_COMPONENT)
		return json_pack("{s:s}", "component", r->component);
	peer = json_pack("{s:s}", "cidr", cidr_format(&r->cidr, text));
	if (!r->n_except)
		return peer;
	except = json_array();
	for (i = 0; i < r->n_except; i++)
		json_array_append_new(except, json_string(
				cidr_format(&r->except[i], text)));
	json_object_set_new(peer, "except", except);
	return peer;
}

static json_t *rules_to_json(const struct mf_rule *rules, unsigned int n)
{
	json_t *arr = json_array(), *obj;
	unsigned int i;

	for (i = 0; i < n; i++) {
		obj = json_pack("{s:I}", "id", (json_int_t)rules[i].id);
		json_object_set_new(obj, "peer", peer_to_json(&rules[i]));
		l4_to_json(obj, &rules[i].l4);
		json_array_append_new(arr, obj);
	}
	return arr;
}

static json_t *exposure_to_json(const struct manifest *m)
{
	json_t *arr = json_array(), *e;
	unsigned int i;

	for (i = 0; i < m->n_exposure; i++) {
		e = json_object();
		l4_to_json(e, &m->exposure[i]);
		json_array_append_new(arr, e);
	}
	return arr;
}

static json_t *limits_to_json(const struct manifest *m)
{
	json_t *limits = NULL;
	int i;

	for (i = 0; i < MF_LIMIT_COUNT; i++) {
		if (!m->limit[i])
			continue;
		if (!limits)
			limits = json_object();
		json_object_set_new(limits, mf_limit_key[i], json_string(m->limit[i]));
	}
	return limits;
}

/*
 * The normalised form: every default spelled out, ports as a number or
 * "LO-HI", IDs as installed. Applying it means the same as the original.
 */
json_t *manifest_to_json(const struct manifest *m)
{
	json_t *obj = json_object(), *arr, *limits;
	unsigned int i;

	json_object_set_new(obj, "component", json_string(m->component));
	if (m->version)
		json_object_set_new(obj, "version", json_string(m->version));
	json_object_set_new(obj, "mode", json_string(
			m->mode == COMPFW_MODE_AUDIT ? "audit" : "enforce"));
	json_object_set_new(obj, "log", json_string(
			m->log < sizeof(log_names) / sizeof(log_names[0]) ?
			log_names[m->log] : "drops"));
	if (m->has_nflog)
		json_object_set_new(obj, "nflog_group", json_integer(m->nflog_group));
	/* A manifest that takes personas has no rules of its own: they are its persona's. */
	if (!m->n_personas) {
		json_object_set_new(obj, "exposure", exposure_to_json(m));
		json_object_set_new(obj, "ingress", rules_to_json(m->ingress, m->n_ingress));
		json_object_set_new(obj, "egress", rules_to_json(m->egress, m->n_egress));
	}
	limits = limits_to_json(m);
	if (limits)
		json_object_set_new(obj, "limits", limits);
	if (!m->n_personas)
		return obj;
	arr = json_array();
	for (i = 0; i < m->n_personas; i++)
		json_array_append_new(arr, json_string(m->personas[i]));
	json_object_set_new(obj, "personas", arr);
	if (m->default_persona)
		json_object_set_new(obj, "default_persona", json_string(m->default_persona));
	if (m->active_persona)
		json_object_set_new(obj, "active_persona", json_string(m->active_persona));
	return obj;
}

/* tc(8)'s spelling of a rate, in the largest unit that divides it. */
static void rate_text(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "bit", "kbit", "mbit", "gbit" };
	uint64_t bits = bytes * 8;
	unsigned int i = 0;

	while (i + 1 < ARRAY_SIZE(units) && bits && bits % 1000 == 0) {
		bits /= 1000;
		i++;
	}
	snprintf(buf, size, "%llu%s", (unsigned long long)bits, units[i]);
}

/* What persona_parse() reads back into the same persona. */
json_t *persona_to_json(const struct persona *pa)
{
	json_t *obj = json_pack("{s:s}", "name", pa->name), *o, *arr;
	char rate[32];
	unsigned int i;

	if (pa->profile.version)
		json_object_set_new(obj, "version", json_string(pa->profile.version));
	o = json_object();
	json_object_set_new(o, "exposure", exposure_to_json(&pa->profile));
	json_object_set_new(o, "allowed_ingress",
			    rules_to_json(pa->profile.ingress, pa->profile.n_ingress));
	json_object_set_new(o, "allowed_egress",
			    rules_to_json(pa->profile.egress, pa->profile.n_egress));
	json_object_set_new(obj, "network_profile", o);
	if (pa->security_level != PERSONA_UNSET || pa->encryption_required) {
		o = json_pack("{s:b}", "encryption_required", pa->encryption_required);
		if (pa->security_level != PERSONA_UNSET)
			json_object_set_new(o, "level",
					    json_string(persona_level_name(pa->security_level)));
		json_object_set_new(obj, "security_profile", o);
	}
	o = limits_to_json(&pa->profile);
	if (o)
		json_object_set_new(obj, "resource_limits", o);
	if (pa->trigger_process || pa->trigger_path)
		json_object_set_new(obj, "activation_trigger", pa->trigger_process ?
				    json_pack("{s:s}", "process_name", pa->trigger_process) :
				    json_pack("{s:s}", "path", pa->trigger_path));
	if (pa->comm_mode != PERSONA_UNSET)
		json_object_set_new(obj, "communication_mode",
				    json_string(persona_mode_name(pa->comm_mode)));
	if (pa->n_protos) {
		arr = json_array();
		for (i = 0; i < pa->n_protos; i++)
			json_array_append_new(arr, ip_proto_name(pa->protos[i]) ?
					      json_string(ip_proto_name(pa->protos[i])) :
					      json_integer(pa->protos[i]));
		json_object_set_new(obj, "allowed_protocols", arr);
	}
	if (pa->has_priority)
		json_object_set_new(obj, "priority", json_integer(pa->priority));
	if (pa->dscp != PERSONA_UNSET || pa->rate) {
		o = json_object();
		if (pa->dscp != PERSONA_UNSET)
			json_object_set_new(o, "dscp", json_integer(pa->dscp));
		if (pa->rate) {
			rate_text(pa->rate, rate, sizeof(rate));
			json_object_set_new(o, "rate", json_string(rate));
		}
		if (pa->burst)
			json_object_set_new(o, "burst", json_integer(pa->burst));
		json_object_set_new(obj, "qos_parameters", o);
	}
	return obj;
}

json_t *manifest_set_to_json(const struct manifest_set *set)
{
	json_t *arr;
	unsigned int i;

	if (!set->is_array)
		return manifest_to_json(set->m);
	arr = json_array();
	for (i = 0; i < set->n; i++)
		json_array_append_new(arr, manifest_to_json(&set->m[i]));
	return arr;
}

static void rules_free(struct mf_rule *rules, unsigned int n)
{
	unsigned int i;

	for (i = 0; rules && i < n; i++) {
		free(rules[i].component);
		free(rules[i].except);
	}
	free(rules);
}

void manifest_free(struct manifest *m)
{
	int i;

	free(m->component);
	free(m->version);
	free(m->exposure);
	rules_free(m->ingress, m->n_ingress);
	rules_free(m->egress, m->n_egress);
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		free(m->limit[i]);
	for (i = 0; i < (int)m->n_personas; i++)
		free(m->personas[i]);
	free(m->personas);
	free(m->default_persona);
	free(m->active_persona);
	memset(m, 0, sizeof(*m));
}

void persona_free(struct persona *pa)
{
	free(pa->name);
	manifest_free(&pa->profile);
	free(pa->trigger_process);
	free(pa->trigger_path);
	persona_init(pa);
}

void manifest_set_free(struct manifest_set *set)
{
	unsigned int i;

	for (i = 0; set->m && i < set->n; i++)
		manifest_free(&set->m[i]);
	free(set->m);
	memset(set, 0, sizeof(*set));
}
