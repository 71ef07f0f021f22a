/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jobs: the process trees pausing stops and continues as a unit.
 *
 * A build's work is a chain as often as a single process: rustc runs cc,
 * which runs ld; go runs cgo, which runs cc1; each parent sleeps in
 * wait4() until its child is done.  Stopping the child alone while its
 * parent counts as "running" wedges the build: the parent cannot go on,
 * and nothing else is left running to free memory.  So the unit is the
 * tree: a job is a pausable process with no pausable ancestor (its
 * root) and every process below it, pausable or not; a pausable process
 * below another belongs to that one's job.  A job is stopped and
 * continued whole, and counts as one that runs or not.
 *
 * What may be stopped without anyone noticing:
 *
 *   - a shell with job control waits for its jobs with WUNTRACED and
 *     reports a stopped one ("[1]+ Stopped"), takes the terminal back
 *     and skips the rest of "cmd && next".  It sees only its own
 *     children, the leaders of the process groups it made, so a process
 *     is never stopped when its parent is in another process group and
 *     it has a controlling terminal (JOB_SHELL).  A pausable process
 *     that is such a leader is not taken as a job's root: its
 *     descendants (a make's compilers) form their own jobs;
 *   - a debugger sees every signal of its tracee: pause.c looks at the
 *     stop (TracerPid is in the status file, the largest a read of the
 *     jobs would take per process) and leaves such a job alone after;
 *   - someone who stopped a process (Ctrl-Z, kill -STOP, a debugger:
 *     state T or t) expects it to stay stopped; its job is neither
 *     stopped nor continued, and does not count as running (JOB_FOREIGN):
 *     its parent waits for it.
 *
 * A build driver (make, ninja, cargo: the ancestor whose name a pause
 * rule's match_ancestor_comm matched, struct sample's driver) runs its
 * jobs side by side and is never stopped: a job never reaches up to it,
 * nor down into one (a sub-make).  Below a driver, a process that runs
 * two children or more at once is a dispatcher (a shell's "a & b &
 * wait", make's job slots in a script): not a job itself, each of its
 * children's trees is one.  A pipeline's stages (gcc -pipe: cc1 | as)
 * look the same and become jobs of their own; stopping one blocks the
 * other on the pipe.
 *
 * Descendants are found through /proc/PID/task/TID/children
 * (CONFIG_PROC_CHILDREN, on in Debian's kernels); without it a job holds
 * its root, the pausable processes below it and the processes between.
 * At most JOB_PROCS processes: a larger tree is left running (JOB_BIG).
 *
 * Reads only: no signal is sent here (pause.c).
 */
#ifndef _OOMQ_AGENT_JOBS_H
#define _OOMQ_AGENT_JOBS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc_sample.h"
#include "sample.h"

#define JOBS_MAX 32 /* jobs looked at in one pass */
#define JOB_PROCS 16 /* processes of one job */
#define JOBS_DEPTH 64 /* ancestors climbed looking for a root */

/* job.flags: why a job may not be stopped, or does not run */
#define JOB_FOREIGN 0x1 /* someone else stopped one of its processes */
#define JOB_SHELL 0x2 /* a shell would see one of its processes stop */
#define JOB_BIG 0x8 /* more than JOB_PROCS processes */
#define JOB_OURS 0x10 /* holds processes pause.c stopped */

/* One process, from /proc/PID/stat. */
struct job_proc {
	pid_t pid;
	pid_t ppid;
	pid_t pgrp;
	int tty_nr; /* controlling terminal, 0: none */
	char state; /* R, S, D, T (stopped), t (traced and stopped), Z ... */
	uint64_t start_ticks; /* its identity with the pid */
	uint64_t rss_kb;
	uint64_t cpu_ticks; /* utime + stime */
	int threads; /* 1: its children are its main thread's */
	char comm[SAMPLE_COMM_LEN];
};

struct job {
	struct job_proc p[JOB_PROCS]; /* p[0] the root; parents first */
	unsigned int n;
	unsigned int flags; /* JOB_* */
	uint64_t rss_kb; /* of all its processes */
	/*
	 * The build driver it works for (its root's sample's driver), or 0:
	 * jobs with the same driver are siblings of one build.
	 */
	pid_t driver;
	uint64_t anon_kb; /* of all its processes, resident less shared */
	uint64_t cpu_ticks; /* of all its processes, as they are now */
};

struct jobs {
	struct job j[JOBS_MAX]; /* in queue order of their best process */
	unsigned int n;
	unsigned int left_out; /* pausable processes past JOBS_MAX jobs */
};

/* Is @pid one that pause.c stopped? */
typedef bool (*jobs_ours_fn)(pid_t pid, void *arg);

/*
 * The jobs of @pausable (queued processes of pause rules, queue order),
 * read from @ps's root.  Processes that vanish are skipped.
 */
void jobs_build(struct jobs *js, struct proc_sampler *ps,
		const struct sample *const *pausable, size_t n,
		jobs_ours_fn ours, void *arg);

/* A pausable process as a jobs read found it: jobs_all_seen(). */
struct jobs_seen {
	pid_t pid;
	uint64_t start_ticks;
};

/*
 * Is every one of @pausable among @seen (the pausable processes of the
 * last jobs_build())?  Then a pass found no new one, and its jobs are
 * as read, but for their growth.
 */
bool jobs_all_seen(const struct sample *const *pausable, size_t n,
		   const struct jobs_seen *seen, size_t nseen);

/* The job holding @pid, or NULL. */
struct job *jobs_find(const struct jobs *js, pid_t pid);

/* A job that runs: not stopped by oomqd nor, in part, by anyone else. */
static inline bool job_runs(const struct job *j)
{
	return !(j->flags & (JOB_FOREIGN | JOB_OURS));
}

/* A job that may be stopped as a whole without anyone noticing. */
static inline bool job_stoppable(const struct job *j)
{
	return !j->flags;
}

/* Would a shell see @p stop?  @parent is its parent. */
static inline bool job_shell_sees(const struct job_proc *p,
				  const struct job_proc *parent)
{
	return p->tty_nr != 0 && p->pgrp != parent->pgrp;
}

/* Stopped by someone: group stop (T) or a tracer's stop (t). */
static inline bool job_state_stopped(char state)
{
	return state == 'T' || state == 't';
}

/* Exited: a zombie (Z) or dead (X) holds nothing and takes no signal. */
static inline bool job_state_gone(char state)
{
	return state == 'Z' || state == 'X';
}

/* 0, -ESRCH (gone), or -errno. */
int jobs_read_proc(struct proc_sampler *ps, pid_t pid, struct job_proc *p);
/*
 * How many times @pid's main thread was switched in (schedstat's
 * pcount): a stopped process ran, so someone continued it, if this
 * changed.  0, -ESRCH, or -ENOENT without CONFIG_SCHED_INFO.
 */
int jobs_runs(struct proc_sampler *ps, pid_t pid, uint64_t *runs);
/*
 * Is @pid off its CPU and off the run queue, blocked (/proc/PID/wchan
 * names where)?  A stopped process is seen T a moment before it leaves
 * the CPU, and may yet be switched in once more if preempted there.
 * 1, 0, -ENOENT without CONFIG_KALLSYMS (no wchan file), or -errno.
 */
int jobs_blocked(struct proc_sampler *ps, pid_t pid);
/* Has @pid a tracer (TracerPid)?  1, 0, or -errno. */
int jobs_traced(struct proc_sampler *ps, pid_t pid);
/*
 * @pid's children, of all its threads, into @out (at most @max).
 * Return: how many, or -E2BIG with more than @max, or -errno; 0 when
 * the kernel has no children files.
 */
int jobs_children(struct proc_sampler *ps, pid_t pid, pid_t *out,
		  unsigned int max);
/*
 * The same for @p as read: a process of one thread (most) has its
 * children in one file, /proc/PID/task/PID/children, read without
 * listing its task directory.
 */
int jobs_children_of(struct proc_sampler *ps, const struct job_proc *p,
		     pid_t *out, unsigned int max);

#endif /* _OOMQ_AGENT_JOBS_H */
