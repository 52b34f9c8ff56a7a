// SPDX-License-Identifier: GPL-2.0
/*
 * Manifests as netlink attributes, exactly as uapi/linux/compfw.h lays them
 * out. Going out, each manifest is a COMPFW_APPLY_A_MANIFEST nest holding
 * only its header, followed by its COMPFW_APPLY_A_EXPOSURE, _INGRESS and
 * _EGRESS entries as top-level attributes: one attribute holds at most
 * 64 KiB, a manifest may hold 65,536 rules. Coming back (COMPONENT_GET), a
 * header-only COMPFW_COMPONENT_A_MANIFEST nest and top-level
 * COMPFW_COMPONENT_A_EXPOSURE, _INGRESS and _EGRESS attributes, possibly
 * over several messages. Every attribute sent is recorded with the JSON
 * value it came from (attrpath.c).
 */

#include <errno.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrpath.h"
#include "manifest.h"

/*
 * Where the encoder writes and records. It writes the attributes into the
 * message's buffer itself, byte for byte as nla_put() and nla_nest_start()
 * would, without a library call and a size check per attribute: a batch of
 * 100,000 rules is a million attributes. The message's nlmsg_len catches up
 * at the end.
 */
struct enc {
	struct attr_paths *paths;
	struct mf_error *err;
	char *hdr;
	char *tail;
	char *end;
};

static uint32_t enc_tail(const struct enc *e)
{
	return e->tail - e->hdr;
}

/* Start a record at the tail; -1 (no parent for children) when not recording. */
static int rec_begin(struct enc *e, int parent, const char *key, int index)
{
	if (!e->paths)
		return -1;
	return attr_paths_add(e->paths, parent, enc_tail(e), key, index);
}

static void rec_end(struct enc *e, int rec)
{
	if (e->paths && rec >= 0)
		attr_paths_end(e->paths, rec, enc_tail(e));
}

static int enc_nomem(struct enc *e)
{
	snprintf(e->err->msg, sizeof(e->err->msg),
		 "request larger than its computed size");
	return -1;
}

/* nla_put(): the header, the data, zeroed padding; NULL when it does not fit. */
static inline struct nlattr *enc_put(struct enc *e, int type,
				     const void *data, int len)
{
	struct nlattr *nla = (struct nlattr *)e->tail;

	if (NLA_ALIGN(NLA_HDRLEN + len) > e->end - e->tail)
		return NULL;
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len) {
		/* The padding: zero the last word, then copy over its start. */
		memset(e->tail + NLA_HDRLEN + NLA_ALIGN(len) - 4, 0, 4);
		memcpy(e->tail + NLA_HDRLEN, data, len);
	}
	e->tail += NLA_ALIGN(NLA_HDRLEN + len);
	return nla;
}

/* nla_nest_start(): an empty attribute with NLA_F_NESTED. */
static struct nlattr *nest_start(struct enc *e, int type)
{
	return enc_put(e, NLA_F_NESTED | type, NULL, 0);
}

/* A leaf attribute, recorded under @parent as @key. */
static int put_rec(struct enc *e, int parent, const char *key, int type,
		   const void *data, int len)
{
	int rec = key ? rec_begin(e, parent, key, -1) : -1;

	if (!enc_put(e, type, data, len))
		return enc_nomem(e);
	rec_end(e, rec);
	return 0;
}

static int put_str(struct enc *e, int parent, const char *key, int type,
		   const char *s)
{
	return put_rec(e, parent, key, type, s, strlen(s) + 1);
}

/*
 * A nest that may not outgrow the u16 nla_len of its header. Rules are
 * attributes of their own, so only a rule with thousands of excepts can.
 * None is ever empty, which nla_nest_end() would drop.
 */
static int nest_end(struct enc *e, struct nlattr *nest, int rec)
{
	long len = e->tail - (char *)nest;

	if (len > MF_NLA_MAX) {
		snprintf(e->err->msg, sizeof(e->err->msg),
			 "too large: %ld bytes in one netlink attribute, at most %d",
			 len, MF_NLA_MAX);
		if (e->paths && rec >= 0)
			attr_paths_format(e->paths, rec, e->err->path,
					  sizeof(e->err->path));
		return -1;
	}
	nest->nla_len = len;
	rec_end(e, rec);
	return 0;
}

static int put_l4_attrs(struct enc *e, int rec, const struct mf_l4 *l4)
{
	uint16_t min = l4->port_min, max = l4->port_max;

	if (put_rec(e, rec, "protocol", COMPFW_L4_A_PROTO, &l4->proto, 1))
		return -1;
	if (l4->has_ports &&
	    (put_rec(e, rec, "ports", COMPFW_L4_A_PORT_MIN, &min, 2) ||
	     put_rec(e, rec, "ports", COMPFW_L4_A_PORT_MAX, &max, 2)))
		return -1;
	if (l4->has_icmp_type &&
	    put_rec(e, rec, "icmp_type", COMPFW_L4_A_ICMP_TYPE,
		    &l4->icmp_type, 1))
		return -1;
	return 0;
}

static int put_cidr(struct enc *e, int parent, const char *key, int index,
		    int type, const struct cidr *cidr)
{
	int rec = rec_begin(e, parent, key, index);
	struct nlattr *nest = nest_start(e, type);

	if (!nest ||
	    !enc_put(e, cidr->family == AF_INET ? COMPFW_CIDR_A_ADDR4 :
		     COMPFW_CIDR_A_ADDR6, cidr->addr, cidr_addr_len(cidr)) ||
	    !enc_put(e, COMPFW_CIDR_A_PREFIX_LEN, &cidr->prefix_len, 1))
		return enc_nomem(e);
	return nest_end(e, nest, rec);
}

static int put_peer(struct enc *e, int rec, const struct mf_rule *r)
{
	unsigned int i;

	if (r->peer == MF_PEER_COMPONENT)
		return put_str(e, rec, "peer.component",
			       COMPFW_RULE_A_PEER_COMPONENT, r->component);
	if (r->peer != MF_PEER_CIDR)
		return 0;
	if (put_cidr(e, rec, "peer.cidr", -1, COMPFW_RULE_A_PEER_CIDR,
		     &r->cidr))
		return -1;
	for (i = 0; i < r->n_except; i++)
		if (put_cidr(e, rec, "peer.except", i, COMPFW_RULE_A_EXCEPT,
			     &r->except[i]))
			return -1;
	return 0;
}

static int put_rule(struct enc *e, int parent, const char *key, int index,
		    int type, const struct mf_rule *r)
{
	int rec = rec_begin(e, parent, key, index);
	struct nlattr *nest = nest_start(e, type), *l4;

	if (!nest)
		return enc_nomem(e);
	/* An assigned ID is not in the file: the rule itself is named. */
	if (put_rec(e, rec, r->id_given ? "id" : NULL, COMPFW_RULE_A_ID,
		    &r->id, 4) || put_peer(e, rec, r))
		return -1;
	/* No L4 nest means any protocol; its members name the rule's fields. */
	if (r->l4.proto) {
		l4 = nest_start(e, COMPFW_RULE_A_L4);
		if (!l4 || put_l4_attrs(e, rec, &r->l4) ||
		    nest_end(e, l4, -1))
			return l4 ? -1 : enc_nomem(e);
	}
	return nest_end(e, nest, rec);
}

static int put_rules(struct enc *e, int parent, const char *key, int type,
		     const struct mf_rule *rules, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (put_rule(e, parent, key, i, type, &rules[i]))
			return -1;
	return 0;
}

static int put_exposure(struct enc *e, int parent, const struct manifest *m)
{
	struct nlattr *nest;
	unsigned int i;
	int rec;

	for (i = 0; i < m->n_exposure; i++) {
		rec = rec_begin(e, parent, "exposure", i);
		nest = nest_start(e, COMPFW_APPLY_A_EXPOSURE);
		/* PROTO is always sent: an empty nest would vanish. */
		if (!nest || put_l4_attrs(e, rec, &m->exposure[i]) ||
		    nest_end(e, nest, rec))
			return nest ? -1 : enc_nomem(e);
	}
	return 0;
}

static const char *const limit_path[MF_LIMIT_COUNT] = {
	"limits.cpu", "limits.memory", "limits.io",
};

static const int limit_attr[MF_LIMIT_COUNT] = {
	COMPFW_MANIFEST_A_LIMIT_CPU, COMPFW_MANIFEST_A_LIMIT_MEMORY,
	COMPFW_MANIFEST_A_LIMIT_IO,
};

/* The header nest, then the exposure and the rules as top-level attributes. */
static int put_manifest(struct enc *e, const struct manifest *m, int index)
{
	int rec = rec_begin(e, -1, NULL, index);
	struct nlattr *nest = nest_start(e, COMPFW_APPLY_A_MANIFEST);
	int i;

	if (!nest)
		return enc_nomem(e);
	if (put_str(e, rec, "component", COMPFW_MANIFEST_A_COMPONENT,
		    m->component) ||
	    (m->version && put_str(e, rec, "version",
				   COMPFW_MANIFEST_A_VERSION, m->version)) ||
	    put_rec(e, rec, "mode", COMPFW_MANIFEST_A_MODE, &m->mode, 1) ||
	    put_rec(e, rec, "log", COMPFW_MANIFEST_A_LOG, &m->log, 1) ||
	    (m->has_nflog && put_rec(e, rec, "nflog_group",
				     COMPFW_MANIFEST_A_NFLOG_GROUP,
				     &m->nflog_group, 2)))
		return -1;
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		if (m->limit[i] && put_str(e, rec, limit_path[i],
					   limit_attr[i], m->limit[i]))
			return -1;
	/* The record of the header nest is the parent of the entries after it. */
	if (nest_end(e, nest, rec))
		return -1;
	return put_exposure(e, rec, m) ||
	       put_rules(e, rec, "ingress", COMPFW_APPLY_A_INGRESS,
			 m->ingress, m->n_ingress) ||
	       put_rules(e, rec, "egress", COMPFW_APPLY_A_EGRESS,
			 m->egress, m->n_egress) ? -1 : 0;
}

static int put_all(struct enc *e, const struct manifest_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		if (put_manifest(e, &set->m[i], set->is_array ? (int)i : -1)) {
			/* Outside a recorded nest, name the manifest. */
			if (!e->err->path[0] && set->is_array)
				snprintf(e->err->path, sizeof(e->err->path),
					 "[%u]", i);
			return -1;
		}
	}
	return 0;
}

/**
 * manifest_put_set() - append a MANIFEST_APPLY request's attributes
 * @msg: allocated with at least manifest_msg_size() bytes
 * @set: the manifests, IDs assigned
 * @paths: where to record each attribute's JSON path, or NULL; recording
 *	costs a third of the time, so apply records only to explain an error
 * @err: why it cannot be sent (a rule too large for one attribute), with
 *	the JSON path, @paths or not
 *
 * Each manifest is its COMPFW_APPLY_A_MANIFEST header nest followed by its
 * exposure, ingress and egress entries as top-level attributes.
 *
 * Return: 0 or -1.
 */
int manifest_put_set(struct nl_msg *msg, const struct manifest_set *set,
		     struct attr_paths *paths, struct mf_error *err)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct attr_paths recorded = { 0 };
	struct enc e = {
		.paths = paths, .err = err, .hdr = (char *)hdr,
		.tail = (char *)nlmsg_tail(hdr),
		.end = (char *)hdr + nlmsg_get_max_size(msg),
	};
	int ret;

	memset(err, 0, sizeof(*err));
	ret = put_all(&e, set);
	if (ret && !paths) {
		/* Again from the same place, recording, to name what failed. */
		memset(err, 0, sizeof(*err));
		e.tail = (char *)nlmsg_tail(hdr);
		e.paths = &recorded;
		ret = put_all(&e, set);
		attr_paths_free(&recorded);
	}
	hdr->nlmsg_len = enc_tail(&e);
	return ret;
}

static size_t attr_size(size_t payload)
{
	return NLA_ALIGN(NLA_HDRLEN + payload);
}

static size_t rule_size(const struct mf_rule *r)
{
	size_t cidr = attr_size(attr_size(16) + attr_size(1));
	size_t size = attr_size(0) + attr_size(4);

	if (r->peer == MF_PEER_COMPONENT)
		size += attr_size(strlen(r->component) + 1);
	else if (r->peer == MF_PEER_CIDR)
		size += cidr * (1 + r->n_except);
	return size + attr_size(4 * attr_size(2));
}

/* An upper bound of the request's size, header included: libnl cannot grow one. */
size_t manifest_msg_size(const struct manifest_set *set)
{
	size_t size = NLMSG_HDRLEN + 64;
	unsigned int i, j;

	for (i = 0; i < set->n; i++) {
		const struct manifest *m = &set->m[i];

		size += attr_size(0) + 2 * attr_size(COMPFW_NAME_MAX) +
			attr_size(1) + MF_LIMIT_COUNT * attr_size(COMPFW_LIMIT_MAX) +
			m->n_exposure * attr_size(4 * attr_size(2));
		for (j = 0; j < m->n_ingress; j++)
			size += rule_size(&m->ingress[j]);
		for (j = 0; j < m->n_egress; j++)
			size += rule_size(&m->egress[j]);
	}
	return size;
}

/* Decoding: the kernel's reply, trusted no further than libnl's policy. */

static struct nla_policy l4_policy[COMPFW_L4_A_MAX + 1] = {
	[COMPFW_L4_A_PROTO] = { .type = NLA_U8 },
	[COMPFW_L4_A_PORT_MIN] = { .type = NLA_U16 },
	[COMPFW_L4_A_PORT_MAX] = { .type = NLA_U16 },
	[COMPFW_L4_A_ICMP_TYPE] = { .type = NLA_U8 },
};

static struct nla_policy cidr_policy[COMPFW_CIDR_A_MAX + 1] = {
	[COMPFW_CIDR_A_ADDR4] = { .type = NLA_U32 },
	[COMPFW_CIDR_A_ADDR6] = { .minlen = 16 },
	[COMPFW_CIDR_A_PREFIX_LEN] = { .type = NLA_U8 },
};

static struct nla_policy rule_policy[COMPFW_RULE_A_MAX + 1] = {
	[COMPFW_RULE_A_ID] = { .type = NLA_U32 },
	[COMPFW_RULE_A_PEER_COMPONENT] = { .type = NLA_STRING },
	[COMPFW_RULE_A_PEER_CIDR] = { .type = NLA_NESTED },
	[COMPFW_RULE_A_EXCEPT] = { .type = NLA_NESTED },
	[COMPFW_RULE_A_L4] = { .type = NLA_NESTED },
};

static struct nla_policy manifest_policy[COMPFW_MANIFEST_A_MAX + 1] = {
	[COMPFW_MANIFEST_A_COMPONENT] = { .type = NLA_STRING },
	[COMPFW_MANIFEST_A_VERSION] = { .type = NLA_STRING },
	[COMPFW_MANIFEST_A_MODE] = { .type = NLA_U8 },
	[COMPFW_MANIFEST_A_LIMIT_CPU] = { .type = NLA_STRING },
	[COMPFW_MANIFEST_A_LIMIT_MEMORY] = { .type = NLA_STRING },
	[COMPFW_MANIFEST_A_LIMIT_IO] = { .type = NLA_STRING },
	[COMPFW_MANIFEST_A_LOG] = { .type = NLA_U8 },
	[COMPFW_MANIFEST_A_NFLOG_GROUP] = { .type = NLA_U16 },
};

/* A string attribute, NULL when absent or empty (the kernel sends "" for none). */
static char *dup_attr(const struct nlattr *a)
{
	if (!a || nla_len(a) < 1 || !*(const char *)nla_data(a))
		return NULL;
	return strndup(nla_data(a), nla_len(a));
}

/* A kernel `uint` attribute: a u32 when the value fits, else a u64. */
static uint64_t get_uint(const struct nlattr *attr)
{
	if (nla_len(attr) == sizeof(uint64_t))
		return nla_get_u64((struct nlattr *)attr);
	return nla_get_u32((struct nlattr *)attr);
}

static int get_l4(const struct nlattr *nest, struct mf_l4 *l4)
{
	struct nlattr *tb[COMPFW_L4_A_MAX + 1];

	memset(l4, 0, sizeof(*l4));
	if (nla_parse_nested(tb, COMPFW_L4_A_MAX, (struct nlattr *)nest,
			     l4_policy) < 0)
		return -1;
	if (tb[COMPFW_L4_A_PROTO])
		l4->proto = nla_get_u8(tb[COMPFW_L4_A_PROTO]);
	if (tb[COMPFW_L4_A_PORT_MIN]) {
		l4->has_ports = true;
		l4->port_min = nla_get_u16(tb[COMPFW_L4_A_PORT_MIN]);
		l4->port_max = tb[COMPFW_L4_A_PORT_MAX] ?
			nla_get_u16(tb[COMPFW_L4_A_PORT_MAX]) : l4->port_min;
	}
	if (tb[COMPFW_L4_A_ICMP_TYPE]) {
		l4->has_icmp_type = true;
		l4->icmp_type = nla_get_u8(tb[COMPFW_L4_A_ICMP_TYPE]);
	}
	return 0;
}

static int get_cidr(const struct nlattr *nest, struct cidr *cidr)
{
	struct nlattr *tb[COMPFW_CIDR_A_MAX + 1];
	struct nlattr *addr;

	memset(cidr, 0, sizeof(*cidr));
	if (nla_parse_nested(tb, COMPFW_CIDR_A_MAX, (struct nlattr *)nest,
			     cidr_policy) < 0 || !tb[COMPFW_CIDR_A_PREFIX_LEN])
		return -1;
	addr = tb[COMPFW_CIDR_A_ADDR4] ?: tb[COMPFW_CIDR_A_ADDR6];
	if (!addr)
		return -1;
	cidr->family = tb[COMPFW_CIDR_A_ADDR4] ? AF_INET : AF_INET6;
	memcpy(cidr->addr, nla_data(addr), cidr_addr_len(cidr));
	cidr->prefix_len = nla_get_u8(tb[COMPFW_CIDR_A_PREFIX_LEN]);
	return cidr->prefix_len > cidr_addr_len(cidr) * 8 ? -1 : 0;
}

static unsigned int count_nested(const struct nlattr *nest, int type)
{
	struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(a, (struct nlattr *)nest, rem)
		n += nla_type(a) == type;
	return n;
}

static int get_excepts(const struct nlattr *nest, struct mf_rule *r)
{
	struct nlattr *a;
	int rem;

	r->n_except = count_nested(nest, COMPFW_RULE_A_EXCEPT);
	if (!r->n_except)
		return 0;
	r->except = calloc(r->n_except, sizeof(*r->except));
	if (!r->except)
		return -1;
	r->n_except = 0;
	nla_for_each_nested(a, (struct nlattr *)nest, rem)
		if (nla_type(a) == COMPFW_RULE_A_EXCEPT &&
		    get_cidr(a, &r->except[r->n_except++]))
			return -1;
	return 0;
}

static int get_rule(const struct nlattr *nest, struct mf_rule *r)
{
	struct nlattr *tb[COMPFW_RULE_A_MAX + 1];

	if (nla_parse_nested(tb, COMPFW_RULE_A_MAX, (struct nlattr *)nest,
			     rule_policy) < 0 || !tb[COMPFW_RULE_A_ID])
		return -1;
	r->id = nla_get_u32(tb[COMPFW_RULE_A_ID]);
	r->id_given = true;
	if (tb[COMPFW_RULE_A_PEER_COMPONENT]) {
		r->peer = MF_PEER_COMPONENT;
		r->component = dup_attr(tb[COMPFW_RULE_A_PEER_COMPONENT]);
		if (!r->component)
			return -1;
	} else if (tb[COMPFW_RULE_A_PEER_CIDR]) {
		r->peer = MF_PEER_CIDR;
		if (get_cidr(tb[COMPFW_RULE_A_PEER_CIDR], &r->cidr) ||
		    get_excepts(nest, r))
			return -1;
	}
	if (tb[COMPFW_RULE_A_L4])
		return get_l4(tb[COMPFW_RULE_A_L4], &r->l4);
	return 0;
}

/* Room for one more element of an array grown in powers of two. */
static void *grow(void *v, unsigned int n, size_t size)
{
	void *grown;

	if (n & (n - 1))
		return v;
	grown = realloc(v, (n ? 2 * (size_t)n : 1) * size);
	if (grown)
		memset((char *)grown + n * size, 0, (n ? n : 1) * size);
	return grown;
}

/**
 * manifest_header_from_attr() - read a manifest's header nest
 * @nest: COMPFW_COMPONENT_A_MANIFEST or COMPFW_APPLY_A_MANIFEST
 * @m: zeroed; free with manifest_free() whatever the result
 * @n_rules: set to COMPFW_MANIFEST_A_RULES, the number of ingress and egress
 *	rules that should follow, or to -1 when the nest has none; or NULL
 *
 * Return: 0, or -1 when the nest is malformed.
 */
int manifest_header_from_attr(const struct nlattr *nest, struct manifest *m,
			      int64_t *n_rules)
{
	struct nlattr *tb[COMPFW_MANIFEST_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, COMPFW_MANIFEST_A_MAX, (struct nlattr *)nest,
			     manifest_policy) < 0 ||
	    !tb[COMPFW_MANIFEST_A_COMPONENT])
		return -1;
	m->component = dup_attr(tb[COMPFW_MANIFEST_A_COMPONENT]);
	m->version = dup_attr(tb[COMPFW_MANIFEST_A_VERSION]);
	if (tb[COMPFW_MANIFEST_A_MODE])
		m->mode = nla_get_u8(tb[COMPFW_MANIFEST_A_MODE]);
	m->log = tb[COMPFW_MANIFEST_A_LOG] ? nla_get_u8(tb[COMPFW_MANIFEST_A_LOG]) :
		 COMPFW_LOG_DROPS;
	if (tb[COMPFW_MANIFEST_A_NFLOG_GROUP]) {
		m->has_nflog = true;
		m->nflog_group = nla_get_u16(tb[COMPFW_MANIFEST_A_NFLOG_GROUP]);
	}
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		m->limit[i] = dup_attr(tb[limit_attr[i]]);
	if (n_rules)
		*n_rules = tb[COMPFW_MANIFEST_A_RULES] &&
			   (nla_len(tb[COMPFW_MANIFEST_A_RULES]) == 4 ||
			    nla_len(tb[COMPFW_MANIFEST_A_RULES]) == 8) ?
			(int64_t)get_uint(tb[COMPFW_MANIFEST_A_RULES]) : -1;
	return m->component ? 0 : -1;
}

/**
 * manifest_part_from_attr() - append one exposure entry or rule
 * @attr: a top-level COMPFW_APPLY_A_ or COMPFW_COMPONENT_A_ EXPOSURE,
 *	INGRESS or EGRESS attribute
 * @part: which of the three it is
 * @m: the manifest whose header came before it
 *
 * Return: 0, or -1 when the attribute is malformed or memory runs out.
 */
int manifest_part_from_attr(const struct nlattr *attr, enum mf_part part,
			    struct manifest *m)
{
	struct mf_rule **rules, *grown_rules;
	struct mf_l4 *grown_l4;
	unsigned int *n;

	if (part == MF_PART_EXPOSURE) {
		grown_l4 = grow(m->exposure, m->n_exposure, sizeof(*m->exposure));
		if (!grown_l4)
			return -1;
		m->exposure = grown_l4;
		return get_l4(attr, &m->exposure[m->n_exposure++]);
	}
	rules = part == MF_PART_INGRESS ? &m->ingress : &m->egress;
	n = part == MF_PART_INGRESS ? &m->n_ingress : &m->n_egress;
	grown_rules = grow(*rules, *n, sizeof(**rules));
	if (!grown_rules)
		return -1;
	*rules = grown_rules;
	/* Counted before it is filled in, so that manifest_free() frees it. */
	return get_rule(attr, &(*rules)[(*n)++]);
}
