// SPDX-License-Identifier: GPL-2.0
/*
 * Telling users what compfw decided: counters, the compfw_verdict
 * tracepoint, a kernel log line rate-limited per component, nfnetlink_log,
 * and sampled netlink events. All of it from the packet path: no lock of
 * ours and no allocation (nfnetlink_log, when asked for, allocates its own
 * message, as the NFLOG target does).
 */

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/timekeeping.h>
#include <net/netfilter/nf_log.h>

#include "audit.h"
#include "component.h"
#include "events.h"
#include "flow.h"
#include "manifest.h"
#include "netns.h"
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
	[COMPFW_AUDIT] = "audit (would drop)",
};

/* May this component log now? If so, how many lines were held back? */
static bool log_allowed(struct compfw_ratelimit *rl, int *suppressed)
{
	unsigned long now = jiffies, start = atomic_long_read(&rl->start);

	*suppressed = 0;
	if (time_after(now, start + msecs_to_jiffies(log_interval_ms)) &&
	    atomic_long_cmpxchg(&rl->start, start, now) == start) {
		atomic_set(&rl->count, 0);
		*suppressed = atomic_xchg(&rl->suppressed, 0);
	}
	if (atomic_inc_return(&rl->count) <= log_burst)
		return true;
	atomic_inc(&rl->suppressed);
	return false;
}

static void log_line(const struct compfw_decision *d, u32 generation)
{
	const struct compfw_flow *f = d->f;
	char note[48] = "";
	int suppressed;

	if (!log_allowed(&d->comp->log_limit, &suppressed))
		return;
	if (suppressed)
		snprintf(note, sizeof(note), " (%d lines suppressed before)",
			 suppressed);
	if (f->family == AF_INET)
		pr_info("%s: %s %s proto %u %pI4:%u -> %pI4:%u rule %u generation %u%s\n",
			d->comp->name, outcome_name[d->outcome],
			d->dir == COMPFW_DIR_INGRESS ? "ingress" : "egress",
			f->l4proto, &f->saddr.ip, ntohs(f->sport), &f->daddr.ip,
			compfw_flow_port(f), d->verdict.rule_id, generation, note);
	else
		pr_info("%s: %s %s proto %u [%pI6c]:%u -> [%pI6c]:%u rule %u generation %u%s\n",
			d->comp->name, outcome_name[d->outcome],
			d->dir == COMPFW_DIR_INGRESS ? "ingress" : "egress",
			f->l4proto, &f->saddr.ip6, ntohs(f->sport), &f->daddr.ip6,
			compfw_flow_port(f), d->verdict.rule_id, generation, note);
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
 * compfw_audit - count and report one end's decision on a flow
 * @d: the decision
 * @pkt: the packet it was made on
 */
void compfw_audit(const struct compfw_decision *d, const struct compfw_pkt *pkt)
{
	struct net *net = pkt->state->net;
	u32 generation = READ_ONCE(d->comp->generation);
	unsigned int len = pkt->skb->len;
	u64 now = ktime_get_boottime_ns();

	compfw_component_count(d->comp, d->outcome, len, now);
	if (d->verdict.rule_id)
		compfw_manifest_count_rule(d->m, d->dir, d->verdict.rule_id, len, now);
	trace_compfw_verdict(net->net_cookie, d->comp, d->peer, d->dir, d->f,
			     d->outcome, d->verdict.rule_id, generation);

	if (d->outcome == COMPFW_ACCEPT) {
		if (d->m->log == COMPFW_LOG_ALL)
			log_line(d, generation);
		return;
	}
	if (d->m->log != COMPFW_LOG_OFF)
		log_line(d, generation);
	if (d->m->nflog_group >= 0)
		send_to_nflog(d, pkt);
	compfw_events_drop(compfw_net(net), d, generation);
}

void compfw_audit_policy_change(struct net *net, struct compfw_component *comp,
				u32 old_generation, enum compfw_change change)
{
	trace_compfw_policy_change(comp, old_generation, change);
	compfw_events_policy(net, comp, old_generation, change);
}
