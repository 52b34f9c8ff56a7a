/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM compfw

#ifndef _COMPFW_TRACE_HELPERS
#define _COMPFW_TRACE_HELPERS

#include <net/ipv6.h>

#include "flow.h"

/*
 * Addresses are kept as IPv6, IPv4 ones mapped (::ffff:a.b.c.d), so that one
 * format prints both families.
 */
static inline void compfw_trace_addr(u8 *dst, u8 family, const union cfw_addr *a)
{
	if (family == AF_INET)
		ipv6_addr_set_v4mapped(a->ip, (struct in6_addr *)dst);
	else
		memcpy(dst, &a->ip6, sizeof(a->ip6));
}

#endif /* _COMPFW_TRACE_HELPERS */

#if !defined(_COMPFW_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _COMPFW_TRACE_H

#include <linux/tracepoint.h>
#include <net/ipv6.h>
#include <linux/compfw.h>

#include "component.h"
#include "flow.h"
#include "report.h"

/*
 * The format file names these symbols; without their values exported, tools
 * that read it (trace-cmd, perf) print the raw numbers.
 */
TRACE_DEFINE_ENUM(COMPFW_DIR_INGRESS);
TRACE_DEFINE_ENUM(COMPFW_DIR_EGRESS);
TRACE_DEFINE_ENUM(COMPFW_DROP);
TRACE_DEFINE_ENUM(COMPFW_ACCEPT);
TRACE_DEFINE_ENUM(COMPFW_AUDIT);
TRACE_DEFINE_ENUM(COMPFW_CHANGE_APPLY);
TRACE_DEFINE_ENUM(COMPFW_CHANGE_ROLLBACK);
TRACE_DEFINE_ENUM(COMPFW_CHANGE_DELETE);
TRACE_DEFINE_ENUM(COMPFW_CHANGE_PERSONA);
TRACE_DEFINE_ENUM(COMPFW_CAUSE_API);

TRACE_EVENT(compfw_verdict,
	TP_PROTO(u64 netns_cookie, const struct compfw_component *comp,
		 const struct compfw_component *peer,
		 enum compfw_dir dir, const struct compfw_flow *f,
		 enum compfw_outcome verdict, u32 rule_id, u32 generation),
	TP_ARGS(netns_cookie, comp, peer, dir, f, verdict, rule_id, generation),

	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, component_id)
		__array(char, component, COMPFW_NAME_MAX)
		__field(u32, peer_id)
		__field(u8, dir)
		__field(u8, proto)
		__array(u8, saddr, 16)
		__array(u8, daddr, 16)
		__field(u16, sport)
		__field(u16, dport)
		__field(u8, verdict)
		__field(u32, rule_id)
		__field(u32, generation)
	),

	TP_fast_assign(
		__entry->netns_cookie = netns_cookie;
		__entry->component_id = comp->id;
		memcpy(__entry->component, comp->name, COMPFW_NAME_MAX);
		__entry->peer_id = peer ? peer->id : 0;
		__entry->dir = dir;
		__entry->proto = f->l4proto;
		compfw_trace_addr(__entry->saddr, f->family, &f->saddr);
		compfw_trace_addr(__entry->daddr, f->family, &f->daddr);
		__entry->sport = ntohs(f->sport);
		__entry->dport = compfw_flow_port(f);
		__entry->verdict = verdict;
		__entry->rule_id = rule_id;
		__entry->generation = generation;
	),

	TP_printk("netns=%llu component=%s id=%u dir=%s proto=%u src=%pI6c sport=%u dst=%pI6c dport=%u peer=%u verdict=%s rule=%u generation=%u",
		  __entry->netns_cookie, __entry->component, __entry->component_id,
		  __print_symbolic(__entry->dir, { COMPFW_DIR_INGRESS, "ingress" },
				   { COMPFW_DIR_EGRESS, "egress" }),
		  __entry->proto, __entry->saddr, __entry->sport, __entry->daddr,
		  __entry->dport, __entry->peer_id,
		  __print_symbolic(__entry->verdict, { COMPFW_DROP, "drop" },
				   { COMPFW_ACCEPT, "accept" },
				   { COMPFW_AUDIT, "audit" }),
		  __entry->rule_id,
		  __entry->generation)
);

TRACE_EVENT(compfw_policy_change,
	TP_PROTO(const struct compfw_component *comp, u32 old_generation,
		 enum compfw_change change),
	TP_ARGS(comp, old_generation, change),

	TP_STRUCT__entry(
		__field(u32, component_id)
		__array(char, component, COMPFW_NAME_MAX)
		__field(u32, old_generation)
		__field(u32, generation)
		__field(u8, change)
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
	),

	TP_fast_assign(
		__entry->component_id = comp->id;
		memcpy(__entry->component, comp->name, COMPFW_NAME_MAX);
		__entry->old_generation = old_generation;
		__entry->generation = comp->generation;
		__entry->change = change;
		__entry->pid = task_tgid_nr(current);
		memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
	),

	TP_printk("component=%s id=%u change=%s generation=%u->%u pid=%d comm=%s",
		  __entry->component, __entry->component_id,
		  __print_symbolic(__entry->change, { COMPFW_CHANGE_APPLY, "apply" },
				   { COMPFW_CHANGE_ROLLBACK, "rollback" },
				   { COMPFW_CHANGE_DELETE, "delete" },
				   { COMPFW_CHANGE_PERSONA, "persona" }),
		  __entry->old_generation, __entry->generation, __entry->pid,
		  __entry->comm)
);

TRACE_EVENT(compfw_persona_switch,
	TP_PROTO(const struct compfw_component *comp, u32 old_generation,
		 const struct compfw_switch *sw),
	TP_ARGS(comp, old_generation, sw),

	TP_STRUCT__entry(
		__field(u32, component_id)
		__array(char, component, COMPFW_NAME_MAX)
		__array(char, from, COMPFW_NAME_MAX)
		__array(char, to, COMPFW_NAME_MAX)
		__field(u8, cause)
		__array(char, program, TASK_COMM_LEN)
		__field(u32, old_generation)
		__field(u32, generation)
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
	),

	TP_fast_assign(
		__entry->component_id = comp->id;
		memcpy(__entry->component, comp->name, COMPFW_NAME_MAX);
		strscpy(__entry->from, sw->from, COMPFW_NAME_MAX);
		strscpy(__entry->to, sw->to, COMPFW_NAME_MAX);
		__entry->cause = sw->cause;
		strscpy(__entry->program, sw->program ?: "", TASK_COMM_LEN);
		__entry->old_generation = old_generation;
		__entry->generation = comp->generation;
		__entry->pid = task_tgid_nr(current);
		memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
	),

	TP_printk("component=%s id=%u persona=%s->%s cause=%s program=%s generation=%u->%u pid=%d comm=%s",
		  __entry->component, __entry->component_id, __entry->from, __entry->to,
		  __print_symbolic(__entry->cause, { COMPFW_CAUSE_API, "api" },
				   { COMPFW_CAUSE_EXEC, "exec" }, { COMPFW_CAUSE_EXIT, "exit" }),
		  __entry->program,
		  __entry->old_generation, __entry->generation, __entry->pid,
		  __entry->comm)
);

#endif /* _COMPFW_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
