/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 paths and the limit files compfwctl writes for a manifest.
 */
#ifndef _COMPFWCTL_CGROUP_H
#define _COMPFWCTL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

#define CGROUP_MOUNTS "/proc/self/mounts"
/* io.max lists every device with a limit: room for a few hundred. */
#define CGROUP_VALUE_MAX 8192

/**
 * struct limit_write - one limit file to change, and how to change it back
 * @path: the file, e.g. /sys/fs/cgroup/app/web/cpu.max
 * @which: cpu, memory or io
 * @value: what to write
 * @old: what it held before, read by limit_prepare()
 * @written: @value was written, so limit_restore() has work to do
 * @manifest: index in the batch, to name the manifest in errors
 */
struct limit_write {
	char path[PATH_MAX];
	enum mf_limit which;
	const char *value;
	char old[CGROUP_VALUE_MAX];
	bool written;
	unsigned int manifest;
};

int cgroup_mount(const char *mounts, char *out, size_t size);
int cgroup_normalise(const char *mnt, const char *in, char *out, size_t size,
		     const char **why);
int cgroup_limit_path(char *out, size_t size, const char *mnt,
		      const char *cgroup, enum mf_limit which);
int cgroup_read(const char *path, char *buf, size_t size);
int cgroup_write(const char *path, const char *value);

int limit_prepare(struct limit_write *w, const char *mnt, const char *cgroup);
int limit_write(struct limit_write *w);
int limit_restore(struct limit_write *w);
int limits_write_all(struct limit_write *w, unsigned int n,
		     unsigned int *failed, int *unrestored);
const char *limit_restore_value(const struct limit_write *w, char *buf,
				size_t size);

#endif /* _COMPFWCTL_CGROUP_H */
