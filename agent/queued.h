/* SPDX-License-Identifier: GPL-2.0 */
/*
 * queued: the queue a pass made, for its users: the build drivers of
 * its pause rules' processes, the pausable ones, its text written.
 */
#ifndef _OOMQD_QUEUED_H
#define _OOMQD_QUEUED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "agent_types.h"

/* The build driver of each queued process of a pause rule on ancestry. */
void queued_find_drivers(struct agent *a);

/*
 * Replaces /proc/oom (under the proc root) with a->queue in one write().
 * -ENOENT when the file does not exist: the oomq module is not loaded.
 */
int agent_write_queue(struct agent *a);

/* Queued processes of "pause = yes" rules not @skip'ped, queue order. */
size_t agent_pausable(const struct agent *a, bool (*skip)(pid_t pid, void *arg),
		      void *arg, const struct sample **out, size_t max);

#endif /* _OOMQD_QUEUED_H */
