/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lineage: a process and its ancestors, read from /proc/<pid>/stat.
 *
 * Rules on ancestry (match_ancestor_comm) and the session's recognition
 * (session.h) look at who started a process, not at what it calls
 * itself.  The climb follows ppid up to a process with no parent (init,
 * kthreadd: ppid 0) or SAMPLE_LINEAGE_DEPTH ancestors, and stops early
 * where the tree changed under it:
 *
 *   - a parent that is gone (its stat no longer reads): its child has
 *     been reparented since, the climb ends there;
 *   - a parent that started after its child: its pid was reused by a
 *     new process between the two reads, which is no ancestor.  A
 *     parent always starts before its children, and a reparented child
 *     gets an older process (init or a subreaper) as its parent.
 *
 * Ancestors are shared by most processes (init, the user's manager, a
 * terminal, a make), so each process's stat is read at most once a
 * pass: the sampler remembers it (PROC_KIN_SLOTS, forgotten at
 * proc_sampler_reset()).  No allocation: it can run in the pressure
 * path.
 */
#ifndef _OOMQ_AGENT_LINEAGE_H
#define _OOMQ_AGENT_LINEAGE_H

#include <sys/types.h>

#include "proc_sample.h"
#include "sample.h"

/*
 * Remembers @st, @pid's stat just read by someone else (the full
 * sample), for this pass; returns what it remembered.
 */
const struct sample_kin *lineage_note(struct proc_sampler *ps, pid_t pid,
				      const struct proc_stat *st);

/*
 * @pid's stat as a sample_kin, from this pass's memory or read.  0,
 * -ESRCH when it is gone, or -errno.
 */
int lineage_kin(struct proc_sampler *ps, pid_t pid, struct sample_kin *k);

/*
 * @pid and its ancestors into @l.  0, or -ESRCH / -errno when @pid
 * itself does not read (then l->self.pid is 0 and l->n 0).
 */
int lineage_read(struct proc_sampler *ps, pid_t pid, struct sample_lineage *l);

#endif /* _OOMQ_AGENT_LINEAGE_H */
