/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task snapshot (OOMQ_CMD_GET_TASKS) from user space: decode one
 * process's message, and run a whole dump without allocating, so oomqd
 * can rank from it under memory pressure.  oomqctl prints the same
 * records with `oomqctl tasks`.
 */
#ifndef _OOMQ_LIB_TASKS_H
#define _OOMQ_LIB_TASKS_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/oomq.h>
#include <netlink/msg.h>

struct nl_sock;

/* One process, as the module sent it (include/uapi/linux/oomq.h). */
struct oomq_task {
	struct oomq_task_stat stat;
	bool has_mm; /* mm is set: not OOMQ_TASK_F_NO_MM */
	struct oomq_task_mm mm;
	char comm[16];
};

/*
 * Decode a GET_TASKS message: 0, -ENOMSG when it is another command,
 * -EBADMSG when it breaks the policy or lacks the stat struct.
 */
int oomq_task_parse(struct nlmsghdr *nlh, struct oomq_task *t);

/* The request; the caller sets the sequence number.  NULL: no memory. */
struct nl_msg *oomq_tasks_request(int family);

/* A dump reader: the socket, the request and the receive buffer. */
struct oomq_dump {
	struct nl_sock *sk;
	struct nl_msg *req;
	int family;
	uint32_t seq;
	unsigned int tasks; /* in the last dump */
	bool kernel_refused; /* the last dump's error came from the kernel */
	/* The kernel fills batches up to 32 KiB when the reader has room. */
	_Alignas(8) unsigned char buf[32768];
};

/*
 * Connect and resolve the family: 0, -ENOENT without the oomq module,
 * or -errno.  Everything a dump needs is allocated here.
 */
int oomq_dump_open(struct oomq_dump *d);
void oomq_dump_close(struct oomq_dump *d);

/* Called for each process; a non-zero return ends the dump early. */
typedef int (*oomq_task_fn)(const struct oomq_task *t, void *ctx);

/*
 * One dump: 0, the kernel's -errno (-EPERM without CAP_SYS_PTRACE),
 * -EBADMSG for a malformed message, the first non-zero return of @fn,
 * or a socket's -errno.  Nothing is allocated.
 */
int oomq_dump_tasks(struct oomq_dump *d, oomq_task_fn fn, void *ctx);

#endif /* _OOMQ_LIB_TASKS_H */
