// SPDX-License-Identifier: GPL-2.0
/*
 * Steering the kernel's own OOM victim selection: the bookkeeping.
 *
 * No exported interface lets a module choose the OOM victim, and killing
 * one ourselves from an OOM notifier misses memcg OOMs, double-kills on
 * sysrq-f and never thaws a frozen victim.  So the kernel keeps choosing
 * and killing, and we only bias its choice, in one of two ways:
 *
 *  - by score ("badness" mode): a queued task the kernel found killable
 *    scores LONG_MAX - 1 - its place in the queue, so the kernel's
 *    max-search in select_bad_process() takes the first eligible queued
 *    task (LONG_MAX stays with oom_task_origin() tasks);
 *  - by mark ("origin" mode, origin.c): the first eligible queued task
 *    is marked oom_flag_origin for the duration of the OOM.
 *
 * Everything that makes a task eligible (memcg scope, cpusets,
 * oom_score_adj -1000, kthreads, init, exiting, reaped and vfork tasks)
 * and everything after the choice (the kill, the reaper, oom.group) stays
 * the kernel's.
 *
 * A backend (oom.h; kretprobes.c today) sees the kernel's selection and
 * calls in here: this file keeps which OOM is running and with which
 * queue, mirrors the kernel's choice to know the victim, reports the
 * kill and counts.  It does not know how the backend hooks the kernel.
 *
 * A backend may not see scores on every kernel (a build that inlines
 * oom_badness()).  "auto", the default, steers by score and by mark
 * until it has seen a score during an OOM, and by mark alone once an
 * OOM showed that no score comes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/capability.h>
#include <linux/memcontrol.h>
#include <linux/moduleparam.h>
#include <linux/oom.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "events.h"
#include "hook.h"
#include "oom.h"
#include "origin.h"
#include "queue.h"
#include "victim.h"

/*
 * One out_of_memory() call.  Callers hold oom_lock, so there is at most
 * one, and only the task running it reads or writes this.
 */
struct oomq_oom {
	struct task_struct *task;	/* in out_of_memory(), or NULL */
	struct oom_control *oc;
	struct oomq_queue *queue;	/* in force and not empty, or NULL */
	bool stale;			/* a queue was set but is past TTL */
	bool rewrite;			/* steer by score */
	unsigned int queue_len;		/* of the queue set, even if stale */
	u64 queue_age_ms;		/* ms */
	unsigned int scores;		/* oomq_oom_scored() calls */
	/* The kernel's max-search, mirrored, to know the victim. */
	struct task_struct *best;	/* referenced */
	long best_points;
	int best_index;			/* place in the queue, or -1 */
	struct oomq_victim best_victim;
	struct oomq_mark mark;		/* steering by mark */
};

static struct oomq_oom oomq_oom;
static atomic64_t oomq_counters[__OOMQ_C_MAX];
static const struct oomq_backend *oomq_backend = &oomq_kprobe_backend;

static const char * const oomq_mode_names[] = {
	[OOMQ_MODE_BADNESS] = "badness",
	[OOMQ_MODE_ORIGIN] = "origin",
	[OOMQ_MODE_AUTO] = "auto",
};

static int oomq_mode = OOMQ_MODE_AUTO;		/* as configured */
static int oomq_mode_active = OOMQ_MODE_BADNESS; /* BADNESS or ORIGIN */
/* The backend delivered a score during an OOM: this kernel has them. */
static bool oomq_scores_seen;
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

/* Undo what oomq_oom_begin() did; also for an OOM cut short by unload. */
static void oomq_oom_release(struct oomq_oom *oom)
{
	oomq_origin_unmark(&oom->mark);
	if (oom->best)
		put_task_struct(oom->best);
	oomq_queue_put(oom->queue);
	memset(oom, 0, sizeof(*oom));
}

/**
 * oomq_oom_begin - out_of_memory() was entered
 * @oc: its argument
 *
 * Pins the queue in force for the whole selection and, by mark, steers.
 */
void oomq_oom_begin(struct oom_control *oc)
{
	struct oomq_oom *oom = &oomq_oom;
	struct oomq_queue *queue = oomq_queue_get();

	oomq_count(OOMQ_C_OOMS);
	oom->oc = oc;
	oom->best_points = LONG_MIN;
	oom->best_index = -1;
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
		/* Until scores are known to come, auto marks too. */
		if (!oom->rewrite || (READ_ONCE(oomq_mode) == OOMQ_MODE_AUTO &&
				      !READ_ONCE(oomq_scores_seen)))
			oomq_origin_mark(&oom->mark, queue, oc);
	}
	/* Last: from here the backend passes scores on. */
	WRITE_ONCE(oom->task, current);
}

/*
 * Is the caller the task running the OOM killer?  oom_badness() also
 * serves /proc/<pid>/oom_score, whose readers are left alone.
 */
bool oomq_oom_is_current(void)
{
	return READ_ONCE(oomq_oom.task) == current;
}

/**
 * oomq_oom_scored - the kernel scored a task during the OOM
 * @p: the task oom_badness() looked at
 * @points: what it returned
 *
 * Caller: the task running the OOM killer (oomq_oom_is_current()).
 * Return: the points the kernel is to use instead.
 */
long oomq_oom_scored(struct task_struct *p, long points)
{
	struct oomq_oom *oom = &oomq_oom;
	int index = -1;

	if (!oom->scores++)
		WRITE_ONCE(oomq_scores_seen, true);
	if (points == LONG_MIN)
		return points;	/* the kernel says: not killable */
	if (oom->rewrite) {
		index = oomq_queue_index(oom->queue, task_tgid(p));
		if (index >= 0)
			points = LONG_MAX - 1 - index;
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
	return points;
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
 * A kill with a queue in force where no score came, although the kernel
 * chose by score: neither the allocating task (oom_kill_allocating_task)
 * nor an oom_task_origin() task, or our own mark in a global OOM, where
 * the kernel scores every other process (init and kthreads aside): a
 * memcg may hold only the marked one.
 */
static void oomq_check_probe_miss(struct oomq_oom *oom,
				  struct task_struct *chosen)
{
	bool by_mark = oom->mark.task && chosen == oom->mark.task;
	unsigned long flags;

	if (!oom->rewrite || oom->scores || chosen == current)
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

	if (oom->mark.task && chosen == oom->mark.task) {
		kill.choice = OOMQ_CHOICE_QUEUE;
		kill.index = oom->mark.index;
		kill.victim = oom->mark.victim;
		/* Marked where its mm could not be read: read it now (ours). */
		if (!kill.victim.rss_kb)
			oomq_victim_sample(&kill.victim, oom->mark.task);
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

/* out_of_memory() returns: report its kill, if any, and let go. */
void oomq_oom_end(void)
{
	struct oomq_oom *oom = &oomq_oom;
	struct task_struct *chosen = READ_ONCE(oom->oc->chosen);

	WRITE_ONCE(oom->task, NULL);
	/* -1 means the scan was aborted: a victim is still dying. */
	if (chosen && chosen != (void *)-1UL)
		oomq_report_kill(oom, chosen);
	oomq_oom_release(oom);
}

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
	counters[OOMQ_C_KPROBE_MISSED] = oomq_backend->missed();
}

int oomq_hook_init(void)
{
	return oomq_backend->attach();
}

void oomq_hook_uninit(void)
{
	/* Waits for running hooks; later returns skip them. */
	oomq_backend->detach();
	if (oomq_oom.task)
		oomq_oom_release(&oomq_oom);
}
