/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A component's counters and its rules' counters, as COMPONENT_GET replies
 * carry them (COMPFW_COMPONENT_A_STATS, COMPFW_COMPONENT_A_RULE_STATS), read
 * and printed in one place for `component show` and `stats`.
 */
#ifndef _COMPFWCTL_COUNTERS_H
#define _COMPFWCTL_COUNTERS_H

#include <linux/compfw.h>
#include <stdint.h>

struct nlattr;

/* struct counters - COMPFW_STATS_A_*, indexed by attribute; 0 when absent */
struct counters {
	uint64_t v[COMPFW_STATS_A_MAX + 1];
};

/* struct rule_counters - one COMPFW_COMPONENT_A_RULE_STATS nest */
struct rule_counters {
	uint8_t direction;
	uint32_t id;
	uint64_t packets;
	uint64_t bytes;
	uint64_t last_hit;
};

int counters_from_attr(const struct nlattr *nest, struct counters *c);
int rule_counters_from_attr(const struct nlattr *nest, struct rule_counters *r);
void counters_print(const char *indent, const struct counters *c);
void rule_counters_print(const char *indent, const struct rule_counters *r);

#endif /* _COMPFWCTL_COUNTERS_H */
