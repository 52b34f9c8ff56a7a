// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of manifests (manifest.c) through their netlink-free calls:
 * a manifest is made from a plain struct compfw_manifest_spec in a private
 * namespace state, and what it says, refuses or counts is checked. Built
 * into compfw.ko with CONFIG_COMPFW_KUNIT_TEST (see kmod/Kconfig).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "account.h"
#include "component.h"
#include "manifest.h"
#include "netns.h"
#include "objects_test.h"

#define IP(a, b, c, d)	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

/* TCP to port @port of @a/@len, as rule @id. */
static struct cfw_rule_spec tcp_to(u32 id, u32 a, u8 len, u16 port)
{
	struct cfw_rule_spec r = {
		.id = id, .peer_kind = CFW_PEER_CIDR,
		.l4 = { .l4proto = IPPROTO_TCP, .kind = CFW_L4_PORTS, .lo = port, .hi = port },
		.cidr = { .family = AF_INET, .prefix_len = len },
	};

	r.cidr.addr.ip = cpu_to_be32(a);
	return r;
}

static struct cfw_rule_spec to_component(u32 id, u32 peer)
{
	struct cfw_rule_spec r = { .id = id, .peer_kind = CFW_PEER_COMPONENT,
				   .peer_component = peer };

	return r;
}

/* An enforcing, non-logging manifest with @n egress rules. */
static struct compfw_manifest_spec egress_spec(const struct cfw_rule_spec *rules, u32 n)
{
	struct compfw_manifest_spec s = {
		.version = "v1", .mode = COMPFW_MODE_ENFORCE, .log = COMPFW_LOG_OFF,
		.nflog_group = -1,
		.policy = { .max_rules = 1000 },
	};

	s.policy.rules[CFW_DIR_EGRESS] = rules;
	s.policy.n_rules[CFW_DIR_EGRESS] = n;
	return s;
}

static bool egress_allows(const struct compfw_manifest *m, u32 a, u16 port)
{
	struct cfw_tuple t = { .family = AF_INET, .l4proto = IPPROTO_TCP, .port = port };

	t.peer.ip = cpu_to_be32(a);
	return cfw_classify(m->policy, CFW_DIR_EGRESS, &t).allow;
}

static void manifest_keeps_a_copy_of_its_spec(struct kunit *test)
{
	struct cfw_rule_spec rules[] = { tcp_to(1, IP(10, 0, 0, 0), 8, 443),
					 tcp_to(2, IP(192, 168, 1, 7), 32, 22) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));
	struct compfw_manifest *m;
	char version[] = "v1";

	s.version = version;
	m = cfwt_manifest(test, &s);
	/* The caller's arrays and strings may go once the call returns. */
	rules[0] = tcp_to(1, IP(11, 0, 0, 0), 8, 80);
	version[1] = '9';
	KUNIT_EXPECT_EQ(test, m->n_rules, 2);
	KUNIT_EXPECT_STREQ(test, m->version, "v1");
	KUNIT_EXPECT_TRUE(test, egress_allows(m, IP(10, 1, 2, 3), 443));
	KUNIT_EXPECT_FALSE(test, egress_allows(m, IP(11, 1, 2, 3), 80));
	KUNIT_EXPECT_TRUE(test, egress_allows(m, IP(192, 168, 1, 7), 22));
	KUNIT_EXPECT_FALSE(test, egress_allows(m, IP(192, 168, 1, 8), 22));
	KUNIT_EXPECT_GT(test, m->bytes, 0);
	compfw_manifest_free(m);
}

static void manifest_refuses_host_bits_and_says_where(struct kunit *test)
{
	struct cfw_rule_spec rules[] = { tcp_to(1, IP(10, 0, 0, 0), 8, 443),
					 tcp_to(2, IP(10, 0, 0, 1), 8, 443) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));
	struct netlink_ext_ack extack = {};
	struct cfw_compile_err err;
	struct compfw_manifest *m;

	m = compfw_manifest_create(cfwt_net(test), &s, &err, &extack);
	KUNIT_ASSERT_TRUE(test, IS_ERR(m));
	KUNIT_EXPECT_EQ(test, PTR_ERR(m), -EINVAL);
	KUNIT_EXPECT_EQ(test, err.section, CFW_ERR_EGRESS);
	KUNIT_EXPECT_EQ(test, err.index, 1);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "host bits"));
}

static void restore_max_component_rules(void *saved)
{
	compfw_max_component_rules = (unsigned long)saved;
}

static void manifest_refuses_more_rules_than_the_parameter(struct kunit *test)
{
	struct cfw_rule_spec rules[] = { tcp_to(1, IP(10, 0, 0, 0), 8, 1),
					 tcp_to(2, IP(10, 0, 0, 0), 8, 2) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));
	unsigned long saved = compfw_max_component_rules;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_max_component_rules,
							(void *)saved), 0);
	compfw_max_component_rules = 1;
	cfwt_manifest_err(test, &s, -E2BIG, "module parameter max_component_rules");
	compfw_max_component_rules = 2;
	compfw_manifest_free(cfwt_manifest(test, &s));
}

static void manifest_refuses_unknown_settings(struct kunit *test)
{
	struct compfw_manifest_spec s = egress_spec(NULL, 0);
	char version[COMPFW_VERSION_MAX + 1];

	s.mode = COMPFW_MODE_AUDIT + 1;
	cfwt_manifest_err(test, &s, -EINVAL, "unknown mode or log setting");
	s.mode = COMPFW_MODE_ENFORCE;
	s.log = COMPFW_LOG_ALL + 1;
	cfwt_manifest_err(test, &s, -EINVAL, "unknown mode or log setting");
	s.log = COMPFW_LOG_OFF;
	memset(version, 'v', sizeof(version) - 1);
	version[sizeof(version) - 1] = '\0';
	s.version = version;
	cfwt_manifest_err(test, &s, -EINVAL, "version string too long");
}

static void manifest_names_only_known_peers(struct kunit *test)
{
	struct cfw_rule_spec rules[] = { to_component(1, 42) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));

	cfwt_manifest_err(test, &s, -ENOENT, "unknown peer component");
}

/* A peer is remembered by serial: its ID may be reused by a newcomer. */
static void manifest_loses_a_deleted_peer(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct cfw_rule_spec rules[] = { to_component(1, 7) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));
	const struct compfw_peer_ref *lost;
	struct compfw_component *peer;
	struct compfw_manifest *m;

	peer = cfwt_component(test, "db", 7);
	m = cfwt_manifest(test, &s);
	KUNIT_EXPECT_TRUE(test, compfw_manifest_names(m, 7));
	KUNIT_EXPECT_FALSE(test, compfw_manifest_names(m, 8));
	KUNIT_EXPECT_NULL(test, compfw_manifest_lost_peer(cnet, m));

	cfwt_del(test, peer);
	cfwt_component(test, "db", 7);
	lost = compfw_manifest_lost_peer(cnet, m);
	KUNIT_ASSERT_NOT_NULL(test, lost);
	KUNIT_EXPECT_STREQ(test, lost->name, "db");
	KUNIT_EXPECT_EQ(test, lost->id, 7);
	compfw_manifest_free(m);
}

static void manifest_counts_each_rule(struct kunit *test)
{
	struct cfw_rule_spec rules[] = { tcp_to(30, IP(10, 0, 0, 0), 8, 1),
					 tcp_to(10, IP(10, 0, 0, 0), 8, 2),
					 tcp_to(20, IP(10, 0, 0, 0), 8, 3) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));
	struct compfw_manifest *m = cfwt_manifest(test, &s);
	const struct compfw_rule_stats *st;
	u32 i;

	compfw_manifest_count_rule(m, CFW_DIR_EGRESS, 20, 100, 5000);
	compfw_manifest_count_rule(m, CFW_DIR_EGRESS, 20, 60, 6000);
	compfw_manifest_count_rule(m, CFW_DIR_EGRESS, 99, 1000, 7000);
	compfw_manifest_count_rule(m, CFW_DIR_INGRESS, 10, 1000, 7000);
	for (i = 0; i < m->n_rules; i++) {
		st = &m->rule_stats[i];
		if (m->rules[i].id == 20) {
			KUNIT_EXPECT_EQ(test, atomic64_read(&st->packets), 2);
			KUNIT_EXPECT_EQ(test, atomic64_read(&st->bytes), 160);
			KUNIT_EXPECT_EQ(test, atomic64_read(&st->last_hit), 6000);
		} else {
			KUNIT_EXPECT_EQ(test, atomic64_read(&st->packets), 0);
		}
	}
	compfw_manifest_reset_counters(m);
	for (i = 0; i < m->n_rules; i++)
		KUNIT_EXPECT_EQ(test, atomic64_read(&m->rule_stats[i].packets), 0);
	compfw_manifest_free(m);
}

/* A retired manifest gives up its tables; revived, it says the same again. */
static void manifest_revives_as_it_was(struct kunit *test)
{
	struct cfw_rule_spec rules[] = { tcp_to(1, IP(10, 0, 0, 0), 8, 443) };
	struct compfw_manifest_spec s = egress_spec(rules, ARRAY_SIZE(rules));
	struct compfw_manifest *m = cfwt_manifest(test, &s);
	long bytes = compfw_bytes_alive();

	compfw_manifest_retire(m);
	KUNIT_EXPECT_TRUE(test, m->retired);
	KUNIT_EXPECT_LT(test, compfw_bytes_alive(), bytes);
	KUNIT_ASSERT_EQ(test, compfw_manifest_revive(m), 0);
	KUNIT_EXPECT_FALSE(test, m->retired);
	KUNIT_EXPECT_EQ(test, compfw_bytes_alive(), bytes);
	KUNIT_EXPECT_TRUE(test, egress_allows(m, IP(10, 9, 9, 9), 443));
	KUNIT_EXPECT_FALSE(test, egress_allows(m, IP(10, 9, 9, 9), 444));
	compfw_manifest_free(m);
}

static void manifest_holds_the_packet_logger(struct kunit *test)
{
	struct compfw_manifest_spec s = egress_spec(NULL, 0);
	struct compfw_manifest *m;

	s.log = COMPFW_LOG_DROPS;
	m = cfwt_manifest(test, &s);
	KUNIT_EXPECT_TRUE(test, m->syslog_held);
	compfw_manifest_free(m);
}

CFWT_LOCKED(manifest_keeps_a_copy_of_its_spec)
CFWT_LOCKED(manifest_refuses_host_bits_and_says_where)
CFWT_LOCKED(manifest_refuses_more_rules_than_the_parameter)
CFWT_LOCKED(manifest_refuses_unknown_settings)
CFWT_LOCKED(manifest_names_only_known_peers)
CFWT_LOCKED(manifest_loses_a_deleted_peer)
CFWT_LOCKED(manifest_counts_each_rule)
CFWT_LOCKED(manifest_revives_as_it_was)
CFWT_LOCKED(manifest_holds_the_packet_logger)

static struct kunit_case manifest_cases[] = {
	KUNIT_CASE(manifest_keeps_a_copy_of_its_spec_locked),
	KUNIT_CASE(manifest_refuses_host_bits_and_says_where_locked),
	KUNIT_CASE(manifest_refuses_more_rules_than_the_parameter_locked),
	KUNIT_CASE(manifest_refuses_unknown_settings_locked),
	KUNIT_CASE(manifest_names_only_known_peers_locked),
	KUNIT_CASE(manifest_loses_a_deleted_peer_locked),
	KUNIT_CASE(manifest_counts_each_rule_locked),
	KUNIT_CASE(manifest_revives_as_it_was_locked),
	KUNIT_CASE(manifest_holds_the_packet_logger_locked),
	{}
};

static struct kunit_suite manifest_suite = {
	.name = "compfw_manifest",
	.init = cfwt_init,
	.exit = cfwt_exit,
	.test_cases = manifest_cases,
};

kunit_test_suite(manifest_suite);
