// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup paths and the limit files, against a directory that stands in for
 * the cgroup2 mount.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tools/cgroup.h"
#include "tap.h"

static void normalise(void)
{
	static const struct {
		const char *mnt, *in, *want;
	} cases[] = {
		{ "/sys/fs/cgroup", "/sys/fs/cgroup/app/web", "/app/web" },
		{ "/sys/fs/cgroup", "/app/web", "/app/web" },
		{ "/sys/fs/cgroup", "//app//web/", "/app/web" },
		{ "/sys/fs/cgroup", "/sys/fs/cgroup", "/" },
		{ "/sys/fs/cgroup", "/sys/fs/cgroup/", "/" },
		{ "/sys/fs/cgroup", "/", "/" },
		{ "/sys/fs/cgroup", "/sys/fs/cgroupx/a", "/sys/fs/cgroupx/a" },
		{ "/sys/fs/cgroup/unified", "/sys/fs/cgroup/unified/a.slice/b", "/a.slice/b" },
		{ NULL, "/sys/fs/cgroup/app", "/sys/fs/cgroup/app" },
		{ "/sys/fs/cgroup", "/app/..web", "/app/..web" },
	};
	static const struct {
		const char *in, *why;
	} refused[] = {
		{ "app/web", "is not absolute (give /sys/fs/cgroup/... or /...)" },
		{ "/app/../etc", "must not contain \".\" or \"..\"" },
		{ "/sys/fs/cgroup/./app", "must not contain \".\" or \"..\"" },
		{ "", "is not absolute (give /sys/fs/cgroup/... or /...)" },
	};
	char out[256], name[128];
	const char *why;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "cgroup path %s -> %s", cases[i].in,
			 cases[i].want);
		expect_str(name, cgroup_normalise(cases[i].mnt, cases[i].in, out,
						  sizeof(out), &why) ? why : out,
			   cases[i].want);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(name, sizeof(name), "cgroup path \"%s\" refused",
			 refused[i].in);
		expect_str(name, cgroup_normalise("/sys/fs/cgroup", refused[i].in,
						  out, sizeof(out), &why) ? why :
			   out, refused[i].why);
	}
}

static void mounts(const char *tmp)
{
	char path[512], out[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/mounts", tmp);
	f = fopen(path, "w");
	fputs("proc /proc proc rw 0 0\n"
	      "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"
	      "cgroup2 /sys/fs/cgroup/my\\040root cgroup2 rw 0 0\n"
	      "cgroup2 /second cgroup2 rw 0 0\n", f);
	fclose(f);
	result(!cgroup_mount(path, out, sizeof(out)) &&
	       !strcmp(out, "/sys/fs/cgroup/my root"),
	       "cgroup2 mount found, \\040 unescaped, first one wins", out);
	f = fopen(path, "w");
	fputs("cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n", f);
	fclose(f);
	result(cgroup_mount(path, out, sizeof(out)) == -ENOENT,
	       "no cgroup2 mount: -ENOENT", NULL);
}

static void put(const char *dir, const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static char *get(const char *dir, const char *file)
{
	static char buf[CGROUP_VALUE_MAX];
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return cgroup_read(path, buf, sizeof(buf)) ? "(unreadable)" : buf;
}

static void limits(const char *tmp)
{
	char dir[256], buf[512];
	struct limit_write w[3] = {
		{ .which = MF_LIMIT_CPU, .value = "50000 100000" },
		{ .which = MF_LIMIT_IO, .value = "8:16 rbps=1048576" },
		{ .which = MF_LIMIT_MEMORY, .value = "268435456" },
	};
	unsigned int failed = 99, i;
	int unrestored, err = 0;

	snprintf(dir, sizeof(dir), "%s/app/web", tmp);
	mkdir(dir, 0755);
	put(dir, "cpu.max", "max 100000\n");
	put(dir, "io.max", "8:0 rbps=5 wbps=max riops=max wiops=max\n");
	put(dir, "memory.max", "max\n");
	for (i = 0; i < 3; i++)
		err |= limit_prepare(&w[i], tmp, "/app/web");
	result(!err && !strcmp(w[0].old, "max 100000") &&
	       !strcmp(w[2].path + strlen(tmp), "/app/web/memory.max"),
	       "limits: old values read, newline dropped", w[0].old);
	expect_str("limits: io.max restore lifts a device that had no limit",
		   limit_restore_value(&w[1], buf, sizeof(buf)),
		   "8:16 rbps=max wbps=max riops=max wiops=max");
	w[1].value = "8:0 rbps=1";
	expect_str("limits: io.max restore puts the device's old line back",
		   limit_restore_value(&w[1], buf, sizeof(buf)),
		   "8:0 rbps=5 wbps=max riops=max wiops=max");

	/* memory.max cannot be written: what was written goes back. */
	put(dir, "memory.max", "");
	snprintf(buf, sizeof(buf), "%s/memory.max", dir);
	unlink(buf);
	mkdir(buf, 0755);
	err = limits_write_all(w, 3, &failed, &unrestored);
	result(err == -EISDIR && failed == 2 && unrestored == -1,
	       "limits: a failed write is reported with its index", NULL);
	expect_str("limits: cpu.max restored after the failure",
		   get(dir, "cpu.max"), "max 100000");
	expect_str("limits: io.max restored after the failure",
		   get(dir, "io.max"), "8:0 rbps=5 wbps=max riops=max wiops=max");

	rmdir(buf);
	put(dir, "memory.max", "max\n");
	err = limits_write_all(w, 3, &failed, &unrestored);
	result(!err && !strcmp(get(dir, "cpu.max"), "50000 100000") &&
	       !strcmp(get(dir, "memory.max"), "268435456"),
	       "limits: all written when all can be", get(dir, "cpu.max"));
}

void test_cgroup(void)
{
	char tmp[] = "/tmp/compfw-test-XXXXXX", cmd[64];

	normalise();
	if (!mkdtemp(tmp)) {
		result(0, "temporary directory", NULL);
		return;
	}
	mounts(tmp);
	snprintf(cmd, sizeof(cmd), "%s/app", tmp);
	mkdir(cmd, 0755);
	limits(tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd))
		result(0, "temporary directory removed", NULL);
}
