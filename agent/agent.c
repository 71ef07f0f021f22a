// SPDX-License-Identifier: GPL-2.0
/*
 * A ranking pass: sample, classify, score, order, format, write.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/oomq.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "agent.h"
#include "badness.h"
#include "cgroup_mem.h"
#include "heap.h"
#include "lineage.h"
#include "rank.h"
#include "task_sample.h"
#include "zmem.h"

/* The big arrays, each in a mapping of its own (zmem.h). */
static void free_arrays(struct agent *a)
{
	zmem_free(a->tab, a->tab_size, sizeof(*a->tab));
	zmem_free(a->order, a->tab_size, sizeof(*a->order));
	zmem_free(a->cand, a->cand_max, sizeof(*a->cand));
	a->tab = NULL;
	a->order = NULL;
	a->cand = NULL;
}

int agent_init(struct agent *a, const char *proc_root, size_t cap)
{
	int ret;

	a->n = a->nranked = a->nprocs = a->ncand = 0;
	a->need = 0;
	a->full = 0;
	a->queue_len = 0;
	a->truncated = 0;
	a->use_cache = false;
	a->stream_passes = 0;
	a->streamed = false;
	a->listen = false;
	a->events_paused = false;
	a->events.sk = NULL;
	a->events_err = 0;
	a->root = proc_root;
	session_init(&a->session);
	a->real_proc = !strcmp(proc_root, "/proc");
	a->cap = cap;
	/* The bounded paths keep up to a queue and build one more. */
	a->tab_size = cap > OOMQ_QUEUE_MAX ? cap : OOMQ_QUEUE_MAX + 1;
	a->cand_max = (size_t)AGENT_CAND_PER_QUEUE * OOMQ_QUEUE_MAX;
	/*
	 * Sized for --list and the longest queue, but pages a pass never
	 * touches cost no RSS, unless the first touch faults in a
	 * transparent huge page (2 MiB, and 2 MiB locked under
	 * mlockall()).  That is process-wide, which suits a daemon that
	 * needs no huge pages at all.
	 */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	a->tab = zmem_alloc(a->tab_size, sizeof(*a->tab));
	a->order = zmem_alloc(a->tab_size, sizeof(*a->order));
	a->cand = zmem_alloc(a->cand_max, sizeof(*a->cand));
	a->queue = malloc(OOMQ_PROC_WRITE_MAX);
	a->dump = NULL;
	a->dump_open = false;
	a->dump_retry = 0;
	a->dump_err = 0;
	a->used_dump = false;
	if (a->source != AGENT_SOURCE_PROC)
		a->dump = calloc(1, sizeof(*a->dump));
	if (!a->tab || !a->cand || !a->order || !a->queue ||
	    (a->source != AGENT_SOURCE_PROC && !a->dump)) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mcache_init(&a->cache, AGENT_CACHE_SIZE);
	if (ret)
		goto err_free;
	ret = verdicts_init(&a->verdicts);
	if (ret)
		goto err_cache;
	ret = proc_sampler_open(&a->sampler, proc_root);
	if (ret)
		goto err_verdicts;
	return 0;

err_verdicts:
	verdicts_fini(&a->verdicts);
err_cache:
	mcache_fini(&a->cache);
err_free:
	free(a->dump);
	a->dump = NULL;
	free(a->queue);
	a->queue = NULL;
	free_arrays(a);
	return ret;
}

void agent_fini(struct agent *a)
{
	if (a->dump_open)
		oomq_dump_close(a->dump);
	a->dump_open = false;
	free(a->dump);
	a->dump = NULL;
	proc_sampler_close(&a->sampler);
	cn_proc_close(&a->events);
	verdicts_fini(&a->verdicts);
	mcache_fini(&a->cache);
	free(a->queue);
	a->queue = NULL;
	free_arrays(a);
}

/*
 * Events serve the lazy pass from /proc (a whole table reads stat and
 * status anyway), and only rules on what they report: comm and uid.
 */
static bool proc_events_fit(const struct agent *a)
{
	unsigned int need = policy_needs(&a->policy);

	/* No event tells of a move to another cgroup. */
	return a->real_proc && a->source != AGENT_SOURCE_DUMP && need &&
	       !a->scope[0] && !(need & ~(PROC_NEED_COMM | PROC_NEED_UID));
}

/* Listen or stop as the policy now asks; nothing remembered holds. */
static int proc_events_update(struct agent *a)
{
	verdicts_forget(&a->verdicts);
	a->events_err = 0;
	a->events_paused = false;
	if (!a->listen || !proc_events_fit(a))
		cn_proc_close(&a->events);
	else if (!a->events.sk)
		a->events_err = cn_proc_open(&a->events);
	return a->events_err;
}

/*
 * While the module's dump serves, nothing needs the events, and the
 * kernel builds one for every fork, exec and exit of the system as long
 * as someone listens: stop.  A pass from /proc listens again.
 */
static void proc_events_pause(struct agent *a)
{
	if (!a->events.sk)
		return;
	cn_proc_close(&a->events);
	verdicts_forget(&a->verdicts);
	a->events_paused = true;
}

int agent_listen(struct agent *a)
{
	a->listen = true;
	return proc_events_update(a);
}

void agent_policy_changed(struct agent *a)
{
	/* Other groups, other ties: measure again. */
	a->stream_passes = 0;
	mcache_clear(&a->cache);
	proc_events_update(a);
}

/*
 * The session's processes (session.h) no rule matched take the policy's
 * session action.  Not remembered with the rules' verdict (mcache,
 * verdicts): it depends on other processes (a terminal on its shells).
 */
static void classify_session(struct agent *a, struct sample *s,
			     const struct sample_text *text)
{
	enum session_kind k;

	if (a->policy.session == POLICY_NONE)
		return;
	k = session_kind(&a->session, &a->sampler, &text->lineage,
			 text->cgroup);
	if (k == SESSION_NONE || s->rule != SAMPLE_NO_RULE)
		return;
	s->flags |= SAMPLE_SESSION;
	if (a->policy.session == POLICY_PROTECT)
		s->priority = 0;
	else
		s->adjust = -300;
}

/*
 * The rules' verdict.  Name lists cost one lookup in the policy's comm
 * index; regexes run only for processes the cache has not seen.
 */
static void classify_rules(struct agent *a, struct sample *s,
			   const struct sample_text *text)
{
	uint64_t h;

	if (!a->use_cache) {
		policy_classify(s, text, &a->policy);
	} else {
		h = mcache_hash(s, text);
		if (!mcache_lookup(&a->cache, s, h))
			policy_classify(s, text, &a->policy);
		mcache_add(&a->cache, s, h);
	}
}

/*
 * None but a process of the watched cgroup's subtree is queued: a memcg
 * OOM of that cgroup skips everything else in the queue anyway, and a
 * proactive kill or a pause must not reach outside it.  One whose
 * cgroup did not read is out.
 */
static void scope_apply(const struct agent *a, struct sample *s,
			const char *cgroup)
{
	if (a->scope[0] && !cgroup_path_within(cgroup, a->scope)) {
		s->priority = 0;
		s->flags |= SAMPLE_OUTSIDE;
	}
}

/* proc_classify_fn: the rules' verdict, then the session's and scope's. */
static void classify_one(struct sample *s, const struct sample_text *text,
			 void *ctx)
{
	struct agent *a = ctx;

	classify_rules(a, s, text);
	classify_session(a, s, text);
	scope_apply(a, s, text->cgroup);
}

/*
 * Does a pass classify processes at all: rules, the session's
 * recognition or a scope?  Each needs something read (agent_rank()).
 */
static bool classify_wanted(const struct agent *a)
{
	return a->need != 0;
}

static void classify_begin(struct agent *a)
{
	if (a->use_cache)
		mcache_begin(&a->cache);
}

static void classify_end(struct agent *a)
{
	if (a->use_cache)
		mcache_end(&a->cache);
}

/* Every process fully sampled: classic, rss, and --list. */
static int source_proc_full(struct agent *a)
{
	int ret;

	classify_begin(a);
	ret = proc_sample_all(&a->sampler, a->need, a->tab, a->cap, &a->n,
			      classify_one, a);
	classify_end(a);
	a->nprocs = a->n;
	/* A full table still ranks what it holds; the caller is told. */
	a->truncated = ret == -ENOSPC;
	if (ret && ret != -ENOSPC)
		return ret;
	if (a->policy.port == BADNESS_CLASSIC)
		rank_children(a->tab, a->n, a->sys.page_kb);
	return 0;
}

/* Strings for rules beyond comm and uid come from /proc even so. */
#define PROC_NEED_TEXT                                          \
	(PROC_NEED_CMDLINE | PROC_NEED_EXE | PROC_NEED_CGROUP | \
	 PROC_NEED_LINEAGE)

/*
 * The whole table from the dump: classic's badness adds each process's
 * children (rank_children() needs every process), and --list shows all.
 */
static bool dump_keeps_all(const struct agent *a)
{
	return a->full || a->policy.port == BADNESS_CLASSIC;
}

/*
 * oomq_task_fn: one process of the module's dump, into the table or,
 * scored at once, into the best queue_length so far.
 */
static int dump_one(const struct oomq_task *t, void *ctx)
{
	struct agent *a = ctx;
	struct sample_text text;
	struct sample *s;

	if (!dump_keeps_all(a)) {
		s = rank_best_slot(&a->best);
	} else if (a->n < a->cap) {
		s = &a->tab[a->n++];
	} else {
		a->truncated = 1;
		return 0;
	}
	a->nprocs++;
	task_sample(t, &a->sys, a->sampler.self, s);
	sample_text_clear(&text);
	if ((a->need & PROC_NEED_TEXT) && !(s->flags & SAMPLE_KTHREAD))
		proc_read_text(&a->sampler, s->pid, a->need, &text);
	classify_one(s, &text, a);
	if (!dump_keeps_all(a))
		rank_best_offer(&a->best);
	return 0;
}

/* Every process from the module's dump: any port, and --list. */
static int source_dump_read(struct agent *a)
{
	int ret;

	a->n = a->nprocs = 0;
	a->truncated = 0;
	rank_best_start(&a->best, a->tab, a->order, a->policy.queue_length,
			&a->sys, a->policy.port);
	classify_begin(a);
	ret = oomq_dump_tasks(a->dump, dump_one, a);
	classify_end(a);
	if (!dump_keeps_all(a))
		a->n = rank_best_end(&a->best);
	if (ret)
		return ret;
	if (a->policy.port == BADNESS_CLASSIC)
		rank_children(a->tab, a->n, a->sys.page_kb);
	return 0;
}

/*
 * Is the dump there to read?  Opening resolves the family (and
 * allocates), so AUTO does not try on every pass while the module is
 * away: only when /proc/oom is there, and not for a few passes after a
 * failure.
 */
static bool source_dump_ready(struct agent *a)
{
	int ret;

	if (!a->dump)
		return false;
	if (a->dump_open)
		return true;
	if (a->source == AGENT_SOURCE_AUTO) {
		if (a->dump_retry) {
			a->dump_retry--;
			return false;
		}
		if (faccessat(a->sampler.root_fd, "oom", F_OK, 0)) {
			a->dump_err = -ENOENT;
			return false;
		}
	}
	ret = oomq_dump_open(a->dump);
	if (ret) {
		a->dump_err = ret;
		a->dump_retry = AGENT_DUMP_RETRY_PASSES;
		return false;
	}
	a->dump_open = true;
	return true;
}

/* A failed dump: drop the socket (the family may be gone for good). */
static void source_dump_failed(struct agent *a, int err)
{
	oomq_dump_close(a->dump);
	a->dump_open = false;
	a->dump_err = err;
	a->dump_retry = AGENT_DUMP_RETRY_PASSES;
}

static void source_count_failure(struct proc_sampler *ps, int err)
{
	if (err == -ESRCH)
		ps->skipped++;
	else
		ps->malformed++;
}

/*
 * A process whose files did not read, and not because it is gone, may
 * match a rule: the events cannot vouch for it next time.
 */
static void proc_events_unread(struct agent *a, int err)
{
	if (a->events.sk && err != -ESRCH)
		verdicts_put(&a->verdicts, 0, VERDICT_UNKNOWN);
}

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

	if (a->events.sk)
		rule = verdicts_get(&a->verdicts, pid);
	if (rule != VERDICT_UNKNOWN) {
		policy_apply(&a->policy, rule, &s);
		goto out;
	}
	proc_read_text(ps, pid, a->need, &t);
	/* The lineage read stat, which has comm: one file less. */
	if (t.lineage.self.pid)
		memcpy(s.comm, t.lineage.self.comm, sizeof(s.comm));
	else if (a->need & PROC_NEED_COMM)
		ret = proc_read_comm(ps, pid, s.comm);
	if (!ret && (a->need & PROC_NEED_UID))
		ret = proc_read_uid(ps, pid, &s.uid, &s.euid);
	if (ret) {
		proc_events_unread(a, ret);
		return ret;
	}
	classify_one(&s, &t, a);
	if (a->events.sk)
		verdicts_put(&a->verdicts, pid, s.rule);
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
	return room < a->cand_max ? room : a->cand_max;
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

	if (a->again && rank_best_has(&a->best, c->pid))
		return;
	a->nsampled++;
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
		proc_events_unread(a, ret);
	c.pid = pid;
	c.rule = SAMPLE_NO_RULE;
	c.adjust = 0;
	c.priority = (uint16_t)a->policy.default_priority;
	if (!ret && classify_wanted(a))
		ret = first_stage_rules(a, pid, &c);
	if (ret) {
		if (!a->again)
			source_count_failure(ps, ret);
		return 0;
	}
	if (!a->again) {
		a->nprocs++;
		a->nzero += !score;
	}
	if (!c.priority) /* protected, or priority 0: never queued */
		return 0;
	/* Most processes share a few oom_scores: one search each. */
	if (score != a->bound_score) {
		a->bound_score = score;
		a->bound_points = badness_max_points(
			score, sample_sys_totalpages(&a->sys));
	}
	bound = a->bound_points;
	c.bound = (int64_t)bound +
		  (int64_t)c.adjust *
			  (int64_t)(sample_sys_totalpages(&a->sys) / 1000);
	if (a->again) {
		/*
		 * Only those the first walk left out, after the last kept
		 * in candidate order, that may still go in.
		 */
		if (cand_before(&a->last, &c) &&
		    may_beat(&c, rank_best_worst(&a->best)))
			sample_cand(a, &c);
		return 0;
	}
	/*
	 * Full: @c now holds the one left out, the new one or the old
	 * last.  It stays out unless the kept ones run out (source_lazy_read()),
	 * even when it ties with the last kept: the queue's cut may well
	 * lie above both.
	 */
	if (heap_offer(a->cand, &a->ncand, a->cand_room, sizeof(c), &c,
		       cand_last_above, NULL) &&
	    (!a->dropped || cand_before(&c, &a->drop_best))) {
		a->drop_best = c;
		a->dropped = true;
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
	size_t k = a->ncand;

	heap_make(a->cand, k, sizeof(*a->cand), cand_first_above, NULL);
	while (k) {
		if (!may_beat(&a->cand[0], rank_best_worst(&a->best)))
			return true;
		heap_pop(a->cand, k, sizeof(*a->cand), cand_first_above, NULL);
		a->last = a->cand[--k];
		sample_cand(a, &a->last);
	}
	return false;
}

/*
 * What changed since the last walk, from the events waiting: lost ones
 * (the socket overran between passes) mean this walk reads everyone.
 */
static void proc_events_begin(struct agent *a)
{
	if (!a->events.sk)
		return;
	if (cn_proc_drain(&a->events, verdicts_dirty, &a->verdicts))
		verdicts_forget(&a->verdicts);
	verdicts_begin(&a->verdicts);
}

/* One walk of /proc through @fn, with the process events. */
static int proc_events_walk(struct agent *a, proc_pid_fn fn)
{
	int ret;

	proc_events_begin(a);
	ret = proc_for_each_pid(&a->sampler, fn, a);
	if (a->events.sk)
		verdicts_end(&a->verdicts, !ret);
	return ret;
}

/* A pass of the modern port from /proc: the best queue_length, empty. */
static void source_proc_begin(struct agent *a, bool stream)
{
	a->nprocs = a->n = 0;
	a->truncated = 0;
	a->streamed = stream;
	rank_best_start(&a->best, a->tab, a->order, a->policy.queue_length,
			&a->sys, BADNESS_MODERN);
	if (a->events_paused) /* the dump served until now */
		proc_events_update(a);
	classify_begin(a);
}

static void source_proc_end(struct agent *a)
{
	classify_end(a);
	a->n = rank_best_end(&a->best);
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
	size_t with_mm = a->nprocs - a->nzero;
	size_t unsampled = with_mm > a->nsampled ? with_mm - a->nsampled : 0;

	if (with_mm && 4 * unsampled < walks * with_mm + (walks - 1) * a->nzero)
		a->stream_passes = AGENT_STREAM_PASSES;
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
static int source_lazy_read(struct agent *a)
{
	unsigned int walks = 1;
	int ret;

	source_proc_begin(a, false);
	a->nsampled = a->nzero = 0;
	a->again = false;
	a->cand_room = agent_cand_room(a);
	a->ncand = 0;
	a->dropped = false;
	a->bound_score = ULONG_MAX;
	ret = proc_events_walk(a, first_stage);
	if (!ret && !second_stage(a) && a->dropped &&
	    may_beat(&a->drop_best, rank_best_worst(&a->best))) {
		a->again = true;
		ret = proc_events_walk(a, first_stage);
		a->again = false;
		walks++;
	}
	source_proc_end(a);
	if (!ret)
		choose_walk(a, walks);
	return ret;
}

/*
 * The verdict on the fully sampled @s (its rule, adjust and priority),
 * from what the lazy pass's first stage reads (comm, and uid only when a
 * rule names it), so that the match cache's key is the same in both
 * walks.  Returns the rule.
 */
static int classify_as_first_stage(struct agent *a, struct sample *s,
				   const struct sample_text *text)
{
	struct sample k = { .pid = s->pid, .rule = SAMPLE_NO_RULE };

	memcpy(k.comm, s->comm, sizeof(k.comm));
	if (a->need & PROC_NEED_UID) {
		k.uid = s->uid;
		k.euid = s->euid;
	}
	classify_one(&k, text, a);
	s->rule = k.rule;
	s->adjust = k.adjust;
	s->priority = k.priority;
	s->flags |= k.flags & (SAMPLE_SESSION | SAMPLE_OUTSIDE);
	return k.rule;
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
	if (classify_wanted(a))
		rule = a->events.sk ? verdicts_get(&a->verdicts, pid) :
				      VERDICT_UNKNOWN;
	ret = proc_sample_one(&a->sampler, pid, a->need, s,
			      rule == VERDICT_UNKNOWN ? &text : NULL);
	if (ret) {
		proc_events_unread(a, ret);
		source_count_failure(&a->sampler, ret);
		return 0;
	}
	a->nprocs++;
	if (rule == VERDICT_UNKNOWN) {
		/* The full sample reads no strings of a kernel thread. */
		if ((s->flags & SAMPLE_KTHREAD) && (a->need & PROC_NEED_TEXT))
			proc_read_text(&a->sampler, pid, a->need, &text);
		rule = classify_as_first_stage(a, s, &text);
		if (a->events.sk)
			verdicts_put(&a->verdicts, pid, rule);
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
static int source_proc_stream(struct agent *a)
{
	int ret;

	source_proc_begin(a, true);
	ret = proc_events_walk(a, stream_one);
	source_proc_end(a);
	return ret;
}

/*
 * The build driver of each queued process of a pause rule on ancestry
 * (struct sample's driver): at most queue_length climbs, whose stat
 * reads this pass's lineage mostly remembers.
 */
static void queued_find_drivers(struct agent *a)
{
	struct sample_lineage l;

	for (size_t i = 0; i < a->nranked && i < a->policy.queue_length; i++) {
		struct sample *s = &a->tab[a->order[i]];

		s->driver = 0;
		if (s->rule < 0 || !a->policy.rules[s->rule].pause ||
		    !(a->policy.rules[s->rule].fields &
		      (1u << POLICY_ANCESTOR_COMM)) ||
		    lineage_read(&a->sampler, s->pid, &l))
			continue;
		s->driver = policy_driver(&a->policy, s->rule, &l);
	}
	proc_sampler_flush(&a->sampler);
}

int agent_rank(struct agent *a)
{
	int ret;

	proc_sampler_reset(&a->sampler);
	ret = proc_sample_sys(&a->sampler, &a->sys);
	if (ret)
		return ret;
	a->need = policy_needs(&a->policy) |
		  (a->scope[0] ? PROC_NEED_CGROUP : 0);
	a->use_cache = policy_uses_regex(&a->policy);
	a->used_dump = false;
	a->dump_err = 0;
	ret = -ENOENT;
	if (source_dump_ready(a)) {
		ret = source_dump_read(a);
		a->used_dump = !ret;
		if (ret)
			source_dump_failed(a, ret);
	}
	if (a->used_dump) {
		proc_events_pause(a);
		ret = 0;
	} else if (a->source == AGENT_SOURCE_DUMP) /* and no dump: ret < 0 */
		ret = a->dump_err ? a->dump_err : ret;
	else if (a->full || a->policy.port != BADNESS_MODERN)
		ret = source_proc_full(a);
	else if (a->stream_passes) {
		a->stream_passes--;
		ret = source_proc_stream(a);
	} else {
		ret = source_lazy_read(a);
	}
	/* The second stage and the dump's strings read files of their own. */
	proc_sampler_flush(&a->sampler);
	if (ret)
		return ret;
	/* --list shows the whole order, the queue needs its length. */
	a->nranked = rank_order(a->tab, a->n, &a->sys, a->policy.port,
				a->full ? a->n : a->policy.queue_length,
				a->order);
	queued_find_drivers(a);
	ret = rank_format_queue(a->tab, a->order, a->nranked,
				a->policy.queue_length, a->queue,
				OOMQ_PROC_WRITE_MAX);
	if (ret < 0)
		return ret;
	a->queue_len = ret;
	return 0;
}

/**
 * agent_pausable - what pause.c may stop
 *
 * The processes of the last pass's queue that a "pause = yes" rule
 * matched and @skip (the stopped ones) does not turn down, in queue
 * order, at most @max of them into @out.
 *
 * Return: how many.
 */
size_t agent_pausable(const struct agent *a, bool (*skip)(pid_t pid, void *arg),
		      void *arg, const struct sample **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0;
	     i < a->nranked && i < a->policy.queue_length && n < max; i++) {
		const struct sample *s = &a->tab[a->order[i]];

		if (s->rule >= 0 && a->policy.rules[s->rule].pause &&
		    !skip(s->pid, arg))
			out[n++] = s;
	}
	return n;
}

const char *agent_strerror(const struct agent *a, int err, char *buf,
			   size_t size)
{
	const struct proc_sampler *ps = &a->sampler;

	if (ps->fail_err && (!err || err == ps->fail_err))
		snprintf(buf, size, "%s/%s: %s", a->root, ps->fail_path,
			 strerror(-ps->fail_err));
	else
		snprintf(buf, size, "%s", strerror(-err));
	return buf;
}

const char *agent_source_used(const struct agent *a)
{
	return a->used_dump ? "netlink task dump" : "/proc";
}

static const char *const source_names[] = {
	[AGENT_SOURCE_AUTO] = "auto",
	[AGENT_SOURCE_PROC] = "proc",
	[AGENT_SOURCE_DUMP] = "netlink",
};

int agent_source_parse(const char *name, enum agent_source *source)
{
	for (size_t i = 0; i < sizeof(source_names) / sizeof(*source_names);
	     i++) {
		if (!strcmp(name, source_names[i])) {
			*source = (enum agent_source)i;
			return 0;
		}
	}
	return -EINVAL;
}

int agent_write_queue(struct agent *a)
{
	ssize_t w;
	int fd, ret = 0;

	fd = openat(a->sampler.root_fd, "oom", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* One write() is one whole queue; a short write would be a bug. */
	w = write(fd, a->queue, a->queue_len);
	if (w < 0)
		ret = -errno;
	else if (w != a->queue_len)
		ret = -EIO;
	close(fd);
	return ret;
}
