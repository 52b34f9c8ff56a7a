// SPDX-License-Identifier: GPL-2.0
/*
 * connrate: new TCP connections per second, for the benchmark.
 *
 *   connrate server ADDR PORT       accept, close, forever (until killed)
 *   connrate client ADDR PORT SECS  connect, wait for the server's close,
 *                                   close with a reset; repeat for SECS
 *
 * Each client cycle is one whole connection: SYN, SYN-ACK, ACK, the
 * server's accept() and close() (FIN), the client's read() of EOF and its
 * close() with SO_LINGER 0 (RST), so that neither end keeps TIME_WAIT
 * and the ephemeral ports never run out. One connection at a time: the
 * rate is the inverse of the latency of the whole cycle, which is where a
 * filter's per-flow cost (classification, conntrack) shows.
 *
 * The client prints one line: connections, seconds, connections per
 * second, and its own CPU time (user + system, from getrusage) per
 * connection in microseconds: in a VM, CPU time is steadier than the rate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int server(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, c;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) || listen(fd, 1024)) {
		perror("connrate: server");
		return 1;
	}
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
		else if (errno != EINTR && errno != ECONNABORTED)
			perror("connrate: accept");
	}
}

static int client(const struct sockaddr_in *sa, double secs)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct timeval tmo = { .tv_sec = 2 };	/* a dropped SYN fails fast */
	double t0 = now(), c0 = cpu(), t;
	unsigned long n = 0, fails = 0;
	char buf[16];
	int fd;

	do {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)) ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo))) {
			perror("connrate: socket");
			return 1;
		}
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			n++;
		} else if (++fails > 10) {
			perror("connrate: connect");
			return 1;
		}
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
		t = now() - t0;
	} while (t < secs);
	printf("%lu %.3f %.1f %.2f\n", n, t, n / t,
	       n ? (cpu() - c0) * 1e6 / n : 0.0);
	return n ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	if (argc < 4 || inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
		goto usage;
	sa.sin_port = htons(atoi(argv[3]));
	if (!strcmp(argv[1], "server") && argc == 4)
		return server(&sa);
	if (!strcmp(argv[1], "client") && argc == 5)
		return client(&sa, atof(argv[4]));
usage:
	fprintf(stderr, "usage: connrate server ADDR PORT | client ADDR PORT SECS\n");
	return 2;
}
