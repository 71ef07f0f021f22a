// SPDX-License-Identifier: GPL-2.0
/*
 * The proactive kill carried out: the victim (the first queued process
 * that is not a victim SIGKILL could not end), its signals through
 * kill.c, and their log.  When one is due is kill_ctl.c's.
 */
#include <errno.h>
#include <string.h>

#include "loop_int.h"

/* kill.c's re-check before each signal: a fresh sample, no hysteresis. */
bool loop_still_critical(void *arg)
{
	struct loop *l = arg;
	struct pressure_sample s;

	loop_read_sample(l, &s, NULL);
	s.pause_spent = l->pausing.spent;
	return kill_ctl_due_now(&l->pressure.cfg, &s);
}

/*
 * The first queued process that is not a victim SIGKILL could not end
 * (kill.h), nor, when pausing is spent, one of the jobs: it is what
 * grows beside them that memory goes to then.  NULL: none.
 */
static const struct sample *first_victim(struct loop *l)
{
	struct agent *a = l->a;
	struct loop_killing *k = &l->killing;

	for (size_t i = 0; i < a->nranked && i < a->policy.queue_length; i++) {
		const struct sample *v = &a->tab[a->order[i]];

		if (!kill_stuck(&k->kill, v->pid) &&
		    !(l->pausing.spent && loop_pause_of_jobs(l, v->pid)))
			return v;
	}
	return NULL;
}

/* Never a second victim while one is dying: the caller checked. */
void loop_kill_start(struct loop *l, uint64_t now)
{
	struct loop_killing *k = &l->killing;
	const struct sample *v;
	int ret;

	/* Rank now: the victim must be the current first, not 10 s old. */
	v = loop_pass(l) ? NULL : first_victim(l);
	if (!v) {
		logmsg_limited(&k->lim_kill, now, LOG_WARNING,
			       "proactive kill due, but nothing to kill%s",
			       k->kill.nstuck ? " (only victims SIGKILL did "
						"not end)" :
						"");
		kill_ctl_failed(&k->ctl, now);
		return;
	}
	if (l->o->dry_run) {
		logmsg(LOG_WARNING,
		       "dry run: would kill pid %d (%s), RSS %llu KiB",
		       (int)v->pid, v->comm, (unsigned long long)v->rss_kb);
		l->pressure.kills++; /* the cooldown, as if it had died */
		return;
	}
	memcpy(k->victim_comm, v->comm, sizeof(k->victim_comm));
	k->victim = (struct notice){ .kind = NOTICE_KILL,
				     .choice = NOTICE_CHOICE_PROACTIVE,
				     .pid = v->pid,
				     .uid = v->uid,
				     .rss_kb = v->rss_kb,
				     .reason = l->pausing.spent ?
						       "jobs stopped, memory "
						       "still short, pages "
						       "coming back" :
						       "memory critical" };
	memcpy(k->victim.comm, v->comm, sizeof(k->victim.comm));
	/* A stopped victim would hold its SIGTERM until continued. */
	pause_release(&l->pausing.paused, v->pid, now);
	ret = kill_start(&k->kill, v->pid, now);
	switch (ret) {
	case KILL_TERMINATING:
		lognote(&k->victim, LOG_WARNING,
			"proactive kill: SIGTERM to pid %d (%s), RSS %llu KiB; "
			"SIGKILL in %u ms (%s)",
			(int)v->pid, v->comm, (unsigned long long)v->rss_kb,
			k->kill.cfg.grace_ms, k->victim.reason);
		break;
	case KILL_KILLING:
		lognote(&k->victim, LOG_WARNING,
			"proactive kill: SIGKILL to pid %d (%s), RSS %llu KiB "
			"(%s)",
			(int)v->pid, v->comm, (unsigned long long)v->rss_kb,
			k->victim.reason);
		break;
	case KILL_REAPED:
		logmsg(LOG_INFO, "proactive kill: pid %d (%s) already gone",
		       (int)v->pid, v->comm);
		l->pressure.kills++;
		break;
	case -ECANCELED:
		logmsg_limited(&k->lim_kill, now, LOG_INFO,
			       "proactive kill called off: pressure eased");
		break;
	default:
		logmsg_limited(&k->lim_kill, now, LOG_ERR,
			       "proactive kill of pid %d (%s): %s; next try "
			       "in %u s",
			       (int)v->pid, v->comm, strerror(-ret),
			       KILL_CTL_RETRY_MS / 1000);
		kill_ctl_failed(&k->ctl, now);
		l->pressure.rerank = true;
		break;
	}
}

void loop_kill_step(struct loop *l, uint64_t now)
{
	struct loop_killing *k = &l->killing;
	enum kill_phase before = k->kill.phase;
	pid_t pid = k->kill.pid;
	int ret = kill_step(&k->kill, now);

	switch (ret) {
	case KILL_REAPED:
		k->victim.kind = NOTICE_KILLED;
		lognote(&k->victim, LOG_NOTICE,
			"proactive kill: pid %d (%s) is gone", (int)pid,
			k->victim_comm);
		l->pressure.kills++;
		loop_pause_killed(l, pid);
		break;
	case KILL_KILLING:
		if (before == KILL_TERMINATING) {
			logmsg(LOG_WARNING,
			       "proactive kill: SIGKILL to pid %d (%s) after "
			       "%u ms",
			       (int)pid, k->victim_comm, k->kill.cfg.grace_ms);
			if (k->kill.mrelease_err)
				logmsg(LOG_INFO, "process_mrelease(%d): %s",
				       (int)pid,
				       strerror(-k->kill.mrelease_err));
		}
		break;
	case KILL_TERMINATING:
		break;
	case -ECANCELED:
		logmsg(LOG_INFO,
		       "proactive kill: pressure eased, pid %d (%s) keeps its "
		       "SIGTERM",
		       (int)pid, k->victim_comm);
		break;
	case -ETIMEDOUT:
		logmsg(LOG_WARNING,
		       "proactive kill: pid %d (%s) not gone %u ms after "
		       "SIGKILL (D state, frozen or traced?): the next victim "
		       "may go",
		       (int)pid, k->victim_comm, k->kill.cfg.reap_timeout_ms);
		l->pressure.kills++; /* re-rank; the cooldown before the next */
		break;
	default:
		/* Drop it: retrying at once would spin on a 0 ms wait. */
		logmsg_limited(&k->lim_kill, now, LOG_ERR,
			       "proactive kill of pid %d (%s): %s", (int)pid,
			       k->victim_comm, strerror(-ret));
		kill_reset(&k->kill);
		kill_ctl_failed(&k->ctl, now);
		break;
	}
}
