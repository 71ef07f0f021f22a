// SPDX-License-Identifier: GPL-2.0
/*
 * oomqctl: talk to oomq.ko over generic netlink.
 *
 *	oomqctl status
 *	oomqctl events [--count N] [--timeout SEC]
 *	oomqctl set-queue [--raw] [PID...]
 *	oomqctl set-config [ttl_ms=N] [mode=badness|origin|auto]
 *
 * The message formats are in include/uapi/linux/oomq.h.  Functions
 * return 0 or -errno; main() turns that into a message and one of the
 * exit codes in oomqctl.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "oomq_nl.h"
#include "oomq_tasks.h"
#include "oomqctl.h"

static const char usage_text[] =
	"usage: oomqctl status\n"
	"       oomqctl events [--count N] [--timeout SEC]\n"
	"       oomqctl set-queue [--raw] [PID...]\n"
	"       oomqctl set-config [ttl_ms=N] [mode=badness|origin|auto]\n"
	"       oomqctl tasks\n"
	"\n"
	"status      print the queue, settings and counters, key=value\n"
	"events      print one line per event until N events or SEC seconds\n"
	"set-queue   replace the queue; no PIDs clears it (PIDs as for\n"
	"            /proc/oom; --raw sends any u32 unchecked)\n"
	"set-config  set the queue TTL (0: none) and the steering mode\n"
	"tasks       print every process as the module sees it, one line\n"
	"            each (the snapshot oomqd ranks from; needs admin)\n"
	"\n"
	"exit: 0 ok, 1 usage, 2 oomq module not loaded, 3 kernel refused,\n"
	"      4 other error, 5 events timed out before N events\n";

struct ctl {
	struct nl_sock *sk;
	int family;
};

/*
 * Connect and resolve the family: -ENOENT means no oomq module.
 * OOMQCTL_FAMILY names another family instead, so the tests can take
 * the real socket path on a kernel without oomq (tests/unit/
 * oomqctl_cli.sh sends oomq commands to "nlctrl" to see its refusals).
 */
static int ctl_open(struct ctl *ctl)
{
	const char *name = getenv("OOMQCTL_FAMILY");
	int err;

	if (!name || !*name)
		name = OOMQ_GENL_NAME;
	ctl->sk = nl_socket_alloc();
	if (!ctl->sk)
		return -ENOMEM;
	err = genl_connect(ctl->sk);
	if (err < 0)
		goto err_socket;
	/*
	 * A status reply with a full queue is over 16 KiB, more than
	 * libnl's default receive buffer: size each read by peeking.
	 */
	nl_socket_enable_msg_peek(ctl->sk);
	ctl->family = genl_ctrl_resolve(ctl->sk, name);
	if (ctl->family < 0) {
		err = ctl->family;
		goto err_socket;
	}
	return 0;

err_socket:
	nl_socket_free(ctl->sk);
	ctl->sk = NULL;
	return oomq_nl_errno(err);
}

static void ctl_close(struct ctl *ctl)
{
	nl_socket_free(ctl->sk);
}

struct reply {
	int done; /* 1 until the ACK or an error arrives */
	int kernel_err; /* the kernel's -errno, 0 when it accepted */
	int print_err; /* msg_print_status() on the reply */
	bool want_status;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	if (r->want_status)
		r->print_err = msg_print_status(stdout, nlmsg_hdr(msg));
	return NL_OK;
}

/* The kernel's errno as it sent it; libnl's NLE_* mapping loses E2BIG. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;

	(void)nla;
	r->kernel_err = e->error;
	r->done = 0;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->done = 0;
	return NL_STOP;
}

/*
 * Send @msg (freed here) and wait for its ACK.  Returns 0 or a local
 * -errno; *kernel_err is the kernel's answer.
 */
static int ctl_request(struct ctl *ctl, struct nl_msg *msg, bool want_status,
		       int *kernel_err)
{
	struct reply r = { .done = 1, .want_status = want_status };
	struct nl_cb *cb;
	int err;

	if (!msg)
		return -ENOMEM;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &r);

	err = nl_send_auto(ctl->sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && r.done)
		err = nl_recvmsgs(ctl->sk, cb);
	nl_cb_put(cb);
	/* libnl also returns the error it mapped from on_error()'s NL_STOP. */
	if (r.kernel_err) {
		*kernel_err = r.kernel_err;
		return 0;
	}
	if (err < 0)
		return oomq_nl_errno(err);
	return r.print_err;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct events {
	unsigned int want; /* 0: no limit */
	unsigned int seen;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct events *ev = arg;
	int err = msg_print_event(stdout, nlmsg_hdr(msg));

	if (err == -EBADMSG)
		fprintf(stderr, "oomqctl: malformed event ignored\n");
	if (err)
		return NL_SKIP;
	/* Line by line, so a reader behind a pipe sees each at once. */
	fflush(stdout);
	ev->seen++;
	return ev->want && ev->seen >= ev->want ? NL_STOP : NL_OK;
}

/*
 * Print events until @count of them (0: forever) or @timeout_s passed.
 * Returns 0 or a local -errno; *kernel_err is set when the kernel does
 * not let us join the group (it needs CAP_NET_ADMIN).
 */
static int ctl_events(struct ctl *ctl, unsigned int count,
		      unsigned int timeout_s, int *kernel_err)
{
	struct events ev = { .want = count };
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	struct pollfd pfd;
	int grp, err;

	grp = genl_ctrl_resolve_grp(ctl->sk, OOMQ_GENL_NAME, OOMQ_MCGRP_EVENTS);
	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : oomq_nl_errno(grp);
	/* Multicast carries no sequence numbers of ours. */
	nl_socket_disable_seq_check(ctl->sk);
	err = nl_socket_modify_cb(ctl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event,
				  &ev);
	if (err < 0)
		return oomq_nl_errno(err);
	err = nl_socket_add_membership(ctl->sk, grp);
	if (err < 0) {
		*kernel_err = oomq_nl_errno(err);
		return 0;
	}
	err = nl_socket_set_nonblocking(ctl->sk);
	/* Room for a burst of kills while we are not scheduled. */
	if (err >= 0)
		err = nl_socket_set_buffer_size(ctl->sk, 1 << 20, 0);
	if (err < 0)
		return oomq_nl_errno(err);

	pfd.fd = nl_socket_get_fd(ctl->sk);
	pfd.events = POLLIN;
	while (!count || ev.seen < count) {
		int wait_ms = -1;

		if (timeout_s) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return count ? -ETIMEDOUT : 0;
			wait_ms = left > 1000000 ? 1000000 : (int)left;
		}
		err = poll(&pfd, 1, wait_ms);
		if (err < 0 && errno != EINTR)
			return -errno;
		if (err <= 0)
			continue;
		err = nl_recvmsgs_default(ctl->sk);
		/* ENOBUFS: the socket overflowed; say so and go on. */
		if (err == -NLE_NOMEM) {
			fprintf(stderr, "oomqctl: events lost: socket buffer "
					"overrun\n");
			continue;
		}
		if (err < 0 && err != -NLE_AGAIN)
			return oomq_nl_errno(err);
	}
	return 0;
}

static int on_task(const struct oomq_task *t, void *ctx)
{
	(void)ctx;
	msg_print_task(stdout, t);
	return 0;
}

/* Print the task dump; its own socket, read without libnl's loop. */
static int ctl_tasks(int *kernel_err)
{
	static struct oomq_dump dump;
	int err = oomq_dump_open(&dump);

	if (err)
		return err;
	err = oomq_dump_tasks(&dump, on_task, NULL);
	if (err && dump.kernel_refused) {
		*kernel_err = err;
		err = 0;
	}
	oomq_dump_close(&dump);
	return err;
}

int main(int argc, char **argv)
{
	static struct args args;
	const char *what = argv[1];
	struct nl_msg *msg = NULL;
	struct ctl ctl = { 0 };
	int kernel_err = 0;
	char why[256];
	int err;

	if (args_parse(argc, argv, &args, why, sizeof(why))) {
		fprintf(stderr, "oomqctl: %s\n%s", why, usage_text);
		return EXIT_USAGE;
	}
	if (args.cmd == CMD_HELP) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}

	err = ctl_open(&ctl);
	if (err == -ENOENT) {
		fprintf(stderr,
			"oomqctl: oomq module not loaded "
			"(no generic netlink family \"%s\")\n",
			OOMQ_GENL_NAME);
		return EXIT_NO_MODULE;
	}
	if (err) {
		fprintf(stderr, "oomqctl: netlink: %s\n", strerror(-err));
		return EXIT_ERROR;
	}

	switch (args.cmd) {
	case CMD_TASKS:
		err = ctl_tasks(&kernel_err);
		break;
	case CMD_EVENTS:
		err = ctl_events(&ctl, args.count, args.timeout_s, &kernel_err);
		break;
	case CMD_STATUS:
		err = ctl_request(&ctl, msg_get_status(ctl.family), true,
				  &kernel_err);
		break;
	case CMD_SET_QUEUE:
		msg = msg_set_queue(ctl.family, args.pids, args.npids);
		err = ctl_request(&ctl, msg, false, &kernel_err);
		break;
	default:
		msg = msg_set_config(ctl.family, &args);
		err = ctl_request(&ctl, msg, false, &kernel_err);
		break;
	}
	ctl_close(&ctl);

	if (err == -ETIMEDOUT) {
		fprintf(stderr,
			"oomqctl: events: %u s passed before %u events\n",
			args.timeout_s, args.count);
		return EXIT_TIMEOUT;
	}
	if (err == -ENOENT && args.cmd == CMD_EVENTS) {
		fprintf(stderr, "oomqctl: events: no multicast group \"%s\"\n",
			OOMQ_MCGRP_EVENTS);
		return EXIT_ERROR;
	}
	if (err == -EBADMSG) {
		fprintf(stderr,
			"oomqctl: %s: malformed reply from the kernel\n", what);
		return EXIT_ERROR;
	}
	if (err) {
		fprintf(stderr, "oomqctl: %s: %s\n", what, strerror(-err));
		return EXIT_ERROR;
	}
	if (kernel_err) {
		fprintf(stderr, "oomqctl: %s: kernel refused: %s\n", what,
			strerror(-kernel_err));
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}
