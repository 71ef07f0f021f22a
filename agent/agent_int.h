/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pass's stages, shared by their files: agent.c runs a pass (agent.h)
 * through a source (source_dump.c, the module's dump; source_proc.c,
 * all of /proc; source_lazy.c, /proc lazily, with proc_events.c's
 * process events), classify.c's verdicts, rank.c's score and order,
 * and queued.c's queue.  Not an interface: agent.h is.
 */
#ifndef _OOMQD_AGENT_INT_H
#define _OOMQD_AGENT_INT_H

#include "agent.h"

/* Strings for rules beyond comm and uid come from /proc even so. */
#define PROC_NEED_TEXT                                          \
	(PROC_NEED_CMDLINE | PROC_NEED_EXE | PROC_NEED_CGROUP | \
	 PROC_NEED_LINEAGE)

/* source_dump.c */
int source_dump_read(struct agent *a);
bool source_dump_ready(struct agent *a);
void source_dump_failed(struct agent *a, int err);

/* source_proc.c */
int source_proc_full(struct agent *a);
void source_count_failure(struct proc_sampler *ps, int err);
void source_proc_begin(struct agent *a, bool stream);
void source_proc_end(struct agent *a);
int source_proc_stream(struct agent *a);

/* source_lazy.c */
int source_lazy_read(struct agent *a);

/* queued.c */
void queued_find_drivers(struct agent *a);

#endif /* _OOMQD_AGENT_INT_H */
