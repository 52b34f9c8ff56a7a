// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of components (component.c) through their netlink-free calls:
 * add, install, rollback and delete on plain specs, in a private namespace
 * state. What is checked is what a user would see through the family: the
 * manifest in force, the generation, the counts, and why a call is refused.
 * Built into compfw.ko with CONFIG_COMPFW_KUNIT_TEST (see kmod/Kconfig).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "component.h"
#include "manifest.h"
#include "netns.h"
#include "objects_test.h"

static const struct cfw_rule_spec any_tcp[] = {
	{ .id = 1, .peer_kind = CFW_PEER_ANY,
	  .l4 = { .l4proto = IPPROTO_TCP, .kind = CFW_L4_ALL } },
	{ .id = 2, .peer_kind = CFW_PEER_ANY,
	  .l4 = { .l4proto = IPPROTO_UDP, .kind = CFW_L4_ALL } },
};

/* A manifest of @n egress rules (at most 2), optionally naming @peer. */
static struct compfw_manifest *manifest(struct kunit *test, const char *version,
					u32 n, u32 peer)
{
	struct cfw_rule_spec *rules = kunit_kcalloc(test, n + 1, sizeof(*rules), GFP_KERNEL);
	struct compfw_manifest_spec s = {
		.version = version, .nflog_group = -1, .policy = { .max_rules = 100 },
	};

	KUNIT_ASSERT_NOT_NULL(test, rules);
	memcpy(rules, any_tcp, n * sizeof(*rules));
	if (peer) {
		rules[n].id = 10;
		rules[n].peer_kind = CFW_PEER_COMPONENT;
		rules[n].peer_component = peer;
		n++;
	}
	s.policy.rules[CFW_DIR_EGRESS] = rules;
	s.policy.n_rules[CFW_DIR_EGRESS] = n;
	return cfwt_manifest(test, &s);
}

static const char *version_in_force(struct kunit *test, struct compfw_component *comp)
{
	struct compfw_manifest *m;

	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cfwt_net(test)->lock));
	return m ? m->version : "(unmanaged)";
}

static void component_is_found_by_name_and_id(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *a = cfwt_component(test, "web", 0);
	struct compfw_component *b = cfwt_component(test, "db", 9);

	KUNIT_EXPECT_PTR_EQ(test, compfw_component_by_name(cnet, "web"), a);
	KUNIT_EXPECT_PTR_EQ(test, compfw_component_by_id(cnet, 9), b);
	KUNIT_EXPECT_PTR_EQ(test, compfw_component_by_id(cnet, a->id), a);
	KUNIT_EXPECT_NE(test, a->id, 0);
	KUNIT_EXPECT_LT(test, a->serial, b->serial);
	KUNIT_EXPECT_EQ(test, cnet->components, 2);
	KUNIT_EXPECT_FALSE(test, compfw_component_managed(a));
	cfwt_del(test, a);
	KUNIT_EXPECT_NULL(test, compfw_component_by_name(cnet, "web"));
	KUNIT_EXPECT_EQ(test, cnet->components, 1);
}

static void component_add_refuses(struct kunit *test, const struct compfw_component_spec *s,
				  int want, const char *msg)
{
	struct netlink_ext_ack extack = {};
	struct compfw_component *comp;

	comp = compfw_component_add(cfwt_net(test), s, &extack);
	KUNIT_ASSERT_TRUE_MSG(test, IS_ERR(comp), "adding %s should fail", s->name);
	KUNIT_EXPECT_EQ(test, PTR_ERR(comp), want);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_STREQ(test, extack._msg, msg);
}

static void component_names_ids_and_cgroups_are_unique(struct kunit *test)
{
	struct compfw_component_spec s = { .name = "web", .cgroup_path = "/" };
	struct netlink_ext_ack extack = {};

	KUNIT_ASSERT_FALSE(test, IS_ERR(compfw_component_add(cfwt_net(test), &s, &extack)));
	component_add_refuses(test, &s, -EEXIST, "a component with this name exists");
	s.name = "api";
	component_add_refuses(test, &s, -EEXIST, "the cgroup belongs to another component");
	s.cgroup_path = "/compfw-kunit-no-such-cgroup/../x";
	component_add_refuses(test, &s, -EINVAL,
			      "cgroup path must be /A/B, without empty, \".\" or \"..\" parts");
	cfwt_component(test, "db", 5);
	s.cgroup_path = NULL;
	s.id = 5;
	component_add_refuses(test, &s, -EEXIST, "component ID in use");
	KUNIT_EXPECT_EQ(test, cfwt_net(test)->components, 2);
}

static void restore_max_components(void *saved)
{
	compfw_max_components = (unsigned long)saved;
}

static void component_count_is_capped(struct kunit *test)
{
	struct compfw_component_spec s = { .name = "third" };
	void *saved = (void *)(unsigned long)compfw_max_components;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_max_components, saved), 0);
	compfw_max_components = 2;
	cfwt_component(test, "first", 0);
	cfwt_component(test, "second", 0);
	component_add_refuses(test, &s, -ENOSPC,
			      "too many components (module parameter max_components)");
}

/* Install keeps the manifest it replaces; rollback swaps the two. */
static void component_rolls_back_and_forth(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *c = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};

	compfw_component_install(cnet, c, manifest(test, "v1", 1, 0));
	KUNIT_EXPECT_TRUE(test, compfw_component_managed(c));
	KUNIT_EXPECT_EQ(test, c->generation, 1);
	KUNIT_EXPECT_EQ(test, cnet->rules, 1);
	compfw_component_install(cnet, c, manifest(test, "v2", 2, 0));
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v2");
	KUNIT_EXPECT_EQ(test, cnet->rules, 2);

	KUNIT_ASSERT_EQ(test, compfw_component_rollback(cnet, c, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v1");
	KUNIT_EXPECT_EQ(test, cnet->rules, 1);
	KUNIT_EXPECT_EQ(test, c->generation, 3);
	KUNIT_ASSERT_EQ(test, compfw_component_rollback(cnet, c, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v2");
	KUNIT_EXPECT_EQ(test, cnet->rules, 2);

	/* A third manifest pushes the oldest out. */
	compfw_component_install(cnet, c, manifest(test, "v3", 1, 0));
	KUNIT_ASSERT_EQ(test, compfw_component_rollback(cnet, c, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v2");
	cfwt_del(test, c);
	KUNIT_EXPECT_EQ(test, cnet->rules, 0);
}

static void component_first_rollback_unmanages(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *c = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	int ret;

	ret = compfw_component_rollback(cnet, c, &extack);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "no previous manifest to roll back to");
	KUNIT_EXPECT_EQ(test, c->generation, 0);

	compfw_component_install(cnet, c, manifest(test, "v1", 2, 0));
	KUNIT_ASSERT_EQ(test, compfw_component_rollback(cnet, c, &extack), 0);
	KUNIT_EXPECT_FALSE(test, compfw_component_managed(c));
	KUNIT_EXPECT_EQ(test, cnet->rules, 0);
	KUNIT_ASSERT_EQ(test, compfw_component_rollback(cnet, c, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v1");
}

static void component_named_as_a_peer_stays(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *db = cfwt_component(test, "db", 0);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};

	compfw_component_install(cnet, web, manifest(test, "v1", 1, db->id));
	KUNIT_EXPECT_EQ(test, compfw_component_del(cnet, db, &extack), -EBUSY);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "the manifest of component \"web\" names it as a peer");
	KUNIT_EXPECT_PTR_EQ(test, compfw_component_by_name(cnet, "db"), db);

	/* Only the manifest in force counts: a previous one may lose its peer... */
	compfw_component_install(cnet, web, manifest(test, "v2", 1, 0));
	cfwt_del(test, db);
	/* ...and then cannot come back. */
	extack._msg = NULL;
	KUNIT_EXPECT_EQ(test, compfw_component_rollback(cnet, web, &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "peer \"db\" was deleted");
	KUNIT_EXPECT_STREQ(test, version_in_force(test, web), "v2");
}

/* A new component with a deleted one's ID is not that peer. */
static void component_id_reuse_is_not_the_peer(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *db = cfwt_component(test, "db", 4);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};

	compfw_component_install(cnet, web, manifest(test, "v1", 0, 4));
	compfw_component_install(cnet, web, manifest(test, "v2", 0, 0));
	cfwt_del(test, db);
	cfwt_component(test, "impostor", 4);
	KUNIT_EXPECT_EQ(test, compfw_component_rollback(cnet, web, &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "peer \"db\" was deleted");
}

static void restore_history_depth(void *saved)
{
	compfw_history_depth = (unsigned long)saved;
}

/* The last history_depth versions, any of which comes back by generation. */
static void component_keeps_its_last_versions(struct kunit *test)
{
	static const char *const names[] = {
		"v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
	};
	void *saved = (void *)(unsigned long)compfw_history_depth;
	struct compfw_net *cnet = cfwt_net(test);
	size_t memory = cnet->memory;
	struct netlink_ext_ack extack = {};
	struct compfw_component *c;
	int i;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_history_depth, saved), 0);
	compfw_history_depth = 4;
	c = cfwt_component(test, "web", 0);
	KUNIT_EXPECT_EQ(test, c->history.n, 1);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		compfw_component_install(cnet, c, manifest(test, names[i], 1 + i % 2, 0));
	KUNIT_EXPECT_EQ(test, c->history.n, 4);
	KUNIT_EXPECT_EQ(test, c->generation, 10);

	/* Generation 7 was v7's; 6 was pushed out, 10 is in force. */
	KUNIT_ASSERT_EQ(test, compfw_component_rollback_to(cnet, c, 7, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v7");
	KUNIT_EXPECT_EQ(test, cnet->rules, 1);
	KUNIT_EXPECT_EQ(test, c->history.n, 4);
	KUNIT_EXPECT_EQ(test, compfw_component_rollback_to(cnet, c, 6, &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "generation 6 is not in the component's history");
	KUNIT_EXPECT_EQ(test, compfw_component_rollback_to(cnet, c, 11, &extack), -EALREADY);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v7");

	/* A plain rollback returns to v10, the one in force before v7. */
	KUNIT_ASSERT_EQ(test, compfw_component_rollback(cnet, c, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v10");
	KUNIT_EXPECT_EQ(test, cnet->rules, 2);
	KUNIT_ASSERT_EQ(test, compfw_component_rollback_to(cnet, c, 11, &extack), 0);
	KUNIT_EXPECT_STREQ(test, version_in_force(test, c), "v7");

	/* What the kept versions took is given back with the component. */
	cfwt_del(test, c);
	KUNIT_EXPECT_EQ(test, cnet->memory, memory);
	KUNIT_EXPECT_EQ(test, cnet->rules, 0);
}

CFWT_LOCKED(component_is_found_by_name_and_id)
CFWT_LOCKED(component_names_ids_and_cgroups_are_unique)
CFWT_LOCKED(component_count_is_capped)
CFWT_LOCKED(component_rolls_back_and_forth)
CFWT_LOCKED(component_first_rollback_unmanages)
CFWT_LOCKED(component_named_as_a_peer_stays)
CFWT_LOCKED(component_id_reuse_is_not_the_peer)
CFWT_LOCKED(component_keeps_its_last_versions)

static struct kunit_case component_cases[] = {
	KUNIT_CASE(component_is_found_by_name_and_id_locked),
	KUNIT_CASE(component_names_ids_and_cgroups_are_unique_locked),
	KUNIT_CASE(component_count_is_capped_locked),
	KUNIT_CASE(component_rolls_back_and_forth_locked),
	KUNIT_CASE(component_first_rollback_unmanages_locked),
	KUNIT_CASE(component_named_as_a_peer_stays_locked),
	KUNIT_CASE(component_id_reuse_is_not_the_peer_locked),
	KUNIT_CASE(component_keeps_its_last_versions_locked),
	{}
};

static struct kunit_suite component_suite = {
	.name = "compfw_component",
	.init = cfwt_init,
	.exit = cfwt_exit,
	.test_cases = component_cases,
};

kunit_test_suite(component_suite);
