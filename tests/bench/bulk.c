// SPDX-License-Identifier: GPL-2.0
/*
 * compfw-bulk: define many components in one process, for the benchmark
 * (tests/bench/vm-bench.sh). compfwctl execs once per component, which
 * under TCG costs ~0.1 s each: 10,000 of them would take 20 minutes.
 *
 *   compfw-bulk PREFIX FIRST COUNT CGROUP_PARENT
 *
 * adds components PREFIX%04u for FIRST..FIRST+COUNT-1, each with the cgroup
 * CGROUP_PARENT/PREFIX%04u (a path from the cgroup2 root, e.g. /bench), in
 * the caller's network namespace, one COMPONENT_NEW request (with ACK) each
 * over one socket. Prints the elapsed wall time in nanoseconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/compfw.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The kernel answers COMPONENT_NEW with the component, then the ACK. Read
 * both here, from the socket itself: nl_wait_for_ack() left one of them
 * queued each time, and after ~80 requests the full receive buffer made
 * the kernel's reply fail with ENOBUFS. Returns 0 or a negative errno.
 */
static int wait_ack(struct nl_sock *sock)
{
	int fd = nl_socket_get_fd(sock);
	char buf[65536] __attribute__((aligned(8)));
	struct nlmsghdr *h;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
}

int main(int argc, char **argv)
{
	unsigned int first, count, i;
	char name[64], cgroup[4096];
	struct nl_sock *sock;
	struct nl_msg *msg;
	long long t0;
	int family, err;

	if (argc != 5) {
		fprintf(stderr, "usage: compfw-bulk PREFIX FIRST COUNT CGROUP_PARENT\n");
		return 2;
	}
	first = strtoul(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	sock = nl_socket_alloc();
	if (!sock || genl_connect(sock) < 0) {
		fprintf(stderr, "compfw-bulk: no generic netlink socket\n");
		return 1;
	}
	family = genl_ctrl_resolve(sock, COMPFW_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "compfw-bulk: no family %s\n", COMPFW_GENL_NAME);
		return 1;
	}
	t0 = now_ns();
	for (i = first; i < first + count; i++) {
		snprintf(name, sizeof(name), "%s%04u", argv[1], i);
		snprintf(cgroup, sizeof(cgroup), "%s/%s", argv[4], name);
		msg = nlmsg_alloc();
		if (!msg ||
		    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 NLM_F_REQUEST | NLM_F_ACK,
				 COMPFW_CMD_COMPONENT_NEW, COMPFW_GENL_VERSION) ||
		    nla_put_string(msg, COMPFW_COMPONENT_A_NAME, name) < 0 ||
		    nla_put_string(msg, COMPFW_COMPONENT_A_CGROUP, cgroup) < 0) {
			fprintf(stderr, "compfw-bulk: out of memory\n");
			return 1;
		}
		err = nl_send_auto(sock, msg);
		nlmsg_free(msg);
		if (err < 0) {
			fprintf(stderr, "compfw-bulk: send: %s\n", nl_geterror(err));
			return 1;
		}
		err = wait_ack(sock);
		if (err < 0) {
			fprintf(stderr, "compfw-bulk: component %s (cgroup %s): %s\n",
				name, cgroup, strerror(-err));
			return 1;
		}
	}
	printf("%lld\n", now_ns() - t0);

	nl_socket_free(sock);
	return 0;
}
