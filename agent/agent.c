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

#include "agent_int.h"
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

void agent_policy_changed(struct agent *a)
{
	/* Other groups, other ties: measure again. */
	a->stream_passes = 0;
	mcache_clear(&a->cache);
	proc_events_update(a);
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
