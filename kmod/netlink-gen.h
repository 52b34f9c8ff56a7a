/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/compfw.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_COMPFW_GEN_H
#define _LINUX_COMPFW_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/compfw.h>

/* Common nested types */
extern const struct nla_policy compfw_cidr_nl_policy[COMPFW_CIDR_A_PREFIX_LEN + 1];
extern const struct nla_policy compfw_l4_nl_policy[COMPFW_L4_A_ICMP_TYPE + 1];
extern const struct nla_policy compfw_manifest_nl_policy[COMPFW_MANIFEST_A_ACTIVE_PERSONA + 1];
extern const struct nla_policy compfw_rule_nl_policy[COMPFW_RULE_A_L4 + 1];

/* Ops table for compfw */
extern const struct genl_split_ops compfw_nl_ops[17];

int compfw_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_component_new_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_component_del_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_component_get_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_component_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int compfw_nl_manifest_apply_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_component_rollback_doit(struct sk_buff *skb,
				      struct genl_info *info);
int compfw_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_query_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_persona_new_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_persona_del_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_persona_get_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_persona_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int compfw_nl_persona_activate_doit(struct sk_buff *skb,
				    struct genl_info *info);
int compfw_nl_component_history_doit(struct sk_buff *skb,
				     struct genl_info *info);
int compfw_nl_persona_history_doit(struct sk_buff *skb, struct genl_info *info);
int compfw_nl_persona_rollback_doit(struct sk_buff *skb,
				    struct genl_info *info);

enum {
	COMPFW_NLGRP_EVENTS,
};

#endif /* _LINUX_COMPFW_GEN_H */
