/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSHIM_LINUX_SCHED_H
#define _KSHIM_LINUX_SCHED_H

#define TASK_COMM_LEN 16

#endif
