// SPDX-License-Identifier: GPL-2.0
/*
 * Manifests as netlink attributes, as Documentation/netlink/specs/compfw.yaml
 * lays them out (family version 2), written and read through libnl.
 *
 * Going out, a manifest is one or more self-contained COMPFW_APPLY_A_MANIFEST
 * nests ("parts"): each names the component, the first also carries the
 * header (version, mode, log, nflog-group), and each holds as many exposure
 * entries and rules as fit in MF_PART_MAX bytes. nla_len is a u16, so one
 * nest cannot hold a manifest of 65,536 rules; the kernel adds the parts up,
 * and all parts of all manifests go in one request, all or nothing.
 * Coming back (COMPONENT_GET), COMPFW_COMPONENT_A_MANIFEST nests of the same
 * layout, one per message, add up the same way.
 *
 * Every attribute sent may be recorded with the JSON value it came from
 * (attrpath.c), so that the offset the kernel blames names a place in the
 * file.
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

/* Where the encoder writes and what it records. */
struct enc {
	struct nl_msg *msg;
	struct attr_paths *paths;
	struct mf_error *err;
};

static uint32_t enc_tail(const struct enc *e)
{
	return nlmsg_hdr(e->msg)->nlmsg_len;
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

/* A leaf attribute, recorded under @parent as @key (NULL: not recorded). */
static int put_rec(struct enc *e, int parent, const char *key, int type,
		   const void *data, int len)
{
	int rec = key ? rec_begin(e, parent, key, -1) : -1;

	if (nla_put(e->msg, type, len, data) < 0)
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
 * Parts are kept under MF_PART_MAX; only a rule with thousands of excepts
 * can outgrow the u16 nla_len of its own nest. None is ever empty, which
 * nla_nest_end() would drop.
 */
static int nest_end(struct enc *e, struct nlattr *nest, int rec)
{
	long len = (char *)nlmsg_tail(nlmsg_hdr(e->msg)) - (char *)nest;

	if (len > MF_NLA_MAX) {
		snprintf(e->err->msg, sizeof(e->err->msg),
			 "too large: %ld bytes in one netlink attribute, at most %d",
			 len, MF_NLA_MAX);
		if (e->paths && rec >= 0)
			attr_paths_format(e->paths, rec, e->err->path,
					  sizeof(e->err->path));
		return -1;
	}
	if (nla_nest_end(e->msg, nest) < 0)
		return enc_nomem(e);
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
	struct nlattr *nest = nla_nest_start(e->msg, type);

	if (!nest ||
	    nla_put(e->msg, cidr->family == AF_INET ? COMPFW_CIDR_A_ADDR4 :
		    COMPFW_CIDR_A_ADDR6, cidr_addr_len(cidr), cidr->addr) < 0 ||
	    nla_put_u8(e->msg, COMPFW_CIDR_A_PREFIX_LEN, cidr->prefix_len) < 0)
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

/* @rec: the rule's record, the parent of its members' */
static int put_rule(struct enc *e, int rec, int type, const struct mf_rule *r)
{
	struct nlattr *nest = nla_nest_start(e->msg, type), *l4;

	if (!nest)
		return enc_nomem(e);
	/* An assigned ID is not in the file: the rule itself is named. */
	if (put_rec(e, rec, r->id_given ? "id" : NULL, COMPFW_RULE_A_ID,
		    &r->id, 4) || put_peer(e, rec, r))
		return -1;
	/* No L4 nest means any protocol; its members name the rule's fields. */
	if (r->l4.proto) {
		l4 = nla_nest_start(e->msg, COMPFW_RULE_A_L4);
		if (!l4)
			return enc_nomem(e);
		if (put_l4_attrs(e, rec, &r->l4) || nest_end(e, l4, -1))
			return -1;
	}
	return nest_end(e, nest, rec);
}

static int put_exposure(struct enc *e, int rec, const struct mf_l4 *l4)
{
	struct nlattr *nest = nla_nest_start(e->msg, COMPFW_MANIFEST_A_EXPOSURE);

	/* PROTO is always sent: an empty nest would vanish. */
	if (!nest)
		return enc_nomem(e);
	if (put_l4_attrs(e, rec, l4))
		return -1;
	return nest_end(e, nest, -1);
}

/**
 * struct part - the manifest being written and its open part
 * @m: the manifest
 * @rec: its record, the parent of every entry's, or -1
 * @nest: the open COMPFW_APPLY_A_MANIFEST nest
 * @entries: entries in @nest so far
 * @parts: parts written so far, @nest included
 */
struct part {
	const struct manifest *m;
	int rec;
	struct nlattr *nest;
	unsigned int entries;
	unsigned int parts;
};

static int put_personas(struct enc *e, int rec, const struct manifest *m)
{
	unsigned int i;
	int r;

	for (i = 0; i < m->n_personas; i++) {
		r = rec_begin(e, rec, "personas", i);
		if (put_str(e, -1, NULL, COMPFW_MANIFEST_A_PERSONA, m->personas[i]))
			return -1;
		rec_end(e, r);
	}
	if (m->default_persona && put_str(e, rec, "default_persona",
					  COMPFW_MANIFEST_A_DEFAULT_PERSONA, m->default_persona))
		return -1;
	return 0;
}

/*
 * A part: the component's name, and the header in the first part only; a
 * persona's profile has neither.
 */
static int part_open(struct enc *e, struct part *p)
{
	const struct manifest *m = p->m;

	p->nest = nla_nest_start(e->msg, m->is_profile ? COMPFW_PERSONA_A_PROFILE :
				 COMPFW_APPLY_A_MANIFEST);
	if (!p->nest)
		return enc_nomem(e);
	p->entries = 0;
	if (m->is_profile)
		return 0;
	if (put_str(e, p->rec, "component", COMPFW_MANIFEST_A_COMPONENT,
		    m->component))
		return -1;
	if (p->parts++)
		return 0;
	if ((m->version && put_str(e, p->rec, "version",
				   COMPFW_MANIFEST_A_VERSION, m->version)) ||
	    put_rec(e, p->rec, "mode", COMPFW_MANIFEST_A_MODE, &m->mode, 1) ||
	    put_rec(e, p->rec, "log", COMPFW_MANIFEST_A_LOG, &m->log, 1) ||
	    (m->has_nflog && put_rec(e, p->rec, "nflog_group",
				     COMPFW_MANIFEST_A_NFLOG_GROUP,
				     &m->nflog_group, 2)) ||
	    put_personas(e, p->rec, m))
		return -1;
	return 0;
}

enum entry_kind { ENTRY_EXPOSURE, ENTRY_INGRESS, ENTRY_EGRESS };

static const char *const entry_key[] = { "exposure", "ingress", "egress" };
static const char *const profile_key[] = { "exposure", "allowed_ingress", "allowed_egress" };

static int put_one(struct enc *e, int rec, enum entry_kind kind,
		   const void *entry)
{
	if (kind == ENTRY_EXPOSURE)
		return put_exposure(e, rec, entry);
	return put_rule(e, rec, kind == ENTRY_INGRESS ?
			COMPFW_MANIFEST_A_INGRESS : COMPFW_MANIFEST_A_EGRESS,
			entry);
}

/*
 * One entry into the open part; one that would take the part past
 * MF_PART_MAX is taken back out and written again into a new part.
 */
static int put_entry(struct enc *e, struct part *p, enum entry_kind kind,
		     unsigned int index, const void *entry)
{
	struct nlmsghdr *hdr = nlmsg_hdr(e->msg);
	uint32_t start = hdr->nlmsg_len;
	unsigned int n_rec = e->paths ? e->paths->n : 0;
	int rec, tries;

	for (tries = 0; tries < 2; tries++) {
		rec = rec_begin(e, p->rec, (p->m->is_profile ? profile_key : entry_key)[kind],
				index);
		if (put_one(e, rec, kind, entry))
			return -1;
		rec_end(e, rec);
		if (hdr->nlmsg_len - ((char *)p->nest - (char *)hdr) <= MF_PART_MAX) {
			p->entries++;
			return 0;
		}
		if (!p->entries)
			break;
		/* Out again: the nest still ends where it began. */
		hdr->nlmsg_len = start;
		if (e->paths)
			e->paths->n = n_rec;
		if (nest_end(e, p->nest, -1) || part_open(e, p))
			return -1;
		start = hdr->nlmsg_len;
		n_rec = e->paths ? e->paths->n : 0;
	}
	snprintf(e->err->msg, sizeof(e->err->msg),
		 "too large: %u bytes in one netlink attribute, at most %d",
		 (unsigned int)(hdr->nlmsg_len - start), MF_PART_MAX);
	if (e->paths && rec >= 0)
		attr_paths_format(e->paths, rec, e->err->path,
				  sizeof(e->err->path));
	return -1;
}

static int put_manifest(struct enc *e, const struct manifest *m, int index)
{
	struct part p = { .m = m, .rec = rec_begin(e, -1, NULL, index) };
	unsigned int i;

	if (part_open(e, &p))
		return -1;
	for (i = 0; i < m->n_exposure; i++)
		if (put_entry(e, &p, ENTRY_EXPOSURE, i, &m->exposure[i]))
			return -1;
	for (i = 0; i < m->n_ingress; i++)
		if (put_entry(e, &p, ENTRY_INGRESS, i, &m->ingress[i]))
			return -1;
	for (i = 0; i < m->n_egress; i++)
		if (put_entry(e, &p, ENTRY_EGRESS, i, &m->egress[i]))
			return -1;
	if (nest_end(e, p.nest, -1))
		return -1;
	rec_end(e, p.rec);
	return 0;
}

static int put_all(struct enc *e, const struct manifest_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		if (put_manifest(e, &set->m[i], set->is_array ? (int)i : -1)) {
			/* Outside a recorded entry, name the manifest. */
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
 * @paths: where to record each attribute's JSON path, or NULL; apply
 *	records only to explain an error the kernel reports
 * @err: why it cannot be sent (a rule too large for one attribute), with
 *	the JSON path, @paths or not
 *
 * Each manifest is one or more COMPFW_APPLY_A_MANIFEST parts, in a row.
 *
 * Return: 0 or -1.
 */
int manifest_put_set(struct nl_msg *msg, const struct manifest_set *set,
		     struct attr_paths *paths, struct mf_error *err)
{
	uint32_t start = nlmsg_hdr(msg)->nlmsg_len;
	struct attr_paths recorded = { 0 };
	struct enc e = { .msg = msg, .paths = paths, .err = err };
	int ret;

	memset(err, 0, sizeof(*err));
	ret = put_all(&e, set);
	if (ret && !paths) {
		/* Again from the same place, recording, to name what failed. */
		memset(err, 0, sizeof(*err));
		nlmsg_hdr(msg)->nlmsg_len = start;
		e.paths = &recorded;
		ret = put_all(&e, set);
		attr_paths_free(&recorded);
	}
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

/*
 * An upper bound of the request's size, header included: libnl never grows
 * a message. A part's own cost (its header, the component's name) is
 * counted once per entry, the most parts there can be.
 */
size_t manifest_msg_size(const struct manifest_set *set)
{
	size_t size = NLMSG_HDRLEN + 64, part;
	unsigned int i, j;

	for (i = 0; i < set->n; i++) {
		const struct manifest *m = &set->m[i];

		part = attr_size(0) + attr_size(COMPFW_NAME_MAX);
		size += part + attr_size(COMPFW_VERSION_MAX) +
			3 * attr_size(2) +
			(m->n_personas + 1) * attr_size(COMPFW_NAME_MAX) +
			m->n_exposure * (part + attr_size(4 * attr_size(2)));
		for (j = 0; j < m->n_ingress; j++)
			size += part + rule_size(&m->ingress[j]);
		for (j = 0; j < m->n_egress; j++)
			size += part + rule_size(&m->egress[j]);
	}
	return size;
}

/* Decoding: the kernel's reply, trusted no further than libnl's policies. */

static struct nla_policy l4_policy[COMPFW_L4_A_MAX + 1] = {
	[COMPFW_L4_A_PROTO] = { .type = NLA_U8 },
	[COMPFW_L4_A_PORT_MIN] = { .type = NLA_U16 },
	[COMPFW_L4_A_PORT_MAX] = { .type = NLA_U16 },
	[COMPFW_L4_A_ICMP_TYPE] = { .type = NLA_U8 },
};

static struct nla_policy cidr_policy[COMPFW_CIDR_A_MAX + 1] = {
	[COMPFW_CIDR_A_ADDR4] = { .type = NLA_U32 },
	[COMPFW_CIDR_A_ADDR6] = { .minlen = 16, .maxlen = 16 },
	[COMPFW_CIDR_A_PREFIX_LEN] = { .type = NLA_U8 },
};

static struct nla_policy rule_policy[COMPFW_RULE_A_MAX + 1] = {
	[COMPFW_RULE_A_ID] = { .type = NLA_U32 },
	[COMPFW_RULE_A_PEER_COMPONENT] = { .type = NLA_STRING,
					   .maxlen = COMPFW_NAME_MAX },
	[COMPFW_RULE_A_PEER_CIDR] = { .type = NLA_NESTED },
	[COMPFW_RULE_A_EXCEPT] = { .type = NLA_NESTED },
	[COMPFW_RULE_A_L4] = { .type = NLA_NESTED },
};

static struct nla_policy manifest_policy[COMPFW_MANIFEST_A_MAX + 1] = {
	[COMPFW_MANIFEST_A_COMPONENT] = { .type = NLA_STRING,
					  .maxlen = COMPFW_NAME_MAX },
	[COMPFW_MANIFEST_A_VERSION] = { .type = NLA_STRING,
					.maxlen = COMPFW_VERSION_MAX },
	[COMPFW_MANIFEST_A_MODE] = { .type = NLA_U8 },
	[COMPFW_MANIFEST_A_LOG] = { .type = NLA_U8 },
	[COMPFW_MANIFEST_A_NFLOG_GROUP] = { .type = NLA_U16 },
	[COMPFW_MANIFEST_A_EXPOSURE] = { .type = NLA_NESTED },
	[COMPFW_MANIFEST_A_INGRESS] = { .type = NLA_NESTED },
	[COMPFW_MANIFEST_A_EGRESS] = { .type = NLA_NESTED },
	[COMPFW_MANIFEST_A_PERSONA] = { .type = NLA_STRING, .maxlen = COMPFW_NAME_MAX },
	[COMPFW_MANIFEST_A_DEFAULT_PERSONA] = { .type = NLA_STRING,
						.maxlen = COMPFW_NAME_MAX },
	[COMPFW_MANIFEST_A_ACTIVE_PERSONA] = { .type = NLA_STRING,
					       .maxlen = COMPFW_NAME_MAX },
};

/* A string attribute, NULL when absent or empty (the kernel sends "" for none). */
static char *dup_attr(const struct nlattr *a)
{
	if (!a || nla_len(a) < 1 || !*(const char *)nla_data(a))
		return NULL;
	return strndup(nla_data(a), nla_len(a));
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

/**
 * cidr_from_attr() - a COMPFW_CIDR_A_* nest
 * Return: 0, or -1 when it is not exactly one address with a fitting length.
 */
int cidr_from_attr(const struct nlattr *nest, struct cidr *cidr)
{
	struct nlattr *tb[COMPFW_CIDR_A_MAX + 1];
	struct nlattr *addr;

	memset(cidr, 0, sizeof(*cidr));
	if (nla_parse_nested(tb, COMPFW_CIDR_A_MAX, (struct nlattr *)nest,
			     cidr_policy) < 0 || !tb[COMPFW_CIDR_A_PREFIX_LEN])
		return -1;
	addr = tb[COMPFW_CIDR_A_ADDR4] ?: tb[COMPFW_CIDR_A_ADDR6];
	if (!addr || (tb[COMPFW_CIDR_A_ADDR4] && tb[COMPFW_CIDR_A_ADDR6]))
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
		    cidr_from_attr(a, &r->except[r->n_except++]))
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
		if (cidr_from_attr(tb[COMPFW_RULE_A_PEER_CIDR], &r->cidr) ||
		    get_excepts(nest, r))
			return -1;
	}
	if (tb[COMPFW_RULE_A_L4])
		return get_l4(tb[COMPFW_RULE_A_L4], &r->l4);
	return 0;
}

/* Room for @more elements after @n in an array grown in powers of two. */
static void *grow(void *v, unsigned int n, unsigned int more, size_t size)
{
	size_t cap = 1, want = (size_t)n + more;
	void *grown;

	if (!more)
		return v;
	while (cap < n)
		cap *= 2;
	if (v && want <= cap)
		return v;
	while (cap < want)
		cap *= 2;
	grown = realloc(v, cap * size);
	if (grown)
		memset((char *)grown + n * size, 0, (cap - n) * size);
	return grown;
}

/* Before the first part: the defaults of what no part may say. */
void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->mode = COMPFW_MODE_ENFORCE;
	m->log = COMPFW_LOG_DROPS;
}

/* The component a part names, or NULL when it names none. */
const char *manifest_part_component(const struct nlattr *nest)
{
	struct nlattr *a = nla_find(nla_data(nest), nla_len(nest),
				    COMPFW_MANIFEST_A_COMPONENT);

	if (!a || nla_len(a) < 2 || ((char *)nla_data(a))[nla_len(a) - 1])
		return NULL;
	return nla_data(a);
}

/* The personas a header names, the default and the active one. */
static int get_personas(const struct nlattr *nest, struct nlattr **tb, struct manifest *m)
{
	unsigned int n = count_nested(nest, COMPFW_MANIFEST_A_PERSONA);
	struct nlattr *a;
	void *grown;
	int rem;

	if (tb[COMPFW_MANIFEST_A_DEFAULT_PERSONA]) {
		free(m->default_persona);
		m->default_persona = dup_attr(tb[COMPFW_MANIFEST_A_DEFAULT_PERSONA]);
	}
	if (tb[COMPFW_MANIFEST_A_ACTIVE_PERSONA]) {
		free(m->active_persona);
		m->active_persona = dup_attr(tb[COMPFW_MANIFEST_A_ACTIVE_PERSONA]);
	}
	if (!n)
		return 0;
	grown = grow(m->personas, m->n_personas, n, sizeof(*m->personas));
	if (!grown)
		return -1;
	m->personas = grown;
	nla_for_each_nested(a, (struct nlattr *)nest, rem)
		if (nla_type(a) == COMPFW_MANIFEST_A_PERSONA &&
		    !(m->personas[m->n_personas++] = dup_attr(a)))
			return -1;
	return 0;
}

/**
 * manifest_part_from_attr() - add one part of a manifest to @m
 * @nest: a COMPFW_COMPONENT_A_MANIFEST or COMPFW_APPLY_A_MANIFEST nest
 * @m: set up by manifest_init(), maybe with parts before; free with
 *	manifest_free() whatever the result
 * @entries: add the part's exposure entries and rules; false: its header only
 *
 * The header fields the part has replace @m's; its exposure entries and
 * rules are added after @m's.
 *
 * Return: 0, or -1 when the nest is malformed or memory runs out.
 */
int manifest_part_from_attr(const struct nlattr *nest, struct manifest *m,
			    bool entries)
{
	struct nlattr *tb[COMPFW_MANIFEST_A_MAX + 1], *a;
	unsigned int n_exp, n_in, n_eg;
	void *grown;
	int rem;

	if (nla_parse_nested(tb, COMPFW_MANIFEST_A_MAX, (struct nlattr *)nest,
			     manifest_policy) < 0)
		return -1;
	if (tb[COMPFW_MANIFEST_A_COMPONENT] && !m->component &&
	    !(m->component = dup_attr(tb[COMPFW_MANIFEST_A_COMPONENT])))
		return -1;
	if (tb[COMPFW_MANIFEST_A_VERSION]) {
		free(m->version);
		m->version = dup_attr(tb[COMPFW_MANIFEST_A_VERSION]);
	}
	if (tb[COMPFW_MANIFEST_A_MODE])
		m->mode = nla_get_u8(tb[COMPFW_MANIFEST_A_MODE]);
	if (tb[COMPFW_MANIFEST_A_LOG])
		m->log = nla_get_u8(tb[COMPFW_MANIFEST_A_LOG]);
	if (tb[COMPFW_MANIFEST_A_NFLOG_GROUP]) {
		m->has_nflog = true;
		m->nflog_group = nla_get_u16(tb[COMPFW_MANIFEST_A_NFLOG_GROUP]);
	}
	if (get_personas(nest, tb, m))
		return -1;

	if (!entries)
		return 0;
	/* Counted first, so that a part of a thousand rules grows each array once. */
	n_exp = count_nested(nest, COMPFW_MANIFEST_A_EXPOSURE);
	n_in = count_nested(nest, COMPFW_MANIFEST_A_INGRESS);
	n_eg = count_nested(nest, COMPFW_MANIFEST_A_EGRESS);
	if (n_exp && !(grown = grow(m->exposure, m->n_exposure, n_exp,
				    sizeof(*m->exposure))))
		return -1;
	if (n_exp)
		m->exposure = grown;
	if (n_in && !(grown = grow(m->ingress, m->n_ingress, n_in,
				   sizeof(*m->ingress))))
		return -1;
	if (n_in)
		m->ingress = grown;
	if (n_eg && !(grown = grow(m->egress, m->n_egress, n_eg,
				   sizeof(*m->egress))))
		return -1;
	if (n_eg)
		m->egress = grown;

	nla_for_each_nested(a, (struct nlattr *)nest, rem) {
		/* Counted before it is filled in, so that manifest_free() frees it. */
		switch (nla_type(a)) {
		case COMPFW_MANIFEST_A_EXPOSURE:
			if (get_l4(a, &m->exposure[m->n_exposure++]))
				return -1;
			break;
		case COMPFW_MANIFEST_A_INGRESS:
			if (get_rule(a, &m->ingress[m->n_ingress++]))
				return -1;
			break;
		case COMPFW_MANIFEST_A_EGRESS:
			if (get_rule(a, &m->egress[m->n_egress++]))
				return -1;
			break;
		}
	}
	return 0;
}

/* ---- personas: PERSONA_NEW out, PERSONA_GET back ---- */

size_t persona_msg_size(const struct persona *pa)
{
	struct manifest_set one = { .m = (struct manifest *)&pa->profile, .n = 1 };
	size_t size = manifest_msg_size(&one);
	unsigned int i;

	size += 24 * attr_size(8) + pa->n_protos * attr_size(1);
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		size += attr_size(MF_LIMIT_MAX);
	return size + attr_size(COMPFW_NAME_MAX) +
	       attr_size(pa->trigger_path ? strlen(pa->trigger_path) + 1 : 0) +
	       attr_size(16);
}

static const int limit_attr[MF_LIMIT_COUNT] = {
	COMPFW_PERSONA_A_LIMIT_CPU, COMPFW_PERSONA_A_LIMIT_MEMORY, COMPFW_PERSONA_A_LIMIT_IO,
};

static int put_traits(struct enc *e, const struct persona *pa)
{
	uint8_t u8;
	unsigned int i;

	if (pa->security_level != PERSONA_UNSET) {
		u8 = pa->security_level;
		if (put_rec(e, -1, NULL, COMPFW_PERSONA_A_SECURITY_LEVEL, &u8, 1))
			return -1;
	}
	if (pa->encryption_required &&
	    put_rec(e, -1, NULL, COMPFW_PERSONA_A_ENCRYPTION_REQUIRED, NULL, 0))
		return -1;
	if (pa->comm_mode != PERSONA_UNSET) {
		u8 = pa->comm_mode;
		if (put_rec(e, -1, NULL, COMPFW_PERSONA_A_COMMUNICATION_MODE, &u8, 1))
			return -1;
	}
	for (i = 0; i < pa->n_protos; i++)
		if (put_rec(e, -1, NULL, COMPFW_PERSONA_A_ALLOWED_PROTO, &pa->protos[i], 1))
			return -1;
	if (pa->has_priority &&
	    put_rec(e, -1, NULL, COMPFW_PERSONA_A_PRIORITY, &pa->priority, 4))
		return -1;
	if (pa->dscp != PERSONA_UNSET) {
		u8 = pa->dscp;
		if (put_rec(e, -1, NULL, COMPFW_PERSONA_A_DSCP, &u8, 1))
			return -1;
	}
	if ((pa->rate && put_rec(e, -1, NULL, COMPFW_PERSONA_A_RATE, &pa->rate, 8)) ||
	    (pa->burst && put_rec(e, -1, NULL, COMPFW_PERSONA_A_BURST, &pa->burst, 4)) ||
	    (pa->trigger_process &&
	     put_str(e, -1, NULL, COMPFW_PERSONA_A_TRIGGER_PROCESS, pa->trigger_process)) ||
	    (pa->trigger_path &&
	     put_str(e, -1, NULL, COMPFW_PERSONA_A_TRIGGER_PATH, pa->trigger_path)) ||
	    (pa->profile.version &&
	     put_str(e, -1, NULL, COMPFW_PERSONA_A_VERSION, pa->profile.version)))
		return -1;
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		if (pa->profile.limit[i] &&
		    put_str(e, -1, NULL, limit_attr[i], pa->profile.limit[i]))
			return -1;
	return 0;
}

/**
 * persona_put() - append a PERSONA_NEW request's attributes
 * @msg: allocated with at least persona_msg_size() bytes
 * @pa: the persona, IDs assigned
 * @paths: where to record each rule's JSON path, or NULL
 * @err: why it cannot be sent
 *
 * Return: 0 or -1.
 */
int persona_put(struct nl_msg *msg, const struct persona *pa, struct attr_paths *paths,
		struct mf_error *err)
{
	struct enc e = { .msg = msg, .paths = paths, .err = err };
	const struct manifest *m = &pa->profile;
	struct part p = { .m = m, .rec = -1 };
	unsigned int i;

	memset(err, 0, sizeof(*err));
	if (put_str(&e, -1, NULL, COMPFW_PERSONA_A_NAME, pa->name) || put_traits(&e, pa))
		return -1;
	if (!m->n_exposure && !m->n_ingress && !m->n_egress)
		return 0;
	p.rec = rec_begin(&e, -1, "network_profile", -1);
	if (part_open(&e, &p))
		return -1;
	for (i = 0; i < m->n_exposure; i++)
		if (put_entry(&e, &p, ENTRY_EXPOSURE, i, &m->exposure[i]))
			return -1;
	for (i = 0; i < m->n_ingress; i++)
		if (put_entry(&e, &p, ENTRY_INGRESS, i, &m->ingress[i]))
			return -1;
	for (i = 0; i < m->n_egress; i++)
		if (put_entry(&e, &p, ENTRY_EGRESS, i, &m->egress[i]))
			return -1;
	if (nest_end(&e, p.nest, -1))
		return -1;
	rec_end(&e, p.rec);
	return 0;
}

static char *dup_string_attr(const struct nlattr *a)
{
	return a ? dup_attr(a) : NULL;
}

/* The profile's parts and the allowed protocols of one message. */
static int repeated_from_attrs(const struct nlattr *head, int len, struct persona *pa)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, (struct nlattr *)head, len, rem) {
		if (nla_type(a) == COMPFW_PERSONA_A_ALLOWED_PROTO && nla_len(a) >= 1 &&
		    pa->n_protos < 256)
			pa->protos[pa->n_protos++] = nla_get_u8((struct nlattr *)a);
		if (nla_type(a) == COMPFW_PERSONA_A_PROFILE &&
		    manifest_part_from_attr(a, &pa->profile, true))
			return -1;
	}
	return 0;
}

/**
 * persona_from_attrs() - a PERSONA_GET reply, or one message of a dump by name
 * @tb: its attributes, parsed
 * @head: the first attribute, to find the repeated ones
 * @len: the length of all of them
 * @pa: set up by persona_init(); free with persona_free() whatever the result.
 *	Once it has a name, a message is a later one of the same persona:
 *	its name and more of its profile.
 *
 * Return: 0, or -1 when the reply is malformed or memory runs out.
 */
int persona_from_attrs(struct nlattr **tb, const struct nlattr *head, int len,
		       struct persona *pa)
{
	int i;

	if (!tb[COMPFW_PERSONA_A_NAME])
		return -1;
	if (pa->name)
		return strcmp(pa->name, nla_get_string(tb[COMPFW_PERSONA_A_NAME])) ? -1 :
		       repeated_from_attrs(head, len, pa);
	if (!(pa->name = dup_attr(tb[COMPFW_PERSONA_A_NAME])))
		return -1;
	if (tb[COMPFW_PERSONA_A_SECURITY_LEVEL])
		pa->security_level = nla_get_u8(tb[COMPFW_PERSONA_A_SECURITY_LEVEL]);
	pa->encryption_required = tb[COMPFW_PERSONA_A_ENCRYPTION_REQUIRED];
	if (tb[COMPFW_PERSONA_A_COMMUNICATION_MODE])
		pa->comm_mode = nla_get_u8(tb[COMPFW_PERSONA_A_COMMUNICATION_MODE]);
	if (tb[COMPFW_PERSONA_A_PRIORITY]) {
		pa->has_priority = true;
		pa->priority = nla_get_u32(tb[COMPFW_PERSONA_A_PRIORITY]);
	}
	if (tb[COMPFW_PERSONA_A_DSCP])
		pa->dscp = nla_get_u8(tb[COMPFW_PERSONA_A_DSCP]);
	if (tb[COMPFW_PERSONA_A_RATE])
		pa->rate = nla_get_u64(tb[COMPFW_PERSONA_A_RATE]);
	if (tb[COMPFW_PERSONA_A_BURST])
		pa->burst = nla_get_u32(tb[COMPFW_PERSONA_A_BURST]);
	if (tb[COMPFW_PERSONA_A_USERS])
		pa->users = nla_get_u32(tb[COMPFW_PERSONA_A_USERS]);
	if (tb[COMPFW_PERSONA_A_GENERATION])
		pa->generation = nla_get_u32(tb[COMPFW_PERSONA_A_GENERATION]);
	pa->profile.version = dup_string_attr(tb[COMPFW_PERSONA_A_VERSION]);
	pa->trigger_process = dup_string_attr(tb[COMPFW_PERSONA_A_TRIGGER_PROCESS]);
	pa->trigger_path = dup_string_attr(tb[COMPFW_PERSONA_A_TRIGGER_PATH]);
	for (i = 0; i < MF_LIMIT_COUNT; i++)
		pa->profile.limit[i] = dup_string_attr(tb[limit_attr[i]]);
	return repeated_from_attrs(head, len, pa);
}
