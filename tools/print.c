// SPDX-License-Identifier: GPL-2.0
/*
 * One printer for both outputs: in JSON mode the calls build a jansson tree
 * that print_end() writes out whole; in text mode they print at once.
 */

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

#include "print.h"

#define PRINT_MAX_DEPTH 16

static FILE *print_out;
static bool print_json;
static bool pretty;
static json_t *stack[PRINT_MAX_DEPTH];
static const char *stack_key[PRINT_MAX_DEPTH];
static int depth = -1;

static void print_add(const char *key, json_t *value)
{
	json_t *top;

	if (depth < 0) {
		stack[++depth] = value;
		return;
	}
	top = stack[depth];
	if (json_is_array(top))
		json_array_append_new(top, value);
	else
		json_object_set_new(top, key, value);
}

static void print_push(const char *key, json_t *value)
{
	if (depth + 1 >= PRINT_MAX_DEPTH) {
		fprintf(stderr, "compfwctl: output nested too deeply\n");
		exit(1);
	}
	stack[++depth] = value;
	stack_key[depth] = key;
}

static void print_pop(void)
{
	json_t *value = stack[depth];
	const char *key = stack_key[depth];

	if (depth == 0)
		return;
	depth--;
	print_add(key, value);
}

void print_start(FILE *out, bool json)
{
	print_out = out;
	print_json = json;
	depth = -1;
}

void print_pretty(bool on)
{
	pretty = on;
}

bool print_is_json(void)
{
	return print_json;
}

void print_end(void)
{
	if (!print_json || depth < 0)
		return;
	json_dumpf(stack[0], print_out, (pretty ? JSON_INDENT(2) : JSON_INDENT(0) | JSON_COMPACT) |
		   JSON_PRESERVE_ORDER);
	fputc('\n', print_out);
	json_decref(stack[0]);
	depth = -1;
}

void print_open_object(const char *key)
{
	if (print_json)
		print_push(key, json_object());
}

void print_close_object(void)
{
	if (print_json)
		print_pop();
}

void print_open_array(const char *key)
{
	if (print_json)
		print_push(key, json_array());
}

void print_close_array(void)
{
	print_close_object();
}

void print_string(const char *key, const char *fmt, const char *value)
{
	if (print_json)
		print_add(key, json_string(value));
	else if (fmt)
		fprintf(print_out, fmt, value);
}

void print_uint(const char *key, const char *fmt, uint64_t value)
{
	if (print_json)
		print_add(key, json_integer((json_int_t)value));
	else if (fmt)
		fprintf(print_out, fmt, value);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (print_json)
		return;
	va_start(ap, fmt);
	vfprintf(print_out, fmt, ap);
	va_end(ap);
}

void print_bool(const char *key, const char *fmt, bool value)
{
	if (print_json)
		print_add(key, json_boolean(value));
	else if (fmt)
		fprintf(print_out, fmt, value ? "yes" : "no");
}

/* A value that is not there: JSON null, @text in text mode. */
void print_null(const char *key, const char *fmt, const char *text)
{
	if (print_json)
		print_add(key, json_null());
	else if (fmt)
		fprintf(print_out, fmt, text);
}

/*
 * A whole JSON document, such as a manifest: a member of the output in JSON
 * mode, indented JSON in text mode. Takes the reference to @value.
 */
void print_json_value(const char *key, json_t *value)
{
	if (print_json) {
		print_add(key, value);
		return;
	}
	json_dumpf(value, print_out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', print_out);
	json_decref(value);
}
