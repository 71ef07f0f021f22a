/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pause_ctl: which build jobs run, decided the way a scheduler admits
 * work: by what each is expected to need still.
 *
 * Stopping half of the jobs and continuing one a second (what pausing
 * did first) keeps memory safe but runs a build one job at a time.
 * Here every running job has a projected need, the growth it has left:
 *
 *	expected peak - RSS now	    once a job of the same name (the same
 *				    tool: cc1, ld, rustc) has finished:
 *				    the median of the last five such jobs'
 *				    peaks is the estimate
 *	own projection - RSS now    before that, or past the estimate: the
 *				    RSS it was projected to reach when its
 *				    growth was first measured (its RSS then
 *				    plus its growth per second, measured
 *				    while it ran, at first sight its RSS
 *				    over its age, at least its share of
 *				    MemAvailable's fall since the last
 *				    read, over 1.5 pause_horizon_ms);
 *				    projected again from where it is once it
 *				    grows past that, or its rate rose by
 *				    half (fewer share the CPUs)
 *
 * With more jobs running than CPUs and the CPUs busy (crowded), each
 * grows at the share of a CPU it gets, and once the others are stopped
 * at its own speed: it is projected at its growth per second of CPU
 * times its demand, what it took of a CPU while they were not crowded
 * (its own, else its siblings', else all of one).  Once the crowd is
 * gone and its rate measured, it is projected again from where it was
 * at that rate; and the rates are measured again soon after a stop.
 *
 * A projection is made once, not again at every read: a job growing at
 * a steady rate would otherwise be expected to grow by as much again
 * whatever it has grown already, and as the room shrank the jobs would
 * be stopped one by one, each holding more than the last, down to one
 * running (the bench's meltdown did exactly that: 14 jobs, 5 admitted,
 * then 4, 3, 2 stopped half grown, one left running for 10 s beside
 * 60 MiB they held).
 *
 * and the running jobs' projected need is kept within the headroom,
 * MemAvailable minus the reserve: pause_pct of MemTotal, or the files
 * the running jobs map (their shared RSS: the largest one job's), if
 * that is more.  MemAvailable counts those pages as free, but the jobs
 * read them over and over: with less left than that, they are evicted
 * and read back, and everything stalls on the disk before MemAvailable
 * is anywhere near the reserve (the bench's meltdown: 5 jobs admitted
 * by 281 MiB of headroom, each mapping the same 96 MiB data file, read
 * pages back at 6,000/s with 96 MiB still "available").  A quarter of
 * the free swap on a disk is headroom too (pause_ctl.c, swap_credit_kb()).
 *
 *	need > headroom		stop the youngest running jobs (the least
 *				progressed: a stop costs nothing, an old
 *				job's progress is what frees its memory
 *				soonest) until it fits, never the last
 *				running one; only jobs that hold less
 *				than a quarter of their need: a job
 *				stopped half grown holds its memory
 *				and frees none, so one that holds more
 *				runs on and is stopped only below the
 *				reserve (headroom < 0, below)
 *	need > headroom, and	stop the youngest of them that grows,
 *	jobs grown past their	whatever it holds: how large they get
 *	tool's estimate		is not known, and only the oldest of
 *				them grows on
 *	headroom < 0 anyway	stop the youngest still expected to grow
 *				by more than the margin below, else the
 *				youngest (working sets, page cache: what
 *				no RSS shows), one every pause_gap_ms
 *				while MemAvailable does not rise
 *	headroom - need covers	continue the oldest stopped job, one every
 *	the oldest's need	resume_gap_ms; at once when none runs; also
 *	plus a margin		with memory above watch_at and still, if
 *				no job of its tool finished (its need
 *				may be stale)
 *	... or will cover it	the same, before running jobs at their
 *	as running jobs end	plateau end, when their tool's finished
 *				jobs held their peak for a while (their
 *				last growth to their end): once at
 *				every moment ahead, before each end and
 *				after the last, the growth of all that
 *				runs, the oldest included (one and a
 *				half times their rates), less what the
 *				ended jobs held, fits with the margin
 *				in the room RAM gives (no swap credit:
 *				a bet lost takes it from under the
 *				files the jobs map); the stops for
 *				need above room look ahead the same way
 *
 * Pure: no I/O, no clock, no allocation.  The loop passes the jobs it
 * read (pause_ctl_update()) and asks, sample by sample, for one order
 * at a time (pause_ctl_next()), which it carries out through pause.c
 * (whose checks may still refuse: a shell's job, a debugger's) and
 * marks in its array before it asks again.
 */
#ifndef _OOMQ_AGENT_PAUSE_CTL_H
#define _OOMQ_AGENT_PAUSE_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pressure.h"
#include "sample.h"

#define PAUSE_CTL_JOBS 96 /* jobs followed: JOBS_MAX + PAUSE_MAX */
#define PAUSE_CTL_TOOLS 16 /* tools whose finished peak is kept */
#define PAUSE_CTL_PEAKS 5 /* finished jobs' peaks kept a tool */
/* The most jobs one pause_ctl_next() looks at (on its stack). */
#define PAUSE_CTL_NEXT_MAX 160
#define PAUSE_CTL_MIN_RUN_MS 5000
/* The longest sleep while the jobs are followed, ms. */
#define PAUSE_CTL_SLOW_MS 1000
/* A job that did not grow for this long, ms, is at its plateau. */
#define PAUSE_CTL_FLAT_MS 2500
/* A rate is measured over at least this long, ms. */
#define PAUSE_CTL_RATE_MS 500
/*
 * While the jobs are followed, they are read again this often, ms
 * (sooner for a job new since: its first rate): the rates need no more,
 * and an exit shows in MemAvailable at once.
 */
#define PAUSE_READ_MS 3000
/*
 * And a ranking pass, which finds the jobs new since, this often, ms
 * (PAUSE_READ_MS while it found none: a build starting), or at once
 * when MemAvailable rose by PAUSE_PASS_RISE_PCT of MemTotal since the
 * last one: a job ended, its driver starts the next.  A pass reads all
 * of /proc; the jobs' own files are a few per process.
 */
#define PAUSE_PASS_MS 9000
#define PAUSE_PASS_RISE_PCT 2
/*
 * A pass also when MemAvailable fell by this % of MemTotal since the
 * last and a process was created since: following may have started on
 * something else (a session starting), and a build starting later, or
 * its next jobs, must be found as they start, not on the next
 * PAUSE_READ_MS or PAUSE_PASS_MS, grown by then (stopped, they hold
 * what they grew).
 */
#define PAUSE_PASS_FALL_PCT 1

/* One job as the loop sees it. */
struct pause_ctl_job {
	pid_t root;
	uint64_t start_ticks; /* the root's; also its age: larger, younger */
	uint64_t rss_kb;
	uint64_t mapped_kb; /* files and shmem it maps, resident: shared RSS */
	uint64_t age_ms; /* the root's, 0: unknown */
	uint64_t cpu_ms; /* CPU time of its processes, 0: unknown */
	char comm[SAMPLE_COMM_LEN]; /* the root's: its tool */
	bool stopped; /* by oomqd */
	bool runs; /* counts as running (not stopped by anyone) */
	bool stoppable; /* may be stopped (pause_may_stop()) */
};

/* What the controller remembers of a job between reads. */
struct pause_ctl_track {
	pid_t root;
	uint64_t start_ticks;
	uint64_t rss_kb; /* at the last read */
	uint64_t rate_ms; /* when the rate was last measured */
	uint64_t rate_rss_kb; /* the RSS then */
	uint64_t peak_kb;
	uint64_t expect_kb; /* the RSS it is projected to reach, 0: none */
	uint64_t cont_ms; /* continued last, monotonic ms */
	uint64_t seen_ms; /* the last read that found it */
	uint64_t grew_ms; /* the last read that found it grown or stopped */
	uint32_t rate_kb_s; /* growth while it ran, KiB/s */
	uint32_t grew_rate_kb_s; /* rate_kb_s when it last grew */
	uint32_t expect_rate_kb_s; /* the rate expect_kb was projected at */
	uint64_t expect_base_kb; /* the RSS expect_kb was projected from */
	uint64_t rate_cpu_ms; /* its CPU time at rate_ms, 0: unknown */
	uint32_t cpu_rate_kb_s; /* growth per second of CPU it got */
	uint32_t demand_pm; /* per mille of a CPU it takes uncrowded, 0: ? */
	bool crowded; /* expect_kb assumed its demand, the CPUs crowded */
	bool rated; /* rate_kb_s known, at first sight or measured */
	bool measured; /* a rate measured while it ran, between reads */
	bool continued; /* cont_ms is set */
	bool seen; /* in the last read */
	bool grows; /* grew since the measure before the last */
	char comm[SAMPLE_COMM_LEN];
};

/* The peaks of a tool's last finished jobs, and how long they held them. */
struct pause_ctl_tool {
	char comm[SAMPLE_COMM_LEN];
	uint64_t peak_kb; /* their median: a job of the tool is done there */
	uint64_t peaks_kb[PAUSE_CTL_PEAKS]; /* the last ones, a ring */
	unsigned int npeaks, next_peak;
	uint64_t held_ms; /* from their last growth to their end, 0: unknown */
	uint64_t used; /* update count when last set, for replacement */
};

/* A process beside the jobs, as read with them; pid 0: none. */
struct pause_ctl_other {
	pid_t pid;
	uint64_t start_ticks;
	uint64_t rss_kb;
};

struct pause_ctl {
	struct pause_ctl_track t[PAUSE_CTL_JOBS];
	unsigned int n;
	struct pause_ctl_tool tool[PAUSE_CTL_TOOLS];
	unsigned int ntools;
	uint64_t updates;
	uint64_t stop_ms, cont_ms; /* last orders, monotonic ms */
	uint64_t stop_avail_kb; /* MemAvailable at the last stop */
	uint64_t prev_ms,
		prev_avail_kb; /* the last sample pause_ctl_watch() saw */
	uint64_t fall_kb_s; /* how fast MemAvailable falls, KiB/s */
	uint64_t rise_ms; /* when it last rose at once (RISE_PCT), ms */
	uint64_t read_ms,
		read_avail_kb; /* the last update, MemAvailable then */
	/* pause_ctl_other()'s, for the next update, and at the last. */
	struct pause_ctl_other other, other_read;
	/*
	 * other_read grew between the last two reads by more than a
	 * 64th: a leak beside the jobs (pause_ctl_down()).
	 */
	bool other_grows;
	uint64_t mapped_kb; /* the most a running job mapped, last read */
	uint64_t watch_until_ms;
	unsigned int unrated; /* running jobs of the last read, no rate
			       * measured yet */
	bool stopped_since_read; /* the others' rates are of a larger crowd */
	/*
	 * The running jobs took 3/4 of the CPUs or more at the last read:
	 * each grew as fast as its share allowed, not as fast as it will.
	 */
	bool crowded;
	uint32_t cpus_pm; /* the jobs' CPUs, per mille (job_cpus.h); 0: unknown */
	bool stopped_once, cont_once, sampled;
};

enum pause_ctl_kind {
	PAUSE_CTL_NOTHING,
	PAUSE_CTL_STOP,
	PAUSE_CTL_CONT,
};

struct pause_ctl_order {
	enum pause_ctl_kind kind;
	unsigned int job; /* index into the array given */
	const char *why; /* for the log: static string */
};

void pause_ctl_init(struct pause_ctl *c);
enum pause_ctl_watch {
	PAUSE_CTL_CALM,
	PAUSE_CTL_LOW, /* MemAvailable at watch_at: follow jobs if any */
	PAUSE_CTL_FALLING, /* toward the reserve: follow, find the jobs */
};

/*
 * What sample @s says of following the jobs: FALLING when MemAvailable
 * fell fast enough to reach the reserve within twice pause_horizon_ms,
 * in the last pause_horizon_ms; else LOW at watch_at.  A build that
 * starts on a calm machine is seen as it starts, not once half the
 * memory is gone; a machine that only sits low, with no job to pause,
 * costs no reads.
 */
enum pause_ctl_watch pause_ctl_watch(struct pause_ctl *c,
				     const struct pressure_config *cfg,
				     const struct pressure_sample *s,
				     uint64_t now_ms);
/*
 * The largest process beside the jobs (@pid, started at @start_ticks,
 * @rss_kb), read with them, told before pause_ctl_update(): what it
 * grew since the last read is no job's growth, and MemAvailable's fall
 * less that is what the jobs' rates are held to.  A leak beside a build
 * made the running jobs' share of the fall three times their growth
 * (the bench's mix, traced: a tab leaking 42 MiB/s, jobs of 60 MiB
 * projected to 148).  Not told before an update: none.
 */
void pause_ctl_other(struct pause_ctl *c, pid_t pid, uint64_t start_ticks,
		     uint64_t rss_kb);
/*
 * The jobs as read at @now_ms (every job the loop knows, stopped or
 * not): rates measured, projections made, peaks kept, and the jobs
 * gone since the last read counted as finished for their tool's
 * estimate.  Of @n jobs, the first PAUSE_CTL_NEXT_MAX.
 */
void pause_ctl_update(struct pause_ctl *c, const struct pressure_config *cfg,
		      const struct pause_ctl_job *jobs, unsigned int n,
		      uint64_t now_ms);
/*
 * The next order after sample @s: a stop or a continue of jobs[job], or
 * nothing; of @n jobs, the first PAUSE_CTL_NEXT_MAX.  The caller marks
 * the job (stopped, runs) once it is carried out, and calls again;
 * pause_ctl_done() tells an order's time.
 */
struct pause_ctl_order pause_ctl_next(const struct pause_ctl *c,
				      const struct pressure_config *cfg,
				      const struct pressure_sample *s,
				      const struct pause_ctl_job *jobs,
				      unsigned int n, uint64_t now_ms);
/*
 * Order @o of pause_ctl_next() on @jobs was carried out at @now_ms.  A
 * job continued is not stopped again for its growth for
 * PAUSE_CTL_MIN_RUN_MS: a continue that the next sample takes back only
 * churns.
 */
void pause_ctl_done(struct pause_ctl *c, const struct pause_ctl_order *o,
		    const struct pause_ctl_job *jobs,
		    const struct pressure_sample *s, uint64_t now_ms);
/*
 * @pid, not one of the jobs (a leak beside the build), was killed, by
 * oomqd or the kernel (loop_pause_killed()): while it grew, the jobs'
 * projections took their share of MemAvailable's fall for their own
 * growth (project()), and their needs, and the stopped ones' by their
 * siblings', count its growth.  Each one projected above its own rate
 * is projected again from where it was, at that rate.  In the bench's
 * mix the stopped jobs waited 10 s after the tab's kill, 173 MiB of
 * room beside one job, for needs made of the tab's 20 MiB a second.
 */
void pause_ctl_killed(struct pause_ctl *c, const struct pressure_config *cfg,
		      pid_t pid);
/*
 * Has pausing done all it can, with memory still short?  MemAvailable
 * under the reserve, jobs stopped and one left running at most (the
 * last running one is never stopped).  If the process beside the jobs
 * (pause_ctl_other()) grew between the last two reads too
 * (c->other_grows), pausing is spent: what takes the memory is that
 * process, and only its kill frees any.  Waiting for the kill level
 * meanwhile evicts what the jobs read (the bench's mix: a tab leaking
 * 20 MiB a second beside a build stopped down to one job, the jobs'
 * data file read back at 7,700 pages a second for 3-4 s, 170-220 MiB,
 * before the kill at 10 %).  kill_ctl.c kills then once pages come back
 * at the thrashing rate.
 */
bool pause_ctl_down(const struct pause_ctl *c,
		    const struct pressure_config *cfg,
		    const struct pressure_sample *s,
		    const struct pause_ctl_job *jobs, unsigned int n);
/*
 * Are the jobs to be read again soon (PAUSE_CTL_RATE_MS), rather than
 * at the loop's leisure: some run with no rate measured yet, or some
 * were stopped since the last read (the others' rates rise).
 */
static inline bool pause_ctl_read_soon(const struct pause_ctl *c)
{
	return c->unrated != 0 || c->stopped_since_read;
}

/*
 * How long the loop may sleep while it follows the jobs, ms: a quarter
 * of the time MemAvailable, falling as fast as it did lately, takes to
 * reach the reserve, at least pause_sample_ms and at most
 * PAUSE_CTL_SLOW_MS; pause_sample_ms right after an order (@ordered:
 * one order brings the next), at or below the reserve, and while
 * @searching: no job found yet, or a build's first ones lately.  It
 * starts its jobs one after another, and each one found a second late
 * would hold what it grew meanwhile for as long as it is stopped (the
 * bench's meltdown: up to 86 MiB, a job and more, eaten between the
 * first stops and the last; with none found yet, its first stops came
 * 1.1-1.4 s after it began).  Such a tick costs a sample; its passes
 * come only as pause_ctl_pass_due() says.  A build that holds still,
 * or grows slowly far above the reserve, is sampled once a second, not
 * five times.  But within resume_gap_ms of the last order, at @now_ms,
 * no later than that gap's end: the next continue waits for it alone
 * (a build's next jobs went on 1.2 s apart, each one's first sample
 * refused by the gap and the next a second later).
 */
uint32_t pause_ctl_wait_ms(const struct pause_ctl *c,
			   const struct pressure_config *cfg,
			   const struct pressure_sample *s, bool ordered,
			   bool searching, uint64_t now_ms);

/*
 * Is a ranking pass due for the jobs at @now_ms, in a tick that follows
 * them: when following starts (!@following), PAUSE_PASS_MS after the
 * last pass at @pass_ms (PAUSE_READ_MS while it found no job, or a
 * build's first ones just now: !@jobs), or when MemAvailable rose by
 * PAUSE_PASS_RISE_PCT of MemTotal above @pass_avail_kb, its value then,
 * or fell by PAUSE_PASS_FALL_PCT below it (pause_ctl_fell()) and a
 * process was @created since that pass.  A build starts its jobs one
 * after the other, its first ones at once and the next as slots free,
 * and one found late has grown meanwhile, which it holds while it is
 * stopped (jobs of 60 MiB grown in half a second, started every half
 * second: found by the pass every PAUSE_PASS_MS, four were stopped
 * holding 43-148 MiB); without a new process no new job is found.  A
 * pass of this very tick took its time after @now_ms was read: it is
 * not due again.
 */
bool pause_ctl_pass_due(bool following, bool jobs, bool created,
			uint64_t pass_ms, uint64_t pass_avail_kb,
			const struct pressure_sample *s, uint64_t now_ms);

/* MemAvailable PAUSE_PASS_FALL_PCT of MemTotal or more below @was_kb? */
static inline bool pause_ctl_fell(const struct pressure_sample *s,
				  uint64_t was_kb)
{
	return s->mem_avail_kb + s->mem_total_kb * PAUSE_PASS_FALL_PCT / 100 <=
	       was_kb;
}

/* What @j is projected to need still, KiB (for tests and the log). */
uint64_t pause_ctl_need_kb(const struct pause_ctl *c,
			   const struct pressure_config *cfg,
			   const struct pause_ctl_job *j);

#endif /* _OOMQ_AGENT_PAUSE_CTL_H */
