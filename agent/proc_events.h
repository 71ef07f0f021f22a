/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_events: the kernel's process events (cn_proc.h) for a pass
 * from /proc, and the verdicts they keep exact (verdicts.h): while the
 * rules read only comm and uid, a walk classifies only new and changed
 * processes.  Owned by the lazy and streamed /proc sources.
 */
#ifndef _OOMQD_PROC_EVENTS_H
#define _OOMQD_PROC_EVENTS_H

#include <stdbool.h>

#include "cn_proc.h"
#include "proc_sample.h"
#include "verdicts.h"

struct proc_events {
	struct cn_proc cn; /* the socket, after agent_listen() */
	struct verdicts verdicts; /* what the events keep exact */
	bool listen; /* agent_listen() was called */
	bool paused; /* closed while the dump served */
	int err; /* why agent_listen() is not listening, or 0 */
};

/* Listen (@fit) or stop; nothing remembered holds.  0 or -errno. */
int proc_events_update(struct proc_events *ev, bool fit);
void proc_events_pause(struct proc_events *ev);
void proc_events_unread(struct proc_events *ev, int err);
/* One walk of @ps's /proc through @fn(@ctx), with the events. */
int proc_events_walk(struct proc_events *ev, struct proc_sampler *ps,
		     proc_pid_fn fn, void *ctx);

#endif /* _OOMQD_PROC_EVENTS_H */
