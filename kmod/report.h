/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_REPORT_H
#define _COMPFW_REPORT_H

#include <linux/types.h>

#include "classify.h"

struct net;
struct nf_hook_state;
struct sk_buff;
struct compfw_component;
struct compfw_flow;
struct compfw_manifest;

/* What became of a flow's first packet at one end. */
enum compfw_outcome {
	COMPFW_DROP,
	COMPFW_ACCEPT,
	COMPFW_AUDIT,		/* denied, let through by audit mode */
};

enum compfw_change {
	COMPFW_CHANGE_APPLY,
	COMPFW_CHANGE_ROLLBACK,
	COMPFW_CHANGE_DELETE,
	COMPFW_CHANGE_PERSONA,
};

/* Why a component switched personas. */
enum compfw_cause {
	COMPFW_CAUSE_API,
	COMPFW_CAUSE_EXEC,
	COMPFW_CAUSE_EXIT,
};

/* A persona switch, as the events and the trace tell it. */
struct compfw_switch {
	const char *from;
	const char *to;
	enum compfw_cause cause;
	const char *program;
};

/**
 * struct compfw_pkt - the packet being judged, for those who report on it
 * @skb: the packet
 * @state: the hook it is at
 * @later: not its flow's first packet: only a drop is counted and reported
 */
struct compfw_pkt {
	struct sk_buff *skb;
	const struct nf_hook_state *state;
	bool later;
};

/**
 * struct compfw_decision - one end's decision on a flow, to report
 * @comp: the component whose manifest decided
 * @m: that manifest
 * @dir: COMPFW_DIR_INGRESS or COMPFW_DIR_EGRESS
 * @f: the flow
 * @peer: the component at the other end, or NULL
 * @verdict: what the classifier said
 * @outcome: what becomes of the packet
 */
struct compfw_decision {
	struct compfw_component *comp;
	const struct compfw_manifest *m;
	int dir;
	const struct compfw_flow *f;
	const struct compfw_component *peer;
	struct cfw_verdict verdict;
	enum compfw_outcome outcome;
};

void compfw_report_init(struct compfw_component *comp);
void compfw_report_decision(const struct compfw_decision *d, const struct compfw_pkt *pkt);
void compfw_report_cut(struct net *net, const struct compfw_component *comp,
		       const struct compfw_manifest *m, int dir,
		       const struct compfw_flow *f, u32 rule_id);
void compfw_report_policy_change(struct net *net, struct compfw_component *comp,
				 u32 old_generation, enum compfw_change change);
const char *compfw_cause_name(enum compfw_cause cause);
void compfw_report_persona_switch(struct net *net, struct compfw_component *comp,
				  u32 old_generation, const char *from, const char *to,
				  enum compfw_cause cause, const char *program);

#endif /* _COMPFW_REPORT_H */
