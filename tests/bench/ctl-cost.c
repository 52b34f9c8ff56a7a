// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace share of `compfwctl apply FILE`, natively on the host: read
 * and parse the JSON, check it, and encode the MANIFEST_APPLY request, with
 * compfwctl's own code. In the TCG VM these steps run several times slower
 * than the kernel's, so the VM's wall time over-states them; bench.sh adds
 * this to the kernel's time scaled by the measured TCG slowdown. Like
 * apply, it records no attribute paths: apply builds them only to explain
 * an error the kernel reports.
 *
 *   ctl-cost FILE RUNS          prints the best of RUNS, in ms
 *   ctl-cost FILE RUNS split    prints the best total, read+parse and
 *                               encode, in ms, and the request's bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netlink/msg.h>

#include "../../tools/manifest.h"

struct run {
	double total;
	double parse;
	double encode;
	size_t bytes;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int one_run(const char *name, struct run *r)
{
	struct manifest_set set;
	struct mf_error err;
	struct nl_msg *msg;
	double t0 = now_ms(), t1;
	FILE *f = fopen(name, "re");
	size_t len;
	char *buf;

	if (!f || fseek(f, 0, SEEK_END) || (long)(len = ftell(f)) < 0)
		return -1;
	rewind(f);
	buf = malloc(len);
	if (!buf || fread(buf, 1, len, f) != len)
		return -1;
	fclose(f);
	if (manifest_parse(buf, len, &set, &err)) {
		fprintf(stderr, "ctl-cost: %s: %s: %s\n", name, err.path, err.msg);
		return -1;
	}
	free(buf);
	t1 = now_ms();
	msg = nlmsg_alloc_size(manifest_msg_size(&set) + 4096);
	if (!msg || manifest_put_set(msg, &set, NULL, &err)) {
		fprintf(stderr, "ctl-cost: %s: cannot encode: %s\n", name, err.msg);
		return -1;
	}
	r->bytes = nlmsg_hdr(msg)->nlmsg_len;
	nlmsg_free(msg);
	manifest_set_free(&set);
	r->encode = now_ms() - t1;
	r->parse = t1 - t0;
	r->total = now_ms() - t0;
	return 0;
}

int main(int argc, char **argv)
{
	struct run best = { -1, -1, -1, 0 }, r;
	int i, runs = argc > 2 ? atoi(argv[2]) : 3;
	int split = argc > 3 && !strcmp(argv[3], "split");

	if (argc < 2)
		return 2;
	for (i = 0; i < runs; i++) {
		if (one_run(argv[1], &r))
			return 1;
		if (best.total < 0 || r.total < best.total)
			best.total = r.total;
		if (best.parse < 0 || r.parse < best.parse)
			best.parse = r.parse;
		if (best.encode < 0 || r.encode < best.encode)
			best.encode = r.encode;
		best.bytes = r.bytes;
	}
	if (split)
		printf("total %.1f ms  parse %.1f ms  encode %.1f ms  request %zu bytes\n",
		       best.total, best.parse, best.encode, best.bytes);
	else
		printf("%.3f\n", best.total);
	return 0;
}
