// SPDX-License-Identifier: GPL-2.0
/*
 * COMPONENT_HISTORY and PERSONA_HISTORY: the versions a component keeps of
 * its manifest and a persona of its definition, the one in force first,
 * each as it was last put in force and by whom. The rollbacks to them are
 * COMPONENT_ROLLBACK's (netlink.c) and PERSONA_ROLLBACK's
 * (netlink_persona.c).
 */

#include <linux/cred.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <linux/compfw.h>

#include "compat.h"
#include "component.h"
#include "family.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "netns.h"
#include "persona.h"

/* The most one entry takes: every attribute, the strings at their longest. */
static size_t compfw_version_size(void)
{
	return nla_total_size(0) +				/* the nest */
	       nla_total_size(sizeof(u32)) * 4 +		/* generation, rules, uid, pid */
	       nla_total_size(COMPFW_VERSION_MAX) +
	       nla_total_size(0) * 2 +				/* unmanaged, in-force */
	       nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(sizeof("rollback")) +
	       nla_total_size(TASK_COMM_LEN);
}

/* What one entry says of its version besides the history's own fields. */
struct compfw_version_view {
	const char *version;
	u32 rules;
	bool unmanaged;
	bool in_force;
};

static int compfw_put_version(struct sk_buff *skb, int type, const struct compfw_version *v,
			      const struct compfw_version_view *view)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u32(skb, COMPFW_HISTORY_A_GENERATION, v->generation) ||
	    (*view->version && nla_put_string(skb, COMPFW_HISTORY_A_VERSION, view->version)) ||
	    (view->unmanaged && nla_put_flag(skb, COMPFW_HISTORY_A_UNMANAGED)) ||
	    (view->in_force && nla_put_flag(skb, COMPFW_HISTORY_A_IN_FORCE)) ||
	    nla_put_u32(skb, COMPFW_HISTORY_A_RULES, view->rules) ||
	    nla_put_u64_64bit(skb, COMPFW_HISTORY_A_TIME, v->when, COMPFW_HISTORY_A_PAD) ||
	    nla_put_string(skb, COMPFW_HISTORY_A_CHANGE, compfw_history_change_name(v->change)) ||
	    nla_put_u32(skb, COMPFW_HISTORY_A_UID, from_kuid_munged(current_user_ns(), v->uid)) ||
	    nla_put_u32(skb, COMPFW_HISTORY_A_PID, v->pid) ||
	    nla_put_string(skb, COMPFW_HISTORY_A_COMM, v->comm))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int compfw_fill_history(struct sk_buff *skb, struct compfw_net *cnet,
			       const void *owner)
{
	const struct compfw_component *comp = owner;
	const struct compfw_history *h = &comp->history;
	const struct compfw_version *v;

	if (nla_put_string(skb, COMPFW_COMPONENT_A_NAME, comp->name) ||
	    nla_put_u32(skb, COMPFW_COMPONENT_A_GENERATION, comp->generation))
		return -EMSGSIZE;
	list_for_each_entry(v, &h->versions, list) {
		bool in_force = v == compfw_history_in_force(h);
		const struct compfw_manifest *m = in_force ?
			rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock)) :
			v->m;

		struct compfw_version_view view = {
			.version = m ? m->version : "",
			.rules = m ? m->n_rules : 0,
			.unmanaged = !m,
			.in_force = in_force,
		};

		if (compfw_put_version(skb, COMPFW_COMPONENT_A_HISTORY, v, &view))
			return -EMSGSIZE;
	}
	return 0;
}

static int compfw_fill_persona_history(struct sk_buff *skb, struct compfw_net *cnet,
				       const void *owner)
{
	const struct compfw_persona *p = owner;
	const struct compfw_version *v;

	if (nla_put_string(skb, COMPFW_PERSONA_A_NAME, p->name) ||
	    nla_put_u32(skb, COMPFW_PERSONA_A_GENERATION, p->generation))
		return -EMSGSIZE;
	list_for_each_entry(v, &p->history.versions, list) {
		const struct compfw_persona *d = container_of(v, struct compfw_persona, hist);
		struct compfw_version_view view = {
			.version = d->version,
			.rules = d->profile->n_rules,
			.in_force = d == p,
		};

		if (compfw_put_version(skb, COMPFW_PERSONA_A_HISTORY, v, &view))
			return -EMSGSIZE;
	}
	return 0;
}

/* A reply of @n entries filled by @fill, under the namespace lock. */
static int compfw_history_reply(struct compfw_net *cnet, struct genl_info *info, u8 cmd,
				u32 n, int (*fill)(struct sk_buff *skb, struct compfw_net *cnet,
						   const void *owner),
				const void *owner)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = compfw_msg_new(info, cmd, NLMSG_GOODSIZE + n * compfw_version_size(), &hdr);
	if (!msg)
		return -ENOMEM;
	ret = fill(msg, cnet, owner);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int compfw_nl_component_history_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	int ret;

	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (!ret)
		ret = compfw_history_reply(cnet, info, COMPFW_CMD_COMPONENT_HISTORY,
					   comp->history.n, compfw_fill_history, comp);
	mutex_unlock(&cnet->lock);
	return ret;
}

int compfw_nl_persona_history_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_persona *p;
	int ret;

	mutex_lock(&cnet->lock);
	p = compfw_named_persona(cnet, info);
	ret = PTR_ERR_OR_ZERO(p);
	if (!ret)
		ret = compfw_history_reply(cnet, info, COMPFW_CMD_PERSONA_HISTORY,
					   p->history.n, compfw_fill_persona_history, p);
	mutex_unlock(&cnet->lock);
	return ret;
}
