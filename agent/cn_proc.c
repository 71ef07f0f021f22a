// SPDX-License-Identifier: GPL-2.0
/*
 * Process events from the proc connector; see cn_proc.h.
 *
 * Each event is a datagram of its own.  As for the task dump, libnl
 * makes the socket and sends the control messages, and the events are
 * read with recv() into our own buffer: libnl's receive loop would
 * allocate for every one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "cn_proc.h"
#include "oomq_nl.h"

/* About 2,500 events (measured); kernel memory, not ours. */
#define CN_PROC_RCVBUF (1 << 20)

/* Where the event's own fields start: what, cpu, timestamp_ns. */
#define EVENT_HDR_LEN offsetof(struct proc_event, event_data)

/*
 * Since 6.6 a listener may say which events it wants (struct proc_input
 * there, mirrored here): then exits, which say nothing we need and are
 * half of all events, stay out of our buffer.  Earlier kernels ignore a
 * request of that size.  So is the ack of a filtered LISTEN (an event
 * no filter asks for), hence a plain LISTEN first, for its ack.
 */
#define CN_PROC_WANTED                                                   \
	((uint32_t)(PROC_EVENT_FORK | PROC_EVENT_EXEC | PROC_EVENT_UID | \
		    PROC_EVENT_COMM))

struct cn_proc_ctl {
	struct cn_msg hdr;
	uint32_t op; /* enum proc_cn_mcast_op */
	uint32_t events; /* since 6.6: enum proc_cn_event, a mask */
};

/* LISTEN or IGNORE, @filtered or plain; the kernel acks with @ack + 1. */
static int send_op(struct nl_sock *sk, enum proc_cn_mcast_op op, uint32_t ack,
		   bool filtered)
{
	struct cn_proc_ctl ctl = {
		.hdr = {
			.id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC },
			.ack = ack,
			.len = (filtered ? 2 : 1) * sizeof(uint32_t),
		},
		.op = op,
		.events = CN_PROC_WANTED,
	};
	int err = nl_send_simple(sk, NLMSG_DONE, 0, &ctl,
				 sizeof(ctl.hdr) + ctl.hdr.len);

	return err < 0 ? oomq_nl_errno(err) : 0;
}

/* The event's fields, copied out: in the datagram they are unaligned. */
static int event_of(const struct nlmsghdr *nlh, struct proc_event *ev)
{
	const struct cn_msg *cn = nlmsg_data(nlh);
	size_t len;

	if (nlmsg_datalen(nlh) < (int)sizeof(*cn) ||
	    cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
		return -ENOMSG;
	len = cn->len;
	if (len < EVENT_HDR_LEN ||
	    (size_t)nlmsg_datalen(nlh) - sizeof(*cn) < len)
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	memcpy(ev, cn->data, len < sizeof(*ev) ? len : sizeof(*ev));
	return 0;
}

int cn_proc_parse(const void *buf, size_t len, cn_proc_fn fn, void *ctx)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; nlmsg_ok(nlh, left);
	     nlh = nlmsg_next((struct nlmsghdr *)nlh, &left)) {
		struct proc_event ev;
		int ret = event_of(nlh, &ev);

		if (ret == -ENOMSG)
			continue;
		if (ret)
			return ret;
		switch (ev.what) {
		case PROC_EVENT_FORK: /* a new thread is not a new process */
			if (ev.event_data.fork.child_pid ==
			    ev.event_data.fork.child_tgid)
				fn(ev.event_data.fork.child_tgid, ctx);
			break;
		case PROC_EVENT_EXEC:
			fn(ev.event_data.exec.process_tgid, ctx);
			break;
		case PROC_EVENT_COMM:
			if (ev.event_data.comm.process_pid ==
			    ev.event_data.comm.process_tgid)
				fn(ev.event_data.comm.process_tgid, ctx);
			break;
		case PROC_EVENT_UID:
			if (ev.event_data.id.process_pid ==
			    ev.event_data.id.process_tgid)
				fn(ev.event_data.id.process_tgid, ctx);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Our LISTEN's ack among what is waiting: its error, or -EAGAIN. */
static int listen_ack(struct cn_proc *c, uint32_t ack)
{
	int fd = nl_socket_get_fd(c->sk);

	for (;;) {
		const struct nlmsghdr *nlh = (const void *)c->buf;
		ssize_t n = recv(fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);
		int left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno; /* -EAGAIN: no ack (yet) */
		for (left = (int)n; nlmsg_ok(nlh, left);
		     nlh = nlmsg_next((struct nlmsghdr *)nlh, &left)) {
			const struct cn_msg *cn = nlmsg_data(nlh);
			struct proc_event ev;

			if (event_of(nlh, &ev) || ev.what != PROC_EVENT_NONE ||
			    cn->ack != ack + 1)
				continue;
			return -(int)ev.event_data.ack.err;
		}
	}
}

int cn_proc_open(struct cn_proc *c)
{
	int size = CN_PROC_RCVBUF, err;
	uint32_t ack;

	c->sk = nl_socket_alloc();
	if (!c->sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(c->sk);
	nl_join_groups(c->sk, CN_IDX_PROC); /* bind()'s bitmask: group 1 */
	err = nl_connect(c->sk, NETLINK_CONNECTOR);
	if (err < 0) {
		err = oomq_nl_errno(err);
		goto err;
	}
	/* Privileged like listening itself; the default is a fifth. */
	setsockopt(nl_socket_get_fd(c->sk), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		   sizeof(size));
	/*
	 * The kernel handles the request inside our send() and queues its
	 * ack before it returns.  No ack at all: a container's namespace,
	 * which the kernel ignores without a word.
	 */
	ack = nl_socket_get_local_port(c->sk);
	err = send_op(c->sk, PROC_CN_MCAST_LISTEN, ack, false);
	if (!err)
		err = listen_ack(c, ack);
	if (err == -EAGAIN)
		err = -EPERM;
	if (err)
		goto err;
	/* Then, where the kernel can, only what we need. */
	send_op(c->sk, PROC_CN_MCAST_LISTEN, ack, true);
	return 0;

err:
	nl_socket_free(c->sk);
	c->sk = NULL;
	return err;
}

void cn_proc_close(struct cn_proc *c)
{
	if (!c->sk)
		return;
	/* Before 6.6 the kernel counts LISTENs and never a closed socket. */
	send_op(c->sk, PROC_CN_MCAST_IGNORE, 0, false);
	nl_socket_free(c->sk);
	c->sk = NULL;
}

int cn_proc_drain(struct cn_proc *c, cn_proc_fn fn, void *ctx)
{
	int fd = nl_socket_get_fd(c->sk), lost = 0;

	for (unsigned int i = 0; i < CN_PROC_DRAIN_MAX; i++) {
		ssize_t n = recv(fd, c->buf, sizeof(c->buf),
				 MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && errno == EAGAIN)
			return lost ? -ENOBUFS : 0;
		if (n < 0 && errno == ENOBUFS) {
			/* Reported once; what is still queued is read on. */
			lost = 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* Longer than any event (n is the whole length): not ours. */
		if ((size_t)n > sizeof(c->buf) ||
		    cn_proc_parse(c->buf, (size_t)n, fn, ctx))
			lost = 1;
	}
	return -ENOBUFS;
}
