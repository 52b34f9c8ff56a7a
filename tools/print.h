/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text and JSON come from the same calls, as in iproute2's json_print.h, so
 * that the two outputs never drift apart.
 */
#ifndef _COMPFWCTL_PRINT_H
#define _COMPFWCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

void print_start(FILE *out, bool json);
/* -p: JSON indented, one member a line. */
void print_pretty(bool on);
void print_end(void);
bool print_is_json(void);

void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/* @fmt is used in text mode only; @key names the field in JSON. */
void print_string(const char *key, const char *fmt, const char *value);
void print_uint(const char *key, const char *fmt, uint64_t value);
/* @fmt gets "yes" or "no" in text mode. */
void print_bool(const char *key, const char *fmt, bool value);
void print_null(const char *key, const char *fmt, const char *text);
void print_json_value(const char *key, json_t *value);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _COMPFWCTL_PRINT_H */
