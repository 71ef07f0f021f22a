/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sample from the module's task snapshot instead of /proc: the same
 * struct sample, so the ports, the policy and the ranking cannot tell
 * the two sources apart.
 */
#ifndef _OOMQD_TASK_SAMPLE_H
#define _OOMQD_TASK_SAMPLE_H

#include <sys/types.h>

#include "oomq_tasks.h"
#include "sample.h"

/*
 * Fill @s from @t as proc_sample_one() would from /proc/<pid>/stat,
 * status and oom_score_adj; @self is oomqd's own PID.
 */
void task_sample(const struct oomq_task *t, const struct sample_sys *sys,
		 pid_t self, struct sample *s);

#endif /* _OOMQD_TASK_SAMPLE_H */
