// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the compfw family: connect, check that the module speaks our
 * version, send one request and turn any error, with the kernel's extack
 * message, into one line a person can act on.
 */

#include <errno.h>
#include <limits.h>
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

/* Dump replies come in many messages; leave room for a burst of them. */
#define CTL_RCVBUF (4 << 20)

struct transaction {
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
	struct ctl_reply *reply;
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
	return ctl_msg_size(ctl, cmd, flags, 0);
}

/* A component's or persona's name, checked before anything is sent. */
int ctl_check_name(const char *what, const char *name)
{
	if (!*name || strlen(name) >= COMPFW_NAME_MAX)
		return ctl_error("%s name \"%s\" must be 1 to %d bytes", what, name,
				 COMPFW_NAME_MAX - 1);
	return 0;
}

/* A request naming one object in attribute @type: del, show, rollback. */
struct nl_msg *ctl_name_msg(struct ctl *ctl, unsigned char cmd, int type, const char *name)
{
	struct nl_msg *msg = ctl_msg(ctl, cmd, 0);

	if (msg && nla_put_string(msg, type, name) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A request of up to @size bytes (0: a page); libnl never grows one. */
struct nl_msg *ctl_msg_size(struct ctl *ctl, unsigned char cmd, int flags,
			    size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctl->family, 0,
			 flags, cmd, COMPFW_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nla_policy ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_NEST] = { .type = NLA_U32 },
};

static void parse_ack_tlvs(struct ctl_reply *reply, struct nlattr *tlvs,
			   int len)
{
	struct nlattr *attrs[NLMSGERR_ATTR_MAX + 1];

	if (len <= 0 ||
	    nla_parse(attrs, NLMSGERR_ATTR_MAX, tlvs, len, ack_policy) < 0)
		return;
	if (attrs[NLMSGERR_ATTR_MSG] && nla_len(attrs[NLMSGERR_ATTR_MSG]) > 0)
		snprintf(reply->extack, sizeof(reply->extack), "%.*s",
			 nla_len(attrs[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(attrs[NLMSGERR_ATTR_MSG]));
	/* The attribute to blame; for a missing one, the nest it is missing from. */
	if (attrs[NLMSGERR_ATTR_OFFS] &&
	    nla_len(attrs[NLMSGERR_ATTR_OFFS]) >= 4)
		reply->offset = nla_get_u32(attrs[NLMSGERR_ATTR_OFFS]);
	else if (attrs[NLMSGERR_ATTR_MISS_NEST] &&
		 nla_len(attrs[NLMSGERR_ATTR_MISS_NEST]) >= 4)
		reply->offset = nla_get_u32(attrs[NLMSGERR_ATTR_MISS_NEST]);
}

static void copy_extack(struct ctl_reply *reply, struct nlmsghdr *hdr)
{
	int offset;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* With NETLINK_CAP_ACK only the request's header is echoed back. */
	offset = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		offset += ((struct nlmsgerr *)nlmsg_data(hdr))->msg.nlmsg_len -
			  NLMSG_HDRLEN;
	parse_ack_tlvs(reply, (struct nlattr *)((char *)hdr + offset),
		       (int)hdr->nlmsg_len - offset);
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct transaction *t = arg;

	(void)nla;
	t->reply->err = -err->error;
	copy_extack(t->reply, hdr);
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

/* A dump ends with NLMSG_DONE, which carries the dump's own error, if any. */
static int on_done(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct transaction *t = arg;
	int err;

	if (hdr->nlmsg_len >= NLMSG_HDRLEN + sizeof(err)) {
		memcpy(&err, nlmsg_data(hdr), sizeof(err));
		if (err < 0 && !t->reply->err) {
			t->reply->err = -err;
			if (hdr->nlmsg_flags & NLM_F_ACK_TLVS)
				parse_ack_tlvs(t->reply, (struct nlattr *)
					       ((char *)nlmsg_data(hdr) + sizeof(err)),
					       hdr->nlmsg_len - NLMSG_HDRLEN - sizeof(err));
		}
	}
	t->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	if (t->parse && t->parse(msg, t->arg) < 0 && !t->reply->err)
		t->reply->err = EPROTO;
	return NL_OK;
}

/*
 * Room in the socket for a request of @len bytes: netlink refuses one larger
 * than the send buffer. SO_SNDBUFFORCE passes wmem_max with CAP_NET_ADMIN,
 * which the request needs anyway; SO_SNDBUF is the fallback without it.
 */
static void fit_sndbuf(struct ctl *ctl, size_t len)
{
	int fd = nl_socket_get_fd(ctl->sock), size;
	socklen_t optlen = sizeof(size);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &optlen) == 0 &&
	    (size_t)size > len + 4096)
		return;
	size = len + 65536 > INT_MAX / 2 ? INT_MAX / 2 : (int)(len + 65536);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static void fit_rcvbuf(struct ctl *ctl)
{
	int fd = nl_socket_get_fd(ctl->sock), size = CTL_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/**
 * ctl_request() - send one request and collect its replies, printing nothing
 * @ctl: connected
 * @msg: the request, consumed
 * @parse: called for each reply message, or NULL
 * @arg: passed to @parse
 * @reply: the outcome: errno, the kernel's extack message and the offset
 *	of the attribute it blames (NLMSGERR_ATTR_OFFS), or -1
 *
 * Return: 0 when the kernel acknowledged, else -1 with @reply filled in.
 */
int ctl_request(struct ctl *ctl, struct nl_msg *msg,
		int (*parse)(struct nl_msg *msg, void *arg), void *arg,
		struct ctl_reply *reply)
{
	struct transaction t = { .parse = parse, .arg = arg, .reply = reply };
	struct nl_cb *cb;
	int ret;

	memset(reply, 0, sizeof(*reply));
	reply->offset = -1;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		reply->err = ENOMEM;
		return -1;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	fit_sndbuf(ctl, nlmsg_hdr(msg)->nlmsg_len);
	/* A reply (a dump's, or a component with all its addresses) and the
	 * acknowledgement echoing a large request must both find room.
	 */
	fit_rcvbuf(ctl);
	/* Replies as large as the manifests they carry: let libnl size them. */
	nl_socket_enable_msg_peek(ctl->sock);
	ret = nl_send_auto(ctl->sock, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !t.done)
		ret = nl_recvmsgs(ctl->sock, cb);
	nl_cb_put(cb);

	if (ret == -NLE_DUMP_INTR)
		reply->interrupted = true;
	if (ret < 0 && !reply->err) {
		reply->err = EIO;
		reply->transport = nl_geterror(ret);
	}
	return reply->err ? -1 : 0;
}

/* "what: the kernel's reason (errno in words)", as one line. */
const char *ctl_reply_text(const struct ctl_reply *reply, char *buf,
			   size_t size)
{
	if (reply->transport)
		snprintf(buf, size, "%s", reply->transport);
	else if (reply->extack[0])
		/* The kernel's reason says it all; its errno would only repeat it. */
		snprintf(buf, size, "%s", reply->extack);
	else
		snprintf(buf, size, "%s", ctl_errno_text(reply->err));
	return buf;
}

int ctl_transact(struct ctl *ctl, struct nl_msg *msg, const char *what,
		 int (*parse)(struct nl_msg *msg, void *arg), void *arg)
{
	struct ctl_reply reply;
	char text[512];

	if (!ctl_request(ctl, msg, parse, arg, &reply))
		return 0;
	return ctl_error("%s: %s", what,
			 ctl_reply_text(&reply, text, sizeof(text)));
}
