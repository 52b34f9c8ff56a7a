// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a structure-aware fuzzer of the compfw generic netlink family.
 *
 * It knows the family from its YAML spec (spec.h, made by spec2c.py): the
 * operations, the attributes each request takes, their types, checks and
 * nesting. Each message is one of
 *   valid    a request built from the spec, its values within the checks,
 *            names and cgroups from small pools so that objects collide;
 *   mutated  a valid one with bytes flipped, attributes retyped, lengths
 *            broken, cut short, duplicated, or sent to another command;
 *   random   a genetlink header and random bytes.
 * Each is sent with NLM_F_ACK and its answer read. An error answer must
 * carry an extack message unless genetlink itself refused the message
 * before compfw saw it (no such command, no doit/dumpit, no genl header).
 *
 * The messages depend only on --seed, --count and --procs, never on the
 * answers: --dry-run prints the same digest without a kernel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum fz_kind { FZ_PAD, FZ_FLAG, FZ_U8, FZ_U16, FZ_U32, FZ_U64, FZ_STRING, FZ_BINARY, FZ_NEST };

struct fz_attr {
	const char *name;
	unsigned short type;
	enum fz_kind kind;
	int nest;		/* index in fz_sets, or -1 */
	int multi;
	long long min, max;	/* max -1: none */
	int max_len, exact_len;
};

struct fz_set {
	const char *name;
	const struct fz_attr *attrs;
	size_t n;
};

struct fz_op {
	const char *name;
	int cmd;
	int set;
	int has_do, has_dump;
	const unsigned short *do_req;
	int n_do;
	const unsigned short *dump_req;
	int n_dump;
};

#include "spec.h"

#define MSG_MAX		(64 * 1024)
#define RCV_MAX		(1024 * 1024)
#define DEPTH_MAX	4

/* ---- a repeatable random stream (splitmix64) ---------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* ---- pools of names, so that requests meet each other's objects --------- */

static const char *default_names[] = { "fz0", "fz1", "fz2", "fz3" };
static const char **names = default_names;
static unsigned int n_names = ARRAY_SIZE(default_names);
static const char *default_cgroups[] = { "/" };
static const char **cgroups = default_cgroups;
static unsigned int n_cgroups = 1;

static unsigned int split(char *s, const char ***out)
{
	unsigned int n = 0;
	char *tok, *save;

	*out = calloc(strlen(s) + 1, sizeof(char *));
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		(*out)[n++] = tok;
	return n;
}

/* ---- building a message ------------------------------------------------- */

struct msg {
	unsigned char buf[MSG_MAX];
	size_t len;
};

static bool room(struct msg *m, size_t n)
{
	return m->len + NLA_ALIGN(n) <= sizeof(m->buf);
}

/* put: an attribute; returns its offset, or -1 when it does not fit */
static long put(struct msg *m, unsigned short type, const void *data, size_t n)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	long off = m->len;

	if (!room(m, NLA_HDRLEN + n))
		return -1;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	if (n)
		memcpy(m->buf + m->len + NLA_HDRLEN, data, n);
	memset(m->buf + m->len + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_HDRLEN + NLA_ALIGN(n);
	return off;
}

static void nest_end(struct msg *m, long off)
{
	if (off >= 0)
		((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
}

static bool is_name(const char *a)
{
	return !strcmp(a, "name") || !strcmp(a, "component") ||
	       !strcmp(a, "peer-component") || !strcmp(a, "peer") ||
	       !strcmp(a, "persona") || !strcmp(a, "default-persona");
}

static void put_string(struct msg *m, const struct fz_attr *a)
{
	char s[4096];
	size_t n, i, max = a->max_len ? a->max_len : 64;

	if (is_name(a->name) && chance(98)) {
		snprintf(s, sizeof(s), "%s", names[below(n_names)]);
	} else if (!strcmp(a->name, "cgroup") && chance(95)) {
		snprintf(s, sizeof(s), "%s", cgroups[below(n_cgroups)]);
	} else {
		n = chance(90) ? below(16) + 1 : below(max + 1);
		for (i = 0; i < n; i++)
			s[i] = 'a' + below(26);
		s[n] = 0;
	}
	put(m, a->type, s, strlen(s) + 1);
}

/* a number within the checks, mostly small: ids and ports meet */
static unsigned long long number(const struct fz_attr *a, unsigned long long mask)
{
	unsigned long long v, lo = a->min, hi = a->max >= 0 ? (unsigned long long)a->max : mask;

	if (chance(70))
		v = lo + below(hi - lo < 16 ? hi - lo + 1 : 16);
	else
		v = lo + rnd() % (hi - lo + 1 ? hi - lo + 1 : ~0ULL);
	return v & mask;
}

static void put_value(struct msg *m, const struct fz_attr *a, int depth);

static unsigned short type_of(const char *set, const char *attr)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(fz_sets); i++)
		for (j = 0; !strcmp(fz_sets[i].name, set) && j < fz_sets[i].n; j++)
			if (!strcmp(fz_sets[i].attrs[j].name, attr))
				return fz_sets[i].attrs[j].type;
	fprintf(stderr, "nlfuzz: the spec has no %s.%s\n", set, attr);
	exit(1);
}

/*
 * What the spec does not say: how often an attribute is there, and which
 * ones exclude each other. Without it most valid requests would be refused
 * for a missing name or two peers, and few manifests would ever apply.
 */
static const struct hint {
	const char *set, *attr;
	unsigned int percent;
	const char *excludes;
} hints[] = {
	{ "apply", "manifest", 97, NULL },
	{ "manifest", "component", 97, NULL },
	{ "manifest", "version", 80, NULL },
	{ "manifest", "nflog-group", 10, NULL },
	{ "rule", "id", 95, NULL },
	{ "rule", "peer-component", 12, "peer-cidr" },
	{ "rule", "peer-cidr", 50, "peer-component" },
	{ "rule", "except", 5, NULL },
	{ "rule", "l4", 70, NULL },
	{ "component", "name", 95, NULL },
	{ "component", "id", 30, NULL },
	{ "component", "address", 40, NULL },
	{ "query", "component", 95, NULL },
	{ "query", "direction", 90, NULL },
	{ "query", "addr4", 60, "addr6" },
	{ "query", "addr6", 40, "addr4" },
	{ "query", "peer", 20, NULL },
	{ "persona", "name", 95, NULL },
	{ "component", "persona", 95, NULL },
};

static const struct hint *hint_of(const struct fz_set *s, const struct fz_attr *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hints); i++)
		if (!strcmp(hints[i].set, s->name) && !strcmp(hints[i].attr, a->name))
			return &hints[i];
	return NULL;
}

static const struct fz_attr *attr_of(const struct fz_set *s, unsigned short type);

/* the last rule ID given in the message being built */
static unsigned int rule_id;

/* put_attrs: the attributes of S listed in ONLY (all when NULL), each by chance */

/*
 * A manifest that names personas has no entries of its own: half of the
 * manifests name some (from the pool, as personas are named) and leave
 * their entries out, so that applies of them succeed and switches find
 * them. 0: the attribute as it comes; 1: put it; -1: leave it out.
 */
static int persona_choice(const struct fz_set *s, const struct fz_attr *a, bool personas)
{
	bool entry = !strcmp(a->name, "exposure") || !strcmp(a->name, "ingress") ||
		     !strcmp(a->name, "egress");

	if (strcmp(s->name, "manifest"))
		return 0;
	if (!strcmp(a->name, "persona"))
		return personas ? 1 : chance(3) ? 0 : -1;
	if (!strcmp(a->name, "default-persona"))
		return personas ? (chance(50) ? 1 : -1) : chance(3) ? 0 : -1;
	return entry && personas && !chance(3) ? -1 : 0;
}

static void put_attrs(struct msg *m, const struct fz_set *s, const unsigned short *only,
		      int n_only, int depth)
{
	bool excluded, personas = !only && !strcmp(s->name, "manifest") && chance(50);
	const struct fz_attr *a, *done[64];
	const struct hint *h;
	int i, j, k, n = only ? n_only : (int)s->n, n_done = 0, choice;

	for (i = 0; i < n; i++) {
		a = only ? attr_of(s, only[i]) : &s->attrs[i];
		if (!a || a->kind == FZ_PAD)
			continue;
		h = hint_of(s, a);
		choice = persona_choice(s, a, personas);
		if (choice < 0 || (!choice && !chance(h ? h->percent : a->multi ? 60 : 50)))
			continue;
		/* rule IDs are unique within a direction: mostly count up */
		if (!strcmp(s->name, "rule") && !strcmp(a->name, "id") && chance(95)) {
			put(m, a->type, &(uint32_t){ ++rule_id }, 4);
			continue;
		}
		excluded = false;
		for (j = 0; h && h->excludes && j < n_done; j++)
			excluded |= !strcmp(done[j]->name, h->excludes);
		if (excluded && chance(95))
			continue;
		/* the top's multi-attr (manifests to apply) mostly once; one or two personas */
		k = !a->multi ? 1 : choice > 0 ? below(2) + 1 : depth ? below(4) + 1 :
		    chance(75) ? 1 : below(3) + 2;
		while (k--)
			put_value(m, a, depth);
		if (n_done < (int)ARRAY_SIZE(done))
			done[n_done++] = a;
	}
}

/* The ports the test's traffic uses come often: fuzzed manifests cut it. */
static const unsigned short ports[] = { 7000, 7001, 22, 53, 80, 443 };

/* An l4 match, mostly a sound one: a port range for TCP, UDP, SCTP, an
 * ICMP type for ICMP. */
static void put_l4_body(struct msg *m, const struct fz_set *s, int depth)
{
	static const unsigned char protos[] = { 6, 17, 132, 1, 58 };
	unsigned char proto = protos[below(ARRAY_SIZE(protos))], type;
	unsigned short lo, hi;

	if (chance(5))
		return put_attrs(m, s, NULL, 0, depth);
	if (chance(90))
		put(m, type_of("l4", "proto"), &proto, 1);
	if (proto == 1 || proto == 58) {
		type = chance(50) ? 8 : below(20);
		if (chance(50))
			put(m, type_of("l4", "icmp-type"), &type, 1);
		return;
	}
	if (chance(15))
		return;
	lo = chance(60) ? ports[below(ARRAY_SIZE(ports))] : below(65535) + 1;
	put(m, type_of("l4", "port-min"), &lo, 2);
	if (chance(40)) {
		hi = lo + below(200);
		put(m, type_of("l4", "port-max"), &hi, 2);
	}
}

/* A prefix, mostly a valid one (one address, host bits clear). */
static void put_cidr_body(struct msg *m, const struct fz_set *s, int depth)
{
	unsigned char a6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	unsigned int addr4 = htonl(0x0a000000 | below(4) << 8);
	unsigned char plen;

	if (chance(5))
		return put_attrs(m, s, NULL, 0, depth);
	if (chance(60)) {
		plen = chance(50) ? 32 : 24;
		put(m, type_of("cidr", "addr4"), &addr4, 4);
	} else {
		plen = chance(50) ? 128 : 64;
		if (plen == 64)
			a6[15] = 0;
		put(m, type_of("cidr", "addr6"), a6, 16);
	}
	put(m, type_of("cidr", "prefix-len"), &plen, 1);
}

static void put_nest(struct msg *m, const struct fz_attr *a, int depth)
{
	const struct fz_set *s = &fz_sets[a->nest];
	long off = put(m, a->type | (below(1000) < 997 ? NLA_F_NESTED : 0), NULL, 0);

	if (off < 0 || depth >= DEPTH_MAX)
		return nest_end(m, off);
	if (!strcmp(s->name, "cidr"))
		put_cidr_body(m, s, depth + 1);
	else if (!strcmp(s->name, "l4"))
		put_l4_body(m, s, depth + 1);
	else if (!strcmp(a->name, "profile") && chance(95))
		/* a persona's rules: manifest parts of entries only */
		put_attrs(m, s, (const unsigned short[]){ type_of("manifest", "exposure"),
			  type_of("manifest", "ingress"), type_of("manifest", "egress") }, 3,
			  depth + 1);
	else
		put_attrs(m, s, NULL, 0, depth + 1);
	nest_end(m, off);
}

static void put_value(struct msg *m, const struct fz_attr *a, int depth)
{
	unsigned char b[64];
	unsigned long long v;
	size_t n, i;

	switch (a->kind) {
	case FZ_PAD:
	case FZ_FLAG:
		put(m, a->type, NULL, 0);
		break;
	case FZ_U8:
		b[0] = number(a, 0xff);
		put(m, a->type, b, 1);
		break;
	case FZ_U16:
		v = number(a, 0xffff);
		memcpy(b, &(uint16_t){ v }, 2);
		put(m, a->type, b, 2);
		break;
	case FZ_U32:
		v = number(a, 0xffffffffULL);
		memcpy(b, &(uint32_t){ v }, 4);
		put(m, a->type, b, 4);
		break;
	case FZ_U64:
		v = number(a, ~0ULL);
		put(m, a->type, &v, 8);
		break;
	case FZ_STRING:
		put_string(m, a);
		break;
	case FZ_BINARY:
		n = a->exact_len ? (size_t)a->exact_len : below(sizeof(b));
		for (i = 0; i < n; i++)
			b[i] = rnd();
		put(m, a->type, b, n);
		break;
	case FZ_NEST:
		put_nest(m, a, depth);
		break;
	}
}

static const struct fz_attr *attr_of(const struct fz_set *s, unsigned short type)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->attrs[i].type == type)
			return &s->attrs[i];
	return NULL;
}

static void header(struct msg *m, unsigned short family, int cmd, unsigned short flags)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = family;
	nh->nlmsg_flags = flags;
	gh->cmd = cmd;
	gh->version = 1;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	rule_id = 0;
}

/* How often each operation comes: manifests to apply most, and components
 * made more often than deleted, so that applies find theirs. */
static const struct {
	const char *op;
	unsigned int weight;
} weights[] = {
	{ "manifest-apply", 8 }, { "component-new", 3 }, { "component-rollback", 2 },
	{ "persona-new", 2 }, { "persona-activate", 3 }, { "persona-rollback", 2 },
};

static const struct fz_op *pick_op(void)
{
	unsigned int w[ARRAY_SIZE(fz_ops)], total = 0, r;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(fz_ops); i++) {
		w[i] = fz_ops[i].has_do || fz_ops[i].has_dump;
		for (j = 0; w[i] && j < ARRAY_SIZE(weights); j++)
			if (!strcmp(weights[j].op, fz_ops[i].name))
				w[i] = weights[j].weight;
		total += w[i];
	}
	r = below(total);
	for (i = 0; r >= w[i]; i++)
		r -= w[i];
	return &fz_ops[i];
}

/* valid: one operation's request, do or dump, from its attribute list;
 * returns the operation's index in fz_ops */
static int build_valid(struct msg *m, unsigned short family)
{
	const struct fz_op *op;
	const unsigned short *req;
	bool dump;
	int n;

	op = pick_op();
	dump = op->has_dump && (!op->has_do || chance(30));
	header(m, family, op->cmd, NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0));
	req = dump ? op->dump_req : op->do_req;
	n = dump ? op->n_dump : op->n_do;
	put_attrs(m, &fz_sets[op->set], req, n, 0);
	return op - fz_ops;
}

/* attribute headers in [from, to): their offsets, walked as far as sane */
static size_t attrs_in(struct msg *m, size_t from, size_t to, size_t *offs, size_t max, size_t n)
{
	struct nlattr *a;

	while (from + NLA_HDRLEN <= to && n < max) {
		a = (struct nlattr *)(m->buf + from);
		if (a->nla_len < NLA_HDRLEN || from + a->nla_len > to)
			break;
		offs[n++] = from;
		if (a->nla_len > NLA_HDRLEN + NLA_HDRLEN)
			n = attrs_in(m, from + NLA_HDRLEN, from + a->nla_len, offs, max, n);
		from += NLA_ALIGN(a->nla_len);
	}
	return n;
}

static void mutate(struct msg *m)
{
	size_t body = NLMSG_HDRLEN + GENL_HDRLEN, offs[256], n, i, at;
	struct genlmsghdr *gh = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	struct nlattr *a;
	int rounds = below(3) + 1;

	while (rounds--) {
		n = attrs_in(m, body, m->len, offs, ARRAY_SIZE(offs), 0);
		a = n ? (struct nlattr *)(m->buf + offs[below(n)]) : NULL;
		switch (below(8)) {
		case 0:		/* flip bits */
			for (i = below(4) + 1; i > 0 && m->len > body; i--)
				m->buf[body + below(m->len - body)] ^= 1 << below(8);
			break;
		case 1:		/* retype an attribute */
			if (a)
				a->nla_type = chance(50) ? a->nla_type + 1u : below(24) |
					      (chance(10) ? NLA_F_NESTED : 0);
			break;
		case 2:		/* break a length */
			if (a)
				a->nla_len = chance(50) ? a->nla_len + below(9) - 4 : rnd();
			break;
		case 3:		/* cut the message short */
			if (m->len > body)
				m->len = body + below(m->len - body);
			break;
		case 4:		/* the whole body again */
			if (m->len - body <= sizeof(m->buf) - m->len) {
				memcpy(m->buf + m->len, m->buf + body, m->len - body);
				m->len += m->len - body;
			}
			break;
		case 5:		/* another command, or a dump */
			if (chance(50))
				gh->cmd = below(ARRAY_SIZE(fz_ops) + 3);
			else
				((struct nlmsghdr *)m->buf)->nlmsg_flags ^= NLM_F_DUMP;
			break;
		case 6:		/* an attribute of random bytes */
			at = below(40);
			{
				unsigned char b[40];

				for (i = 0; i < at; i++)
					b[i] = rnd();
				put(m, below(24), b, at);
			}
			break;
		case 7:		/* the genetlink header's version and reserved */
			gh->version = rnd();
			gh->reserved = rnd();
			break;
		}
	}
}

static void build_random(struct msg *m, unsigned short family)
{
	size_t n = below(chance(80) ? 64 : 1024), i;

	header(m, family, below(ARRAY_SIZE(fz_ops) + 3),
	       NLM_F_REQUEST | NLM_F_ACK | (chance(20) ? NLM_F_DUMP : 0));
	if (chance(5))
		m->len = NLMSG_HDRLEN + below(GENL_HDRLEN);	/* no genl header */
	for (i = 0; i < n; i++)
		m->buf[m->len + i] = rnd();
	m->len += n;
}

/* ---- talking to the kernel ---------------------------------------------- */

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1, rcv = 4 * RCV_MAX;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return fd;
}

static unsigned char *rcvbuf;

struct answer {
	int error;		/* 0: acked */
	bool has_msg;
	char msg[256];
	int replies;
};

static void extack_of(struct nlmsghdr *nh, size_t skip, struct answer *ans)
{
	struct nlattr *a;
	size_t off = NLMSG_HDRLEN + skip;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= nh->nlmsg_len) {
		a = (struct nlattr *)((unsigned char *)nh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nh->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && a->nla_len > NLA_HDRLEN + 1) {
			ans->has_msg = true;
			snprintf(ans->msg, sizeof(ans->msg), "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (char *)a + NLA_HDRLEN);
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* exchange: send M (seq SEQ), read until its ack, error or dump end */
static int exchange(int fd, struct msg *m, unsigned int seq, struct answer *ans)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	memset(ans, 0, sizeof(*ans));
	nh->nlmsg_len = m->len;
	nh->nlmsg_seq = seq;
	if (sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, rcvbuf, RCV_MAX, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (nh = (struct nlmsghdr *)rcvbuf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				ans->error = -e->error;
				extack_of(nh, sizeof(*e), ans);
				return 0;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				ans->error = -*(int *)NLMSG_DATA(nh);
				extack_of(nh, sizeof(int), ans);
				return 0;
			}
			ans->replies++;
		}
	}
}

static int family_id(int fd)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct nlmsghdr *nh;
	struct nlattr *a;
	unsigned int off;
	int id = -1;
	ssize_t n;

	header(m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST);
	put(m, CTRL_ATTR_FAMILY_NAME, FZ_FAMILY_NAME, sizeof(FZ_FAMILY_NAME));
	nh = (struct nlmsghdr *)m->buf;
	nh->nlmsg_len = m->len;
	if (send(fd, m->buf, m->len, 0) < 0 || (n = recv(fd, rcvbuf, RCV_MAX, 0)) < 0)
		goto out;
	nh = (struct nlmsghdr *)rcvbuf;
	if (!NLMSG_OK(nh, n) || nh->nlmsg_type != GENL_ID_CTRL)
		goto out;
	for (off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= nh->nlmsg_len;
	     off += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)(rcvbuf + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			id = *(unsigned short *)((char *)a + NLA_HDRLEN);
	}
out:
	free(m);
	return id;
}

/* ---- one process's run -------------------------------------------------- */

#define TOP_MAX 64

/* how often each error message came: what the run reached */
struct seen {
	int error;
	char msg[320];
	unsigned long long n;
};

struct tally {
	struct seen top[TOP_MAX];
	unsigned long long sent, valid, mutated, random, acked, errors, core, replies;
	unsigned long long no_msg;
	unsigned long long op_sent[ARRAY_SIZE(fz_ops)], op_acked[ARRAY_SIZE(fz_ops)];
	uint64_t digest;
	int fatal;
};

static void note(struct seen *top, int error, const char *msg, unsigned long long n)
{
	int i;

	for (i = 0; i < TOP_MAX && top[i].n; i++)
		if (top[i].error == error && !strncmp(top[i].msg, msg, sizeof(top[i].msg) - 1))
			break;
	if (i == TOP_MAX)
		return;
	if (!top[i].n) {
		top[i].error = error;
		snprintf(top[i].msg, sizeof(top[i].msg), "%s", msg);
	}
	top[i].n += n;
}

static int by_count(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static void digest(uint64_t *h, const unsigned char *p, size_t n)
{
	while (n--) {
		*h ^= *p++;
		*h *= 0x100000001b3ULL;
	}
}

/* What genetlink refuses before compfw sees the message: no message then. */
static bool refused_by_core(struct msg *m, int error)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	bool dump = nh->nlmsg_flags & NLM_F_DUMP;
	size_t i;

	if (m->len < NLMSG_HDRLEN + GENL_HDRLEN)
		return error == EINVAL;
	for (i = 0; i < ARRAY_SIZE(fz_ops); i++)
		if (fz_ops[i].cmd == gh->cmd)
			return error == EOPNOTSUPP && !(dump ? fz_ops[i].has_dump : fz_ops[i].has_do);
	return error == EOPNOTSUPP;
}

static void hexdump(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 256; i++)
		fprintf(f, "%02x", p[i]);
	fprintf(f, "%s\n", n > 256 ? "..." : "");
}

static void run(int proc, uint64_t seed, unsigned long long count, bool dry,
		struct tally *t)
{
	struct msg *m = malloc(sizeof(*m));
	struct answer ans;
	unsigned long long i;
	int fd = -1, family = 0, kind, op;

	rng = seed ^ (0x5851f42d4c957f2dULL * (proc + 1));
	t->digest = 0xcbf29ce484222325ULL;
	if (!dry) {
		fd = nl_open();
		family = fd < 0 ? -1 : family_id(fd);
		if (family < 0) {
			fprintf(stderr, "nlfuzz: no generic netlink family %s\n", FZ_FAMILY_NAME);
			t->fatal = 1;
			goto out;
		}
	}
	for (i = 0; i < count; i++) {
		kind = below(100);
		op = -1;
		if (kind < 50) {
			op = build_valid(m, family);
			t->op_sent[op]++;
			t->valid++;
		} else if (kind < 90) {
			build_valid(m, family);
			mutate(m);
			t->mutated++;
		} else {
			build_random(m, family);
			t->random++;
		}
		digest(&t->digest, m->buf + NLMSG_HDRLEN, m->len - NLMSG_HDRLEN);
		digest(&t->digest, (unsigned char *)&((struct nlmsghdr *)m->buf)->nlmsg_flags, 2);
		t->sent++;
		if (dry)
			continue;
		if (exchange(fd, m, i + 1, &ans) < 0) {
			fprintf(stderr, "nlfuzz: proc %d message %llu: %s\n", proc, i, strerror(errno));
			t->fatal = 1;
			break;
		}
		t->replies += ans.replies;
		if (!ans.error) {
			t->acked++;
			if (op >= 0)
				t->op_acked[op]++;
		} else if (refused_by_core(m, ans.error)) {
			t->core++;
		} else {
			t->errors++;
			if (!ans.has_msg) {
				t->no_msg++;
				if (t->no_msg <= 10) {
					fprintf(stderr, "nlfuzz: proc %d message %llu: error %d (%s) without an extack message: ",
						proc, i, ans.error, strerror(ans.error));
					hexdump(stderr, m->buf, m->len);
				}
			} else {
				char what[320];

				snprintf(what, sizeof(what), "%s: %s",
					 op >= 0 ? fz_ops[op].name : kind < 90 ? "(mutated)" : "(random)",
					 ans.msg);
				note(t->top, ans.error, what, 1);
			}
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(m);
}

/* ---- --verify: the module's counts against what a dump shows ------------ */

static int cmd_of(const char *op)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fz_ops); i++)
		if (!strcmp(fz_ops[i].name, op))
			return fz_ops[i].cmd;
	fprintf(stderr, "nlfuzz: the spec has no operation %s\n", op);
	exit(1);
}

/* u32 attribute TYPE at the top of a genetlink message, or -1 */
static long long top_u32(struct nlmsghdr *nh, unsigned short type, char *name, size_t name_len,
			 unsigned short name_type)
{
	unsigned int off = NLMSG_HDRLEN + GENL_HDRLEN;
	long long v = -1;
	struct nlattr *a;

	for (; off + NLA_HDRLEN <= nh->nlmsg_len; off += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)((char *)nh + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == type && a->nla_len >= NLA_HDRLEN + 4)
			v = *(uint32_t *)((char *)a + NLA_HDRLEN);
		if (name && a->nla_type == name_type)
			snprintf(name, name_len, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (char *)a + NLA_HDRLEN);
	}
	return v;
}

/* the replies to M, each passed to FN; 0 once acked or done */
static int each_reply(int fd, struct msg *m, void (*fn)(struct nlmsghdr *, void *), void *arg)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	ssize_t n;

	nh->nlmsg_len = m->len;
	nh->nlmsg_seq = 0x7fffffff;
	if (send(fd, m->buf, m->len, 0) < 0)
		return -1;
	for (;;) {
		n = recv(fd, rcvbuf, RCV_MAX, 0);
		if (n < 0)
			return -1;
		for (nh = (struct nlmsghdr *)rcvbuf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(nh);
			fn(nh, arg);
		}
	}
}

struct counts {
	long long components, rules;
	char last[64];
};

static void count_status(struct nlmsghdr *nh, void *arg)
{
	struct counts *c = arg;

	c->components = top_u32(nh, type_of("status", "components"), NULL, 0, 0);
	c->rules = top_u32(nh, type_of("status", "rules"), NULL, 0, 0);
}

static void count_dump(struct nlmsghdr *nh, void *arg)
{
	struct counts *c = arg;
	char name[64] = "";
	long long rules;

	rules = top_u32(nh, type_of("component", "rules"), name, sizeof(name),
			type_of("component", "name"));
	/* a component's parts (one in a dump of all) each name it */
	if (strcmp(name, c->last)) {
		c->components++;
		snprintf(c->last, sizeof(c->last), "%s", name);
		if (rules > 0)
			c->rules += rules;
	}
}

static int verify(void)
{
	struct counts st = { -1, -1, "" }, du = { 0, 0, "" };
	struct msg *m = calloc(1, sizeof(*m));
	int fd = nl_open(), family = fd < 0 ? -1 : family_id(fd);

	if (family < 0) {
		fprintf(stderr, "nlfuzz: no generic netlink family %s\n", FZ_FAMILY_NAME);
		return 1;
	}
	header(m, family, cmd_of("get-status"), NLM_F_REQUEST | NLM_F_ACK);
	if (each_reply(fd, m, count_status, &st))
		return fprintf(stderr, "nlfuzz: get-status failed\n"), 1;
	header(m, family, cmd_of("component-get"), NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
	if (each_reply(fd, m, count_dump, &du))
		return fprintf(stderr, "nlfuzz: the component dump failed\n"), 1;
	printf("status: %lld components, %lld rules; dump: %lld components, %lld rules\n",
	       st.components, st.rules, du.components, du.rules);
	return st.components != du.components || st.rules != du.rules;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [--seed N] [--count N] [--procs N] [--names A,B,...]\n"
		"              [--cgroups P,Q,...] [--dry-run] [-v]\n"
		"       nlfuzz --verify\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "procs", required_argument, NULL, 'p' },
		{ "names", required_argument, NULL, 'n' },
		{ "cgroups", required_argument, NULL, 'g' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "verify", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long count = 1000, each;
	uint64_t seed = 1, all = 0xcbf29ce484222325ULL;
	struct tally *t;
	static struct tally sum;
	int procs = 1, verbose = 0, c, p, status, failed = 0;
	bool dry = false, check = false;

	while ((c = getopt_long(argc, argv, "s:c:p:n:g:dvV", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 'p': procs = atoi(optarg); break;
		case 'n': n_names = split(optarg, &names); break;
		case 'g': n_cgroups = split(optarg, &cgroups); break;
		case 'd': dry = true; break;
		case 'v': verbose++; break;
		case 'V': check = true; break;
		default: usage();
		}
	}
	if (optind != argc || procs < 1 || procs > 64 || !n_names || !n_cgroups)
		usage();
	rcvbuf = malloc(RCV_MAX);
	if (check)
		return rcvbuf ? verify() : 1;
	t = mmap(NULL, procs * sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!rcvbuf || t == MAP_FAILED)
		return 1;
	memset(t, 0, procs * sizeof(*t));
	for (p = 0; p < procs; p++) {
		/* the first procs get the remainder: counts add up to --count */
		each = count / procs + ((unsigned long long)p < count % procs);
		if (procs == 1) {
			run(p, seed, each, dry, &t[p]);
			break;
		}
		switch (fork()) {
		case -1:
			perror("nlfuzz: fork");
			return 1;
		case 0:
			run(p, seed, each, dry, &t[p]);
			_exit(0);
		}
	}
	while (procs > 1 && wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	for (p = 0; p < procs; p++) {
		sum.sent += t[p].sent;
		sum.valid += t[p].valid;
		sum.mutated += t[p].mutated;
		sum.random += t[p].random;
		sum.acked += t[p].acked;
		sum.errors += t[p].errors;
		sum.core += t[p].core;
		sum.replies += t[p].replies;
		sum.no_msg += t[p].no_msg;
		failed |= t[p].fatal;
		digest(&all, (unsigned char *)&t[p].digest, sizeof(t[p].digest));
		for (c = 0; c < (int)ARRAY_SIZE(fz_ops); c++) {
			sum.op_sent[c] += t[p].op_sent[c];
			sum.op_acked[c] += t[p].op_acked[c];
		}
		for (c = 0; c < TOP_MAX && t[p].top[c].n; c++)
			note(sum.top, t[p].top[c].error, t[p].top[c].msg, t[p].top[c].n);
	}
	printf("seed %" PRIu64 " procs %d sent %llu valid %llu mutated %llu random %llu digest %016" PRIx64 "\n",
	       seed, procs, sum.sent, sum.valid, sum.mutated, sum.random, all);
	if (!dry)
		printf("acked %llu errors %llu refused-by-genetlink %llu replies %llu errors-without-message %llu\n",
		       sum.acked, sum.errors, sum.core, sum.replies, sum.no_msg);
	if (!dry) {
		printf("valid requests acked:");
		for (c = 0; c < (int)ARRAY_SIZE(fz_ops); c++)
			if (sum.op_sent[c])
				printf(" %s %llu/%llu", fz_ops[c].name, sum.op_acked[c], sum.op_sent[c]);
		printf("\n");
	}
	qsort(sum.top, TOP_MAX, sizeof(sum.top[0]), by_count);
	for (c = 0; c < TOP_MAX && sum.top[c].n && c < (verbose ? TOP_MAX : 16); c++)
		printf("%8llu  %-12s %s\n", sum.top[c].n, strerrorname_np(sum.top[c].error) ?: "?",
		       sum.top[c].msg);
	return failed || sum.no_msg ? 1 : 0;
}
