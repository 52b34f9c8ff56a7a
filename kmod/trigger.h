/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_TRIGGER_H
#define _COMPFW_TRIGGER_H

#include <linux/list.h>
#include <linux/workqueue.h>

struct compfw_net;
struct compfw_component;

/**
 * struct compfw_triggers - a namespace's trigger processes
 * @live: processes running a trigger program, oldest exec first
 * @gone: processes that exited or executed another program since the
 *	last look
 * @work: takes the namespace's lock to act on @gone
 * @pass: counts trigger.c's looks at the components, under the namespace lock
 *
 * The lists are under trigger.c's own spinlock, which the probes take.
 */
struct compfw_triggers {
	struct list_head live;
	struct list_head gone;
	struct work_struct work;
	u64 pass;
};

int compfw_triggers_init(void);
void compfw_triggers_exit(void);
void compfw_triggers_net_init(struct compfw_net *cnet);
void compfw_triggers_net_exit(struct compfw_net *cnet);
void compfw_triggers_reset(struct compfw_component *comp);
bool compfw_triggers_reconcile(struct compfw_net *cnet);

#endif /* _COMPFW_TRIGGER_H */
