// SPDX-License-Identifier: GPL-2.0
/*
 * The compfw generic netlink family: validation by per-operation policies,
 * every rejection explained through extack, every operation admin-only in
 * the caller's network namespace.
 */

#include <linux/limits.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/compfw.h>

#include "account.h"
#include "addrmap.h"
#include "audit.h"
#include "compat.h"
#include "component.h"
#include "flow.h"
#include "flows.h"
#include "manifest.h"
#include "netlink.h"
#include "netns.h"
#include "version.h"

/* GET_STATUS takes no attributes: anything sent is a caller's mistake. */
static const struct nla_policy compfw_status_policy[COMPFW_STATUS_A_MAX + 1] = {
	[0 ... COMPFW_STATUS_A_MAX] = { .type = NLA_REJECT },
};

static const struct nla_policy compfw_cidr_policy[COMPFW_CIDR_A_MAX + 1] = {
	[COMPFW_CIDR_A_ADDR4] = { .type = NLA_BE32 },
	[COMPFW_CIDR_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[COMPFW_CIDR_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy compfw_l4_policy[COMPFW_L4_A_MAX + 1] = {
	[COMPFW_L4_A_PROTO] = { .type = NLA_U8 },
	[COMPFW_L4_A_PORT_MIN] = { .type = NLA_U16 },
	[COMPFW_L4_A_PORT_MAX] = { .type = NLA_U16 },
	[COMPFW_L4_A_ICMP_TYPE] = { .type = NLA_U8 },
};

static const struct nla_policy compfw_rule_policy[COMPFW_RULE_A_MAX + 1] = {
	[COMPFW_RULE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[COMPFW_RULE_A_PEER_COMPONENT] = { .type = NLA_NUL_STRING,
					   .len = COMPFW_NAME_MAX - 1 },
	[COMPFW_RULE_A_PEER_CIDR] = NLA_POLICY_NESTED(compfw_cidr_policy),
	[COMPFW_RULE_A_EXCEPT] = NLA_POLICY_NESTED(compfw_cidr_policy),
	[COMPFW_RULE_A_L4] = NLA_POLICY_NESTED(compfw_l4_policy),
	[COMPFW_RULE_A_PAD] = { .type = NLA_REJECT },
	[COMPFW_RULE_A_PACKETS] = { .type = NLA_REJECT },
	[COMPFW_RULE_A_BYTES] = { .type = NLA_REJECT },
	[COMPFW_RULE_A_LAST_HIT] = { .type = NLA_REJECT },
};

static const struct nla_policy compfw_manifest_policy[COMPFW_MANIFEST_A_MAX + 1] = {
	[COMPFW_MANIFEST_A_COMPONENT] = { .type = NLA_NUL_STRING,
					  .len = COMPFW_NAME_MAX - 1 },
	[COMPFW_MANIFEST_A_VERSION] = { .type = NLA_NUL_STRING,
					.len = COMPFW_VERSION_MAX - 1 },
	[COMPFW_MANIFEST_A_MODE] = NLA_POLICY_MAX(NLA_U8, COMPFW_MODE_AUDIT),
	[COMPFW_MANIFEST_A_LIMIT_CPU] = { .type = NLA_NUL_STRING,
					  .len = COMPFW_LIMIT_MAX - 1 },
	[COMPFW_MANIFEST_A_LIMIT_MEMORY] = { .type = NLA_NUL_STRING,
					     .len = COMPFW_LIMIT_MAX - 1 },
	[COMPFW_MANIFEST_A_LIMIT_IO] = { .type = NLA_NUL_STRING,
					 .len = COMPFW_LIMIT_MAX - 1 },
	[COMPFW_MANIFEST_A_RULES] = { .type = NLA_REJECT },
	[COMPFW_MANIFEST_A_LOG] = NLA_POLICY_MAX(NLA_U8, COMPFW_LOG_ALL),
	[COMPFW_MANIFEST_A_NFLOG_GROUP] = { .type = NLA_U16 },
};

static const struct nla_policy compfw_apply_policy[COMPFW_APPLY_A_MAX + 1] = {
	[COMPFW_APPLY_A_MANIFEST] = NLA_POLICY_NESTED(compfw_manifest_policy),
	[COMPFW_APPLY_A_EXPOSURE] = NLA_POLICY_NESTED(compfw_l4_policy),
	[COMPFW_APPLY_A_INGRESS] = NLA_POLICY_NESTED(compfw_rule_policy),
	[COMPFW_APPLY_A_EGRESS] = NLA_POLICY_NESTED(compfw_rule_policy),
};

/* Reply-only attributes are refused in requests. */
static const struct nla_policy compfw_component_policy[COMPFW_COMPONENT_A_MAX + 1] = {
	[COMPFW_COMPONENT_A_PAD] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_CGROUP_ID] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_MANIFEST] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_GENERATION] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_HAS_PREVIOUS] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_STATS] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_EXPOSURE] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_INGRESS] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_EGRESS] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_CGROUP_ABSENT] = { .type = NLA_REJECT },
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING,
				      .len = COMPFW_NAME_MAX - 1 },
	[COMPFW_COMPONENT_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[COMPFW_COMPONENT_A_CGROUP] = { .type = NLA_NUL_STRING,
					.len = PATH_MAX - 1 },
	[COMPFW_COMPONENT_A_ADDRESS] = NLA_POLICY_NESTED(compfw_cidr_policy),
};

static const struct nla_policy compfw_query_policy[COMPFW_QUERY_A_MAX + 1] = {
	[COMPFW_QUERY_A_COMPONENT] = { .type = NLA_NUL_STRING,
				       .len = COMPFW_NAME_MAX - 1 },
	[COMPFW_QUERY_A_DIRECTION] = NLA_POLICY_MAX(NLA_U8, COMPFW_DIR_EGRESS),
	[COMPFW_QUERY_A_PROTO] = { .type = NLA_U8 },
	[COMPFW_QUERY_A_ADDR4] = { .type = NLA_BE32 },
	[COMPFW_QUERY_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[COMPFW_QUERY_A_PORT] = { .type = NLA_U16 },
	[COMPFW_QUERY_A_PEER] = { .type = NLA_NUL_STRING,
				  .len = COMPFW_NAME_MAX - 1 },
	[COMPFW_QUERY_A_ALLOW] = { .type = NLA_REJECT },
	[COMPFW_QUERY_A_RULE_ID] = { .type = NLA_REJECT },
	[COMPFW_QUERY_A_BY_EXPOSURE] = { .type = NLA_REJECT },
	[COMPFW_QUERY_A_GENERATION] = { .type = NLA_REJECT },
	[COMPFW_QUERY_A_MODE] = { .type = NLA_REJECT },
};

static struct genl_family compfw_genl_family;

/* Events: a message for the events group, sent to this namespace only. */
struct sk_buff *compfw_event_new(u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &compfw_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void compfw_event_send(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&compfw_genl_family, net, msg, 0, 0, GFP_KERNEL);
}

bool compfw_event_listeners(struct net *net)
{
	return genl_has_listeners(&compfw_genl_family, net, 0);
}

static int compfw_fill_status(struct sk_buff *skb, struct net *net)
{
	struct compfw_net *cnet = compfw_net(net);
	int ret = 0;

	mutex_lock(&cnet->lock);
	if (nla_put_string(skb, COMPFW_STATUS_A_MODULE_VERSION, COMPFW_VERSION) ||
	    nla_put_u32(skb, COMPFW_STATUS_A_FAMILY_VERSION, COMPFW_GENL_VERSION) ||
	    nla_put_u64_64bit(skb, COMPFW_STATUS_A_NETNS_COOKIE,
			      net->net_cookie, COMPFW_STATUS_A_PAD) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_COMPONENTS, cnet->components) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_RULES, cnet->rules) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_PERSONAS, cnet->personas) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_FABRICS, cnet->fabrics) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_MEMORY, compfw_bytes_alive()) ||
	    nla_put_uint(skb, COMPFW_STATUS_A_OBJECTS, compfw_objects_alive()))
		ret = -EMSGSIZE;
	mutex_unlock(&cnet->lock);
	return ret;
}

/* A reply of @size bytes to @info, with the header of @cmd put. */
static struct sk_buff *compfw_reply_new(struct genl_info *info, u8 cmd,
					size_t size, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &compfw_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int compfw_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = compfw_reply_new(info, COMPFW_CMD_GET_STATUS, NLMSG_GOODSIZE, &hdr);
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

static int compfw_fill_stats(struct sk_buff *skb, const struct compfw_component *comp)
{
	struct compfw_totals t;
	struct nlattr *nest;

	compfw_component_read_stats(comp, &t);
	nest = nla_nest_start(skb, COMPFW_COMPONENT_A_STATS);
	if (!nest ||
	    nla_put_uint(skb, COMPFW_STATS_A_ACCEPTED_PACKETS, t.packets[COMPFW_ACCEPT]) ||
	    nla_put_uint(skb, COMPFW_STATS_A_ACCEPTED_BYTES, t.bytes[COMPFW_ACCEPT]) ||
	    nla_put_uint(skb, COMPFW_STATS_A_DROPPED_PACKETS, t.packets[COMPFW_DROP]) ||
	    nla_put_uint(skb, COMPFW_STATS_A_DROPPED_BYTES, t.bytes[COMPFW_DROP]) ||
	    nla_put_uint(skb, COMPFW_STATS_A_AUDITED_PACKETS, t.packets[COMPFW_AUDIT]) ||
	    nla_put_uint(skb, COMPFW_STATS_A_AUDITED_BYTES, t.bytes[COMPFW_AUDIT]) ||
	    nla_put_u64_64bit(skb, COMPFW_STATS_A_LAST_HIT, t.last_hit,
			      COMPFW_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The live cgroup at the component's path, or that there is none. */
static int compfw_put_cgroup_id(struct sk_buff *skb,
				const struct compfw_component *comp)
{
	u64 id = compfw_cgbind_id(&comp->bind);

	if (!id)
		return nla_put_flag(skb, COMPFW_COMPONENT_A_CGROUP_ABSENT);
	return nla_put_u64_64bit(skb, COMPFW_COMPONENT_A_CGROUP_ID, id,
				 COMPFW_COMPONENT_A_PAD);
}

/*
 * Owned addresses from *@cursor on (all when @cursor is NULL); on -EMSGSIZE
 * *@cursor is the first one that did not fit.
 */
static int compfw_fill_addresses(struct sk_buff *skb,
				 const struct compfw_component *comp, u32 *cursor)
{
	u32 i;

	for (i = cursor ? *cursor : 0; i < comp->n_addresses; i++) {
		if (compfw_put_cidr(skb, COMPFW_COMPONENT_A_ADDRESS, &comp->addresses[i])) {
			if (cursor)
				*cursor = i;
			return -EMSGSIZE;
		}
	}
	if (cursor)
		*cursor = i;
	return 0;
}

/*
 * The component's own attributes, its counters and its manifest's header;
 * then its owned addresses from *@addr on, last, so that a message that
 * cannot hold them all ends with what fits (@addr: where the next message
 * goes on), or NULL for all of them or nothing.
 */
static int compfw_fill_component(struct sk_buff *skb, struct compfw_net *cnet,
				 const struct compfw_component *comp, u32 *addr)
{
	const struct compfw_manifest *m;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (nla_put_string(skb, COMPFW_COMPONENT_A_NAME, comp->name) ||
	    nla_put_u32(skb, COMPFW_COMPONENT_A_ID, comp->id) ||
	    nla_put_u32(skb, COMPFW_COMPONENT_A_GENERATION, comp->generation) ||
	    (comp->cgroup_path &&
	     (nla_put_string(skb, COMPFW_COMPONENT_A_CGROUP, comp->cgroup_path) ||
	      compfw_put_cgroup_id(skb, comp))) ||
	    (comp->has_previous && nla_put_flag(skb, COMPFW_COMPONENT_A_HAS_PREVIOUS)))
		return -EMSGSIZE;
	if (compfw_fill_stats(skb, comp))
		return -EMSGSIZE;
	if (m && compfw_manifest_fill(skb, cnet, comp->name, m, NULL))
		return -EMSGSIZE;
	return compfw_fill_addresses(skb, comp, addr);
}

/* Room for one component with its whole manifest. */
static size_t compfw_component_size(struct compfw_net *cnet,
				    const struct compfw_component *comp)
{
	const struct compfw_manifest *m;
	size_t size = NLMSG_GOODSIZE + comp->n_addresses * 48;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (m)
		size += m->spec.n_exposure * 48 + m->n_rules * 224 +
			m->n_excepts * 48;
	return size;
}

static struct compfw_component *compfw_named(struct compfw_net *cnet,
					     struct genl_info *info)
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

static int compfw_reply_component(struct genl_info *info, struct compfw_net *cnet,
				  const struct compfw_component *comp, u8 cmd)
{
	const struct compfw_manifest *m;
	struct sk_buff *msg;
	u32 cursor = 0;
	void *hdr;

	msg = compfw_reply_new(info, cmd, compfw_component_size(cnet, comp), &hdr);
	if (!msg)
		return -ENOMEM;
	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (compfw_fill_component(msg, cnet, comp, NULL) ||
	    (m && compfw_manifest_fill(msg, cnet, comp->name, m, &cursor))) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack,
			       "component does not fit in a message; dump it by name");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
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
	if (!addresses)
		return -ENOMEM;
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

static int compfw_component_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component_spec spec = {};
	struct compfw_component *comp;
	const char *why = NULL;
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
	comp = compfw_component_add(cnet, &spec, &why);
	if (IS_ERR(comp)) {
		ret = PTR_ERR(comp);
		compfw_extack(info->extack, NULL, why ?: "cannot add the component");
	} else {
		ret = compfw_reply_component(info, cnet, comp, COMPFW_CMD_COMPONENT_NEW);
	}
	mutex_unlock(&cnet->lock);
out:
	kvfree(spec.addresses);
	return ret;
}

/*
 * DEL and ROLLBACK: @op on the named component, under the lock, its reason
 * in extack; then live flows are judged again.
 */
static int compfw_change_named(struct genl_info *info,
			       int (*op)(struct compfw_net *cnet,
					 struct compfw_component *comp,
					 const char **why))
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	const char *why = NULL;
	int ret;

	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (!ret) {
		ret = op(cnet, comp, &why);
		if (ret && why == cnet->why)
			compfw_extack_keep(info->extack, cnet->why);
		else if (ret)
			compfw_extack(info->extack,
				      info->attrs[COMPFW_COMPONENT_A_NAME], why);
	}
	mutex_unlock(&cnet->lock);
	if (!ret)
		compfw_flows_recheck(cnet);
	return ret;
}

static int compfw_component_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return compfw_change_named(info, compfw_component_del);
}

static int compfw_component_get_doit(struct sk_buff *skb, struct genl_info *info)
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
 * component may need several: the first carries it and as many of its
 * addresses as fit, each later one its name and more addresses, then (for
 * a dump by name) its rules. cb->args[]: [0] done, [1] the rules' cursor,
 * [2] its first message is sent, [3] the addresses' cursor.
 */
enum { DUMP_DONE, DUMP_RULES, DUMP_STARTED, DUMP_ADDR };

/*
 * One message of @comp's part of a dump. Return: 0 when the component is
 * all sent, 1 when more messages are needed, or an error: a message that
 * cannot hold even the start of the component.
 */
static int compfw_dump_component(struct sk_buff *skb, struct netlink_callback *cb,
				 struct compfw_net *cnet,
				 const struct compfw_component *comp, bool rules)
{
	const struct compfw_manifest *m;
	u32 addr = cb->args[DUMP_ADDR], cursor = cb->args[DUMP_RULES];
	bool empty = !skb->len;
	void *hdr;
	int ret;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &compfw_genl_family, NLM_F_MULTI, COMPFW_CMD_COMPONENT_GET);
	if (!hdr)
		goto too_big;
	genl_dump_check_consistent(cb, hdr);
	if (!cb->args[DUMP_STARTED]) {
		ret = compfw_fill_component(skb, cnet, comp, &addr);
		/* Not even its own attributes and one address fit. */
		if (ret && !addr)
			goto cancel;
	} else {
		ret = nla_put_string(skb, COMPFW_COMPONENT_A_NAME, comp->name) ?:
		      compfw_fill_addresses(skb, comp, &addr);
		if (ret && addr == cb->args[DUMP_ADDR])
			goto cancel;
	}
	cb->args[DUMP_STARTED] = 1;
	cb->args[DUMP_ADDR] = addr;
	if (!ret && rules && m)
		ret = compfw_manifest_fill(skb, cnet, comp->name, m, &cursor);
	cb->args[DUMP_RULES] = cursor;
	genlmsg_end(skb, hdr);
	if (ret)
		return 1;
	cb->args[DUMP_STARTED] = 0;
	cb->args[DUMP_ADDR] = 0;
	cb->args[DUMP_RULES] = 0;
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
too_big:
	if (!empty)
		return 1;
	NL_SET_ERR_MSG(cb->extack, "a component does not fit in an empty dump message");
	return -EMSGSIZE;
}

/* One component by name, its addresses and rules over as many messages. */
static int compfw_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			   struct compfw_net *cnet, const char *name)
{
	struct compfw_component *comp = compfw_component_by_name(cnet, name);
	int ret;

	if (!comp) {
		NL_SET_ERR_MSG(cb->extack, "unknown component");
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
 * A dump lists components without their rules, cb->args[4] the cursor (how
 * many are sent whole); with a name, it answers for that component alone,
 * rules and all. Every component is listed, however large: an error ends
 * the dump rather than a short list.
 */
static int compfw_component_get_dumpit(struct sk_buff *skb,
				       struct netlink_callback *cb)
{
	struct compfw_net *cnet = compfw_net(sock_net(skb->sk));
	struct nlattr **attrs = compfw_dump_attrs(cb);
	struct compfw_component *comp;
	long skip = cb->args[4], i = 0;
	int ret = 0;

	mutex_lock(&cnet->lock);
	cb->seq = cnet->dump_seq;
	if (attrs && attrs[COMPFW_COMPONENT_A_NAME]) {
		ret = compfw_dump_one(skb, cb, cnet, nla_data(attrs[COMPFW_COMPONENT_A_NAME]));
		mutex_unlock(&cnet->lock);
		return ret;
	}
	list_for_each_entry(comp, &cnet->components_list, list) {
		if (i++ < skip)
			continue;
		ret = compfw_dump_component(skb, cb, cnet, comp, false);
		if (ret)
			break;
		cb->args[4] = i;
	}
	mutex_unlock(&cnet->lock);
	return ret < 0 ? ret : skb->len;
}

struct compfw_batch_entry {
	struct compfw_rules_span span;
	struct compfw_component *comp;
	struct compfw_manifest *m;
};

static int compfw_change_cmp(const void *a, const void *b)
{
	const struct compfw_component *x = ((const struct compfw_batch_entry *)a)->comp;
	const struct compfw_component *y = ((const struct compfw_batch_entry *)b)->comp;

	return x < y ? -1 : x > y;
}

static void compfw_install(struct compfw_net *cnet, struct compfw_component *comp,
			   struct compfw_manifest *m)
{
	struct compfw_manifest *old;

	old = rcu_replace_pointer(comp->manifest, m, lockdep_is_held(&cnet->lock));
	cnet->rules = cnet->rules + m->n_rules - (old ? old->n_rules : 0);
	compfw_manifest_free_rcu(comp->previous);
	compfw_manifest_retire(old);
	comp->previous = old;
	comp->has_previous = true;
	WRITE_ONCE(comp->generation, comp->generation + 1);
	compfw_audit_policy_change(cnet->net, comp, comp->generation - 1,
				   COMPFW_CHANGE_APPLY);
}

/* Where the attribute after @attr starts. */
static const struct nlattr *attr_end(const struct nlattr *attr)
{
	return (const struct nlattr *)((const char *)attr + nla_total_size(nla_len(attr)));
}

/*
 * Cut the request into manifests: each MANIFEST header owns the rule
 * attributes up to the next header. Returns how many, or an error.
 */
static int compfw_split_batch(struct genl_info *info, struct compfw_batch_entry *changes)
{
	const struct nlattr *attr;
	int rem, n = 0;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) == COMPFW_APPLY_A_MANIFEST) {
			if (changes) {
				changes[n].span.header = attr;
				changes[n].span.head = attr_end(attr);
			}
			n++;
		} else if (!n) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "a rule comes before any manifest");
			return -EINVAL;
		}
		if (changes)
			changes[n - 1].span.len = (const char *)attr_end(attr) -
						  (const char *)changes[n - 1].span.head;
	}
	if (!n)
		NL_SET_ERR_MSG(info->extack, "nothing to apply");
	return n ?: -EINVAL;
}

/* Every manifest of a batch is built before any is installed. */
static int compfw_build_batch(struct compfw_net *cnet, struct genl_info *info,
			      struct compfw_batch_entry *changes, int n)
{
	long rules = cnet->rules;
	int i;

	for (i = 0; i < n; i++) {
		changes[i].m = compfw_manifest_build(cnet, &changes[i].span,
						     &changes[i].comp, info->extack);
		if (IS_ERR(changes[i].m)) {
			int ret = PTR_ERR(changes[i].m);

			changes[i].m = NULL;
			return ret;
		}
	}

	sort(changes, n, sizeof(*changes), compfw_change_cmp, NULL);
	for (i = 0; i < n; i++) {
		const struct compfw_manifest *old =
			rcu_dereference_protected(changes[i].comp->manifest,
						  lockdep_is_held(&cnet->lock));

		if (i && changes[i].comp == changes[i - 1].comp) {
			NL_SET_ERR_MSG_ATTR(info->extack, changes[i].span.header,
					    "a component appears twice in one apply");
			return -EINVAL;
		}
		/* Signed: a manifest may shrink. */
		rules += (long)changes[i].m->n_rules - (old ? (long)old->n_rules : 0);
	}
	if (rules > compfw_max_rules) {
		NL_SET_ERR_MSG(info->extack,
			       "too many rules in this namespace (module parameter max_rules)");
		return -E2BIG;
	}
	return 0;
}

static int compfw_manifest_apply_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_batch_entry *changes;
	int n, i, ret;

	n = compfw_split_batch(info, NULL);
	if (n < 0)
		return n;
	changes = kvcalloc(n, sizeof(*changes), COMPFW_GFP);
	if (!changes) {
		NL_SET_ERR_MSG(info->extack, COMPFW_NOMEM_MSG);
		return -ENOMEM;
	}
	compfw_split_batch(info, changes);

	mutex_lock(&cnet->lock);
	ret = compfw_build_batch(cnet, info, changes, n);
	for (i = 0; i < n; i++) {
		if (ret)
			compfw_manifest_free(changes[i].m);
		else
			compfw_install(cnet, changes[i].comp, changes[i].m);
	}
	if (!ret)
		cnet->dump_seq++;
	mutex_unlock(&cnet->lock);
	kvfree(changes);

	if (!ret)
		compfw_flows_recheck(cnet);
	return ret;
}

static int compfw_rollback(struct compfw_net *cnet, struct compfw_component *comp,
			   const char **why)
{
	const struct compfw_peer_ref *lost;
	struct compfw_manifest *cur;

	if (!comp->has_previous) {
		*why = "no previous manifest to roll back to";
		return -ENOENT;
	}
	lost = comp->previous ? compfw_manifest_lost_peer(cnet, comp->previous) : NULL;
	if (lost) {
		snprintf(cnet->why, sizeof(cnet->why),
			 "peer \"%.58s\" was deleted", lost->name);
		*why = cnet->why;
		return -ENOENT;
	}
	if (compfw_manifest_revive(comp->previous)) {
		*why = "out of memory compiling the previous manifest";
		return -ENOMEM;
	}
	/* The two versions swap: a second rollback undoes the first. */
	cur = rcu_replace_pointer(comp->manifest, comp->previous,
				  lockdep_is_held(&cnet->lock));
	compfw_manifest_retire(cur);
	cnet->rules = cnet->rules + (comp->previous ? comp->previous->n_rules : 0) -
		       (cur ? cur->n_rules : 0);
	comp->previous = cur;
	WRITE_ONCE(comp->generation, comp->generation + 1);
	cnet->dump_seq++;
	compfw_audit_policy_change(cnet->net, comp, comp->generation - 1,
				   COMPFW_CHANGE_ROLLBACK);
	return 0;
}

static int compfw_component_rollback_doit(struct sk_buff *skb, struct genl_info *info)
{
	return compfw_change_named(info, compfw_rollback);
}

static void compfw_reset_one(struct compfw_net *cnet, struct compfw_component *comp)
{
	const struct compfw_manifest *m;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	compfw_component_reset_stats(comp);
	if (m)
		compfw_manifest_reset_counters(m);
}

static int compfw_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
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

	msg = compfw_reply_new(info, COMPFW_CMD_QUERY, NLMSG_GOODSIZE, &hdr);
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

static int compfw_query_doit(struct sk_buff *skb, struct genl_info *info)
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
	    GENL_REQ_ATTR_CHECK(info, COMPFW_QUERY_A_PROTO))
		return -EINVAL;
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
		v = compfw_flow_judge(m, dir == COMPFW_DIR_EGRESS ? CFW_DIR_EGRESS :
				      CFW_DIR_INGRESS, &f, peer);
	ret = compfw_query_reply(info, comp, m, &v);
out:
	mutex_unlock(&cnet->lock);
	return ret;
}

static const struct genl_ops compfw_genl_ops[] = {
	{
		.cmd = COMPFW_CMD_GET_STATUS,
		.doit = compfw_get_status_doit,
		.policy = compfw_status_policy,
		.maxattr = COMPFW_STATUS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_COMPONENT_NEW,
		.doit = compfw_component_new_doit,
		.policy = compfw_component_policy,
		.maxattr = COMPFW_COMPONENT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_COMPONENT_DEL,
		.doit = compfw_component_del_doit,
		.policy = compfw_component_policy,
		.maxattr = COMPFW_COMPONENT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_COMPONENT_GET,
		.doit = compfw_component_get_doit,
		.dumpit = compfw_component_get_dumpit,
		.policy = compfw_component_policy,
		.maxattr = COMPFW_COMPONENT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_MANIFEST_APPLY,
		.doit = compfw_manifest_apply_doit,
		.policy = compfw_apply_policy,
		.maxattr = COMPFW_APPLY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_COMPONENT_ROLLBACK,
		.doit = compfw_component_rollback_doit,
		.policy = compfw_component_policy,
		.maxattr = COMPFW_COMPONENT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_STATS_RESET,
		.doit = compfw_stats_reset_doit,
		.policy = compfw_component_policy,
		.maxattr = COMPFW_COMPONENT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = COMPFW_CMD_QUERY,
		.doit = compfw_query_doit,
		.policy = compfw_query_policy,
		.maxattr = COMPFW_QUERY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * Events show addresses, ports and who changed what: reading them needs what
 * every command needs, CAP_NET_ADMIN over the namespace.
 */
static const struct genl_multicast_group compfw_genl_mcgrps[] = {
	{ .name = COMPFW_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

static struct genl_family compfw_genl_family __ro_after_init = {
	.name = COMPFW_GENL_NAME,
	.version = COMPFW_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = compfw_genl_ops,
	.n_ops = ARRAY_SIZE(compfw_genl_ops),
	.resv_start_op = COMPFW_CMD_QUERY + 1,
	.mcgrps = compfw_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(compfw_genl_mcgrps),
};

int __init compfw_genl_init(void)
{
	return genl_register_family(&compfw_genl_family);
}

void compfw_genl_exit(void)
{
	genl_unregister_family(&compfw_genl_family);
}
