/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pressure: "when to act".  A pure state machine over memory samples
 * (/proc/meminfo, PSI averages, PSI trigger firings) with hysteresis;
 * it tells the loop when to re-rank and how long to sleep.  Whether a
 * proactive kill is due is kill_ctl.c's question, whom to pick rank.c's
 * and policy.c's, not this file's.
 *
 * No allocation, no I/O, no clock: the loop reads /proc/meminfo
 * (proc_parse_meminfo_buf() over a descriptor opened once and a
 * preallocated buffer) and PSI (psi_read()), and passes the time.
 *
 * Typical use in the loop:
 *
 *	struct pressure_config cfg;
 *	struct pressure_state st;
 *
 *	pressure_config_default(&cfg);      (then the config file fills it)
 *	err = pressure_config_check(&cfg, &why);
 *	pressure_init(&st, &cfg, now_ms);
 *	for (;;) {
 *		... fill a struct pressure_sample ...
 *		act = pressure_update(&st, &cfg, &sample, now_ms);
 *		if (act.rerank) { rank; write /proc/oom; }
 *		... a rank for any other cause: pressure_ranked(&st, now_ms);
 *		kd = kill_ctl_decide(&kc, &cfg, act.level, &sample, ...);
 *		if (kd.verdict == KILL_CTL_NOW) kill_start(...);
 *		poll(fds, n, min(act.wait_ms, kd.wait_ms));
 *	}
 */
#ifndef _OOMQ_AGENT_PRESSURE_H
#define _OOMQ_AGENT_PRESSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pressure_level {
	PRESSURE_CALM,
	PRESSURE_ELEVATED, /* something is being reclaimed: rank more often */
	PRESSURE_HIGH, /* an OOM may come: keep the queue fresh */
	PRESSURE_CRITICAL, /* the freeze is near: proactive kill, if on */
	PRESSURE_NR_LEVELS
};

/*
 * Pages read back in per second (swap-ins and file refaults) that,
 * with PSI full and memory short, count as thrashing; see oomqd.conf.
 */
#define PRESSURE_THRASH_PAGEIN_PER_S 256u

/*
 * The shortest wait while MemAvailable falls toward the kill level's
 * line (pressure_update()), in ms: earlyoom's shortest sleep.
 */
#define PRESSURE_FALL_MIN_MS 100u
/* ... measured over this much time at least, in ms. */
#define PRESSURE_FALL_SPAN_MS 1000u

/* No periodic wake-up faster than this while calm, in ms. */
#define PRESSURE_CALM_MIN_MS 10000u

/*
 * Thresholds to enter one level (index ELEVATED..CRITICAL; the CALM
 * entry is unused).  A level is entered when its memory condition or
 * either of its PSI conditions holds:
 *   memory:  MemAvailable <= mem_avail_pct % of MemTotal
 *            and SwapFree <= swap_free_pct % of SwapTotal (no swap
 *            counts as 0 % free; 100 ignores swap)
 *   PSI:     some avg10 >= psi_some_pct, or full avg10 >= psi_full_pct
 *            (0 disables that PSI condition)
 */
struct pressure_threshold {
	double mem_avail_pct; /* percent of MemTotal, 0..100 */
	double swap_free_pct; /* percent of SwapTotal, 0..100 */
	double psi_some_pct; /* percent of wall time (avg10), 0: off */
	double psi_full_pct; /* percent of wall time (avg10), 0: off */
};

struct pressure_config {
	struct pressure_threshold enter[PRESSURE_NR_LEVELS];
	/*
	 * Hysteresis: a level is kept while its thresholds, relaxed by
	 * these margins, still hold (memory thresholds raised, PSI ones
	 * lowered), so a sample hovering at a threshold does not flap.
	 */
	double mem_hyst_pct; /* percentage points added to mem/swap */
	double psi_hyst_pct; /* percentage points taken from PSI */
	/* Minimum time at a level before going down, in ms (up is at once). */
	uint32_t dwell_ms;
	/* A PSI trigger firing raises the level to at least this one. */
	enum pressure_level trigger_level;
	/*
	 * Longest sleep at each level, in ms: the queue is re-ranked and
	 * rewritten at least this often.  CALM must be at least
	 * PRESSURE_CALM_MIN_MS.
	 */
	uint32_t interval_ms[PRESSURE_NR_LEVELS];
	/*
	 * The TTL the agent sets on the module's queue, in ms (0: none).
	 * Every interval is cut below ttl_ms / 2 so one refresh may be late
	 * and the queue is still fresh when the OOM comes.
	 */
	uint32_t queue_ttl_ms;
	/*
	 * Thrashing with free swap: the kill's memory condition also holds
	 * while PSI full avg10 >= thrash_full_pct, pages come back in at
	 * thrash_pagein_per_s or more, and MemAvailable is at or below
	 * thrash_mem_pct whatever SwapFree says (0 in either pct: off).
	 */
	double thrash_full_pct;
	double thrash_mem_pct;
	uint32_t thrash_pagein_per_s;
	/* Proactive kill (kill_ctl.c): off unless kill_enabled. */
	bool kill_enabled;
	enum pressure_level kill_level; /* kill at this level or above */
	uint32_t kill_delay_ms; /* time at kill_level before a kill, ms */
	uint32_t kill_cooldown_ms; /* between the end of one kill and the
				    * next, ms, so the freed memory shows */
	/*
	 * Pause (pause_ctl.c, pause.c): stop pausable queued processes
	 * with SIGSTOP so that the running ones' expected growth stays
	 * within MemAvailable above pause_at (memory thresholds only;
	 * pause_at is the reserve), continue them as that leaves room.
	 * Below watch_at, or while MemAvailable falls toward pause_at,
	 * the jobs are followed (pause_ctl_watch(): read every few
	 * seconds, memory sampled every pause_sample_ms); otherwise, and
	 * nobody stopped, pausing costs nothing.  Off unless pause_enabled.
	 */
	bool pause_enabled;
	struct pressure_threshold pause_at;
	struct pressure_threshold watch_at;
	uint32_t pause_gap_ms; /* between two stops, ms */
	uint32_t resume_gap_ms; /* after a stop or continue, before the
				 * next continue, ms */
	uint32_t pause_max_ms; /* no job stays stopped longer in all, ms */
	uint32_t pause_horizon_ms; /* a job's growth rate is its need over
				    * this long, before any job of its tool
				    * finished, ms */
	uint32_t pause_sample_ms; /* sample at least this often while
				   * memory is at watch_at or something is
				   * stopped, ms */
};

/*
 * One sample.  Fill the memory fields from /proc/meminfo (struct
 * proc_meminfo), the PSI ones from psi_read(); set psi_valid false when
 * PSI is absent.
 */
struct pressure_sample {
	uint64_t mem_total_kb; /* MemTotal, KiB */
	uint64_t mem_avail_kb; /* MemAvailable, KiB */
	uint64_t swap_total_kb; /* SwapTotal, KiB */
	uint64_t swap_free_kb; /* SwapFree, KiB */
	bool psi_valid;
	double psi_some_avg10; /* percent */
	double psi_full_avg10; /* percent */
	/*
	 * Swap on zram (swap_mem.c; all 0 without): the zram devices'
	 * part of SwapTotal and SwapFree, and what their mm_stat says they
	 * hold, uncompressed and in RAM.  pressure.c counts zram as the
	 * RAM it is, not as swap (pressure_effective()).
	 */
	uint64_t zram_swap_total_kb;
	uint64_t zram_swap_free_kb;
	uint64_t zram_orig_kb; /* orig_data_size */
	uint64_t zram_ram_kb; /* mem_used_total */
	uint64_t zram_limit_kb; /* mem_limit of all; 0: one has none */
	/* Pages read back in (pswpin + file refaults) per second over the
	 * last second or more; false when /proc/vmstat has no counters. */
	bool pagein_valid;
	uint32_t pagein_per_s;
	/*
	 * Pages read back since that rate's window, and over how long, ms
	 * (0: no base): what comes back now, before a window is whole.
	 */
	uint32_t pagein_part, pagein_part_ms;
	uint32_t triggers; /* PSI trigger firings since the last sample */
	uint32_t kills; /* OOM or proactive kills since the last sample */
	uint32_t oom_kills; /* of them, the kernel's (or events lost) */
	bool pause_spent; /* pausing has done all it can (loop_pause.c) */
};

struct pressure_state {
	enum pressure_level level;
	uint64_t entered_ms; /* when level was entered, monotonic ms */
	uint64_t ranked_ms; /* last re-rank (pressure_ranked()) */
	bool ranked_once;
	/* How fast MemAvailable falls (measure_fall()), and from what. */
	uint64_t fall_kb_s;
	uint64_t prev_avail_kb;
	uint64_t prev_ms;
	bool have_prev;
};

/* What the loop should do after a sample. */
struct pressure_action {
	enum pressure_level level; /* after this sample */
	enum pressure_level prev; /* before it */
	bool changed; /* level != prev */
	/* Re-rank and rewrite /proc/oom now: level changed, a kill was
	 * seen, the first pass, or the refresh interval passed. */
	bool rerank;
	uint32_t wait_ms; /* sleep at most this long, ms */
};

/* MemAvailable in percent of MemTotal; @s must have MemTotal. */
static inline double pressure_avail_pct(const struct pressure_sample *s)
{
	return 100.0 * (double)s->mem_avail_kb / (double)s->mem_total_kb;
}

void pressure_config_default(struct pressure_config *cfg);
int pressure_config_check(const struct pressure_config *cfg, const char **why);
void pressure_init(struct pressure_state *st, const struct pressure_config *cfg,
		   uint64_t now_ms);
struct pressure_action pressure_update(struct pressure_state *st,
				       const struct pressure_config *cfg,
				       const struct pressure_sample *s,
				       uint64_t now_ms);
void pressure_ranked(struct pressure_state *st, uint64_t now_ms);
bool pressure_memory_meets(const struct pressure_threshold *t,
			   const struct pressure_sample *s);
bool pressure_memory_short(const struct pressure_threshold *t,
			   const struct pressure_sample *s);
void pressure_effective(const struct pressure_sample *s,
			struct pressure_sample *eff);
bool pressure_pages_coming_back(const struct pressure_config *cfg,
				const struct pressure_sample *s);
bool pressure_pages_coming_back_part(const struct pressure_config *cfg,
				     const struct pressure_sample *s,
				     uint32_t min_ms);
bool pressure_thrashing(const struct pressure_config *cfg,
			const struct pressure_sample *s);
bool pressure_wants_pagein(const struct pressure_config *cfg,
			   const struct pressure_sample *s);
uint32_t pressure_interval_ms(const struct pressure_config *cfg,
			      enum pressure_level level);
const char *pressure_level_name(enum pressure_level level);

#endif /* _OOMQ_AGENT_PRESSURE_H */
