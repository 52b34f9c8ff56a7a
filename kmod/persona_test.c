// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of personas (persona.c) and of the components that take them,
 * through their netlink-free calls, in a private namespace state: the face
 * in force after a switch, what a persona in use refuses, a replacement
 * rebuilding its users, and the namespace's counts coming back to zero.
 * Built into compfw.ko with CONFIG_COMPFW_KUNIT_TEST (see kmod/Kconfig).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/in.h>
#include <net/netlink.h>

#include "component.h"
#include "manifest.h"
#include "netns.h"
#include "objects_test.h"
#include "persona.h"

static struct compfw_manifest *in_force(struct kunit *test, struct compfw_component *comp)
{
	return rcu_dereference_protected(comp->manifest, lockdep_is_held(&cfwt_net(test)->lock));
}

/* A persona of @n egress rules to TCP ports 1..@n, its trigger @comm or @path. */
static struct compfw_persona *persona_of(struct kunit *test, const char *name, u32 n,
					 const char *comm, const char *path)
{
	struct cfw_rule_spec *rules = kunit_kcalloc(test, n, sizeof(*rules), GFP_KERNEL);
	struct compfw_persona_spec s = { .name = name };
	struct netlink_ext_ack extack = {};
	struct cfw_compile_err err;
	struct compfw_persona *p;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, rules);
	for (i = 0; i < n; i++) {
		rules[i].id = i + 1;
		rules[i].peer_kind = CFW_PEER_ANY;
		rules[i].l4.l4proto = IPPROTO_TCP;
		rules[i].l4.kind = CFW_L4_PORTS;
		rules[i].l4.lo = i + 1;
		rules[i].l4.hi = i + 1;
	}
	s.profile.nflog_group = -1;
	s.profile.policy.rules[CFW_DIR_EGRESS] = rules;
	s.profile.policy.n_rules[CFW_DIR_EGRESS] = n;
	s.traits.security_level = COMPFW_TRAIT_UNSET;
	s.traits.comm_mode = COMPFW_TRAIT_UNSET;
	s.traits.dscp = COMPFW_TRAIT_UNSET;
	s.traits.any_proto = true;
	if (comm)
		strscpy(s.traits.trigger_process, comm, sizeof(s.traits.trigger_process));
	s.traits.trigger_path = path;
	p = compfw_persona_create(cfwt_net(test), &s, &err, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(p), "creating %s: %s", name,
			       extack._msg ?: "(no message)");
	return p;
}

static struct compfw_persona *triggered(struct kunit *test, const char *name,
					const char *comm, const char *path)
{
	struct compfw_persona *p = persona_of(test, name, 1, comm, path);
	struct netlink_ext_ack extack = {};

	KUNIT_ASSERT_EQ_MSG(test, compfw_persona_add(cfwt_net(test), p, &extack), 0,
			    "adding %s: %s", name, extack._msg ?: "(no message)");
	return p;
}

static struct compfw_persona *persona(struct kunit *test, const char *name, u32 n)
{
	struct compfw_persona *p = persona_of(test, name, n, NULL, NULL);
	struct netlink_ext_ack extack = {};

	KUNIT_ASSERT_EQ_MSG(test, compfw_persona_add(cfwt_net(test), p, &extack), 0,
			    "adding %s: %s", name, extack._msg ?: "(no message)");
	return p;
}

/* A manifest taking personas a and b, a first, installed on @comp. */
static void take_a_and_b(struct kunit *test, struct compfw_component *comp)
{
	static const char *const names[] = { "a", "b" };
	struct compfw_manifest_spec header = { .version = "p", .nflog_group = -1 };
	struct netlink_ext_ack extack = {};
	struct compfw_manifest *m;

	m = compfw_persona_faces(cfwt_net(test), &header, names, 2, 0, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(m), "faces: %s", extack._msg ?: "(no message)");
	compfw_component_install(cfwt_net(test), comp, m);
}

static void persona_switch_swaps_the_face(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	struct compfw_persona_set *set;
	u32 gen;

	persona(test, "a", 1);
	persona(test, "b", 2);
	take_a_and_b(test, web);
	set = in_force(test, web)->set;
	KUNIT_ASSERT_NOT_NULL(test, set);
	KUNIT_EXPECT_PTR_EQ(test, in_force(test, web), set->face[0].m);
	KUNIT_EXPECT_STREQ(test, compfw_manifest_persona(in_force(test, web)), "a");
	KUNIT_EXPECT_EQ(test, cnet->rules, 1);
	gen = web->generation;
	KUNIT_EXPECT_EQ(test, compfw_component_take_persona(cnet, web, "b", COMPFW_CAUSE_API, NULL,
							    &extack), 1);
	KUNIT_EXPECT_PTR_EQ(test, in_force(test, web), set->face[1].m);
	KUNIT_EXPECT_EQ(test, in_force(test, web)->n_rules, 2);
	KUNIT_EXPECT_EQ(test, web->generation, gen + 1);
	KUNIT_EXPECT_EQ(test, cnet->rules, 2);
	/* Taking the persona in force changes nothing. */
	KUNIT_EXPECT_EQ(test, compfw_component_take_persona(cnet, web, "b", COMPFW_CAUSE_API, NULL,
							    &extack), 0);
	KUNIT_EXPECT_EQ(test, web->generation, gen + 1);
	KUNIT_EXPECT_EQ(test, compfw_component_take_persona(cnet, web, "c", COMPFW_CAUSE_API, NULL,
							    &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "the component's manifest does not name this persona");
}

static void persona_in_use_stays(struct kunit *test)
{
	static const char *const names[] = { "a", "gone" };
	struct compfw_manifest_spec header = { .nflog_group = -1 };
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	struct compfw_persona *a = persona(test, "a", 1);
	struct compfw_manifest *m;

	persona(test, "b", 1);
	m = compfw_persona_faces(cnet, &header, names, 2, 0, &extack);
	KUNIT_EXPECT_EQ(test, PTR_ERR(m), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "unknown persona \"gone\"");
	take_a_and_b(test, web);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, a, &extack), -EBUSY);
	KUNIT_EXPECT_STREQ(test, extack._msg, "the manifest of component \"web\" may take it");
	KUNIT_EXPECT_EQ(test, compfw_persona_users(cnet, a), 1);
	/* Once the manifest in force takes no personas, only its copy does. */
	compfw_component_install(cnet, web, cfwt_manifest(test, &header));
	KUNIT_EXPECT_EQ(test, compfw_persona_users(cnet, a), 0);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, a, &extack), 0);
	KUNIT_EXPECT_EQ(test, compfw_component_rollback(cnet, web, &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "persona \"a\" was deleted or changed");
}

static void persona_replace_rebuilds_its_users(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	u32 gen;

	persona(test, "a", 1);
	persona(test, "b", 1);
	take_a_and_b(test, web);
	KUNIT_ASSERT_EQ(test, compfw_component_take_persona(cnet, web, "b", COMPFW_CAUSE_API, NULL,
							    &extack), 1);
	gen = web->generation;
	KUNIT_ASSERT_EQ(test, compfw_persona_replace(cnet, persona_of(test, "b", 5, NULL, NULL),
						     &extack), 0);
	KUNIT_EXPECT_EQ(test, web->generation, gen + 1);
	KUNIT_EXPECT_STREQ(test, compfw_manifest_persona(in_force(test, web)), "b");
	KUNIT_EXPECT_EQ(test, in_force(test, web)->n_rules, 5);
	KUNIT_EXPECT_EQ(test, cnet->rules, 5);
	KUNIT_EXPECT_EQ(test, compfw_persona_users(cnet, compfw_persona_by_name(cnet, "b")), 1);
	KUNIT_EXPECT_EQ(test, compfw_component_rollback(cnet, web, &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "persona \"b\" was deleted or changed");
}

static void persona_counts_come_back_to_zero(struct kunit *test)
{
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	struct compfw_persona *a = persona(test, "a", 100);
	struct compfw_persona *b = persona(test, "b", 3);

	take_a_and_b(test, web);
	KUNIT_EXPECT_GT(test, cnet->memory, 0);
	cfwt_del(test, web);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, a, &extack), 0);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, b, &extack), 0);
	KUNIT_EXPECT_EQ(test, cnet->rules, 0);
	KUNIT_EXPECT_EQ(test, cnet->n_personas, 0);
	KUNIT_EXPECT_EQ(test, cnet->memory, 0);
}

/*
 * An exec finds the face its program triggers among many, by process name
 * or by path (never one for the other); two personas with one trigger are
 * refused; the set's copies of the paths are counted and freed.
 */
static void persona_triggers_find_their_face(struct kunit *test)
{
	struct compfw_manifest_spec header = { .nflog_group = -1 };
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	struct compfw_persona **p = kunit_kcalloc(test, 203, sizeof(*p), GFP_KERNEL);
	const char **names = kunit_kcalloc(test, 203, sizeof(*names), GFP_KERNEL);
	char comm[TASK_COMM_LEN];
	struct compfw_manifest *m;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, names);
	p[0] = triggered(test, "a", "mysql", NULL);
	p[1] = triggered(test, "b", NULL, "/usr/sbin/backup");
	p[2] = triggered(test, "c", NULL, NULL);
	for (i = 3; i < 203; i++) {
		char *name = kunit_kzalloc(test, 8, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, name);
		snprintf(name, 8, "t%03d", i);
		snprintf(comm, sizeof(comm), "trig%03d", i);
		p[i] = triggered(test, name, comm, NULL);
	}
	for (i = 0; i < 203; i++)
		names[i] = p[i]->name;
	m = compfw_persona_faces(cnet, &header, names, 203, 2, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(m), "faces: %s", extack._msg ?: "(no message)");
	compfw_component_install(cnet, web, m);
	KUNIT_EXPECT_TRUE(test, compfw_manifest_has_triggers(m));
	KUNIT_EXPECT_TRUE(test, compfw_manifest_path_triggers(m));
	KUNIT_EXPECT_EQ(test, compfw_manifest_trigger(m, "mysql", NULL), 0);
	KUNIT_EXPECT_EQ(test, compfw_manifest_trigger(m, "sh", "/usr/sbin/backup"), 1);
	KUNIT_EXPECT_EQ(test, compfw_manifest_trigger(m, "/usr/sbin/backup", NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, compfw_manifest_trigger(m, NULL, "mysql"), -ENOENT);
	for (i = 3; i < 203; i++) {
		snprintf(comm, sizeof(comm), "trig%03d", i);
		KUNIT_EXPECT_EQ(test, compfw_manifest_trigger(m, comm, NULL), i);
	}
	KUNIT_EXPECT_EQ(test, compfw_manifest_trigger(m, "trig999", "/bin/true"), -ENOENT);

	/* "a" and "d" both answer to mysql. */
	triggered(test, "d", "mysql", NULL);
	names[1] = "d";
	m = compfw_persona_faces(cnet, &header, names, 2, 0, &extack);
	KUNIT_EXPECT_TRUE(test, IS_ERR(m));
	KUNIT_EXPECT_STREQ(test, extack._msg, "personas \"a\" and \"d\" have the same trigger");

	cfwt_del(test, web);
	for (i = 0; i < 203; i++)
		KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, p[i], &extack), 0);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, compfw_persona_by_name(cnet, "d"), &extack),
			0);
	KUNIT_EXPECT_EQ(test, cnet->memory, 0);
}

static void restore_history_depth(void *saved)
{
	compfw_history_depth = (unsigned long)saved;
}

/*
 * A persona keeps its last history_depth definitions; a rollback brings
 * one back as a replace would, with its serial, so that the component's
 * versions compiled with it are good again and the others are not.
 */
static void persona_keeps_its_last_definitions(struct kunit *test)
{
	void *saved = (void *)(unsigned long)compfw_history_depth;
	struct compfw_net *cnet = cfwt_net(test);
	struct compfw_component *web = cfwt_component(test, "web", 0);
	struct netlink_ext_ack extack = {};
	struct compfw_persona *a;
	u32 comp_gen[7], n;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_history_depth, saved), 0);
	compfw_history_depth = 4;
	a = persona(test, "a", 1);
	persona(test, "b", 1);
	KUNIT_EXPECT_EQ(test, a->generation, 1);
	KUNIT_EXPECT_EQ(test, a->history.n, 1);
	take_a_and_b(test, web);
	for (n = 2; n <= 6; n++) {
		KUNIT_ASSERT_EQ(test, compfw_persona_replace(cnet, persona_of(test, "a", n, NULL,
									      NULL),
							     &extack), 0);
		comp_gen[n] = web->generation;
	}
	a = compfw_persona_by_name(cnet, "a");
	KUNIT_EXPECT_EQ(test, a->generation, 6);
	KUNIT_EXPECT_EQ(test, a->history.n, 4);
	KUNIT_EXPECT_EQ(test, compfw_persona_rollback(cnet, a, 6, &extack), -EALREADY);
	KUNIT_EXPECT_STREQ(test, extack._msg, "generation 6 is the definition in force");
	KUNIT_EXPECT_EQ(test, compfw_persona_rollback(cnet, a, 2, &extack), -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "generation 2 is not in the persona's history");

	/* Back to the five rules: the component with them. */
	KUNIT_ASSERT_EQ(test, compfw_persona_rollback(cnet, a, 0, &extack), 0);
	a = compfw_persona_by_name(cnet, "a");
	KUNIT_EXPECT_EQ(test, a->generation, 7);
	KUNIT_EXPECT_EQ(test, a->profile->n_rules, 5);
	KUNIT_EXPECT_EQ(test, in_force(test, web)->n_rules, 5);
	KUNIT_EXPECT_EQ(test, cnet->rules, 5);
	KUNIT_EXPECT_EQ(test, compfw_component_rollback_to(cnet, web, comp_gen[6], &extack),
			-ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "persona \"a\" was deleted or changed");
	KUNIT_EXPECT_EQ(test, compfw_component_rollback_to(cnet, web, comp_gen[5], &extack), 0);
	KUNIT_EXPECT_EQ(test, in_force(test, web)->n_rules, 5);

	/* Two plain rollbacks undo each other; --to reaches the oldest kept. */
	KUNIT_ASSERT_EQ(test, compfw_persona_rollback(cnet, a, 0, &extack), 0);
	a = compfw_persona_by_name(cnet, "a");
	KUNIT_EXPECT_EQ(test, a->profile->n_rules, 6);
	KUNIT_EXPECT_EQ(test, in_force(test, web)->n_rules, 6);
	KUNIT_ASSERT_EQ(test, compfw_persona_rollback(cnet, a, 4, &extack), 0);
	a = compfw_persona_by_name(cnet, "a");
	KUNIT_EXPECT_EQ(test, a->profile->n_rules, 4);
	KUNIT_EXPECT_EQ(test, a->generation, 9);
	KUNIT_EXPECT_EQ(test, a->history.n, 4);

	cfwt_del(test, web);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, a, &extack), 0);
	KUNIT_EXPECT_EQ(test, compfw_persona_del(cnet, compfw_persona_by_name(cnet, "b"), &extack),
			0);
	KUNIT_EXPECT_EQ(test, cnet->memory, 0);
}

CFWT_LOCKED(persona_switch_swaps_the_face)
CFWT_LOCKED(persona_triggers_find_their_face)
CFWT_LOCKED(persona_in_use_stays)
CFWT_LOCKED(persona_replace_rebuilds_its_users)
CFWT_LOCKED(persona_counts_come_back_to_zero)
CFWT_LOCKED(persona_keeps_its_last_definitions)

static struct kunit_case persona_cases[] = {
	KUNIT_CASE(persona_switch_swaps_the_face_locked),
	KUNIT_CASE(persona_triggers_find_their_face_locked),
	KUNIT_CASE(persona_in_use_stays_locked),
	KUNIT_CASE(persona_replace_rebuilds_its_users_locked),
	KUNIT_CASE(persona_counts_come_back_to_zero_locked),
	KUNIT_CASE(persona_keeps_its_last_definitions_locked),
	{}
};

static struct kunit_suite persona_suite = {
	.name = "compfw_persona",
	.init = cfwt_init,
	.exit = cfwt_exit,
	.test_cases = persona_cases,
};

kunit_test_suite(persona_suite);
