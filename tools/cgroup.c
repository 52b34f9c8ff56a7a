// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v2: where the hierarchy is mounted, the root-relative paths the
 * kernel wants, and the limit files (cpu.max, memory.max, io.max) that
 * compfwctl writes for a manifest and puts back when a batch fails.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"

/**
 * cgroup_mount() - where the cgroup v2 hierarchy is mounted
 * @mounts: a mounts table, normally CGROUP_MOUNTS
 * @out: the first cgroup2 mount point found
 * @size: size of @out
 *
 * Return: 0, -ENOENT when there is none, or another -errno.
 */
int cgroup_mount(const char *mounts, char *out, size_t size)
{
	FILE *f = setmntent(mounts, "re");
	struct mntent *ent;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	/* getmntent() undoes the table's octal escapes (\040 for a space). */
	while ((ent = getmntent(f))) {
		if (strcmp(ent->mnt_type, "cgroup2"))
			continue;
		ret = snprintf(out, size, "%s", ent->mnt_dir) < (int)size ? 0 :
		      -ENAMETOOLONG;
		break;
	}
	endmntent(f);
	return ret;
}

/* @in starts with the directory @mnt: "/sys/fs/cgroup" or "/sys/fs/cgroup/x". */
static const char *strip_mount(const char *mnt, const char *in)
{
	size_t len;

	if (!mnt || !strcmp(mnt, "/"))
		return in;
	len = strlen(mnt);
	while (len > 1 && mnt[len - 1] == '/')
		len--;
	if (strncmp(in, mnt, len) || (in[len] && in[len] != '/'))
		return in;
	return in + len;
}

/**
 * cgroup_normalise() - the root-relative form the kernel wants
 * @mnt: the cgroup2 mount point, or NULL when there is none
 * @in: "/sys/fs/cgroup/app/web" (under @mnt) or "/app/web" (from the root)
 * @out: "/app/web": one slash between parts, none at the end, "/" for the root
 * @size: size of @out
 * @why: set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int cgroup_normalise(const char *mnt, const char *in, char *out, size_t size,
		     const char **why)
{
	const char *p, *end;
	size_t len = 0, n;

	if (in[0] != '/') {
		*why = "is not absolute (give /sys/fs/cgroup/... or /...)";
		return -EINVAL;
	}
	for (p = strip_mount(mnt, in); *p; p = end) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = end - p;
		if (!n)
			break;
		if ((n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2))) {
			*why = "must not contain \".\" or \"..\"";
			return -EINVAL;
		}
		if (len + 1 + n >= size) {
			*why = "is too long";
			return -EINVAL;
		}
		out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
	}
	if (!len && size > 1)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}

/* A cgroup file's content without its last newline. Return: 0 or -errno. */
int cgroup_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -errno;
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return 0;
}

/* One write(): a cgroup file takes a value per write. Return: 0 or -errno. */
int cgroup_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len = strlen(value);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	err = n < 0 ? -errno : (size_t)n < len ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* MOUNT/CGROUP/FILE. Return: 0 or -ENAMETOOLONG. */
int cgroup_limit_path(char *out, size_t size, const char *mnt,
		      const char *cgroup, enum mf_limit which)
{
	int n = snprintf(out, size, "%s%s/%s", mnt,
			 strcmp(cgroup, "/") ? cgroup : "",
			 mf_limit_file[which]);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/**
 * limit_prepare() - find the file and read what it holds now
 * @w: @which and @value set
 * @mnt: the cgroup2 mount point
 * @cgroup: the component's root-relative cgroup path
 *
 * A file that cannot be read (controller not enabled, cgroup gone) fails
 * the batch here, before anything has changed.
 *
 * Return: 0 or -errno.
 */
int limit_prepare(struct limit_write *w, const char *mnt, const char *cgroup)
{
	w->written = false;
	if (cgroup_limit_path(w->path, sizeof(w->path), mnt, cgroup, w->which))
		return -ENAMETOOLONG;
	return cgroup_read(w->path, w->old, sizeof(w->old));
}

int limit_write(struct limit_write *w)
{
	int err = cgroup_write(w->path, w->value);

	w->written = !err;
	return err;
}

/*
 * What puts the file back. cpu.max and memory.max take their old content.
 * io.max is per device and lists only limited devices: write back the old
 * line of the device we changed, or lift its limits when it had none.
 */
const char *limit_restore_value(const struct limit_write *w, char *buf,
				size_t size)
{
	const char *line, *next;
	size_t dev;

	if (w->which != MF_LIMIT_IO)
		return w->old;
	dev = strcspn(w->value, " ");
	for (line = w->old; *line; line = next) {
		next = strchrnul(line, '\n');
		if (!strncmp(line, w->value, dev) && line[dev] == ' ') {
			snprintf(buf, size, "%.*s", (int)(next - line), line);
			return buf;
		}
		if (*next)
			next++;
	}
	snprintf(buf, size, "%.*s rbps=max wbps=max riops=max wiops=max",
		 (int)dev, w->value);
	return buf;
}

int limit_restore(struct limit_write *w)
{
	char buf[CGROUP_VALUE_MAX];
	int err;

	if (!w->written)
		return 0;
	err = cgroup_write(w->path, limit_restore_value(w, buf, sizeof(buf)));
	if (!err)
		w->written = false;
	return err;
}

/**
 * limits_write_all() - write every limit, or put back those written
 * @w: prepared with limit_prepare()
 * @n: their number
 * @failed: index of the write that failed
 * @unrestored: index of the first file that could not be put back, or -1
 *
 * Return: 0, or the -errno of the failed write.
 */
int limits_write_all(struct limit_write *w, unsigned int n,
		     unsigned int *failed, int *unrestored)
{
	unsigned int i, j;
	int err;

	*unrestored = -1;
	for (i = 0; i < n; i++) {
		err = limit_write(&w[i]);
		if (!err)
			continue;
		*failed = i;
		/* In reverse, in case two entries name the same file. */
		for (j = i; j-- > 0;)
			if (limit_restore(&w[j]) && *unrestored < 0)
				*unrestored = j;
		return err;
	}
	return 0;
}
