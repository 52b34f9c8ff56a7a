/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One component as COMPONENT_GET describes it, assembled from the messages
 * of a reply: a big component spans several, each naming it; their
 * addresses, manifest parts and rule counters add up.
 */
#ifndef _COMPFWCTL_COMPONENT_H
#define _COMPFWCTL_COMPONENT_H

#include <linux/compfw.h>
#include <stdbool.h>
#include <stdint.h>

#include "compfwctl.h"
#include "counters.h"
#include "manifest.h"

/**
 * struct component_reply - what the kernel said about one component
 * @name: the component asked for; every message must name it
 * @want_rules: decode the manifest's entries, not only its header
 * @first: the first message, held for @tb
 * @tb: its attributes
 * @managed: a manifest is in force; its header (and entries) are in @m
 * @m: the manifest
 * @n_rules: the rules of the manifest in force (COMPFW_COMPONENT_A_RULES),
 *	or -1 when no message said
 * @stats: the component's counters
 * @addr: the addresses it owns, @n_addr of them
 * @rules: its rules' counters, @n_rule_counters of them
 * @problem: why the messages do not make one component, or NULL
 */
struct component_reply {
	const char *name;
	bool want_rules;
	struct nl_msg *first;
	struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1];
	bool managed;
	struct manifest m;
	int64_t n_rules;
	struct counters stats;
	struct cidr *addr;
	unsigned int n_addr;
	struct rule_counters *rules;
	unsigned int n_rule_counters;
	const char *problem;
};

int component_parse(struct nl_msg *msg,
		    struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1]);
int component_reply_msg(struct nl_msg *msg, void *arg);
const char *component_reply_check(struct component_reply *c);
void component_reply_free(struct component_reply *c);
void component_print(const struct component_reply *c);

/* history.c: component history, component rollback */
#define HISTORY_USAGE "history NAME"
#define ROLLBACK_USAGE "rollback NAME [--to GENERATION]"
int component_history(struct ctl *ctl, int argc, char **argv);
int component_rollback(struct ctl *ctl, int argc, char **argv);

#endif /* _COMPFWCTL_COMPONENT_H */
