// SPDX-License-Identifier: GPL-2.0
/*
 * Manifests: built from netlink attributes (already validated by the
 * operation's policy), compiled, and shown back. A manifest is immutable
 * once built, so that the packet path can read it without a lock.
 */

#include <linux/in.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_log.h>

#include "account.h"
#include "compat.h"
#include "component.h"
#include "manifest.h"
#include "netlink.h"
#include "netns.h"

struct manifest_counts {
	u32 exposure;
	u32 rules[CFW_DIR_MAX];
	u32 excepts;
};

static const int dir_attr[CFW_DIR_MAX] = {
	[CFW_DIR_INGRESS] = COMPFW_APPLY_A_INGRESS,
	[CFW_DIR_EGRESS] = COMPFW_APPLY_A_EGRESS,
};

/* The same rules, as they come back in a COMPONENT_GET reply. */
static const int reply_dir_attr[CFW_DIR_MAX] = {
	[CFW_DIR_INGRESS] = COMPFW_COMPONENT_A_INGRESS,
	[CFW_DIR_EGRESS] = COMPFW_COMPONENT_A_EGRESS,
};

/* The logger of @pf, loading its module by its alias if need be. */
static int get_logger(int pf, enum nf_log_type type)
{
	if (!nf_logger_find_get(pf, type))
		return 0;
	request_module("nf-logger-%u-%u", pf, type);
	return nf_logger_find_get(pf, type);
}

/* The loggers of @type for both families, or neither. */
static int get_loggers(enum nf_log_type type)
{
	if (get_logger(NFPROTO_IPV4, type))
		return -EOPNOTSUPP;
	if (get_logger(NFPROTO_IPV6, type)) {
		nf_logger_put(NFPROTO_IPV4, type);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void put_loggers(enum nf_log_type type)
{
	nf_logger_put(NFPROTO_IPV4, type);
	nf_logger_put(NFPROTO_IPV6, type);
}

void compfw_manifest_free(struct compfw_manifest *m)
{
	if (!m)
		return;
	if (m->policy && !m->retired) {
		compfw_account_free(m->policy, cfw_policy_bytes(m->policy));
		cfw_policy_free(m->policy);
	}
	if (m->nflog_group >= 0)
		put_loggers(NF_LOG_TYPE_ULOG);
	if (m->syslog_held)
		put_loggers(NF_LOG_TYPE_LOG);
	compfw_kvfree(m->peers, m->n_peers * sizeof(*m->peers));
	compfw_kvfree(m, m->bytes);
}

/**
 * compfw_manifest_retire - keep a superseded manifest for rollback only
 * @m: the manifest just replaced, or NULL
 *
 * Its compiled tables are most of its size and are easy to build again:
 * they go after a grace period (packets may still be reading them), and
 * compfw_manifest_revive() compiles them anew if the manifest comes back.
 * The compiled policy is one kvmalloc'd block (see cfw_policy_compile()).
 *
 * Context: process context, namespace lock held; may sleep.
 */
void compfw_manifest_retire(struct compfw_manifest *m)
{
	if (!m || m->retired)
		return;
	compfw_account_free(m->policy, cfw_policy_bytes(m->policy));
	kvfree_rcu_mightsleep(m->policy);
	m->retired = true;
}

/**
 * compfw_manifest_revive - compile a retired manifest before it comes back
 * @m: the manifest, or NULL
 *
 * Packets still inside a grace period of @m's first life may read either
 * its old tables (not yet freed) or the new ones: both say the same.
 *
 * Context: process context, namespace lock held; may sleep.
 * Return: 0, or -ENOMEM and @m stays retired.
 */
int compfw_manifest_revive(struct compfw_manifest *m)
{
	struct cfw_policy *policy;

	if (!m || !m->retired)
		return 0;
	policy = cfw_policy_compile(&m->spec, NULL);
	if (IS_ERR(policy))
		return PTR_ERR(policy);
	compfw_account_alloc(policy, cfw_policy_bytes(policy));
	WRITE_ONCE(m->policy, policy);
	m->retired = false;
	return 0;
}

static void compfw_manifest_free_work(struct work_struct *work)
{
	compfw_manifest_free(container_of(to_rcu_work(work),
					  struct compfw_manifest, free_work));
}

void compfw_manifest_free_rcu(struct compfw_manifest *m)
{
	if (m)
		queue_rcu_work(compfw_wq, &m->free_work);
}

bool compfw_manifest_names(const struct compfw_manifest *m, u32 component_id)
{
	u32 i;

	for (i = 0; i < m->n_rules; i++)
		if (m->rules[i].peer_kind == CFW_PEER_COMPONENT &&
		    m->rules[i].peer_component == component_id)
			return true;
	return false;
}

/*
 * The first peer the manifest names that is gone: deleted, or deleted and
 * its ID taken by a newcomer, who must not inherit its rights. NULL when
 * every peer is still the component it was.
 */
const struct compfw_peer_ref *
compfw_manifest_lost_peer(struct compfw_net *cnet, const struct compfw_manifest *m)
{
	struct compfw_component *comp;
	u32 i;

	for (i = 0; i < m->n_peers; i++) {
		comp = compfw_component_by_id(cnet, m->peers[i].id);
		if (!comp || comp->serial != m->peers[i].serial)
			return &m->peers[i];
	}
	return NULL;
}

static int u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Remember who each peer component is, by serial, not only by ID. */
static int record_peers(struct compfw_net *cnet, struct compfw_manifest *m)
{
	struct compfw_component *comp;
	u32 i, n = 0, distinct = 0;
	u32 *ids;

	for (i = 0; i < m->n_rules; i++)
		n += m->rules[i].peer_kind == CFW_PEER_COMPONENT;
	if (!n)
		return 0;
	ids = kvmalloc_array(n, sizeof(*ids), COMPFW_GFP);
	if (!ids)
		return -ENOMEM;
	for (i = 0, n = 0; i < m->n_rules; i++)
		if (m->rules[i].peer_kind == CFW_PEER_COMPONENT)
			ids[n++] = m->rules[i].peer_component;
	sort(ids, n, sizeof(*ids), u32_cmp, NULL);
	for (i = 0; i < n; i++)
		if (!i || ids[i] != ids[i - 1])
			ids[distinct++] = ids[i];
	m->peers = compfw_kvcalloc(distinct, sizeof(*m->peers));
	if (!m->peers) {
		kvfree(ids);
		return -ENOMEM;
	}
	for (i = 0; i < distinct; i++) {
		/* parse_peer() found each of them, under the same lock */
		comp = compfw_component_by_id(cnet, ids[i]);
		m->peers[i].id = ids[i];
		m->peers[i].serial = comp->serial;
		strscpy(m->peers[i].name, comp->name, sizeof(m->peers[i].name));
	}
	m->n_peers = distinct;
	kvfree(ids);
	return 0;
}

static void count_attrs(const struct compfw_rules_span *span,
			struct manifest_counts *n)
{
	const struct nlattr *attr, *inner;
	int rem, rem2, dir;

	nla_for_each_attr(attr, span->head, span->len, rem) {
		if (nla_type(attr) == COMPFW_APPLY_A_EXPOSURE) {
			n->exposure++;
			continue;
		}
		for (dir = 0; dir < CFW_DIR_MAX; dir++) {
			if (nla_type(attr) != dir_attr[dir])
				continue;
			n->rules[dir]++;
			nla_for_each_nested(inner, attr, rem2)
				if (nla_type(inner) == COMPFW_RULE_A_EXCEPT)
					n->excepts++;
		}
	}
}

/* Prefix length within the family, and no bit set past it. */
static bool cidr_valid(const struct cfw_cidr *c)
{
	int i, bits;

	if (c->family == AF_INET)
		return c->prefix_len <= 32 &&
		       (c->prefix_len == 32 ||
			!(ntohl(c->addr.ip) & (~0U >> c->prefix_len)));
	if (c->prefix_len > 128)
		return false;
	for (i = 0; i < 4; i++) {
		bits = clamp(c->prefix_len - 32 * i, 0, 32);
		if (bits < 32 && (ntohl(c->addr.ip6.s6_addr32[i]) & (~0U >> bits)))
			return false;
	}
	return true;
}

int compfw_parse_cidr(const struct nlattr *nest, struct cfw_cidr *cidr,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[COMPFW_CIDR_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, COMPFW_CIDR_A_MAX, nest, NULL, extack);
	if (ret)
		return ret;
	if (!!tb[COMPFW_CIDR_A_ADDR4] == !!tb[COMPFW_CIDR_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a CIDR needs one address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (!tb[COMPFW_CIDR_A_PREFIX_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a CIDR needs a prefix length");
		return -EINVAL;
	}
	memset(cidr, 0, sizeof(*cidr));
	cidr->prefix_len = nla_get_u8(tb[COMPFW_CIDR_A_PREFIX_LEN]);
	if (tb[COMPFW_CIDR_A_ADDR4]) {
		cidr->family = AF_INET;
		cidr->addr.ip = nla_get_be32(tb[COMPFW_CIDR_A_ADDR4]);
	} else {
		cidr->family = AF_INET6;
		nla_memcpy(&cidr->addr.ip6, tb[COMPFW_CIDR_A_ADDR6],
			   sizeof(cidr->addr.ip6));
	}
	if (!cidr_valid(cidr)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "prefix length out of range, or host bits set");
		return -EINVAL;
	}
	return 0;
}

static int parse_l4(const struct nlattr *nest, struct cfw_l4match *l4,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[COMPFW_L4_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, COMPFW_L4_A_MAX, nest, NULL, extack);
	if (ret)
		return ret;
	memset(l4, 0, sizeof(*l4));
	l4->kind = CFW_L4_ALL;
	if (tb[COMPFW_L4_A_PROTO])
		l4->l4proto = nla_get_u8(tb[COMPFW_L4_A_PROTO]);
	if (tb[COMPFW_L4_A_ICMP_TYPE] &&
	    (tb[COMPFW_L4_A_PORT_MIN] || tb[COMPFW_L4_A_PORT_MAX])) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "ports and an ICMP type do not go together");
		return -EINVAL;
	}
	if (tb[COMPFW_L4_A_PORT_MAX] && !tb[COMPFW_L4_A_PORT_MIN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[COMPFW_L4_A_PORT_MAX],
				    "a port range needs its start");
		return -EINVAL;
	}
	if (tb[COMPFW_L4_A_PORT_MIN]) {
		l4->kind = CFW_L4_PORTS;
		l4->lo = nla_get_u16(tb[COMPFW_L4_A_PORT_MIN]);
		l4->hi = tb[COMPFW_L4_A_PORT_MAX] ?
			 nla_get_u16(tb[COMPFW_L4_A_PORT_MAX]) : l4->lo;
	} else if (tb[COMPFW_L4_A_ICMP_TYPE]) {
		l4->kind = CFW_L4_ICMP_TYPE;
		l4->lo = nla_get_u8(tb[COMPFW_L4_A_ICMP_TYPE]);
		l4->hi = l4->lo;
	}
	return 0;
}

static int parse_peer(struct compfw_net *cnet, struct nlattr **tb,
		      struct cfw_rule_spec *rule, struct netlink_ext_ack *extack)
{
	struct nlattr *name = tb[COMPFW_RULE_A_PEER_COMPONENT];
	struct compfw_component *peer;

	if (name && tb[COMPFW_RULE_A_PEER_CIDR]) {
		NL_SET_ERR_MSG_ATTR(extack, name, "a peer is a component or a CIDR, not both");
		return -EINVAL;
	}
	if (name) {
		peer = compfw_component_by_name(cnet, nla_data(name));
		if (!peer) {
			NL_SET_ERR_MSG_ATTR(extack, name, "unknown peer component");
			return -ENOENT;
		}
		rule->peer_kind = CFW_PEER_COMPONENT;
		rule->peer_component = peer->id;
		return 0;
	}
	if (tb[COMPFW_RULE_A_PEER_CIDR]) {
		rule->peer_kind = CFW_PEER_CIDR;
		return compfw_parse_cidr(tb[COMPFW_RULE_A_PEER_CIDR], &rule->cidr, extack);
	}
	rule->peer_kind = CFW_PEER_ANY;
	return 0;
}

static int parse_rule(struct compfw_net *cnet, const struct nlattr *nest,
		      struct cfw_rule_spec *rule, struct cfw_cidr **excepts,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[COMPFW_RULE_A_MAX + 1];
	const struct nlattr *attr;
	int ret, rem;

	ret = nla_parse_nested(tb, COMPFW_RULE_A_MAX, nest, NULL, extack);
	if (ret)
		return ret;
	memset(rule, 0, sizeof(*rule));
	if (!tb[COMPFW_RULE_A_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a rule needs an ID");
		return -EINVAL;
	}
	rule->id = nla_get_u32(tb[COMPFW_RULE_A_ID]);
	ret = parse_peer(cnet, tb, rule, extack);
	if (ret)
		return ret;
	rule->l4.kind = CFW_L4_ALL;
	if (tb[COMPFW_RULE_A_L4]) {
		ret = parse_l4(tb[COMPFW_RULE_A_L4], &rule->l4, extack);
		if (ret)
			return ret;
	}

	rule->except = *excepts;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != COMPFW_RULE_A_EXCEPT)
			continue;
		if (rule->n_except == CFW_MAX_EXCEPT) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "too many excepts in one rule (at most "
					    __stringify(CFW_MAX_EXCEPT) ")");
			return -E2BIG;
		}
		ret = compfw_parse_cidr(attr, &(*excepts)[rule->n_except], extack);
		if (ret)
			return ret;
		rule->n_except++;
	}
	*excepts += rule->n_except;
	return 0;
}

/* The @index-th attribute of @type in a stream, for extack; NULL if none. */
static const struct nlattr *nth_attr(const struct nlattr *head, int len,
				     int type, int index)
{
	const struct nlattr *attr;
	int rem;

	nla_for_each_attr(attr, head, len, rem)
		if (nla_type(attr) == type && index-- == 0)
			return attr;
	return NULL;
}

static const struct nlattr *compile_err_attr(const struct compfw_rules_span *span,
					     const struct cfw_compile_err *err)
{
	const struct nlattr *rule, *except;

	switch (err->section) {
	case CFW_ERR_EXPOSURE:
		rule = nth_attr(span->head, span->len, COMPFW_APPLY_A_EXPOSURE,
				err->index);
		break;
	case CFW_ERR_INGRESS:
	case CFW_ERR_EGRESS:
		rule = nth_attr(span->head, span->len,
				dir_attr[err->section == CFW_ERR_INGRESS ?
					 CFW_DIR_INGRESS : CFW_DIR_EGRESS],
				err->index);
		if (rule && err->except_index >= 0) {
			except = nth_attr(nla_data(rule), nla_len(rule),
					  COMPFW_RULE_A_EXCEPT, err->except_index);
			rule = except ?: rule;
		}
		break;
	default:
		rule = NULL;
	}
	return rule ?: span->header;
}

static int fill_entries(struct compfw_net *cnet, const struct compfw_rules_span *span,
			struct compfw_manifest *m, const struct manifest_counts *n,
			struct netlink_ext_ack *extack)
{
	u32 done[CFW_DIR_MAX] = {}, exposed = 0;
	struct cfw_cidr *excepts = m->excepts;
	const struct nlattr *attr;
	int rem, dir, ret = 0;

	nla_for_each_attr(attr, span->head, span->len, rem) {
		if (nla_type(attr) == COMPFW_APPLY_A_EXPOSURE)
			ret = parse_l4(attr, &m->exposure[exposed++], extack);
		for (dir = 0; dir < CFW_DIR_MAX && !ret; dir++) {
			if (nla_type(attr) != dir_attr[dir])
				continue;
			ret = parse_rule(cnet, attr,
					 &m->rules[(dir ? n->rules[0] : 0) + done[dir]++],
					 &excepts, extack);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static const int limit_attr[COMPFW_LIMIT_KINDS] = {
	[COMPFW_LIMIT_CPU] = COMPFW_MANIFEST_A_LIMIT_CPU,
	[COMPFW_LIMIT_MEMORY] = COMPFW_MANIFEST_A_LIMIT_MEMORY,
	[COMPFW_LIMIT_IO] = COMPFW_MANIFEST_A_LIMIT_IO,
};

/* Bytes a string attribute takes with its NUL; 1 ("") when absent. */
static size_t string_bytes(const struct nlattr *attr)
{
	return attr ? strnlen(nla_data(attr), nla_len(attr)) + 1 : 1;
}

/* Copy one string attribute to @to; return where the next one goes. */
static char *copy_string(const char **field, const struct nlattr *attr,
			 char *to)
{
	size_t len = string_bytes(attr);

	if (attr)
		memcpy(to, nla_data(attr), len - 1);
	to[len - 1] = '\0';
	*field = to;
	return to + len;
}

static void copy_header(struct compfw_manifest *m, struct nlattr **tb,
			char *strings)
{
	int i;

	strings = copy_string(&m->version, tb[COMPFW_MANIFEST_A_VERSION],
			      strings);
	for (i = 0; i < COMPFW_LIMIT_KINDS; i++)
		strings = copy_string(&m->limits[i], tb[limit_attr[i]], strings);
	if (tb[COMPFW_MANIFEST_A_MODE])
		m->mode = nla_get_u8(tb[COMPFW_MANIFEST_A_MODE]);
	m->log = COMPFW_LOG_DROPS;
	if (tb[COMPFW_MANIFEST_A_LOG])
		m->log = nla_get_u8(tb[COMPFW_MANIFEST_A_LOG]);
}

/*
 * Where each part of a manifest lives in its one allocation: the parts
 * holding pointers or 64-bit counters first, strings last, so that each
 * part is aligned without padding.
 */
struct manifest_layout {
	size_t stats, rules, excepts, exposure, strings, total;
};

static void manifest_layout(const struct manifest_counts *n, struct nlattr **tb,
			    struct manifest_layout *l)
{
	size_t rules = n->rules[CFW_DIR_INGRESS] + n->rules[CFW_DIR_EGRESS];
	size_t at = sizeof(struct compfw_manifest);
	int i;

	l->stats = at;
	at += rules * sizeof(struct compfw_rule_stats);
	l->rules = at;
	at += rules * sizeof(struct cfw_rule_spec);
	l->excepts = at;
	at += (size_t)n->excepts * sizeof(struct cfw_cidr);
	l->exposure = at;
	at += (size_t)n->exposure * sizeof(struct cfw_l4match);
	l->strings = at;
	at += string_bytes(tb[COMPFW_MANIFEST_A_VERSION]);
	for (i = 0; i < COMPFW_LIMIT_KINDS; i++)
		at += string_bytes(tb[limit_attr[i]]);
	l->total = at;
}

static struct compfw_manifest *alloc_manifest(const struct manifest_counts *n,
					      struct nlattr **tb)
{
	struct compfw_manifest *m;
	struct manifest_layout l;
	char *base;

	manifest_layout(n, tb, &l);
	base = compfw_kvzalloc(l.total);
	if (!base)
		return NULL;
	m = (struct compfw_manifest *)base;
	m->bytes = l.total;
	m->n_rules = n->rules[CFW_DIR_INGRESS] + n->rules[CFW_DIR_EGRESS];
	m->n_excepts = n->excepts;
	m->rule_stats = (struct compfw_rule_stats *)(base + l.stats);
	m->rules = (struct cfw_rule_spec *)(base + l.rules);
	m->excepts = (struct cfw_cidr *)(base + l.excepts);
	m->exposure = (struct cfw_l4match *)(base + l.exposure);
	copy_header(m, tb, base + l.strings);

	m->spec.exposure = m->exposure;
	m->spec.n_exposure = n->exposure;
	m->spec.rules[CFW_DIR_INGRESS] = m->rules;
	m->spec.n_rules[CFW_DIR_INGRESS] = n->rules[CFW_DIR_INGRESS];
	m->spec.rules[CFW_DIR_EGRESS] = m->rules + n->rules[CFW_DIR_INGRESS];
	m->spec.n_rules[CFW_DIR_EGRESS] = n->rules[CFW_DIR_EGRESS];
	m->spec.max_rules = compfw_max_component_rules;
	return m;
}

static int compile_policy(struct compfw_manifest *m,
			  const struct compfw_rules_span *span,
			  struct netlink_ext_ack *extack)
{
	struct cfw_compile_err err = {};
	struct cfw_policy *policy;

	policy = cfw_policy_compile(&m->spec, &err);
	if (IS_ERR(policy)) {
		/* Out of memory is no attribute's fault: blame none. */
		if (PTR_ERR(policy) == -ENOMEM)
			compfw_extack(extack, NULL, COMPFW_NOMEM_MSG);
		else
			compfw_extack(extack, compile_err_attr(span, &err),
				      err.msg ?: "cannot compile the manifest");
		return PTR_ERR(policy);
	}
	m->policy = policy;
	compfw_account_alloc(policy, cfw_policy_bytes(policy));
	return 0;
}

static int rule_id_cmp(const void *a, const void *b)
{
	u32 x = ((const struct cfw_rule_spec *)a)->id;
	u32 y = ((const struct cfw_rule_spec *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * After compiling: the compiler's errors name rules by their index in the
 * request, and the compiled tables name them by ID only.
 */
static void sort_rules(struct compfw_manifest *m)
{
	int dir;

	for (dir = 0; dir < CFW_DIR_MAX; dir++)
		sort((void *)m->spec.rules[dir], m->spec.n_rules[dir],
		     sizeof(struct cfw_rule_spec), rule_id_cmp, NULL);
}

/*
 * Log lines are the LOG target's (audit.c): hold its logger while a manifest
 * that logs may be in force.
 */
static int get_syslog(struct compfw_manifest *m, struct netlink_ext_ack *extack)
{
	if (m->log == COMPFW_LOG_OFF)
		return 0;
	if (get_loggers(NF_LOG_TYPE_LOG)) {
		NL_SET_ERR_MSG(extack,
			       "nf_log_syslog, the kernel's packet logger, is not available");
		return -EOPNOTSUPP;
	}
	m->syslog_held = true;
	return 0;
}

/* Denied packets go to nfnetlink_log too: hold its logger while we may. */
static int get_nflog(struct compfw_manifest *m, u16 group,
		     const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	if (get_loggers(NF_LOG_TYPE_ULOG)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "nfnetlink_log is not available");
		return -EOPNOTSUPP;
	}
	m->nflog_group = group;
	return 0;
}

/* Under RCU, on the packet path: no lock, a binary search. */
void compfw_manifest_count_rule(const struct compfw_manifest *m, int dir,
				u32 rule_id, unsigned int bytes, u64 now)
{
	const struct cfw_rule_spec *rules = m->spec.rules[dir];
	u32 lo = 0, hi = m->spec.n_rules[dir], mid;
	struct compfw_rule_stats *st;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rules[mid].id < rule_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->spec.n_rules[dir] || rules[lo].id != rule_id)
		return;
	st = &m->rule_stats[&rules[lo] - m->rules];
	atomic64_inc(&st->packets);
	atomic64_add(bytes, &st->bytes);
	atomic64_set(&st->last_hit, now);
}

void compfw_manifest_reset_counters(const struct compfw_manifest *m)
{
	u32 i;

	for (i = 0; i < m->n_rules; i++) {
		atomic64_set(&m->rule_stats[i].packets, 0);
		atomic64_set(&m->rule_stats[i].bytes, 0);
		atomic64_set(&m->rule_stats[i].last_hit, 0);
	}
}

/**
 * compfw_manifest_build - build and compile one manifest of an APPLY request
 * @cnet: the namespace, locked
 * @span: its COMPFW_APPLY_A_MANIFEST header and the rule attributes after it
 * @comp: set to the component the manifest is for
 * @extack: where a rejection is explained
 *
 * Return: the manifest, not yet installed, or an ERR_PTR.
 */
struct compfw_manifest *compfw_manifest_build(struct compfw_net *cnet,
					      const struct compfw_rules_span *span,
					      struct compfw_component **comp,
					      struct netlink_ext_ack *extack)
{
	const struct nlattr *nest = span->header;
	struct nlattr *tb[COMPFW_MANIFEST_A_MAX + 1];
	struct manifest_counts n = {};
	struct compfw_manifest *m;
	int ret;

	ret = nla_parse_nested(tb, COMPFW_MANIFEST_A_MAX, nest, NULL, extack);
	if (ret)
		return ERR_PTR(ret);
	if (!tb[COMPFW_MANIFEST_A_COMPONENT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a manifest names no component");
		return ERR_PTR(-EINVAL);
	}
	*comp = compfw_component_by_name(cnet, nla_data(tb[COMPFW_MANIFEST_A_COMPONENT]));
	if (!*comp) {
		NL_SET_ERR_MSG_ATTR(extack, tb[COMPFW_MANIFEST_A_COMPONENT],
				    "unknown component");
		return ERR_PTR(-ENOENT);
	}
	count_attrs(span, &n);
	if (n.rules[0] + n.rules[1] > compfw_max_component_rules ||
	    n.exposure > compfw_max_component_rules) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "too many rules in one manifest (module parameter max_component_rules)");
		return ERR_PTR(-E2BIG);
	}

	m = alloc_manifest(&n, tb);
	if (!m) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	INIT_RCU_WORK(&m->free_work, compfw_manifest_free_work);
	m->nflog_group = -1;
	ret = fill_entries(cnet, span, m, &n, extack);
	if (!ret) {
		ret = record_peers(cnet, m);
		if (ret)
			NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
	}
	if (!ret)
		ret = compile_policy(m, span, extack);
	if (!ret)
		sort_rules(m);
	if (!ret && tb[COMPFW_MANIFEST_A_NFLOG_GROUP])
		ret = get_nflog(m, nla_get_u16(tb[COMPFW_MANIFEST_A_NFLOG_GROUP]),
				tb[COMPFW_MANIFEST_A_NFLOG_GROUP], extack);
	if (!ret)
		ret = get_syslog(m, extack);
	if (ret) {
		compfw_manifest_free(m);
		return ERR_PTR(ret);
	}
	return m;
}

int compfw_put_cidr(struct sk_buff *skb, int type, const struct cfw_cidr *cidr)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	/* A half-built nest must not end a message that stops here. */
	if ((cidr->family == AF_INET ?
	     nla_put_be32(skb, COMPFW_CIDR_A_ADDR4, cidr->addr.ip) :
	     nla_put_in6_addr(skb, COMPFW_CIDR_A_ADDR6, &cidr->addr.ip6)) ||
	    nla_put_u8(skb, COMPFW_CIDR_A_PREFIX_LEN, cidr->prefix_len)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_l4(struct sk_buff *skb, int type, const struct cfw_l4match *l4)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (l4->l4proto && nla_put_u8(skb, COMPFW_L4_A_PROTO, l4->l4proto))
		return -EMSGSIZE;
	if (l4->kind == CFW_L4_PORTS &&
	    (nla_put_u16(skb, COMPFW_L4_A_PORT_MIN, l4->lo) ||
	     nla_put_u16(skb, COMPFW_L4_A_PORT_MAX, l4->hi)))
		return -EMSGSIZE;
	if (l4->kind == CFW_L4_ICMP_TYPE &&
	    nla_put_u8(skb, COMPFW_L4_A_ICMP_TYPE, l4->lo))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_peer(struct sk_buff *skb, struct compfw_net *cnet,
		    const struct cfw_rule_spec *rule)
{
	struct compfw_component *peer;
	u32 i;

	if (rule->peer_kind == CFW_PEER_COMPONENT) {
		/* Deleting a component named by a manifest is refused. */
		peer = compfw_component_by_id(cnet, rule->peer_component);
		return peer ? nla_put_string(skb, COMPFW_RULE_A_PEER_COMPONENT,
					     peer->name) : -ENOENT;
	}
	if (rule->peer_kind != CFW_PEER_CIDR)
		return 0;
	if (compfw_put_cidr(skb, COMPFW_RULE_A_PEER_CIDR, &rule->cidr))
		return -EMSGSIZE;
	for (i = 0; i < rule->n_except; i++)
		if (compfw_put_cidr(skb, COMPFW_RULE_A_EXCEPT, &rule->except[i]))
			return -EMSGSIZE;
	return 0;
}

static int put_rule(struct sk_buff *skb, int type, struct compfw_net *cnet,
		    const struct compfw_manifest *m, u32 index)
{
	const struct compfw_rule_stats *st = &m->rule_stats[index];
	const struct cfw_rule_spec *rule = &m->rules[index];
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_u32(skb, COMPFW_RULE_A_ID, rule->id) ||
	    put_peer(skb, cnet, rule) ||
	    nla_put_uint(skb, COMPFW_RULE_A_PACKETS, atomic64_read(&st->packets)) ||
	    nla_put_uint(skb, COMPFW_RULE_A_BYTES, atomic64_read(&st->bytes)) ||
	    nla_put_u64_64bit(skb, COMPFW_RULE_A_LAST_HIT,
			      atomic64_read(&st->last_hit), COMPFW_RULE_A_PAD))
		return -EMSGSIZE;
	if ((rule->l4.l4proto || rule->l4.kind != CFW_L4_ALL) &&
	    put_l4(skb, COMPFW_RULE_A_L4, &rule->l4))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_header(struct sk_buff *skb, const char *name,
		      const struct compfw_manifest *m)
{
	struct nlattr *nest = nla_nest_start(skb, COMPFW_COMPONENT_A_MANIFEST);
	int i;

	if (!nest || nla_put_string(skb, COMPFW_MANIFEST_A_COMPONENT, name) ||
	    nla_put_string(skb, COMPFW_MANIFEST_A_VERSION, m->version) ||
	    nla_put_u8(skb, COMPFW_MANIFEST_A_MODE, m->mode) ||
	    nla_put_uint(skb, COMPFW_MANIFEST_A_RULES, m->n_rules) ||
	    nla_put_u8(skb, COMPFW_MANIFEST_A_LOG, m->log) ||
	    (m->nflog_group >= 0 &&
	     nla_put_u16(skb, COMPFW_MANIFEST_A_NFLOG_GROUP, m->nflog_group)))
		return -EMSGSIZE;
	for (i = 0; i < COMPFW_LIMIT_KINDS; i++)
		if (m->limits[i][0] &&
		    nla_put_string(skb, limit_attr[i], m->limits[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * compfw_manifest_fill - put a manifest in a reply
 * @skb: the reply
 * @cnet: the namespace, locked, to name peer components
 * @name: the component's name
 * @m: the manifest
 * @cursor: NULL for the header alone; else, for the entries alone (exposure,
 *	then rules, as top-level attributes), the first entry to put, moved
 *	past each entry put
 *
 * Return: 0 when everything asked for is in, -EMSGSIZE when @skb is full.
 */
int compfw_manifest_fill(struct sk_buff *skb, struct compfw_net *cnet,
			 const char *name, const struct compfw_manifest *m,
			 u32 *cursor)
{
	u32 n_exp = m->spec.n_exposure, n_in = m->spec.n_rules[CFW_DIR_INGRESS];
	u32 i;
	int ret;

	if (!cursor)
		return put_header(skb, name, m);
	for (i = *cursor; i < n_exp + m->n_rules; i++) {
		/* A half-built entry must not end a full message. */
		unsigned char *mark = skb_tail_pointer(skb);

		if (i < n_exp)
			ret = put_l4(skb, COMPFW_COMPONENT_A_EXPOSURE, &m->exposure[i]);
		else
			ret = put_rule(skb, reply_dir_attr[i - n_exp < n_in ?
							   CFW_DIR_INGRESS : CFW_DIR_EGRESS],
				       cnet, m, i - n_exp);
		if (ret) {
			nlmsg_trim(skb, mark);
			return -EMSGSIZE;
		}
		*cursor = i + 1;
	}
	return 0;
}
