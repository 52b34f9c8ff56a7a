/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the few KUnit pieces classify_test.c uses, so that the
 * same cases run in userspace (tests/bench/unit.c) under valgrind.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H
#include <linux/types.h>
#include <linux/err.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

struct kunit {
	const char *name;
	int failures;
	jmp_buf abort;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(f)	{ .run_case = f, .name = #f }

void kunit_shim_register(struct kunit_suite *s);

#define kunit_test_suites(...)						\
	static struct kunit_suite *cfw_shim_suites[] = { __VA_ARGS__ };	\
	static void __attribute__((constructor)) cfw_shim_reg(void)	\
	{								\
		unsigned int i;						\
		for (i = 0; i < sizeof(cfw_shim_suites) / sizeof(cfw_shim_suites[0]); i++) \
			kunit_shim_register(cfw_shim_suites[i]);	\
	}
#define kunit_test_suite(s)	kunit_test_suites(&s)

#define KUNIT_SHIM_FAIL(test, fatal, fmt, ...) do {			\
	fprintf(stderr, "    %s:%d: %s: " fmt "\n", __FILE__, __LINE__,	\
		(test)->name, ##__VA_ARGS__);				\
	(test)->failures++;						\
	if (fatal)							\
		longjmp((test)->abort, 1);				\
} while (0)

#define KUNIT_SHIM_BINOP(test, fatal, l, op, r, fmt, ...) do {	\
	long long _l = (long long)(l), _r = (long long)(r);		\
	if (!(_l op _r))						\
		KUNIT_SHIM_FAIL(test, fatal, "%s %s %s (%lld vs %lld) " fmt, \
				#l, #op, #r, _l, _r, ##__VA_ARGS__);	\
} while (0)

#define KUNIT_EXPECT_EQ(t, l, r)		KUNIT_SHIM_BINOP(t, 0, l, ==, r, "")
#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...)	KUNIT_SHIM_BINOP(t, 0, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_NE(t, l, r)		KUNIT_SHIM_BINOP(t, 0, l, !=, r, "")
#define KUNIT_EXPECT_LE(t, l, r)		KUNIT_SHIM_BINOP(t, 0, l, <=, r, "")
#define KUNIT_EXPECT_GT(t, l, r)		KUNIT_SHIM_BINOP(t, 0, l, >, r, "")
#define KUNIT_ASSERT_EQ(t, l, r)		KUNIT_SHIM_BINOP(t, 1, l, ==, r, "")
#define KUNIT_EXPECT_TRUE(t, c)			KUNIT_SHIM_BINOP(t, 0, !!(c), ==, 1, "")
#define KUNIT_EXPECT_FALSE(t, c)		KUNIT_SHIM_BINOP(t, 0, !!(c), ==, 0, "")
#define KUNIT_ASSERT_TRUE(t, c)			KUNIT_SHIM_BINOP(t, 1, !!(c), ==, 1, "")
#define KUNIT_EXPECT_STREQ(t, l, r) do {				\
	const char *_l = (l), *_r = (r);				\
	if (!_l || !_r || strcmp(_l, _r))				\
		KUNIT_SHIM_FAIL(t, 0, "%s == %s (\"%s\" vs \"%s\")",	\
				#l, #r, _l ? _l : "(null)", _r ? _r : "(null)"); \
} while (0)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) do {				\
	if (IS_ERR_OR_NULL(p))						\
		KUNIT_SHIM_FAIL(t, 1, "%s is %ld", #p, PTR_ERR(p));	\
} while (0)
#endif
