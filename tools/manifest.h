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
 * @personas: the personas the component may take (then it has no entries)
 * @n_personas: entries in @personas
 * @default_persona: the one taken on apply, or NULL for the first
 * @active_persona: in a reply, the one in force
 * @is_profile: a persona's rules: no component, no header, and the rules
 *	are called allowed_ingress and allowed_egress
 *
 * A persona's rules are a manifest too, without component or header.
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
	char **personas;
	unsigned int n_personas;
	char *default_persona;
	char *active_persona;
	bool is_profile;
};

/* "Not set", for the enums of struct persona. */
#define PERSONA_UNSET (-1)

/**
 * struct persona - a named network profile, as seed 002 writes it
 * @name: its name
 * @profile: network_profile's rules (exposure, allowed_ingress as ingress,
 *	allowed_egress as egress), resource_limits (as @profile.limit) and
 *	the persona's version (as @profile.version)
 * @security_level: &enum compfw_security_level, or PERSONA_UNSET
 * @encryption_required: security_profile.encryption_required
 * @comm_mode: &enum compfw_comm_mode, or PERSONA_UNSET
 * @n_protos: entries in @protos; 0 is any protocol
 * @protos: allowed_protocols, as IP protocol numbers
 * @has_priority: @priority is set
 * @dscp: qos_parameters.dscp, or PERSONA_UNSET
 * @rate: qos_parameters.rate in bytes per second, 0 for none
 * @burst: qos_parameters.burst in bytes, 0 for none
 * @trigger_process: activation_trigger.process_name, or NULL
 * @trigger_path: activation_trigger.path, or NULL
 * @users: in a reply, manifests in force that may take it
 * @generation: in a reply, the generation of the definition in force
 */
struct persona {
	char *name;
	struct manifest profile;
	int security_level;
	bool encryption_required;
	int comm_mode;
	unsigned int n_protos;
	uint8_t protos[256];
	bool has_priority;
	uint32_t priority;
	int dscp;
	uint64_t rate;
	uint32_t burst;
	char *trigger_process;
	char *trigger_path;
	uint32_t users;
	uint32_t generation;
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
int persona_parse(const char *buf, size_t len, struct persona *pa, struct mf_error *err);
json_t *persona_to_json(const struct persona *pa);
void persona_init(struct persona *pa);
void persona_free(struct persona *pa);
const char *persona_level_name(int level);
const char *persona_mode_name(int mode);
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
size_t persona_msg_size(const struct persona *pa);
int persona_put(struct nl_msg *msg, const struct persona *pa, struct attr_paths *paths,
		struct mf_error *err);
int persona_from_attrs(struct nlattr **tb, const struct nlattr *head, int len,
		       struct persona *pa);

#endif /* _COMPFWCTL_MANIFEST_H */
