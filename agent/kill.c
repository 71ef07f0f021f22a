// SPDX-License-Identifier: GPL-2.0
/*
 * kill: SIGTERM, a grace period, SIGKILL and process_mrelease() through
 * a pidfd, and the wait for the victim's exit on that pidfd.
 *
 * The pidfd calls are pidfd.h's; process_mrelease goes through
 * syscall(2) too.  A libc or kernel without them gives -ENOSYS;
 * without pidfd_open (before 5.3) there is no proactive kill at all,
 * since kill(2) on a bare PID may hit a recycled one; without
 * process_mrelease (before 5.15) the kill still works and only the
 * early release of the victim's memory is lost.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kill.h"
#include "pidfd.h"

static int sys_process_mrelease(int pidfd)
{
#ifdef SYS_process_mrelease
	return syscall(SYS_process_mrelease, pidfd, 0) ? -errno : 0;
#else
	(void)pidfd;
	return -ENOSYS;
#endif
}

static const char *const phase_names[] = {
	[KILL_IDLE] = "idle",
	[KILL_TERMINATING] = "terminating",
	[KILL_KILLING] = "killing",
	[KILL_REAPED] = "reaped",
};

const char *kill_phase_name(enum kill_phase phase)
{
	if ((unsigned int)phase >= sizeof(phase_names) / sizeof(phase_names[0]))
		return "?";
	return phase_names[phase];
}

void kill_init(struct kill *k, const struct kill_config *cfg,
	       kill_recheck_fn recheck, void *arg)
{
	memset(k, 0, sizeof(*k));
	k->cfg = *cfg;
	k->recheck = recheck;
	k->arg = arg;
	k->pidfd = -1;
	k->phase = KILL_IDLE;
}

/* Drop the victim: close the pidfd, back to IDLE. */
void kill_reset(struct kill *k)
{
	if (k->pidfd >= 0)
		close(k->pidfd);
	k->pidfd = -1;
	k->phase = KILL_IDLE;
}

/* Forget stuck victims that are gone at last. */
static void prune_stuck(struct kill *k)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < k->nstuck; i++) {
		if (pidfd_exited(k->stuck[i].pidfd))
			close(k->stuck[i].pidfd);
		else
			k->stuck[n++] = k->stuck[i];
	}
	k->nstuck = n;
}

bool kill_stuck(struct kill *k, pid_t pid)
{
	prune_stuck(k);
	for (unsigned int i = 0; i < k->nstuck; i++)
		if (k->stuck[i].pid == pid)
			return true;
	return false;
}

/* The victim outlived reap_timeout_ms after SIGKILL: keep it aside. */
static void stuck(struct kill *k)
{
	prune_stuck(k);
	if (k->nstuck == KILL_STUCK_MAX) {
		close(k->stuck[0].pidfd);
		memmove(k->stuck, k->stuck + 1,
			(KILL_STUCK_MAX - 1) * sizeof(*k->stuck));
		k->nstuck--;
	}
	k->stuck[k->nstuck++] = (struct kill_stuck){ k->pid, k->pidfd };
	k->pidfd = -1;
	k->phase = KILL_IDLE;
}

void kill_fini(struct kill *k)
{
	kill_reset(k);
	for (unsigned int i = 0; i < k->nstuck; i++)
		close(k->stuck[i].pidfd);
	k->nstuck = 0;
}

/* A victim is dying: kill_start() would refuse. */
bool kill_busy(const struct kill *k)
{
	return k->phase == KILL_TERMINATING || k->phase == KILL_KILLING;
}

static bool still_wanted(const struct kill *k)
{
	return !k->recheck || k->recheck(k->arg);
}

static bool exited(const struct kill *k)
{
	return pidfd_exited(k->pidfd);
}

static void reaped(struct kill *k, uint64_t now_ms)
{
	close(k->pidfd);
	k->pidfd = -1;
	k->phase = KILL_REAPED;
	k->phase_ms = now_ms;
}

/* SIGKILL, then release its memory without waiting for the exit path. */
static int escalate(struct kill *k, uint64_t now_ms)
{
	int err = sys_pidfd_send_signal(k->pidfd, SIGKILL);

	if (err == -ESRCH) { /* gone meanwhile */
		reaped(k, now_ms);
		return KILL_REAPED;
	}
	if (err)
		return err;
	k->phase = KILL_KILLING;
	k->phase_ms = now_ms;
	k->mrelease_err = k->cfg.mrelease ? sys_process_mrelease(k->pidfd) : 0;
	return KILL_KILLING;
}

/**
 * kill_start - send SIGTERM to @pid (SIGKILL with grace_ms 0)
 * @k: from kill_init(), IDLE or REAPED
 * @pid: the victim, as ranked
 * @now_ms: monotonic ms
 *
 * The recheck callback runs first.  A process that exits before the
 * signal counts as reaped.
 *
 * Return: the new phase (KILL_TERMINATING, KILL_KILLING or KILL_REAPED),
 * or -EBUSY while a victim is dying, -EALREADY when @pid is a stuck
 * victim (kill_stuck()), -ECANCELED when the recheck said no (nothing
 * sent), -ESRCH when @pid does not exist, -ENOSYS without pidfd_open,
 * -EPERM, another -errno.
 */
int kill_start(struct kill *k, pid_t pid, uint64_t now_ms)
{
	int fd, err;

	if (kill_busy(k))
		return -EBUSY;
	if (kill_stuck(k, pid))
		return -EALREADY;
	kill_reset(k);
	k->pid = pid;
	k->mrelease_err = 0;
	if (!still_wanted(k))
		return -ECANCELED;
	fd = sys_pidfd_open(pid);
	if (fd < 0)
		return fd;
	k->pidfd = fd;
	k->phase_ms = now_ms;
	if (!k->cfg.grace_ms) {
		err = escalate(k, now_ms);
		if (err < 0)
			kill_reset(k);
		return err;
	}
	err = sys_pidfd_send_signal(fd, SIGTERM);
	if (err == -ESRCH) {
		reaped(k, now_ms);
		return KILL_REAPED;
	}
	if (err) {
		kill_reset(k);
		return err;
	}
	k->phase = KILL_TERMINATING;
	return KILL_TERMINATING;
}

/**
 * kill_step - move the kill on, at every wake-up
 *
 * TERMINATING: an exited victim is REAPED; once grace_ms has passed the
 * recheck runs and then SIGKILL and process_mrelease() go out.
 * KILLING: an exited victim is REAPED.  IDLE and REAPED stay as they are.
 *
 * Return: the phase after the step, or -ECANCELED (the recheck said no
 * before SIGKILL: the victim keeps its SIGTERM, the kill is dropped and
 * the phase is IDLE), -ETIMEDOUT when the victim is still there
 * reap_timeout_ms after SIGKILL (it is kept as stuck, the phase is IDLE
 * and the next victim may go), or another -errno from sending SIGKILL.
 */
int kill_step(struct kill *k, uint64_t now_ms)
{
	if (!kill_busy(k))
		return k->phase;
	if (exited(k)) {
		reaped(k, now_ms);
		return KILL_REAPED;
	}
	if (k->phase == KILL_TERMINATING) {
		if (now_ms - k->phase_ms < k->cfg.grace_ms)
			return KILL_TERMINATING;
		if (!still_wanted(k)) {
			kill_reset(k);
			return -ECANCELED;
		}
		return escalate(k, now_ms);
	}
	if (now_ms - k->phase_ms >= k->cfg.reap_timeout_ms) {
		stuck(k);
		return -ETIMEDOUT;
	}
	return KILL_KILLING;
}

/* The pidfd to poll for POLLIN while a victim is dying, else -1. */
int kill_fd(const struct kill *k)
{
	return kill_busy(k) ? k->pidfd : -1;
}

/**
 * kill_wait_ms - how long the loop may sleep before kill_step() is due
 *
 * Return: ms until the grace period or the reap timeout ends (0 when
 * already due), or -1 when only the pidfd can move things on.
 */
int kill_wait_ms(const struct kill *k, uint64_t now_ms)
{
	uint64_t limit, spent = now_ms - k->phase_ms;

	if (k->phase == KILL_TERMINATING)
		limit = k->cfg.grace_ms;
	else if (k->phase == KILL_KILLING)
		limit = k->cfg.reap_timeout_ms;
	else
		return -1;
	return spent >= limit ? 0 : (int)(limit - spent);
}
