/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source_proc: a pass's processes from all of /proc: the whole table,
 * or streamed into the best queue_length.
 */
#ifndef _OOMQD_SOURCE_PROC_H
#define _OOMQD_SOURCE_PROC_H

#include <stdbool.h>
#include "agent_types.h"

int source_proc_full(struct agent *a);
void source_count_failure(struct proc_sampler *ps, int err);
void source_proc_begin(struct agent *a, bool stream);
void source_proc_end(struct agent *a);
int source_proc_stream(struct agent *a);

#endif /* _OOMQD_SOURCE_PROC_H */
