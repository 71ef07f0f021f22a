/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oomqctl: the parts that need no socket, so the unit tests can run
 * them: command-line parsing (args.c) and building and printing netlink
 * messages (msg.c).  oomqctl.c does the I/O.
 */
#ifndef _OOMQCTL_H
#define _OOMQCTL_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include <netlink/msg.h>
#include <linux/oomq.h>

/* Exit codes, also in the usage text. */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_NO_MODULE = 2, /* family "oomq" not registered */
	EXIT_REFUSED = 3, /* the kernel answered with an error */
	EXIT_ERROR = 4, /* netlink socket, memory, malformed reply */
	EXIT_TIMEOUT = 5, /* events: --timeout before --count events */
};

enum args_cmd {
	CMD_HELP,
	CMD_STATUS,
	CMD_EVENTS,
	CMD_SET_QUEUE,
	CMD_SET_CONFIG,
	CMD_TASKS,
};

/*
 * With --raw, set-queue takes one more PID than the kernel allows, so a
 * test can see the kernel refuse it.
 */
#define ARGS_PIDS_MAX (OOMQ_QUEUE_MAX + 1)

struct args {
	enum args_cmd cmd;
	/* events */
	unsigned int count; /* events to print, 0: no limit */
	unsigned int timeout_s; /* seconds, 0: none */
	/* set-queue */
	unsigned int npids;
	__u32 pids[ARGS_PIDS_MAX];
	/* set-config */
	bool has_ttl, has_mode;
	__u32 ttl_ms; /* ms, 0: no expiry */
	__u32 mode; /* enum oomq_mode, unchecked with a number */
};

int args_parse(int argc, char **argv, struct args *args, char *why,
	       size_t whylen);
int args_parse_u32(const char *s, __u32 *value);
const char *args_mode_name(__u32 mode);

struct nl_msg *msg_set_queue(int family, const __u32 *pids, unsigned int npids);
struct nl_msg *msg_set_config(int family, const struct args *args);
struct nl_msg *msg_get_status(int family);
int msg_print_status(FILE *out, struct nlmsghdr *nlh);
int msg_print_event(FILE *out, struct nlmsghdr *nlh);

struct oomq_task;
void msg_print_task(FILE *out, const struct oomq_task *t);

#endif /* _OOMQCTL_H */
