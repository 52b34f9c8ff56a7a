// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/compfw.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/compfw.h>

/* Common nested types */
const struct nla_policy compfw_cidr_nl_policy[COMPFW_CIDR_A_PREFIX_LEN + 1] = {
	[COMPFW_CIDR_A_ADDR4] = { .type = NLA_U32, },
	[COMPFW_CIDR_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[COMPFW_CIDR_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy compfw_l4_nl_policy[COMPFW_L4_A_ICMP_TYPE + 1] = {
	[COMPFW_L4_A_PROTO] = { .type = NLA_U8, },
	[COMPFW_L4_A_PORT_MIN] = { .type = NLA_U16, },
	[COMPFW_L4_A_PORT_MAX] = { .type = NLA_U16, },
	[COMPFW_L4_A_ICMP_TYPE] = { .type = NLA_U8, },
};

const struct nla_policy compfw_manifest_nl_policy[COMPFW_MANIFEST_A_ACTIVE_PERSONA + 1] = {
	[COMPFW_MANIFEST_A_COMPONENT] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_MANIFEST_A_VERSION] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_MANIFEST_A_MODE] = NLA_POLICY_MAX(NLA_U8, 1),
	[COMPFW_MANIFEST_A_LOG] = NLA_POLICY_MAX(NLA_U8, 2),
	[COMPFW_MANIFEST_A_NFLOG_GROUP] = { .type = NLA_U16, },
	[COMPFW_MANIFEST_A_EXPOSURE] = NLA_POLICY_NESTED(compfw_l4_nl_policy),
	[COMPFW_MANIFEST_A_INGRESS] = NLA_POLICY_NESTED(compfw_rule_nl_policy),
	[COMPFW_MANIFEST_A_EGRESS] = NLA_POLICY_NESTED(compfw_rule_nl_policy),
	[COMPFW_MANIFEST_A_PERSONA] = { .type = NLA_STRING, .len = 63, },
	[COMPFW_MANIFEST_A_DEFAULT_PERSONA] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_MANIFEST_A_ACTIVE_PERSONA] = { .type = NLA_NUL_STRING, .len = 63, },
};

const struct nla_policy compfw_rule_nl_policy[COMPFW_RULE_A_L4 + 1] = {
	[COMPFW_RULE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[COMPFW_RULE_A_PEER_COMPONENT] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_RULE_A_PEER_CIDR] = NLA_POLICY_NESTED(compfw_cidr_nl_policy),
	[COMPFW_RULE_A_EXCEPT] = NLA_POLICY_NESTED(compfw_cidr_nl_policy),
	[COMPFW_RULE_A_L4] = NLA_POLICY_NESTED(compfw_l4_nl_policy),
};

/* COMPFW_CMD_COMPONENT_NEW - do */
static const struct nla_policy compfw_component_new_nl_policy[COMPFW_COMPONENT_A_ADDRESS + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_COMPONENT_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[COMPFW_COMPONENT_A_CGROUP] = { .type = NLA_NUL_STRING, .len = 4095, },
	[COMPFW_COMPONENT_A_ADDRESS] = NLA_POLICY_NESTED(compfw_cidr_nl_policy),
};

/* COMPFW_CMD_COMPONENT_DEL - do */
static const struct nla_policy compfw_component_del_nl_policy[COMPFW_COMPONENT_A_NAME + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_COMPONENT_GET - do */
static const struct nla_policy compfw_component_get_do_nl_policy[COMPFW_COMPONENT_A_NAME + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_COMPONENT_GET - dump */
static const struct nla_policy compfw_component_get_dump_nl_policy[COMPFW_COMPONENT_A_NAME + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_MANIFEST_APPLY - do */
static const struct nla_policy compfw_manifest_apply_nl_policy[COMPFW_APPLY_A_CHECK + 1] = {
	[COMPFW_APPLY_A_MANIFEST] = NLA_POLICY_NESTED(compfw_manifest_nl_policy),
	[COMPFW_APPLY_A_CHECK] = { .type = NLA_FLAG, },
};

/* COMPFW_CMD_COMPONENT_ROLLBACK - do */
static const struct nla_policy compfw_component_rollback_nl_policy[COMPFW_COMPONENT_A_TO + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_COMPONENT_A_TO] = { .type = NLA_U32, },
};

/* COMPFW_CMD_STATS_RESET - do */
static const struct nla_policy compfw_stats_reset_nl_policy[COMPFW_COMPONENT_A_NAME + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_QUERY - do */
static const struct nla_policy compfw_query_nl_policy[COMPFW_QUERY_A_PEER + 1] = {
	[COMPFW_QUERY_A_COMPONENT] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_QUERY_A_DIRECTION] = NLA_POLICY_MAX(NLA_U8, 1),
	[COMPFW_QUERY_A_PROTO] = { .type = NLA_U8, },
	[COMPFW_QUERY_A_ADDR4] = { .type = NLA_U32, },
	[COMPFW_QUERY_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[COMPFW_QUERY_A_PORT] = { .type = NLA_U16, },
	[COMPFW_QUERY_A_PEER] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_NEW - do */
static const struct nla_policy compfw_persona_new_nl_policy[COMPFW_PERSONA_A_VERSION + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_PERSONA_A_REPLACE] = { .type = NLA_FLAG, },
	[COMPFW_PERSONA_A_SECURITY_LEVEL] = NLA_POLICY_MAX(NLA_U8, 2),
	[COMPFW_PERSONA_A_ENCRYPTION_REQUIRED] = { .type = NLA_FLAG, },
	[COMPFW_PERSONA_A_COMMUNICATION_MODE] = NLA_POLICY_MAX(NLA_U8, 3),
	[COMPFW_PERSONA_A_ALLOWED_PROTO] = { .type = NLA_U8, },
	[COMPFW_PERSONA_A_PRIORITY] = { .type = NLA_U32, },
	[COMPFW_PERSONA_A_DSCP] = NLA_POLICY_MAX(NLA_U8, 63),
	[COMPFW_PERSONA_A_RATE] = NLA_POLICY_MIN(NLA_U64, 1),
	[COMPFW_PERSONA_A_BURST] = { .type = NLA_U32, },
	[COMPFW_PERSONA_A_TRIGGER_PROCESS] = { .type = NLA_NUL_STRING, .len = 15, },
	[COMPFW_PERSONA_A_TRIGGER_PATH] = { .type = NLA_NUL_STRING, .len = 4095, },
	[COMPFW_PERSONA_A_LIMIT_CPU] = { .type = NLA_NUL_STRING, .len = 127, },
	[COMPFW_PERSONA_A_LIMIT_MEMORY] = { .type = NLA_NUL_STRING, .len = 127, },
	[COMPFW_PERSONA_A_LIMIT_IO] = { .type = NLA_NUL_STRING, .len = 127, },
	[COMPFW_PERSONA_A_PROFILE] = NLA_POLICY_NESTED(compfw_manifest_nl_policy),
	[COMPFW_PERSONA_A_VERSION] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_DEL - do */
static const struct nla_policy compfw_persona_del_nl_policy[COMPFW_PERSONA_A_NAME + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_GET - do */
static const struct nla_policy compfw_persona_get_do_nl_policy[COMPFW_PERSONA_A_NAME + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_GET - dump */
static const struct nla_policy compfw_persona_get_dump_nl_policy[COMPFW_PERSONA_A_NAME + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_ACTIVATE - do */
static const struct nla_policy compfw_persona_activate_nl_policy[COMPFW_COMPONENT_A_PERSONA + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_COMPONENT_A_PERSONA] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_COMPONENT_HISTORY - do */
static const struct nla_policy compfw_component_history_nl_policy[COMPFW_COMPONENT_A_NAME + 1] = {
	[COMPFW_COMPONENT_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_HISTORY - do */
static const struct nla_policy compfw_persona_history_nl_policy[COMPFW_PERSONA_A_NAME + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* COMPFW_CMD_PERSONA_ROLLBACK - do */
static const struct nla_policy compfw_persona_rollback_nl_policy[COMPFW_PERSONA_A_TO + 1] = {
	[COMPFW_PERSONA_A_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[COMPFW_PERSONA_A_TO] = { .type = NLA_U32, },
};

/* Ops table for compfw */
const struct genl_split_ops compfw_nl_ops[17] = {
	{
		.cmd	= COMPFW_CMD_GET_STATUS,
		.doit	= compfw_nl_get_status_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_COMPONENT_NEW,
		.doit		= compfw_nl_component_new_doit,
		.policy		= compfw_component_new_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_ADDRESS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_COMPONENT_DEL,
		.doit		= compfw_nl_component_del_doit,
		.policy		= compfw_component_del_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_COMPONENT_GET,
		.doit		= compfw_nl_component_get_doit,
		.policy		= compfw_component_get_do_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_COMPONENT_GET,
		.dumpit		= compfw_nl_component_get_dumpit,
		.policy		= compfw_component_get_dump_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= COMPFW_CMD_MANIFEST_APPLY,
		.doit		= compfw_nl_manifest_apply_doit,
		.policy		= compfw_manifest_apply_nl_policy,
		.maxattr	= COMPFW_APPLY_A_CHECK,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_COMPONENT_ROLLBACK,
		.doit		= compfw_nl_component_rollback_doit,
		.policy		= compfw_component_rollback_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_TO,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_STATS_RESET,
		.doit		= compfw_nl_stats_reset_doit,
		.policy		= compfw_stats_reset_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_QUERY,
		.doit		= compfw_nl_query_doit,
		.policy		= compfw_query_nl_policy,
		.maxattr	= COMPFW_QUERY_A_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_NEW,
		.doit		= compfw_nl_persona_new_doit,
		.policy		= compfw_persona_new_nl_policy,
		.maxattr	= COMPFW_PERSONA_A_VERSION,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_DEL,
		.doit		= compfw_nl_persona_del_doit,
		.policy		= compfw_persona_del_nl_policy,
		.maxattr	= COMPFW_PERSONA_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_GET,
		.doit		= compfw_nl_persona_get_doit,
		.policy		= compfw_persona_get_do_nl_policy,
		.maxattr	= COMPFW_PERSONA_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_GET,
		.dumpit		= compfw_nl_persona_get_dumpit,
		.policy		= compfw_persona_get_dump_nl_policy,
		.maxattr	= COMPFW_PERSONA_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_ACTIVATE,
		.doit		= compfw_nl_persona_activate_doit,
		.policy		= compfw_persona_activate_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_PERSONA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_COMPONENT_HISTORY,
		.doit		= compfw_nl_component_history_doit,
		.policy		= compfw_component_history_nl_policy,
		.maxattr	= COMPFW_COMPONENT_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_HISTORY,
		.doit		= compfw_nl_persona_history_doit,
		.policy		= compfw_persona_history_nl_policy,
		.maxattr	= COMPFW_PERSONA_A_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= COMPFW_CMD_PERSONA_ROLLBACK,
		.doit		= compfw_nl_persona_rollback_doit,
		.policy		= compfw_persona_rollback_nl_policy,
		.maxattr	= COMPFW_PERSONA_A_TO,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group compfw_nl_mcgrps[] = {
	[COMPFW_NLGRP_EVENTS] = { "events", },
};
