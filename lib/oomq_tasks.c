// SPDX-License-Identifier: GPL-2.0
/*
 * The task snapshot from user space; see oomq_tasks.h.
 *
 * libnl's receive loop allocates a buffer and a message object for
 * every read, so a dump is read with recvmsg() into the reader's own
 * buffer and walked with libnl's parsing helpers, which allocate
 * nothing.  The request is built once, at open.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "oomq_nl.h"
#include "oomq_tasks.h"

/* A dump batch that takes longer than this means the kernel is stuck. */
#define DUMP_RECV_TIMEOUT_S 2

int oomq_task_parse(struct nlmsghdr *nlh, struct oomq_task *t)
{
	struct nlattr *a[OOMQ_TASK_A_MAX + 1], *nest;
	struct genlmsghdr *ghdr;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	ghdr = genlmsg_hdr(nlh);
	if (ghdr->cmd != OOMQ_CMD_GET_TASKS)
		return -ENOMSG;
	/*
	 * The message holds the one nest: find it rather than parse the
	 * top level against the whole family's policy, which would cost
	 * as much again per process.
	 */
	nest = nla_find(genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			OOMQ_A_TASK);
	if (!nest ||
	    nla_parse_nested(a, OOMQ_TASK_A_MAX, nest, oomq_nl_task_policy) <
		    0 ||
	    !a[OOMQ_TASK_A_STAT])
		return -EBADMSG;

	/*
	 * A longer struct (a newer module) is read as far as this build
	 * knows it; nla_data() is only 4-byte aligned, so copy.
	 */
	memset(t, 0, sizeof(*t));
	memcpy(&t->stat, nla_data(a[OOMQ_TASK_A_STAT]), sizeof(t->stat));
	if (a[OOMQ_TASK_A_COMM])
		nla_strlcpy(t->comm, a[OOMQ_TASK_A_COMM], sizeof(t->comm));
	t->has_mm = !(t->stat.flags & OOMQ_TASK_F_NO_MM) && a[OOMQ_TASK_A_MM];
	if (t->has_mm)
		memcpy(&t->mm, nla_data(a[OOMQ_TASK_A_MM]), sizeof(t->mm));
	return 0;
}

struct nl_msg *oomq_tasks_request(int family)
{
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				NLM_F_REQUEST | NLM_F_DUMP, OOMQ_CMD_GET_TASKS,
				OOMQ_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int oomq_dump_open(struct oomq_dump *d)
{
	struct timeval tv = { .tv_sec = DUMP_RECV_TIMEOUT_S };
	int err;

	d->seq = 0;
	d->tasks = 0;
	d->req = NULL;
	d->sk = nl_socket_alloc();
	if (!d->sk)
		return -ENOMEM;
	err = genl_connect(d->sk);
	if (err < 0)
		goto err;
	d->family = genl_ctrl_resolve(d->sk, OOMQ_GENL_NAME);
	if (d->family < 0) {
		err = d->family;
		goto err;
	}
	d->req = oomq_tasks_request(d->family);
	if (!d->req) {
		err = -NLE_NOMEM;
		goto err;
	}
	if (setsockopt(nl_socket_get_fd(d->sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv))) {
		err = -NLE_FAILURE;
		goto err;
	}
	return 0;

err:
	oomq_dump_close(d);
	return oomq_nl_errno(err);
}

void oomq_dump_close(struct oomq_dump *d)
{
	if (d->req)
		nlmsg_free(d->req);
	if (d->sk)
		nl_socket_free(d->sk);
	d->req = NULL;
	d->sk = NULL;
}

/*
 * One message of our dump: > 0 when it ended it, else 0 or -errno.
 * The first error is kept in *err and the rest of the dump drained.
 */
static int dump_message(struct oomq_dump *d, struct nlmsghdr *nlh,
			oomq_task_fn fn, void *ctx, int *err)
{
	struct oomq_task t;
	int ret;

	switch (nlh->nlmsg_type) {
	case NLMSG_DONE:
		/* A dump that failed midway says so in its DONE. */
		if (nlmsg_datalen(nlh) >= (int)sizeof(int) && !*err) {
			*err = *(int *)nlmsg_data(nlh);
			d->kernel_refused = *err != 0;
		}
		return 1;
	case NLMSG_ERROR:
		if (nlmsg_datalen(nlh) < (int)sizeof(struct nlmsgerr)) {
			*err = *err ? *err : -EBADMSG;
		} else if (!*err) {
			*err = ((struct nlmsgerr *)nlmsg_data(nlh))->error;
			d->kernel_refused = *err != 0;
		}
		return 1;
	case NLMSG_NOOP:
		return 0;
	}
	if (*err)
		return 0;
	ret = oomq_task_parse(nlh, &t);
	if (ret == -ENOMSG)
		return 0;
	if (!ret) {
		d->tasks++;
		ret = fn(&t, ctx);
	}
	*err = ret;
	return 0;
}

int oomq_dump_tasks(struct oomq_dump *d, oomq_task_fn fn, void *ctx)
{
	struct nlmsghdr *req = nlmsg_hdr(d->req);
	uint32_t port = nl_socket_get_local_port(d->sk);
	int fd = nl_socket_get_fd(d->sk), err, done = 0;

	d->tasks = 0;
	d->kernel_refused = false;
	req->nlmsg_seq = ++d->seq;
	err = nl_send(d->sk, d->req);
	if (err < 0)
		return oomq_nl_errno(err);
	err = 0;
	while (!done) {
		struct iovec iov = { d->buf, sizeof(d->buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		struct nlmsghdr *nlh = (struct nlmsghdr *)d->buf;
		ssize_t n = recvmsg(fd, &mh, 0);
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		for (len = (int)n; nlmsg_ok(nlh, len) && !done;
		     nlh = nlmsg_next(nlh, &len)) {
			/* What is left of an earlier, abandoned dump. */
			if (nlh->nlmsg_seq != d->seq || nlh->nlmsg_pid != port)
				continue;
			done = dump_message(d, nlh, fn, ctx, &err);
		}
	}
	return err;
}
