/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A manifest: a component's policy, parsed from JSON, sent as netlink
 * attributes (self-contained COMPFW_APPLY_A_MANIFEST nests, enum
 * compfw_manifest_attrs, as many parts as its size takes) and read back
 * from them.
 */
#ifndef _COMPFWCTL_MANIFEST_H
#define _COMPFWCTL_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/compfw.h>

#include "cidr.h"

/* The most one netlink attribute (a nest) can hold: its nla_len is a u16. */
#define MF_NLA_MAX 65535
/*
 * The most one manifest part is made to hold: under MF_NLA_MAX, with room
 * to spare for whatever a kernel may add to a nest it echoes back.
 */
#define MF_PART_MAX (60 * 1024)
/* A resource limit's value, with the NUL: cgroup files take short lines. */
#define MF_LIMIT_MAX 128

enum mf_limit {
	MF_LIMIT_CPU,
	MF_LIMIT_MEMORY,
	MF_LIMIT_IO,
	MF_LIMIT_COUNT,
};

enum mf_peer {
	MF_PEER_ANY,
	MF_PEER_COMPONENT,
	MF_PEER_CIDR,
};

/**
 * struct mf_l4 - a protocol with a port range or an ICMP type
 * @proto: IPPROTO_* number, 0 for any
 * @has_ports: @port_min..@port_max are set (TCP, UDP, SCTP only)
 * @has_icmp_type: @icmp_type is set (ICMP, ICMPv6 only)
 */
struct mf_l4 {
	uint8_t proto;
	bool has_ports;
	bool has_icmp_type;
	uint8_t icmp_type;
	uint16_t port_min;
	uint16_t port_max;
};

/**
 * struct mf_rule - one ingress or egress allow rule
 * @id: non-zero, unique within the manifest
 * @id_given: @id came from the file rather than from manifest_assign_ids()
 * @peer: which of @component and @cidr (with @except) is set
 */
struct mf_rule {
	uint32_t id;
	bool id_given;
	enum mf_peer peer;
	char *component;
	struct cidr cidr;
	struct cidr *except;
	unsigned int n_except;
	struct mf_l4 l4;
};

/**
 * struct manifest - one component's policy
 * @component: the component's name
 * @version: the author's version, or NULL
 * @mode: &enum compfw_mode
 * @log: &enum compfw_log
 * @has_nflog: denied packets also go to nfnetlink_log group @nflog_group
 * @nflog_group: that group
 * @limit: cgroup v2 limit strings indexed by &enum mf_limit, or NULL; the
 *	kernel never sees them: compfwctl writes them to the cgroup's files
 */
struct manifest {
	char *component;
	char *version;
	uint8_t mode;
	uint8_t log;
	bool has_nflog;
	uint16_t nflog_group;
	struct mf_l4 *exposure;
	unsigned int n_exposure;
	struct mf_rule *ingress;
	unsigned int n_ingress;
	struct mf_rule *egress;
	unsigned int n_egress;
	char *limit[MF_LIMIT_COUNT];
};

/**
 * struct manifest_set - what one file holds
 * @is_array: the file held an array, so JSON paths start with "[N]"
 */
struct manifest_set {
	struct manifest *m;
	unsigned int n;
	bool is_array;
};

/**
 * struct mf_error - why a file was refused
 * @line: 1-based line of a JSON syntax error, 0 for any other error
 * @column: its column
 * @path: JSON path of the offending value, e.g. "[1].ingress[0].ports"
 * @msg: what is wrong with it
 */
struct mf_error {
	int line;
	int column;
	char path[256];
	char msg[512];
};

extern const char *const mf_limit_key[MF_LIMIT_COUNT];
extern const char *const mf_limit_file[MF_LIMIT_COUNT];

/* manifest.c: JSON <-> struct manifest */
int manifest_parse(const char *buf, size_t len, struct manifest_set *set,
		   struct mf_error *err);
int manifest_from_json(json_t *root, struct manifest_set *set,
		       struct mf_error *err);
json_t *manifest_to_json(const struct manifest *m);
json_t *manifest_set_to_json(const struct manifest_set *set);
void manifest_set_free(struct manifest_set *set);
void manifest_free(struct manifest *m);
const char *manifest_error_format(const char *file, const struct mf_error *err,
				  char *buf, size_t size);
const char *mf_proto_name(uint8_t proto);
int mf_limit_check(enum mf_limit which, const char *value);

/* manifest_nl.c: struct manifest <-> netlink attributes */
struct nl_msg;
struct nlattr;
struct attr_paths;
size_t manifest_msg_size(const struct manifest_set *set);
int manifest_put_set(struct nl_msg *msg, const struct manifest_set *set,
		     struct attr_paths *paths, struct mf_error *err);
void manifest_init(struct manifest *m);
int manifest_part_from_attr(const struct nlattr *nest, struct manifest *m,
			    bool entries);
const char *manifest_part_component(const struct nlattr *nest);
int cidr_from_attr(const struct nlattr *nest, struct cidr *cidr);

#endif /* _COMPFWCTL_MANIFEST_H */
