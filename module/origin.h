/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_ORIGIN_H
#define _OOMQ_ORIGIN_H

#include <linux/oom.h>
#include <linux/sched.h>

#include "events.h"
#include "queue.h"

/* A queued task marked oom_flag_origin for one OOM. */
struct oomq_mark {
	struct task_struct *task;	/* referenced, or NULL */
	int index;			/* its place in the queue */
	bool flag_was;
	struct oomq_victim victim;	/* as sampled when marked */
};

bool oomq_origin_mark(struct oomq_mark *mark, const struct oomq_queue *queue,
		      struct oom_control *oc);
void oomq_origin_unmark(struct oomq_mark *mark);

#endif /* _OOMQ_ORIGIN_H */
