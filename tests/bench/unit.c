// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace runner for kmod/classify_test.c (through include/kunit/test.h),
 * plus what only userspace can check: every allocation failure during a
 * compile unwinds cleanly, and nothing leaks. KTAP-like output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <asm/byteorder.h>

#include "../../kmod/classify.h"

static struct kunit_suite *suites[8];
static unsigned int n_suites;

void kunit_shim_register(struct kunit_suite *s)
{
	if (n_suites < sizeof(suites) / sizeof(suites[0]))
		suites[n_suites++] = s;
}

/* Fail the nth allocation of a compile, for every n until one succeeds. */
static int alloc_failures(void)
{
	static const struct cfw_cidr ex[] = {
		{ .family = AF_INET, .prefix_len = 16, .addr.ip = 0x0000010a },
	};
	struct cfw_rule_spec r[64];
	struct cfw_l4match expo = { .l4proto = IPPROTO_TCP, .kind = CFW_L4_ALL };
	struct cfw_policy_spec s = {
		.exposure = &expo, .n_exposure = 1,
		.rules = { r, r + 32 }, .n_rules = { 32, 32 },
	};
	struct cfw_policy *p;
	long n;
	int i;

	for (i = 0; i < 64; i++) {
		r[i] = (struct cfw_rule_spec){ .id = i + 1, .peer_kind = i % 3,
			.l4 = { IPPROTO_TCP, CFW_L4_PORTS, i, 100 } };
		if (r[i].peer_kind == CFW_PEER_COMPONENT)
			r[i].peer_component = i;
		if (r[i].peer_kind != CFW_PEER_CIDR)
			continue;
		/* peer_component and cidr share storage: CIDR rules only */
		r[i].cidr.family = i & 4 ? AF_INET6 : AF_INET;
		r[i].cidr.prefix_len = 8 + i % 8;
		r[i].cidr.addr.ip = 0x0a;
		r[i].cidr.addr.ip6.s6_addr32[0] = 0x0a;
		if (r[i].cidr.family == AF_INET) {
			r[i].except = ex;
			r[i].n_except = 1;
		}
	}
	for (n = 0;; n++) {
		cfw_shim_fail_after = n;
		p = cfw_policy_compile(&s, NULL);
		cfw_shim_fail_after = -1;
		if (!IS_ERR(p))
			break;
		if (PTR_ERR(p) != -ENOMEM || cfw_shim_live_allocs) {
			printf("# alloc failure %ld: rc %ld, %ld live allocations\n",
			       n, PTR_ERR(p), cfw_shim_live_allocs);
			return 1;
		}
	}
	cfw_policy_free(p);
	printf("# %ld allocation failure points unwound\n", n);
	return cfw_shim_live_allocs != 0;
}

static int run_case(struct kunit_case *c)
{
	static struct kunit test;

	memset(&test, 0, sizeof(test));
	test.name = c->name;
	if (!setjmp(test.abort))
		c->run_case(&test);
	return test.failures;
}

int main(void)
{
	int failed = 0;
	unsigned int i, j, n;

	printf("KTAP version 1\n1..%u\n", n_suites + 1);
	for (i = 0; i < n_suites; i++) {
		int suite_failed = 0;

		for (n = 0; suites[i]->test_cases[n].run_case; n++)
			;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%u\n",
		       suites[i]->name, n);
		for (j = 0; j < n; j++) {
			struct kunit_case *c = &suites[i]->test_cases[j];
			int f = run_case(c);

			printf("    %s %u %s\n", f ? "not ok" : "ok", j + 1, c->name);
			suite_failed |= f != 0;
		}
		printf("%s %u %s\n", suite_failed ? "not ok" : "ok", i + 1,
		       suites[i]->name);
		failed |= suite_failed;
	}
	j = alloc_failures();
	printf("%s %u compfw_alloc_failures\n", j ? "not ok" : "ok", n_suites + 1);
	failed |= j;
	if (cfw_shim_live_allocs) {
		printf("# %ld allocations leaked\n", cfw_shim_live_allocs);
		failed = 1;
	}
	return failed;
}
