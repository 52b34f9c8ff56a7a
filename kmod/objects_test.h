/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_OBJECTS_TEST_H
#define _COMPFW_OBJECTS_TEST_H

#include <kunit/test.h>

struct compfw_net;
struct compfw_component;
struct compfw_manifest;
struct compfw_manifest_spec;

/*
 * The fixture of the objects' suites: each case has a namespace state of
 * its own (not a real namespace's), locked for the whole case, and fails
 * if an object it made outlives it.
 */
int cfwt_init(struct kunit *test);
void cfwt_exit(struct kunit *test);
void cfwt_lock(struct kunit *test);
void cfwt_unlock(struct kunit *test);

/*
 * KUnit runs .exit in another thread than the case: the lock the objects
 * want held is taken and released around the case itself. A case stopped
 * by a failed assertion ends with it held; cfwt_exit() says so.
 */
#define CFWT_LOCKED(fn)					\
static void fn##_locked(struct kunit *test)		\
{							\
	cfwt_lock(test);				\
	fn(test);					\
	cfwt_unlock(test);				\
}

struct compfw_net *cfwt_net(struct kunit *test);

struct compfw_component *cfwt_component(struct kunit *test, const char *name, u32 id);
void cfwt_del(struct kunit *test, struct compfw_component *comp);
struct compfw_manifest *cfwt_manifest(struct kunit *test,
				      const struct compfw_manifest_spec *spec);
struct compfw_manifest *cfwt_manifest_err(struct kunit *test,
					  const struct compfw_manifest_spec *spec,
					  int err, const char *msg);

#endif /* _COMPFW_OBJECTS_TEST_H */
