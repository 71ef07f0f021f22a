/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the OOM bookkeeping (hook.c) and a backend that lets it see the
 * kernel's victim selection.  A backend calls, in the task running the
 * OOM killer (all callers of out_of_memory() hold oom_lock):
 *
 *	oomq_oom_begin(oc)		on entry to out_of_memory()
 *	oomq_oom_scored(p, points)	for each oom_badness() result, if
 *					oomq_oom_is_current(), using the
 *					points it returns instead
 *	oomq_oom_end()			on return from out_of_memory()
 *
 * A backend that cannot see scores never calls oomq_oom_scored(): "auto"
 * then steers by mark alone after the first OOM.
 */
#ifndef _OOMQ_OOM_H
#define _OOMQ_OOM_H

#include <linux/oom.h>
#include <linux/sched.h>
#include <linux/types.h>

struct oomq_backend {
	const char *name;
	/* Start calling the hooks; 0 or -errno, with a message in dmesg. */
	int (*attach)(void);
	/* Stop: on return no hook runs, and none will. */
	void (*detach)(void);
	/* Hook calls the backend had to skip (kretprobe misses). */
	u64 (*missed)(void);
};

/* kretprobes on out_of_memory() and oom_badness() (kretprobes.c). */
extern const struct oomq_backend oomq_kprobe_backend;

void oomq_oom_begin(struct oom_control *oc);
bool oomq_oom_is_current(void);
long oomq_oom_scored(struct task_struct *p, long points);
void oomq_oom_end(void);

#endif /* _OOMQ_OOM_H */
