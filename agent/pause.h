/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pause: stop a build job instead of killing it, and let it go on once
 * memory is back.
 *
 * A make -j20 whose jobs together need twice the RAM does not need any
 * of them killed.  Stopped (SIGSTOP), a job keeps what it has but asks
 * for no more; the others finish and free theirs, and the stopped ones
 * then go on (SIGCONT).  No work is lost, and since a stop costs nothing
 * it can come before the machine stalls, where a kill would come late
 * to spare work.  Only processes of a rule with "pause = yes" are
 * stopped; the loop picks whom (half of those running, never the last):
 *
 *	memory at pause_at          stop, then again every pause_gap_ms
 *	                            while MemAvailable has not risen since
 *	                            the last stop, never the last running
 *	memory above resume_at, or  continue the longest-stopped one, one
 *	none of them running        every resume_gap_ms
 *	stopped for pause_max_ms    continue it, whatever memory says: a
 *	                            shortage that stays is the kill's and
 *	                            the kernel's business, not a stop's
 *	pause off (reload), or      continue them all
 *	oomqd stopping
 *
 * Every signal goes through a pidfd opened at the stop, so a recycled
 * PID is never continued.  A process that exits or is killed while
 * stopped leaves the set at the next pause_reap().  The set is small
 * and fixed: no allocation.
 *
 * pause_due() is pure (the set, the config, a sample, the time);
 * pause_stop(), pause_cont_oldest(), pause_release() and pause_reap()
 * send the signals and keep the set.
 */
#ifndef _OOMQ_AGENT_PAUSE_H
#define _OOMQ_AGENT_PAUSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pressure.h"
#include "sample.h"

#define PAUSE_MAX 64 /* processes stopped at once */
/* The fastest memory is assumed to fill, for the sampling: 1 GiB/s. */
#define PAUSE_FILL_KB_PER_MS 1024

struct pause_entry {
	pid_t pid;
	int pidfd; /* -1 in a dry run: nothing was sent */
	uint64_t since_ms; /* stopped at, monotonic ms */
	uint64_t start_ticks; /* the process's start time, its identity */
	uint64_t rss_kb; /* at the stop, for the log */
	char comm[SAMPLE_COMM_LEN];
};

/*
 * The record file (pause_file_open()): who is stopped, rewritten in
 * place after every change, so an oomqd that starts after one was
 * SIGKILLed continues what that one had stopped.  Fixed size, written
 * once at open: later writes allocate nothing.
 */
struct pause_record {
	int32_t pid; /* 0: unused */
	uint32_t zero;
	uint64_t start_ticks;
};

struct pause_table {
	uint64_t magic; /* PAUSE_FILE_MAGIC */
	struct pause_record r[PAUSE_MAX];
};

#define PAUSE_FILE_MAGIC 0x31707473716d6f6fULL /* "oomqstp1" */

struct pause_set {
	struct pause_entry e[PAUSE_MAX]; /* oldest first */
	unsigned int n;
	uint64_t stop_ms; /* the last stop, monotonic ms */
	uint64_t cont_ms; /* the last continue */
	uint64_t stop_avail_kb; /* MemAvailable at the last stop */
	bool stopped_once;
	bool cont_once;
	int fd; /* the record file, or -1 */
	struct pause_table table; /* its contents */
};

enum pause_verdict {
	PAUSE_NOTHING,
	PAUSE_STOP, /* stop some of the pausable processes */
	PAUSE_CONT, /* memory is back: continue the oldest */
	PAUSE_EXPIRED, /* the oldest was stopped pause_max_ms ago */
};

void pause_init(struct pause_set *ps);
enum pause_verdict pause_due(const struct pause_set *ps,
			     const struct pressure_config *cfg,
			     const struct pressure_sample *s,
			     unsigned int running, uint64_t now_ms);
/* Sleep at most this long (ms) so pause_due() is asked in time, or -1. */
int pause_wait_ms(const struct pause_set *ps, const struct pressure_config *cfg,
		  const struct pressure_sample *s);
bool pause_has(const struct pause_set *ps, pid_t pid);
/*
 * SIGSTOP to @v's process (nothing sent when @dry_run) and into the set.
 * Return: 0, -ENOSPC with the set full, -ESRCH, another -errno.
 */
int pause_stop(struct pause_set *ps, const struct sample *v, uint64_t avail_kb,
	       uint64_t now_ms, bool dry_run);
/*
 * SIGCONT to the oldest; *@out gets its entry (pidfd closed).
 * Return: 0, -ENOENT with nobody stopped, -errno of the signal (the
 * entry leaves the set anyway: it has most likely exited).
 */
int pause_cont_oldest(struct pause_set *ps, uint64_t now_ms,
		      struct pause_entry *out);
/* SIGCONT to @pid if it is in the set, which it leaves: before a kill. */
void pause_release(struct pause_set *ps, pid_t pid);
/* SIGCONT to all; returns how many were stopped. */
unsigned int pause_release_all(struct pause_set *ps);
/* Drops the exited; returns how many. */
unsigned int pause_reap(struct pause_set *ps);
/*
 * Opens (creates) the record file at @path and continues every process
 * it names that is still stopped and still the same (start time from
 * @proc_root/PID/stat); then records the (empty) set there.
 * Return: how many were continued, or -errno (no file: nothing kept).
 */
int pause_file_open(struct pause_set *ps, const char *path,
		    const char *proc_root);
void pause_file_close(struct pause_set *ps);

#endif /* _OOMQ_AGENT_PAUSE_H */
