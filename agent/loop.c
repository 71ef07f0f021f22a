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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop_int.h"
#include "prof.h"
#include "thresholds.h"

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static void log_level(const struct pressure_action *act,
		      const struct pressure_sample *s)
{
	char zram[96] = "", pagein[48] = "";

	if (s->zram_swap_total_kb)
		snprintf(zram, sizeof(zram),
			 ", zram %llu of them holding %llu MiB in %llu MiB",
			 (unsigned long long)s->zram_swap_total_kb / 1024,
			 (unsigned long long)s->zram_orig_kb / 1024,
			 (unsigned long long)s->zram_ram_kb / 1024);
	if (s->pagein_valid)
		snprintf(pagein, sizeof(pagein), ", %u pages in/s",
			 s->pagein_per_s);
	logmsg(act->level > act->prev ? LOG_WARNING : LOG_NOTICE,
	       "pressure %s -> %s: MemAvailable %llu of %llu MiB, SwapFree "
	       "%llu of %llu MiB%s, PSI some %.2f%% full %.2f%%%s%s",
	       pressure_level_name(act->prev), pressure_level_name(act->level),
	       (unsigned long long)s->mem_avail_kb / 1024,
	       (unsigned long long)s->mem_total_kb / 1024,
	       (unsigned long long)s->swap_free_kb / 1024,
	       (unsigned long long)s->swap_total_kb / 1024, zram,
	       s->psi_some_avg10, s->psi_full_avg10,
	       s->psi_valid ? "" : " (no PSI)", pagein);
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
	if (metrics_write_due(&l->metrics.m, now, p->metrics_interval_s * 1000,
			      kill_busy(&l->killing.kill))) {
		len = metrics_format(&l->metrics.m, now, buf, sizeof(buf));
		ret = len < 0 ? len :
				metrics_write(p->metrics_dir, buf, (size_t)len);
		if (ret)
			logmsg_limited(&l->metrics.lim, now, LOG_WARNING,
				       "metrics_dir %s: %s%s", p->metrics_dir,
				       strerror(-ret),
				       ret == -EROFS ?
					       ": under systemd, allow it "
					       "with ReadWritePaths= "
					       "(systemctl edit oomqd)" :
					       "");
	}
	next = l->metrics.m.next_write_ms;
	return next > now && next - now < wait_ms ? (uint32_t)(next - now) :
						    wait_ms;
}

/* One sample and what it calls for; returns how long to sleep, ms. */
static uint32_t loop_tick(struct loop *l, uint64_t now)
{
	struct pressure_sample s;
	struct pressure_action act;
	struct kill_ctl_decision kd;
	uint64_t t0 = prof_begin();
	int pw;

	loop_sense_tick(l, &s);
	prof_end(PROF_SAMPLE, t0);
	s.kills = l->pressure.kills;
	s.oom_kills = l->pressure.oom_kills;
	s.pause_spent = l->pausing.spent;
	l->pressure.kills = l->pressure.oom_kills = 0;

	act = pressure_update(&l->pressure.st, &l->pressure.cfg, &s, now);
	metrics_sample(&l->metrics.m, &s, act.level);
	if (act.changed)
		log_level(&act, &s);
	if (act.rerank || l->pressure.rerank) {
		l->pressure.rerank = false;
		loop_pass(l);
	}
	kd = kill_ctl_decide(&l->killing.ctl, &l->pressure.cfg, act.level, &s,
			     kill_busy(&l->killing.kill), now);
	if (kd.verdict == KILL_CTL_NOW)
		loop_kill_start(l, now);
	if (kd.wait_ms < act.wait_ms)
		act.wait_ms = kd.wait_ms;
	t0 = prof_begin();
	pw = loop_pause_tick(l, &s, now);
	prof_end(PROF_PAUSE, t0);
	prof_log(now, false);
	/* Also the jobs that ended or were continued by someone else. */
	l->metrics.m.jobs_stopped = l->pausing.paused.n;
	if (pw < 0 || (uint32_t)pw > act.wait_ms)
		pw = (int)act.wait_ms;
	return write_metrics(l, now, (uint32_t)pw);
}

/* PSI, the module's events, the dying victim's pidfd, cgroup PSI. */
#define LOOP_NFDS 4

static void wait_for(struct loop *l, struct pollfd *pfd, uint32_t wait_ms,
		     const sigset_t *mask, int *n)
{
	struct timespec ts = { .tv_sec = wait_ms / 1000,
			       .tv_nsec = (long)(wait_ms % 1000) * 1000000 };
	uint64_t t0;

	pfd[0] = (struct pollfd){ .fd = psi_fd(&l->sense.psi),
				  .events = POLLPRI };
	pfd[1] =
		(struct pollfd){ .fd = l->link.nl_on ? nlc_fd(&l->link.nl) : -1,
				 .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = kill_fd(&l->killing.kill),
				  .events = POLLIN };
	pfd[3] = (struct pollfd){ .fd = psi_fd(&l->sense.cg_psi),
				  .events = POLLPRI };
	t0 = prof_begin();
	*n = ppoll(pfd, LOOP_NFDS, &ts, mask);
	prof_end(PROF_POLL, t0);
}

/*
 * Does a wake-up before the next sample is due call for one now?  A
 * PSI trigger, a kill (the kernel's, or ours ending) and a re-rank
 * asked for do; the module's echo of our own queue write does not:
 * a tick for each would double the samples while passes come fast.
 */
static bool tick_wanted(const struct loop *l, int n, const struct pollfd *pfd)
{
	return n <= 0 || l->sense.triggers || l->pressure.kills ||
	       l->pressure.rerank || pfd[2].revents ||
	       kill_busy(&l->killing.kill);
}

int loop_run(struct agent *a, const struct loop_opts *o)
{
	static struct loop l;
	struct sigaction sa = { .sa_handler = on_signal };
	struct kill_config kc;
	sigset_t block, old;
	char sys[PATH_MAX];
	const char *why;
	uint32_t wait;
	uint64_t due;
	int ret = 0;

	l.a = a;
	l.o = o;
	l.hooks.h.fd = -1;
	l.sense.psi.fd = -1;
	l.sense.cg_psi.fd = -1;
	l.sense.swm.swaps = l.sense.swm.vmstat = l.sense.swm.sys_block = -1;
	l.ranking.source = -1;
	if (thresholds_from_policy(&a->policy, &l.pressure.cfg, &kc, &why)) {
		logmsg(LOG_ERR, "config: %s", why);
		return -EINVAL;
	}
	kill_init(&l.killing.kill, &kc, loop_still_critical, &l);
	kill_ctl_init(&l.killing.ctl);
	pause_init(&l.pausing.paused, &a->sampler, o->dry_run);
	pause_ctl_init(&l.pausing.ctl);
	/* Crowded CPUs slow a build's growth: pause_ctl.c counts them. */
	loop_sys_dir(o, sys, sizeof(sys));
	job_cpus_init(&l.pausing.cpus, &a->sampler, sys);
	l.pausing.ctl.cpus_pm = l.pausing.cpus.online_pm;
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
	prof_started();
	due = mono_ms();
	wait = loop_tick(&l, due);
	due += wait;
	while (!got_stop) {
		struct pollfd pfd[LOOP_NFDS];
		bool reloaded = false;
		uint64_t now;
		int n, kw;

		if (kill_busy(&l.killing.kill)) {
			kw = kill_wait_ms(&l.killing.kill, mono_ms());
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
			reloaded = true;
		}
		now = mono_ms();
		if (n > 0 && pfd[0].revents)
			loop_psi_event(&l.sense, &l.sense.psi, pfd[0].revents,
				       l.sense.psi_path);
		if (n > 0 && pfd[3].revents)
			loop_cgroup_psi_event(&l.sense, pfd[3].revents);
		if (n > 0 && pfd[1].revents) {
			uint64_t t0 = prof_begin();

			loop_module_drain(&l);
			prof_end(PROF_EVENTS, t0);
		}
		if (kill_busy(&l.killing.kill))
			loop_kill_step(&l, now);
		if (!n && l.sense.cg_missing &&
		    l.pressure.st.level == PRESSURE_CALM)
			loop_cgroup_psi_retry(&l.sense);
		/* A module loaded later is found within one calm interval. */
		if (!n && !l.link.nl_on &&
		    l.pressure.st.level == PRESSURE_CALM &&
		    !loop_module_open(&l)) {
			logmsg(LOG_NOTICE, "oomq module found: events joined");
			l.pressure.rerank = true;
		}
		if (now < due && !reloaded && !tick_wanted(&l, n, pfd)) {
			wait = (uint32_t)(due - now);
			continue;
		}
		wait = loop_tick(&l, now);
		due = now + wait;
	}
	logmsg(LOG_INFO, "stopping");
	prof_log(mono_ms(), true);
out:
	loop_stop(&l);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
