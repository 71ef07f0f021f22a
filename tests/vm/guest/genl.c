// SPDX-License-Identifier: GPL-2.0
/*
 * A bare generic netlink client for the stress cases: find the oomq family
 * and send one request, waiting for its ack.  oomqctl does this through
 * libnl, one process per command; a writer thread that sends thousands of
 * requests wants its own socket and no exec.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/oomq.h>

#include "vmtest.h"

#define GENL_DATA_MAX 1024

struct genl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[NLA_HDRLEN + NLA_ALIGN(GENL_DATA_MAX)];
};

/* Send @cmd to @family with one attribute (none if @type is 0). */
static int genl_send(int fd, unsigned int family, unsigned int cmd,
		     unsigned int type, const void *data, size_t len,
		     unsigned int seq)
{
	struct genl_req req = { 0 };
	struct nlattr *nla = (struct nlattr *)req.attrs;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (len > GENL_DATA_MAX)
		return -E2BIG;
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	if (type) {
		nla->nla_type = type;
		nla->nla_len = NLA_HDRLEN + len;
		memcpy(req.attrs + NLA_HDRLEN, data, len);
		req.n.nlmsg_len += NLA_ALIGN(nla->nla_len);
	}
	req.n.nlmsg_type = family;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.n.nlmsg_seq = seq;
	req.g.cmd = cmd;
	req.g.version = family == GENL_ID_CTRL ? 1 : OOMQ_GENL_VERSION;
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/*
 * Read until the ack of @seq; its error (0 or -errno).  A reply that
 * comes before it is passed to @reply, if given.
 */
static int genl_ack(int fd, unsigned int seq,
		    void (*reply)(const struct nlmsghdr *, void *), void *arg)
{
	static __thread char buf[16384];

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *n = (struct nlmsghdr *)buf;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; NLMSG_OK(n, (size_t)len); n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_seq != seq)
				continue;
			if (n->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(n))->error;
			if (reply)
				reply(n, arg);
		}
	}
}

int genl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	return fd < 0 ? -errno : fd;
}

static void family_id(const struct nlmsghdr *n, void *arg)
{
	const struct genlmsghdr *g = NLMSG_DATA(n);
	const struct nlattr *a = (const void *)((const char *)g + GENL_HDRLEN);
	int left = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= left) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(arg, (const char *)a + NLA_HDRLEN,
			       sizeof(__u16));
		left -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

int genl_oomq_family(int fd)
{
	__u16 id = 0;
	int err;

	err = genl_send(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
			CTRL_ATTR_FAMILY_NAME, OOMQ_GENL_NAME,
			sizeof(OOMQ_GENL_NAME), 1);
	if (!err)
		err = genl_ack(fd, 1, family_id, &id);
	if (err)
		return err;
	return id ? id : -ENOENT;
}

int genl_call(int fd, int family, unsigned int cmd, unsigned int attr,
	      const void *data, size_t len)
{
	static __thread unsigned int seq = 1;
	int err;

	err = genl_send(fd, family, cmd, attr, data, len, ++seq);
	return err ? err : genl_ack(fd, seq, NULL, NULL);
}
