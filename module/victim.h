/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_VICTIM_H
#define _OOMQ_VICTIM_H

#include <linux/sched.h>

#include "events.h"

/* What oom_badness() looks at, read from the first thread with an mm. */
struct oomq_mm_sample {
	unsigned long rss;		/* pages */
	unsigned long swap;		/* pages */
	bool unkillable;		/* -1000, reaped, or in vfork */
};

bool oomq_sample_mm(struct task_struct *p, struct oomq_mm_sample *s);
void oomq_victim_sample(struct oomq_victim *victim, struct task_struct *p);

#endif /* _OOMQ_VICTIM_H */
