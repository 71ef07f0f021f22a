/* SPDX-License-Identifier: GPL-2.0 */
/*
 * protect: keep oomqd alive under the pressure it manages.
 *
 *   - mlockall(): its pages are never swapped out or dropped, so a
 *     thrashing machine does not stall the agent on its own page faults;
 *   - oom_score_adj -1000: the kernel never picks it (and oomqd never
 *     queues itself: rank skips -1000);
 *   - no allocation in the pressure path: everything the loop touches
 *     between two samples is allocated before protect_self() and reused.
 *     struct psi carries its own read buffer, pressure.c and kill.c never
 *     allocate, nl.c reads events into one buffer of struct nlc.  The
 *     loop's /proc/meminfo read buffer and the ranking's arrays must be
 *     sized at start-up too (glibc's malloc may still mmap: see
 *     protect_heap()).
 *
 * Each failure is reported, none is fatal: an agent that cannot lock
 * its memory still steers OOMs better than no agent.
 */
#ifndef _OOMQ_AGENT_PROTECT_H
#define _OOMQ_AGENT_PROTECT_H

#include <stddef.h>

#define PROTECT_OOM_SCORE_ADJ "/proc/self/oom_score_adj"
#define PROTECT_OOM_ADJ_MIN (-1000) /* OOM_SCORE_ADJ_MIN: never killed */
#define PROTECT_STACK_BYTES (128 * 1024)

/* What protect_self() managed; 0 or -errno each. */
struct protect_report {
	int mlock_err; /* -EPERM/-ENOMEM: RLIMIT_MEMLOCK without CAP_IPC_LOCK */
	int oom_adj_err; /* -EACCES: no CAP_SYS_RESOURCE */
	int heap_err; /* -EINVAL: mallopt() refused */
	int oom_adj; /* the value in force after the attempt */
};

int protect_mlock(void);
int protect_hot(void);
int protect_oom_score_adj(const char *path, int adj);
int protect_read_oom_score_adj(const char *path, int *adj);
int protect_heap(void);
void protect_prefault_stack(size_t bytes);
int protect_self(struct protect_report *r);

#endif /* _OOMQ_AGENT_PROTECT_H */
