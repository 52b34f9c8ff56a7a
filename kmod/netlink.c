// SPDX-License-Identifier: GPL-2.0
/*
 * The compfw generic netlink family: the wire format in and out. Requests
 * arrive validated by the per-operation policies netlink-gen.c generates
 * from the spec; this file turns them into the objects' plain C calls and
 * the objects into replies. Every rejection is explained through extack;
 * every operation is admin-only in the caller's network namespace.
 */

#include <linux/limits.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/compfw.h>

#include "account.h"
#include "addrmap.h"
#include "compat.h"
#include "family.h"
#include "component.h"
#include "flow.h"
#include "hooks.h"
#include "manifest.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "netns.h"
#include "persona.h"
#include "recheck.h"
#include "trigger.h"
#include "version.h"

/* The classifier's directions are the family's. */
static_assert((int)CFW_DIR_INGRESS == COMPFW_DIR_INGRESS);
static_assert((int)CFW_DIR_EGRESS == COMPFW_DIR_EGRESS);

static int compfw_fill_status(struct sk_buff *skb, struct net *net)
{
	struct compfw_net *cnet = compfw_net(net);
	int ret = 0;

	mutex_lock(&cnet->lock);
	if (nla_put_string(skb, COMPFW_STATUS_A_MODULE_VERSION, COMPFW_VERSION) ||
	    nla_put_u32(skb, COMPFW_STATUS_A_FAMILY_VERSION, COMPFW_GENL_VERSION) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_NETNS_COOKIE,
			      net->net_cookie, COMPFW_STATUS_A_PAD) ||
	    nla_put_u32(skb, COMPFW_STATUS_A_COMPONENTS, cnet->components) ||
	    nla_put_u32(skb, COMPFW_STATUS_A_RULES, cnet->rules) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_MEMORY, compfw_bytes_alive(),
			      COMPFW_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_OBJECTS, compfw_objects_alive(),
			      COMPFW_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_NETNS_MEMORY, cnet->memory,
			      COMPFW_STATUS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_NETNS_MEMORY_MAX,
			      READ_ONCE(compfw_max_netns_memory), COMPFW_STATUS_A_PAD))
		ret = -EMSGSIZE;
	mutex_unlock(&cnet->lock);
	return ret;
}

int compfw_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	/*
	 * No policy. Newer kernels (7.2; not 6.12) refuse any attribute of
	 * such an op before calling it, by a strict validation against no
	 * attribute types ("Unknown attribute type" at the first); older
	 * ones pass them on unparsed (compat.h makes 6.1 agree). The same
	 * validation here makes every kernel give that answer.
	 */
	ret = nla_validate(nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
			   nlmsg_attrlen(info->nlhdr, GENL_HDRLEN), 0, NULL, info->extack);
	if (ret)
		return ret;

	msg = compfw_msg_new(info, COMPFW_CMD_GET_STATUS, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		return -ENOMEM;
	ret = compfw_fill_status(msg, genl_info_net(info));
	if (ret) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "status does not fit in a message");
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- objects out: replies ---- */

static int compfw_fill_stats(struct sk_buff *skb, const struct compfw_component *comp)
{
	struct compfw_totals t;
	struct nlattr *nest;

	compfw_component_read_stats(comp, &t);
	nest = nla_nest_start(skb, COMPFW_COMPONENT_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_ACCEPTED_PACKETS, t.packets[COMPFW_ACCEPT],
			      COMPFW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_ACCEPTED_BYTES, t.bytes[COMPFW_ACCEPT],
			      COMPFW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_DROPPED_PACKETS, t.packets[COMPFW_DROP],
			      COMPFW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_DROPPED_BYTES, t.bytes[COMPFW_DROP],
			      COMPFW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_AUDITED_PACKETS, t.packets[COMPFW_AUDIT],
			      COMPFW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_AUDITED_BYTES, t.bytes[COMPFW_AUDIT],
			      COMPFW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_LAST_HIT, t.last_hit, COMPFW_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_cidr(struct sk_buff *skb, int type, const struct cfw_cidr *cidr)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if ((cidr->family == AF_INET ?
	     nla_put_be32(skb, COMPFW_CIDR_A_ADDR4, cidr->addr.ip) :
	     nla_put_in6_addr(skb, COMPFW_CIDR_A_ADDR6, &cidr->addr.ip6)) ||
	    nla_put_u8(skb, COMPFW_CIDR_A_PREFIX_LEN, cidr->prefix_len))
		return -EMSGSIZE;
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
	if (put_cidr(skb, COMPFW_RULE_A_PEER_CIDR, &rule->cidr))
		return -EMSGSIZE;
	for (i = 0; i < rule->n_except; i++)
		if (put_cidr(skb, COMPFW_RULE_A_EXCEPT, &rule->except[i]))
			return -EMSGSIZE;
	return 0;
}

static int put_rule(struct sk_buff *skb, int type, struct compfw_net *cnet,
		    const struct cfw_rule_spec *rule)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_u32(skb, COMPFW_RULE_A_ID, rule->id) ||
	    put_peer(skb, cnet, rule))
		return -EMSGSIZE;
	if ((rule->l4.l4proto || rule->l4.kind != CFW_L4_ALL) &&
	    put_l4(skb, COMPFW_RULE_A_L4, &rule->l4))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_rule_stats(struct sk_buff *skb, const struct compfw_manifest *m, u32 index)
{
	const struct compfw_rule_stats *st = &m->rule_stats[index];
	struct nlattr *nest = nla_nest_start(skb, COMPFW_COMPONENT_A_RULE_STATS);
	u8 dir = index < m->spec.n_rules[CFW_DIR_INGRESS] ? COMPFW_DIR_INGRESS :
		 COMPFW_DIR_EGRESS;

	if (!nest || nla_put_u8(skb, COMPFW_RULE_STATS_A_DIRECTION, dir) ||
	    nla_put_u32(skb, COMPFW_RULE_STATS_A_ID, m->rules[index].id) ||
	    nla_put_u64_64bit(skb, COMPFW_RULE_STATS_A_PACKETS, atomic64_read(&st->packets),
			      COMPFW_RULE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_RULE_STATS_A_BYTES, atomic64_read(&st->bytes),
			      COMPFW_RULE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, COMPFW_RULE_STATS_A_LAST_HIT, atomic64_read(&st->last_hit),
			      COMPFW_RULE_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_personas(struct sk_buff *skb, const struct compfw_manifest *m)
{
	const struct compfw_persona_set *set = m->set;
	u32 i;

	if (!set)
		return 0;
	for (i = 0; i < set->n; i++)
		if (nla_put_string(skb, COMPFW_MANIFEST_A_PERSONA, set->face[i].persona))
			return -EMSGSIZE;
	if (nla_put_string(skb, COMPFW_MANIFEST_A_DEFAULT_PERSONA,
			   set->face[set->dflt].persona) ||
	    nla_put_string(skb, COMPFW_MANIFEST_A_ACTIVE_PERSONA, compfw_manifest_persona(m)))
		return -EMSGSIZE;
	return 0;
}

/* A new part of the manifest: every part names the component. */
static struct nlattr *start_part(struct sk_buff *skb, const char *name,
				 const struct compfw_manifest *m, bool header)
{
	struct nlattr *nest = nla_nest_start(skb, COMPFW_COMPONENT_A_MANIFEST);

	if (!nest || nla_put_string(skb, COMPFW_MANIFEST_A_COMPONENT, name))
		return NULL;
	if (header &&
	    (nla_put_string(skb, COMPFW_MANIFEST_A_VERSION, m->version) ||
	     nla_put_u8(skb, COMPFW_MANIFEST_A_MODE, m->mode) ||
	     nla_put_u8(skb, COMPFW_MANIFEST_A_LOG, m->log) ||
	     (m->nflog_group >= 0 &&
	      nla_put_u16(skb, COMPFW_MANIFEST_A_NFLOG_GROUP, m->nflog_group)) ||
	     put_personas(skb, m)))
		return NULL;
	return nest;
}

/*
 * What a component reply carries after the component's own attributes is
 * a list of items, sent in order over as many messages as it takes: its
 * owned addresses, then (when asked for) its manifest's entries (exposure,
 * ingress rules, egress rules, inside manifest parts), then their counters.
 */
struct compfw_items {
	u32 addresses;
	u32 entries;	/* ends the exposure and the rules */
	u32 total;
};

static void compfw_items_of(const struct compfw_component *comp,
			    const struct compfw_manifest *m, bool entries,
			    struct compfw_items *it)
{
	it->addresses = comp->n_addresses;
	it->entries = it->addresses;
	if (m && entries)
		it->entries += m->spec.n_exposure + m->n_rules;
	it->total = it->entries + (m && entries ? m->n_rules : 0);
}

int compfw_put_entry(struct sk_buff *skb, struct compfw_net *cnet,
		     const struct compfw_manifest *m, u32 i)
{
	u32 n_in = m->spec.n_rules[CFW_DIR_INGRESS];

	if (i < m->spec.n_exposure)
		return put_l4(skb, COMPFW_MANIFEST_A_EXPOSURE, &m->exposure[i]);
	i -= m->spec.n_exposure;
	return put_rule(skb, i < n_in ? COMPFW_MANIFEST_A_INGRESS :
			COMPFW_MANIFEST_A_EGRESS, cnet, &m->rules[i]);
}

/*
 * Items from *@cursor on; on -EMSGSIZE *@cursor is the first that did not
 * fit, and the message ends with whole items only.
 */
static int compfw_fill_items(struct sk_buff *skb, struct compfw_net *cnet,
			     const struct compfw_component *comp,
			     const struct compfw_manifest *m,
			     const struct compfw_items *it, u32 *cursor)
{
	struct nlattr *part = NULL;
	u32 i;

	for (i = *cursor; i < it->total; i++) {
		unsigned char *mark = skb_tail_pointer(skb);
		int ret;

		if (part && (i >= it->entries ||
			     skb_tail_pointer(skb) - (unsigned char *)part > COMPFW_PART_MAX)) {
			nla_nest_end(skb, part);
			part = NULL;
			mark = skb_tail_pointer(skb);
		}
		if (i < it->addresses) {
			ret = put_cidr(skb, COMPFW_COMPONENT_A_ADDRESS, &comp->addresses[i]);
		} else if (i < it->entries) {
			if (!part)
				part = start_part(skb, comp->name, m, false);
			ret = part ? compfw_put_entry(skb, cnet, m, i - it->addresses) : -EMSGSIZE;
		} else {
			ret = put_rule_stats(skb, m, i - it->entries);
		}
		if (ret) {
			nlmsg_trim(skb, mark);
			if (part && (unsigned char *)part == mark)
				part = NULL;
			if (part)
				nla_nest_end(skb, part);
			*cursor = i;
			return -EMSGSIZE;
		}
	}
	if (part)
		nla_nest_end(skb, part);
	*cursor = i;
	return 0;
}

/* The live cgroup at the component's path, or that there is none. */
static int compfw_put_cgroup_id(struct sk_buff *skb,
				const struct compfw_component *comp)
{
	u64 id = compfw_cgbind_id(&comp->bind);

	if (!id)
		return nla_put_flag(skb, COMPFW_COMPONENT_A_CGROUP_ABSENT) ||
		       (compfw_cgbind_pending(&comp->bind) &&
			nla_put_flag(skb, COMPFW_COMPONENT_A_CGROUP_PENDING));
	return nla_put_u64_64bit(skb, COMPFW_COMPONENT_A_CGROUP_ID, id,
				 COMPFW_COMPONENT_A_PAD);
}

/* The component's own attributes, its counters and its manifest's header. */
static int compfw_fill_component(struct sk_buff *skb, const struct compfw_component *comp,
				 const struct compfw_manifest *m)
{
	struct nlattr *header;

	if (nla_put_string(skb, COMPFW_COMPONENT_A_NAME, comp->name) ||
	    nla_put_u32(skb, COMPFW_COMPONENT_A_ID, comp->id) ||
	    nla_put_u32(skb, COMPFW_COMPONENT_A_GENERATION, comp->generation) ||
	    (comp->cgroup_path &&
	     (nla_put_string(skb, COMPFW_COMPONENT_A_CGROUP, comp->cgroup_path) ||
	      compfw_put_cgroup_id(skb, comp))) ||
	    (compfw_component_has_previous(comp) &&
	     nla_put_flag(skb, COMPFW_COMPONENT_A_HAS_PREVIOUS)) ||
	    compfw_fill_stats(skb, comp))
		return -EMSGSIZE;
	if (!m)
		return 0;
	if (nla_put_u32(skb, COMPFW_COMPONENT_A_RULES, m->n_rules) ||
	    (m->set && nla_put_string(skb, COMPFW_COMPONENT_A_PERSONA,
				      compfw_manifest_persona(m))))
		return -EMSGSIZE;
	header = start_part(skb, comp->name, m, true);
	if (!header)
		return -EMSGSIZE;
	nla_nest_end(skb, header);
	return 0;
}

/* Room for one component with its whole manifest. */
static size_t compfw_component_size(const struct compfw_component *comp,
				    const struct compfw_manifest *m)
{
	size_t size = NLMSG_GOODSIZE + comp->n_addresses * 48;

	if (m)
		size += m->spec.n_exposure * 48 + m->n_rules * (176 + 72) +
			m->n_excepts * 48;
	return size;
}

struct compfw_component *compfw_named(struct compfw_net *cnet, struct genl_info *info)
{
	struct compfw_component *comp;

	if (GENL_REQ_ATTR_CHECK(info, COMPFW_COMPONENT_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "a component name is required");
		return ERR_PTR(-EINVAL);
	}
	comp = compfw_component_by_name(cnet, nla_data(info->attrs[COMPFW_COMPONENT_A_NAME]));
	if (!comp) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[COMPFW_COMPONENT_A_NAME],
				    "unknown component");
		return ERR_PTR(-ENOENT);
	}
	return comp;
}

/* A do reply: the component whole, in one message, or an error. */
static int compfw_reply_component(struct genl_info *info, struct compfw_net *cnet,
				  const struct compfw_component *comp, u8 cmd)
{
	const struct compfw_manifest *m;
	struct compfw_items it;
	struct sk_buff *msg;
	u32 cursor = 0;
	void *hdr;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	compfw_items_of(comp, m, true, &it);
	msg = compfw_msg_new(info, cmd, compfw_component_size(comp, m), &hdr);
	if (!msg)
		return -ENOMEM;
	if (compfw_fill_component(msg, comp, m) ||
	    compfw_fill_items(msg, cnet, comp, m, &it, &cursor)) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack,
			       "component does not fit in a message; dump it by name");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- requests in: the wire format to the objects' plain C ---- */

/*
 * The operation's policy validated every nest of the request, however deep,
 * before the handler ran: the nests are parsed here without one.
 */
static int compfw_parse_cidr(const struct nlattr *nest, struct cfw_cidr *cidr,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[COMPFW_CIDR_A_MAX + 1];
	const char *problem;
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
		nla_memcpy(&cidr->addr.ip6, tb[COMPFW_CIDR_A_ADDR6], sizeof(cidr->addr.ip6));
	}
	problem = cfw_cidr_problem(cidr);
	if (problem) {
		NL_SET_BAD_ATTR(extack, nest);
		compfw_set_err_msg(extack, problem);
		return -EINVAL;
	}
	return 0;
}

static int compfw_parse_l4(const struct nlattr *nest, struct cfw_l4match *l4,
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
	if ((tb[COMPFW_L4_A_PORT_MIN] || tb[COMPFW_L4_A_PORT_MAX]) &&
	    tb[COMPFW_L4_A_ICMP_TYPE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "ports and an ICMP type do not go together");
		return -EINVAL;
	}
	if (tb[COMPFW_L4_A_PORT_MAX] && !tb[COMPFW_L4_A_PORT_MIN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[COMPFW_L4_A_PORT_MAX],
				    "a port range needs its start (port-min)");
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

static int compfw_parse_addresses(struct genl_info *info,
				  struct compfw_component_spec *spec)
{
	struct cfw_cidr *addresses;
	const struct nlattr *attr;
	int rem, n = 0, ret;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		n += nla_type(attr) == COMPFW_COMPONENT_A_ADDRESS;
	if (!n)
		return 0;
	addresses = kvcalloc(n, sizeof(*addresses), COMPFW_GFP);
	if (!addresses) {
		NL_SET_ERR_MSG(info->extack, COMPFW_NOMEM_MSG);
		return -ENOMEM;
	}
	spec->addresses = addresses;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != COMPFW_COMPONENT_A_ADDRESS)
			continue;
		ret = compfw_parse_cidr(attr, &addresses[spec->n_addresses], info->extack);
		if (ret)
			return ret;
		spec->n_addresses++;
	}
	return 0;
}

int compfw_nl_component_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component_spec spec = {};
	struct compfw_component *comp;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, COMPFW_COMPONENT_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "a component name is required");
		return -EINVAL;
	}
	spec.name = nla_data(info->attrs[COMPFW_COMPONENT_A_NAME]);
	if (!*spec.name) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[COMPFW_COMPONENT_A_NAME],
				    "a component name may not be empty");
		return -EINVAL;
	}
	if (info->attrs[COMPFW_COMPONENT_A_ID])
		spec.id = nla_get_u32(info->attrs[COMPFW_COMPONENT_A_ID]);
	if (info->attrs[COMPFW_COMPONENT_A_CGROUP])
		spec.cgroup_path = nla_data(info->attrs[COMPFW_COMPONENT_A_CGROUP]);
	ret = compfw_parse_addresses(info, &spec);
	if (ret)
		goto out;

	mutex_lock(&cnet->lock);
	/* Before the component can be found: its first packet is judged. */
	ret = compfw_hooks_register(cnet);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "cannot register netfilter hooks");
		goto unlock;
	}
	comp = compfw_component_add(cnet, &spec, info->extack);
	if (IS_ERR(comp)) {
		ret = PTR_ERR(comp);
		if (!cnet->components)
			compfw_hooks_unregister(cnet);
		goto unlock;
	}
	ret = compfw_reply_component(info, cnet, comp, COMPFW_CMD_COMPONENT_NEW);
unlock:
	mutex_unlock(&cnet->lock);
out:
	kvfree(spec.addresses);
	return ret;
}

/*
 * DEL: @op on the named component, under the lock, its reason
 * in extack; then live flows are judged again.
 */
static int compfw_change_named(struct genl_info *info,
			       int (*op)(struct compfw_net *cnet,
					 struct compfw_component *comp,
					 struct netlink_ext_ack *extack))
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	int ret;

	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (!ret) {
		ret = op(cnet, comp, info->extack);
		if (ret)
			NL_SET_BAD_ATTR(info->extack, info->attrs[COMPFW_COMPONENT_A_NAME]);
	}
	mutex_unlock(&cnet->lock);
	if (!ret)
		compfw_recheck_flows(cnet);
	return ret;
}

/* A namespace without components has no hooks: it pays nothing. */
static int compfw_del_component(struct compfw_net *cnet, struct compfw_component *comp,
				struct netlink_ext_ack *extack)
{
	int ret = compfw_component_del(cnet, comp, extack);

	if (!ret && !cnet->components)
		compfw_hooks_unregister(cnet);
	return ret;
}

int compfw_nl_component_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return compfw_change_named(info, compfw_del_component);
}

/*
 * To the previous version, or to that of attribute to; a trigger program still
 * running keeps its persona across a rollback.
 */
int compfw_nl_component_rollback_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct nlattr *to = info->attrs[COMPFW_COMPONENT_A_TO];
	struct compfw_component *comp;
	int ret;

	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (!ret && to) {
		ret = compfw_component_rollback_to(cnet, comp, nla_get_u32(to), info->extack);
		if (ret)
			NL_SET_BAD_ATTR(info->extack, to);
	} else if (!ret) {
		ret = compfw_component_rollback(cnet, comp, info->extack);
		if (ret)
			NL_SET_BAD_ATTR(info->extack, info->attrs[COMPFW_COMPONENT_A_NAME]);
	}
	if (!ret) {
		compfw_triggers_reset(comp);
		compfw_triggers_reconcile(cnet);
	}
	mutex_unlock(&cnet->lock);
	if (!ret)
		compfw_recheck_flows(cnet);
	return ret;
}

int compfw_nl_component_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	int ret;

	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (!ret)
		ret = compfw_reply_component(info, cnet, comp, COMPFW_CMD_COMPONENT_GET);
	mutex_unlock(&cnet->lock);
	return ret;
}

/*
 * The messages of a dump end where the next skb would overflow. One
 * component may need several: the first carries its own attributes and as
 * many items as fit, each later one its name and more items. cb->args[]:
 * [0] done (dump by name), [1] the items' cursor, [2] its first message is
 * sent, [3] how many components are sent whole (a dump of all).
 */
enum { DUMP_DONE, DUMP_ITEM, DUMP_STARTED, DUMP_LISTED };

/*
 * One message of @comp's part of a dump. Return: 0 when the component is
 * all sent, 1 when more messages are needed, or an error: a message that
 * cannot hold even the start of the component.
 */
static int compfw_dump_component(struct sk_buff *skb, struct netlink_callback *cb,
				 struct compfw_net *cnet,
				 const struct compfw_component *comp, bool entries)
{
	u32 cursor = cb->args[DUMP_ITEM];
	const struct compfw_manifest *m;
	bool empty = !skb->len;
	struct compfw_items it;
	void *hdr;
	int ret;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	compfw_items_of(comp, m, entries, &it);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &compfw_genl_family, NLM_F_MULTI, COMPFW_CMD_COMPONENT_GET);
	if (!hdr)
		goto too_big;
	genl_dump_check_consistent(cb, hdr);
	ret = cb->args[DUMP_STARTED] ?
	      nla_put_string(skb, COMPFW_COMPONENT_A_NAME, comp->name) :
	      compfw_fill_component(skb, comp, m);
	if (ret)
		goto cancel;
	ret = compfw_fill_items(skb, cnet, comp, m, &it, &cursor);
	/* Not even one item fits beside the component's own attributes. */
	if (ret && cursor == cb->args[DUMP_ITEM])
		goto cancel;
	genlmsg_end(skb, hdr);
	if (ret) {
		cb->args[DUMP_STARTED] = 1;
		cb->args[DUMP_ITEM] = cursor;
		return 1;
	}
	cb->args[DUMP_STARTED] = 0;
	cb->args[DUMP_ITEM] = 0;
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
too_big:
	if (!empty)
		return 1;
	NL_SET_ERR_MSG(cb->extack, "a component does not fit in an empty dump message");
	return -EMSGSIZE;
}

/* One component by name, its addresses and manifest over as many messages. */
static int compfw_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			   struct compfw_net *cnet, const struct nlattr *name)
{
	struct compfw_component *comp = compfw_component_by_name(cnet, nla_data(name));
	int ret;

	if (!comp) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name, "unknown component");
		return -ENOENT;
	}
	if (cb->args[DUMP_DONE])	/* everything sent */
		return 0;
	ret = compfw_dump_component(skb, cb, cnet, comp, true);
	if (ret < 0)
		return ret;
	if (!ret)
		cb->args[DUMP_DONE] = 1;
	return skb->len;
}

/*
 * A dump lists components without their manifests' entries; with a name,
 * it answers for that component alone, in full. Every component is listed,
 * however large: an error ends the dump rather than a short list.
 */
int compfw_nl_component_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct compfw_net *cnet = compfw_net(sock_net(skb->sk));
	struct nlattr **attrs = compfw_dump_attrs(cb);
	struct compfw_component *comp;
	long skip = cb->args[DUMP_LISTED], i = 0;
	int ret = 0;

	mutex_lock(&cnet->lock);
	cb->seq = cnet->dump_seq;
	if (attrs && attrs[COMPFW_COMPONENT_A_NAME]) {
		ret = compfw_dump_one(skb, cb, cnet, attrs[COMPFW_COMPONENT_A_NAME]);
		mutex_unlock(&cnet->lock);
		return ret;
	}
	list_for_each_entry(comp, &cnet->components_list, list) {
		if (i++ < skip)
			continue;
		ret = compfw_dump_component(skb, cb, cnet, comp, false);
		if (ret)
			break;
		cb->args[DUMP_LISTED] = i;
	}
	mutex_unlock(&cnet->lock);
	return ret < 0 ? ret : skb->len;
}

/* ---- MANIFEST_APPLY: parts, manifests, a batch ---- */

/* One manifest attribute of the request and the component it names. */
static int compfw_part_cmp(const void *a, const void *b)
{
	const struct compfw_part *x = a, *y = b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	return x->attr < y->attr ? -1 : x->attr > y->attr;
}

static const int dir_attr[CFW_DIR_MAX] = {
	[CFW_DIR_INGRESS] = COMPFW_MANIFEST_A_INGRESS,
	[CFW_DIR_EGRESS] = COMPFW_MANIFEST_A_EGRESS,
};

/* Every manifest attribute, with the component it names, sorted by it. */
static int compfw_collect_parts(struct compfw_net *cnet, struct genl_info *info,
				struct compfw_part **partsp)
{
	struct nlattr *tb[COMPFW_MANIFEST_A_MAX + 1];
	struct compfw_part *parts;
	const struct nlattr *attr;
	int rem, n = 0, ret;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		n += nla_type(attr) == COMPFW_APPLY_A_MANIFEST;
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "nothing to apply");
		return -EINVAL;
	}
	parts = kvcalloc(n, sizeof(*parts), COMPFW_GFP);
	if (!parts) {
		NL_SET_ERR_MSG(info->extack, COMPFW_NOMEM_MSG);
		return -ENOMEM;
	}
	*partsp = parts;
	n = 0;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != COMPFW_APPLY_A_MANIFEST)
			continue;
		ret = nla_parse_nested(tb, COMPFW_MANIFEST_A_MAX, attr, NULL, info->extack);
		if (ret)
			return ret;
		if (!tb[COMPFW_MANIFEST_A_COMPONENT]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "a manifest names no component");
			return -EINVAL;
		}
		parts[n].attr = attr;
		parts[n].comp = compfw_component_by_name(cnet,
							 nla_data(tb[COMPFW_MANIFEST_A_COMPONENT]));
		if (!parts[n].comp) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[COMPFW_MANIFEST_A_COMPONENT],
					    "unknown component");
			return -ENOENT;
		}
		n++;
	}
	sort(parts, n, sizeof(*parts), compfw_part_cmp, NULL);
	return n;
}

/* What one part says about the manifest as a whole: each field once. */
static int compfw_take_header(struct compfw_apply_entry *c, struct nlattr **tb,
			      struct nlattr **header, struct netlink_ext_ack *extack)
{
	static const int fields[] = {
		COMPFW_MANIFEST_A_VERSION, COMPFW_MANIFEST_A_MODE,
		COMPFW_MANIFEST_A_LOG, COMPFW_MANIFEST_A_NFLOG_GROUP,
		COMPFW_MANIFEST_A_DEFAULT_PERSONA,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (!tb[fields[i]])
			continue;
		if (header[fields[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[fields[i]],
					    "a header field is given by two parts of one manifest");
			return -EINVAL;
		}
		header[fields[i]] = tb[fields[i]];
	}
	return 0;
}

static void compfw_spec_header(struct compfw_manifest_spec *spec, struct nlattr **header)
{
	spec->version = header[COMPFW_MANIFEST_A_VERSION] ?
			nla_data(header[COMPFW_MANIFEST_A_VERSION]) : NULL;
	spec->mode = header[COMPFW_MANIFEST_A_MODE] ?
		     nla_get_u8(header[COMPFW_MANIFEST_A_MODE]) : COMPFW_MODE_ENFORCE;
	spec->log = header[COMPFW_MANIFEST_A_LOG] ?
		    nla_get_u8(header[COMPFW_MANIFEST_A_LOG]) : COMPFW_LOG_DROPS;
	spec->nflog_group = header[COMPFW_MANIFEST_A_NFLOG_GROUP] ?
			    nla_get_u16(header[COMPFW_MANIFEST_A_NFLOG_GROUP]) : -1;
}

/* How many entries of each kind the parts hold, and the header they give. */
static int compfw_count_change(struct compfw_apply_entry *c, u32 *rules, u32 *exposure,
			       u32 *excepts, struct netlink_ext_ack *extack)
{
	struct nlattr *header[COMPFW_MANIFEST_A_MAX + 1] = {};
	struct nlattr *tb[COMPFW_MANIFEST_A_MAX + 1];
	const struct nlattr *attr, *inner;
	int rem, rem2, ret, dir;
	u32 i;

	for (i = 0; i < c->n_parts; i++) {
		ret = nla_parse_nested(tb, COMPFW_MANIFEST_A_MAX, c->parts[i].attr, NULL, extack);
		if (ret)
			return ret;
		ret = compfw_take_header(c, tb, header, extack);
		if (ret)
			return ret;
		nla_for_each_nested(attr, c->parts[i].attr, rem) {
			if (nla_type(attr) == COMPFW_MANIFEST_A_EXPOSURE)
				(*exposure)++;
			if (nla_type(attr) == COMPFW_MANIFEST_A_PERSONA)
				c->n_personas++;
			for (dir = 0; dir < CFW_DIR_MAX; dir++) {
				if (nla_type(attr) != dir_attr[dir])
					continue;
				rules[dir]++;
				nla_for_each_nested(inner, attr, rem2)
					if (nla_type(inner) == COMPFW_RULE_A_EXCEPT)
						(*excepts)++;
			}
		}
	}
	compfw_spec_header(&c->spec, header);
	c->dflt = header[COMPFW_MANIFEST_A_DEFAULT_PERSONA];
	c->header_fields = 0;
	for (i = 0; i <= COMPFW_MANIFEST_A_MAX; i++)
		c->header_fields += !!header[i];
	return 0;
}

static int compfw_parse_peer(struct compfw_net *cnet, struct nlattr **tb,
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

static int compfw_parse_rule(struct compfw_net *cnet, const struct nlattr *nest,
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
	ret = compfw_parse_peer(cnet, tb, rule, extack);
	if (ret)
		return ret;
	rule->l4.kind = CFW_L4_ALL;
	if (tb[COMPFW_RULE_A_L4]) {
		ret = compfw_parse_l4(tb[COMPFW_RULE_A_L4], &rule->l4, extack);
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

/*
 * Walk the entries of @c's parts in the order they are parsed: exposure
 * and each direction's rules numbered on their own, as the compiler's
 * errors number them. Return the @index-th of @type, or NULL.
 */
static const struct nlattr *compfw_nth_entry(const struct compfw_apply_entry *c, int type,
					     int index)
{
	const struct nlattr *attr;
	int rem;
	u32 i;

	for (i = 0; i < c->n_parts; i++)
		nla_for_each_nested(attr, c->parts[i].attr, rem)
			if (nla_type(attr) == type && index-- == 0)
				return attr;
	return NULL;
}

static int compfw_parse_entries(struct compfw_net *cnet, struct compfw_apply_entry *c,
				const u32 *n_rules, struct netlink_ext_ack *extack)
{
	u32 done[CFW_DIR_MAX] = {}, exposed = 0, named = 0, i;
	struct cfw_cidr *excepts = c->excepts;
	const struct nlattr *attr;
	int rem, dir, ret = 0;

	for (i = 0; i < c->n_parts; i++) {
		nla_for_each_nested(attr, c->parts[i].attr, rem) {
			if (nla_type(attr) == COMPFW_MANIFEST_A_PERSONA)
				c->personas[named++] = attr;
			if (nla_type(attr) == COMPFW_MANIFEST_A_EXPOSURE)
				ret = compfw_parse_l4(attr, &c->exposure[exposed++], extack);
			for (dir = 0; dir < CFW_DIR_MAX && !ret; dir++) {
				if (nla_type(attr) != dir_attr[dir])
					continue;
				ret = compfw_parse_rule(cnet, attr,
							&c->rules[(dir ? n_rules[0] : 0) +
								  done[dir]++],
							&excepts, extack);
			}
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Point extack at the entry the compiler refused. */
void compfw_blame_entry(const struct compfw_apply_entry *c,
			const struct cfw_compile_err *err,
			struct netlink_ext_ack *extack)
{
	const struct nlattr *attr = NULL, *except;
	int rem;

	if (err->section == CFW_ERR_EXPOSURE)
		attr = compfw_nth_entry(c, COMPFW_MANIFEST_A_EXPOSURE, err->index);
	else if (err->section == CFW_ERR_INGRESS || err->section == CFW_ERR_EGRESS)
		attr = compfw_nth_entry(c, dir_attr[err->section == CFW_ERR_INGRESS ?
						   CFW_DIR_INGRESS : CFW_DIR_EGRESS],
					err->index);
	if (attr && err->except_index >= 0) {
		int index = err->except_index;

		nla_for_each_nested(except, attr, rem)
			if (nla_type(except) == COMPFW_RULE_A_EXCEPT && index-- == 0) {
				attr = except;
				break;
			}
	}
	NL_SET_BAD_ATTR(extack, attr ?: c->parts[0].attr);
}

/**
 * compfw_parse_change - read the parts of one manifest into @c->spec
 * @cnet: the namespace, locked: peer components are looked up in it
 * @c: the parts; the arrays the spec points into are allocated here and
 *	freed by compfw_free_change()
 * @extack: why the parts are refused
 */
int compfw_parse_change(struct compfw_net *cnet, struct compfw_apply_entry *c,
			struct netlink_ext_ack *extack)
{
	u32 rules[CFW_DIR_MAX] = {}, exposure = 0, excepts = 0;
	struct cfw_policy_spec *p = &c->spec.policy;
	int ret;

	ret = compfw_count_change(c, rules, &exposure, &excepts, extack);
	if (ret)
		return ret;
	c->rules = kvcalloc((size_t)rules[0] + rules[1] ?: 1, sizeof(*c->rules), COMPFW_GFP);
	c->exposure = kvcalloc(exposure ?: 1, sizeof(*c->exposure), COMPFW_GFP);
	c->excepts = kvcalloc(excepts ?: 1, sizeof(*c->excepts), COMPFW_GFP);
	c->personas = kvcalloc(c->n_personas ?: 1, sizeof(*c->personas), COMPFW_GFP);
	if (!c->rules || !c->exposure || !c->excepts || !c->personas) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return -ENOMEM;
	}
	ret = compfw_parse_entries(cnet, c, rules, extack);
	if (ret)
		return ret;
	p->exposure = c->exposure;
	p->n_exposure = exposure;
	p->rules[CFW_DIR_INGRESS] = c->rules;
	p->n_rules[CFW_DIR_INGRESS] = rules[CFW_DIR_INGRESS];
	p->rules[CFW_DIR_EGRESS] = c->rules + rules[CFW_DIR_INGRESS];
	p->n_rules[CFW_DIR_EGRESS] = rules[CFW_DIR_EGRESS];
	c->spec.excepts = c->excepts;
	c->spec.n_excepts = excepts;
	return 0;
}

/* The personas a manifest names: distinct, the default among them. */
static int compfw_persona_names(struct compfw_apply_entry *c, const char **names,
				u32 *dflt, struct netlink_ext_ack *extack)
{
	const struct cfw_policy_spec *p = &c->spec.policy;
	u32 i, j;

	if (p->n_exposure || p->n_rules[CFW_DIR_INGRESS] || p->n_rules[CFW_DIR_EGRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, c->personas[0],
				    "a manifest that names personas takes its rules from them: move its exposure, ingress and egress into a persona");
		return -EINVAL;
	}
	*dflt = 0;
	for (i = 0; i < c->n_personas; i++) {
		names[i] = nla_data(c->personas[i]);
		for (j = 0; j < i; j++) {
			if (!strcmp(names[i], names[j])) {
				NL_SET_ERR_MSG_ATTR(extack, c->personas[i],
						    "a persona is named twice");
				return -EINVAL;
			}
		}
		if (c->dflt && !strcmp(names[i], nla_data(c->dflt)))
			*dflt = i;
	}
	if (c->dflt && strcmp(names[*dflt], nla_data(c->dflt))) {
		NL_SET_ERR_MSG_ATTR(extack, c->dflt,
				    "the default persona is not among the personas named");
		return -EINVAL;
	}
	return 0;
}

static int compfw_build_faces(struct compfw_net *cnet, struct compfw_apply_entry *c,
			      struct netlink_ext_ack *extack)
{
	const char **names;
	u32 dflt;
	int ret;

	names = kvcalloc(c->n_personas, sizeof(*names), COMPFW_GFP);
	if (!names) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return -ENOMEM;
	}
	ret = compfw_persona_names(c, names, &dflt, extack);
	if (!ret) {
		c->m = compfw_persona_faces(cnet, &c->spec, names, c->n_personas, dflt,
					    extack);
		ret = PTR_ERR_OR_ZERO(c->m);
		if (ret) {
			c->m = NULL;
			NL_SET_BAD_ATTR(extack, c->personas[0]);
		}
	}
	kvfree(names);
	return ret;
}

/* One component's manifest, from its parts, built and compiled. */
static int compfw_build_change(struct compfw_net *cnet, struct compfw_apply_entry *c,
			       struct netlink_ext_ack *extack)
{
	struct cfw_compile_err err;
	int ret;

	ret = compfw_parse_change(cnet, c, extack);
	if (ret)
		return ret;
	if (c->n_personas)
		return compfw_build_faces(cnet, c, extack);
	if (c->dflt) {
		NL_SET_ERR_MSG_ATTR(extack, c->dflt, "a default persona, but no personas");
		return -EINVAL;
	}
	c->m = compfw_manifest_create(cnet, &c->spec, &err, extack);
	if (IS_ERR(c->m)) {
		ret = PTR_ERR(c->m);
		c->m = NULL;
		if (ret != -ENOMEM)
			compfw_blame_entry(c, &err, extack);
		return ret;
	}
	return 0;
}

void compfw_free_change(struct compfw_apply_entry *c)
{
	kvfree(c->personas);
	kvfree(c->rules);
	kvfree(c->exposure);
	kvfree(c->excepts);
	compfw_manifest_free(c->m);
}

/* Group the sorted parts by component: one change each. */
static int compfw_group_parts(const struct compfw_part *parts, int n_parts,
			      struct compfw_apply_entry *changes)
{
	int i, n = 0;

	for (i = 0; i < n_parts; i++) {
		if (i && parts[i].comp == parts[i - 1].comp) {
			changes[n - 1].n_parts++;
			continue;
		}
		changes[n].comp = parts[i].comp;
		changes[n].parts = &parts[i];
		changes[n].n_parts = 1;
		n++;
	}
	return n;
}

/* Every manifest of a batch is built before any is installed. */
static int compfw_build_batch(struct compfw_net *cnet, struct compfw_apply_entry *changes,
			      int n, struct netlink_ext_ack *extack)
{
	long rules = cnet->rules, growth = 0;
	int i, ret;

	for (i = 0; i < n; i++) {
		const struct compfw_manifest *old =
			rcu_dereference_protected(changes[i].comp->manifest,
						  lockdep_is_held(&cnet->lock));

		ret = compfw_build_change(cnet, &changes[i], extack);
		if (ret)
			return ret;
		/* Signed: a manifest may shrink. */
		rules += (long)changes[i].m->n_rules - (old ? (long)old->n_rules : 0);
		growth += compfw_install_growth(changes[i].comp, changes[i].m);
	}
	if (rules > compfw_max_rules) {
		NL_SET_ERR_MSG(extack,
			       "too many rules in this namespace (module parameter max_rules)");
		return -E2BIG;
	}
	return compfw_memory_check(cnet, growth, extack);
}

int compfw_nl_manifest_apply_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_apply_entry *changes = NULL;
	struct compfw_part *parts = NULL;
	int n_parts, n = 0, i, ret;
	bool dry;

	mutex_lock(&cnet->lock);
	n_parts = compfw_collect_parts(cnet, info, &parts);
	ret = n_parts < 0 ? n_parts : 0;
	if (!ret) {
		changes = kvcalloc(n_parts, sizeof(*changes), COMPFW_GFP);
		if (!changes) {
			NL_SET_ERR_MSG(info->extack, COMPFW_NOMEM_MSG);
			ret = -ENOMEM;
		}
	}
	if (!ret) {
		n = compfw_group_parts(parts, n_parts, changes);
		ret = compfw_build_batch(cnet, changes, n, info->extack);
	}
	/* A dry run: built and checked, then freed as a refused batch is. */
	dry = !ret && nla_get_flag(info->attrs[COMPFW_APPLY_A_CHECK]);
	for (i = 0; i < n; i++) {
		if (!ret && !dry) {
			compfw_component_install(cnet, changes[i].comp, changes[i].m);
			compfw_triggers_reset(changes[i].comp);
			changes[i].m = NULL;
		}
		compfw_free_change(&changes[i]);
	}
	if (!ret && !dry) {
		compfw_triggers_reconcile(cnet);
		cnet->dump_seq++;
	}
	mutex_unlock(&cnet->lock);
	kvfree(changes);
	kvfree(parts);

	if (!ret && !dry)
		compfw_recheck_flows(cnet);
	return ret;
}

static void compfw_reset_one(struct compfw_net *cnet, struct compfw_component *comp)
{
	const struct compfw_manifest *m;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	compfw_component_reset_stats(comp);
	if (m)
		compfw_manifest_reset_counters(m);
}

int compfw_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	int ret = 0;

	mutex_lock(&cnet->lock);
	if (info->attrs[COMPFW_COMPONENT_A_NAME]) {
		comp = compfw_named(cnet, info);
		ret = PTR_ERR_OR_ZERO(comp);
		if (!ret)
			compfw_reset_one(cnet, comp);
	} else {
		list_for_each_entry(comp, &cnet->components_list, list)
			compfw_reset_one(cnet, comp);
	}
	mutex_unlock(&cnet->lock);
	return ret;
}

/* The flow a query describes, as the packet path would see it. */
static int compfw_query_flow(struct genl_info *info, struct compfw_flow *f)
{
	struct nlattr **tb = info->attrs;
	union cfw_addr *peer;

	memset(f, 0, sizeof(*f));
	f->l4proto = nla_get_u8(tb[COMPFW_QUERY_A_PROTO]);
	peer = nla_get_u8(tb[COMPFW_QUERY_A_DIRECTION]) == COMPFW_DIR_EGRESS ?
	       &f->daddr : &f->saddr;
	if (!!tb[COMPFW_QUERY_A_ADDR4] == !!tb[COMPFW_QUERY_A_ADDR6]) {
		NL_SET_ERR_MSG(info->extack, "a query needs one address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (tb[COMPFW_QUERY_A_ADDR4]) {
		f->family = AF_INET;
		peer->ip = nla_get_be32(tb[COMPFW_QUERY_A_ADDR4]);
	} else {
		f->family = AF_INET6;
		nla_memcpy(&peer->ip6, tb[COMPFW_QUERY_A_ADDR6], sizeof(peer->ip6));
	}
	if (tb[COMPFW_QUERY_A_PORT]) {
		f->dport = htons(nla_get_u16(tb[COMPFW_QUERY_A_PORT]));
		f->icmp_type = nla_get_u16(tb[COMPFW_QUERY_A_PORT]);
	}
	return 0;
}

static int compfw_query_reply(struct genl_info *info, const struct compfw_component *comp,
			      const struct compfw_manifest *m, const struct cfw_verdict *v)
{
	struct sk_buff *msg;
	void *hdr;

	msg = compfw_msg_new(info, COMPFW_CMD_QUERY, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, COMPFW_QUERY_A_ALLOW, v->allow) ||
	    nla_put_u32(msg, COMPFW_QUERY_A_RULE_ID, v->rule_id) ||
	    (v->by_exposure && nla_put_flag(msg, COMPFW_QUERY_A_BY_EXPOSURE)) ||
	    nla_put_u32(msg, COMPFW_QUERY_A_GENERATION, comp->generation) ||
	    (m && nla_put_u8(msg, COMPFW_QUERY_A_MODE, m->mode))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int compfw_nl_query_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp, *peer = NULL;
	struct cfw_verdict v = { .allow = true };
	const struct compfw_manifest *m;
	struct nlattr **tb = info->attrs;
	struct compfw_flow f;
	int dir, ret;

	if (GENL_REQ_ATTR_CHECK(info, COMPFW_QUERY_A_COMPONENT) ||
	    GENL_REQ_ATTR_CHECK(info, COMPFW_QUERY_A_DIRECTION) ||
	    GENL_REQ_ATTR_CHECK(info, COMPFW_QUERY_A_PROTO)) {
		NL_SET_ERR_MSG(info->extack,
			       "a query needs a component, a direction and a protocol");
		return -EINVAL;
	}
	ret = compfw_query_flow(info, &f);
	if (ret)
		return ret;
	dir = nla_get_u8(tb[COMPFW_QUERY_A_DIRECTION]);

	mutex_lock(&cnet->lock);
	comp = compfw_component_by_name(cnet, nla_data(tb[COMPFW_QUERY_A_COMPONENT]));
	if (tb[COMPFW_QUERY_A_PEER])
		peer = compfw_component_by_name(cnet, nla_data(tb[COMPFW_QUERY_A_PEER]));
	else if (comp)
		peer = compfw_addr_owner(cnet, &f, dir == COMPFW_DIR_EGRESS);
	if (!comp || (tb[COMPFW_QUERY_A_PEER] && !peer)) {
		NL_SET_ERR_MSG_ATTR(info->extack, comp ? tb[COMPFW_QUERY_A_PEER] :
				    tb[COMPFW_QUERY_A_COMPONENT], "unknown component");
		ret = -ENOENT;
		goto out;
	}
	/* The same question the packet path asks, of the same tables. */
	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (m)
		v = compfw_flow_judge(m, (enum cfw_dir)dir, &f, peer);
	ret = compfw_query_reply(info, comp, m, &v);
out:
	mutex_unlock(&cnet->lock);
	return ret;
}
