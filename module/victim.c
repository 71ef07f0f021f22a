// SPDX-License-Identifier: GPL-2.0
/*
 * A task as the OOM killer sees it: what oom_badness() reads and what the
 * kernel's "Killed process" line reports.  Any context the probes run in,
 * NMI included (a kprobe's int3 trap): no lock is waited for.
 */
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include "compat.h"
#include "victim.h"

/*
 * False: @t has no mm, or its task lock is busy (oomq_task_trylock()).
 * Where no lock may even be tried (oomq_no_locks_here()), only what
 * needs none: whether there is an mm, not what is in it (its RSS reads
 * 0 and MMF_OOM_SKIP, set on OOM victims' mms, goes unseen: victims are
 * passed over by tsk_is_oom_victim() anyway).
 */
static bool oomq_sample_thread(struct task_struct *t,
			       struct oomq_mm_sample *s)
{
	bool found = false;

	/* oom_badness()'s checks that need no lock. */
	s->unkillable = READ_ONCE(t->signal->oom_score_adj) ==
			OOM_SCORE_ADJ_MIN || in_vfork(t);
	if (oomq_no_locks_here()) {
		s->rss = 0;
		s->swap = 0;
		return READ_ONCE(t->mm);
	}
	if (!oomq_task_trylock(t))
		return false;
	if (t->mm) {
		s->rss = get_mm_rss(t->mm);
		s->swap = get_mm_counter(t->mm, MM_SWAPENTS);
		s->unkillable |= oomq_mm_oom_skip(t->mm);
		found = true;
	}
	task_unlock(t);
	return found;
}

/*
 * find_lock_task_mm() is not exported; this is the same walk.  A
 * thread whose task lock is busy is passed over (oomq_task_trylock();
 * its siblings share the mm), so a single-threaded process whose lock
 * is held right now is sampled as having none.
 */
bool oomq_sample_mm(struct task_struct *p, struct oomq_mm_sample *s)
{
	struct task_struct *t;
	bool found = false;

	rcu_read_lock();
	for_each_thread(p, t) {
		found = oomq_sample_thread(t, s);
		if (found)
			break;
	}
	rcu_read_unlock();
	return found;
}

/* What the kernel itself reports as "Killed process ...". */
void oomq_victim_sample(struct oomq_victim *victim, struct task_struct *p)
{
	struct oomq_mm_sample mm = { 0 };

	memset(victim, 0, sizeof(*victim));
	victim->pid = task_tgid_nr(p);
	rcu_read_lock();
	victim->uid = from_kuid(&init_user_ns, task_uid(p));
	rcu_read_unlock();
	victim->oom_score_adj = READ_ONCE(p->signal->oom_score_adj);
	/* Unlocked, as the kernel's own OOM report reads it. */
	strscpy_pad(victim->comm, p->comm, sizeof(victim->comm));
	if (oomq_sample_mm(p, &mm)) {
		victim->rss_kb = mm.rss << (PAGE_SHIFT - 10);
		victim->swap_kb = mm.swap << (PAGE_SHIFT - 10);
	}
}
