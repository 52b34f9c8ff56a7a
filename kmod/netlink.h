/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the family's two files of handlers share: netlink.c (components and
 * manifests) and netlink_persona.c (personas) read rules the same way.
 */
#ifndef _COMPFW_NETLINK_H
#define _COMPFW_NETLINK_H

#include <net/genetlink.h>

#include "manifest.h"

struct compfw_component;
struct compfw_net;
struct compfw_persona;

/*
 * One manifest attribute holds at most 64 KiB (nla_len is 16 bits): a
 * reply starts another part of the manifest before a part gets this big.
 */
#define COMPFW_PART_MAX (32 * 1024)

/* A manifest attribute of a request, with the component it names. */
struct compfw_part {
	struct compfw_component *comp;
	const struct nlattr *attr;
};

/**
 * struct compfw_apply_entry - one manifest as its parts say it
 * @comp: the component it is for (NULL for a persona's profile)
 * @parts: its parts (consecutive in the sorted array of all parts)
 * @n_parts: entries in @parts
 * @spec: what they say, pointing into the arrays below
 * @rules: every rule, ingress first
 * @exposure: the exposure entries
 * @excepts: every rule's except list
 * @personas: the persona attributes, in the order given
 * @n_personas: entries in @personas
 * @dflt: the default-persona attribute, or NULL
 * @header_fields: how many header fields the parts give
 * @m: what it becomes
 */
struct compfw_apply_entry {
	struct compfw_component *comp;
	const struct compfw_part *parts;
	u32 n_parts;
	struct compfw_manifest_spec spec;
	struct cfw_rule_spec *rules;
	struct cfw_l4match *exposure;
	struct cfw_cidr *excepts;
	const struct nlattr **personas;
	u32 n_personas;
	const struct nlattr *dflt;
	u32 header_fields;
	struct compfw_manifest *m;
};

int compfw_parse_change(struct compfw_net *cnet, struct compfw_apply_entry *c,
			struct netlink_ext_ack *extack);
void compfw_free_change(struct compfw_apply_entry *c);
void compfw_blame_entry(const struct compfw_apply_entry *c,
			const struct cfw_compile_err *err,
			struct netlink_ext_ack *extack);
int compfw_put_entry(struct sk_buff *skb, struct compfw_net *cnet,
		     const struct compfw_manifest *m, u32 i);
struct compfw_component *compfw_named(struct compfw_net *cnet, struct genl_info *info);
struct compfw_persona *compfw_named_persona(struct compfw_net *cnet, struct genl_info *info);

#endif /* _COMPFW_NETLINK_H */
