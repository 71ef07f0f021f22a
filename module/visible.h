/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_VISIBLE_H
#define _OOMQ_VISIBLE_H

#include <linux/types.h>

struct proc_fs_info;
struct task_struct;

bool oomq_task_visible(const struct proc_fs_info *fs_info,
		       struct task_struct *task);

#endif /* _OOMQ_VISIBLE_H */
