// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl apply FILE...: install the files' manifests, in the kernel and in
 * the cgroup limit files, all of them or none. A directory stands for its
 * *.json files, in name order (compfw.service applies /etc/compfw so).
 *
 *   1. parse and check every file (manifest.c): bad input sends nothing;
 *   2. find each limited component's cgroup and read the files' old values;
 *   3. write the limits; if one fails, put back the files already written
 *      and stop: the kernel has not been asked anything;
 *   4. MANIFEST_APPLY, the kernel's all-or-nothing step: every manifest of
 *      the files in one request, each as many self-contained parts as its
 *      size takes, so that its size is the kernel's to limit
 *      (manifest_nl.c); if the kernel refuses, put the limit files back.
 *
 * The limits never reach the kernel: they are the cgroup's, and `component
 * show` reads them back from its files.
 *
 * The files go first because they can be put back without anyone seeing:
 * a manifest, once installed, has been in the data path, counted a
 * generation and told the events group, and a rollback would not undo that.
 *
 * Every error is one line naming the file and, when it can, the JSON path.
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/compfw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attrpath.h"
#include "cgroup.h"
#include "compfwctl.h"
#include "manifest.h"

#define APPLY_USAGE "apply [--check] FILE|DIR..."

/**
 * struct source - where a manifest of the request comes from
 * @file: its file
 * @index: its index in the file's array, or -1 for a file of one manifest
 */
struct source {
	char *file;
	int index;
};

/**
 * struct apply - one `compfwctl apply`
 * @file: the name errors without a manifest start with: the only argument,
 *	or "apply"
 * @set: the manifests of every file, in order
 * @src: for each of them, its file and place
 * @writes: limit files to write, in file order
 * @n_writes: their number
 */
struct apply {
	const char *file;
	struct manifest_set set;
	struct source *src;
	struct limit_write *writes;
	unsigned int n_writes;
};

/* The whole of @name, or stdin for "-". */
char *ctl_read_file(const char *name, size_t *len)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "re") : stdin;
	size_t cap = 65536, n;
	char *buf = NULL, *grown;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		grown = realloc(buf, cap);
		if (!grown) {
			errno = ENOMEM;
			break;
		}
		buf = grown;
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (*len < cap) {
			if (ferror(f))
				break;
			if (f != stdin)
				fclose(f);
			return buf;
		}
		cap *= 2;
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	return NULL;
}

/*
 * "web.json: [1]." for a member of the second manifest of web.json's array,
 * "web.json: " for a file's lone one: where manifest @i of the request is.
 */
static const char *mpath(const struct apply *a, unsigned int i, char *buf,
			 size_t size)
{
	const struct source *src = &a->src[i];

	if (src->index >= 0)
		snprintf(buf, size, "%s: [%d].", src->file, src->index);
	else
		snprintf(buf, size, "%s: ", src->file);
	return buf;
}

/*
 * A controller's files (cpu.max) are in a cgroup only when its parent lists
 * the controller in cgroup.subtree_control: the parent's file, for @file.
 */
static const char *subtree_control(const char *file, char *buf, size_t size)
{
	const char *end = strrchr(file, '/');
	size_t n;

	/* FILE is .../PARENT/CGROUP/cpu.max: back over CGROUP too. */
	while (end && end > file && end[-1] != '/')
		end--;
	n = end && end > file ? (size_t)(end - file) : 0;
	snprintf(buf, size, "%.*scgroup.subtree_control", (int)n, file);
	return buf;
}

static int prepare_manifest(struct ctl *ctl, struct apply *a, unsigned int i,
			    const char *mnt)
{
	const struct manifest *m = &a->set.m[i];
	char cgroup[PATH_MAX], text[512], p[PATH_MAX + 32];
	struct ctl_reply reply;
	struct limit_write *w;
	int which, err;

	if (component_cgroup(ctl, m->component, cgroup, sizeof(cgroup), &reply))
		return ctl_error("%scomponent: %s", mpath(a, i, p, sizeof(p)),
				 ctl_reply_text(&reply, text, sizeof(text)));
	if (!cgroup[0])
		return ctl_error("%slimits: component \"%s\" has no cgroup",
				 mpath(a, i, p, sizeof(p)), m->component);
	if (!mnt)
		return ctl_error("%slimits: no cgroup2 file system is mounted",
				 mpath(a, i, p, sizeof(p)));
	for (which = 0; which < MF_LIMIT_COUNT; which++) {
		if (!m->limit[which])
			continue;
		w = &a->writes[a->n_writes++];
		w->which = which;
		w->value = m->limit[which];
		w->manifest = i;
		err = limit_prepare(w, mnt, cgroup);
		if (err == -ENOENT)
			return ctl_error("%slimits.%s: cannot read %s: %s (enable the %s controller: echo +%s >%s)",
					 mpath(a, i, p, sizeof(p)), mf_limit_key[which], w->path,
					 strerror(-err), mf_limit_key[which], mf_limit_key[which],
					 subtree_control(w->path, text, sizeof(text)));
		if (err)
			return ctl_error("%slimits.%s: cannot read %s: %s",
					 mpath(a, i, p, sizeof(p)),
					 mf_limit_key[which], w->path,
					 strerror(-err));
	}
	return 0;
}

/* Step 2: everything the limits need, read before anything changes. */
static int prepare_limits(struct ctl *ctl, struct apply *a)
{
	char mnt[PATH_MAX];
	bool mounted = !cgroup_mount(CGROUP_MOUNTS, mnt, sizeof(mnt));
	unsigned int i, n = 0;
	int which;

	for (i = 0; i < a->set.n; i++)
		for (which = 0; which < MF_LIMIT_COUNT; which++)
			n += !!a->set.m[i].limit[which];
	if (!n)
		return 0;
	a->writes = calloc(n, sizeof(*a->writes));
	if (!a->writes)
		return ctl_error("out of memory");
	for (i = 0; i < a->set.n; i++) {
		for (which = 0; which < MF_LIMIT_COUNT; which++)
			if (a->set.m[i].limit[which])
				break;
		if (which < MF_LIMIT_COUNT &&
		    prepare_manifest(ctl, a, i, mounted ? mnt : NULL))
			return 1;
	}
	return 0;
}

/*
 * The JSON path of the attribute at @offset of the request of @size bytes:
 * the request built again, this time recording where each attribute came
 * from, which only an error needs. "" when there is none.
 */
static const char *request_path(struct ctl *ctl, struct apply *a, bool check, size_t size,
				int offset, char *buf, size_t bufsize)
{
	struct attr_paths paths = { 0 };
	struct nl_msg *msg = NULL;
	struct mf_error err;

	buf[0] = '\0';
	if (offset >= 0)
		msg = ctl_msg_size(ctl, COMPFW_CMD_MANIFEST_APPLY, 0, size);
	if (!msg)
		return buf;
	/* As the request was made: the check flag first. */
	if ((!check || !nla_put_flag(msg, COMPFW_APPLY_A_CHECK)) &&
	    !manifest_put_set(msg, &a->set, &paths, &err))
		attr_paths_format(&paths, attr_paths_find(&paths, offset), buf,
				  bufsize);
	nlmsg_free(msg);
	attr_paths_free(&paths);
	return buf;
}

/*
 * A JSON path of the request ("[3].egress[0]" when it holds an array) as the
 * path in its own file: @path rewritten, and the file returned.
 */
static const char *localize(const struct apply *a, char *path, size_t size)
{
	const struct source *src;
	char rest[256], *end;
	unsigned long k;

	if (!a->set.is_array || path[0] != '[')
		return a->set.n ? a->src[0].file : a->file;
	k = strtoul(path + 1, &end, 10);
	if (*end != ']' || k >= a->set.n)
		return a->file;
	src = &a->src[k];
	end++;
	if (src->index < 0 && *end == '.')
		end++;
	snprintf(rest, sizeof(rest), "%s", end);
	if (src->index >= 0)
		snprintf(path, size, "[%d]%.200s", src->index, rest);
	else
		snprintf(path, size, "%.200s", rest);
	return src->file;
}

/* Step 4, with the kernel's complaint mapped back to the file. */
static int send_manifests(struct ctl *ctl, struct apply *a, bool check)
{
	char text[512], path[256], line[1024];
	struct ctl_reply reply;
	struct mf_error err;
	size_t size = manifest_msg_size(&a->set);
	struct nl_msg *msg;
	int ret = 0;

	/* The parts are attributes of the request, which nlmsg_len bounds. */
	if (size > UINT32_MAX)
		return ctl_error("%s: request too large: %zu bytes, a netlink message holds at most %u",
				 a->file, size, UINT32_MAX);
	msg = ctl_msg_size(ctl, COMPFW_CMD_MANIFEST_APPLY, 0, size);
	if (!msg)
		return ctl_error("out of memory");
	if (check && nla_put_flag(msg, COMPFW_APPLY_A_CHECK) < 0) {
		nlmsg_free(msg);
		return ctl_error("out of memory");
	}
	if (manifest_put_set(msg, &a->set, NULL, &err)) {
		const char *file = localize(a, err.path, sizeof(err.path));

		nlmsg_free(msg);
		return ctl_error("%s", manifest_error_format(file, &err, line, sizeof(line)));
	}
	if (ctl_request(ctl, msg, NULL, NULL, &reply)) {
		const char *file;

		request_path(ctl, a, check, size, reply.offset, path, sizeof(path));
		file = path[0] ? localize(a, path, sizeof(path)) : a->file;
		ret = ctl_error("%s: %s%s%s", file, path, path[0] ? ": " : "",
				ctl_reply_text(&reply, text, sizeof(text)));
	}
	return ret;
}

/* Step 3: the limit files, all of them or none. */
static int write_limits(struct apply *a)
{
	char p[PATH_MAX + 32], restore[PATH_MAX + 64];
	const struct limit_write *w;
	unsigned int failed;
	int err, unrestored;

	err = limits_write_all(a->writes, a->n_writes, &failed, &unrestored);
	if (!err)
		return 0;
	w = &a->writes[failed];
	restore[0] = '\0';
	if (unrestored >= 0)
		snprintf(restore, sizeof(restore), "; cannot restore %s",
			 a->writes[unrestored].path);
	return ctl_error("%slimits.%s: cannot write %s: %s; nothing applied%s",
			 mpath(a, w->manifest, p, sizeof(p)),
			 mf_limit_key[w->which], w->path, strerror(-err), restore);
}

/* The kernel refused step 4: put back every limit file step 3 wrote. */
static void restore_limits(struct apply *a)
{
	unsigned int i = a->n_writes;

	while (i-- > 0)
		if (limit_restore(&a->writes[i]))
			fprintf(stderr, "compfwctl: %s: cannot restore %s\n",
				a->src[a->writes[i].manifest].file, a->writes[i].path);
}

/* The manifests of @file, added to @a's. */
static int load_file(struct apply *a, const char *file)
{
	struct manifest_set one;
	struct manifest *m;
	struct source *src;
	struct mf_error err;
	char line[1024];
	unsigned int i;
	size_t len;
	char *buf;
	int ret;

	buf = ctl_read_file(file, &len);
	if (!buf)
		return ctl_error("%s: %s", file, strerror(errno));
	ret = manifest_parse(buf, len, &one, &err);
	free(buf);
	if (ret) {
		manifest_set_free(&one);
		return ctl_error("%s", manifest_error_format(file, &err, line, sizeof(line)));
	}
	m = realloc(a->set.m, (a->set.n + one.n) * sizeof(*m));
	if (m)
		a->set.m = m;
	src = realloc(a->src, (a->set.n + one.n) * sizeof(*src));
	if (src)
		a->src = src;
	if (!m || !src) {
		manifest_set_free(&one);
		return ctl_error("out of memory");
	}
	for (i = 0; i < one.n; i++) {
		a->src[a->set.n + i].file = strdup(file);
		if (!a->src[a->set.n + i].file) {
			while (i--)
				free(a->src[a->set.n + i].file);
			manifest_set_free(&one);
			return ctl_error("out of memory");
		}
	}
	for (i = 0; i < one.n; i++) {
		a->set.m[a->set.n] = one.m[i];
		a->src[a->set.n].index = one.is_array ? (int)i : -1;
		a->set.n++;
	}
	/* The request names each manifest by its place once there are two. */
	a->set.is_array = a->set.n > 1 || one.is_array;
	free(one.m);
	return 0;
}

static int json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

/* The files a list of arguments names; a directory's *.json in name order. */
struct files {
	char **name;
	unsigned int n;
};

static int add_name(struct files *f, const char *name)
{
	char **grown = realloc(f->name, (f->n + 1) * sizeof(*f->name));

	if (!grown)
		return ctl_error("out of memory");
	f->name = grown;
	f->name[f->n] = strdup(name);
	if (!f->name[f->n])
		return ctl_error("out of memory");
	f->n++;
	return 0;
}

static int add_dir(struct files *f, const char *dir)
{
	struct dirent **names;
	char path[PATH_MAX];
	int n, i, ret = 0;

	n = scandir(dir, &names, json_name, alphasort);
	if (n < 0)
		return ctl_error("%s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!ret)
			ret = add_name(f, path);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int expand(struct files *f, int argc, char **argv)
{
	struct stat st;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") && !stat(argv[i], &st) && S_ISDIR(st.st_mode)) {
			if (add_dir(f, argv[i]))
				return 1;
		} else if (add_name(f, argv[i])) {
			return 1;
		}
	}
	return 0;
}

static void files_free(struct files *f)
{
	while (f->n)
		free(f->name[--f->n]);
	free(f->name);
}

/* One component in two files: the kernel would take them for one manifest. */
static int check_twice(const struct apply *a)
{
	char p[PATH_MAX + 32], q[PATH_MAX + 32];
	unsigned int i, j;

	for (i = 1; i < a->set.n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(a->src[i].file, a->src[j].file) &&
			    !strcmp(a->set.m[i].component, a->set.m[j].component))
				return ctl_error("%scomponent: component \"%s\" appears twice (also %scomponent)",
						 mpath(a, i, p, sizeof(p)), a->set.m[i].component,
						 mpath(a, j, q, sizeof(q)));
	return 0;
}

static int load(struct apply *a, const struct files *f)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (load_file(a, f->name[i]))
			return 1;
	return check_twice(a);
}

static void apply_free(struct apply *a)
{
	unsigned int i;

	for (i = 0; i < a->set.n; i++)
		free(a->src[i].file);
	free(a->src);
	manifest_set_free(&a->set);
	free(a->writes);
	memset(a, 0, sizeof(*a));
}

static int apply_all(struct ctl *ctl, struct apply *a, const struct files *f)
{
	int ret;

	if (load(a, f))
		return 1;
	/* An empty directory: nothing to install, nothing to ask. */
	if (!a->set.n)
		return 0;
	if (ctl_connect(ctl) || prepare_limits(ctl, a) || write_limits(a))
		return 1;
	ret = send_manifests(ctl, a, false);
	if (ret)
		restore_limits(a);
	return ret;
}

/*
 * apply --check: each file on its own, so that every file's first error is
 * told, in the kernel too (a dry run: MANIFEST_APPLY with CHECK); then, when
 * each passed, all of them together, as the apply would send them.
 */
static int check_all(struct ctl *ctl, const char *label, const struct files *f)
{
	struct apply a = { 0 };
	unsigned int i, failed = 0;

	for (i = 0; i < f->n; i++) {
		a.file = f->name[i];
		failed += load_file(&a, f->name[i]) || ctl_connect(ctl) ||
			  prepare_limits(ctl, &a) || send_manifests(ctl, &a, true);
		apply_free(&a);
	}
	if (failed || f->n < 2)
		return !!failed;
	a.file = label;
	failed = load(&a, f) || send_manifests(ctl, &a, true);
	apply_free(&a);
	return failed;
}

int cmd_apply(struct ctl *ctl, int argc, char **argv)
{
	struct files f = { 0 };
	struct apply a = { 0 };
	bool check = false;
	int ret;

	if (ctl_wants_help(argc, argv, APPLY_USAGE))
		return 0;
	if (argc && !strcmp(argv[0], "--check")) {
		check = true;
		argc--;
		argv++;
	}
	if (argc < 1)
		return ctl_error("usage: compfwctl " APPLY_USAGE);
	a.file = argc == 1 ? argv[0] : "apply";
	ret = expand(&f, argc, argv);
	if (!ret && check)
		ret = check_all(ctl, a.file, &f);
	else if (!ret)
		ret = apply_all(ctl, &a, &f);
	apply_free(&a);
	files_free(&f);
	return ret;
}
