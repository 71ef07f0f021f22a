// SPDX-License-Identifier: GPL-2.0
/*
 * A ranking pass run for the loop, whatever called for it (a tick, a
 * kill, pausing): rank, write /proc/oom unless dry, count it, and log
 * what changed (the source, the head, what did not read) at most once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loop_int.h"
#include "prof.h"

static void log_pass_problems(struct loop *l)
{
	struct agent *a = l->a;

	if (a->truncated && !l->ranking.truncated)
		logmsg(LOG_WARNING,
		       "more than %zu processes: ranking the first %zu", a->cap,
		       a->cap);
	l->ranking.truncated = a->truncated;
	if (a->dump.used != l->ranking.source) {
		if (a->dump.used)
			logmsg(LOG_INFO, "ranking from the module's task dump");
		else if (a->dump.err && a->dump.err != -ENOENT)
			logmsg(LOG_WARNING,
			       "ranking from /proc: task dump failed: %s",
			       strerror(-a->dump.err));
		else
			logmsg(LOG_INFO, "ranking from /proc");
		l->ranking.source = a->dump.used;
	}
}

/* Processes that did not read this pass: logged, never silently. */
static void log_skipped(struct loop *l, uint64_t now)
{
	struct agent *a = l->a;
	char why[160];

	if (a->sampler.malformed)
		logmsg_limited(&l->ranking.lim_skipped, now, LOG_WARNING,
			       "%u processes not ranked, unreadable: %s",
			       a->sampler.malformed,
			       agent_strerror(a, 0, why, sizeof(why)));
	else if (a->sampler.fail_err)
		logmsg_limited(&l->ranking.lim_skipped, now, LOG_WARNING,
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
	uint64_t t0 = prof_begin();
	char why[160];
	int ret, wret = 0;

	ret = agent_rank(a);
	if (!ret && !l->o->dry_run)
		wret = agent_write_queue(a);
	prof_end(PROF_PASS, t0);
	if (!ret)
		metrics_pass(&l->metrics.m, mono_us() - start,
			     a->nranked < a->policy.queue_length ?
				     (unsigned int)a->nranked :
				     a->policy.queue_length,
			     now);
	l->ranking.pass_ms = now;
	l->ranking.npass++;
	log_pass_problems(l);
	log_skipped(l, now);
	if (ret) {
		logmsg_limited(&l->ranking.lim_rank, now, LOG_ERR,
			       "ranking pass failed: %s",
			       agent_strerror(a, ret, why, sizeof(why)));
		return ret;
	}
	/*
	 * Whatever asked for it (pausing's search for jobs, a kill), a pass
	 * is a refresh: the next is timed from it.
	 */
	pressure_ranked(&l->pressure.st, now);
	if (wret == -ENOENT) {
		loop_module_gone(&l->link);
	} else if (wret) {
		logmsg_limited(&l->ranking.lim_write, now, LOG_ERR,
			       "%s/oom: %s", l->o->proc_root, strerror(-wret));
	} else if (!l->o->dry_run) {
		loop_module_back(&l->link);
	}
	if (a->nranked) {
		const struct sample *s = &a->tab[a->order[0]];

		if (s->pid != l->ranking.head)
			logmsg_limited(
				&l->ranking.lim_head, now, LOG_INFO,
				"queue head: pid %d (%s), score %ld; %zu queued "
				"of %zu processes",
				(int)s->pid, s->comm, s->score,
				a->nranked < a->policy.queue_length ?
					a->nranked :
					(size_t)a->policy.queue_length,
				a->nprocs);
		l->ranking.head = s->pid;
	}
	if (l->o->dry_run) {
		fputs(a->queue, stdout);
		fflush(stdout);
	}
	return 0;
}
