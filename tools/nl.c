// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the compfw family: connect, check that the module speaks our
 * version, send one request and turn any error, with the kernel's extack
 * message, into one line a person can act on.
 */

#include <errno.h>
#include <linux/compfw.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "compfwctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct transaction {
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
	int err;
	char extack[256];
	bool done;
};

const char *ctl_version_problem(unsigned int have, unsigned int need)
{
	static char text[160];

	if (have >= need)
		return NULL;
	snprintf(text, sizeof(text),
		 "kernel too old: the compfw module speaks family version %u, this compfwctl needs %u",
		 have, need);
	return text;
}

const char *ctl_errno_text(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "permission denied: CAP_NET_ADMIN over the network namespace is required";
	case EOPNOTSUPP:
		return "kernel too old: the compfw module does not know this command";
	default:
		return strerror(err);
	}
}

static int family_version(struct nl_sock *sock, unsigned int *version)
{
	struct genl_family *family;
	struct nl_cache *cache;

	if (genl_ctrl_alloc_cache(sock, &cache) < 0)
		return -1;
	family = genl_ctrl_search_by_name(cache, COMPFW_GENL_NAME);
	if (!family) {
		nl_cache_free(cache);
		return -1;
	}
	*version = genl_family_get_version(family);
	genl_family_put(family);
	nl_cache_free(cache);
	return 0;
}

static void enable_extack(struct nl_sock *sock)
{
	int one = 1;

	/* Without these the kernel's reason for a rejection never arrives. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
}

int ctl_connect(struct ctl *ctl)
{
	const char *problem;

	if (ctl->netns && ctl_enter_netns(ctl->netns))
		return -1;

	ctl->sock = nl_socket_alloc();
	if (!ctl->sock)
		return ctl_error("out of memory");
	if (genl_connect(ctl->sock) < 0) {
		ctl_disconnect(ctl);
		return ctl_error("cannot open a generic netlink socket: %s",
				 strerror(errno));
	}
	enable_extack(ctl->sock);

	/* Resolving by name also autoloads the module where it is installed. */
	ctl->family = genl_ctrl_resolve(ctl->sock, COMPFW_GENL_NAME);
	if (ctl->family < 0 ||
	    family_version(ctl->sock, &ctl->family_version)) {
		ctl_disconnect(ctl);
		return ctl_error("compfw module not loaded (no generic netlink family \"%s\"; try 'modprobe compfw')",
				 COMPFW_GENL_NAME);
	}

	problem = ctl_version_problem(ctl->family_version, COMPFW_GENL_VERSION);
	if (problem) {
		ctl_disconnect(ctl);
		return ctl_error("%s", problem);
	}
	return 0;
}

void ctl_disconnect(struct ctl *ctl)
{
	nl_socket_free(ctl->sock);
	ctl->sock = NULL;
}

struct nl_msg *ctl_msg(struct ctl *ctl, unsigned char cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctl->family, 0,
			 flags, cmd, COMPFW_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void copy_extack(struct transaction *t, struct nlmsghdr *hdr)
{
	struct nlattr *attrs[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *tlvs;
	int offset, len;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* With NETLINK_CAP_ACK only the request's header is echoed back. */
	offset = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		offset += ((struct nlmsgerr *)nlmsg_data(hdr))->msg.nlmsg_len -
			  NLMSG_HDRLEN;
	len = (int)hdr->nlmsg_len - offset;
	if (len <= 0)
		return;
	tlvs = (struct nlattr *)((char *)hdr + offset);
	if (nla_parse(attrs, NLMSGERR_ATTR_MAX, tlvs, len, NULL) < 0)
		return;
	if (attrs[NLMSGERR_ATTR_MSG])
		snprintf(t->extack, sizeof(t->extack), "%s",
			 nla_get_string(attrs[NLMSGERR_ATTR_MSG]));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct transaction *t = arg;

	(void)nla;
	t->err = -err->error;
	copy_extack(t, hdr);
	t->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	if (t->parse && t->parse(msg, t->arg) < 0 && !t->err)
		t->err = EPROTO;
	return NL_OK;
}

int ctl_transact(struct ctl *ctl, struct nl_msg *msg, const char *what,
		 int (*parse)(struct nl_msg *msg, void *arg), void *arg)
{
	struct transaction t = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return ctl_error("out of memory");
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(ctl->sock, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !t.done)
		ret = nl_recvmsgs(ctl->sock, cb);
	nl_cb_put(cb);

	if (ret < 0 && !t.err)
		return ctl_error("%s: %s", what, nl_geterror(ret));
	if (!t.err)
		return 0;
	if (t.extack[0])
		return ctl_error("%s: %s (%s)", what, t.extack,
				 ctl_errno_text(t.err));
	return ctl_error("%s: %s", what, ctl_errno_text(t.err));
}
