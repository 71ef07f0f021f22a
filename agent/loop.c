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

#include "cgroup_mem.h"
#include "hooks.h"
#include "jobs.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "nl.h"
#include "notice.h"
#include "notify.h"
#include "pause.h"
#include "pause_ctl.h"
#include "pressure.h"
#include "proc_parse.h"
#include "protect.h"
#include "psi.h"
#include "thresholds.h"

#define NO_MODULE_MSG \
	"oomq module not loaded: kernel OOMs will not follow this ranking"

struct loop {
	struct agent *a;
	const struct loop_opts *o;
	struct pressure_config pcfg;
	struct pressure_state pst;
	struct kill kill;
	char victim_comm[SAMPLE_COMM_LEN]; /* of kill.pid, for the log */
	struct notice victim; /* of kill.pid, for its end's notice */
	struct pause_set paused;
	struct jobs jobs; /* the pausable jobs, as of jobs_pass */
	struct pause_ctl ctl; /* who runs: pause_ctl.c */
	/* Continued since jobs_pass: running, as the next read will find. */
	struct pause_ctl_job resumed[PAUSE_MAX];
	unsigned int nresumed;
	bool following; /* the last tick followed the jobs */
	uint64_t pass_ms; /* when the last ranking pass ran */
	uint64_t npass; /* ranking passes so far */
	uint64_t jobs_pass; /* the pass the jobs were read after */
	uint64_t jobs_ms; /* when they were read last */
	uint64_t pass_avail_kb; /* MemAvailable at the last pass here */
	bool jobs_left_out; /* "more than JOBS_MAX jobs" logged */
	struct psi psi;
	char psi_path[PATH_MAX];
	struct cgroup_mem cgm; /* [oomqd] cgroup's, when cg_on */
	bool cg_on;
	int cg_err; /* the last read of it failed: logged once */
	struct psi cg_psi; /* psi_cgroup's memory.pressure, or fd -1 */
	char cg_psi_path[PATH_MAX];
	bool cg_missing; /* psi_cgroup is not there (yet): tried when calm */
	struct nlc nl;
	bool nl_on; /* nl is open: events are heard */
	bool no_module; /* NO_MODULE_MSG said, not yet taken back */
	bool meminfo_bad; /* the last /proc/meminfo read failed (logged) */
	int psi_err, cg_psi_err; /* the last tick's averages' read, or 0 */
	bool truncated; /* "more than cap processes" logged */
	int source; /* what the last pass read: 1 dump, 0 /proc, -1 none */
	pid_t head; /* the queue head of the last pass, for the log */
	uint32_t triggers; /* PSI firings since the last sample */
	uint32_t kills; /* kills seen since the last sample */
	bool rerank; /* re-rank at the next sample whatever pressure says */
	/*
	 * After a kill that could not start (no privilege, nothing to
	 * kill), none before this, monotonic ms, as earlyoom waits 10 s
	 * after a failed kill: retrying every tick only repeats it.
	 */
	uint64_t kill_retry_ms;
	/* Messages that could otherwise come back every pass or tick. */
	struct log_limit lim_rank, lim_write, lim_skipped, lim_head;
	struct log_limit lim_kill, lim_event, lim_metrics, lim_hooks;
	struct metrics metrics; /* for metrics_dir */
	struct hooks hooks; /* the [hooks] helper */
};

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t mono_ms(void)
{
	return mono_us() / 1000;
}

/*
 * The watched cgroup's memory instead of the machine's.  A failed read
 * (the cgroup removed) leaves the machine's, said once.
 */
static void read_cgroup_mem(struct loop *l, struct pressure_sample *s)
{
	struct cgroup_mem_sample cs;
	int err;

	if (!l->cg_on)
		return;
	err = cgroup_mem_read(&l->cgm, &cs);
	if (err && err != l->cg_err)
		logmsg(LOG_WARNING,
		       "cgroup %s: %s: the machine's memory counts meanwhile",
		       l->o->cgroup_dir, strerror(-err));
	else if (!err && l->cg_err)
		logmsg(LOG_NOTICE, "cgroup %s: read again", l->o->cgroup_dir);
	l->cg_err = err;
	if (!err)
		cgroup_mem_apply(&cs, s);
}

/*
 * /proc/meminfo through the sampler's root and buffer (no allocation),
 * PSI averages from the trigger's own descriptor; @psi_err gets the
 * averages' read errors (system, cgroup), or NULL.
 */
static int read_sample(struct loop *l, struct pressure_sample *s,
		       int psi_err[2])
{
	struct proc_meminfo mi;
	struct psi_stats ps;
	int err[2] = { 0, 0 };
	size_t len;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = proc_read(&l->a->sampler, "meminfo", &len);
	if (!ret)
		ret = proc_parse_meminfo_buf(l->a->sampler.buf, len, &mi);
	if (!ret) {
		s->mem_total_kb = mi.mem_total_kb;
		s->mem_avail_kb = mi.mem_available_kb;
		s->swap_total_kb = mi.swap_total_kb;
		s->swap_free_kb = mi.swap_free_kb;
		read_cgroup_mem(l, s);
	}
	err[0] = l->psi.fd >= 0 ? psi_read(&l->psi, &ps) : 0;
	if (l->psi.fd >= 0 && !err[0]) {
		s->psi_valid = true;
		s->psi_some_avg10 = ps.some.avg10;
		s->psi_full_avg10 = ps.has_full ? ps.full.avg10 : 0;
	}
	/* A watched cgroup stalling counts as much as the whole system. */
	err[1] = l->cg_psi.fd >= 0 ? psi_read(&l->cg_psi, &ps) : 0;
	if (l->cg_psi.fd >= 0 && !err[1]) {
		s->psi_valid = true;
		if (ps.some.avg10 > s->psi_some_avg10)
			s->psi_some_avg10 = ps.some.avg10;
		if (ps.has_full && ps.full.avg10 > s->psi_full_avg10)
			s->psi_full_avg10 = ps.full.avg10;
	}
	if (psi_err)
		memcpy(psi_err, err, sizeof(err));
	return ret;
}

/* kill.c's re-check before each signal: a fresh sample, no hysteresis. */
static bool still_critical(void *arg)
{
	struct loop *l = arg;
	struct pressure_sample s;

	read_sample(l, &s, NULL);
	return pressure_kill_due_now(&l->pcfg, &s);
}

static void module_gone(struct loop *l)
{
	if (l->nl_on) {
		nlc_close(&l->nl);
		l->nl_on = false;
	}
	if (!l->no_module) {
		logmsg(LOG_WARNING, NO_MODULE_MSG);
		l->no_module = true;
	}
}

/* Join the module's events and set its TTL; quiet when it is absent. */
static int module_open(struct loop *l)
{
	struct nlc_status st;
	int ret;

	ret = nlc_open(&l->nl);
	if (ret) {
		nlc_close(&l->nl);
		return ret;
	}
	l->nl_on = true;
	if (l->o->dry_run) {
		logmsg(LOG_INFO, "dry run: the module's TTL is left as it is");
	} else {
		ret = nlc_set_ttl(&l->nl, l->pcfg.queue_ttl_ms);
		if (ret)
			logmsg(LOG_WARNING,
			       "setting the queue TTL to %u ms: %s",
			       l->pcfg.queue_ttl_ms, strerror(-ret));
	}
	ret = nlc_get_status(&l->nl, &st);
	if (!ret)
		logmsg(LOG_INFO,
		       "oomq module: %u queued, TTL %u ms, %llu OOMs seen, "
		       "%llu steered",
		       st.queue_live, st.ttl_ms,
		       (unsigned long long)st.counters[OOMQ_C_OOMS],
		       (unsigned long long)st.counters[OOMQ_C_STEERED]);
	return 0;
}

static const char *choice_text(uint32_t choice)
{
	switch (choice) {
	case OOMQ_CHOICE_QUEUE:
		return "from the queue";
	case OOMQ_CHOICE_KERNEL:
		return "kernel's choice, queue empty";
	case OOMQ_CHOICE_DRY:
		return "kernel's choice, no queued process eligible";
	case OOMQ_CHOICE_STALE:
		return "kernel's choice, queue older than its TTL";
	case OOMQ_CHOICE_OTHER:
		return "kernel override (oom_kill_allocating_task or an OOM "
		       "origin task)";
	default:
		return "choice not reported";
	}
}

static const char *scope_text(uint32_t scope)
{
	switch (scope) {
	case OOMQ_SCOPE_GLOBAL:
		return "global OOM";
	case OOMQ_SCOPE_MEMCG:
		return "memcg OOM";
	case OOMQ_SCOPE_SYSRQ:
		return "sysrq-f";
	default:
		return "scope not reported";
	}
}

static void log_kill_event(const struct nlc_event *ev)
{
	static const char *const scopes[] = {
		[OOMQ_SCOPE_GLOBAL] = "global",
		[OOMQ_SCOPE_MEMCG] = "memcg",
		[OOMQ_SCOPE_SYSRQ] = "sysrq",
	};
	struct notice n = {
		.kind = NOTICE_OOM_KILL,
		.choice = ev->choice == OOMQ_CHOICE_QUEUE ?
				  NOTICE_CHOICE_QUEUE :
				  NOTICE_CHOICE_KERNEL,
		.pid = (pid_t)ev->pid,
		.uid = (ev->has & NLC_HAS_UID) ? (uid_t)ev->uid :
						 NOTICE_UID_UNKNOWN,
		.rss_kb = ev->rss_kb,
		.reason = choice_text(ev->choice),
		.scope = ev->scope < sizeof(scopes) / sizeof(*scopes) ?
				 scopes[ev->scope] :
				 NULL,
	};
	char index[48] = "";

	if (ev->has & NLC_HAS_COMM)
		memcpy(n.comm, ev->comm, sizeof(ev->comm));
	if (ev->has & NLC_HAS_INDEX)
		snprintf(index, sizeof(index), " at index %u of %u",
			 ev->queue_index, ev->queue_len);
	lognote(&n, LOG_WARNING,
		"OOM kill: pid %u (%s), %s%s, RSS %llu KiB, swap %llu KiB, %s",
		ev->pid, (ev->has & NLC_HAS_COMM) ? ev->comm : "?",
		choice_text(ev->choice), index, (unsigned long long)ev->rss_kb,
		(unsigned long long)ev->swap_kb, scope_text(ev->scope));
}

/*
 * At most LOOP_EVENTS_PER_WAKE events per wake-up: a burst cannot hold
 * the loop away from re-ranking; the socket stays readable and the next
 * ppoll() returns at once for the rest.
 */
static void drain_events(struct loop *l)
{
	struct nlc_event ev;

	for (int i = 0; i < LOOP_EVENTS_PER_WAKE; i++) {
		int n = nlc_recv_event(&l->nl, &ev);

		if (n == 0)
			return;
		if (n == -EBADMSG) {
			logmsg_limited(&l->lim_event, mono_ms(), LOG_WARNING,
				       "malformed oomq event skipped");
			continue;
		}
		if (n == -ENOBUFS) {
			logmsg_limited(&l->lim_event, mono_ms(), LOG_WARNING,
				       "oomq events lost (socket overflow): "
				       "re-ranking");
			l->kills++;
			continue;
		}
		if (n < 0) {
			logmsg(LOG_ERR, "oomq events: %s; reconnecting later",
			       strerror(-n));
			nlc_close(&l->nl);
			l->nl_on = false;
			return;
		}
		switch (ev.type) {
		case OOMQ_EVENT_KILL:
			log_kill_event(&ev);
			l->kills++;
			break;
		case OOMQ_EVENT_PROBE_MISS:
			logmsg(LOG_WARNING,
			       "an OOM kill bypassed the oomq badness hook; "
			       "module mode now %u",
			       ev.mode_active);
			break;
		case OOMQ_EVENT_LOST:
			logmsg_limited(&l->lim_event, mono_ms(), LOG_WARNING,
				       "oomq module dropped %u events: "
				       "re-ranking",
				       ev.lost);
			l->kills++;
			break;
		default: /* QUEUE_SET is our own write; unknown: newer module */
			break;
		}
	}
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
static int pass(struct loop *l)
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
		module_gone(l);
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

/*
 * The first queued process that is not a victim SIGKILL could not end
 * (kill.h), or NULL.
 */
static const struct sample *first_victim(struct loop *l)
{
	struct agent *a = l->a;

	for (size_t i = 0; i < a->nranked && i < a->policy.queue_length; i++) {
		const struct sample *v = &a->tab[a->order[i]];

		if (!kill_stuck(&l->kill, v->pid))
			return v;
	}
	return NULL;
}

/* Never a second victim while one is dying: the caller checked. */
static void start_kill(struct loop *l, uint64_t now)
{
	const struct sample *v;
	int ret;

	/* Rank now: the victim must be the current first, not 10 s old. */
	v = pass(l) ? NULL : first_victim(l);
	if (!v) {
		logmsg_limited(&l->lim_kill, now, LOG_WARNING,
			       "proactive kill due, but nothing to kill%s",
			       l->kill.nstuck ? " (only victims SIGKILL did "
						"not end)" :
						"");
		l->kill_retry_ms = now + LOOP_KILL_RETRY_MS;
		return;
	}
	if (l->o->dry_run) {
		logmsg(LOG_WARNING,
		       "dry run: would kill pid %d (%s), RSS %llu KiB",
		       (int)v->pid, v->comm, (unsigned long long)v->rss_kb);
		l->kills++; /* the cooldown, as if it had died */
		return;
	}
	memcpy(l->victim_comm, v->comm, sizeof(l->victim_comm));
	l->victim = (struct notice){ .kind = NOTICE_KILL,
				     .choice = NOTICE_CHOICE_PROACTIVE,
				     .pid = v->pid,
				     .uid = v->uid,
				     .rss_kb = v->rss_kb,
				     .reason = "memory critical" };
	memcpy(l->victim.comm, v->comm, sizeof(l->victim.comm));
	/* A stopped victim would hold its SIGTERM until continued. */
	pause_release(&l->paused, v->pid, now);
	ret = kill_start(&l->kill, v->pid, now);
	switch (ret) {
	case KILL_TERMINATING:
		lognote(&l->victim, LOG_WARNING,
			"proactive kill: SIGTERM to pid %d (%s), RSS %llu KiB; "
			"SIGKILL in %u ms",
			(int)v->pid, v->comm, (unsigned long long)v->rss_kb,
			l->kill.cfg.grace_ms);
		break;
	case KILL_KILLING:
		lognote(&l->victim, LOG_WARNING,
			"proactive kill: SIGKILL to pid %d (%s), RSS %llu KiB",
			(int)v->pid, v->comm, (unsigned long long)v->rss_kb);
		break;
	case KILL_REAPED:
		logmsg(LOG_INFO, "proactive kill: pid %d (%s) already gone",
		       (int)v->pid, v->comm);
		l->kills++;
		break;
	case -ECANCELED:
		logmsg_limited(&l->lim_kill, now, LOG_INFO,
			       "proactive kill called off: pressure eased");
		break;
	default:
		logmsg_limited(&l->lim_kill, now, LOG_ERR,
			       "proactive kill of pid %d (%s): %s; next try "
			       "in %u s",
			       (int)v->pid, v->comm, strerror(-ret),
			       LOOP_KILL_RETRY_MS / 1000);
		l->kill_retry_ms = now + LOOP_KILL_RETRY_MS;
		l->rerank = true;
		break;
	}
}

static void step_kill(struct loop *l, uint64_t now)
{
	enum kill_phase before = l->kill.phase;
	pid_t pid = l->kill.pid;
	int ret = kill_step(&l->kill, now);

	switch (ret) {
	case KILL_REAPED:
		l->victim.kind = NOTICE_KILLED;
		lognote(&l->victim, LOG_NOTICE,
			"proactive kill: pid %d (%s) is gone", (int)pid,
			l->victim_comm);
		l->kills++;
		break;
	case KILL_KILLING:
		if (before == KILL_TERMINATING) {
			logmsg(LOG_WARNING,
			       "proactive kill: SIGKILL to pid %d (%s) after "
			       "%u ms",
			       (int)pid, l->victim_comm, l->kill.cfg.grace_ms);
			if (l->kill.mrelease_err)
				logmsg(LOG_INFO, "process_mrelease(%d): %s",
				       (int)pid,
				       strerror(-l->kill.mrelease_err));
		}
		break;
	case KILL_TERMINATING:
		break;
	case -ECANCELED:
		logmsg(LOG_INFO,
		       "proactive kill: pressure eased, pid %d (%s) keeps its "
		       "SIGTERM",
		       (int)pid, l->victim_comm);
		break;
	case -ETIMEDOUT:
		logmsg(LOG_WARNING,
		       "proactive kill: pid %d (%s) not gone %u ms after "
		       "SIGKILL (D state, frozen or traced?): the next victim "
		       "may go",
		       (int)pid, l->victim_comm, l->kill.cfg.reap_timeout_ms);
		l->kills++; /* re-rank; the cooldown before the next */
		break;
	default:
		/* Drop it: retrying at once would spin on a 0 ms wait. */
		logmsg_limited(&l->lim_kill, now, LOG_ERR,
			       "proactive kill of pid %d (%s): %s", (int)pid,
			       l->victim_comm, strerror(-ret));
		kill_reset(&l->kill);
		l->kill_retry_ms = now + LOOP_KILL_RETRY_MS;
		break;
	}
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
 * The stopped jobs checked and the pausable ones read again, after
 * every ranking pass and, when @again, from the last pass's processes:
 * the tree walk costs a few /proc reads per process of the pausable
 * trees, a pass reads all of /proc.  Returns whether they were read.
 */
static bool read_jobs(struct loop *l, uint64_t now, bool again)
{
	const struct sample *run[JOBS_MAX * 2];
	size_t n;

	if (l->jobs_pass == l->npass && !again)
		return false;
	l->jobs_pass = l->npass;
	l->jobs_ms = now;
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
 * While the jobs are followed, they are read again this often, ms
 * (sooner for a job new since: its first rate): pause_ctl.c's rates
 * need no more, and an exit shows in MemAvailable at once.
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
 * Who runs comes from jobs read at most PAUSE_READ_MS ago while the
 * jobs are followed (pause_ctl_watch()) or some are stopped; what
 * pause_ctl.c orders is carried out one order at a time, each on the
 * jobs as that left them, at most one continue a tick.  While it
 * follows, it samples as often as pause_ctl_wait_ms() says: every
 * pause_sample_ms near the reserve or after an order, up to once a
 * second where memory holds still.
 */
static int pause_tick(struct loop *l, const struct pressure_sample *s,
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
	bool ordered = false;
	unsigned int n;
	int wait;

	/* A pass at once when following starts: the jobs before they grow. */
	if (busy &&
	    (!l->following ||
	     now - l->pass_ms >= (l->jobs.n ? PAUSE_PASS_MS : PAUSE_READ_MS) ||
	     s->mem_avail_kb >= l->pass_avail_kb + s->mem_total_kb *
							   PAUSE_PASS_RISE_PCT /
							   100))
		pass(l);
	if (l->jobs_pass != l->npass) /* a pass since the jobs' last read */
		l->pass_avail_kb = s->mem_avail_kb;
	/* Low, the jobs of every pass are read: are there any to follow? */
	if ((busy || w != PAUSE_CTL_CALM) &&
	    read_jobs(l, now,
		      busy && now - l->jobs_ms >=
				      (pause_ctl_read_soon(&l->ctl) ?
					       PAUSE_CTL_RATE_MS :
					       PAUSE_READ_MS))) {
		n = ctl_jobs(l, cj, src, refused);
		pause_ctl_update(&l->ctl, &l->pcfg, cj, n, now);
		if (busy && !l->following)
			logmsg(LOG_INFO,
			       "pause: following %u jobs: MemAvailable %llu "
			       "MiB, falling %llu MiB/s",
			       l->jobs.n,
			       (unsigned long long)s->mem_avail_kb / 1024,
			       (unsigned long long)l->ctl.fall_kb_s / 1024);
	}
	l->following = busy;
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
		ordered = true;
		if (o.kind == PAUSE_CTL_CONT)
			break;
	}
	if (!busy)
		return pause_wait_ms(&l->paused, &l->pcfg, s);
	wait = (int)pause_ctl_wait_ms(&l->ctl, &l->pcfg, s, ordered);
	/* Jobs without a rate yet: read again in PAUSE_CTL_RATE_MS. */
	return pause_ctl_read_soon(&l->ctl) && wait > PAUSE_CTL_RATE_MS ?
		       PAUSE_CTL_RATE_MS :
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
static uint32_t tick(struct loop *l, uint64_t now)
{
	struct pressure_sample s;
	struct pressure_action act;
	int ret, pw, psi_err[2];

	ret = read_sample(l, &s, psi_err);
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
		pass(l);
		if (!act.rerank)
			pressure_ranked(&l->pst, now);
	}
	if (act.kill && !kill_busy(&l->kill) && now >= l->kill_retry_ms)
		start_kill(l, now);
	pw = pause_tick(l, &s, now);
	/* Also the jobs that ended or were continued by someone else. */
	l->metrics.jobs_stopped = l->paused.n;
	if (pw < 0 || (uint32_t)pw > act.wait_ms)
		pw = (int)act.wait_ms;
	return write_metrics(l, now, (uint32_t)pw);
}

static int open_cgroup_psi(const char *dir, struct psi *p, char *path,
			   size_t size);
static int cgroup_psi_refused(int err, const char *path);
static void start_hooks(struct loop *l);

/* Whether rules on comm and uid read only new and changed processes. */
static void log_events(const struct agent *a)
{
	if (a->events.sk)
		logmsg(LOG_INFO, "process events: rules re-read comm and uid "
				 "of new and changed processes only");
	else if (a->events_err)
		logmsg(LOG_INFO,
		       "process events: %s: rules read every process's "
		       "comm each pass",
		       strerror(-a->events_err));
}

static void reload(struct loop *l)
{
	/* Static: struct policy is ~100 KiB of compiled rules. */
	static struct policy np;
	static char cg_path[PATH_MAX];
	struct pressure_config pc;
	struct kill_config kc;
	struct psi cg;
	const char *why;
	int ret, cg_ret = 0;

	logmsg(LOG_INFO, "SIGHUP: reloading the config");
	cg.fd = -1;
	ret = l->o->reload(&np, l->o->reload_arg);
	if (!ret) {
		ret = thresholds_from_policy(&np, &pc, &kc, &why);
		if (ret)
			logmsg(LOG_ERR, "config: %s", why);
	}
	/* psi_cgroup may name another cgroup now, or none. */
	if (!ret) {
		cg_ret = open_cgroup_psi(np.th.psi_cgroup, &cg, cg_path,
					 sizeof(cg_path));
		ret = cgroup_psi_refused(cg_ret, cg_path);
	}
	if (!ret && strcmp(np.cgroup, l->a->policy.cgroup)) {
		logmsg(LOG_WARNING,
		       "[oomqd] cgroup: a new value takes effect "
		       "at restart; still %s",
		       l->a->policy.cgroup[0] ? l->a->policy.cgroup : "none");
		memcpy(np.cgroup, l->a->policy.cgroup, sizeof(np.cgroup));
	}
	if (ret) {
		logmsg(LOG_ERR, "reload failed: keeping the old config");
		psi_close(&cg);
		policy_free(&np);
		return;
	}
	/* The compiled rules move to the agent; np is reset next time. */
	policy_free(&l->a->policy);
	l->a->policy = np;
	agent_policy_changed(l->a);
	log_events(l->a);
	start_hooks(l);
	l->pcfg = pc;
	l->kill.cfg = kc;
	psi_close(&l->cg_psi);
	l->cg_psi = cg;
	memcpy(l->cg_psi_path, cg_path, sizeof(cg_path));
	l->cg_missing = cg_ret == -ENOENT;
	if (l->nl_on && !l->o->dry_run) {
		ret = nlc_set_ttl(&l->nl, pc.queue_ttl_ms);
		if (ret)
			logmsg(LOG_WARNING, "setting the queue TTL: %s",
			       strerror(-ret));
	}
	l->rerank = true;
	logmsg(LOG_NOTICE,
	       "config reloaded: policy %s, queue %u, TTL %u ms, %u rules, "
	       "proactive kill %s",
	       badness_port_name(l->a->policy.port), l->a->policy.queue_length,
	       pc.queue_ttl_ms, l->a->policy.nrules,
	       pc.kill_enabled ? "on" : "off");
}

/*
 * psi_cgroup: that cgroup's memory.pressure, into @p, with the same
 * trigger as the system's (or, when the kernel refuses the trigger,
 * for its averages only); @path gets the file's path.
 *
 * A trigger is written to the file, so it needs the file open for
 * writing: under systemd's ProtectControlGroups=yes (the shipped unit)
 * all of /sys/fs/cgroup is read-only and open() says EROFS.  Return: 0
 * (watched, or no psi_cgroup), -ENOENT (not there yet: the loop tries
 * again while calm), or another -errno from psi_open().
 */
static int open_cgroup_psi(const char *dir, struct psi *p, char *path,
			   size_t size)
{
	struct psi_trigger trig = PSI_TRIGGER_DEFAULT;
	int ret;

	p->fd = -1;
	if (!dir[0])
		return 0;
	snprintf(path, size, "%s/memory.pressure", dir);
	ret = psi_open(p, path, &trig);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		logmsg(LOG_WARNING,
		       "%s: trigger refused (%s): reading "
		       "averages only",
		       path, strerror(-ret));
		ret = psi_open(p, path, NULL);
	} else if (!ret) {
		logmsg(LOG_INFO, "cgroup PSI trigger: %s", path);
	}
	if (ret == -ENOENT)
		logmsg(LOG_WARNING,
		       "psi_cgroup: %s: not there (yet): watched once it is",
		       path);
	return ret;
}

/*
 * A psi_cgroup that cannot be watched as configured here, whatever
 * happens later: the config is refused (at start, exit status 2; on
 * SIGHUP, the old one is kept).  A missing cgroup is not that: it may
 * come with the first login.  Returns @err when refused, else 0.
 */
static int cgroup_psi_refused(int err, const char *path)
{
	if (!err || err == -ENOENT)
		return 0;
	if (err == -EROFS)
		logmsg(LOG_ERR,
		       "psi_cgroup: %s: %s: a PSI trigger must write to it; "
		       "under systemd, add ReadWritePaths=%s to oomqd.service "
		       "(systemctl edit oomqd), as ProtectControlGroups=yes "
		       "makes /sys/fs/cgroup read-only",
		       path, strerror(-err), path);
	else
		logmsg(LOG_ERR, "psi_cgroup: %s: %s", path, strerror(-err));
	return err;
}

/* On a calm wake-up: the psi_cgroup that was missing may be there now. */
static void retry_cgroup_psi(struct loop *l)
{
	int ret = psi_open(&l->cg_psi, l->cg_psi_path,
			   &(struct psi_trigger)PSI_TRIGGER_DEFAULT);

	if (ret == -ENOENT)
		return;
	l->cg_missing = false;
	if (ret)
		logmsg(LOG_WARNING, "psi_cgroup: %s: %s: not watched",
		       l->cg_psi_path, strerror(-ret));
	else
		logmsg(LOG_NOTICE, "cgroup PSI trigger: %s, now there",
		       l->cg_psi_path);
}

static void open_psi(struct loop *l)
{
	struct psi_trigger trig = PSI_TRIGGER_DEFAULT;
	int ret;

	if (l->cg_on)
		snprintf(l->psi_path, sizeof(l->psi_path), "%s/memory.pressure",
			 l->o->cgroup_dir);
	else
		snprintf(l->psi_path, sizeof(l->psi_path), "%s/pressure/memory",
			 l->o->proc_root);
	ret = psi_open(&l->psi, l->psi_path, &trig);
	if (!ret) {
		logmsg(LOG_INFO, "PSI trigger: %s stall of %u us in %u us",
		       trig.kind == PSI_SOME ? "some" : "full",
		       l->psi.trigger.threshold_us, l->psi.trigger.window_us);
		return;
	}
	if (ret == -ENOENT || ret == -EOPNOTSUPP) {
		logmsg(LOG_NOTICE,
		       "%s: %s: no PSI, polling /proc/meminfo every %u ms "
		       "when calm",
		       l->psi_path, strerror(-ret),
		       pressure_interval_ms(&l->pcfg, PRESSURE_CALM));
		return;
	}
	/* A refused trigger still leaves the averages to read. */
	logmsg(LOG_WARNING, "%s: trigger refused (%s): reading averages only",
	       l->psi_path, strerror(-ret));
	ret = psi_open(&l->psi, l->psi_path, NULL);
	if (ret)
		logmsg(LOG_WARNING, "%s: %s: polling /proc/meminfo only",
		       l->psi_path, strerror(-ret));
}

static void log_protect(const struct protect_report *r)
{
	if (r->mlock_err)
		logmsg(LOG_WARNING,
		       "mlockall: %s: oomqd's pages may be paged out under "
		       "pressure",
		       strerror(-r->mlock_err));
	if (r->oom_adj_err)
		logmsg(LOG_WARNING,
		       "oom_score_adj %d: %s: the kernel may pick oomqd "
		       "(now %d)",
		       PROTECT_OOM_ADJ_MIN, strerror(-r->oom_adj_err),
		       r->oom_adj);
	if (r->heap_err)
		logmsg(LOG_WARNING, "mallopt refused: freed heap may be "
				    "returned and faulted in again");
}

/*
 * The record of what pause.c stopped (run_dir/stopped): an oomqd that
 * starts after one was SIGKILLed continues what that one left stopped.
 * Its lock is held while oomqd runs: a second one refuses to start
 * (-EBUSY), since two would fight over the queue and continue each
 * other's stopped jobs.  A dry run stops nothing, continues nothing and
 * takes no lock.
 */
static int open_pause_file(struct loop *l)
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

/* log.h's notice sink: the metrics' counters and the hooks. */
static void noticed(const struct notice *n, void *arg)
{
	struct loop *l = arg;
	int ret;

	metrics_note(&l->metrics, n);
	ret = hooks_post(&l->hooks, &l->a->policy.hooks, n);
	if (ret == -EAGAIN)
		logmsg_limited(&l->lim_hooks, mono_ms(), LOG_WARNING,
			       "hooks: %u events dropped so far: the hooks "
			       "take longer than events come",
			       l->hooks.dropped);
	else if (ret)
		logmsg(LOG_ERR, "hooks: %s: hooks off until SIGHUP",
		       ret == -EPIPE ? "the helper is gone" : strerror(-ret));
}

/*
 * The hooks' helper, forked while memory is calm (start, SIGHUP): it
 * runs the hooks and shows the desktop notifications (notify.h).
 */
static void start_hooks(struct loop *l)
{
	int ret;

	if (l->a->policy.notify && !notify_available())
		logmsg(LOG_INFO, "notify: built without libsystemd: no "
				 "desktop notifications");
	l->hooks.notify = l->a->policy.notify && notify_available();
	if (l->o->dry_run || l->hooks.fd >= 0 ||
	    (!hooks_any(&l->a->policy.hooks) && !l->hooks.notify))
		return;
	ret = hooks_start(&l->hooks);
	if (ret)
		logmsg(LOG_ERR, "hooks: fork: %s: hooks off", strerror(-ret));
	else
		logmsg(LOG_INFO, "hooks: helper pid %d", (int)l->hooks.helper);
}

/*
 * [oomqd] cgroup, as main.c resolved it: its memory and its PSI stand
 * for the machine's, and the passes queue only its processes.
 */
static int open_cgroup_mem(struct loop *l)
{
	struct cgroup_mem_sample cs;
	const char *dir = l->o->cgroup_dir;
	int ret;

	if (!dir || !dir[0])
		return 0;
	ret = cgroup_mem_open(&l->cgm, dir);
	if (!ret)
		ret = cgroup_mem_read(&l->cgm, &cs);
	if (ret) {
		logmsg(LOG_ERR, "cgroup %s: %s", dir, strerror(-ret));
		cgroup_mem_close(&l->cgm);
		return ret;
	}
	l->cg_on = true;
	if (cs.limit_kb == CGROUP_MEM_NO_LIMIT)
		logmsg(LOG_NOTICE,
		       "cgroup %s (%s): no memory.max or memory.high up to "
		       "the top: MemTotal counts, its processes alone are "
		       "queued",
		       dir, l->a->scope);
	else
		logmsg(LOG_NOTICE,
		       "cgroup %s (%s): limit %llu MiB (%s), using %llu MiB; "
		       "its processes alone are queued",
		       dir, l->a->scope, (unsigned long long)cs.limit_kb / 1024,
		       cs.limit_level ? "of an ancestor" : "its own",
		       (unsigned long long)cs.current_kb / 1024);
	if (l->cgm.cut)
		logmsg(LOG_WARNING,
		       "cgroup %s: more than %d levels: the limits above them "
		       "are not read",
		       dir, CGROUP_MEM_DEPTH);
	return 0;
}

/* 0, or -errno when the config cannot run here (cgroup_psi_refused()). */
static int start(struct loop *l)
{
	struct protect_report pr;
	int ret;

	pressure_init(&l->pst, &l->pcfg, mono_ms());
	ret = open_cgroup_mem(l);
	if (ret)
		return ret;
	open_psi(l);
	ret = open_cgroup_psi(l->a->policy.th.psi_cgroup, &l->cg_psi,
			      l->cg_psi_path, sizeof(l->cg_psi_path));
	l->cg_missing = ret == -ENOENT;
	ret = cgroup_psi_refused(ret, l->cg_psi_path);
	if (ret)
		return ret;
	ret = module_open(l);
	if (ret == -ENOENT) {
		module_gone(l);
	} else if (ret) {
		logmsg(LOG_WARNING,
		       "oomq netlink: %s: kill events will not be heard",
		       strerror(-ret));
	}
	agent_listen(l->a);
	log_events(l->a);
	/* A dry run kills and stops nothing: nothing to count or run. */
	if (!l->o->dry_run)
		log_set_notice_sink(noticed, l);
	log_notices_structured(!l->o->dry_run);
	start_hooks(l);
	/* Last: everything the loop needs is allocated by now. */
	protect_self(&pr);
	log_protect(&pr);
	logmsg(LOG_INFO,
	       "started: policy %s, queue %u, TTL %u ms, calm refresh %u s, "
	       "proactive kill %s, pause %s%s",
	       badness_port_name(l->a->policy.port), l->a->policy.queue_length,
	       l->pcfg.queue_ttl_ms,
	       pressure_interval_ms(&l->pcfg, PRESSURE_CALM) / 1000,
	       l->pcfg.kill_enabled ? "on" : "off",
	       l->pcfg.pause_enabled ? "on" : "off",
	       l->o->dry_run ? ", dry run" : "");
	return 0;
}

/*
 * What poll() said about a PSI trigger: a firing is counted (the next
 * tick samples at once); a failed trigger (the cgroup went away) is
 * closed, and the timer and the other sources carry on.
 */
static void psi_event(struct loop *l, struct psi *p, short revents,
		      const char *path)
{
	int fired = psi_fired(p, revents);

	if (fired > 0) {
		l->triggers++;
	} else if (fired < 0) {
		logmsg(LOG_WARNING, "%s: PSI trigger failed: not watched",
		       path);
		psi_close(p);
	}
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
	kill_init(&l.kill, &kc, still_critical, &l);
	pause_init(&l.paused, &a->sampler, o->dry_run);
	pause_ctl_init(&l.ctl);
	/* First: a second oomqd must leave the first one's state alone. */
	ret = open_pause_file(&l);
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

	if (start(&l)) {
		ret = -EINVAL; /* exit status 2: restarting cannot help */
		goto out;
	}
	wait = tick(&l, mono_ms());
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
			reload(&l);
		}
		now = mono_ms();
		if (n > 0 && pfd[0].revents)
			psi_event(&l, &l.psi, pfd[0].revents, l.psi_path);
		if (n > 0 && pfd[3].revents) {
			psi_event(&l, &l.cg_psi, pfd[3].revents, l.cg_psi_path);
			/* The cgroup went away: watched again if it comes back. */
			l.cg_missing = l.cg_psi.fd < 0;
		}
		if (n > 0 && pfd[1].revents)
			drain_events(&l);
		if (kill_busy(&l.kill))
			step_kill(&l, now);
		if (!n && l.cg_missing && l.pst.level == PRESSURE_CALM)
			retry_cgroup_psi(&l);
		/* A module loaded later is found within one calm interval. */
		if (!n && !l.nl_on && l.pst.level == PRESSURE_CALM &&
		    !module_open(&l)) {
			logmsg(LOG_NOTICE, "oomq module found: events joined");
			l.rerank = true;
		}
		wait = tick(&l, now);
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
