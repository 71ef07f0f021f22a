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
 * to spare work.  The unit is a job, a process tree (jobs.h), stopped
 * and continued whole; only jobs of rules with "pause = yes" are
 * stopped, and only where no shell or debugger would see it.  Whom to
 * stop and when to continue is pause_ctl.c's decision (by the jobs'
 * expected need, as a scheduler admits work); this file carries it out
 * and keeps what holds whatever it decides:
 *
 *	stopped pause_max_ms in     continue it, whatever memory says, and
 *	all                         never stop it again: a shortage that
 *	                            stays is the kill's and the kernel's
 *	                            business, not a stop's
 *	pause off (reload), or      continue them all
 *	oomqd stopping
 *
 * Processes are named by PID and start time.  Before every signal the
 * PID is pinned with a pidfd and its start time read again from
 * /proc/PID/stat, so a recycled PID is never signalled; a stop is
 * recorded before it is sent (the record file below), so an oomqd killed
 * between the two leaves nothing stopped that the next one does not know.
 *
 * What others do wins: a process stopped by someone else (Ctrl-Z, kill
 * -STOP, a debugger) is never stopped nor continued; a job of which
 * someone else continued a process is continued whole and never stopped
 * again; a job whose process group someone else stopped (the shell's
 * Ctrl-Z) is forgotten and left to them.  The set is small and fixed:
 * no allocation.
 *
 * pause_wait_ms() is pure (the set, the config, a sample); the others
 * send the signals and keep the set.
 */
#ifndef _OOMQ_AGENT_PAUSE_H
#define _OOMQ_AGENT_PAUSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jobs.h"
#include "pressure.h"
#include "proc_sample.h"
#include "sample.h"

/*
 * Jobs stopped at once: beyond them no stop is ordered (a make -j of 60
 * short jobs had 32 stopped and the rest running).  The record file has
 * a row of JOB_PROCS for each; one with fewer rows is read whole.
 */
#define PAUSE_MAX 64
#define PAUSE_SEEN 128 /* jobs remembered after their stops */
/* The fastest memory is assumed to fill, for the sampling: 1 GiB/s. */
#define PAUSE_FILL_KB_PER_MS 1024

/*
 * A process oomqd stopped.  Once it is seen stopped and off its CPU
 * (jobs_blocked()), the number of times it was switched in is kept
 * (jobs_runs()): a stopped process does not run, so if that number
 * changes, someone continued it, and if it is stopped again, by someone
 * else.  That is how a stop of oomqd's is told from a later one of
 * someone else's, here and in the record.
 */
struct pause_proc {
	pid_t pid;
	pid_t pgrp;
	uint64_t start_ticks; /* its identity with the pid */
	uint64_t runs; /* switched in, once confirmed */
	bool sent; /* the SIGSTOP went out (it is recorded before) */
	bool confirmed; /* seen stopped since the stop: runs is known */
};

struct pause_job {
	struct pause_proc p[JOB_PROCS]; /* parents first */
	unsigned int n;
	pid_t root; /* p[0] at the stop; the job's name in pause_seen */
	uint64_t root_start;
	uint64_t since_ms; /* stopped at, monotonic ms */
	uint64_t used_ms; /* stopped before this stop, ms */
	uint64_t rss_kb; /* at the stop, for the log */
	uint64_t anon_kb; /* at the stop: its own (jobs.h), unchanged since */
	/*
	 * Its children were read with every process confirmed stopped: no
	 * new one can come while they stay so (pause_check()).
	 */
	bool settled;
	char comm[SAMPLE_COMM_LEN]; /* the root's */
};

/* A job stopped before: how long in all, and whether it is left alone. */
struct pause_seen {
	pid_t pid; /* its root */
	uint64_t start_ticks;
	uint64_t used_ms; /* stopped, up to its last continue */
	uint64_t last_ms; /* stopped or continued last, monotonic ms */
	bool hands_off; /* someone else continued or stopped it; traced */
};

/*
 * The record file (pause_file_open()): who is stopped, rewritten in
 * place before every stop and after every continue, so an oomqd that
 * starts after one was SIGKILLed continues what that one had stopped.
 * Fixed size, written whole at the start and a job's rows at a time
 * after: no allocation.  Its lock keeps a second oomqd from starting.
 */
struct pause_record {
	int32_t pid; /* 0: unused */
	int32_t pgrp;
	uint64_t start_ticks;
	uint64_t runs;
	uint32_t flags; /* PAUSE_RECORD_* */
	uint32_t zero;
};

#define PAUSE_RECORD_SENT 0x1 /* the SIGSTOP went out */
#define PAUSE_RECORD_CONFIRMED 0x2 /* seen stopped: runs is known */

struct pause_table {
	uint64_t magic; /* PAUSE_FILE_MAGIC */
	int32_t holder; /* the oomqd that holds the lock */
	uint32_t zero;
	char boot_id[40]; /* /proc/sys/kernel/random/boot_id */
	struct pause_record r[PAUSE_MAX][JOB_PROCS];
};

#define PAUSE_FILE_MAGIC 0x33707473716d6f6fULL /* "oomqstp3" */

struct pause_set {
	struct pause_job j[PAUSE_MAX]; /* oldest first */
	unsigned int n;
	struct pause_seen seen[PAUSE_SEEN];
	unsigned int nseen;
	bool dry_run; /* nothing is sent nor recorded */
	struct proc_sampler *proc; /* where processes are read */
	int (*send)(int pidfd, int sig); /* sys_pidfd_send_signal() */
	int fd; /* the record file, or -1 */
	struct pause_table table; /* its contents */
};

/* What pause_check() and pause_file_open() found, for the log. */
enum pause_note_kind {
	PAUSE_NOTE_GONE, /* the job exited while stopped */
	PAUSE_NOTE_CONTINUED, /* someone else continued @pid: job continued */
	PAUSE_NOTE_SUSPENDED, /* someone else stopped @pid's group: left */
	PAUSE_NOTE_JOINED, /* @pid, new in a stopped job, stopped too */
	PAUSE_NOTE_UNHELD, /* a new process cannot be stopped: job continued */
	PAUSE_NOTE_KEPT, /* at start: recorded @pid is not ours to continue */
};

struct pause_note {
	enum pause_note_kind kind;
	pid_t pid;
	const struct pause_job *job; /* NULL for PAUSE_NOTE_KEPT */
};

typedef void (*pause_note_fn)(const struct pause_note *n, void *arg);

/* @proc: the /proc the processes are read from, kept open by the caller. */
void pause_init(struct pause_set *ps, struct proc_sampler *proc, bool dry_run);
/* Sleep at most this long (ms) so a fall is sampled in time, or -1. */
int pause_wait_ms(const struct pause_set *ps, const struct pressure_config *cfg,
		  const struct pressure_sample *s);
/* Is @pid a process of a stopped job? */
bool pause_has(const struct pause_set *ps, pid_t pid);
/* May @j be stopped: stoppable, not left alone, time left, room in @ps? */
bool pause_may_stop(const struct pause_set *ps,
		    const struct pressure_config *cfg, const struct job *j);
/*
 * SIGSTOP to @j's processes, its root first, each recorded before it is
 * sent, then to any process found below them since.
 * Return: 0, -ENOSPC with the set full, -ESRCH (the root is gone),
 * -EBUSY (the tree now holds a process that may not be stopped: what
 * was stopped is continued), another -errno.
 */
int pause_stop(struct pause_set *ps, const struct job *j, uint64_t now_ms);
/*
 * SIGCONT to job @i of the set (0: the one stopped longest ago); *@out
 * gets it.  Return: 0, or -ENOENT with no such job.
 */
int pause_cont(struct pause_set *ps, unsigned int i, uint64_t now_ms,
	       struct pause_job *out);
/* The same for the first job stopped pause_max_ms in all. */
int pause_cont_expired(struct pause_set *ps, const struct pressure_config *cfg,
		       uint64_t now_ms, struct pause_job *out);
/* SIGCONT to @pid's job if one is stopped: before a kill. */
void pause_release(struct pause_set *ps, pid_t pid, uint64_t now_ms);
/* SIGCONT to all; returns how many jobs were stopped. */
unsigned int pause_release_all(struct pause_set *ps, uint64_t now_ms);
/*
 * What became of the stopped jobs: exits, someone else's continue or
 * Ctrl-Z, processes new in them (stopped).  Returns how many jobs left
 * the set.
 */
unsigned int pause_check(struct pause_set *ps, uint64_t now_ms,
			 pause_note_fn note, void *arg);
/*
 * Opens (creates) the record file @name in @dir_fd, which must be ours
 * and writable by nobody else, and locks it; continues every process it
 * names that oomqd sent a SIGSTOP, that is still stopped, still the
 * same (start time, process group), has not run since oomqd saw it
 * stopped (so nobody continued it and stopped it again; not checked
 * for one oomqd died before it saw stopped, milliseconds after the
 * stop), with no tracer and its group's leader not stopped (a shell's
 * Ctrl-Z); then records the (empty) set there.
 * Return: how many were continued; -EBUSY when another oomqd holds the
 * lock (*@holder: its PID, 0 if unknown); -EPERM when the directory or
 * the file is someone else's or writable by others; another -errno.
 */
int pause_file_open(struct pause_set *ps, int dir_fd, const char *name,
		    pid_t *holder, pause_note_fn note, void *arg);
void pause_file_close(struct pause_set *ps);

#endif /* _OOMQ_AGENT_PAUSE_H */
