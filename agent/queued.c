// SPDX-License-Identifier: GPL-2.0
/*
 * The queue a pass made: the build driver of each queued process of
 * a pause rule on ancestry, the pausable ones listed for pause.c, and
 * the text written to /proc/oom in one write().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/oomq.h>
#include <unistd.h>

#include "lineage.h"
#include "queued.h"

/*
 * The build driver of each queued process of a pause rule on ancestry
 * (struct sample's driver): at most queue_length climbs, whose stat
 * reads this pass's lineage mostly remembers, and none for a process
 * whose driver the verdict cache (vcache.h) still holds.
 */
void queued_find_drivers(struct agent *a)
{
	struct sample_lineage l;

	for (size_t i = 0; i < a->nranked && i < a->policy.queue_length; i++) {
		struct sample *s = &a->tab[a->order[i]];

		s->driver = 0;
		if (s->rule < 0 || !a->policy.rules[s->rule].pause ||
		    !(a->policy.rules[s->rule].fields &
		      (1u << POLICY_ANCESTOR_COMM)))
			continue;
		if (a->cls.use_known &&
		    vcache_get_driver(&a->cls.known, s, &s->driver))
			continue;
		if (lineage_read(&a->sampler, s->pid, &l))
			continue;
		s->driver = policy_driver(&a->policy, s->rule, &l);
		if (a->cls.use_known)
			vcache_put_driver(&a->cls.known, s, s->driver);
	}
	proc_sampler_flush(&a->sampler);
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
