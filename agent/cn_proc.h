/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's process events (the proc connector, CONFIG_PROC_EVENTS):
 * which processes forked, exec'd, renamed themselves or changed uid
 * since the last look.  verdicts.h keeps the rules' verdicts exact with
 * them, so a pass need not read every process's comm again.
 *
 * Listening takes CAP_NET_ADMIN.  The socket is only read at each pass:
 * what happens in between waits in its receive buffer, and when that
 * overflows the kernel drops events and says so (ENOBUFS), after which
 * nothing remembered can be trusted.
 */
#ifndef _OOMQD_CN_PROC_H
#define _OOMQD_CN_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct nl_sock;

/* Events read per pass at most; more means the buffer was overrun. */
#define CN_PROC_DRAIN_MAX 4096

struct cn_proc {
	struct nl_sock *sk; /* NULL: not listening */
	_Alignas(8) unsigned char buf[1024]; /* one datagram: one event */
};

/*
 * Called with the process (thread group id) whose comm or uid may now
 * differ from what was read last, or which is new.
 */
typedef void (*cn_proc_fn)(pid_t tgid, void *ctx);

/*
 * Listen: 0, or -EPERM (no CAP_NET_ADMIN), -EPROTONOSUPPORT (no
 * connector), -errno.  Allocates; call outside the pressure path.
 */
int cn_proc_open(struct cn_proc *c);
/* Stops listening (the kernel counts listeners) and closes. */
void cn_proc_close(struct cn_proc *c);

/*
 * Reads every event waiting, calling @fn for each that matters: 0, or
 * -ENOBUFS when events were lost (or more than CN_PROC_DRAIN_MAX were
 * waiting), or another -errno.  Allocates nothing.
 */
int cn_proc_drain(struct cn_proc *c, cn_proc_fn fn, void *ctx);

/*
 * One datagram as received: @fn for a new process (a fork, not a new
 * thread), an exec, and a rename or uid change of a thread group's
 * leader (whose comm and uid are what /proc/<tgid> shows).  The rest
 * (exit, gid, sid, ptrace, core dump, a listen's ack) is ignored.
 * Returns -EBADMSG for a datagram too short for what it says it holds.
 */
int cn_proc_parse(const void *buf, size_t len, cn_proc_fn fn, void *ctx);

#endif /* _OOMQD_CN_PROC_H */
