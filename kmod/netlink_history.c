// SPDX-License-Identifier: GPL-2.0
/*
 * COMPONENT_HISTORY: the versions of its manifest a component keeps, the
 * one in force first, each as it was last put in force and by whom. The
 * rollback to one of them is COMPONENT_ROLLBACK's (netlink.c).
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

static int compfw_put_version(struct sk_buff *skb, const struct compfw_version *v,
			      const struct compfw_manifest *m, bool in_force)
{
	struct nlattr *nest = nla_nest_start(skb, COMPFW_COMPONENT_A_HISTORY);

	if (!nest ||
	    nla_put_u32(skb, COMPFW_HISTORY_A_GENERATION, v->generation) ||
	    (m && *m->version && nla_put_string(skb, COMPFW_HISTORY_A_VERSION, m->version)) ||
	    (!m && nla_put_flag(skb, COMPFW_HISTORY_A_UNMANAGED)) ||
	    (in_force && nla_put_flag(skb, COMPFW_HISTORY_A_IN_FORCE)) ||
	    nla_put_u32(skb, COMPFW_HISTORY_A_RULES, m ? m->n_rules : 0) ||
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
			       const struct compfw_component *comp)
{
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

		if (compfw_put_version(skb, v, m, in_force))
			return -EMSGSIZE;
	}
	return 0;
}

int compfw_nl_component_history_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct compfw_net *cnet = compfw_net(genl_info_net(info));
	struct compfw_component *comp;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	mutex_lock(&cnet->lock);
	comp = compfw_named(cnet, info);
	ret = PTR_ERR_OR_ZERO(comp);
	if (ret)
		goto unlock;
	msg = compfw_msg_new(info, COMPFW_CMD_COMPONENT_HISTORY,
			     NLMSG_GOODSIZE + comp->history.n * compfw_version_size(), &hdr);
	if (!msg) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = compfw_fill_history(msg, cnet, comp);
	if (ret) {
		nlmsg_free(msg);
		goto unlock;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
unlock:
	mutex_unlock(&cnet->lock);
	return ret;
}
