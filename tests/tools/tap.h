/* SPDX-License-Identifier: GPL-2.0 */
/* The TAP helpers every test_*.c file shares; test_cli.c holds main(). */
#ifndef _COMPFW_TEST_TAP_H
#define _COMPFW_TEST_TAP_H

#include <stdio.h>

void result(int ok, const char *name, const char *got);
void expect_str(const char *name, const char *got, const char *want);
void expect_has(const char *name, const char *got, const char *want);
char *capture(FILE **stream, void (*fn)(void *), void *arg);
char *slurp(const char *path, size_t *len);

/* Each file's tests; the manifests are in tests/tools/manifests/. */
void test_manifest(const char *dir);
void test_persona(const char *dir);
void test_attrpath(const char *dir);
void test_component(const char *dir);
void test_cgroup(void);

#endif /* _COMPFW_TEST_TAP_H */
