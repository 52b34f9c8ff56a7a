/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_EVENTS_H
#define _COMPFW_EVENTS_H

#include <linux/atomic.h>
#include <linux/workqueue.h>
#include <linux/compfw.h>

#include "classify.h"
#include "report.h"

struct net;
struct compfw_component;
struct compfw_net;

/* Drop events held between two sends; more are counted as missed. */
#define COMPFW_EVENT_SLOTS	32

struct compfw_drop_event {
	u32 ready;
	u32 component_id;
	char component[COMPFW_NAME_MAX];
	u8 dir;
	u8 family;
	u8 l4proto;
	bool audit;
	union cfw_addr saddr;
	union cfw_addr daddr;
	u16 sport;
	u16 dport;
	u32 rule_id;
	u32 generation;
};

/**
 * struct compfw_events - drop events waiting to go to the events group
 * @head: slots claimed since the last send; at COMPFW_EVENT_SLOTS, closed
 * @missed: events not recorded since the last send
 * @slot: the events
 * @work: sends them, at most once per tick of the rate
 */
struct compfw_events {
	atomic_t head;
	atomic_t missed;
	struct compfw_drop_event slot[COMPFW_EVENT_SLOTS];
	struct delayed_work work;
};

void compfw_events_init(struct compfw_net *cnet);
void compfw_events_exit(struct compfw_net *cnet);
void compfw_events_drop(struct compfw_net *cnet, const struct compfw_decision *d,
			u32 generation);
void compfw_events_policy(struct net *net, struct compfw_component *comp,
			  u32 old_generation, enum compfw_change change,
			  const struct compfw_switch *sw);

#endif /* _COMPFW_EVENTS_H */
