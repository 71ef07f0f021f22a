// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon loop; see loop.h.
 *
 * One ppoll() waits on up to three descriptors:
 *   - the PSI trigger on /proc/pressure/memory, or on the memory.pressure
 *     of the [oomqd] cgroup watched (POLLPRI): stalls began;
 *   - the module's event socket (POLLIN): the kernel killed someone, so
 *     the queue lost its head and must be rewritten at once;
 *   - the pidfd of a victim of our own proactive kill (POLLIN: exited);
 *   - a cgroup's memory.pressure trigger (psi_cgroup), like the first;
 * and sleeps at most what pressure.c says (at least 10 s when calm, less
 * than half the queue TTL under pressure), or less with pausing on (see
 * pause_wait_ms()).  Signals are blocked except inside ppoll(), so a
 * SIGTERM or SIGHUP is never lost between the check and the sleep.
 *
 * Without PSI (old kernel, psi=0) the timer alone drives /proc/meminfo
 * sampling.  Without the module the loop still ranks (and kills, when
 * configured), says once that kernel OOMs will not follow, and tries to
 * reach the module again on calm timer wake-ups.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "loop_int.h"
#include "thresholds.h"

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static void log_pass_problems(struct loop *l)
{
	struct agent *a = l->a;

	if (a->truncated && !l->truncated)
		logmsg(LOG_WARNING,
		       "more than %zu processes: ranking the first %zu", a->cap,
		       a->cap);
	l->truncated = a->truncated;
	if (a->used_dump != l->source) {
		if (a->used_dump)
			logmsg(LOG_INFO, "ranking from the module's task dump");
		else if (a->dump_err && a->dump_err != -ENOENT)
			logmsg(LOG_WARNING,
			       "ranking from /proc: task dump failed: %s",
			       strerror(-a->dump_err));
		else
			logmsg(LOG_INFO, "ranking from /proc");
		l->source = a->used_dump;
	}
}

/* Processes that did not read this pass: logged, never silently. */
static void log_skipped(struct loop *l, uint64_t now)
{
	struct agent *a = l->a;
	char why[160];

	if (a->sampler.malformed)
		logmsg_limited(&l->lim_skipped, now, LOG_WARNING,
			       "%u processes not ranked, unreadable: %s",
			       a->sampler.malformed,
			       agent_strerror(a, 0, why, sizeof(why)));
	else if (a->sampler.fail_err)
		logmsg_limited(&l->lim_skipped, now, LOG_WARNING,
			       "rules could not read %s",
			       agent_strerror(a, 0, why, sizeof(why)));
}

/*
 * Rank, and unless dry, write /proc/oom: the one call for every cause.
 * Returns the ranking's error: a failed write still leaves a ranking
 * to kill or pause by.  Only the write's -ENOENT means the module is
 * away; a /proc file the ranking needs that is missing is a failure.
 */
int loop_pass(struct loop *l)
{
	struct agent *a = l->a;
	uint64_t start = mono_us(), now = start / 1000;
	char why[160];
	int ret, wret = 0;

	ret = agent_rank(a);
	if (!ret && !l->o->dry_run)
		wret = agent_write_queue(a);
	if (!ret)
		metrics_pass(&l->metrics, mono_us() - start,
			     a->nranked < a->policy.queue_length ?
				     (unsigned int)a->nranked :
				     a->policy.queue_length,
			     now);
	l->pass_ms = now;
	l->npass++;
	log_pass_problems(l);
	log_skipped(l, now);
	if (ret) {
		logmsg_limited(&l->lim_rank, now, LOG_ERR,
			       "ranking pass failed: %s",
			       agent_strerror(a, ret, why, sizeof(why)));
		return ret;
	}
	if (wret == -ENOENT) {
		loop_module_gone(l);
	} else if (wret) {
		logmsg_limited(&l->lim_write, now, LOG_ERR, "%s/oom: %s",
			       l->o->proc_root, strerror(-wret));
	} else if (l->no_module && !l->o->dry_run) {
		logmsg(LOG_NOTICE, "oomq module found: queue written");
		l->no_module = false;
	}
	if (a->nranked) {
		const struct sample *s = &a->tab[a->order[0]];

		if (s->pid != l->head)
			logmsg_limited(
				&l->lim_head, now, LOG_INFO,
				"queue head: pid %d (%s), score %ld; %zu queued "
				"of %zu processes",
				(int)s->pid, s->comm, s->score,
				a->nranked < a->policy.queue_length ?
					a->nranked :
					(size_t)a->policy.queue_length,
				a->nprocs);
		l->head = s->pid;
	}
	if (l->o->dry_run) {
		fputs(a->queue, stdout);
		fflush(stdout);
	}
	return 0;
}

static void log_level(const struct pressure_action *act,
		      const struct pressure_sample *s)
{
	logmsg(act->level > act->prev ? LOG_WARNING : LOG_NOTICE,
	       "pressure %s -> %s: MemAvailable %llu of %llu MiB, SwapFree "
	       "%llu of %llu MiB, PSI some %.2f%% full %.2f%%%s",
	       pressure_level_name(act->prev), pressure_level_name(act->level),
	       (unsigned long long)s->mem_avail_kb / 1024,
	       (unsigned long long)s->mem_total_kb / 1024,
	       (unsigned long long)s->swap_free_kb / 1024,
	       (unsigned long long)s->swap_total_kb / 1024, s->psi_some_avg10,
	       s->psi_full_avg10, s->psi_valid ? "" : " (no PSI)");
}

static bool is_paused(pid_t pid, void *arg)
{
	return pause_has(arg, pid);
}

/* pause_stop() of @j, and its log; false when it was refused. */
static bool stop_job(struct loop *l, const struct job *j,
		     const struct pressure_sample *s, const char *why,
		     uint64_t now)
{
	struct notice n;
	int ret = pause_stop(&l->paused, j, now);

	if (ret) {
		/* Gone, or grown something not to stop, since. */
		logmsg(ret == -ESRCH || ret == -EBUSY ? LOG_INFO : LOG_ERR,
		       "pause: SIGSTOP to pid %d (%s): %s", (int)j->p[0].pid,
		       j->p[0].comm, strerror(-ret));
		l->rerank = true;
		return false;
	}
	n = (struct notice){ .kind = NOTICE_PAUSE,
			     .pid = j->p[0].pid,
			     .uid = NOTICE_UID_UNKNOWN,
			     .rss_kb = j->rss_kb,
			     .reason = why,
			     .jobs = l->paused.n };
	memcpy(n.comm, j->p[0].comm, sizeof(n.comm));
	lognote(&n, LOG_WARNING,
		"%spause: SIGSTOP to pid %d (%s) and %u below it, RSS %llu "
		"KiB: %s; MemAvailable %llu MiB; %u jobs stopped",
		l->o->dry_run ? "dry run: " : "", (int)j->p[0].pid,
		j->p[0].comm, l->paused.j[l->paused.n - 1].n - 1,
		(unsigned long long)j->rss_kb, why,
		(unsigned long long)s->mem_avail_kb / 1024, l->paused.n);
	return true;
}

static void log_cont(struct loop *l, const struct pause_job *j, const char *why,
		     uint64_t now)
{
	struct notice n = { .kind = NOTICE_CONTINUE,
			    .pid = j->root,
			    .uid = NOTICE_UID_UNKNOWN,
			    .rss_kb = j->rss_kb,
			    .reason = why,
			    .jobs = l->paused.n,
			    .stopped_ms = now - j->since_ms };

	memcpy(n.comm, j->comm, sizeof(n.comm));
	lognote(&n, LOG_NOTICE,
		"%spause: SIGCONT to pid %d (%s) and %u below it after %llu "
		"ms (%llu ms in all): %s; %u jobs stopped",
		l->o->dry_run ? "dry run: " : "", (int)j->root, j->comm,
		j->n ? j->n - 1 : 0, (unsigned long long)(now - j->since_ms),
		(unsigned long long)(j->used_ms + now - j->since_ms), why,
		l->paused.n);
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
 * The stopped jobs checked and the pausable ones read again, once per
 * ranking pass: the tree walk costs a few /proc reads per process of
 * the pausable trees, and who runs changes on that time scale.
 * Returns whether they were read.
 */
static bool read_jobs(struct loop *l, uint64_t now)
{
	const struct sample *run[JOBS_MAX * 2];
	size_t n;

	if (l->jobs_pass == l->npass)
		return false;
	l->jobs_pass = l->npass;
	pause_check(&l->paused, now, pause_noted, NULL);
	n = agent_pausable(l->a, is_paused, &l->paused, run,
			   sizeof(run) / sizeof(*run));
	jobs_build(&l->jobs, &l->a->sampler, run, n, is_paused, &l->paused);
	if (l->jobs.left_out && !l->jobs_left_out)
		logmsg(LOG_NOTICE,
		       "pause: more than %d pausable jobs: the smallest are "
		       "neither counted nor stopped",
		       JOBS_MAX);
	l->jobs_left_out = l->jobs.left_out;
	l->nresumed = 0;
	return true;
}

#define CTL_JOBS (JOBS_MAX + PAUSE_MAX + PAUSE_MAX)
/*
 * While the jobs are followed, a ranking pass (new jobs, exits) this
 * often, ms (sooner for a job new since: its first rate): pause_ctl.c's
 * rates need no more, an exit shows in MemAvailable at once, and each
 * pass reads all of /proc.
 */
#define PAUSE_PASS_MS 3000
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
 * oomqd has not stopped since (@src: their index in l->jobs; not
 * stoppable when @refused), the stopped ones (-1 - their index in
 * l->paused) and those continued since the read (CTL_RESUMED), which
 * the next read finds running again.
 */
static unsigned int ctl_jobs(struct loop *l, struct pause_ctl_job *out,
			     int *src, const bool *refused)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < l->jobs.n; i++) {
		const struct job *j = &l->jobs.j[i];

		if (!j->n || pause_has(&l->paused, j->p[0].pid))
			continue;
		ctl_job_of(&out[n], j->p[0].pid, j->p[0].start_ticks,
			   j->anon_kb, j->p[0].comm);
		out[n].runs = !(j->flags & JOB_FOREIGN);
		out[n].age_ms = age_ms(&l->a->sys, j->p[0].start_ticks);
		out[n].stoppable = !refused[i] &&
				   pause_may_stop(&l->paused, &l->pcfg, j);
		src[n++] = (int)i;
	}
	for (unsigned int i = 0; i < l->paused.n; i++) {
		const struct pause_job *j = &l->paused.j[i];

		ctl_job_of(&out[n], j->root, j->root_start, j->anon_kb,
			   j->comm);
		out[n].stopped = true;
		src[n++] = -1 - (int)i;
	}
	for (unsigned int i = 0; i < l->nresumed; i++) {
		out[n] = l->resumed[i];
		src[n++] = CTL_RESUMED;
	}
	return n;
}

/* Continue job @i of l->paused; it runs, as far as the controller knows. */
static void cont_job(struct loop *l, unsigned int i, const char *why,
		     uint64_t now)
{
	struct pause_job j;

	if (pause_cont(&l->paused, i, now, &j))
		return;
	log_cont(l, &j, why, now);
	if (l->nresumed < PAUSE_MAX) {
		struct pause_ctl_job *c = &l->resumed[l->nresumed++];

		ctl_job_of(c, j.root, j.root_start, j.anon_kb, j.comm);
		c->runs = true;
	}
}

/*
 * pause.c's part of a tick; returns how long to sleep at most, or -1.
 * Who runs comes from a ranking at most PAUSE_PASS_MS old while the
 * jobs are followed (pause_ctl_watch()) or some are stopped; what
 * pause_ctl.c orders is carried out one order at a time, each on the
 * jobs as that left them, at most one continue a tick.
 */
static int loop_pause_tick(struct loop *l, const struct pressure_sample *s,
			   uint64_t now)
{
	enum pause_ctl_watch w =
		l->pcfg.pause_enabled ?
			pause_ctl_watch(&l->ctl, &l->pcfg, s, now) :
			PAUSE_CTL_CALM;
	bool busy = l->paused.n || w == PAUSE_CTL_FALLING ||
		    (w == PAUSE_CTL_LOW && l->jobs.n);
	struct pause_ctl_job cj[CTL_JOBS];
	int src[CTL_JOBS];
	bool refused[JOBS_MAX] = { false };
	struct pause_ctl_order o;
	struct pause_job j;
	unsigned int n;
	int wait;

	/* A pass at once when following starts: the jobs before they grow. */
	if (busy && (!l->following ||
		     now - l->pass_ms >= (pause_ctl_read_soon(&l->ctl) ?
						  PAUSE_CTL_RATE_MS :
						  PAUSE_PASS_MS)))
		loop_pass(l);
	l->following = busy;
	/* Low, the jobs of every pass are read: are there any to follow? */
	if ((busy || w != PAUSE_CTL_CALM) && read_jobs(l, now)) {
		n = ctl_jobs(l, cj, src, refused);
		pause_ctl_update(&l->ctl, cj, n, now);
	}
	if (!pause_cont_expired(&l->paused, &l->pcfg, now, &j))
		log_cont(l, &j, "stopped for pause_max_s in all", now);
	if (!l->pcfg.pause_enabled) {
		if (l->paused.n)
			cont_job(l, 0, "pausing is off", now);
		return pause_wait_ms(&l->paused, &l->pcfg, s);
	}
	for (unsigned int round = 0; busy && round < CTL_JOBS; round++) {
		n = ctl_jobs(l, cj, src, refused);
		o = pause_ctl_next(&l->ctl, &l->pcfg, s, cj, n, now);
		if (o.kind == PAUSE_CTL_NOTHING)
			break;
		if (o.kind == PAUSE_CTL_STOP &&
		    !stop_job(l, &l->jobs.j[src[o.job]], s, o.why, now)) {
			refused[src[o.job]] = true;
			continue;
		}
		if (o.kind == PAUSE_CTL_CONT)
			cont_job(l, (unsigned int)(-1 - src[o.job]), o.why,
				 now);
		pause_ctl_done(&l->ctl, &o, cj, s, now);
		if (o.kind == PAUSE_CTL_CONT)
			break;
	}
	wait = pause_wait_ms(&l->paused, &l->pcfg, s);
	return busy && (wait < 0 || wait > (int)l->pcfg.pause_sample_ms) ?
		       (int)l->pcfg.pause_sample_ms :
		       wait;
}

/*
 * metrics_dir's file, when due (metrics_write_due()); returns @wait_ms,
 * or less to wake up for the next write.  A failure is logged at most
 * every LOG_LIMIT_MS and the next write tried an interval later.
 */
static uint32_t write_metrics(struct loop *l, uint64_t now, uint32_t wait_ms)
{
	static char buf[METRICS_BUF_LEN];
	const struct policy *p = &l->a->policy;
	uint64_t next;
	int len, ret;

	if (!p->metrics_dir[0])
		return wait_ms;
	if (metrics_write_due(&l->metrics, now, p->metrics_interval_s * 1000,
			      kill_busy(&l->kill))) {
		len = metrics_format(&l->metrics, now, buf, sizeof(buf));
		ret = len < 0 ? len :
				metrics_write(p->metrics_dir, buf, (size_t)len);
		if (ret)
			logmsg_limited(&l->lim_metrics, now, LOG_WARNING,
				       "metrics_dir %s: %s%s", p->metrics_dir,
				       strerror(-ret),
				       ret == -EROFS ?
					       ": under systemd, allow it "
					       "with ReadWritePaths= "
					       "(systemctl edit oomqd)" :
					       "");
	}
	next = l->metrics.next_write_ms;
	return next > now && next - now < wait_ms ? (uint32_t)(next - now) :
						    wait_ms;
}

/* One sample and what it calls for; returns how long to sleep, ms. */
static uint32_t loop_tick(struct loop *l, uint64_t now)
{
	struct pressure_sample s;
	struct pressure_action act;
	struct kill_ctl_decision kd;
	int ret, pw, psi_err[2];

	ret = loop_read_sample(l, &s, psi_err);
	if (ret && !l->meminfo_bad)
		logmsg(LOG_ERR, "%s/meminfo: %s", l->o->proc_root,
		       strerror(-ret));
	l->meminfo_bad = ret != 0;
	/* Once each time it starts: the averages count for nothing then. */
	if (psi_err[0] && !l->psi_err)
		logmsg(LOG_WARNING, "%s: %s: PSI averages not read",
		       l->psi_path, strerror(-psi_err[0]));
	if (psi_err[1] && !l->cg_psi_err)
		logmsg(LOG_WARNING, "%s: %s: PSI averages not read",
		       l->cg_psi_path, strerror(-psi_err[1]));
	l->psi_err = psi_err[0];
	l->cg_psi_err = psi_err[1];
	s.triggers = l->triggers;
	s.kills = l->kills;
	l->triggers = l->kills = 0;

	act = pressure_update(&l->pst, &l->pcfg, &s, now);
	metrics_sample(&l->metrics, &s, act.level);
	if (act.changed)
		log_level(&act, &s);
	if (act.rerank || l->rerank) {
		l->rerank = false;
		loop_pass(l);
		if (!act.rerank)
			pressure_ranked(&l->pst, now);
	}
	kd = kill_ctl_decide(&l->kill_ctl, &l->pcfg, act.level, &s,
			     kill_busy(&l->kill), now);
	if (kd.verdict == KILL_CTL_NOW)
		loop_kill_start(l, now);
	if (kd.wait_ms < act.wait_ms)
		act.wait_ms = kd.wait_ms;
	pw = loop_pause_tick(l, &s, now);
	/* Also the jobs that ended or were continued by someone else. */
	l->metrics.jobs_stopped = l->paused.n;
	if (pw < 0 || (uint32_t)pw > act.wait_ms)
		pw = (int)act.wait_ms;
	return write_metrics(l, now, (uint32_t)pw);
}

/*
 * The record of what pause.c stopped (run_dir/stopped): an oomqd that
 * starts after one was SIGKILLed continues what that one left stopped.
 * Its lock is held while oomqd runs: a second one refuses to start
 * (-EBUSY), since two would fight over the queue and continue each
 * other's stopped jobs.  A dry run stops nothing, continues nothing and
 * takes no lock.
 */
static int loop_pause_file_open(struct loop *l)
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
		ret = pause_file_open(&l->paused, dfd, "stopped", &holder,
				      pause_noted, NULL);
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
		logmsg(l->pcfg.pause_enabled ? LOG_WARNING : LOG_INFO,
		       "%s/stopped: %s: a second oomqd is not kept out and, "
		       "if oomqd is killed, what it stopped stays stopped",
		       dir, strerror(-ret));
	return 0;
}

/* PSI, the module's events, the dying victim's pidfd, cgroup PSI. */
#define LOOP_NFDS 4

static void wait_for(struct loop *l, struct pollfd *pfd, uint32_t wait_ms,
		     const sigset_t *mask, int *n)
{
	struct timespec ts = { .tv_sec = wait_ms / 1000,
			       .tv_nsec = (long)(wait_ms % 1000) * 1000000 };

	pfd[0] = (struct pollfd){ .fd = psi_fd(&l->psi), .events = POLLPRI };
	pfd[1] = (struct pollfd){ .fd = l->nl_on ? nlc_fd(&l->nl) : -1,
				  .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = kill_fd(&l->kill), .events = POLLIN };
	pfd[3] = (struct pollfd){ .fd = psi_fd(&l->cg_psi), .events = POLLPRI };
	*n = ppoll(pfd, LOOP_NFDS, &ts, mask);
}

int loop_run(struct agent *a, const struct loop_opts *o)
{
	static struct loop l;
	struct sigaction sa = { .sa_handler = on_signal };
	struct kill_config kc;
	sigset_t block, old;
	const char *why;
	uint32_t wait;
	int ret = 0;

	l.a = a;
	l.o = o;
	l.hooks.fd = -1;
	l.psi.fd = -1;
	l.cg_psi.fd = -1;
	l.source = -1;
	if (thresholds_from_policy(&a->policy, &l.pcfg, &kc, &why)) {
		logmsg(LOG_ERR, "config: %s", why);
		return -EINVAL;
	}
	kill_init(&l.kill, &kc, loop_still_critical, &l);
	kill_ctl_init(&l.kill_ctl);
	pause_init(&l.paused, &a->sampler, o->dry_run);
	pause_ctl_init(&l.ctl);
	/* First: a second oomqd must leave the first one's state alone. */
	ret = loop_pause_file_open(&l);
	if (ret)
		return ret;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigdelset(&old, SIGTERM);
	sigdelset(&old, SIGINT);
	sigdelset(&old, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (loop_start(&l)) {
		ret = -EINVAL; /* exit status 2: restarting cannot help */
		goto out;
	}
	wait = loop_tick(&l, mono_ms());
	while (!got_stop) {
		struct pollfd pfd[LOOP_NFDS];
		uint64_t now;
		int n, kw;

		if (kill_busy(&l.kill)) {
			kw = kill_wait_ms(&l.kill, mono_ms());
			if (kw >= 0 && (uint32_t)kw < wait)
				wait = (uint32_t)kw;
		}
		wait_for(&l, pfd, wait, &old, &n);
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			logmsg(LOG_ERR, "ppoll: %s", strerror(errno));
			break;
		}
		if (got_stop)
			break;
		if (got_hup) {
			got_hup = 0;
			loop_reload(&l);
		}
		now = mono_ms();
		if (n > 0 && pfd[0].revents)
			loop_psi_event(&l, &l.psi, pfd[0].revents, l.psi_path);
		if (n > 0 && pfd[3].revents) {
			loop_psi_event(&l, &l.cg_psi, pfd[3].revents,
				       l.cg_psi_path);
			/* The cgroup went away: watched again if it comes back. */
			l.cg_missing = l.cg_psi.fd < 0;
		}
		if (n > 0 && pfd[1].revents)
			loop_module_drain(&l);
		if (kill_busy(&l.kill))
			loop_kill_step(&l, now);
		if (!n && l.cg_missing && l.pst.level == PRESSURE_CALM)
			loop_cgroup_psi_retry(&l);
		/* A module loaded later is found within one calm interval. */
		if (!n && !l.nl_on && l.pst.level == PRESSURE_CALM &&
		    !loop_module_open(&l)) {
			logmsg(LOG_NOTICE, "oomq module found: events joined");
			l.rerank = true;
		}
		wait = loop_tick(&l, now);
	}
	logmsg(LOG_INFO, "stopping");
out:
	log_set_notice_sink(NULL, NULL);
	hooks_stop(&l.hooks);
	if (kill_busy(&l.kill))
		logmsg(LOG_WARNING, "pid %d (%s) may still be dying",
		       (int)l.kill.pid, l.victim_comm);
	kill_fini(&l.kill);
	if (l.paused.n)
		logmsg(LOG_NOTICE, "pause: SIGCONT to the %u jobs stopped",
		       pause_release_all(&l.paused, mono_ms()));
	pause_file_close(&l.paused);
	if (l.nl_on)
		nlc_close(&l.nl);
	psi_close(&l.psi);
	psi_close(&l.cg_psi);
	if (l.cg_on)
		cgroup_mem_close(&l.cgm);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
