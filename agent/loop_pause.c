// SPDX-License-Identifier: GPL-2.0
/*
 * Pausing carried out: the pausable jobs read once a ranking pass,
 * pause_ctl.c's orders applied one at a time through pause.c, and
 * their log; the record of what is stopped (run_dir/stopped) opened at
 * start.  Who runs is pause_ctl.c's decision.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loop_int.h"
#include "prof.h"

static bool is_paused(pid_t pid, void *arg)
{
	return pause_has(arg, pid);
}

/* pause_stop() of @j, and its log; false when it was refused. */
static bool stop_job(struct loop *l, const struct job *j,
		     const struct pressure_sample *s, const char *why,
		     uint64_t now)
{
	struct loop_pausing *p = &l->pausing;
	struct notice n;
	int ret = pause_stop(&p->paused, j, now);

	if (ret) {
		/* Gone, or grown something not to stop, since. */
		logmsg(ret == -ESRCH || ret == -EBUSY ? LOG_INFO : LOG_ERR,
		       "pause: SIGSTOP to pid %d (%s): %s", (int)j->p[0].pid,
		       j->p[0].comm, strerror(-ret));
		l->pressure.rerank = true;
		return false;
	}
	n = (struct notice){ .kind = NOTICE_PAUSE,
			     .pid = j->p[0].pid,
			     .uid = NOTICE_UID_UNKNOWN,
			     .rss_kb = j->rss_kb,
			     .reason = why,
			     .jobs = p->paused.n };
	memcpy(n.comm, j->p[0].comm, sizeof(n.comm));
	lognote(&n, LOG_WARNING,
		"%spause: SIGSTOP to pid %d (%s) and %u below it, RSS %llu "
		"KiB: %s; MemAvailable %llu MiB; %u jobs stopped",
		l->o->dry_run ? "dry run: " : "", (int)j->p[0].pid,
		j->p[0].comm, p->paused.j[p->paused.n - 1].n - 1,
		(unsigned long long)j->rss_kb, why,
		(unsigned long long)s->mem_avail_kb / 1024, p->paused.n);
	if (p->paused.n == PAUSE_MAX)
		logmsg_limited(&p->lim_full, now, LOG_WARNING,
			       "pause: %u jobs stopped, as many as oomqd "
			       "stops at once: no other is stopped until one "
			       "is continued or ends",
			       p->paused.n);
	return true;
}

static void log_cont(struct loop *l, const struct pause_job *j, const char *why,
		     uint64_t now)
{
	struct loop_pausing *p = &l->pausing;
	struct notice n = { .kind = NOTICE_CONTINUE,
			    .pid = j->root,
			    .uid = NOTICE_UID_UNKNOWN,
			    .rss_kb = j->rss_kb,
			    .reason = why,
			    .jobs = p->paused.n,
			    .stopped_ms = now - j->since_ms };

	memcpy(n.comm, j->comm, sizeof(n.comm));
	lognote(&n, LOG_NOTICE,
		"%spause: SIGCONT to pid %d (%s) and %u below it after %llu "
		"ms (%llu ms in all): %s; %u jobs stopped",
		l->o->dry_run ? "dry run: " : "", (int)j->root, j->comm,
		j->n ? j->n - 1 : 0, (unsigned long long)(now - j->since_ms),
		(unsigned long long)(j->used_ms + now - j->since_ms), why,
		p->paused.n);
}

static void pause_noted(const struct pause_note *n, void *arg)
{
	const struct pause_job *j = n->job;

	(void)arg;
	switch (n->kind) {
	case PAUSE_NOTE_GONE:
		logmsg(LOG_INFO, "pause: pid %d (%s) exited while stopped",
		       (int)n->pid, j->comm);
		break;
	case PAUSE_NOTE_CONTINUED:
		logmsg(LOG_NOTICE,
		       "pause: pid %d of the job of pid %d (%s) was continued "
		       "by someone else: its job goes on and is not stopped "
		       "again",
		       (int)n->pid, (int)j->root, j->comm);
		break;
	case PAUSE_NOTE_SUSPENDED:
		logmsg(LOG_NOTICE,
		       "pause: process group %d was stopped by someone else: "
		       "the job of pid %d (%s) is left to them",
		       (int)n->pid, (int)j->root, j->comm);
		break;
	case PAUSE_NOTE_JOINED:
		logmsg(LOG_INFO,
		       "pause: SIGSTOP to pid %d, new in the stopped job of "
		       "pid %d (%s)",
		       (int)n->pid, (int)j->root, j->comm);
		break;
	case PAUSE_NOTE_UNHELD:
		logmsg(LOG_NOTICE,
		       "pause: the job of pid %d (%s) now holds a process "
		       "that may not be stopped: continued",
		       (int)n->pid, j->comm);
		break;
	case PAUSE_NOTE_KEPT:
		logmsg(LOG_NOTICE,
		       "pause: pid %d, in the record of an earlier oomqd, is "
		       "stopped but not as that oomqd left it (someone else "
		       "stopped it): left as it is",
		       (int)n->pid);
		break;
	}
}

/*
 * The stopped jobs checked and the pausable ones read again, after a
 * ranking pass that found a pausable process the last read did not
 * (a new job, one continued) or did not find one it did (a job ended:
 * its tool's peak is known at once, not PAUSE_READ_MS later, and the
 * next job's continue waits for it) and, when @again, from the last
 * pass's processes: the tree walk costs a few /proc reads per process
 * of the pausable trees.  A pass that found the same ones (the
 * pressure's own refresh, every 0.5 s when critical) leaves the jobs
 * to the reads every PAUSE_READ_MS.  Returns whether they were read.
 */
static bool read_jobs(struct loop *l, uint64_t now, bool again)
{
	struct loop_pausing *p = &l->pausing;
	const struct sample *run[JOBS_MAX * 2];
	bool same;
	size_t n;

	if (p->jobs_pass == l->ranking.npass && !again)
		return false;
	n = agent_pausable(l->a, is_paused, &p->paused, run,
			   sizeof(run) / sizeof(*run));
	same = jobs_all_seen(run, n, p->jobs_of, p->njobs_of) &&
	       n == p->njobs_of;
	if (!again && p->jobs_ms && same) {
		p->jobs_pass = l->ranking.npass;
		return false;
	}
	p->jobs_pass = l->ranking.npass;
	p->jobs_ms = now;
	pause_check(&p->paused, now, pause_noted, NULL);
	/* pause_check() may have dropped some: is_paused() says less. */
	n = agent_pausable(l->a, is_paused, &p->paused, run,
			   sizeof(run) / sizeof(*run));
	for (size_t i = 0; i < n; i++)
		p->jobs_of[i] =
			(struct jobs_seen){ run[i]->pid, run[i]->start_ticks };
	p->njobs_of = n;
	jobs_build(&p->jobs, &l->a->sampler, run, n, is_paused, &p->paused);
	if (p->jobs.left_out && !p->jobs_left_out)
		logmsg(LOG_NOTICE,
		       "pause: more than %d pausable jobs: the smallest are "
		       "neither counted nor stopped",
		       JOBS_MAX);
	p->jobs_left_out = p->jobs.left_out;
	p->nresumed = 0;
	return true;
}

/*
 * Are the jobs searched for: none found while following, or a build's
 * first ones less than PAUSE_READ_MS ago?  A build starts its jobs one
 * after another, and each one found a second late has grown meanwhile,
 * which it holds while it is stopped: passes come as fast as memory
 * falls then (the bench's meltdown: 10 of 14 jobs found, the other four
 * by chance 1.7 s and 60 MiB later; with none found yet, the first
 * stops 1.1-1.4 s after the build began).
 */
static bool searching(const struct loop_pausing *p, uint64_t now)
{
	return !p->jobs.n || now - p->found_ms < PAUSE_READ_MS;
}

/*
 * Was a process (or thread) created since the last pass here?  Without
 * one, a pass finds no job the last did not: a session starting makes
 * memory fall as fast as a build does, and a pass five times a second
 * while it fills stalled it (the leak's heartbeat: 85 ms, 35-43
 * without).  Not known: as if one was.
 */
static bool created_since_pass(struct loop *l, uint64_t *last_pid)
{
	return proc_read_last_pid(&l->a->sampler, last_pid) ||
	       *last_pid != l->pausing.pass_last_pid;
}

#define CTL_JOBS (JOBS_MAX + PAUSE_MAX + PAUSE_MAX)
_Static_assert(CTL_JOBS <= PAUSE_CTL_NEXT_MAX,
	       "pause_ctl_next() looks at every job ctl_jobs() lists");
_Static_assert(JOBS_MAX + PAUSE_MAX <= PAUSE_CTL_JOBS,
	       "every job read or stopped has a track: an untracked one "
	       "would count as needing nothing");
/*
 * While pausing is down to one job below its reserve, a ranking pass at
 * most this often, ms: the pass before it may be seconds old, from
 * before a leak beside the jobs grew to head the queue (the bench's mix:
 * the terminal at its head from the build's start to the kill level).
 */
#define DOWN_PASS_MS 1000
#define CTL_RESUMED INT_MIN /* ctl_jobs()'s @src of a job continued */

/* Since @start_ticks, as of the last pass's uptime; 0 if not known. */
static uint64_t age_ms(const struct sample_sys *sys, uint64_t start_ticks)
{
	uint64_t start;

	if (!sys->clk_tck)
		return 0;
	start = start_ticks * 1000 / sys->clk_tck;
	return sys->uptime_ms > start ? sys->uptime_ms - start : 0;
}

static void ctl_job_of(struct pause_ctl_job *c, pid_t root, uint64_t start,
		       uint64_t rss_kb, const char *comm)
{
	*c = (struct pause_ctl_job){ .root = root,
				     .start_ticks = start,
				     .rss_kb = rss_kb };
	memcpy(c->comm, comm, sizeof(c->comm));
}

/*
 * The jobs as pause_ctl.c sees them, into @out: those of the last read
 * oomqd has not stopped since (@src: their index in p->jobs; not
 * stoppable when @refused), the stopped ones (-1 - their index in
 * p->paused) and those continued since the read (CTL_RESUMED), which
 * the next read finds running again.
 */
static unsigned int ctl_jobs(struct loop *l, struct pause_ctl_job *out,
			     int *src, const bool *refused)
{
	struct loop_pausing *p = &l->pausing;
	unsigned int n = 0;

	for (unsigned int i = 0; i < p->jobs.n; i++) {
		const struct job *j = &p->jobs.j[i];

		if (!j->n || pause_has(&p->paused, j->p[0].pid))
			continue;
		ctl_job_of(&out[n], j->p[0].pid, j->p[0].start_ticks,
			   j->anon_kb, j->p[0].comm);
		out[n].mapped_kb =
			j->rss_kb > j->anon_kb ? j->rss_kb - j->anon_kb : 0;
		out[n].runs = !(j->flags & JOB_FOREIGN);
		out[n].age_ms = age_ms(&l->a->sys, j->p[0].start_ticks);
		if (l->a->sys.clk_tck)
			out[n].cpu_ms = j->cpu_ticks * 1000 / l->a->sys.clk_tck;
		out[n].stoppable =
			!refused[i] &&
			pause_may_stop(&p->paused, &l->pressure.cfg, j);
		src[n++] = (int)i;
	}
	for (unsigned int i = 0; i < p->paused.n; i++) {
		const struct pause_job *j = &p->paused.j[i];

		ctl_job_of(&out[n], j->root, j->root_start, j->anon_kb,
			   j->comm);
		out[n].stopped = true;
		src[n++] = -1 - (int)i;
	}
	for (unsigned int i = 0; i < p->nresumed; i++) {
		out[n] = p->resumed[i];
		src[n++] = CTL_RESUMED;
	}
	return n;
}

/*
 * The CPU the running jobs can have (job_cpus.h), of the first one: a
 * build's jobs share their driver's affinity and cgroup.  None running:
 * as before.
 */
static uint32_t jobs_cpus_pm(struct loop_pausing *p,
			     const struct pause_ctl_job *cj, unsigned int n,
			     uint64_t now)
{
	for (unsigned int i = 0; i < n; i++)
		if (cj[i].runs && !cj[i].stopped)
			return job_cpus_pm(&p->cpus, cj[i].root, now);
	return p->ctl.cpus_pm;
}

/* Continue job @i of p->paused; it runs, as far as the controller knows. */
static void cont_job(struct loop *l, unsigned int i, const char *why,
		     uint64_t now)
{
	struct loop_pausing *p = &l->pausing;
	struct pause_job j;

	if (pause_cont(&p->paused, i, now, &j))
		return;
	log_cont(l, &j, why, now);
	if (p->nresumed < PAUSE_MAX) {
		struct pause_ctl_job *c = &p->resumed[p->nresumed++];

		ctl_job_of(c, j.root, j.root_start, j.anon_kb, j.comm);
		c->runs = true;
	}
}

#ifdef OOMQD_PROF
/*
 * The jobs as order @o saw them, for the profiling build's log: each
 * one's pid, anonymous RSS and projected need in MiB, "s" for stopped;
 * @what says what became of it (NULL: it was carried out).
 */
static void trace_order(struct loop *l, const char *what,
			const struct pause_ctl_order *o,
			const struct pause_ctl_job *cj, unsigned int n,
			const struct pressure_sample *s)
{
	const struct pause_ctl *c = &l->pausing.ctl;
	char buf[1536];
	size_t len = 0;

	for (unsigned int i = 0; i < n && len < sizeof(buf) - 32; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					" %d%s%llu/%llu", (int)cj[i].root,
					cj[i].stopped ? "s" : ":",
					(unsigned long long)cj[i].rss_kb / 1024,
					(unsigned long long)pause_ctl_need_kb(
						c, &l->pressure.cfg, &cj[i]) /
						1024);
	logmsg(LOG_INFO,
	       "trace: %s%s %d: MemAvailable %llu MiB, mapped %llu MiB, "
	       "fall %llu KiB/s, %scrowded:%s",
	       what ? what : "", o->kind == PAUSE_CTL_STOP ? "stop" : "cont",
	       (int)cj[o->job].root, (unsigned long long)s->mem_avail_kb / 1024,
	       (unsigned long long)c->mapped_kb / 1024,
	       (unsigned long long)c->fall_kb_s, c->crowded ? "" : "not ", buf);
}
#else
static void trace_order(struct loop *l, const char *what,
			const struct pause_ctl_order *o,
			const struct pause_ctl_job *cj, unsigned int n,
			const struct pressure_sample *s)
{
	(void)l, (void)what, (void)o, (void)cj, (void)n, (void)s;
}
#endif

/*
 * Is @pid a process of a job: stopped, of the last read (the root or
 * below it), or the root of one continued since?
 */
static bool of_jobs(const struct loop_pausing *p, pid_t pid)
{
	if (pause_has(&p->paused, pid) || jobs_find(&p->jobs, pid))
		return true;
	for (unsigned int i = 0; i < p->nresumed; i++)
		if (p->resumed[i].root == pid)
			return true;
	return false;
}

bool loop_pause_of_jobs(const struct loop *l, pid_t pid)
{
	return of_jobs(&l->pausing, pid);
}

/*
 * The first queued process that is none of the jobs', read with them
 * and told to the controller (pause_ctl_other()): the largest process
 * beside them, and the one a leak makes it (in the bench's mix the tab,
 * once it is the largest, until its kill).
 */
static void read_other(struct loop *l)
{
	const struct agent *a = l->a;
	struct job_proc jp;

	for (size_t i = 0; i < a->nranked && i < a->policy.queue_length; i++) {
		pid_t pid = a->tab[a->order[i]].pid;

		if (of_jobs(&l->pausing, pid))
			continue;
		if (!jobs_read_proc(&l->a->sampler, pid, &jp) &&
		    !job_state_gone(jp.state))
			pause_ctl_other(&l->pausing.ctl, pid, jp.start_ticks,
					jp.rss_kb);
		return;
	}
}

/*
 * The jobs read (@again: even with no pass since the last read) and,
 * if they were, told to the controller; @cj, @src and @refused as
 * ctl_jobs()'s.  Return: whether they were read.
 */
static bool read_ctl(struct loop *l, uint64_t now, bool again,
		     struct pause_ctl_job *cj, int *src, const bool *refused)
{
	struct loop_pausing *p = &l->pausing;
	uint64_t t0 = prof_begin();
	bool read = read_jobs(l, now, again);
	unsigned int n;

	prof_end(PROF_JOBS, t0);
	if (read) {
		n = ctl_jobs(l, cj, src, refused);
		p->ctl.cpus_pm = jobs_cpus_pm(p, cj, n, now);
		read_other(l);
		pause_ctl_update(&p->ctl, &l->pressure.cfg, cj, n, now);
	}
	return read;
}

/*
 * Has a job the last read found running ended since?  Its memory is in
 * MemAvailable already, and a continue made on its end would count it
 * twice (a traced big run: of two jobs at their peak, expected to end,
 * one had ended between the read and the continue, 0.4 s before it; the
 * jobs then running took MemAvailable 60 MiB into the reserve, three
 * were stopped half grown and their data read back from disk).
 */
static bool ended_since_read(struct loop *l)
{
	struct loop_pausing *p = &l->pausing;
	struct job_proc now;

	for (unsigned int i = 0; i < p->jobs.n; i++) {
		const struct job_proc *root = &p->jobs.j[i].p[0];

		if (!p->jobs.j[i].n || pause_has(&p->paused, root->pid))
			continue;
		if (jobs_read_proc(&l->a->sampler, root->pid, &now) ||
		    now.start_ticks != root->start_ticks ||
		    job_state_gone(now.state))
			return true;
	}
	return false;
}

/*
 * pause.c's part of a tick; returns how long to sleep at most, or -1.
 * Who runs comes from jobs read at most PAUSE_READ_MS ago while the
 * jobs are followed (pause_ctl_watch()) or some are stopped, and again
 * before a continue if one of them ended since; what pause_ctl.c orders
 * is carried out one order at a time, each on the jobs as that left
 * them, at most one continue a tick.  While it follows, it samples as
 * often as pause_ctl_wait_ms() says: every pause_sample_ms near the
 * reserve or after an order, up to once a second where memory holds
 * still.
 */
int loop_pause_tick(struct loop *l, const struct pressure_sample *s,
		    uint64_t now)
{
	const struct pressure_config *cfg = &l->pressure.cfg;
	struct loop_pausing *p = &l->pausing;
	enum pause_ctl_watch w = cfg->pause_enabled ?
					 pause_ctl_watch(&p->ctl, cfg, s, now) :
					 PAUSE_CTL_CALM;
	bool busy = p->paused.n || w == PAUSE_CTL_FALLING ||
		    (w == PAUSE_CTL_LOW && p->jobs.n);
	struct pause_ctl_job cj[CTL_JOBS];
	int src[CTL_JOBS];
	bool refused[JOBS_MAX] = { false };
	struct pause_ctl_order o;
	struct pause_job j;
	bool ordered = false, read = false, rechecked = false, was_spent;
	unsigned int n, had = p->jobs.n;
	bool look = busy && searching(p, now);
	uint64_t last_pid = 0;
	/*
	 * /proc/loadavg read only when a new process would make a pass,
	 * and past a build's first seconds at most every
	 * PAUSE_CTL_RATE_MS: a build starts processes all the time (every
	 * compiler, assembler, linker), and a pass for each, every sample,
	 * would cost what sampling does several times over.
	 */
	bool asked = busy && pause_ctl_fell(s, p->pass_avail_kb) &&
		     (look || now - p->asked_ms >= PAUSE_CTL_RATE_MS);
	bool created = asked && created_since_pass(l, &last_pid);
	int wait;

	if (asked)
		p->asked_ms = now;
	/*
	 * A pass at once when following starts: the jobs before they grow;
	 * and while pausing is down to one job below the reserve, every
	 * DOWN_PASS_MS: the queue's order names what beside them grows
	 * (read_other()), and the kill takes it.
	 */
	if (busy &&
	    (pause_ctl_pass_due(p->following, !look, created,
				l->ranking.pass_ms, p->pass_avail_kb, s, now) ||
	     (p->down && now - l->ranking.pass_ms >= DOWN_PASS_MS))) {
		if (asked)
			p->pass_last_pid = last_pid;
		loop_pass(l);
	}
	/* A pass since the jobs' last read. */
	if (p->jobs_pass != l->ranking.npass)
		p->pass_avail_kb = s->mem_avail_kb;
	/* Low, the jobs of every pass are read: are there any to follow? */
	if (busy || w != PAUSE_CTL_CALM)
		read = read_ctl(l, now,
				busy && now - p->jobs_ms >=
						(pause_ctl_read_soon(&p->ctl) ||
								 p->down ?
							 PAUSE_CTL_RATE_MS :
							 PAUSE_READ_MS),
				cj, src, refused);
	if (read && !had && p->jobs.n)
		p->found_ms = now;
	if (busy && !p->following)
		logmsg(LOG_INFO,
		       "pause: following %u jobs: MemAvailable %llu MiB, "
		       "falling %llu MiB/s",
		       p->jobs.n, (unsigned long long)s->mem_avail_kb / 1024,
		       (unsigned long long)p->ctl.fall_kb_s / 1024);
	p->following = busy;
	if (!pause_cont_expired(&p->paused, cfg, now, &j))
		log_cont(l, &j, "stopped for pause_max_s in all", now);
	if (!cfg->pause_enabled) {
		p->down = p->spent = false;
		if (p->paused.n)
			cont_job(l, 0, "pausing is off", now);
		return pause_wait_ms(&p->paused, cfg, s);
	}
	for (unsigned int round = 0; busy && round < CTL_JOBS; round++) {
		uint64_t t0 = prof_begin();
		bool refuse;

		n = ctl_jobs(l, cj, src, refused);
		o = pause_ctl_next(&p->ctl, cfg, s, cj, n, now);
		prof_end(PROF_DECIDE, t0);
		if (o.kind == PAUSE_CTL_NOTHING)
			break;
		if (o.kind == PAUSE_CTL_CONT && !rechecked) {
			rechecked = true;
			if (ended_since_read(l)) {
				trace_order(l, "a job ended: read again for a ",
					    &o, cj, n, s);
				memset(refused, 0, sizeof(refused));
				read_ctl(l, now, true, cj, src, refused);
				continue;
			}
		}
		trace_order(l, NULL, &o, cj, n, s);
		t0 = prof_begin();
		refuse = o.kind == PAUSE_CTL_STOP &&
			 !stop_job(l, &p->jobs.j[src[o.job]], s, o.why, now);
		if (o.kind == PAUSE_CTL_CONT)
			cont_job(l, (unsigned int)(-1 - src[o.job]), o.why,
				 now);
		prof_end(PROF_SIGNAL, t0);
		if (refuse) {
			refused[src[o.job]] = true;
			continue;
		}
		pause_ctl_done(&p->ctl, &o, cj, s, now);
		ordered = true;
		if (o.kind == PAUSE_CTL_CONT)
			break;
	}
	was_spent = p->spent;
	p->down = p->spent = false;
	if (!busy)
		return pause_wait_ms(&p->paused, cfg, s);
	if (p->paused.n) {
		n = ctl_jobs(l, cj, src, refused);
		p->down = pause_ctl_down(&p->ctl, cfg, s, cj, n);
		p->spent = p->down && p->ctl.other_grows;
	}
	if (p->spent && !was_spent)
		logmsg_limited(
			&p->lim_spent, now, LOG_NOTICE,
			"pause: every job but one stopped, MemAvailable %llu "
			"MiB under the reserve, and pid %d grows beside them "
			"(%llu MiB)%s",
			(unsigned long long)s->mem_avail_kb / 1024,
			(int)p->ctl.other_read.pid,
			(unsigned long long)p->ctl.other_read.rss_kb / 1024,
			cfg->kill_enabled ? ": it is killed once pages come "
					    "back" :
					    "; kill = off");
	wait = (int)pause_ctl_wait_ms(&p->ctl, cfg, s, ordered,
				      searching(p, now), now);
	/* Jobs without a rate yet: read again in PAUSE_CTL_RATE_MS. */
	return pause_ctl_read_soon(&p->ctl) && wait > PAUSE_CTL_RATE_MS ?
		       PAUSE_CTL_RATE_MS :
		       wait;
}

/*
 * @pid was killed, by oomqd or the kernel.  Something beside the jobs
 * (a leak): what they were projected to from MemAvailable's fall was its
 * growth (pause_ctl_killed()).  A process of a job, its root or one below
 * it, running, stopped or continued since the jobs were read: the jobs'
 * projections stand.
 */
void loop_pause_killed(struct loop *l, pid_t pid)
{
	if (!of_jobs(&l->pausing, pid))
		pause_ctl_killed(&l->pausing.ctl, &l->pressure.cfg, pid);
}

/*
 * The record of what pause.c stopped (run_dir/stopped): an oomqd that
 * starts after one was SIGKILLed continues what that one left stopped.
 * Its lock is held while oomqd runs: a second one refuses to start
 * (-EBUSY), since two would fight over the queue and continue each
 * other's stopped jobs.  A dry run stops nothing, continues nothing and
 * takes no lock.
 */
int loop_pause_file_open(struct loop *l)
{
	const char *dir = l->o->run_dir;
	pid_t holder;
	int dfd, ret;

	if (l->o->dry_run || !dir)
		return 0;
	if (mkdir(dir, 0700) && errno != EEXIST)
		ret = -errno;
	else if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					  O_CLOEXEC)) < 0)
		ret = -errno;
	else {
		ret = pause_file_open(&l->pausing.paused, dfd, "stopped",
				      &holder, pause_noted, NULL);
		close(dfd);
	}
	if (ret == -EBUSY) {
		logmsg(LOG_ERR,
		       "%s/stopped is locked by another oomqd (pid %d): "
		       "refusing to start a second one",
		       dir, (int)holder);
		return ret;
	}
	if (ret > 0)
		logmsg(LOG_NOTICE,
		       "pause: SIGCONT to %d processes an earlier oomqd left "
		       "stopped",
		       ret);
	else if (ret == -EPERM)
		logmsg(LOG_ERR,
		       "%s or %s/stopped is not root's alone (owner, mode "
		       "or links): not used; a second oomqd is not kept out "
		       "and, if oomqd is killed, what it stopped stays stopped",
		       dir, dir);
	else if (ret < 0)
		logmsg(l->pressure.cfg.pause_enabled ? LOG_WARNING : LOG_INFO,
		       "%s/stopped: %s: a second oomqd is not kept out and, "
		       "if oomqd is killed, what it stopped stays stopped",
		       dir, strerror(-ret));
	return 0;
}
