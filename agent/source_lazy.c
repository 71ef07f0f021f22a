// SPDX-License-Identifier: GPL-2.0
/*
 * The lazy /proc source of the modern port: oom_score of everyone,
 * full samples of the few that may reach the queue, best first
 * (agent.h tells why and how).
 */
#include <limits.h>
#include <string.h>

#include "badness.h"
#include "heap.h"
#include "source_lazy.h"
#include "source_proc.h"

/*
 * The rules' verdict from the files they match, read this pass.  The
 * match cache is keyed by pid and a hash of every input a rule reads
 * (comm, uid, cmdline, exe, cgroup: whichever the rules name), with no
 * start time: since all of them are read again every pass, the verdict
 * is a pure function of the hash, a recycled pid included, and nothing
 * can go stale (an exec that keeps comm, a rewritten argv, setuid, a
 * cgroup move).  Keying by (pid, start time) instead to skip re-reading
 * cmdline and the like would need stat (~10 us) every pass just for the
 * key, and would miss exactly those changes.
 */
static int first_stage_rules(struct agent *a, pid_t pid, struct agent_cand *c)
{
	struct proc_sampler *ps = &a->sampler;
	struct sample s = { .pid = pid, .rule = SAMPLE_NO_RULE };
	struct sample_text t;
	int rule = VERDICT_UNKNOWN, ret = 0;

	if (a->events.cn.sk)
		rule = verdicts_get(&a->events.verdicts, pid);
	if (rule != VERDICT_UNKNOWN) {
		policy_apply(&a->policy, rule, &s);
		goto out;
	}
	proc_read_text(ps, pid, a->cls.need, &t);
	/* The lineage read stat, which has comm: one file less. */
	if (t.lineage.self.pid)
		memcpy(s.comm, t.lineage.self.comm, sizeof(s.comm));
	else if (a->cls.need & PROC_NEED_COMM)
		ret = proc_read_comm(ps, pid, s.comm);
	if (!ret && (a->cls.need & PROC_NEED_UID))
		ret = proc_read_uid(ps, pid, &s.uid, &s.euid);
	if (ret) {
		proc_events_unread(&a->events, ret);
		return ret;
	}
	classify_one(&s, &t, &a->cls);
	if (a->events.cn.sk)
		verdicts_put(&a->events.verdicts, pid, s.rule);
out:
	c->rule = s.rule;
	c->adjust = s.adjust;
	c->priority = s.priority;
	return 0;
}

/*
 * The order candidates are taken in: higher group, higher bound, lower
 * pid.  The bound is the most points the process can have (its
 * oom_score's badness_max_points(), plus the rule's adjust): every
 * score the full sample can show lies at or below it.
 */
static bool cand_before(const struct agent_cand *x, const struct agent_cand *y)
{
	if (x->priority != y->priority)
		return x->priority > y->priority;
	if (x->bound != y->bound)
		return x->bound > y->bound;
	return x->pid < y->pid;
}

/* heap_above_fn: the first candidate on top. */
static bool cand_first_above(const void *x, const void *y, const void *ctx)
{
	(void)ctx;
	return cand_before(x, y);
}

/* heap_above_fn: the last candidate on top, the one a better replaces. */
static bool cand_last_above(const void *x, const void *y, const void *ctx)
{
	(void)ctx;
	return cand_before(y, x);
}

size_t agent_cand_room(const struct agent *a)
{
	size_t room = (size_t)AGENT_CAND_PER_QUEUE * a->policy.queue_length;

	if (room < AGENT_CAND_MIN)
		room = AGENT_CAND_MIN;
	return room < a->lazy.cand_max ? room : a->lazy.cand_max;
}

/*
 * Can candidate @c still go before @w, the last of the queue so far
 * (NULL: the queue is not full)?  Not once its group is lower, or its
 * bound below @w's score: equal, it may tie and win on RSS.
 */
static bool may_beat(const struct agent_cand *c, const struct sample *w)
{
	if (!w)
		return true;
	if (c->priority != w->priority)
		return c->priority > w->priority;
	return c->bound >= w->score;
}

/*
 * The full sample of candidate @c (stat, status, oom_score_adj), scored
 * and offered to the queue so far; a process already in it (taken in
 * the first round, its oom_score changed since) is not taken twice.
 */
static void sample_cand(struct agent *a, const struct agent_cand *c)
{
	struct sample *s = rank_best_slot(&a->best);
	int ret;

	if (a->lazy.again && rank_best_has(&a->best, c->pid))
		return;
	a->lazy.nsampled++;
	ret = proc_sample_one(&a->sampler, c->pid, 0, s, NULL);
	if (ret) {
		source_count_failure(&a->sampler, ret);
		return;
	}
	s->rule = c->rule;
	s->adjust = c->adjust;
	s->priority = c->priority;
	rank_best_offer(&a->best);
}

/* proc_pid_fn: the first stage for one process. */
static int first_stage(pid_t pid, void *ctx)
{
	struct agent *a = ctx;
	struct proc_sampler *ps = &a->sampler;
	struct agent_cand c;
	unsigned long score;
	long bound;
	int ret;

	/* Never queued, whatever it scores: save its reads. */
	if (pid == ps->self)
		return 0;
	ret = proc_read_oom_score(ps, pid, &score);
	if (ret)
		proc_events_unread(&a->events, ret);
	c.pid = pid;
	c.rule = SAMPLE_NO_RULE;
	c.adjust = 0;
	c.priority = (uint16_t)a->policy.default_priority;
	if (!ret && classify_wanted(&a->cls))
		ret = first_stage_rules(a, pid, &c);
	if (ret) {
		if (!a->lazy.again)
			source_count_failure(ps, ret);
		return 0;
	}
	if (!a->lazy.again) {
		a->nprocs++;
		a->lazy.nzero += !score;
	}
	if (!c.priority) /* protected, or priority 0: never queued */
		return 0;
	/* Most processes share a few oom_scores: one search each. */
	if (score != a->lazy.bound_score) {
		a->lazy.bound_score = score;
		a->lazy.bound_points = badness_max_points(
			score, sample_sys_totalpages(&a->sys));
	}
	bound = a->lazy.bound_points;
	c.bound = (int64_t)bound +
		  (int64_t)c.adjust *
			  (int64_t)(sample_sys_totalpages(&a->sys) / 1000);
	if (a->lazy.again) {
		/*
		 * Only those the first walk left out, after the last kept
		 * in candidate order, that may still go in.
		 */
		if (cand_before(&a->lazy.last, &c) &&
		    may_beat(&c, rank_best_worst(&a->best)))
			sample_cand(a, &c);
		return 0;
	}
	/*
	 * Full: @c now holds the one left out, the new one or the old
	 * last.  It stays out unless the kept ones run out
	 * (source_lazy_read()), even when it ties with the last kept: the
	 * queue's cut may well lie above both.
	 */
	if (heap_offer(a->lazy.cand, &a->lazy.ncand, a->lazy.cand_room,
		       sizeof(c), &c, cand_last_above, NULL) &&
	    (!a->lazy.dropped || cand_before(&c, &a->lazy.drop_best))) {
		a->lazy.drop_best = c;
		a->lazy.dropped = true;
	}
	return 0;
}

/*
 * The second stage: full samples of the kept candidates, best first,
 * until none left may go before the last of the queue.  Returns whether
 * that is where it stopped (false: the kept ones ran out first).
 */
static bool second_stage(struct agent *a)
{
	size_t k = a->lazy.ncand;

	heap_make(a->lazy.cand, k, sizeof(*a->lazy.cand), cand_first_above,
		  NULL);
	while (k) {
		if (!may_beat(&a->lazy.cand[0], rank_best_worst(&a->best)))
			return true;
		heap_pop(a->lazy.cand, k, sizeof(*a->lazy.cand),
			 cand_first_above, NULL);
		a->lazy.last = a->lazy.cand[--k];
		sample_cand(a, &a->lazy.last);
	}
	return false;
}

/*
 * Which walk the next passes from /proc take.  The lazy one reads
 * oom_score of every process (about a quarter of what a full sample
 * costs: stat, status and oom_score_adj), once or, when the kept
 * candidates ran out, twice, and the full sample of those that may
 * reach the queue.  Where most processes tie at the cut, as every small
 * one does on a large machine, it samples most of them anyway, and the
 * oom_score reads are waste: sampling every process at once
 * (source_proc_stream()) costs less once
 *
 *	4 * (with_mm - sampled) < walks * with_mm + (walks - 1) * zero
 *
 * in oom_score reads, where a kernel thread (most of those showing 0)
 * costs the streamed walk about one read too.  Both walks give the same
 * queue.  The next AGENT_STREAM_PASSES passes then stream, and a lazy
 * one measures again.
 */
static void choose_walk(struct agent *a, unsigned int walks)
{
	size_t with_mm = a->nprocs - a->lazy.nzero;
	size_t unsampled =
		with_mm > a->lazy.nsampled ? with_mm - a->lazy.nsampled : 0;

	if (with_mm &&
	    4 * unsampled < walks * with_mm + (walks - 1) * a->lazy.nzero)
		a->lazy.stream_passes = AGENT_STREAM_PASSES;
}

/*
 * Lazily: the first stage for everyone, keeping the best few by their
 * bound, then full samples of those best first, into the best
 * queue_length by their exact points (struct rank_best), until no
 * candidate left may beat the last of those.  The heap costs O(log
 * room) for a candidate that gets in and one comparison for one that
 * does not; only the few popped are ever put in order.
 *
 * Many processes may share the bound at the cut: every small one does
 * on a large machine, where one oom_score step is many MiB.  Should the
 * kept ones run out while one left out may still go in (more ties at
 * the cut than room, a group of never-queueable ones at the top, a
 * rule's adjust), a second walk samples, as it meets them, those left
 * out that may, so a tie is ranked by exact points, never by pid.
 * Memory stays bounded by the queue; the match cache (if any) spans
 * both walks.
 */
int source_lazy_read(struct agent *a)
{
	unsigned int walks = 1;
	int ret;

	source_proc_begin(a, false);
	a->lazy.nsampled = a->lazy.nzero = 0;
	a->lazy.again = false;
	a->lazy.cand_room = agent_cand_room(a);
	a->lazy.ncand = 0;
	a->lazy.dropped = false;
	a->lazy.bound_score = ULONG_MAX;
	ret = proc_events_walk(&a->events, &a->sampler, first_stage, a);
	if (!ret && !second_stage(a) && a->lazy.dropped &&
	    may_beat(&a->lazy.drop_best, rank_best_worst(&a->best))) {
		a->lazy.again = true;
		ret = proc_events_walk(&a->events, &a->sampler, first_stage, a);
		a->lazy.again = false;
		walks++;
	}
	source_proc_end(a);
	if (!ret)
		choose_walk(a, walks);
	return ret;
}
