// SPDX-License-Identifier: GPL-2.0
/*
 * A ranking pass: sample, classify, score, order, format, write.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/oomq.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "rank.h"

int agent_init(struct agent *a, const char *proc_root, size_t cap)
{
	int ret;

	a->n = a->nranked = 0;
	a->queue_len = 0;
	a->truncated = 0;
	a->cap = cap;
	/* Large and zeroed: untouched pages of the table cost no RSS. */
	a->tab = calloc(cap, sizeof(*a->tab));
	a->order = calloc(cap, sizeof(*a->order));
	a->queue = malloc(OOMQ_PROC_WRITE_MAX);
	if (!a->tab || !a->order || !a->queue) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mcache_init(&a->cache, cap);
	if (ret)
		goto err_free;
	ret = proc_sampler_open(&a->sampler, proc_root);
	if (ret)
		goto err_cache;
	return 0;

err_cache:
	mcache_fini(&a->cache);
err_free:
	free(a->queue);
	free(a->order);
	free(a->tab);
	a->tab = NULL;
	a->order = NULL;
	a->queue = NULL;
	return ret;
}

void agent_fini(struct agent *a)
{
	proc_sampler_close(&a->sampler);
	mcache_fini(&a->cache);
	free(a->queue);
	free(a->order);
	free(a->tab);
	a->tab = NULL;
	a->order = NULL;
	a->queue = NULL;
}

void agent_policy_changed(struct agent *a)
{
	mcache_clear(&a->cache);
}

/* proc_classify_fn: the policy's regexes only for processes not seen. */
static void classify(struct sample *s, const struct sample_text *text,
		     void *ctx)
{
	struct agent *a = ctx;
	uint64_t h = mcache_hash(s, text);

	if (!mcache_lookup(&a->cache, s, h))
		policy_classify(s, text, &a->policy);
	mcache_add(&a->cache, s, h);
}

int agent_rank(struct agent *a)
{
	int ret;

	ret = proc_sample_sys(&a->sampler, &a->sys);
	if (ret)
		return ret;
	mcache_begin(&a->cache);
	ret = proc_sample_all(&a->sampler, policy_needs(&a->policy), a->tab,
			      a->cap, &a->n, classify, a);
	mcache_end(&a->cache);
	/* A full table still ranks what it holds; the caller is told. */
	a->truncated = ret == -ENOSPC;
	if (ret && ret != -ENOSPC)
		return ret;
	if (a->policy.port == BADNESS_CLASSIC)
		rank_children(a->tab, a->n, a->sys.page_kb);
	a->nranked =
		rank_order(a->tab, a->n, &a->sys, a->policy.port, a->order);
	ret = rank_format_queue(a->tab, a->order, a->nranked,
				a->policy.queue_length, a->queue,
				OOMQ_PROC_WRITE_MAX);
	if (ret < 0)
		return ret;
	a->queue_len = ret;
	return 0;
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

int agent_pass(struct agent *a)
{
	int ret = agent_rank(a);

	return ret ? ret : agent_write_queue(a);
}
