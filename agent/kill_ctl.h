/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kill_ctl: when the proactive kill of the first queued process is due.
 *
 * Its inputs are one memory snapshot (struct pressure_sample: meminfo,
 * PSI, the kills seen since the last one), the level pressure.c made of
 * it, whether a victim is still dying and the time; a new signal is a
 * field of the snapshot and a rule in kill_ctl_due_now().  The answer:
 *
 *	KILL_CTL_NO	   off, below kill_level, or memory itself not
 *			   short (PSI alone never kills: its avg10 lags);
 *			   but below kill_level too, with no delay, once
 *			   pausing has stopped all it can while the
 *			   process beside the jobs grows (the snapshot's
 *			   pause_spent) and pages come back in at the
 *			   thrashing rate
 *	KILL_CTL_NOT_YET   kill_delay_ms at kill_level has not passed
 *	KILL_CTL_BACK_OFF  kill_cooldown_ms after the last proactive kill
 *			   (so the freed memory shows), KILL_CTL_OOM_MS
 *			   after the kernel's, a victim still dying,
 *			   or KILL_CTL_RETRY_MS after a kill that could
 *			   not start (kill_ctl_failed())
 *	KILL_CTL_NOW	   kill the first queued process that is not a
 *			   victim SIGKILL could not end (kill.h)
 *
 * with the longest the loop may sleep before asking again.  Carrying
 * the kill out (the pidfd, SIGTERM, SIGKILL, the wait) is kill.c's.
 *
 * Pure: no I/O, no clock, no allocation; the loop passes the time.
 */
#ifndef _OOMQ_AGENT_KILL_CTL_H
#define _OOMQ_AGENT_KILL_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "pressure.h"

/* After a proactive kill that could not start, none for this long, ms. */
#define KILL_CTL_RETRY_MS 10000
/*
 * After an OOM kill the kernel made, none for this long, ms: its OOM
 * reaper frees the victim's memory at once, and a sample this much
 * later shows it.  Not kill_cooldown_ms: with memory still short then,
 * the kernel kills again by itself, in the stall a proactive kill
 * avoids.
 */
#define KILL_CTL_OOM_MS 500
/*
 * Beside a spent pausing, pages coming back over at least this much of
 * the page-in rate's window count, ms (kill_ctl.c, beside_paused()).
 */
#define KILL_CTL_PART_MS 200

enum kill_ctl_verdict {
	KILL_CTL_NO,
	KILL_CTL_NOT_YET,
	KILL_CTL_BACK_OFF,
	KILL_CTL_NOW,
};

struct kill_ctl {
	enum pressure_level level; /* as of the last decision */
	uint64_t level_ms; /* when the level reached kill_level */
	uint64_t kill_ms; /* last proactive kill seen, for the cooldown */
	uint64_t oom_ms; /* last OOM kill seen */
	bool killed_once, oom_once;
	/*
	 * After a kill that could not start (no privilege, nothing to
	 * kill), none before this, monotonic ms, as earlyoom waits 10 s
	 * after a failed kill: retrying every tick only repeats it.
	 */
	uint64_t retry_ms;
};

struct kill_ctl_decision {
	enum kill_ctl_verdict verdict;
	uint32_t wait_ms; /* ask again within this, ms; UINT32_MAX: any */
};

void kill_ctl_init(struct kill_ctl *k);
struct kill_ctl_decision kill_ctl_decide(struct kill_ctl *k,
					 const struct pressure_config *cfg,
					 enum pressure_level level,
					 const struct pressure_sample *s,
					 bool dying, uint64_t now_ms);
/* The kill that was due could not start: back off KILL_CTL_RETRY_MS. */
void kill_ctl_failed(struct kill_ctl *k, uint64_t now_ms);
bool kill_ctl_due_now(const struct pressure_config *cfg,
		      const struct pressure_sample *s);

#endif /* _OOMQ_AGENT_KILL_CTL_H */
