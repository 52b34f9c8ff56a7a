/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_PERSONA_H
#define _COMPFW_PERSONA_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/compfw.h>

#include "history.h"
#include "manifest.h"

struct netlink_ext_ack;
struct compfw_net;

/* The cgroup v2 limit lines a persona carries, as manifests do. */
enum compfw_persona_limit {
	COMPFW_LIMIT_CPU,
	COMPFW_LIMIT_MEMORY,
	COMPFW_LIMIT_IO,
	COMPFW_LIMIT_COUNT,
};

/* "Not set", for the u8 enums of struct compfw_persona_traits. */
#define COMPFW_TRAIT_UNSET	0xff

/**
 * struct compfw_persona_traits - what a persona says besides its rules
 * @security_level: &enum compfw_security_level, or COMPFW_TRAIT_UNSET
 * @encryption_required: flows leaving the host must be protected
 * @comm_mode: &enum compfw_comm_mode, or COMPFW_TRAIT_UNSET
 * @dscp: the DSCP of the component's packets, or COMPFW_TRAIT_UNSET
 * @has_priority: @priority is set
 * @priority: the skb priority of the component's packets
 * @rate: egress bytes per second, 0 for none
 * @burst: egress burst in bytes, 0 for none
 * @any_proto: no protocol list: every protocol is allowed
 * @protos: the IP protocols allowed, when not @any_proto
 * @trigger_process: a program name (comm) whose exec activates it, or ""
 * @trigger_path: a program path whose exec activates it, or NULL
 * @limit: cgroup v2 limit lines by &enum compfw_persona_limit, or NULL
 *
 * Stored and shown; only the rules are enforced so far.
 */
struct compfw_persona_traits {
	u8 security_level;
	bool encryption_required;
	u8 comm_mode;
	u8 dscp;
	bool has_priority;
	u32 priority;
	u64 rate;
	u32 burst;
	bool any_proto;
	DECLARE_BITMAP(protos, 256);
	char trigger_process[TASK_COMM_LEN];
	const char *trigger_path;
	const char *limit[COMPFW_LIMIT_COUNT];
};

/**
 * struct compfw_persona - a named network profile that components take;
 * or one of its earlier definitions, in the history of the one in force
 * @list: entry in compfw_net.personas, in creation order (the one in force)
 * @name: unique in the namespace
 * @version: its version string, or ""
 * @serial: a definition's, never reused in the namespace: a face records
 *	it, so that a persona changed or made again is not taken for the one
 *	it compiled. A definition brought back keeps its own.
 * @generation: the number of definitions put in force so far
 * @profile: the rules, compiled once to check them and then retired: what
 *	components compile is their own copy (struct compfw_face)
 * @traits: the rest; its strings are separate allocations
 * @hist: this definition's entry in @history
 * @history: the definitions kept (the one in force's; empty in the others)
 */
struct compfw_persona {
	struct list_head list;
	char name[COMPFW_NAME_MAX];
	char version[COMPFW_VERSION_MAX];
	u64 serial;
	u32 generation;
	struct compfw_manifest *profile;
	struct compfw_persona_traits traits;
	struct compfw_version hist;
	struct compfw_history history;
};

/**
 * struct compfw_persona_spec - a persona as netlink.c reads it
 * @name: its name
 * @version: its version string, or NULL
 * @profile: its rules (the header fields are unused)
 * @traits: the rest, strings pointing into the request
 */
struct compfw_persona_spec {
	const char *name;
	const char *version;
	struct compfw_manifest_spec profile;
	struct compfw_persona_traits traits;
};

void compfw_personas_init(struct compfw_net *cnet);
void compfw_personas_destroy(struct compfw_net *cnet);

struct compfw_persona *compfw_persona_by_name(struct compfw_net *cnet, const char *name);
struct compfw_persona *compfw_persona_create(struct compfw_net *cnet,
					     const struct compfw_persona_spec *spec,
					     struct cfw_compile_err *err,
					     struct netlink_ext_ack *extack);
void compfw_persona_free(struct compfw_persona *p);
int compfw_persona_add(struct compfw_net *cnet, struct compfw_persona *p,
		       struct netlink_ext_ack *extack);
int compfw_persona_replace(struct compfw_net *cnet, struct compfw_persona *p,
			   struct netlink_ext_ack *extack);
int compfw_persona_del(struct compfw_net *cnet, struct compfw_persona *p,
		       struct netlink_ext_ack *extack);
int compfw_persona_rollback(struct compfw_net *cnet, struct compfw_persona *p,
			    u32 generation, struct netlink_ext_ack *extack);
u32 compfw_persona_users(struct compfw_net *cnet, const struct compfw_persona *p);
const struct compfw_persona *compfw_persona_naming(struct compfw_net *cnet, u32 id);
const struct compfw_face *compfw_persona_lost(struct compfw_net *cnet,
					      const struct compfw_manifest *m);
struct compfw_manifest *compfw_persona_faces(struct compfw_net *cnet,
					     const struct compfw_manifest_spec *header,
					     const char *const *names, u32 n, u32 dflt,
					     struct netlink_ext_ack *extack);

#endif /* _COMPFW_PERSONA_H */
