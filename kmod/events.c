// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications on the events multicast group. Policy changes are sent at
 * once, from the control path. Drops happen on the packet path, which may
 * not allocate: they are copied into a few preallocated slots and a work
 * item sends them, at most COMPFW_EVENT_SLOTS per tenth of a second; the
 * rest are counted and reported as missed.
 */

#include <linux/sched.h>
#include <net/genetlink.h>

#include "component.h"
#include "events.h"
#include "flow.h"
#include "family.h"
#include "netns.h"

#define COMPFW_EVENT_DELAY	(HZ / 10)

static void put_addr(struct sk_buff *skb, int type4, int type6, u8 family,
		     const union cfw_addr *a, int *err)
{
	if (family == AF_INET)
		*err |= nla_put_in_addr(skb, type4, a->ip);
	else
		*err |= nla_put_in6_addr(skb, type6, &a->ip6);
}

static int fill_drop(struct sk_buff *skb, const struct compfw_drop_event *e,
		     u32 missed)
{
	int err = 0;

	err |= nla_put_string(skb, COMPFW_EVENT_A_COMPONENT, e->component);
	err |= nla_put_u32(skb, COMPFW_EVENT_A_COMPONENT_ID, e->component_id);
	err |= nla_put_u32(skb, COMPFW_EVENT_A_GENERATION, e->generation);
	err |= nla_put_u8(skb, COMPFW_EVENT_A_DIRECTION, e->dir);
	err |= nla_put_u8(skb, COMPFW_EVENT_A_PROTO, e->l4proto);
	put_addr(skb, COMPFW_EVENT_A_SADDR4, COMPFW_EVENT_A_SADDR6, e->family,
		 &e->saddr, &err);
	put_addr(skb, COMPFW_EVENT_A_DADDR4, COMPFW_EVENT_A_DADDR6, e->family,
		 &e->daddr, &err);
	err |= nla_put_u16(skb, COMPFW_EVENT_A_SPORT, e->sport);
	err |= nla_put_u16(skb, COMPFW_EVENT_A_DPORT, e->dport);
	err |= nla_put_u32(skb, COMPFW_EVENT_A_RULE_ID, e->rule_id);
	if (e->audit)
		err |= nla_put_flag(skb, COMPFW_EVENT_A_AUDIT);
	if (missed)
		err |= nla_put_u32(skb, COMPFW_EVENT_A_MISSED, missed);
	return err ? -EMSGSIZE : 0;
}

static void send_drop(struct net *net, const struct compfw_drop_event *e,
		      u32 missed)
{
	struct sk_buff *msg;
	void *hdr;

	msg = compfw_event_new(COMPFW_CMD_EVENT_DROP, &hdr);
	if (!msg)
		return;
	if (fill_drop(msg, e, missed)) {
		nlmsg_free(msg);
		return;
	}
	compfw_event_send(net, msg, hdr);
}

static void compfw_events_flush(struct work_struct *work)
{
	struct compfw_events *ev = container_of(to_delayed_work(work),
						struct compfw_events, work);
	struct compfw_net *cnet = container_of(ev, struct compfw_net, events);
	u32 missed = atomic_xchg(&ev->missed, 0);
	int n, i, spins;

	/* Close the slots; a writer that claimed one finishes in a moment. */
	n = min(atomic_xchg(&ev->head, COMPFW_EVENT_SLOTS), COMPFW_EVENT_SLOTS);
	for (i = 0; i < n; i++) {
		struct compfw_drop_event *e = &ev->slot[i];

		/* Pairs with the release in compfw_events_drop(): e is whole. */
		for (spins = 0; !smp_load_acquire(&e->ready) && spins < 1000; spins++)
			cpu_relax();
		if (e->ready) {
			send_drop(cnet->net, e, missed);
			missed = 0;
		}
		WRITE_ONCE(e->ready, 0);
	}
	atomic_set(&ev->head, 0);
}

void compfw_events_init(struct compfw_net *cnet)
{
	INIT_DELAYED_WORK(&cnet->events.work, compfw_events_flush);
}

void compfw_events_exit(struct compfw_net *cnet)
{
	cancel_delayed_work_sync(&cnet->events.work);
}

/* Packet path: claim a slot, fill it, and have it sent. */
void compfw_events_drop(struct compfw_net *cnet, const struct compfw_decision *d,
			u32 generation)
{
	struct compfw_events *ev = &cnet->events;
	const struct compfw_flow *f = d->f;
	struct compfw_drop_event *e;
	int idx;

	if (!compfw_event_listeners(cnet->net))
		return;
	/* No preemption between claiming a slot and marking it ready. */
	preempt_disable();
	idx = atomic_inc_return(&ev->head) - 1;
	if (idx >= COMPFW_EVENT_SLOTS) {
		atomic_inc(&ev->missed);
		goto out;
	}
	e = &ev->slot[idx];
	e->component_id = d->comp->id;
	memcpy(e->component, d->comp->name, sizeof(e->component));
	e->dir = d->dir;
	e->family = f->family;
	e->l4proto = f->l4proto;
	e->audit = d->outcome == COMPFW_AUDIT;
	e->saddr = f->saddr;
	e->daddr = f->daddr;
	e->sport = ntohs(f->sport);
	e->dport = compfw_flow_port(f);
	e->rule_id = d->verdict.rule_id;
	e->generation = generation;
	/* Pairs with the acquire in compfw_events_flush(). */
	smp_store_release(&e->ready, 1);
	if (!idx)
		queue_delayed_work(compfw_wq, &ev->work, COMPFW_EVENT_DELAY);
out:
	preempt_enable();
}

static const char * const change_name[] = {
	[COMPFW_CHANGE_APPLY] = "apply",
	[COMPFW_CHANGE_ROLLBACK] = "rollback",
	[COMPFW_CHANGE_DELETE] = "delete",
	[COMPFW_CHANGE_PERSONA] = "persona",
};

static int put_switch(struct sk_buff *msg, const struct compfw_switch *sw)
{
	if (!sw)
		return 0;
	return nla_put_string(msg, COMPFW_EVENT_A_PERSONA, sw->to) ||
	       nla_put_string(msg, COMPFW_EVENT_A_OLD_PERSONA, sw->from) ||
	       nla_put_string(msg, COMPFW_EVENT_A_CAUSE, compfw_cause_name(sw->cause)) ||
	       (sw->program && nla_put_string(msg, COMPFW_EVENT_A_PROGRAM, sw->program));
}

/* Control path: a component's manifest changed. */
void compfw_events_policy(struct net *net, struct compfw_component *comp,
			  u32 old_generation, enum compfw_change change,
			  const struct compfw_switch *sw)
{
	struct sk_buff *msg;
	void *hdr;

	if (!compfw_event_listeners(net))
		return;
	msg = compfw_event_new(COMPFW_CMD_EVENT_POLICY, &hdr);
	if (!msg)
		return;
	if (nla_put_string(msg, COMPFW_EVENT_A_COMPONENT, comp->name) ||
	    nla_put_u32(msg, COMPFW_EVENT_A_COMPONENT_ID, comp->id) ||
	    nla_put_u32(msg, COMPFW_EVENT_A_OLD_GENERATION, old_generation) ||
	    nla_put_u32(msg, COMPFW_EVENT_A_GENERATION, comp->generation) ||
	    nla_put_u32(msg, COMPFW_EVENT_A_PID, task_tgid_vnr(current)) ||
	    nla_put_string(msg, COMPFW_EVENT_A_COMM, current->comm) ||
	    nla_put_string(msg, COMPFW_EVENT_A_CHANGE, change_name[change]) ||
	    put_switch(msg, sw)) {
		nlmsg_free(msg);
		return;
	}
	compfw_event_send(net, msg, hdr);
}
