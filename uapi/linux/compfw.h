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

#define COMPFW_NAME_MAX			64	/* with the NUL */
#define COMPFW_VERSION_MAX		64	/* manifest version, with the NUL */
#define COMPFW_LIMIT_MAX		128	/* a resource limit, with the NUL */

/**
 * enum compfw_mode - what a component's manifest does with a denied packet
 * @COMPFW_MODE_ENFORCE: drop it
 * @COMPFW_MODE_AUDIT: let it pass, but count, trace and report it
 */
enum compfw_mode {
	COMPFW_MODE_ENFORCE,
	COMPFW_MODE_AUDIT,
};

/**
 * enum compfw_log - which of a component's decisions go to the kernel log
 * @COMPFW_LOG_OFF: none
 * @COMPFW_LOG_DROPS: drops and, in audit mode, would-be drops (the default)
 * @COMPFW_LOG_ALL: every decision on a flow's first packet
 *
 * Lines are rate-limited per component; a line says how many before it were
 * suppressed.
 */
enum compfw_log {
	COMPFW_LOG_OFF,
	COMPFW_LOG_DROPS,
	COMPFW_LOG_ALL,
};

/**
 * enum compfw_dir - the side of a component a flow is judged on
 * @COMPFW_DIR_INGRESS: the flow comes to the component
 * @COMPFW_DIR_EGRESS: the flow leaves the component
 */
enum compfw_dir {
	COMPFW_DIR_INGRESS,
	COMPFW_DIR_EGRESS,
};

/**
 * enum compfw_cmd - commands of the compfw generic netlink family
 * @COMPFW_CMD_UNSPEC: unused, so that 0 is never a valid command
 * @COMPFW_CMD_GET_STATUS: reply with the module version, the family version
 *	and the number of objects of each kind in the caller's network
 *	namespace (&enum compfw_status_attrs)
 * @COMPFW_CMD_COMPONENT_NEW: define a component (&enum compfw_component_attrs):
 *	a name, an optional ID, a cgroup v2 path and the addresses it owns. It
 *	is unmanaged until a manifest is applied to it.
 * @COMPFW_CMD_COMPONENT_DEL: remove a component, by name; refused while
 *	another component's manifest in force names it as a peer
 * @COMPFW_CMD_COMPONENT_GET: one component by name, or a dump of all, with
 *	the installed manifest and the counters
 * @COMPFW_CMD_MANIFEST_APPLY: install one or more manifests
 *	(&enum compfw_apply_attrs), all of them or none
 * @COMPFW_CMD_COMPONENT_ROLLBACK: reinstate a component's previous manifest
 *	(after its first manifest: unmanaged again). The two swap, so a second
 *	rollback undoes the first. Refused when the previous manifest names a
 *	component that no longer exists.
 * @COMPFW_CMD_STATS_RESET: zero the counters of one component (by NAME), or
 *	of all (&enum compfw_component_attrs)
 * @COMPFW_CMD_QUERY: what would the component's manifest decide for this
 *	flow? Answered by the classifier the packet path uses
 *	(&enum compfw_query_attrs)
 * @COMPFW_CMD_EVENT_POLICY: notification on the events group: a component's
 *	manifest changed (&enum compfw_event_attrs)
 * @COMPFW_CMD_EVENT_DROP: notification on the events group: a flow was
 *	dropped, or would have been in audit mode; sampled and rate-limited
 */
enum compfw_cmd {
	COMPFW_CMD_UNSPEC,
	COMPFW_CMD_GET_STATUS,
	COMPFW_CMD_COMPONENT_NEW,
	COMPFW_CMD_COMPONENT_DEL,
	COMPFW_CMD_COMPONENT_GET,
	COMPFW_CMD_MANIFEST_APPLY,
	COMPFW_CMD_COMPONENT_ROLLBACK,
	COMPFW_CMD_STATS_RESET,
	COMPFW_CMD_QUERY,
	COMPFW_CMD_EVENT_POLICY,
	COMPFW_CMD_EVENT_DROP,

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
 * @COMPFW_STATUS_A_MEMORY: uint, bytes the module holds, all namespaces, as
 *	the allocator gives them (rounded up to its size classes or pages)
 * @COMPFW_STATUS_A_OBJECTS: uint, objects the module holds, all namespaces
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
	COMPFW_STATUS_A_MEMORY,
	COMPFW_STATUS_A_OBJECTS,

	/* private: */
	__COMPFW_STATUS_A_MAX,
};

#define COMPFW_STATUS_A_MAX (__COMPFW_STATUS_A_MAX - 1)

/**
 * enum compfw_component_attrs - a component
 * @COMPFW_COMPONENT_A_UNSPEC: unused
 * @COMPFW_COMPONENT_A_PAD: padding for 64-bit attributes
 * @COMPFW_COMPONENT_A_NAME: string, unique in the namespace, at most 63 bytes
 * @COMPFW_COMPONENT_A_ID: u32, unique and non-zero; allocated when not given
 * @COMPFW_COMPONENT_A_CGROUP: string, cgroup v2 path from the root of the
 *	caller's cgroup namespace, e.g. "/app/web"; the component covers that
 *	cgroup and its descendants, the nearest component's ancestor winning.
 *	The cgroup must exist when the component is added; the component
 *	then follows the path (see CGROUP_ABSENT).
 * @COMPFW_COMPONENT_A_CGROUP_ID: u64, reply only: the ID of the cgroup now
 *	at the path; absent while there is none (see CGROUP_ABSENT)
 * @COMPFW_COMPONENT_A_ADDRESS: nest, multi-attr (&enum compfw_cidr_attrs):
 *	addresses the component owns, so that other components' rules may name
 *	it and traffic to them without a socket (ICMP, SCTP) is its ingress
 * @COMPFW_COMPONENT_A_MANIFEST: nest (&enum compfw_manifest_attrs), reply
 *	only: the header of the manifest in force
 * @COMPFW_COMPONENT_A_GENERATION: u32, reply only: bumped by every manifest
 *	applied or rolled back; 0 while unmanaged
 * @COMPFW_COMPONENT_A_HAS_PREVIOUS: flag, reply only: a rollback is possible
 * @COMPFW_COMPONENT_A_STATS: nest (&enum compfw_stats_attrs), reply only
 * @COMPFW_COMPONENT_A_EXPOSURE: nest (&enum compfw_l4_attrs), multi-attr,
 *	reply only: the manifest's exposure
 * @COMPFW_COMPONENT_A_INGRESS: nest (&enum compfw_rule_attrs), multi-attr,
 *	reply only: the manifest's ingress rules
 * @COMPFW_COMPONENT_A_EGRESS: nest (&enum compfw_rule_attrs), multi-attr,
 *	reply only: the manifest's egress rules
 * @COMPFW_COMPONENT_A_CGROUP_ABSENT: flag, reply only: no cgroup exists at
 *	the component's path now (it was removed). The component stays bound
 *	to the path: a cgroup created there again is the component's from its
 *	creation on, in every network namespace with a component on the path.
 *
 * A GET of one component (by NAME) answers with its manifest's rules; a
 * dump of all components lists them without. A dump with NAME set answers
 * for that component only, with its rules spread over as many messages as
 * they need (each message names the component again): use it for manifests
 * too large for one message.
 */
enum compfw_component_attrs {
	COMPFW_COMPONENT_A_UNSPEC,
	COMPFW_COMPONENT_A_PAD,
	COMPFW_COMPONENT_A_NAME,
	COMPFW_COMPONENT_A_ID,
	COMPFW_COMPONENT_A_CGROUP,
	COMPFW_COMPONENT_A_CGROUP_ID,
	COMPFW_COMPONENT_A_ADDRESS,
	COMPFW_COMPONENT_A_MANIFEST,
	COMPFW_COMPONENT_A_GENERATION,
	COMPFW_COMPONENT_A_HAS_PREVIOUS,
	COMPFW_COMPONENT_A_STATS,
	COMPFW_COMPONENT_A_EXPOSURE,
	COMPFW_COMPONENT_A_INGRESS,
	COMPFW_COMPONENT_A_EGRESS,
	COMPFW_COMPONENT_A_CGROUP_ABSENT,

	/* private: */
	__COMPFW_COMPONENT_A_MAX,
};

#define COMPFW_COMPONENT_A_MAX (__COMPFW_COMPONENT_A_MAX - 1)

/**
 * enum compfw_cidr_attrs - an IPv4 or IPv6 prefix
 * @COMPFW_CIDR_A_UNSPEC: unused
 * @COMPFW_CIDR_A_ADDR4: u32 in network byte order; exclusive with ADDR6
 * @COMPFW_CIDR_A_ADDR6: 16 bytes, network byte order
 * @COMPFW_CIDR_A_PREFIX_LEN: u8, up to 32 or 128; host bits must be clear
 */
enum compfw_cidr_attrs {
	COMPFW_CIDR_A_UNSPEC,
	COMPFW_CIDR_A_ADDR4,
	COMPFW_CIDR_A_ADDR6,
	COMPFW_CIDR_A_PREFIX_LEN,

	/* private: */
	__COMPFW_CIDR_A_MAX,
};

#define COMPFW_CIDR_A_MAX (__COMPFW_CIDR_A_MAX - 1)

/**
 * enum compfw_apply_attrs - a MANIFEST_APPLY request
 * @COMPFW_APPLY_A_UNSPEC: unused
 * @COMPFW_APPLY_A_MANIFEST: nest (&enum compfw_manifest_attrs): starts a
 *	manifest; each names an existing component, at most once per request
 * @COMPFW_APPLY_A_EXPOSURE: nest (&enum compfw_l4_attrs), multi-attr: what
 *	the component of the last MANIFEST before it may serve
 * @COMPFW_APPLY_A_INGRESS: nest (&enum compfw_rule_attrs), multi-attr: an
 *	ingress rule of the last MANIFEST before it
 * @COMPFW_APPLY_A_EGRESS: nest (&enum compfw_rule_attrs), multi-attr: an
 *	egress rule of the last MANIFEST before it
 *
 * Rules are top-level attributes, not nested in their manifest, because an
 * attribute holds at most 64 KiB and a manifest may hold 65,536 rules.
 */
enum compfw_apply_attrs {
	COMPFW_APPLY_A_UNSPEC,
	COMPFW_APPLY_A_MANIFEST,
	COMPFW_APPLY_A_EXPOSURE,
	COMPFW_APPLY_A_INGRESS,
	COMPFW_APPLY_A_EGRESS,

	/* private: */
	__COMPFW_APPLY_A_MAX,
};

#define COMPFW_APPLY_A_MAX (__COMPFW_APPLY_A_MAX - 1)

/**
 * enum compfw_manifest_attrs - a manifest's header
 * @COMPFW_MANIFEST_A_UNSPEC: unused
 * @COMPFW_MANIFEST_A_COMPONENT: string, the component's name
 * @COMPFW_MANIFEST_A_VERSION: string, the author's version, at most 63 bytes
 * @COMPFW_MANIFEST_A_MODE: u8, &enum compfw_mode
 * @COMPFW_MANIFEST_A_LIMIT_CPU: string, as written to cgroup v2 cpu.max;
 *	compfwctl applies it, the module keeps it so that it is shown back
 * @COMPFW_MANIFEST_A_LIMIT_MEMORY: string, as written to memory.max
 * @COMPFW_MANIFEST_A_LIMIT_IO: string, as written to io.max
 * @COMPFW_MANIFEST_A_RULES: uint, reply only: ingress plus egress rules
 * @COMPFW_MANIFEST_A_LOG: u8, &enum compfw_log
 * @COMPFW_MANIFEST_A_NFLOG_GROUP: u16: also send denied (and audited)
 *	packets to this nfnetlink_log group, as the NFLOG target does
 */
enum compfw_manifest_attrs {
	COMPFW_MANIFEST_A_UNSPEC,
	COMPFW_MANIFEST_A_COMPONENT,
	COMPFW_MANIFEST_A_VERSION,
	COMPFW_MANIFEST_A_MODE,
	COMPFW_MANIFEST_A_LIMIT_CPU,
	COMPFW_MANIFEST_A_LIMIT_MEMORY,
	COMPFW_MANIFEST_A_LIMIT_IO,
	COMPFW_MANIFEST_A_RULES,
	COMPFW_MANIFEST_A_LOG,
	COMPFW_MANIFEST_A_NFLOG_GROUP,

	/* private: */
	__COMPFW_MANIFEST_A_MAX,
};

#define COMPFW_MANIFEST_A_MAX (__COMPFW_MANIFEST_A_MAX - 1)

/**
 * enum compfw_l4_attrs - a protocol and a port or ICMP type range
 * @COMPFW_L4_A_UNSPEC: unused
 * @COMPFW_L4_A_PROTO: u8, IPPROTO_TCP, _UDP, _SCTP, _ICMP, _ICMPV6; absent
 *	or 0 for any protocol (then no ports or types)
 * @COMPFW_L4_A_PORT_MIN: u16, TCP/UDP/SCTP only; with PORT_MAX a range
 * @COMPFW_L4_A_PORT_MAX: u16, at least PORT_MIN; defaults to PORT_MIN
 * @COMPFW_L4_A_ICMP_TYPE: u8, ICMP/ICMPv6 only; absent for every type
 */
enum compfw_l4_attrs {
	COMPFW_L4_A_UNSPEC,
	COMPFW_L4_A_PROTO,
	COMPFW_L4_A_PORT_MIN,
	COMPFW_L4_A_PORT_MAX,
	COMPFW_L4_A_ICMP_TYPE,

	/* private: */
	__COMPFW_L4_A_MAX,
};

#define COMPFW_L4_A_MAX (__COMPFW_L4_A_MAX - 1)

/**
 * enum compfw_rule_attrs - one allow rule
 * @COMPFW_RULE_A_UNSPEC: unused
 * @COMPFW_RULE_A_ID: u32, non-zero, unique within the manifest; the lowest
 *	matching ID is the rule reported as deciding
 * @COMPFW_RULE_A_PEER_COMPONENT: string, a peer component's name; exclusive
 *	with PEER_CIDR. With neither, the peer is anyone.
 * @COMPFW_RULE_A_PEER_CIDR: nest (&enum compfw_cidr_attrs)
 * @COMPFW_RULE_A_EXCEPT: nest, multi-attr (&enum compfw_cidr_attrs): prefixes
 *	inside PEER_CIDR that this rule does not cover
 * @COMPFW_RULE_A_L4: nest (&enum compfw_l4_attrs); absent for any protocol
 * @COMPFW_RULE_A_PAD: padding
 * @COMPFW_RULE_A_PACKETS: uint, reply only: first packets this rule decided
 * @COMPFW_RULE_A_BYTES: uint, reply only
 * @COMPFW_RULE_A_LAST_HIT: u64, reply only: boot-time nanoseconds of the
 *	last hit, 0 for never
 */
enum compfw_rule_attrs {
	COMPFW_RULE_A_UNSPEC,
	COMPFW_RULE_A_ID,
	COMPFW_RULE_A_PEER_COMPONENT,
	COMPFW_RULE_A_PEER_CIDR,
	COMPFW_RULE_A_EXCEPT,
	COMPFW_RULE_A_L4,
	COMPFW_RULE_A_PAD,
	COMPFW_RULE_A_PACKETS,
	COMPFW_RULE_A_BYTES,
	COMPFW_RULE_A_LAST_HIT,

	/* private: */
	__COMPFW_RULE_A_MAX,
};

#define COMPFW_RULE_A_MAX (__COMPFW_RULE_A_MAX - 1)

/**
 * enum compfw_stats_attrs - a component's counters, summed over CPUs
 * @COMPFW_STATS_A_UNSPEC: unused
 * @COMPFW_STATS_A_PAD: padding
 * @COMPFW_STATS_A_ACCEPTED_PACKETS: uint, new flows' packets accepted
 * @COMPFW_STATS_A_ACCEPTED_BYTES: uint
 * @COMPFW_STATS_A_DROPPED_PACKETS: uint
 * @COMPFW_STATS_A_DROPPED_BYTES: uint
 * @COMPFW_STATS_A_AUDITED_PACKETS: uint, packets audit mode let through that
 *	enforce mode would have dropped
 * @COMPFW_STATS_A_AUDITED_BYTES: uint
 * @COMPFW_STATS_A_LAST_HIT: u64, boot-time nanoseconds of the last decision
 */
enum compfw_stats_attrs {
	COMPFW_STATS_A_UNSPEC,
	COMPFW_STATS_A_PAD,
	COMPFW_STATS_A_ACCEPTED_PACKETS,
	COMPFW_STATS_A_ACCEPTED_BYTES,
	COMPFW_STATS_A_DROPPED_PACKETS,
	COMPFW_STATS_A_DROPPED_BYTES,
	COMPFW_STATS_A_AUDITED_PACKETS,
	COMPFW_STATS_A_AUDITED_BYTES,
	COMPFW_STATS_A_LAST_HIT,

	/* private: */
	__COMPFW_STATS_A_MAX,
};

#define COMPFW_STATS_A_MAX (__COMPFW_STATS_A_MAX - 1)

/**
 * enum compfw_query_attrs - a QUERY request and its reply
 * @COMPFW_QUERY_A_UNSPEC: unused
 * @COMPFW_QUERY_A_COMPONENT: string, the component whose manifest decides
 * @COMPFW_QUERY_A_DIRECTION: u8, &enum compfw_dir
 * @COMPFW_QUERY_A_PROTO: u8, IPPROTO_*
 * @COMPFW_QUERY_A_ADDR4: u32, network order: the peer's address; exclusive
 *	with ADDR6
 * @COMPFW_QUERY_A_ADDR6: 16 bytes
 * @COMPFW_QUERY_A_PORT: u16: the server port, or the ICMP type
 * @COMPFW_QUERY_A_PEER: string, the peer component, if any
 * @COMPFW_QUERY_A_ALLOW: u8, reply: 1 if the manifest allows the flow
 * @COMPFW_QUERY_A_RULE_ID: u32, reply: the deciding rule, 0 for the default
 * @COMPFW_QUERY_A_BY_EXPOSURE: flag, reply: denied because not exposed
 * @COMPFW_QUERY_A_GENERATION: u32, reply: of the manifest that answered
 * @COMPFW_QUERY_A_MODE: u8, reply: &enum compfw_mode of that manifest
 */
enum compfw_query_attrs {
	COMPFW_QUERY_A_UNSPEC,
	COMPFW_QUERY_A_COMPONENT,
	COMPFW_QUERY_A_DIRECTION,
	COMPFW_QUERY_A_PROTO,
	COMPFW_QUERY_A_ADDR4,
	COMPFW_QUERY_A_ADDR6,
	COMPFW_QUERY_A_PORT,
	COMPFW_QUERY_A_PEER,
	COMPFW_QUERY_A_ALLOW,
	COMPFW_QUERY_A_RULE_ID,
	COMPFW_QUERY_A_BY_EXPOSURE,
	COMPFW_QUERY_A_GENERATION,
	COMPFW_QUERY_A_MODE,

	/* private: */
	__COMPFW_QUERY_A_MAX,
};

#define COMPFW_QUERY_A_MAX (__COMPFW_QUERY_A_MAX - 1)

/**
 * enum compfw_event_attrs - a notification on the events group
 * @COMPFW_EVENT_A_UNSPEC: unused
 * @COMPFW_EVENT_A_PAD: padding
 * @COMPFW_EVENT_A_COMPONENT: string, the component's name
 * @COMPFW_EVENT_A_COMPONENT_ID: u32
 * @COMPFW_EVENT_A_OLD_GENERATION: u32, EVENT_POLICY: before the change
 * @COMPFW_EVENT_A_GENERATION: u32: after the change; for EVENT_DROP, of the
 *	manifest that decided
 * @COMPFW_EVENT_A_PID: u32, EVENT_POLICY: who made the change
 * @COMPFW_EVENT_A_COMM: string, EVENT_POLICY: its command name
 * @COMPFW_EVENT_A_CHANGE: string, EVENT_POLICY: "apply", "rollback",
 *	"delete"
 * @COMPFW_EVENT_A_DIRECTION: u8, EVENT_DROP: &enum compfw_dir
 * @COMPFW_EVENT_A_PROTO: u8, EVENT_DROP: IPPROTO_*
 * @COMPFW_EVENT_A_SADDR4: u32, EVENT_DROP: network order
 * @COMPFW_EVENT_A_DADDR4: u32, EVENT_DROP
 * @COMPFW_EVENT_A_SADDR6: 16 bytes, EVENT_DROP
 * @COMPFW_EVENT_A_DADDR6: 16 bytes, EVENT_DROP
 * @COMPFW_EVENT_A_SPORT: u16, EVENT_DROP: host order
 * @COMPFW_EVENT_A_DPORT: u16, EVENT_DROP: host order, or the ICMP type
 * @COMPFW_EVENT_A_RULE_ID: u32, EVENT_DROP: 0, the default deny
 * @COMPFW_EVENT_A_AUDIT: flag, EVENT_DROP: audit mode let it pass
 * @COMPFW_EVENT_A_MISSED: u32, EVENT_DROP: events not sent since the last
 *	one, by the rate limit
 */
enum compfw_event_attrs {
	COMPFW_EVENT_A_UNSPEC,
	COMPFW_EVENT_A_PAD,
	COMPFW_EVENT_A_COMPONENT,
	COMPFW_EVENT_A_COMPONENT_ID,
	COMPFW_EVENT_A_OLD_GENERATION,
	COMPFW_EVENT_A_GENERATION,
	COMPFW_EVENT_A_PID,
	COMPFW_EVENT_A_COMM,
	COMPFW_EVENT_A_CHANGE,
	COMPFW_EVENT_A_DIRECTION,
	COMPFW_EVENT_A_PROTO,
	COMPFW_EVENT_A_SADDR4,
	COMPFW_EVENT_A_DADDR4,
	COMPFW_EVENT_A_SADDR6,
	COMPFW_EVENT_A_DADDR6,
	COMPFW_EVENT_A_SPORT,
	COMPFW_EVENT_A_DPORT,
	COMPFW_EVENT_A_RULE_ID,
	COMPFW_EVENT_A_AUDIT,
	COMPFW_EVENT_A_MISSED,

	/* private: */
	__COMPFW_EVENT_A_MAX,
};

#define COMPFW_EVENT_A_MAX (__COMPFW_EVENT_A_MAX - 1)

#endif /* _UAPI_LINUX_COMPFW_H */
