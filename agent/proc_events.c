// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's process events (cn_proc.h) for a pass from /proc:
 * listened to while the rules read only comm and uid, so that the
 * verdicts (verdicts.h) of processes that did not change stand, and
 * dropped while the module's dump serves.
 */
#include <errno.h>
#include <stdbool.h>

#include "proc_events.h"

/* Listen or stop as the policy now asks; nothing remembered holds. */
int proc_events_update(struct proc_events *ev, bool fit)
{
	verdicts_forget(&ev->verdicts);
	ev->err = 0;
	ev->paused = false;
	if (!ev->listen || !fit)
		cn_proc_close(&ev->cn);
	else if (!ev->cn.sk)
		ev->err = cn_proc_open(&ev->cn);
	return ev->err;
}

/*
 * While the module's dump serves, nothing needs the events, and the
 * kernel builds one for every fork, exec and exit of the system as long
 * as someone listens: stop.  A pass from /proc listens again.
 */
void proc_events_pause(struct proc_events *ev)
{
	if (!ev->cn.sk)
		return;
	cn_proc_close(&ev->cn);
	verdicts_forget(&ev->verdicts);
	ev->paused = true;
}

/*
 * A process whose files did not read, and not because it is gone, may
 * match a rule: the events cannot vouch for it next time.
 */
void proc_events_unread(struct proc_events *ev, int err)
{
	if (ev->cn.sk && err != -ESRCH)
		verdicts_put(&ev->verdicts, 0, VERDICT_UNKNOWN);
}

/*
 * What changed since the last walk, from the events waiting: lost ones
 * (the socket overran between passes) mean this walk reads everyone.
 */
static void proc_events_begin(struct proc_events *ev)
{
	if (!ev->cn.sk)
		return;
	if (cn_proc_drain(&ev->cn, verdicts_dirty, &ev->verdicts))
		verdicts_forget(&ev->verdicts);
	verdicts_begin(&ev->verdicts);
}

/* One walk of /proc through @fn, with the process events. */
int proc_events_walk(struct proc_events *ev, struct proc_sampler *ps,
		     proc_pid_fn fn, void *ctx)
{
	int ret;

	proc_events_begin(ev);
	ret = proc_for_each_pid(ps, fn, ctx);
	if (ev->cn.sk)
		verdicts_end(&ev->verdicts, !ret);
	return ret;
}
