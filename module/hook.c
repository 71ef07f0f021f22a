// SPDX-License-Identifier: GPL-2.0
/*
 * Steering the kernel's own OOM victim selection.
 *
 * No exported interface lets a module choose the OOM victim, and killing
 * one ourselves from an OOM notifier misses memcg OOMs, double-kills on
 * sysrq-f and never thaws a frozen victim.  So the kernel keeps choosing
 * and killing, and we only bias its choice:
 *
 *  - a kretprobe on out_of_memory() notes which task runs the OOM killer
 *    and pins the queue in force for the whole selection (all callers
 *    hold oom_lock, so there is one at a time);
 *  - a kretprobe on oom_badness() rewrites the score of a queued task the
 *    kernel found killable to LONG_MAX - 1 - its place in the queue, so
 *    the kernel's max-search in select_bad_process() takes the first
 *    eligible queued task.  LONG_MAX stays with oom_task_origin() tasks.
 *
 * Everything that makes a task eligible (memcg scope, cpusets,
 * oom_score_adj -1000, kthreads, init, exiting, reaped and vfork tasks)
 * and everything after the choice (the kill, the reaper, oom.group) stays
 * the kernel's.  oom_badness() is only called from oom_evaluate_task()
 * and from /proc/<pid>/oom_score; the latter is left alone because it
 * does not run in the task that runs the OOM killer.
 *
 * If a kernel build inlines oom_badness() the badness probe never fires.
 * "origin" mode marks the first eligible queued task oom_flag_origin for
 * the duration of each OOM instead, repeating the kernel's eligibility
 * checks.  "auto" (the default) does both until it has seen the badness
 * probe fire in an OOM, so the first OOM is steered either way, and
 * keeps to marking once an OOM showed the probe does not fire.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/memcontrol.h>
#include <linux/mempolicy.h>
#include <linux/moduleparam.h>
#include <linux/oom.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "compat.h"
#include "events.h"
#include "hook.h"
#include "queue.h"

/*
 * One out_of_memory() call.  Callers hold oom_lock, so there is at most
 * one, and only the task running it reads or writes this.
 */
struct oomq_oom {
	struct task_struct *task;	/* in out_of_memory(), or NULL */
	struct oom_control *oc;
	struct oomq_queue *queue;	/* in force and not empty, or NULL */
	bool stale;			/* a queue was set but is past TTL */
	bool rewrite;			/* rewrite oom_badness() results */
	unsigned int queue_len;		/* of the queue set, even if stale */
	u64 queue_age_ms;		/* ms */
	unsigned int badness_calls;
	/* The kernel's max-search, mirrored, to know the victim. */
	struct task_struct *best;	/* referenced */
	long best_points;
	int best_index;			/* place in the queue, or -1 */
	struct oomq_victim best_victim;
	/* ORIGIN mode: the task marked oom_flag_origin. */
	struct task_struct *origin;	/* referenced */
	int origin_index;
	bool origin_flag_was;
	struct oomq_victim origin_victim;
};

static struct oomq_oom oomq_oom;
static atomic64_t oomq_counters[__OOMQ_C_MAX];

static const char * const oomq_mode_names[] = {
	[OOMQ_MODE_BADNESS] = "badness",
	[OOMQ_MODE_ORIGIN] = "origin",
	[OOMQ_MODE_AUTO] = "auto",
};

static int oomq_mode = OOMQ_MODE_AUTO;		/* as configured */
static int oomq_mode_active = OOMQ_MODE_BADNESS; /* BADNESS or ORIGIN */
/* The badness probe returned during an OOM: this kernel calls it. */
static bool oomq_badness_seen;
/* Writers of the pair above: netlink, sysfs and a probe miss (raw: RT). */
static DEFINE_RAW_SPINLOCK(oomq_mode_lock);

static void oomq_count(enum oomq_counter counter)
{
	atomic64_inc(&oomq_counters[counter]);
}

/* As the kernel's static is_memcg_oom(). */
static bool oomq_is_memcg_oom(const struct oom_control *oc)
{
	return oc->memcg;
}

/* What oom_badness() looks at, read from the first thread with an mm. */
struct oomq_mm_sample {
	unsigned long rss;		/* pages */
	unsigned long swap;		/* pages */
	bool unkillable;		/* -1000, reaped, or in vfork */
};

/* False: @t has no mm, or its task lock is busy (oomq_task_trylock()). */
static bool oomq_sample_thread(struct task_struct *t,
			       struct oomq_mm_sample *s)
{
	bool found = false;

	if (!oomq_task_trylock(t))
		return false;
	if (t->mm) {
		s->rss = get_mm_rss(t->mm);
		s->swap = get_mm_counter(t->mm, MM_SWAPENTS);
		s->unkillable = t->signal->oom_score_adj == OOM_SCORE_ADJ_MIN ||
				oomq_mm_oom_skip(t->mm) || in_vfork(t);
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
static bool oomq_sample_mm(struct task_struct *p, struct oomq_mm_sample *s)
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
static void oomq_victim_sample(struct oomq_victim *victim,
			       struct task_struct *p)
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

/*
 * As the kernel's mempolicy_in_oom_domain(), not exported: may @t use
 * memory in @mask, the nodes a mempolicy-constrained OOM is short of?
 * Only a bind policy says no.  A thread whose task lock is busy right
 * now (oomq_task_trylock()) is taken to say yes.
 */
static bool oomq_mempolicy_in_domain(struct task_struct *t,
				     const nodemask_t *mask)
{
	bool ok = true;
#ifdef CONFIG_NUMA
	struct mempolicy *pol;

	if (!oomq_task_trylock(t))
		return true;
	pol = t->mempolicy;
	if (pol && pol->mode == MPOL_BIND)
		ok = nodes_intersects(*oomq_mempolicy_nodes(pol), *mask);
	task_unlock(t);
#endif
	return ok;
}

/*
 * As the kernel's oom_cpuset_eligible(): in a global OOM constrained by
 * a mempolicy (@oc->nodemask) or by the cpuset of the task that ran out,
 * may killing @start free memory where it is short?
 */
static bool oomq_nodes_eligible(struct task_struct *start,
				struct oom_control *oc)
{
	struct task_struct *t;
	bool ok = false;

	if (oomq_is_memcg_oom(oc))
		return true;
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
	if (!oomq_nodes_eligible(p, oc))
		return false;
	if (tsk_is_oom_victim(p))
		return false;
	if (oomq_is_memcg_oom(oc)) {
		struct mem_cgroup *memcg;
		bool inside;

		rcu_read_lock();
		memcg = mem_cgroup_from_task(p);
		inside = memcg && mem_cgroup_is_descendant(memcg, oc->memcg);
		rcu_read_unlock();
		if (!inside)
			return false;
	}
	return oomq_sample_mm(p, &mm) && !mm.unkillable;
}

static void oomq_mark_origin(struct oomq_oom *oom)
{
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < oom->queue->len; i++) {
		struct task_struct *p;

		p = pid_task(oom->queue->pids[i], PIDTYPE_TGID);
		if (!p || !oomq_origin_eligible(p, oom->oc))
			continue;
		get_task_struct(p);
		oom->origin = p;
		oom->origin_index = i;
		oom->origin_flag_was = p->signal->oom_flag_origin;
		p->signal->oom_flag_origin = true;
		oomq_victim_sample(&oom->origin_victim, p);
		break;
	}
	rcu_read_unlock();
}

/* Undo what the entry handler did; also for an OOM cut short by unload. */
static void oomq_oom_release(struct oomq_oom *oom)
{
	if (oom->origin) {
		oom->origin->signal->oom_flag_origin = oom->origin_flag_was;
		put_task_struct(oom->origin);
	}
	if (oom->best)
		put_task_struct(oom->best);
	oomq_queue_put(oom->queue);
	memset(oom, 0, sizeof(*oom));
}

static int oomq_oom_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct oomq_oom *oom = &oomq_oom;
	struct oomq_queue *queue = oomq_queue_get();

	oomq_count(OOMQ_C_OOMS);
	oom->oc = (struct oom_control *)oomq_regs_arg0(regs);
	oom->best_points = LONG_MIN;
	oom->best_index = -1;
	oom->origin_index = -1;
	if (queue && queue->len) {
		oom->queue_len = queue->len;
		oom->queue_age_ms = oomq_queue_age_ms(queue);
		oom->stale = oomq_queue_expired(queue);
	}
	if (!oom->queue_len || oom->stale) {
		if (oom->stale)
			oomq_count(OOMQ_C_STALE);
		oomq_queue_put(queue);
		queue = NULL;
	}
	oom->queue = queue;
	if (queue) {
		oom->rewrite = READ_ONCE(oomq_mode_active) == OOMQ_MODE_BADNESS;
		/* Until the badness probe is known to fire, auto marks too. */
		if (!oom->rewrite || (READ_ONCE(oomq_mode) == OOMQ_MODE_AUTO &&
				      !READ_ONCE(oomq_badness_seen)))
			oomq_mark_origin(oom);
	}
	/* Last: this arms the badness probe. */
	WRITE_ONCE(oom->task, current);
	return 0;
}

static int oomq_badness_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	/* Someone reading /proc/<pid>/oom_score: leave it alone. */
	if (READ_ONCE(oomq_oom.task) != current)
		return 1;
	*(struct task_struct **)ri->data =
		(struct task_struct *)oomq_regs_arg0(regs);
	return 0;
}

static int oomq_badness_return(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct task_struct *p = *(struct task_struct **)ri->data;
	struct oomq_oom *oom = &oomq_oom;
	long points = regs_return_value(regs);
	int index = -1;

	if (!oom->badness_calls++)
		WRITE_ONCE(oomq_badness_seen, true);
	if (points == LONG_MIN)
		return 0;	/* the kernel says: not killable */
	if (oom->rewrite) {
		index = oomq_queue_index(oom->queue, task_tgid(p));
		if (index >= 0) {
			points = LONG_MAX - 1 - index;
			oomq_regs_set_return(regs, points);
		}
	}
	/* As oom_evaluate_task(): a later task with equal points wins. */
	if (points >= oom->best_points) {
		get_task_struct(p);
		if (oom->best)
			put_task_struct(oom->best);
		oom->best = p;
		oom->best_points = points;
		oom->best_index = index;
		oomq_victim_sample(&oom->best_victim, p);
	}
	return 0;
}

static enum oomq_choice oomq_kernel_choice(const struct oomq_oom *oom)
{
	if (oom->stale)
		return OOMQ_CHOICE_STALE;
	if (oom->queue)
		return OOMQ_CHOICE_DRY;
	return OOMQ_CHOICE_KERNEL;
}

/*
 * A kill with a queue in force where oom_badness() never returned through
 * the probe, although the kernel chose by score: neither the allocating
 * task (oom_kill_allocating_task) nor an oom_task_origin() task, or our
 * own mark in a global OOM, where the kernel scores every other process
 * (init and kthreads aside) with oom_badness(): a memcg may hold only
 * the marked one.
 */
static void oomq_check_probe_miss(struct oomq_oom *oom,
				  struct task_struct *chosen)
{
	bool by_mark = oom->origin && chosen == oom->origin;
	unsigned long flags;

	if (!oom->rewrite || oom->badness_calls || chosen == current)
		return;
	if (by_mark ? oomq_is_memcg_oom(oom->oc) :
		      oom->oc->chosen_points == LONG_MAX)
		return;
	oomq_count(OOMQ_C_PROBE_MISSES);
	pr_warn_once("oom_badness() probe did not run during an OOM; this kernel may inline it%s\n",
		     READ_ONCE(oomq_mode) == OOMQ_MODE_AUTO ?
		     ", switching to mode=origin" :
		     ", consider mode=origin or mode=auto");
	raw_spin_lock_irqsave(&oomq_mode_lock, flags);
	if (oomq_mode == OOMQ_MODE_AUTO)
		WRITE_ONCE(oomq_mode_active, OOMQ_MODE_ORIGIN);
	raw_spin_unlock_irqrestore(&oomq_mode_lock, flags);
	oomq_events_probe_miss(READ_ONCE(oomq_mode_active));
}

/* @chosen is compared, never dereferenced: the kill path dropped its ref. */
static void oomq_report_kill(struct oomq_oom *oom, struct task_struct *chosen)
{
	struct oom_control *oc = oom->oc;
	struct oomq_kill kill = {
		.index = -1,
		.has_queue = oom->queue_len > 0,
		.queue_len = oom->queue_len,
		.queue_age_ms = oom->queue_age_ms,
	};

	if (oomq_is_memcg_oom(oc)) {
		kill.scope = OOMQ_SCOPE_MEMCG;
		kill.cgroup_id = cgroup_id(oc->memcg->css.cgroup);
	} else {
		kill.scope = oc->order == -1 ? OOMQ_SCOPE_SYSRQ :
					       OOMQ_SCOPE_GLOBAL;
	}

	if (oom->origin && chosen == oom->origin) {
		kill.choice = OOMQ_CHOICE_QUEUE;
		kill.index = oom->origin_index;
		kill.victim = oom->origin_victim;
		kill.has_victim = true;
	} else if (oom->best && chosen == oom->best &&
		   oc->chosen_points == oom->best_points) {
		kill.choice = oom->best_index >= 0 ? OOMQ_CHOICE_QUEUE :
						     oomq_kernel_choice(oom);
		kill.index = oom->best_index;
		kill.victim = oom->best_victim;
		kill.has_victim = true;
	} else {
		/* Not by score: an oom_task_origin() or allocating task. */
		kill.choice = OOMQ_CHOICE_OTHER;
		if (chosen == current) {
			oomq_victim_sample(&kill.victim, current);
			kill.has_victim = true;
		}
	}

	oomq_count(OOMQ_C_KILLS);
	if (kill.choice == OOMQ_CHOICE_QUEUE)
		oomq_count(OOMQ_C_STEERED);
	else if (kill.choice == OOMQ_CHOICE_DRY)
		oomq_count(OOMQ_C_FALLBACK);
	oomq_check_probe_miss(oom, chosen);
	oomq_events_kill(&kill);
}

static int oomq_oom_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct oomq_oom *oom = &oomq_oom;
	struct task_struct *chosen = READ_ONCE(oom->oc->chosen);

	WRITE_ONCE(oom->task, NULL);
	/* -1 means the scan was aborted: a victim is still dying. */
	if (chosen && chosen != (void *)-1UL)
		oomq_report_kill(oom, chosen);
	oomq_oom_release(oom);
	return 0;
}

static struct kretprobe oomq_oom_probe = {
	.kp.symbol_name = "out_of_memory",
	.entry_handler = oomq_oom_entry,
	.handler = oomq_oom_return,
	/* oom_lock serialises callers; spare instances cost little. */
	.maxactive = 4,
};

static struct kretprobe oomq_badness_probe = {
	.kp.symbol_name = "oom_badness",
	.entry_handler = oomq_badness_entry,
	.handler = oomq_badness_return,
	.data_size = sizeof(struct task_struct *),
};

/*
 * Registered in this order: an OOM between the two registrations must not
 * find out_of_memory() probed and oom_badness() not yet, which looks like
 * an inlined oom_badness() and would flip auto to origin for good.
 */
static struct kretprobe *oomq_probes[] = {
	&oomq_badness_probe,
	&oomq_oom_probe,
};

const char *oomq_mode_name(enum oomq_mode mode)
{
	return oomq_mode_names[mode];
}

enum oomq_mode oomq_hook_mode(void)
{
	return READ_ONCE(oomq_mode);
}

enum oomq_mode oomq_hook_mode_active(void)
{
	return READ_ONCE(oomq_mode_active);
}

int oomq_hook_set_mode(enum oomq_mode mode)
{
	unsigned long flags;

	if (mode > OOMQ_MODE_MAX)
		return -EINVAL;
	/* Two writers at once must not leave origin active under badness. */
	raw_spin_lock_irqsave(&oomq_mode_lock, flags);
	WRITE_ONCE(oomq_mode, mode);
	WRITE_ONCE(oomq_mode_active, mode == OOMQ_MODE_ORIGIN ?
		   OOMQ_MODE_ORIGIN : OOMQ_MODE_BADNESS);
	raw_spin_unlock_irqrestore(&oomq_mode_lock, flags);
	return 0;
}

/* Privilege as for /proc/oom and set-config, not only the file's uid 0. */
static int oomq_mode_param_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(oomq_mode_names, val);

	if (!capable(CAP_SYS_RESOURCE))
		return -EPERM;
	return mode < 0 ? mode : oomq_hook_set_mode(mode);
}

static int oomq_mode_param_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", oomq_mode_name(oomq_mode));
}

static const struct kernel_param_ops oomq_mode_param_ops = {
	.set = oomq_mode_param_set,
	.get = oomq_mode_param_get,
};

module_param_cb(mode, &oomq_mode_param_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "How to steer the OOM killer: badness, origin or auto");

void oomq_hook_counters(u64 *counters)
{
	enum oomq_counter c;

	for (c = OOMQ_C_OOMS; c < OOMQ_C_KPROBE_MISSED; c++)
		counters[c] = atomic64_read(&oomq_counters[c]);
	counters[OOMQ_C_KPROBE_MISSED] =
		oomq_oom_probe.nmissed + oomq_oom_probe.kp.nmissed +
		oomq_badness_probe.nmissed + oomq_badness_probe.kp.nmissed;
}

int oomq_hook_init(void)
{
	int ret;

	/* Each reader of an oom_score holds one instance for a moment. */
	oomq_badness_probe.maxactive = 16 + 4 * num_possible_cpus();
	ret = register_kretprobes(oomq_probes, ARRAY_SIZE(oomq_probes));
	if (ret)
		pr_err("cannot probe out_of_memory() and oom_badness(): %d\n",
		       ret);
	return ret;
}

void oomq_hook_uninit(void)
{
	/* Waits for running handlers; later returns skip them. */
	unregister_kretprobes(oomq_probes, ARRAY_SIZE(oomq_probes));
	if (oomq_oom.task)
		oomq_oom_release(&oomq_oom);
}
