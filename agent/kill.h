/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kill: the optional proactive kill, one victim at a time, through a
 * pidfd so a recycled PID is never hit.
 *
 *	IDLE --kill_start()--> TERMINATING --grace--> KILLING --exit--> REAPED
 *	                          |  SIGTERM             SIGKILL,  |
 *	                          |                process_mrelease()
 *	                          +-------------exit---------------|--> REAPED
 *	                                                           |
 *	IDLE <--reap_timeout_ms, -ETIMEDOUT: the victim is "stuck"-+
 *
 * kill_start() refuses (-EBUSY) while a victim is TERMINATING or
 * KILLING: never a second victim while the first is dying (seed 001).
 * A victim that SIGKILL does not end within reap_timeout_ms (in D state
 * on a dead NFS server, frozen in a cgroup v1 freezer, held by a tracer)
 * is not dying in any way that frees memory soon: the kill moves on,
 * and the victim is kept as stuck (its pidfd held, so a recycled PID is
 * never taken for it) until it is gone; kill_start() refuses it
 * (-EALREADY) and kill_stuck() tells the caller to pick the next one.
 * Before SIGTERM and before SIGKILL the recheck callback is asked
 * whether the pressure still calls for the kill; when it says no, the
 * kill stops (-ECANCELED) and nothing more is sent.
 *
 * In the loop: poll kill_fd() for POLLIN (the pidfd is readable once the
 * victim has exited), sleep at most kill_wait_ms(), and call kill_step()
 * on every wake-up.
 */
#ifndef _OOMQ_AGENT_KILL_H
#define _OOMQ_AGENT_KILL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum kill_phase {
	KILL_IDLE,
	KILL_TERMINATING, /* SIGTERM sent, waiting up to grace_ms */
	KILL_KILLING, /* SIGKILL sent, memory released, waiting for exit */
	KILL_REAPED, /* the victim is gone; kill_start() may run again */
};

/* true: the pressure still calls for this kill. */
typedef bool (*kill_recheck_fn)(void *arg);

struct kill_config {
	uint32_t grace_ms; /* SIGTERM to SIGKILL, ms; 0: SIGKILL at once */
	uint32_t reap_timeout_ms; /* after SIGKILL, ms, before moving on */
	bool mrelease; /* process_mrelease() after SIGKILL */
};

#define KILL_CONFIG_DEFAULT                                                 \
	{                                                                   \
		.grace_ms = 2000, .reap_timeout_ms = 5000, .mrelease = true \
	}

/* Stuck victims kept at most; a new one pushes the oldest out. */
#define KILL_STUCK_MAX 8

struct kill_stuck {
	pid_t pid;
	int pidfd;
};

struct kill {
	enum kill_phase phase;
	struct kill_config cfg;
	kill_recheck_fn recheck; /* NULL: never cancel */
	void *arg;
	pid_t pid; /* the victim, for the log */
	int pidfd; /* -1 when none */
	uint64_t phase_ms; /* when the phase began, monotonic ms */
	int mrelease_err; /* 0, or -errno of process_mrelease() */
	struct kill_stuck stuck[KILL_STUCK_MAX]; /* oldest first */
	unsigned int nstuck;
};

void kill_init(struct kill *k, const struct kill_config *cfg,
	       kill_recheck_fn recheck, void *arg);
int kill_start(struct kill *k, pid_t pid, uint64_t now_ms);
int kill_step(struct kill *k, uint64_t now_ms);
int kill_fd(const struct kill *k);
int kill_wait_ms(const struct kill *k, uint64_t now_ms);
bool kill_busy(const struct kill *k);
void kill_reset(struct kill *k);
/* Was @pid a victim that SIGKILL did not end, and is it still there? */
bool kill_stuck(struct kill *k, pid_t pid);
/* kill_reset(), and the stuck victims forgotten. */
void kill_fini(struct kill *k);
const char *kill_phase_name(enum kill_phase phase);

#endif /* _OOMQ_AGENT_KILL_H */
