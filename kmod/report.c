// SPDX-License-Identifier: GPL-2.0
/*
 * Telling users what compfw decided (the packet path has counted it): the
 * compfw_verdict tracepoint, a kernel log line (the LOG target's)
 * rate-limited per component, nfnetlink_log, and sampled netlink events.
 * Reporting calls nothing of the layers that call it. All of it from the
 * packet path: no lock waited on (the log's ratelimit_state is only ever
 * trylocked) and no allocation (nfnetlink_log, when asked for, allocates its
 * own message, as the NFLOG target does).
 */

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/ratelimit.h>
#include <linux/timekeeping.h>
#include <net/netfilter/nf_log.h>

#include "compat.h"
#include "component.h"
#include "events.h"
#include "flow.h"
#include "manifest.h"
#include "netns.h"
#include "report.h"
#include "trace.h"

static unsigned int log_burst = 10;
module_param(log_burst, uint, 0644);
MODULE_PARM_DESC(log_burst, "Kernel log lines per component per log_interval_ms");

static unsigned int log_interval_ms = 5000;
module_param(log_interval_ms, uint, 0644);
MODULE_PARM_DESC(log_interval_ms, "Length of a component's log rate window");

static const char * const outcome_name[] = {
	[COMPFW_DROP] = "drop",
	[COMPFW_ACCEPT] = "accept",
	[COMPFW_AUDIT] = "audit",
};

/**
 * compfw_report_init - set up a new component's reporting
 * @comp: the component, not yet visible to the packet path
 */
void compfw_report_init(struct compfw_component *comp)
{
	/* We say how many were held back, in the next line of our own. */
	ratelimit_state_init(&comp->log_limit, msecs_to_jiffies(log_interval_ms),
			     log_burst);
	ratelimit_set_flags(&comp->log_limit, RATELIMIT_MSG_ON_RELEASE);
}

/*
 * The kernel's LOG target prints the line: its format, and its rule that
 * namespaces other than the host's log only with nf_log_all_netns. The
 * prefix names the namespace first, so that no component name, however
 * chosen, reads as another namespace's.
 */
static void log_line(const struct compfw_decision *d,
		     const struct compfw_pkt *pkt, u32 generation)
{
	const struct nf_hook_state *state = pkt->state;
	struct ratelimit_state *rs = &d->comp->log_limit;
	struct nf_loginfo li = {
		.type = NF_LOG_TYPE_LOG,
		.u.log.level = LOGLEVEL_INFO,
	};
	char note[32] = "";
	int missed;

	/* The module parameters may change at run time. */
	compfw_ratelimit_update(rs, msecs_to_jiffies(READ_ONCE(log_interval_ms)),
				READ_ONCE(log_burst));
	if (!__ratelimit(rs))
		return;
	missed = compfw_ratelimit_take_missed(rs);
	if (missed)
		snprintf(note, sizeof(note), "(%d suppressed) ", missed);
	nf_log_packet(state->net, state->pf, state->hook, pkt->skb, state->in,
		      state->out, &li, "compfw: netns %u %s: %s %s rule %u generation %u %s",
		      state->net->ns.inum, d->comp->name, outcome_name[d->outcome],
		      d->dir == COMPFW_DIR_INGRESS ? "ingress" : "egress",
		      d->verdict.rule_id, generation, note);
}

static void send_to_nflog(const struct compfw_decision *d,
			  const struct compfw_pkt *pkt)
{
	const struct nf_hook_state *state = pkt->state;
	struct nf_loginfo li = {
		.type = NF_LOG_TYPE_ULOG,
		.u.ulog.group = d->m->nflog_group,
		.u.ulog.qthreshold = 1,
	};

	nf_log_packet(state->net, state->pf, state->hook, pkt->skb, state->in,
		      state->out, &li, "compfw %s ", d->comp->name);
}

/**
 * compfw_report_decision - report one end's decision on a flow
 * @d: the decision
 * @pkt: the packet it was made on
 */
void compfw_report_decision(const struct compfw_decision *d, const struct compfw_pkt *pkt)
{
	struct net *net = pkt->state->net;
	u32 generation = READ_ONCE(d->comp->generation);

	trace_compfw_verdict(net->net_cookie, d->comp, d->peer, d->dir, d->f,
			     d->outcome, d->verdict.rule_id, generation);

	if (d->outcome == COMPFW_ACCEPT) {
		if (d->m->log == COMPFW_LOG_ALL)
			log_line(d, pkt, generation);
		return;
	}
	if (d->m->log != COMPFW_LOG_OFF)
		log_line(d, pkt, generation);
	if (d->m->nflog_group >= 0)
		send_to_nflog(d, pkt);
	compfw_events_drop(compfw_net(net), d, generation);
}

/*
 * A policy change cut @f: no packet is at hand for nf_log_packet(), so the
 * line follows its rule (other namespaces than the host's only with
 * nf_log_all_netns) and its prefix, with the flow in the LOG target's words.
 */
static void log_cut(struct net *net, const struct compfw_component *comp,
		    int dir, const struct compfw_flow *f, u32 rule_id)
{
	const char *d = dir == COMPFW_DIR_INGRESS ? "ingress" : "egress";

	if (!net_eq(net, &init_net) && !READ_ONCE(sysctl_nf_log_all_netns))
		return;
	if (f->family == AF_INET)
		pr_info("netns %u %s: cut %s rule %u generation %u SRC=%pI4 DST=%pI4 PROTO=TCP SPT=%u DPT=%u\n",
			net->ns.inum, comp->name, d, rule_id,
			READ_ONCE(comp->generation), &f->saddr.ip, &f->daddr.ip,
			ntohs(f->sport), ntohs(f->dport));
	else
		pr_info("netns %u %s: cut %s rule %u generation %u SRC=%pI6c DST=%pI6c PROTO=TCP SPT=%u DPT=%u\n",
			net->ns.inum, comp->name, d, rule_id,
			READ_ONCE(comp->generation), &f->saddr.ip6, &f->daddr.ip6,
			ntohs(f->sport), ntohs(f->dport));
}

/**
 * compfw_report_cut - report that a policy change cut a live TCP flow
 * @net: the namespace
 * @comp: the end whose manifest @m denies the flow
 * @m: that manifest
 * @dir: which end @comp is: CFW_DIR_EGRESS at the opener
 * @f: the flow
 * @rule_id: the rule that decided (0, the default deny)
 *
 * Says nothing unless @m logs drops. Under RCU, in process context.
 */
void compfw_report_cut(struct net *net, const struct compfw_component *comp,
		       const struct compfw_manifest *m, int dir,
		       const struct compfw_flow *f, u32 rule_id)
{
	if (m->log != COMPFW_LOG_OFF)
		log_cut(net, comp, dir, f, rule_id);
}

void compfw_report_policy_change(struct net *net, struct compfw_component *comp,
				 u32 old_generation, enum compfw_change change)
{
	trace_compfw_policy_change(comp, old_generation, change);
	compfw_events_policy(net, comp, old_generation, change, NULL);
}

static const char * const cause_name[] = {
	[COMPFW_CAUSE_API] = "api",
	[COMPFW_CAUSE_EXEC] = "exec",
	[COMPFW_CAUSE_EXIT] = "exit",
};

const char *compfw_cause_name(enum compfw_cause cause)
{
	return cause_name[cause];
}

/**
 * compfw_report_persona_switch - tell that a component took another persona
 * @net: the namespace
 * @comp: the component, its generation already bumped
 * @old_generation: its generation before
 * @from: the persona in force until now
 * @to: the persona in force now
 * @cause: why
 * @program: the program whose exec or exit it was, or NULL
 *
 * A trace event, a netlink event and a log line (rate-limited: a script may
 * switch thousands of times a second).
 */
void compfw_report_persona_switch(struct net *net, struct compfw_component *comp,
				  u32 old_generation, const char *from, const char *to,
				  enum compfw_cause cause, const char *program)
{
	const struct compfw_switch sw = {
		.from = from, .to = to, .cause = cause, .program = program,
	};

	trace_compfw_persona_switch(comp, old_generation, &sw);
	compfw_events_policy(net, comp, old_generation, COMPFW_CHANGE_PERSONA, &sw);
	if (program)
		net_info_ratelimited("component %s: persona %s -> %s (%s of %s), generation %u\n",
				     comp->name, from, to, cause_name[cause], program,
				     comp->generation);
	else
		net_info_ratelimited("component %s: persona %s -> %s (%s), generation %u\n",
				     comp->name, from, to, cause_name[cause], comp->generation);
}
