// SPDX-License-Identifier: GPL-2.0
/*
 * A ranking pass: source (the module's dump, all of /proc, or /proc
 * lazily), classify, score and order (rank.c), the queue (queued.c);
 * and the state the stages share, allocated once.
 */
#include <errno.h>
#include <linux/oomq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "agent.h"
#include "source_dump.h"
#include "source_proc.h"
#include "zmem.h"

/* The big arrays, each in a mapping of its own (zmem.h). */
static void free_arrays(struct agent *a)
{
	zmem_free(a->tab, a->tab_size, sizeof(*a->tab));
	zmem_free(a->order, a->tab_size, sizeof(*a->order));
	zmem_free(a->lazy.cand, a->lazy.cand_max, sizeof(*a->lazy.cand));
	a->tab = NULL;
	a->order = NULL;
	a->lazy.cand = NULL;
}

int agent_init(struct agent *a, const char *proc_root, size_t cap)
{
	int ret;

	a->n = a->nranked = a->nprocs = a->lazy.ncand = 0;
	a->cls.need = 0;
	a->full = 0;
	a->queue_len = 0;
	a->truncated = 0;
	a->cls.use_cache = false;
	a->cls.use_known = false;
	a->cls.known_gen = 0;
	a->lazy.stream_passes = 0;
	a->lazy.streamed = false;
	a->events.listen = false;
	a->events.paused = false;
	a->events.cn.sk = NULL;
	a->events.err = 0;
	a->root = proc_root;
	a->cls.policy = &a->policy;
	a->cls.sampler = &a->sampler;
	a->cls.scope = a->scope;
	session_init(&a->cls.session);
	a->real_proc = !strcmp(proc_root, "/proc");
	a->cap = cap;
	/* The bounded paths keep up to a queue and build one more. */
	a->tab_size = cap > OOMQ_QUEUE_MAX ? cap : OOMQ_QUEUE_MAX + 1;
	a->lazy.cand_max = (size_t)AGENT_CAND_PER_QUEUE * OOMQ_QUEUE_MAX;
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
	a->lazy.cand = zmem_alloc(a->lazy.cand_max, sizeof(*a->lazy.cand));
	a->queue = malloc(OOMQ_PROC_WRITE_MAX);
	a->dump.tasks = NULL;
	a->dump.open = false;
	a->dump.retry = 0;
	a->dump.err = 0;
	a->dump.used = false;
	if (a->source != AGENT_SOURCE_PROC)
		a->dump.tasks = calloc(1, sizeof(*a->dump.tasks));
	if (!a->tab || !a->lazy.cand || !a->order || !a->queue ||
	    (a->source != AGENT_SOURCE_PROC && !a->dump.tasks)) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mcache_init(&a->cls.cache, AGENT_CACHE_SIZE);
	if (ret)
		goto err_free;
	ret = vcache_init(&a->cls.known, AGENT_CACHE_SIZE);
	if (ret)
		goto err_mcache;
	ret = verdicts_init(&a->events.verdicts);
	if (ret)
		goto err_cache;
	ret = proc_sampler_open(&a->sampler, proc_root);
	if (ret)
		goto err_verdicts;
	return 0;

err_verdicts:
	verdicts_fini(&a->events.verdicts);
err_cache:
	vcache_fini(&a->cls.known);
err_mcache:
	mcache_fini(&a->cls.cache);
err_free:
	free(a->dump.tasks);
	a->dump.tasks = NULL;
	free(a->queue);
	a->queue = NULL;
	free_arrays(a);
	return ret;
}

void agent_fini(struct agent *a)
{
	if (a->dump.open)
		oomq_dump_close(a->dump.tasks);
	a->dump.open = false;
	free(a->dump.tasks);
	a->dump.tasks = NULL;
	proc_sampler_close(&a->sampler);
	cn_proc_close(&a->events.cn);
	verdicts_fini(&a->events.verdicts);
	vcache_fini(&a->cls.known);
	mcache_fini(&a->cls.cache);
	free(a->queue);
	a->queue = NULL;
	free_arrays(a);
}

/*
 * Events serve the lazy pass from /proc (a whole table reads stat and
 * status anyway), and only rules on what they report: comm and uid.
 */
static bool events_fit(const struct agent *a)
{
	unsigned int need = policy_needs(&a->policy);

	/* No event tells of a move to another cgroup. */
	return a->real_proc && a->source != AGENT_SOURCE_DUMP && need &&
	       !a->scope[0] && !(need & ~(PROC_NEED_COMM | PROC_NEED_UID));
}

/* Listen or stop as the policy now asks; nothing remembered holds. */
static int agent_events_update(struct agent *a)
{
	return proc_events_update(&a->events, events_fit(a));
}

int agent_listen(struct agent *a)
{
	a->events.listen = true;
	return agent_events_update(a);
}

void agent_policy_changed(struct agent *a)
{
	/* Other groups, other ties: measure again. */
	a->lazy.stream_passes = 0;
	mcache_clear(&a->cls.cache);
	vcache_clear(&a->cls.known);
	agent_events_update(a);
}

/*
 * The modern port from /proc: lazily, or every process at once for a
 * while after a lazy pass found that cheaper (source_lazy.c).  Both walk
 * with the process events, which the dump's passes closed.
 */
static int rank_proc_walk(struct agent *a)
{
	if (a->events.paused)
		agent_events_update(a);
	if (a->lazy.stream_passes) {
		a->lazy.stream_passes--;
		return source_proc_stream(a);
	}
	return source_lazy_read(a);
}

int agent_rank(struct agent *a)
{
	int ret;

	proc_sampler_reset(&a->sampler);
	ret = proc_sample_sys(&a->sampler, &a->sys);
	if (ret)
		return ret;
	a->cls.need = policy_needs(&a->policy) |
		      (a->scope[0] ? PROC_NEED_CGROUP : 0);
	a->cls.use_cache = policy_uses_regex(&a->policy);
	a->cls.use_known = false; /* source_dump_read() decides */
	a->dump.used = false;
	a->dump.err = 0;
	ret = -ENOENT;
	if (source_dump_ready(a)) {
		ret = source_dump_read(a);
		a->dump.used = !ret;
		if (ret)
			source_dump_failed(a, ret);
	}
	if (a->dump.used) {
		proc_events_pause(&a->events);
		ret = 0;
	} else if (a->source == AGENT_SOURCE_DUMP) /* and no dump: ret < 0 */
		ret = a->dump.err ? a->dump.err : ret;
	else if (a->full || a->policy.port != BADNESS_MODERN)
		ret = source_proc_full(a);
	else
		ret = rank_proc_walk(a);
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
	return a->dump.used ? "netlink task dump" : "/proc";
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
