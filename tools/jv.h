/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Manifest JSON as trees of values, each in one array, which the checks in
 * manifest.c walk. jv_parse() reads the plain JSON that generators write,
 * fast, one manifest at a time; anything else it leaves to jansson, whose
 * tree jv_from_json() copies whole: the two give the same trees for the same
 * text, and jansson has the last word on what is JSON and on the wording of
 * syntax errors.
 */
#ifndef _COMPFWCTL_JV_H
#define _COMPFWCTL_JV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type {
	JV_OTHER,	/* true, false, null or a real */
	JV_INTEGER,
	JV_STRING,
	JV_ARRAY,
	JV_OBJECT,
};

/* The member names a manifest may use; JV_K_OTHER for any other. */
enum jv_key {
	JV_K_OTHER,
	JV_K_COMPONENT,
	JV_K_VERSION,
	JV_K_MODE,
	JV_K_LOG,
	JV_K_NFLOG_GROUP,
	JV_K_EXPOSURE,
	JV_K_INGRESS,
	JV_K_EGRESS,
	JV_K_LIMITS,
	JV_K_ID,
	JV_K_PEER,
	JV_K_PROTOCOL,
	JV_K_PORTS,
	JV_K_ICMP_TYPE,
	JV_K_CIDR,
	JV_K_EXCEPT,
	JV_K_CPU,
	JV_K_MEMORY,
	JV_K_IO,
	JV_K_COUNT,
};

#define JV_BIT(key) (1u << (key))

extern const char *const jv_key_name[JV_K_COUNT];

/**
 * struct jv - one value; its members follow it in the array, in file order
 * @type: &enum jv_type
 * @key: &enum jv_key of its name, when it is an object's member
 * @n: members of an array or object, bytes of a string
 * @size: values in its subtree, itself included: the next sibling is at
 *	this + @size
 * @u: a string's bytes (NUL-terminated) or an integer's value
 * @name: its name, when it is an object's member
 */
struct jv {
	uint8_t type;
	uint8_t key;
	uint32_t n;
	uint32_t size;
	union {
		const char *s;
		json_int_t i;
	} u;
	const char *name;
};

/**
 * struct jv_doc - a tree and what its strings point into
 * @v: the values, the root first
 * @strs: jv_parse()'s copies of the strings of the values it holds
 * @root: jv_from_json()'s jansson tree, or NULL
 */
struct jv_doc {
	struct jv *v;
	size_t n;
	size_t cap;
	char *strs;
	size_t strs_len;
	size_t strs_cap;
	json_t *root;
};

typedef int jv_each_fn(void *ctx, const struct jv *v, int index);

int jv_parse(struct jv_doc *d, const char *buf, size_t len, jv_each_fn *each,
	     void *ctx);
void jv_from_json(struct jv_doc *d, json_t *root);
void jv_free(struct jv_doc *d);

/* For each member @c of the array or object @parent, the @i-th. */
#define jv_foreach(parent, i, c) \
	for ((i) = 0, (c) = (parent) + 1; (i) < (parent)->n; \
	     (i)++, (c) += (c)->size)

static inline int jv_is(const struct jv *v, enum jv_type type)
{
	return v && v->type == type;
}

#endif /* _COMPFWCTL_JV_H */
