/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * compfw: a per-component firewall, controlled over generic netlink.
 *
 * Documentation/netlink/specs/compfw.yaml is the source of truth for this
 * family; keep the two in step.
 */

#ifndef _UAPI_LINUX_COMPFW_H
#define _UAPI_LINUX_COMPFW_H

#define COMPFW_GENL_NAME		"compfw"
#define COMPFW_GENL_VERSION		1
#define COMPFW_MCGRP_EVENTS		"events"

/**
 * enum compfw_cmd - commands of the compfw generic netlink family
 * @COMPFW_CMD_UNSPEC: unused, so that 0 is never a valid command
 * @COMPFW_CMD_GET_STATUS: reply with the module version, the family version
 *	and the number of objects of each kind in the caller's network
 *	namespace (&enum compfw_status_attrs)
 */
enum compfw_cmd {
	COMPFW_CMD_UNSPEC,
	COMPFW_CMD_GET_STATUS,

	/* private: */
	__COMPFW_CMD_MAX,
};

#define COMPFW_CMD_MAX (__COMPFW_CMD_MAX - 1)

/**
 * enum compfw_status_attrs - attributes of a GET_STATUS reply
 * @COMPFW_STATUS_A_UNSPEC: unused
 * @COMPFW_STATUS_A_PAD: padding for 64-bit attributes
 * @COMPFW_STATUS_A_MODULE_VERSION: string, the module's version
 * @COMPFW_STATUS_A_FAMILY_VERSION: u32, %COMPFW_GENL_VERSION of the module
 * @COMPFW_STATUS_A_NETNS_COOKIE: u64, cookie of the network namespace the
 *	counts below belong to
 * @COMPFW_STATUS_A_COMPONENTS: u32, components defined in this namespace
 * @COMPFW_STATUS_A_RULES: u32, compiled rules in this namespace
 * @COMPFW_STATUS_A_PERSONAS: u32, personas defined in this namespace
 * @COMPFW_STATUS_A_FABRICS: u32, live ephemeral fabrics in this namespace
 */
enum compfw_status_attrs {
	COMPFW_STATUS_A_UNSPEC,
	COMPFW_STATUS_A_PAD,
	COMPFW_STATUS_A_MODULE_VERSION,
	COMPFW_STATUS_A_FAMILY_VERSION,
	COMPFW_STATUS_A_NETNS_COOKIE,
	COMPFW_STATUS_A_COMPONENTS,
	COMPFW_STATUS_A_RULES,
	COMPFW_STATUS_A_PERSONAS,
	COMPFW_STATUS_A_FABRICS,

	/* private: */
	__COMPFW_STATUS_A_MAX,
};

#define COMPFW_STATUS_A_MAX (__COMPFW_STATUS_A_MAX - 1)

#endif /* _UAPI_LINUX_COMPFW_H */
