/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidfd: signals that can never hit a recycled PID, for kill.c and
 * pause.c.  Through syscall(2) with the numbers from <sys/syscall.h>:
 * glibc 2.36 wraps these two, older ones do not.  A libc or kernel
 * without them gives -ENOSYS (before 5.3 there is no pidfd at all, and
 * oomqd then sends no signal of its own).
 */
#ifndef _OOMQ_AGENT_PIDFD_H
#define _OOMQ_AGENT_PIDFD_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline int sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : (int)fd;
#else
	(void)pid;
	return -ENOSYS;
#endif
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? -errno : 0;
#else
	(void)pidfd;
	(void)sig;
	return -ENOSYS;
#endif
}

/* Has the process exited?  Its pidfd turns readable when it has. */
static inline bool pidfd_exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLIN | POLLHUP));
}

#endif /* _OOMQ_AGENT_PIDFD_H */
