// SPDX-License-Identifier: GPL-2.0
/*
 * get_dumpable() of an mm and the mm's user namespace: 7.3 moved
 * dumpability to the task's exec_state, whose reader is not exported.
 */
#include <linux/mm_types.h>
#include <linux/sched/coredump.h>

bool oomq_probe(struct mm_struct *mm);
bool oomq_probe(struct mm_struct *mm)
{
	return get_dumpable(mm) == SUID_DUMP_USER && mm->user_ns;
}
