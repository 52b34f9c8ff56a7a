// SPDX-License-Identifier: GPL-2.0
/*
 * execloop N PROG: fork and execute PROG N times, one at a time, waiting
 * for each; prints N, the seconds it took and the execs per second.
 *
 * The clock is CLOCK_MONOTONIC: under qemu -icount it is the guest's
 * instruction count, so the rate is exec work per instruction. PROG is
 * best tests/bench/nothing.c on a tmpfs: static, it exits at once and
 * reads nothing, so that the loop measures fork, exec, exit and wait.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char *const args[] = { argv[argc - 1], NULL };
	long n, i;
	double t0, t;
	int status;
	pid_t pid;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: execloop N PROG\n");
		return 2;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0) {
			perror("execloop: fork");
			return 1;
		}
		if (!pid) {
			execv(args[0], args);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "execloop: %s did not run\n", args[0]);
			return 1;
		}
	}
	t = now() - t0;
	printf("%ld %.6f %.1f\n", n, t, n / t);
	return 0;
}
