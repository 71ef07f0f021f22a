// SPDX-License-Identifier: GPL-2.0
/*
 * A raw generic netlink client, for what oomqctl (libnl) cannot do on
 * purpose: a header with its reserved byte set, a request timed while
 * another family holds genl_mutex, a dump whose batches another process
 * reads, a request from a process that must not allocate; and the stress
 * writers, thousands of requests a second from threads of one process.
 * Its buffers are static (such a process touches them before it must
 * not allocate) and per thread.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/oomq.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmtest.h"

int genl_open(struct genl_sock *g)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	g->seq = 1;
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		return -errno;
	/* Errors without the request echoed: acks stay a few bytes. */
	if (setsockopt(g->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
		       sizeof(one)) ||
	    bind(g->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(g->fd);
		g->fd = -1;
		return err;
	}
	return 0;
}

void genl_close(struct genl_sock *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

size_t genl_put_attr(void *buf, size_t off, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *nla = (struct nlattr *)((char *)buf + off);

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return off + NLA_ALIGN(NLA_HDRLEN + len);
}

int genl_send(struct genl_sock *g, const struct genl_req *r)
{
	static __thread char buf[GENL_MSG_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	size_t len = NLMSG_LENGTH(GENL_HDRLEN + r->len);

	if (len > sizeof(buf))
		return -E2BIG;
	memset(buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = r->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | r->flags;
	nlh->nlmsg_seq = ++g->seq;
	gh->cmd = r->cmd;
	gh->version = 1;
	gh->reserved = r->reserved;
	if (r->len)
		memcpy((char *)gh + GENL_HDRLEN, r->attrs, r->len);
	if (send(g->fd, buf, len, 0) != (ssize_t)len)
		return -errno;
	return 0;
}

ssize_t genl_recv(struct genl_sock *g, void *buf, size_t size)
{
	ssize_t n = recv(g->fd, buf, size, 0);

	return n < 0 ? -errno : n;
}

/* The ack (or error) of the last request, skipping replies before it. */
static int wait_ack(struct genl_sock *g, void *reply, size_t size)
{
	static __thread char buf[GENL_MSG_MAX];

	for (;;) {
		ssize_t n = genl_recv(g, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n < 0)
			return n;
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != g->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error;
			}
			if (reply && nlh->nlmsg_len <= size)
				memcpy(reply, nlh, nlh->nlmsg_len);
		}
	}
}

int genl_call(struct genl_sock *g, const struct genl_req *r, void *reply,
	      size_t size)
{
	int err = genl_send(g, r);

	return err ? err : wait_ack(g, reply, size);
}

/* The payload of attribute @type among @len bytes at @attrs, or NULL. */
const void *genl_attr(const void *attrs, size_t len, uint16_t type,
		      size_t *plen)
{
	const char *p = attrs;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		size_t alen = nla->nla_len;

		if (alen < NLA_HDRLEN || alen > len)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == type) {
			if (plen)
				*plen = alen - NLA_HDRLEN;
			return p + NLA_HDRLEN;
		}
		alen = NLA_ALIGN(alen);
		if (alen >= len)
			break;
		p += alen;
		len -= alen;
	}
	return NULL;
}

int genl_family(struct genl_sock *g, const char *name)
{
	static __thread char reply[GENL_MSG_MAX];
	char attrs[64];
	struct genl_req r = {
		.family = GENL_ID_CTRL,
		.cmd = CTRL_CMD_GETFAMILY,
		.attrs = attrs,
	};
	const struct nlmsghdr *nlh = (struct nlmsghdr *)reply;
	const uint16_t *id;
	int err;

	r.len = genl_put_attr(attrs, 0, CTRL_ATTR_FAMILY_NAME, name,
			      strlen(name) + 1);
	memset(reply, 0, sizeof(struct nlmsghdr));
	err = genl_call(g, &r, reply, sizeof(reply));
	if (err)
		return err;
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EPROTO;
	id = genl_attr((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
		       nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
		       CTRL_ATTR_FAMILY_ID, NULL);
	return id ? *id : -EPROTO;
}

int genl_set_queue(struct genl_sock *g, int family, const uint32_t *pids,
		   size_t n)
{
	static __thread char attrs[OOMQ_QUEUE_MAX * 4 + 64];
	struct genl_req r = {
		.family = family,
		.cmd = OOMQ_CMD_SET_QUEUE,
		.attrs = attrs,
	};

	if (n > OOMQ_QUEUE_MAX)
		return -E2BIG;
	r.len = genl_put_attr(attrs, 0, OOMQ_A_QUEUE, pids, n * sizeof(*pids));
	return genl_call(g, &r, NULL, 0);
}
