// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of compfwctl's pieces that need no kernel: error texts, the
 * text/JSON printer, dispatch and argument checks. TAP on stdout.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/compfwctl.h"
#include "../../tools/print.h"
#include "tap.h"

static int tests, failures;

void result(int ok, const char *name, const char *got)
{
	tests++;
	printf("%sok %d %s\n", ok ? "" : "not ", tests, name);
	if (!ok) {
		failures++;
		printf("# got: %s\n", got ? got : "(null)");
	}
}

void expect_has(const char *name, const char *got, const char *want)
{
	result(got && strstr(got, want), name, got);
}

void expect_str(const char *name, const char *got, const char *want)
{
	result(got && !strcmp(got, want), name, got);
	if (got && strcmp(got, want))
		printf("# want: %s\n", want);
}

/* A whole file, NUL-terminated; NULL when it cannot be read. */
char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc(size + 1);
	*len = fread(buf, 1, size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Run @fn with stdout or stderr sent to a buffer, and return the buffer. */
char *capture(FILE **stream, void (*fn)(void *), void *arg)
{
	static char buf[65536];
	FILE *saved = *stream, *tmp = tmpfile();
	size_t n;

	*stream = tmp;
	fn(arg);
	fflush(tmp);
	*stream = saved;
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

static void print_sample(void *json)
{
	print_start(stdout, *(int *)json);
	print_open_object(NULL);
	print_string("name", "name %s\n", "web");
	print_uint("count", "count %llu\n", 3);
	print_open_array("ports");
	print_uint(NULL, "port %llu\n", 80);
	print_uint(NULL, "port %llu\n", 443);
	print_close_array();
	print_close_object();
	print_end();
}

static int dispatched;

static int cmd_probe(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl;
	(void)argv;
	dispatched = argc;
	return 0;
}

static const struct ctl_cmd probe_cmds[] = {
	{ "probe", cmd_probe, "probe" },
	{ NULL, NULL, NULL },
};

static void dispatch_unknown(void *ret)
{
	char *argv[] = { "nosuch", NULL };

	*(int *)ret = ctl_dispatch(NULL, probe_cmds, "command", 1, argv);
}

static void enter_bad_netns(void *ret)
{
	*(int *)ret = ctl_enter_netns("../etc");
}

int main(int main_argc, char **main_argv)
{
	const char *dir = main_argc > 1 ? main_argv[1] : "tests/tools/manifests";
	char *argv[] = { "probe", "a", "b", NULL };
	int json, ret;
	char *out;

	result(ctl_version_problem(1, 1) == NULL, "same family version is fine", NULL);
	result(ctl_version_problem(2, 1) == NULL, "newer module is fine", NULL);
	expect_has("older module: kernel too old", ctl_version_problem(0, 1),
		   "kernel too old: the compfw module speaks family version 0, this compfwctl needs 1");
	expect_has("EPERM: permission denied in words", ctl_errno_text(EPERM),
		   "permission denied: CAP_NET_ADMIN");
	expect_has("EOPNOTSUPP: kernel too old", ctl_errno_text(EOPNOTSUPP),
		   "kernel too old");
	expect_has("other errors: strerror", ctl_errno_text(ENOENT),
		   "No such file");

	json = 1;
	out = capture(&stdout, print_sample, &json);
	expect_has("json printer", out,
		   "{\"name\":\"web\",\"count\":3,\"ports\":[80,443]}\n");
	json = 0;
	out = capture(&stdout, print_sample, &json);
	result(!strcmp(out, "name web\ncount 3\nport 80\nport 443\n"),
	       "text printer, same calls", out);

	ret = ctl_dispatch(NULL, probe_cmds, "command", 3, argv);
	result(ret == 0 && dispatched == 2, "dispatch passes the remaining words", NULL);
	out = capture(&stderr, dispatch_unknown, &ret);
	result(ret == 1 && !strcmp(out, "compfwctl: unknown command \"nosuch\"; try 'compfwctl help'\n"),
	       "unknown command: one line, exit 1", out);
	out = capture(&stderr, enter_bad_netns, &ret);
	result(ret == 1 && !strcmp(out, "compfwctl: invalid network namespace name \"../etc\"\n"),
	       "netns name with a slash is refused", out);

	test_manifest(dir);
	test_persona(dir);
	test_attrpath(dir);
	test_component(dir);
	test_cgroup();

	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
