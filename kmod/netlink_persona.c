// SPDX-License-Identifier: GPL-2.0
/*
 * The personas' part of the family: PERSONA_NEW, _DEL, _GET, _ACTIVATE and
 * _ROLLBACK (PERSONA_HISTORY is netlink_history.c's).
 * A persona's rules travel as manifest parts (profile) and are read by the
 * same code as a manifest's (netlink.c).
 */

#include <linux/bitmap.h>
#include <linux/sizes.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/compfw.h>

#include "account.h"
#include "compat.h"
#include "component.h"
#include "family.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "netns.h"
#include "persona.h"
#include "recheck.h"

/* ---- requests in ---- */

static const int limit_attr[COMPFW_LIMIT_COUNT] = {
	[COMPFW_LIMIT_CPU] = COMPFW_PERSONA_A_LIMIT_CPU,
	[COMPFW_LIMIT_MEMORY] = COMPFW_PERSONA_A_LIMIT_MEMORY,
	[COMPFW_LIMIT_IO] = COMPFW_PERSONA_A_LIMIT_IO,
};

static const char *str_or_null(const struct nlattr *attr)
{
	return attr ? nla_data(attr) : NULL;
}

static int parse_trigger(struct nlattr **tb, struct compfw_persona_traits *t,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *process = tb[COMPFW_PERSONA_A_TRIGGER_PROCESS];
	struct nlattr *path = tb[COMPFW_PERSONA_A_TRIGGER_PATH];

	if (process && path) {
		NL_SET_ERR_MSG_ATTR(extack, path,
				    "a persona has one trigger: a process name or a path");
		return -EINVAL;
	}
	if (process) {
		if (!nla_len(process) || !*(char *)nla_data(process)) {
			NL_SET_ERR_MSG_ATTR(extack, process, "an empty process name");
			return -EINVAL;
		}
		nla_strscpy(t->trigger_process, process, sizeof(t->trigger_process));
	}
	if (path && *(char *)nla_data(path) != '/') {
		NL_SET_ERR_MSG_ATTR(extack, path, "a trigger path must be absolute");
		return -EINVAL;
	}
	t->trigger_path = str_or_null(path);
	return 0;
}

static int parse_traits(struct genl_info *info, struct compfw_persona_traits *t)
{
	struct nlattr **tb = info->attrs;
	const struct nlattr *attr;
	int rem, i;

	memset(t, 0, sizeof(*t));
	t->security_level = tb[COMPFW_PERSONA_A_SECURITY_LEVEL] ?
			    nla_get_u8(tb[COMPFW_PERSONA_A_SECURITY_LEVEL]) : COMPFW_TRAIT_UNSET;
	t->encryption_required = nla_get_flag(tb[COMPFW_PERSONA_A_ENCRYPTION_REQUIRED]);
	t->comm_mode = tb[COMPFW_PERSONA_A_COMMUNICATION_MODE] ?
		       nla_get_u8(tb[COMPFW_PERSONA_A_COMMUNICATION_MODE]) : COMPFW_TRAIT_UNSET;
	t->dscp = tb[COMPFW_PERSONA_A_DSCP] ?
		  nla_get_u8(tb[COMPFW_PERSONA_A_DSCP]) : COMPFW_TRAIT_UNSET;
	t->has_priority = tb[COMPFW_PERSONA_A_PRIORITY];
	if (t->has_priority)
		t->priority = nla_get_u32(tb[COMPFW_PERSONA_A_PRIORITY]);
	if (tb[COMPFW_PERSONA_A_RATE])
		t->rate = nla_get_u64(tb[COMPFW_PERSONA_A_RATE]);
	if (tb[COMPFW_PERSONA_A_BURST]) {
		if (!t->rate) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[COMPFW_PERSONA_A_BURST],
					    "a burst without a rate");
			return -EINVAL;
		}
		t->burst = nla_get_u32(tb[COMPFW_PERSONA_A_BURST]);
	}
	t->any_proto = true;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != COMPFW_PERSONA_A_ALLOWED_PROTO)
			continue;
		t->any_proto = false;
		__set_bit(nla_get_u8(attr), t->protos);
	}
	for (i = 0; i < COMPFW_LIMIT_COUNT; i++)
		t->limit[i] = str_or_null(tb[limit_attr[i]]);
	return parse_trigger(tb, t, info->extack);
}

/* Every profile attribute of the request, as the parts of one manifest. */
static int collect_profile(struct genl_info *info, struct compfw_part **partsp, u32 *n)
{
	struct nlattr *tb[COMPFW_MANIFEST_A_MAX + 1];
	struct compfw_part *parts;
	const struct nlattr *attr;
	u32 count = 0;
	int rem, ret;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		count += nla_type(attr) == COMPFW_PERSONA_A_PROFILE;
	*n = count;
	parts = kvcalloc(count ?: 1, sizeof(*parts), COMPFW_GFP);
	if (!parts) {
		NL_SET_ERR_MSG(info->extack, COMPFW_NOMEM_MSG);
		return -ENOMEM;
	}
	*partsp = parts;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != COMPFW_PERSONA_A_PROFILE)
			continue;
		ret = nla_parse_nested(tb, COMPFW_MANIFEST_A_MAX, attr, NULL, info->extack);
		if (ret)
			return ret;
		if (tb[COMPFW_MANIFEST_A_COMPONENT]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[COMPFW_MANIFEST_A_COMPONENT],
					    "a persona's profile names no component");
			return -EINVAL;
		}
		parts++->attr = attr;
	}
	return 0;
}

/* The persona a PERSONA_NEW request describes, built and compiled. */
static struct compfw_persona *build_persona(struct compfw_net *cnet, struct genl_info *info)
{
	struct compfw_apply_entry c = {};
	struct compfw_persona_spec spec = {};
	struct compfw_persona *p = ERR_PTR(-EINVAL);
	struct compfw_part *parts = NULL;
	struct cfw_compile_err err;
	int ret;

	spec.name = nla_data(info->attrs[COMPFW_PERSONA_A_NAME]);
	spec.version = str_or_null(info->attrs[COMPFW_PERSONA_A_VERSION]);
	ret = parse_traits(info, &spec.traits);
	if (!ret)
		ret = collect_profile(info, &parts, &c.n_parts);
	if (ret)
		goto out;
	c.parts = parts;
	ret = compfw_parse_change(cnet, &c, info->extack);
	if (ret)
		goto out;
	if (c.header_fields || c.n_personas) {
		NL_SET_ERR_MSG_ATTR(info->extack, c.parts[0].attr,
				    "a persona's profile holds exposure, ingress and egress only");
		ret = -EINVAL;
		goto out;
	}
	spec.profile = c.spec;
	p = compfw_persona_create(cnet, &spec, &err, info->extack);
	if (IS_ERR(p) && PTR_ERR(p) != -ENOMEM && c.n_parts)
		compfw_blame_entry(&c, &err, info->extack);
out:
	compfw_free_change(&c);
	kvfree(parts);
	return ret ? ERR_PTR(ret) : p;
}

int compfw_nl_persona_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	bool replace = nla_get_flag(info->attrs[COMPFW_PERSONA_A_REPLACE]);
	struct compfw_persona *p;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, COMPFW_PERSONA_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "a persona name is required");
		return -EINVAL;
	}
	mutex_lock(&cnet->lock);
	p = build_persona(cnet, info);
	ret = PTR_ERR_OR_ZERO(p);
	if (!ret) {
		ret = replace ? compfw_persona_replace(cnet, p, info->extack) :
				compfw_persona_add(cnet, p, info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, info->attrs[COMPFW_PERSONA_A_NAME]);
			compfw_persona_free(p);
		}
	}
	mutex_unlock(&cnet->lock);
	if (!ret && replace)
		compfw_recheck_flows(cnet);
	return ret;
}

struct compfw_persona *compfw_named_persona(struct compfw_net *cnet, struct genl_info *info)
{
	struct compfw_persona *p;

	if (GENL_REQ_ATTR_CHECK(info, COMPFW_PERSONA_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "a persona name is required");
		return ERR_PTR(-EINVAL);
	}
	p = compfw_persona_by_name(cnet, nla_data(info->attrs[COMPFW_PERSONA_A_NAME]));
	if (!p) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[COMPFW_PERSONA_A_NAME],
				    "unknown persona");
		return ERR_PTR(-ENOENT);
	}
	return p;
}

int compfw_nl_persona_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_persona *p;
	int ret;

	mutex_lock(&cnet->lock);
	p = compfw_named_persona(cnet, info);
	ret = PTR_ERR_OR_ZERO(p);
	if (!ret)
		ret = compfw_persona_del(cnet, p, info->extack);
	mutex_unlock(&cnet->lock);
	return ret;
}

int compfw_nl_persona_rollback_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct nlattr *to = info->attrs[COMPFW_PERSONA_A_TO];
	struct compfw_persona *p;
	int ret;

	if (to && !nla_get_u32(to)) {
		NL_SET_ERR_MSG_ATTR(info->extack, to, "generations start at 1");
		return -EINVAL;
	}
	mutex_lock(&cnet->lock);
	p = compfw_named_persona(cnet, info);
	ret = PTR_ERR_OR_ZERO(p);
	if (!ret)
		ret = compfw_persona_rollback(cnet, p, to ? nla_get_u32(to) : 0, info->extack);
	if (ret && to)
		NL_SET_BAD_ATTR(info->extack, to);
	mutex_unlock(&cnet->lock);
	if (!ret)
		compfw_recheck_flows(cnet);
	return ret;
}

int compfw_nl_persona_activate_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, COMPFW_COMPONENT_A_PERSONA)) {
		NL_SET_ERR_MSG(info->extack, "a persona name is required");
		return -EINVAL;
	}
	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (!ret) {
		const char *persona = nla_data(info->attrs[COMPFW_COMPONENT_A_PERSONA]);

		ret = compfw_component_take_persona(cnet, comp, persona, COMPFW_CAUSE_API,
						    NULL, info->extack);
		if (ret < 0)
			NL_SET_BAD_ATTR(info->extack, info->attrs[COMPFW_COMPONENT_A_PERSONA]);
	}
	mutex_unlock(&cnet->lock);
	if (ret > 0)
		compfw_recheck_flows(cnet);
	return ret < 0 ? ret : 0;
}

/* ---- replies out ---- */

static int put_protos(struct sk_buff *skb, const struct compfw_persona_traits *t)
{
	unsigned int proto;

	if (t->any_proto)
		return 0;
	for_each_set_bit(proto, t->protos, 256)
		if (nla_put_u8(skb, COMPFW_PERSONA_A_ALLOWED_PROTO, proto))
			return -EMSGSIZE;
	return 0;
}

static int put_strings(struct sk_buff *skb, const struct compfw_persona_traits *t)
{
	int i;

	if ((t->trigger_process[0] &&
	     nla_put_string(skb, COMPFW_PERSONA_A_TRIGGER_PROCESS, t->trigger_process)) ||
	    (t->trigger_path &&
	     nla_put_string(skb, COMPFW_PERSONA_A_TRIGGER_PATH, t->trigger_path)))
		return -EMSGSIZE;
	for (i = 0; i < COMPFW_LIMIT_COUNT; i++)
		if (t->limit[i] && nla_put_string(skb, limit_attr[i], t->limit[i]))
			return -EMSGSIZE;
	return 0;
}

static int fill_traits(struct sk_buff *skb, const struct compfw_persona_traits *t)
{
	if ((t->security_level != COMPFW_TRAIT_UNSET &&
	     nla_put_u8(skb, COMPFW_PERSONA_A_SECURITY_LEVEL, t->security_level)) ||
	    (t->encryption_required &&
	     nla_put_flag(skb, COMPFW_PERSONA_A_ENCRYPTION_REQUIRED)) ||
	    (t->comm_mode != COMPFW_TRAIT_UNSET &&
	     nla_put_u8(skb, COMPFW_PERSONA_A_COMMUNICATION_MODE, t->comm_mode)) ||
	    (t->has_priority && nla_put_u32(skb, COMPFW_PERSONA_A_PRIORITY, t->priority)) ||
	    (t->dscp != COMPFW_TRAIT_UNSET && nla_put_u8(skb, COMPFW_PERSONA_A_DSCP, t->dscp)) ||
	    (t->rate && nla_put_u64_64bit(skb, COMPFW_PERSONA_A_RATE, t->rate,
					  COMPFW_PERSONA_A_PAD)) ||
	    (t->burst && nla_put_u32(skb, COMPFW_PERSONA_A_BURST, t->burst)))
		return -EMSGSIZE;
	return put_protos(skb, t) ?: put_strings(skb, t);
}

/*
 * The profile's entries from *@cursor on, in parts of at most
 * COMPFW_PART_MAX bytes. On -EMSGSIZE *@cursor is the first that did not
 * fit, and the message ends with whole entries only.
 */
static int fill_profile(struct sk_buff *skb, struct compfw_net *cnet,
			const struct compfw_manifest *m, u32 *cursor)
{
	u32 i, n = m->spec.n_exposure + m->n_rules;
	struct nlattr *part = NULL;

	for (i = *cursor; i < n; i++) {
		unsigned char *mark;

		if (part && skb_tail_pointer(skb) - (unsigned char *)part > COMPFW_PART_MAX) {
			nla_nest_end(skb, part);
			part = NULL;
		}
		mark = skb_tail_pointer(skb);
		if (!part)
			part = nla_nest_start(skb, COMPFW_PERSONA_A_PROFILE);
		if (!part || compfw_put_entry(skb, cnet, m, i)) {
			nlmsg_trim(skb, mark);
			if ((unsigned char *)part == mark)
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

/* The persona's own attributes, without its profile's entries. */
static int fill_persona(struct sk_buff *skb, struct compfw_net *cnet,
			const struct compfw_persona *p)
{
	if (nla_put_string(skb, COMPFW_PERSONA_A_NAME, p->name) ||
	    (*p->version && nla_put_string(skb, COMPFW_PERSONA_A_VERSION, p->version)) ||
	    nla_put_u32(skb, COMPFW_PERSONA_A_GENERATION, p->generation) ||
	    fill_traits(skb, &p->traits) ||
	    nla_put_u32(skb, COMPFW_PERSONA_A_USERS, compfw_persona_users(cnet, p)) ||
	    nla_put_u32(skb, COMPFW_PERSONA_A_RULES, p->profile->n_rules))
		return -EMSGSIZE;
	return 0;
}

/*
 * The most a PERSONA_GET reply is made to take: one allocation, which a
 * larger size would have the page allocator find in one piece.
 */
#define COMPFW_PERSONA_REPLY_MAX	SZ_1M

/* Room for a persona with its profile: as a component's manifest takes. */
static size_t persona_size(const struct compfw_persona *p)
{
	const struct compfw_manifest *m = p->profile;

	return NLMSG_GOODSIZE + COMPFW_VERSION_MAX +
	       (p->traits.trigger_path ? strlen(p->traits.trigger_path) : 0) +
	       m->spec.n_exposure * 48 + m->n_rules * 176 + m->n_excepts * 48;
}

int compfw_nl_persona_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_persona *p;
	struct sk_buff *msg = NULL;
	void *hdr;
	int ret;

	mutex_lock(&cnet->lock);
	p = compfw_named_persona(cnet, info);
	ret = PTR_ERR_OR_ZERO(p);
	if (!ret && persona_size(p) > COMPFW_PERSONA_REPLY_MAX) {
		NL_SET_ERR_MSG(info->extack,
			       "the persona is too large for one message: dump it by name");
		ret = -EMSGSIZE;
	}
	if (!ret) {
		u32 cursor = 0;

		msg = compfw_msg_new(info, COMPFW_CMD_PERSONA_GET, persona_size(p), &hdr);
		ret = msg ? fill_persona(msg, cnet, p) ?:
			    fill_profile(msg, cnet, p->profile, &cursor) : -ENOMEM;
		if (ret == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack, "persona does not fit in a message");
	}
	mutex_unlock(&cnet->lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * A dump by name: the persona in full, over as many messages as its
 * profile needs, the first with its own attributes, each later one with
 * its name and more entries. cb->args[]: [0] everything is sent, [1] the
 * entries' cursor, [2] its first message is sent.
 */
enum { PERSONA_DUMP_DONE, PERSONA_DUMP_ENTRY, PERSONA_DUMP_STARTED };

static int dump_persona(struct sk_buff *skb, struct netlink_callback *cb,
			struct compfw_net *cnet, const struct nlattr *name)
{
	const struct compfw_persona *p = compfw_persona_by_name(cnet, nla_data(name));
	u32 cursor = cb->args[PERSONA_DUMP_ENTRY];
	void *hdr;
	int ret;

	if (!p) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name, "unknown persona");
		return -ENOENT;
	}
	if (cb->args[PERSONA_DUMP_DONE])
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &compfw_genl_family, NLM_F_MULTI, COMPFW_CMD_PERSONA_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	ret = cb->args[PERSONA_DUMP_STARTED] ?
	      nla_put_string(skb, COMPFW_PERSONA_A_NAME, p->name) : fill_persona(skb, cnet, p);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		NL_SET_ERR_MSG(cb->extack, "a persona does not fit in a dump message");
		return -EMSGSIZE;
	}
	ret = fill_profile(skb, cnet, p->profile, &cursor);
	/* Not even one entry fits beside the name alone. */
	if (ret && cursor == cb->args[PERSONA_DUMP_ENTRY] && cb->args[PERSONA_DUMP_STARTED]) {
		genlmsg_cancel(skb, hdr);
		NL_SET_ERR_MSG(cb->extack, "a profile entry does not fit in a dump message");
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	cb->args[PERSONA_DUMP_STARTED] = 1;
	cb->args[PERSONA_DUMP_ENTRY] = cursor;
	cb->args[PERSONA_DUMP_DONE] = !ret;
	return skb->len;
}

/*
 * Every persona without its profile's entries (cb->args[0]: how many are
 * sent), or with a name that one in full.
 */
int compfw_nl_persona_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct compfw_net *cnet = compfw_net(sock_net(skb->sk));
	struct nlattr **attrs = compfw_dump_attrs(cb);
	const struct compfw_persona *p;
	long i = 0;
	void *hdr;
	int ret;

	mutex_lock(&cnet->lock);
	cb->seq = cnet->dump_seq;
	if (attrs && attrs[COMPFW_PERSONA_A_NAME]) {
		ret = dump_persona(skb, cb, cnet, attrs[COMPFW_PERSONA_A_NAME]);
		mutex_unlock(&cnet->lock);
		return ret;
	}
	list_for_each_entry(p, &cnet->personas, list) {
		if (i < cb->args[0]) {
			i++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &compfw_genl_family, NLM_F_MULTI, COMPFW_CMD_PERSONA_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (fill_persona(skb, cnet, p)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = ++i;
	}
	mutex_unlock(&cnet->lock);
	return skb->len;
}
