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
 *   ctl-cost FILE RUNS     prints the best of RUNS, in ms
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <netlink/msg.h>

#include "../../tools/manifest.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double one_run(const char *name)
{
	struct manifest_set set;
	struct mf_error err;
	struct nl_msg *msg;
	double t0 = now_ms();
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
	msg = nlmsg_alloc_size(manifest_msg_size(&set) + 4096);
	if (!msg || manifest_put_set(msg, &set, NULL, &err))
		return -1;
	nlmsg_free(msg);
	manifest_set_free(&set);
	return now_ms() - t0;
}

int main(int argc, char **argv)
{
	double best = -1, t;
	int i, runs = argc > 2 ? atoi(argv[2]) : 3;

	if (argc < 2)
		return 2;
	for (i = 0; i < runs; i++) {
		t = one_run(argv[1]);
		if (t < 0)
			return 1;
		if (best < 0 || t < best)
			best = t;
	}
	printf("%.3f\n", best);
	return 0;
}
