// SPDX-License-Identifier: GPL-2.0
/*
 * Steering by mark: the first eligible queued task gets oom_flag_origin
 * for the duration of one OOM, and the kernel selects it before it
 * scores anyone.  It needs no view of oom_badness(), so it steers on
 * kernels that inline it, but it skips the kernel's own checks after
 * oom_task_origin(): they are repeated here, before marking.
 */
#include <linux/memcontrol.h>
#include <linux/mempolicy.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "compat.h"
#include "origin.h"
#include "victim.h"

/*
 * As the kernel's mempolicy_in_oom_domain(), not exported: may @t use
 * memory in @mask, the nodes a mempolicy-constrained OOM is short of?
 * Only a bind policy says no (oomq_mempolicy_confines()).  A thread whose
 * task lock is busy right now (oomq_task_trylock()), or that no lock may
 * be tried for here (oomq_no_locks_here()), is taken to say yes.
 */
static bool oomq_mempolicy_in_domain(struct task_struct *t,
				     const nodemask_t *mask)
{
	bool ok = true;
#ifdef CONFIG_NUMA
	struct mempolicy *pol;

	if (oomq_no_locks_here() || !oomq_task_trylock(t))
		return true;
	pol = t->mempolicy;
	if (pol && oomq_mempolicy_confines(pol))
		ok = nodes_intersects(*oomq_mempolicy_nodes(pol), *mask);
	task_unlock(t);
#endif
	return ok;
}

/*
 * As the kernel's oom_cpuset_eligible() for a global OOM: constrained by
 * a mempolicy (@oc->nodemask) or by the cpuset of the task that ran out,
 * may killing @start free memory where it is short?
 */
static bool oomq_nodes_eligible(struct task_struct *start,
				struct oom_control *oc)
{
	struct task_struct *t;
	bool ok = false;

	rcu_read_lock();
	for_each_thread(start, t) {
		ok = oc->nodemask ?
			oomq_mempolicy_in_domain(t, oc->nodemask) :
			oomq_mems_allowed_intersect(current, t);
		if (ok)
			break;
	}
	rcu_read_unlock();
	return ok;
}

/* Does a memcg OOM in @memcg scan @p (mem_cgroup_scan_tasks())? */
static bool oomq_in_memcg(struct task_struct *p, struct mem_cgroup *memcg)
{
	struct mem_cgroup *own;
	bool inside;

	rcu_read_lock();
	own = mem_cgroup_from_task(p);
	inside = own && mem_cgroup_is_descendant(own, memcg);
	rcu_read_unlock();
	return inside;
}

/*
 * ORIGIN mode: would the kernel consider @p at all?  The kernel checks
 * kthreads, init and cpusets before it looks at oom_task_origin(), but
 * not oom_score_adj, MMF_OOM_SKIP or vfork, which oom_badness() checks.
 */
static bool oomq_origin_eligible(struct task_struct *p, struct oom_control *oc)
{
	struct oomq_mm_sample mm;

	if (is_global_init(p) || (p->flags & PF_KTHREAD))
		return false;
	/* The memcg's tasks, or for a global OOM the nodes' users. */
	if (oc->memcg ? !oomq_in_memcg(p, oc->memcg) :
			!oomq_nodes_eligible(p, oc))
		return false;
	if (tsk_is_oom_victim(p))
		return false;
	return oomq_sample_mm(p, &mm) && !mm.unkillable;
}

/**
 * oomq_origin_mark - mark the first eligible task of @queue for this OOM
 * @mark: filled in; @mark->task is NULL when none is eligible
 * @queue: the queue in force
 * @oc: the OOM about to select
 *
 * The kernel's oom_evaluate_task() then selects the marked task before
 * it scores any (oom_task_origin()), as swapoff makes it do.  Runs in
 * the task running the OOM killer.  Return: whether a task was marked.
 */
bool oomq_origin_mark(struct oomq_mark *mark, const struct oomq_queue *queue,
		      struct oom_control *oc)
{
	unsigned int i;

	memset(mark, 0, sizeof(*mark));
	rcu_read_lock();
	for (i = 0; i < queue->len; i++) {
		struct task_struct *p;

		p = pid_task(queue->pids[i], PIDTYPE_TGID);
		if (!p || !oomq_origin_eligible(p, oc))
			continue;
		get_task_struct(p);
		mark->task = p;
		mark->index = i;
		mark->flag_was = p->signal->oom_flag_origin;
		p->signal->oom_flag_origin = true;
		oomq_victim_sample(&mark->victim, p);
		break;
	}
	rcu_read_unlock();
	return mark->task;
}

/* After the OOM: the task's flag as it was. */
void oomq_origin_unmark(struct oomq_mark *mark)
{
	if (!mark->task)
		return;
	mark->task->signal->oom_flag_origin = mark->flag_was;
	put_task_struct(mark->task);
	mark->task = NULL;
}
