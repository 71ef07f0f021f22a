// SPDX-License-Identifier: GPL-2.0
/*
 * The task's exec_state (7.3): dumpability and its user namespace moved
 * there from the mm.  Its reader is not exported; the struct is public.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/exec_state.h>

bool oomq_probe(struct task_struct *task);
bool oomq_probe(struct task_struct *task)
{
	struct task_exec_state *es = rcu_dereference(task->exec_state);

	return es->dumpable == TASK_DUMPABLE_OWNER && es->user_ns;
}
