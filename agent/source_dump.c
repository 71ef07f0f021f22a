// SPDX-License-Identifier: GPL-2.0
/*
 * The module's task dump as a pass's source (lib/oomq_tasks.h):
 * opened when /proc/oom is there, read through, dropped after a failure
 * for AGENT_DUMP_RETRY_PASSES passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "source_dump.h"
#include "task_sample.h"

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
	if (!classify_known(&a->cls, s)) {
		sample_text_clear(&text);
		if ((a->cls.need & PROC_NEED_TEXT) &&
		    !(s->flags & SAMPLE_KTHREAD))
			proc_read_text(&a->sampler, s->pid, a->cls.need, &text);
		classify_one(s, &text, &a->cls);
		classify_remember(&a->cls, s);
	}
	if (!dump_keeps_all(a))
		rank_best_offer(&a->best);
	return 0;
}

/*
 * Verdicts kept across passes (vcache.h) need rules on nothing the
 * dump cannot vouch for: a cmdline or an exe can change without a sign.
 * Nor with a watched cgroup: a process moved out of it must be out of
 * reach of a kill or a pause at once, not VCACHE_TTL_MS later.
 */
static bool dump_keeps_verdicts(const struct agent *a)
{
	return !a->scope[0] &&
	       !(a->cls.need & (PROC_NEED_CMDLINE | PROC_NEED_EXE));
}

/* Every process from the module's dump: any port, and --list. */
int source_dump_read(struct agent *a)
{
	int ret;

	a->cls.use_known = dump_keeps_verdicts(a);
	a->cls.uptime_ms = a->sys.uptime_ms;
	a->n = a->nprocs = 0;
	a->truncated = 0;
	rank_best_start(&a->best, a->tab, a->order, a->policy.queue_length,
			&a->sys, a->policy.port);
	classify_begin(&a->cls);
	ret = oomq_dump_tasks(a->dump.tasks, dump_one, a);
	classify_end(&a->cls);
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
bool source_dump_ready(struct agent *a)
{
	int ret;

	if (!a->dump.tasks)
		return false;
	if (a->dump.open)
		return true;
	if (a->source == AGENT_SOURCE_AUTO) {
		if (a->dump.retry) {
			a->dump.retry--;
			return false;
		}
		if (faccessat(a->sampler.root_fd, "oom", F_OK, 0)) {
			a->dump.err = -ENOENT;
			return false;
		}
	}
	ret = oomq_dump_open(a->dump.tasks);
	if (ret) {
		a->dump.err = ret;
		a->dump.retry = AGENT_DUMP_RETRY_PASSES;
		return false;
	}
	a->dump.open = true;
	return true;
}

/* A failed dump: drop the socket (the family may be gone for good). */
void source_dump_failed(struct agent *a, int err)
{
	oomq_dump_close(a->dump.tasks);
	a->dump.open = false;
	a->dump.err = err;
	a->dump.retry = AGENT_DUMP_RETRY_PASSES;
}
