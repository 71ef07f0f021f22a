// SPDX-License-Identifier: GPL-2.0
/*
 * The sources that read every process from /proc: the whole table
 * (classic, rss, --list), and the streamed walk of the modern port
 * into the best queue_length.
 */
#include <errno.h>

#include "badness.h"
#include "source_proc.h"

/* Every process fully sampled: classic, rss, and --list. */
int source_proc_full(struct agent *a)
{
	int ret;

	classify_begin(&a->cls);
	ret = proc_sample_all(&a->sampler, a->cls.need, a->tab, a->cap, &a->n,
			      classify_one, &a->cls);
	classify_end(&a->cls);
	a->nprocs = a->n;
	/* A full table still ranks what it holds; the caller is told. */
	a->truncated = ret == -ENOSPC;
	if (ret && ret != -ENOSPC)
		return ret;
	if (a->policy.port == BADNESS_CLASSIC)
		rank_children(a->tab, a->n, a->sys.page_kb);
	return 0;
}

void source_count_failure(struct proc_sampler *ps, int err)
{
	if (err == -ESRCH)
		ps->skipped++;
	else
		ps->malformed++;
}

/* A pass of the modern port from /proc: the best queue_length, empty. */
void source_proc_begin(struct agent *a, bool stream)
{
	a->nprocs = a->n = 0;
	a->truncated = 0;
	a->lazy.streamed = stream;
	rank_best_start(&a->best, a->tab, a->order, a->policy.queue_length,
			&a->sys, BADNESS_MODERN);
	classify_begin(&a->cls);
}

void source_proc_end(struct agent *a)
{
	classify_end(&a->cls);
	a->n = rank_best_end(&a->best);
}

/*
 * proc_pid_fn: the full sample of one process (stat, status,
 * oom_score_adj and the rules' strings), scored at once and offered to
 * the best queue_length, as source_dump_read() does with the module's dump.
 * With the events, the rules' remembered verdict stands.
 */
static int stream_one(pid_t pid, void *ctx)
{
	struct agent *a = ctx;
	struct sample *s = rank_best_slot(&a->best);
	struct sample_text text; /* 12 KiB, touched only for the rules */
	int rule = SAMPLE_NO_RULE, ret;

	if (pid == a->sampler.self)
		return 0;
	if (classify_wanted(&a->cls))
		rule = a->events.cn.sk ?
			       verdicts_get(&a->events.verdicts, pid) :
			       VERDICT_UNKNOWN;
	ret = proc_sample_one(&a->sampler, pid, a->cls.need, s,
			      rule == VERDICT_UNKNOWN ? &text : NULL);
	if (ret) {
		proc_events_unread(&a->events, ret);
		source_count_failure(&a->sampler, ret);
		return 0;
	}
	a->nprocs++;
	if (rule == VERDICT_UNKNOWN) {
		/* The full sample reads no strings of a kernel thread. */
		if ((s->flags & SAMPLE_KTHREAD) &&
		    (a->cls.need & PROC_NEED_TEXT))
			proc_read_text(&a->sampler, pid, a->cls.need, &text);
		rule = classify_as_first_stage(&a->cls, s, &text);
		if (a->events.cn.sk)
			verdicts_put(&a->events.verdicts, pid, rule);
	} else {
		policy_apply(&a->policy, rule, s);
	}
	rank_best_offer(&a->best);
	return 0;
}

/*
 * Every process fully sampled, no oom_score read, into the best
 * queue_length: the lazy pass's queue (choose_walk()), at the cost of a
 * full sample of everyone, in memory bounded by the queue.
 */
int source_proc_stream(struct agent *a)
{
	int ret;

	source_proc_begin(a, true);
	ret = proc_events_walk(&a->events, &a->sampler, stream_one, a);
	source_proc_end(a);
	return ret;
}
