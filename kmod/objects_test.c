// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture shared by the KUnit suites of the objects (manifest_test.c,
 * component_test.c): a private namespace state, and the calls every case
 * makes, each asserting that it worked or failed as the case expects.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "account.h"
#include "component.h"
#include "manifest.h"
#include "netns.h"
#include "objects_test.h"

struct cfwt {
	struct compfw_net cnet;
	long objects;
};

/* Frees are queued through call_rcu() onto compfw_wq: let them all run. */
static void cfwt_settle(void)
{
	rcu_barrier();
	flush_workqueue(compfw_wq);
}

int cfwt_init(struct kunit *test)
{
	struct cfwt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	cfwt_settle();
	t->objects = compfw_objects_alive();
	KUNIT_ASSERT_EQ(test, compfw_net_setup(&t->cnet, &init_net), 0);
	test->priv = t;
	return 0;
}

void cfwt_lock(struct kunit *test)
{
	mutex_lock(&cfwt_net(test)->lock);
}

void cfwt_unlock(struct kunit *test)
{
	mutex_unlock(&cfwt_net(test)->lock);
}

void cfwt_exit(struct kunit *test)
{
	struct cfwt *t = test->priv;

	/* The thread that held it is gone: leave the state, the case failed. */
	if (mutex_is_locked(&t->cnet.lock)) {
		KUNIT_FAIL(test, "the case ended with its namespace state locked");
		return;
	}
	compfw_net_teardown(&t->cnet);
	cfwt_settle();
	KUNIT_EXPECT_EQ_MSG(test, compfw_objects_alive(), t->objects,
			    "objects made by the case outlive it");
}

struct compfw_net *cfwt_net(struct kunit *test)
{
	return &((struct cfwt *)test->priv)->cnet;
}

struct compfw_component *cfwt_component(struct kunit *test, const char *name, u32 id)
{
	struct compfw_component_spec spec = { .name = name, .id = id };
	struct netlink_ext_ack extack = {};
	struct compfw_component *comp;

	comp = compfw_component_add(cfwt_net(test), &spec, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(comp), "adding %s: %s", name,
			       extack._msg ?: "(no message)");
	return comp;
}

void cfwt_del(struct kunit *test, struct compfw_component *comp)
{
	struct netlink_ext_ack extack = {};

	KUNIT_ASSERT_EQ_MSG(test, compfw_component_del(cfwt_net(test), comp, &extack), 0,
			    "deleting: %s", extack._msg ?: "(no message)");
}

struct compfw_manifest *cfwt_manifest(struct kunit *test,
				      const struct compfw_manifest_spec *spec)
{
	struct netlink_ext_ack extack = {};
	struct compfw_manifest *m;
	struct cfw_compile_err err;

	m = compfw_manifest_create(cfwt_net(test), spec, &err, &extack);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(m), "creating a manifest: %s",
			       extack._msg ?: "(no message)");
	return m;
}

struct compfw_manifest *cfwt_manifest_err(struct kunit *test,
					  const struct compfw_manifest_spec *spec,
					  int want, const char *msg)
{
	struct netlink_ext_ack extack = {};
	struct compfw_manifest *m;
	struct cfw_compile_err err;

	m = compfw_manifest_create(cfwt_net(test), spec, &err, &extack);
	if (!IS_ERR(m))
		compfw_manifest_free(m);
	KUNIT_ASSERT_TRUE_MSG(test, IS_ERR(m), "a manifest that should fail with \"%s\"", msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR(m), want);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack._msg, msg), "message \"%s\"", extack._msg);
	return m;
}
