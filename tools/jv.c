// SPDX-License-Identifier: GPL-2.0
/*
 * Manifest JSON as arrays of values (jv.h). jv_parse() is the fast path for
 * a file of 100,000 rules: no allocation per value, no hash table per object,
 * member names matched once, one manifest held at a time. It accepts a
 * strict subset of JSON and refuses the rest, valid or not, for jansson to
 * read: strings without
 * escapes or bytes outside printable ASCII, unsigned integers of up to 18
 * digits, no true, false, null, reals or negative numbers (nothing in a
 * manifest takes them), only the member names a manifest knows, each at most
 * once per object. Whatever it accepts, jansson reads as the same tree.
 */

#define _GNU_SOURCE	/* memrchr() */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jv.h"
#include "xalloc.h"

const char *const jv_key_name[JV_K_COUNT] = {
	[JV_K_OTHER] = "",
	[JV_K_COMPONENT] = "component",
	[JV_K_VERSION] = "version",
	[JV_K_MODE] = "mode",
	[JV_K_LOG] = "log",
	[JV_K_NFLOG_GROUP] = "nflog_group",
	[JV_K_EXPOSURE] = "exposure",
	[JV_K_INGRESS] = "ingress",
	[JV_K_EGRESS] = "egress",
	[JV_K_LIMITS] = "limits",
	[JV_K_ID] = "id",
	[JV_K_PEER] = "peer",
	[JV_K_PROTOCOL] = "protocol",
	[JV_K_PORTS] = "ports",
	[JV_K_ICMP_TYPE] = "icmp_type",
	[JV_K_CIDR] = "cidr",
	[JV_K_EXCEPT] = "except",
	[JV_K_CPU] = "cpu",
	[JV_K_MEMORY] = "memory",
	[JV_K_IO] = "io",
};

/* Deeper than any manifest nests: the array, a rule's peer's excepts. */
#define JV_MAX_DEPTH 16

/* Member names hashed by length and first and last byte, for key_of(). */
#define KEY_SLOTS 64

static unsigned int key_hash(const char *s, size_t len)
{
	return (len * 7 + (unsigned char)s[0] * 3 +
		(unsigned char)s[len - 1]) % KEY_SLOTS;
}

static enum jv_key key_of(const char *s, size_t len)
{
	static uint8_t slot[KEY_SLOTS];
	static uint8_t key_len[JV_K_COUNT];
	unsigned int k, h;

	if (!key_len[1]) {
		for (k = 1; k < JV_K_COUNT; k++) {
			key_len[k] = strlen(jv_key_name[k]);
			h = key_hash(jv_key_name[k], key_len[k]);
			while (slot[h])
				h = (h + 1) % KEY_SLOTS;
			slot[h] = k;
		}
	}
	if (!len)
		return JV_K_OTHER;
	for (h = key_hash(s, len); slot[h]; h = (h + 1) % KEY_SLOTS) {
		k = slot[h];
		if (key_len[k] == len && !memcmp(jv_key_name[k], s, len))
			return k;
	}
	return JV_K_OTHER;
}

/* A new value at the end of the array; its index, as the array may move. */
static inline unsigned int jv_add(struct jv_doc *d, enum jv_type type)
{
	if (d->n == d->cap)
		d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
	d->v[d->n] = (struct jv) { .type = type, .size = 1 };
	return d->n++;
}

void jv_free(struct jv_doc *d)
{
	free(d->v);
	free(d->strs);
	json_decref(d->root);
	memset(d, 0, sizeof(*d));
}

/* The fast path: where it is in the file, and who gets what it reads. */
struct jp {
	struct jv_doc *d;
	const char *s;
	const char *end;
	const char *last_quote;
	jv_each_fn *each;
	void *ctx;
};

/* The next byte, or a NUL at the end: a NUL is refused everywhere. */
static inline char peek(const struct jp *p)
{
	return p->s < p->end ? *p->s : '\0';
}

/* The bytes a string may hold on the fast path: printable ASCII but \ and ". */
static const bool plain[256] = {
	[' ' ... '!'] = true, ['#' ... '['] = true, [']' ... '~'] = true,
};

static inline void skip_ws(struct jp *p)
{
	while (p->s < p->end && *p->s <= ' ' &&
	       (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' ||
		*p->s == '\t'))
		p->s++;
}

/*
 * At the opening quote: the string's bytes (not NUL-terminated), or NULL.
 * A quote is not plain, so no scan that starts before the file's last one
 * runs past it: the loop needs no other bound.
 */
static const char *scan_string(struct jp *p, uint32_t *len)
{
	const char *start = p->s + 1, *s = start;

	if (!p->last_quote || s > p->last_quote)
		return NULL;
	while (plain[(unsigned char)*s])
		s++;
	if (*s != '"')
		return NULL;
	*len = s - start;
	p->s = s + 1;
	return start;
}

/* A copy of a string value, NUL-terminated; its offset in d->strs. */
static size_t str_add(struct jv_doc *d, const char *s, size_t len)
{
	size_t at = d->strs_len;

	d->strs = xgrow(d->strs, &d->strs_cap, at + len + 1, 1);
	memcpy(d->strs + at, s, len);
	d->strs[at + len] = '\0';
	d->strs_len += len + 1;
	return at;
}

static int parse_value(struct jp *p, unsigned int depth);

/* "01" is not JSON; 19 digits might not fit; reals go to jansson. */
static int parse_number(struct jp *p, unsigned int at)
{
	const char *s = p->s;
	json_int_t i = 0;

	if (s[0] == '0' && s + 1 < p->end && s[1] >= '0' && s[1] <= '9')
		return -1;
	while (s < p->end && *s >= '0' && *s <= '9') {
		if (s - p->s == 18)
			return -1;
		i = i * 10 + (*s++ - '0');
	}
	p->s = s;
	if (peek(p) == '.' || peek(p) == 'e' || peek(p) == 'E')
		return -1;
	p->d->v[at].u.i = i;
	return 0;
}

/* An object's member name: each known, and once. */
static int parse_name(struct jp *p, uint32_t *seen, enum jv_key *key)
{
	const char *name;
	uint32_t len;

	if (peek(p) != '"')
		return -1;
	name = scan_string(p, &len);
	if (!name)
		return -1;
	*key = key_of(name, len);
	/* jansson says which name is unknown or repeated, and where. */
	if (*key == JV_K_OTHER || (*seen & JV_BIT(*key)))
		return -1;
	*seen |= JV_BIT(*key);
	skip_ws(p);
	if (peek(p) != ':')
		return -1;
	p->s++;
	skip_ws(p);
	return 0;
}

/*
 * The values from @from on are complete: point their strings into d->strs,
 * which no longer moves. For the top-level object or an element of the
 * top-level array, hand it over and forget it.
 */
static int complete(struct jp *p, unsigned int from, int index)
{
	struct jv_doc *d = p->d;
	unsigned int i;
	int ret;

	for (i = from; i < d->n; i++)
		if (d->v[i].type == JV_STRING)
			d->v[i].u.s = d->strs + d->v[i].u.i;
	ret = p->each(p->ctx, &d->v[from], index);
	d->n = from;
	d->strs_len = 0;
	return ret;
}

/* After the '{' or '[' of the value at @at: its members, and the closer. */
static int parse_members(struct jp *p, unsigned int at, unsigned int depth)
{
	bool object = p->d->v[at].type == JV_OBJECT;
	bool top_array = !object && !depth;
	char close = object ? '}' : ']';
	enum jv_key key = JV_K_OTHER;
	unsigned int child;
	uint32_t seen = 0;

	skip_ws(p);
	if (peek(p) == close) {
		p->s++;
		return 0;
	}
	for (;;) {
		if (object && parse_name(p, &seen, &key))
			return -1;
		child = p->d->n;
		if (parse_value(p, depth + 1))
			return -1;
		p->d->v[child].key = key;
		p->d->v[child].name = object ? jv_key_name[key] : NULL;
		if (top_array && complete(p, child, p->d->v[at].n))
			return -1;
		p->d->v[at].n++;
		skip_ws(p);
		if (peek(p) == close) {
			p->s++;
			return 0;
		}
		if (peek(p) != ',')
			return -1;
		p->s++;
		skip_ws(p);
	}
}

/* At a value's first byte; 0, or -1 to leave the file to jansson. */
static int parse_value(struct jp *p, unsigned int depth)
{
	const char *s;
	unsigned int at;
	int ret;

	if (depth > JV_MAX_DEPTH)
		return -1;
	switch (peek(p)) {
	case '"':
		at = jv_add(p->d, JV_STRING);
		s = scan_string(p, &p->d->v[at].n);
		if (!s)
			return -1;
		p->d->v[at].u.i = str_add(p->d, s, p->d->v[at].n);
		return 0;
	case '{':
	case '[':
		at = jv_add(p->d, *p->s == '{' ? JV_OBJECT : JV_ARRAY);
		p->s++;
		ret = parse_members(p, at, depth);
		p->d->v[at].size = p->d->n - at;
		return ret;
	case '0' ... '9':
		return parse_number(p, jv_add(p->d, JV_INTEGER));
	}
	return -1;
}

/**
 * jv_parse() - the fast path: read @buf if it is plain enough
 * @d: zeroed; free with jv_free() whatever the result
 * @each: called for the top-level object (@index -1), or for each element
 *	of the top-level array as soon as it is read; what it is given lasts
 *	until it returns, and a non-zero return stops the parse
 *
 * Only one manifest at a time is held, however large the file.
 *
 * Return: 0; or -1 when jansson must read it (it may well be valid) or when
 * @each said stop.
 */
int jv_parse(struct jv_doc *d, const char *buf, size_t len, jv_each_fn *each,
	     void *ctx)
{
	struct jp p = {
		.d = d, .s = buf, .end = buf + len, .each = each, .ctx = ctx,
		.last_quote = memrchr(buf, '"', len),
	};
	bool object;

	skip_ws(&p);
	/* jansson wants an object or array at the top, and nothing after it. */
	object = peek(&p) == '{';
	if ((!object && peek(&p) != '[') || parse_value(&p, 0))
		return -1;
	skip_ws(&p);
	if (p.s != p.end)
		return -1;
	return object ? complete(&p, 0, -1) : 0;
}

static void from_json(struct jv_doc *d, json_t *j)
{
	unsigned int at = jv_add(d, JV_OTHER), child;
	const char *name;
	json_t *v;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		d->v[at].type = JV_OBJECT;
		d->v[at].n = json_object_size(j);
		json_object_foreach(j, name, v) {
			child = d->n;
			from_json(d, v);
			d->v[child].key = key_of(name, strlen(name));
			d->v[child].name = name;
		}
		break;
	case JSON_ARRAY:
		d->v[at].type = JV_ARRAY;
		d->v[at].n = json_array_size(j);
		json_array_foreach(j, i, v)
			from_json(d, v);
		break;
	case JSON_STRING:
		d->v[at].type = JV_STRING;
		d->v[at].u.s = json_string_value(j);
		d->v[at].n = json_string_length(j);
		break;
	case JSON_INTEGER:
		d->v[at].type = JV_INTEGER;
		d->v[at].u.i = json_integer_value(j);
		break;
	default:
		break;
	}
	d->v[at].size = d->n - at;
}

/**
 * jv_from_json() - the slow path: @root as a tree
 * @d: zeroed; owns a reference to @root from now on
 */
void jv_from_json(struct jv_doc *d, json_t *root)
{
	d->root = json_incref(root);
	from_json(d, root);
}
