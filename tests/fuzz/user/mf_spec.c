// SPDX-License-Identifier: GPL-2.0
/*
 * struct manifest (tools/) to struct cfw_policy_spec (kmod/), as the
 * module's netlink.c converts the attributes compfwctl sends: ports or an
 * ICMP type make the match's kind, a peer component becomes its ID (here:
 * every name is known, numbered in order of appearance).
 */
#include <linux/types.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "../../../tools/manifest.h"
#include "mf_spec.h"

static struct cfw_l4match l4_of(const struct mf_l4 *l4)
{
	struct cfw_l4match m = { .l4proto = l4->proto, .kind = CFW_L4_ALL };

	if (l4->has_ports) {
		m.kind = CFW_L4_PORTS;
		m.lo = l4->port_min;
		m.hi = l4->port_max;
	} else if (l4->has_icmp_type) {
		m.kind = CFW_L4_ICMP_TYPE;
		m.lo = l4->icmp_type;
		m.hi = l4->icmp_type;
	}
	return m;
}

static struct cfw_cidr cidr_of(const struct cidr *c)
{
	struct cfw_cidr k = { .prefix_len = c->prefix_len };

	k.family = c->family == AF_INET ? AF_INET : AF_INET6;
	memcpy(&k.addr, c->addr, c->family == AF_INET ? 4 : 16);
	return k;
}

struct names {
	const char **name;
	unsigned int n;
};

static u32 name_id(struct names *nm, const char *name)
{
	unsigned int i;

	for (i = 0; i < nm->n; i++)
		if (!strcmp(nm->name[i], name))
			return i + 1;
	nm->name[nm->n++] = name;
	return nm->n;
}

/* @rules into @out, with their excepts taken from @ex (advanced). */
static void rules_of(const struct mf_rule *rules, unsigned int n,
		     struct cfw_rule_spec *out, struct cfw_cidr **ex,
		     struct names *nm)
{
	unsigned int i, x;

	for (i = 0; i < n; i++) {
		const struct mf_rule *r = &rules[i];
		struct cfw_rule_spec *k = &out[i];

		memset(k, 0, sizeof(*k));
		k->id = r->id;
		k->l4 = l4_of(&r->l4);
		if (r->peer == MF_PEER_COMPONENT) {
			k->peer_kind = CFW_PEER_COMPONENT;
			k->peer_component = name_id(nm, r->component);
		} else if (r->peer == MF_PEER_CIDR) {
			k->peer_kind = CFW_PEER_CIDR;
			k->cidr = cidr_of(&r->cidr);
			/* more than a u8 holds is past the limit the compiler checks */
			k->n_except = r->n_except > 255 ? 255 : r->n_except;
			k->except = *ex;
			for (x = 0; x < k->n_except; x++)
				(*ex)[x] = cidr_of(&r->except[x]);
			*ex += k->n_except;
		}
	}
}

static unsigned int excepts_of(const struct mf_rule *rules, unsigned int n)
{
	unsigned int i, total = 0;

	for (i = 0; i < n; i++)
		total += rules[i].n_except > 255 ? 255 : rules[i].n_except;
	return total;
}

int mf_spec_compile(const struct manifest *m, char *why, size_t size)
{
	unsigned int n_ex = excepts_of(m->ingress, m->n_ingress) +
			    excepts_of(m->egress, m->n_egress), i;
	struct cfw_l4match *expo = calloc(m->n_exposure + 1, sizeof(*expo));
	struct cfw_rule_spec *in = calloc(m->n_ingress + 1, sizeof(*in));
	struct cfw_rule_spec *eg = calloc(m->n_egress + 1, sizeof(*eg));
	struct cfw_cidr *ex = calloc(n_ex + 1, sizeof(*ex)), *at = ex;
	struct names nm = {
		.name = calloc(m->n_ingress + m->n_egress + 1, sizeof(char *)),
	};
	struct cfw_policy_spec spec = {
		.exposure = expo, .n_exposure = m->n_exposure,
		.rules = { in, eg }, .n_rules = { m->n_ingress, m->n_egress },
	};
	struct cfw_compile_err err;
	struct cfw_policy *p;
	int rc = -ENOMEM;

	if (!expo || !in || !eg || !ex || !nm.name)
		goto out;
	for (i = 0; i < m->n_exposure; i++)
		expo[i] = l4_of(&m->exposure[i]);
	rules_of(m->ingress, m->n_ingress, in, &at, &nm);
	rules_of(m->egress, m->n_egress, eg, &at, &nm);
	p = cfw_policy_compile(&spec, &err);
	rc = IS_ERR(p) ? PTR_ERR(p) : 0;
	if (rc)
		snprintf(why, size, "%s[%d] except %d: %s",
			 err.section == CFW_ERR_EXPOSURE ? "exposure" :
			 err.section == CFW_ERR_INGRESS ? "ingress" :
			 err.section == CFW_ERR_EGRESS ? "egress" : "policy",
			 err.index, err.except_index, err.msg);
	else
		cfw_policy_free(p);
out:
	free(nm.name);
	free(ex);
	free(eg);
	free(in);
	free(expo);
	return rc;
}
