/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon loop's state, shared by its files and split by owner:
 * each part is written by the file its comment names (loop_start.c's
 * setup and teardown and loop_reload.c's new config apart), read
 * wherever it is needed.  loop.c polls and dispatches, and its tick
 * follows the pressure and writes metrics_dir's file; loop_pass.c runs
 * a ranking pass, loop_sense.c reads the memory and PSI, loop_module.c
 * keeps the module's link, loop_kill.c carries a proactive kill out,
 * loop_pause.c carries pausing out, loop_start.c sets everything up
 * (and down) and runs the hooks, and loop_reload.c takes a SIGHUP.
 * Not an interface: loop.h is.
 */
#ifndef _OOMQ_AGENT_LOOP_INT_H
#define _OOMQ_AGENT_LOOP_INT_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "cgroup_mem.h"
#include "hooks.h"
#include "job_cpus.h"
#include "jobs.h"
#include "kill.h"
#include "kill_ctl.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "nl.h"
#include "notice.h"
#include "pause.h"
#include "pause_ctl.h"
#include "pressure.h"
#include "psi.h"
#include "swap_mem.h"

/* The pressure followed: loop.c's; the other files raise kills, rerank. */
struct loop_pressure {
	struct pressure_config cfg; /* the thresholds; replaced on SIGHUP */
	struct pressure_state st;
	uint32_t kills; /* kills seen since the last sample */
	uint32_t oom_kills; /* of them, the kernel's, or events lost */
	bool rerank; /* re-rank at the next sample whatever pressure says */
};

/* The memory and PSI watched: loop_sense.c's, opened by loop_start.c. */
struct loop_sense {
	struct psi psi;
	char psi_path[PATH_MAX];
	struct cgroup_mem cgm; /* [oomqd] cgroup's, when cg_on */
	bool cg_on;
	int cg_err; /* the last read of it failed: logged once */
	struct psi cg_psi; /* psi_cgroup's memory.pressure, or fd -1 */
	char cg_psi_path[PATH_MAX];
	bool cg_missing; /* psi_cgroup is not there (yet): tried when calm */
	struct swap_mem swm; /* zram and the page-in rate, machine-wide */
	bool meminfo_bad; /* the last /proc/meminfo read failed (logged) */
	int psi_err, cg_psi_err; /* the last tick's averages' read, or 0 */
	uint32_t triggers; /* PSI firings since the last sample */
};

/* The module's netlink link: loop_module.c's (closed by loop_start.c). */
struct loop_link {
	struct nlc nl;
	bool nl_on; /* nl is open: events are heard */
	bool no_module; /* NO_MODULE_MSG said, not yet taken back */
	struct log_limit lim_event; /* malformed or lost events */
};

/* The ranking passes: loop_pass.c's. */
struct loop_ranking {
	uint64_t pass_ms; /* when the last ranking pass ran */
	uint64_t npass; /* ranking passes so far */
	bool truncated; /* "more than cap processes" logged */
	int source; /* what the last pass read: 1 dump, 0 /proc, -1 none */
	pid_t head; /* the queue head of the last pass, for the log */
	/* Messages that could otherwise come back every pass. */
	struct log_limit lim_rank, lim_write, lim_skipped, lim_head;
};

/* A proactive kill: loop_kill.c's (kill.cfg set by loop_reload.c). */
struct loop_killing {
	struct kill kill;
	struct kill_ctl ctl; /* when to kill: kill_ctl.c */
	char victim_comm[SAMPLE_COMM_LEN]; /* of kill.pid, for the log */
	struct notice victim; /* of kill.pid, for its end's notice */
	struct log_limit lim_kill; /* nothing to kill, or a kill failed */
};

/* Pausing: loop_pause.c's (loop_kill.c continues a stopped victim). */
struct loop_pausing {
	struct pause_set paused;
	struct jobs jobs; /* the pausable jobs, as of jobs_pass */
	struct pause_ctl ctl; /* who runs: pause_ctl.c */
	struct job_cpus cpus; /* the CPU the jobs can have: ctl.cpus_pm */
	/* Continued since jobs_pass: running, as the next read will find. */
	struct pause_ctl_job resumed[PAUSE_MAX];
	unsigned int nresumed;
	bool following; /* the last tick followed the jobs */
	/*
	 * The last tick: pausing down to one job below its reserve
	 * (pause_ctl_down()), and spent: what beside the jobs grows too
	 * (pause_ctl.other_grows).
	 */
	bool down, spent;
	struct log_limit lim_spent; /* "every job but one stopped" */
	struct log_limit lim_full; /* PAUSE_MAX jobs stopped */
	uint64_t found_ms; /* when a read found jobs where there were none */
	uint64_t jobs_pass; /* the pass the jobs were read after */
	uint64_t jobs_ms; /* when they were read last */
	uint64_t pass_avail_kb; /* MemAvailable at the last pass here */
	uint64_t pass_last_pid; /* the last PID given out, then: searching() */
	uint64_t asked_ms; /* when /proc/loadavg was read for it last */
	bool jobs_left_out; /* "more than JOBS_MAX jobs" logged */
	/* The pausable processes that read was of: jobs_all_seen(). */
	struct jobs_seen jobs_of[JOBS_MAX * 2];
	size_t njobs_of;
};

/* metrics_dir's file: loop.c's (loop_pass.c and notices count into m). */
struct loop_metrics {
	struct metrics m;
	struct log_limit lim; /* a failed write */
};

/* The notice sink's [hooks] helper: loop_start.c's. */
struct loop_hooks {
	struct hooks h;
	struct log_limit lim; /* events dropped */
};

struct loop {
	struct agent *a;
	const struct loop_opts *o;
	struct loop_pressure pressure;
	struct loop_sense sense;
	struct loop_link link;
	struct loop_ranking ranking;
	struct loop_killing killing;
	struct loop_pausing pausing;
	struct loop_metrics metrics;
	struct loop_hooks hooks;
};

static inline uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static inline uint64_t mono_ms(void)
{
	return mono_us() / 1000;
}

/* loop_pass.c */
int loop_pass(struct loop *l);

/* loop_sense.c */
int loop_cgroup_mem_open(struct loop *l);
int loop_cgroup_psi_open(const char *dir, struct psi *p, char *path,
			 size_t size);
int loop_cgroup_psi_refused(int err, const char *path);
void loop_cgroup_psi_event(struct loop_sense *se, short revents);
void loop_cgroup_psi_retry(struct loop_sense *se);
void loop_psi_event(struct loop_sense *se, struct psi *p, short revents,
		    const char *path);
void loop_psi_open(struct loop *l);
int loop_read_sample(struct loop *l, struct pressure_sample *s, int psi_err[2]);
void loop_sense_tick(struct loop *l, struct pressure_sample *s);

/* loop_module.c */
void loop_module_drain(struct loop *l);
void loop_module_back(struct loop_link *k);
void loop_module_gone(struct loop_link *k);
int loop_module_open(struct loop *l);

/* loop_kill.c */
void loop_kill_start(struct loop *l, uint64_t now);
void loop_kill_step(struct loop *l, uint64_t now);
bool loop_still_critical(void *arg);

/* loop_start.c */
void loop_hooks_start(struct loop *l);
void loop_log_events(const struct agent *a);
void loop_sys_dir(const struct loop_opts *o, char *sys, size_t size);
int loop_start(struct loop *l);
void loop_stop(struct loop *l);

/* loop_pause.c */
int loop_pause_tick(struct loop *l, const struct pressure_sample *s,
		    uint64_t now);
int loop_pause_file_open(struct loop *l);
void loop_pause_killed(struct loop *l, pid_t pid);
/* Is @pid a process of the jobs, running, stopped or continued? */
bool loop_pause_of_jobs(const struct loop *l, pid_t pid);

/* loop_reload.c */
void loop_reload(struct loop *l);

#endif /* _OOMQ_AGENT_LOOP_INT_H */
