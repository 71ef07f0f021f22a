// SPDX-License-Identifier: GPL-2.0
/*
 * kill_ctl: the proactive kill's timing; see kill_ctl.h.
 */
#include <string.h>

#include "kill_ctl.h"

void kill_ctl_init(struct kill_ctl *k)
{
	memset(k, 0, sizeof(*k));
	k->level = PRESSURE_CALM;
}

/*
 * Pausing has stopped all it can and memory is under its reserve while
 * the process beside the jobs grows (pause_ctl_down()), and pages come
 * back in at the thrashing rate: what the jobs read is being evicted
 * for that process's growth, and only its kill stops it.  Above the kill
 * level and without its delay: the pages come back now.  The rate over
 * the part of its window read so far counts, from KILL_CTL_PART_MS: a
 * whole window is a second, and the bench's mix, killed a window after
 * the pages began to come back, stalled its session for up to 146 ms
 * meanwhile.
 */
static bool beside_paused(const struct pressure_config *cfg,
			  const struct pressure_sample *s)
{
	return s->pause_spent &&
	       (pressure_pages_coming_back(cfg, s) ||
		pressure_pages_coming_back_part(cfg, s, KILL_CTL_PART_MS));
}

/**
 * kill_ctl_due_now - is memory itself at the kill level right now?
 *
 * The proactive kill's condition, at its start and before each step
 * (kill.c's callback).  PSI raises the level, so the queue is refreshed
 * often and the kernel follows it if it OOMs, but PSI alone does not
 * kill: avg10 still shows an overload's stalls seconds after it ended
 * (the scenario bench saw PSI full at 11-13% two seconds after
 * MemAvailable was back at three quarters of RAM), and a kill then
 * takes a process that no longer needs to die.  With memory short and
 * pages coming back in right now it does (pressure_thrashing()): that
 * rate does not lag.  zram's swap counts as the RAM it is
 * (pressure_memory_short()).  No hysteresis either: a kill stops as
 * soon as the memory shortage is gone.
 */
bool kill_ctl_due_now(const struct pressure_config *cfg,
		      const struct pressure_sample *s)
{
	for (int l = PRESSURE_NR_LEVELS - 1; l >= (int)cfg->kill_level; l--)
		if (pressure_memory_short(&cfg->enter[l], s))
			return true;
	return pressure_thrashing(cfg, s) || beside_paused(cfg, s);
}

/*
 * MemAvailable at half the kill level's line or below.  The delay keeps
 * a sample that dips to the line from killing; this far below it the
 * kill cannot wait: a hog at 10 MiB/s takes a 340 MiB machine from 5 %
 * to its OOM in under 2 s.
 */
static bool deep_below(const struct pressure_config *cfg,
		       const struct pressure_sample *s)
{
	double line = cfg->enter[cfg->kill_level].mem_avail_pct / 2;

	return s->mem_total_kb && pressure_avail_pct(s) <= line;
}

static uint32_t left_ms(uint32_t span, uint64_t spent)
{
	return (uint32_t)(span - spent);
}

/**
 * kill_ctl_decide - is the proactive kill due?
 * @k: the state, from kill_ctl_init()
 * @cfg: checked thresholds (kill_enabled, kill_level, the delay and
 *	 cooldown, the levels' memory thresholds)
 * @level: what pressure_update() made of @s
 * @s: the snapshot; s->kills counts kills seen since the last one
 * @dying: a victim of ours is still dying (kill_busy())
 * @now_ms: monotonic ms, never going back
 *
 * Call once for every pressure_update(): the time at kill_level counts
 * from the sample that reached it, and moving within the kill levels
 * keeps it.
 */
struct kill_ctl_decision kill_ctl_decide(struct kill_ctl *k,
					 const struct pressure_config *cfg,
					 enum pressure_level level,
					 const struct pressure_sample *s,
					 bool dying, uint64_t now_ms)
{
	struct kill_ctl_decision d = { KILL_CTL_NO, UINT32_MAX };
	bool beside = beside_paused(cfg, s);
	uint64_t at_level, since_kill;

	if (level != k->level && level >= cfg->kill_level &&
	    k->level < cfg->kill_level)
		k->level_ms = now_ms;
	k->level = level;
	if (s->kills > s->oom_kills) {
		k->kill_ms = now_ms;
		k->killed_once = true;
	} else if (s->kills) {
		k->oom_ms = now_ms;
		k->oom_once = true;
	}
	if (!cfg->kill_enabled || (level < cfg->kill_level && !beside) ||
	    !kill_ctl_due_now(cfg, s))
		return d;
	at_level = now_ms - k->level_ms;
	since_kill = now_ms - k->kill_ms;
	if (!beside && at_level < cfg->kill_delay_ms && !deep_below(cfg, s)) {
		d.verdict = KILL_CTL_NOT_YET;
		d.wait_ms = left_ms(cfg->kill_delay_ms, at_level);
	} else if (k->killed_once && since_kill < cfg->kill_cooldown_ms) {
		d.verdict = KILL_CTL_BACK_OFF;
		d.wait_ms = left_ms(cfg->kill_cooldown_ms, since_kill);
	} else if (k->oom_once && now_ms - k->oom_ms < KILL_CTL_OOM_MS) {
		d.verdict = KILL_CTL_BACK_OFF;
		d.wait_ms = left_ms(KILL_CTL_OOM_MS, now_ms - k->oom_ms);
	} else if (dying || now_ms < k->retry_ms) {
		/* kill.c times the dying victim; a retry waits for a tick. */
		d.verdict = KILL_CTL_BACK_OFF;
	} else {
		d.verdict = KILL_CTL_NOW;
	}
	return d;
}

void kill_ctl_failed(struct kill_ctl *k, uint64_t now_ms)
{
	k->retry_ms = now_ms + KILL_CTL_RETRY_MS;
}
