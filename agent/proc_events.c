// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's process events (cn_proc.h) for a pass from /proc:
 * listened to while the rules read only comm and uid, so that the
 * verdicts (verdicts.h) of processes that did not change stand, and
 * dropped while the module's dump serves.
 */
#include <errno.h>
#include <stdbool.h>

#include "agent_int.h"

/*
 * Events serve the lazy pass from /proc (a whole table reads stat and
 * status anyway), and only rules on what they report: comm and uid.
 */
static bool proc_events_fit(const struct agent *a)
{
	unsigned int need = policy_needs(&a->policy);

	/* No event tells of a move to another cgroup. */
	return a->real_proc && a->source != AGENT_SOURCE_DUMP && need &&
	       !a->scope[0] && !(need & ~(PROC_NEED_COMM | PROC_NEED_UID));
}

/* Listen or stop as the policy now asks; nothing remembered holds. */
int proc_events_update(struct agent *a)
{
	verdicts_forget(&a->verdicts);
	a->events_err = 0;
	a->events_paused = false;
	if (!a->listen || !proc_events_fit(a))
		cn_proc_close(&a->events);
	else if (!a->events.sk)
		a->events_err = cn_proc_open(&a->events);
	return a->events_err;
}

/*
 * While the module's dump serves, nothing needs the events, and the
 * kernel builds one for every fork, exec and exit of the system as long
 * as someone listens: stop.  A pass from /proc listens again.
 */
void proc_events_pause(struct agent *a)
{
	if (!a->events.sk)
		return;
	cn_proc_close(&a->events);
	verdicts_forget(&a->verdicts);
	a->events_paused = true;
}

int agent_listen(struct agent *a)
{
	a->listen = true;
	return proc_events_update(a);
}

/*
 * A process whose files did not read, and not because it is gone, may
 * match a rule: the events cannot vouch for it next time.
 */
void proc_events_unread(struct agent *a, int err)
{
	if (a->events.sk && err != -ESRCH)
		verdicts_put(&a->verdicts, 0, VERDICT_UNKNOWN);
}

/*
 * What changed since the last walk, from the events waiting: lost ones
 * (the socket overran between passes) mean this walk reads everyone.
 */
static void proc_events_begin(struct agent *a)
{
	if (!a->events.sk)
		return;
	if (cn_proc_drain(&a->events, verdicts_dirty, &a->verdicts))
		verdicts_forget(&a->verdicts);
	verdicts_begin(&a->verdicts);
}

/* One walk of /proc through @fn, with the process events. */
int proc_events_walk(struct agent *a, proc_pid_fn fn)
{
	int ret;

	proc_events_begin(a);
	ret = proc_for_each_pid(&a->sampler, fn, a);
	if (a->events.sk)
		verdicts_end(&a->verdicts, !ret);
	return ret;
}
