// SPDX-License-Identifier: GPL-2.0
/* -n NAME acts in a named network namespace, as `ip -n NAME` does. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compfwctl.h"

#define NETNS_RUN_DIR "/run/netns"

int ctl_enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, ret;

	if (!*name || strchr(name, '/') ||
	    snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name) >=
	    (int)sizeof(path))
		return ctl_error("invalid network namespace name \"%s\"", name);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctl_error("cannot open network namespace \"%s\": %s",
				 name, strerror(errno));
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	if (ret)
		return ctl_error("cannot enter network namespace \"%s\": %s",
				 name, strerror(errno));
	return 0;
}
