/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loop: oomqd as a daemon.  Waits in one ppoll() on the PSI trigger,
 * the module's event socket and the dying victim's pidfd, feeds
 * pressure.c a sample on every wake-up and does what it says: re-rank
 * and rewrite /proc/oom (agent_rank(), agent_write_queue()), or start a
 * proactive kill.
 *
 * Everything is allocated in loop_run()'s start-up; the wake-ups
 * allocate nothing (the netlink reconnect on a calm timer wake-up and a
 * SIGHUP reload do, and are not in the pressure path).
 */
#ifndef _OOMQ_AGENT_LOOP_H
#define _OOMQ_AGENT_LOOP_H

#include <stdbool.h>

#include "agent.h"

/* Loads the config again into @p (defaults, file, command line). */
typedef int (*loop_reload_fn)(struct policy *p, void *arg);

struct loop_opts {
	bool dry_run; /* never write /proc/oom, never kill */
	const char *proc_root; /* "/proc", or a fake tree */
	loop_reload_fn reload; /* SIGHUP */
	void *reload_arg;
	/* The cgroup whose memory counts (cgroup_mem.h), or NULL or "". */
	const char *cgroup_dir;
	/* Where the record of stopped processes lives (pause.c), or NULL. */
	const char *run_dir;
};

/* The daemon's run_dir: created 0700 if missing. */
#define LOOP_RUN_DIR "/run/oomqd"

/* Netlink events handled per wake-up; the rest wait for the next one. */
#define LOOP_EVENTS_PER_WAKE 32

/*
 * Runs until SIGTERM or SIGINT.  @a is initialised and its policy
 * loaded and checked.  Return: 0 after a clean stop, or -errno when the
 * loop cannot go on (poll() failed).
 */
int loop_run(struct agent *a, const struct loop_opts *o);

#endif /* _OOMQ_AGENT_LOOP_H */
