// SPDX-License-Identifier: GPL-2.0
/*
 * pressure: levels with hysteresis over memory samples, and what the
 * loop should do about them.  Pure: no I/O, no allocation, no clock
 * (the caller passes the time), so every transition is unit-tested.
 *
 * Going up is immediate: a sample that meets a higher level's entry
 * thresholds moves there at once, since being late costs a frozen
 * machine.  Going down needs both the relaxed ("stay") thresholds of the
 * current level to fail and dwell_ms at the current level, since PSI's
 * avg10 lags and a level that flaps would re-rank for nothing.
 */
#include <errno.h>
#include <string.h>

#include "pressure.h"

static const char *const level_names[PRESSURE_NR_LEVELS] = {
	[PRESSURE_CALM] = "calm",
	[PRESSURE_ELEVATED] = "elevated",
	[PRESSURE_HIGH] = "high",
	[PRESSURE_CRITICAL] = "critical",
};

const char *pressure_level_name(enum pressure_level level)
{
	if ((unsigned int)level >= PRESSURE_NR_LEVELS)
		return "?";
	return level_names[level];
}

/**
 * pressure_config_default - fill @cfg with the defaults
 *
 * MemAvailable at 20/10/5 % of RAM, the last two only once swap is half
 * and nine tenths used; earlyoom's default is 10 % of both.  PSI some
 * avg10 at 10/25/50 %, full at 10/30 % for high/critical; systemd-oomd's
 * default limit is 60 % for a cgroup.  The proactive kill is off.
 */
void pressure_config_default(struct pressure_config *cfg)
{
	static const struct pressure_config def = {
		.enter = {
			[PRESSURE_ELEVATED] = { .mem_avail_pct = 20,
						.swap_free_pct = 100,
						.psi_some_pct = 10,
						.psi_full_pct = 0 },
			[PRESSURE_HIGH] = { .mem_avail_pct = 10,
					    .swap_free_pct = 50,
					    .psi_some_pct = 25,
					    .psi_full_pct = 10 },
			[PRESSURE_CRITICAL] = { .mem_avail_pct = 5,
						.swap_free_pct = 10,
						.psi_some_pct = 50,
						.psi_full_pct = 30 },
		},
		.mem_hyst_pct = 5,
		.psi_hyst_pct = 5,
		.dwell_ms = 10000,
		.trigger_level = PRESSURE_ELEVATED,
		.interval_ms = {
			[PRESSURE_CALM] = 25000,
			[PRESSURE_ELEVATED] = 5000,
			[PRESSURE_HIGH] = 2000,
			[PRESSURE_CRITICAL] = 500,
		},
		.queue_ttl_ms = 60000,
		.thrash_full_pct = 10,
		.thrash_mem_pct = 10,
		.thrash_pagein_per_s = PRESSURE_THRASH_PAGEIN_PER_S,
		.kill_enabled = false,
		.kill_level = PRESSURE_CRITICAL,
		.kill_delay_ms = 1000,
		.kill_cooldown_ms = 3000,
		.pause_enabled = false,
		.pause_at = { .mem_avail_pct = 10, .swap_free_pct = 100 },
		.watch_at = { .mem_avail_pct = 15, .swap_free_pct = 100 },
		.pause_gap_ms = 200,
		.resume_gap_ms = 300,
		.pause_max_ms = 60000,
		.pause_horizon_ms = 8000,
		.pause_sample_ms = 200,
	};

	*cfg = def;
}

static bool pct_ok(double v)
{
	return v >= 0 && v <= 100;
}

/**
 * pressure_config_check - is @cfg usable?
 * @why: set to a one-line reason on failure (static string)
 *
 * Return: 0, or -EINVAL with *@why naming the field.
 */
int pressure_config_check(const struct pressure_config *cfg, const char **why)
{
	*why = NULL;
	for (int l = PRESSURE_ELEVATED; l < PRESSURE_NR_LEVELS; l++) {
		const struct pressure_threshold *t = &cfg->enter[l];

		if (!pct_ok(t->mem_avail_pct) || !pct_ok(t->swap_free_pct) ||
		    !pct_ok(t->psi_some_pct) || !pct_ok(t->psi_full_pct)) {
			*why = "thresholds are percentages, 0 to 100";
			return -EINVAL;
		}
		if ((t->psi_some_pct > 0 &&
		     t->psi_some_pct <= cfg->psi_hyst_pct) ||
		    (t->psi_full_pct > 0 &&
		     t->psi_full_pct <= cfg->psi_hyst_pct)) {
			*why = "psi_hyst_pct must be below every PSI threshold";
			return -EINVAL;
		}
		if (!cfg->interval_ms[l]) {
			*why = "intervals must be above 0 ms";
			return -EINVAL;
		}
	}
	if (!pct_ok(cfg->thrash_full_pct) || !pct_ok(cfg->thrash_mem_pct)) {
		*why = "thrash thresholds are percentages, 0 to 100";
		return -EINVAL;
	}
	if (!pct_ok(cfg->mem_hyst_pct) || !pct_ok(cfg->psi_hyst_pct)) {
		*why = "hysteresis margins are percentage points, 0 to 100";
		return -EINVAL;
	}
	if (cfg->interval_ms[PRESSURE_CALM] < PRESSURE_CALM_MIN_MS) {
		*why = "the calm interval must be at least 10000 ms";
		return -EINVAL;
	}
	/* Even calm, a refresh must come before half the TTL is gone. */
	if (cfg->queue_ttl_ms &&
	    (cfg->queue_ttl_ms - 1) / 2 < PRESSURE_CALM_MIN_MS) {
		*why = "queue_ttl_ms must be 0 (no expiry) or above 20000 ms";
		return -EINVAL;
	}
	if ((unsigned int)cfg->trigger_level >= PRESSURE_NR_LEVELS) {
		*why = "trigger_level is not a level";
		return -EINVAL;
	}
	if (cfg->kill_level <= PRESSURE_CALM ||
	    (unsigned int)cfg->kill_level >= PRESSURE_NR_LEVELS) {
		*why = "kill_level must be elevated, high or critical";
		return -EINVAL;
	}
	if (cfg->pause_enabled &&
	    (!pct_ok(cfg->pause_at.mem_avail_pct) ||
	     !pct_ok(cfg->watch_at.mem_avail_pct) ||
	     cfg->watch_at.mem_avail_pct <= cfg->pause_at.mem_avail_pct ||
	     !cfg->pause_sample_ms || !cfg->pause_max_ms)) {
		*why = "pause: watch_at must be above pause_at, both 0 to "
		       "100 %, and pause_sample_ms and pause_max_ms above 0";
		return -EINVAL;
	}
	return 0;
}

/**
 * pressure_interval_ms - longest sleep at @level
 *
 * interval_ms[level], cut to below half the queue TTL, and never below
 * PRESSURE_CALM_MIN_MS while calm.
 */
uint32_t pressure_interval_ms(const struct pressure_config *cfg,
			      enum pressure_level level)
{
	uint32_t ms = cfg->interval_ms[level];

	if (cfg->queue_ttl_ms && ms > (cfg->queue_ttl_ms - 1) / 2)
		ms = (cfg->queue_ttl_ms - 1) / 2;
	if (level == PRESSURE_CALM && ms < PRESSURE_CALM_MIN_MS)
		ms = PRESSURE_CALM_MIN_MS;
	return ms ? ms : 1;
}

/* MemAvailable and SwapFree at or below @t's, plus @margin points? */
static bool memory_within(const struct pressure_threshold *t,
			  const struct pressure_sample *s, double margin)
{
	double mem, swap;

	if (t->mem_avail_pct <= 0 || !s->mem_total_kb)
		return false;
	mem = pressure_avail_pct(s);
	swap = s->swap_total_kb ? 100.0 * (double)s->swap_free_kb /
					  (double)s->swap_total_kb :
				  0;
	return mem <= t->mem_avail_pct + margin &&
	       swap <= t->swap_free_pct + margin;
}

/*
 * Until zram holds this much to measure its own compression ratio, its
 * free space wins no RAM: the data may not compress, and the kernel
 * swaps to it only at the end, so a ratio measured then comes too late
 * (agent_zram: 1:1 data reached the OOM within a second of zram's first
 * MiB, and an assumed 2:1 kept MemAvailable "fine" until then).
 */
#define ZRAM_RATIO_MIN_ORIG_KB 4096

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/**
 * pressure_effective - @s with zram counted as the RAM it is
 * @eff: @s, except that the zram devices' swap is taken out of SwapTotal
 *	and SwapFree, and what their free space could still win is added
 *	to MemAvailable
 *
 * A page swapped to zram frees its 4 KiB and takes its compressed size
 * (and the allocator's overhead) of RAM: mm_stat's mem_used_total over
 * orig_data_size of it.  So zram's free swap is worth that much less
 * RAM, nothing at all for data that does not compress, and "SwapFree"
 * on zram never runs out before RAM does: earlyoom's rule (both low)
 * then never fires while the machine freezes.  MemAvailable already
 * lacks what zram holds (zsmalloc's pages are neither free nor
 * reclaimable).  Past its mem_limit zram takes no more pages: the rest
 * of its swap is then worth nothing, neither swap nor RAM.  Without
 * zram, *@eff is *@s.
 */
void pressure_effective(const struct pressure_sample *s,
			struct pressure_sample *eff)
{
	uint64_t zfree, cost, room, left;
	bool ratio;

	*eff = *s;
	if (!s->zram_swap_total_kb)
		return;
	zfree = min_u64(s->zram_swap_free_kb, s->swap_free_kb);
	eff->swap_total_kb = s->swap_total_kb -
			     min_u64(s->zram_swap_total_kb, s->swap_total_kb);
	eff->swap_free_kb =
		min_u64(s->swap_free_kb - zfree, eff->swap_total_kb);
	ratio = s->zram_orig_kb >= ZRAM_RATIO_MIN_ORIG_KB &&
		s->zram_ram_kb < s->zram_orig_kb;
	if (s->zram_limit_kb) {
		/* What its RAM left under mem_limit stores, at its ratio. */
		left = s->zram_limit_kb > s->zram_ram_kb ?
			       s->zram_limit_kb - s->zram_ram_kb :
			       0;
		if (ratio)
			left = (uint64_t)((double)left *
					  (double)s->zram_orig_kb /
					  (double)s->zram_ram_kb);
		zfree = min_u64(zfree, left);
	}
	if (!ratio)
		cost = zfree; /* no ratio known yet, or nothing compresses */
	else
		cost = (uint64_t)((double)zfree * (double)s->zram_ram_kb /
				  (double)s->zram_orig_kb);
	room = s->mem_total_kb > s->mem_avail_kb ?
		       s->mem_total_kb - s->mem_avail_kb :
		       0;
	eff->mem_avail_kb += min_u64(zfree - cost, room);
}

/*
 * Memory at or below @t's (plus @margin points), as /proc/meminfo says
 * (earlyoom's rule) or with zram counted as RAM: the earlier of the two.
 */
static bool memory_short(const struct pressure_threshold *t,
			 const struct pressure_sample *s, double margin)
{
	struct pressure_sample eff;

	if (memory_within(t, s, margin))
		return true;
	if (!s->zram_swap_total_kb)
		return false;
	pressure_effective(s, &eff);
	return memory_within(t, &eff, margin);
}

/**
 * pressure_pages_coming_back - are pages read back in at the thrashing rate?
 *
 * Swap-ins and file refaults at thrash_pagein_per_s or more a second:
 * memory the kernel reclaimed is wanted again.  pressure_thrashing()
 * needs it; pause_ctl.c gives no credit for a job's end while it holds
 * (MemAvailable then counts a page cache the jobs are reading back).
 *
 * It counts only where the rate was read: /proc/vmstat is read near
 * thrashing only (pressure_wants_pagein(); never with thrashing off,
 * without PSI, or with a watched cgroup), and a sample without the read
 * has pagein_valid false: no.  That is right: pages come back at that
 * rate only once memory is short and tasks stall on them, and the read
 * starts well before, at half thrash_full_pct of PSI full or at twice
 * thrash_mem_pct of MemAvailable.
 */
bool pressure_pages_coming_back(const struct pressure_config *cfg,
				const struct pressure_sample *s)
{
	return s->pagein_valid && s->pagein_per_s >= cfg->thrash_pagein_per_s;
}

/**
 * pressure_pages_coming_back_part - ... so far in the rate's window?
 *
 * The same rate over the part of the window read since it began
 * (pagein_part over pagein_part_ms), once that part is @min_ms long:
 * what comes back now, before a whole window (SWAP_MEM_RATE_MS) says.
 */
bool pressure_pages_coming_back_part(const struct pressure_config *cfg,
				     const struct pressure_sample *s,
				     uint32_t min_ms)
{
	return s->pagein_part_ms >= min_ms &&
	       (uint64_t)s->pagein_part * 1000 >=
		       (uint64_t)cfg->thrash_pagein_per_s * s->pagein_part_ms;
}

/**
 * pressure_thrashing - stalled on pages coming back, with memory short?
 *
 * Thrashing with free swap (a large or slow swap device, or the page
 * cache's own refaults): SwapFree stays high while the machine stalls
 * on I/O, so the memory rule never holds.  Three things at once:
 * PSI full avg10 at thrash_full_pct says the stalls happened, the
 * page-in rate of the last second (swap-ins and file refaults, which
 * do not lag) says they still happen and are memory coming back, and
 * MemAvailable (zram counted as RAM) at thrash_mem_pct says memory is
 * short, so a burst of I/O on a machine with room does not kill.
 */
bool pressure_thrashing(const struct pressure_config *cfg,
			const struct pressure_sample *s)
{
	struct pressure_sample eff;

	if (cfg->thrash_full_pct <= 0 || cfg->thrash_mem_pct <= 0 ||
	    !s->psi_valid || !s->mem_total_kb ||
	    s->psi_full_avg10 < cfg->thrash_full_pct ||
	    !pressure_pages_coming_back(cfg, s))
		return false;
	pressure_effective(s, &eff);
	return pressure_avail_pct(&eff) <= cfg->thrash_mem_pct;
}

/**
 * pressure_wants_pagein - is the page-in rate worth its read?
 *
 * /proc/vmstat is the dearest file a sample reads (the kernel sums
 * every counter of every CPU for it), and its rate counts only for
 * pressure_pages_coming_back(): in pressure_thrashing(), only with PSI
 * full avg10 at thrash_full_pct and MemAvailable at thrash_mem_pct; in
 * pause_ctl.c's credit for a job's end, which a sample without the rate
 * does not refuse (pressure_pages_coming_back() says why that is
 * right).  It is read from either half way: full avg10 at half
 * thrash_full_pct, or MemAvailable (zram counted as RAM) at twice
 * thrash_mem_pct, so the rate has its base a second and more before
 * both can hold: avg10 moves a fifth of the way to each 2 s window's
 * share, and memory falling by as much again takes time too.  Without
 * PSI, or with thrashing off, never (nor with a watched cgroup: the
 * loop does not ask).
 */
bool pressure_wants_pagein(const struct pressure_config *cfg,
			   const struct pressure_sample *s)
{
	struct pressure_sample eff;

	if (cfg->thrash_full_pct <= 0 || cfg->thrash_mem_pct <= 0 ||
	    !s->psi_valid || !s->mem_total_kb)
		return false;
	if (s->psi_full_avg10 >= cfg->thrash_full_pct / 2)
		return true;
	pressure_effective(s, &eff);
	return pressure_avail_pct(&eff) <= 2 * cfg->thrash_mem_pct;
}

/*
 * Does @s meet level @l's thresholds, relaxed by the hysteresis margins
 * when @stay?  Memory with no MemTotal (an unread sample) never does.
 */
static bool meets(const struct pressure_config *cfg,
		  const struct pressure_sample *s, enum pressure_level l,
		  bool stay)
{
	const struct pressure_threshold *t = &cfg->enter[l];
	double ph = stay ? cfg->psi_hyst_pct : 0;

	if (l == PRESSURE_CALM)
		return true;
	if (memory_short(t, s, stay ? cfg->mem_hyst_pct : 0))
		return true;
	if (s->psi_valid) {
		if (t->psi_some_pct > 0 &&
		    s->psi_some_avg10 >= t->psi_some_pct - ph)
			return true;
		if (t->psi_full_pct > 0 &&
		    s->psi_full_avg10 >= t->psi_full_pct - ph)
			return true;
	}
	return false;
}

/* MemAvailable and SwapFree at or below @t's (pause.c's condition). */
bool pressure_memory_meets(const struct pressure_threshold *t,
			   const struct pressure_sample *s)
{
	return memory_within(t, s, 0);
}

/*
 * The same with zram counted as the RAM it is too (memory_short()): the
 * proactive kill's memory condition (kill_ctl_due_now()).
 */
bool pressure_memory_short(const struct pressure_threshold *t,
			   const struct pressure_sample *s)
{
	return memory_short(t, s, 0);
}

/* The highest level whose entry thresholds @s meets. */
static enum pressure_level target_level(const struct pressure_config *cfg,
					const struct pressure_sample *s)
{
	enum pressure_level l = PRESSURE_CRITICAL;

	while (l > PRESSURE_CALM && !meets(cfg, s, l, false))
		l--;
	if (s->triggers && l < cfg->trigger_level)
		l = cfg->trigger_level;
	if (l < cfg->kill_level && pressure_thrashing(cfg, s))
		l = cfg->kill_level;
	return l;
}

void pressure_init(struct pressure_state *st, const struct pressure_config *cfg,
		   uint64_t now_ms)
{
	(void)cfg;
	memset(st, 0, sizeof(*st));
	st->level = PRESSURE_CALM;
	st->entered_ms = now_ms;
}

/**
 * pressure_ranked - note a re-rank the loop did on its own
 *
 * pressure_update() already counts the re-ranks it asks for; call this
 * for every other (loop_pass() does: pausing's search for jobs, a kill,
 * a reload) so the next refresh is timed from it.
 */
void pressure_ranked(struct pressure_state *st, uint64_t now_ms)
{
	st->ranked_ms = now_ms;
	st->ranked_once = true;
}

static uint32_t min_u32(uint32_t a, uint64_t b)
{
	return b < a ? (uint32_t)b : a;
}

/*
 * How fast MemAvailable falls, KiB/s, measured from a sample at least
 * PRESSURE_FALL_SPAN_MS old and kept until the next such measure: a
 * wake-up right after a sample (the module's event for our own queue
 * write) sees no fall, and must not forget the one going on.
 */
static void measure_fall(struct pressure_state *st,
			 const struct pressure_sample *s, uint64_t now_ms)
{
	if (!s->mem_total_kb)
		return;
	if (st->have_prev && now_ms >= st->prev_ms &&
	    now_ms - st->prev_ms < PRESSURE_FALL_SPAN_MS)
		return;
	st->fall_kb_s = 0;
	if (st->have_prev && now_ms > st->prev_ms &&
	    s->mem_avail_kb < st->prev_avail_kb)
		st->fall_kb_s = (st->prev_avail_kb - s->mem_avail_kb) * 1000 /
				(now_ms - st->prev_ms);
	st->prev_avail_kb = s->mem_avail_kb;
	st->prev_ms = now_ms;
	st->have_prev = true;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/*
 * Half the time MemAvailable, falling at st->fall_kb_s, takes to reach
 * the line of the next level at or above the kill level (and above
 * @level) that it is still above;
 * UINT32_MAX when it is not falling or no line is left.  A level's
 * interval alone can sleep through a hog: at 10 MiB/s one passes from
 * 20 % of a 340 MiB machine to its OOM in 6 s, little more than the
 * elevated level's 5 s interval and the kill's delay together.
 */
static uint32_t fall_wait_ms(const struct pressure_state *st,
			     const struct pressure_config *cfg,
			     const struct pressure_sample *s,
			     enum pressure_level level)
{
	uint64_t eta;

	if (!st->fall_kb_s)
		return UINT32_MAX;
	/*
	 * Only the kill level's line and above: the levels below it only
	 * pace the re-ranking, and a pausing build hovers between them.
	 */
	for (int l = max_int((int)level + 1, (int)cfg->kill_level);
	     l < PRESSURE_NR_LEVELS; l++) {
		double line = (double)s->mem_total_kb *
			      cfg->enter[l].mem_avail_pct / 100.0;

		if (cfg->enter[l].mem_avail_pct <= 0 ||
		    (double)s->mem_avail_kb <= line)
			continue;
		eta = (s->mem_avail_kb - (uint64_t)line) * 1000 /
		      st->fall_kb_s / 2;
		if (eta < PRESSURE_FALL_MIN_MS)
			return PRESSURE_FALL_MIN_MS;
		return eta < UINT32_MAX ? (uint32_t)eta : UINT32_MAX;
	}
	return UINT32_MAX;
}

/*
 * The interval of the highest level above @level whose memory line
 * MemAvailable is at or below, whatever swap says: free swap (or zram
 * counted as RAM) holds the level below it, and can stop doing so
 * between two samples; UINT32_MAX when there is none.
 */
static uint32_t mem_line_wait_ms(const struct pressure_config *cfg,
				 const struct pressure_sample *s,
				 enum pressure_level level)
{
	if (!s->mem_total_kb)
		return UINT32_MAX;
	for (int l = PRESSURE_NR_LEVELS - 1; l > (int)level; l--)
		if (cfg->enter[l].mem_avail_pct > 0 &&
		    pressure_avail_pct(s) <= cfg->enter[l].mem_avail_pct)
			return pressure_interval_ms(cfg, l);
	return UINT32_MAX;
}

/*
 * How often the queue is refreshed at @level: its interval, but at
 * critical with memory not near its line, as at high: the kernel's OOM,
 * which the queue is for, is not near, and a refresh reads every
 * process.  So it is for the dwell after a kill gave memory back (the
 * bench's mix: 20 passes, 3 ms each, in the 10 s around the tab's kill,
 * 9 s of them at critical with 37 % of RAM available), and at critical
 * reached by stalls alone (a build thrashing its files while pausing
 * holds MemAvailable up, swap filling with half of it free: in one swap
 * load 96 of 114 passes came at critical with a fifth of RAM
 * available).  Near the line, a refresh every interval; and a level
 * change refreshes at once anyway.
 */
static uint32_t refresh_ms(const struct pressure_config *cfg,
			   const struct pressure_sample *s,
			   enum pressure_level level)
{
	if (level == PRESSURE_CRITICAL &&
	    !memory_short(&cfg->enter[PRESSURE_CRITICAL], s, cfg->mem_hyst_pct))
		return pressure_interval_ms(cfg, PRESSURE_HIGH);
	return pressure_interval_ms(cfg, level);
}

/**
 * pressure_update - feed one sample, get what to do
 * @st: the state, from pressure_init()
 * @cfg: checked thresholds
 * @s: the sample; s->kills and s->triggers count since the last call
 * @now_ms: monotonic ms (CLOCK_MONOTONIC), never going back
 *
 * When the answer says rerank, the loop is expected to re-rank now; the
 * refresh interval counts from this call.  wait_ms is how long the loop
 * may sleep before the next sample unless a PSI trigger or a netlink
 * event wakes it first: the level's interval less the time since the
 * last re-rank, or sooner while MemAvailable falls toward the kill
 * level's line (fall_wait_ms()) or is past a line that only swap holds
 * the level below (mem_line_wait_ms()).  The proactive kill's timing is
 * kill_ctl.c's.
 */
struct pressure_action pressure_update(struct pressure_state *st,
				       const struct pressure_config *cfg,
				       const struct pressure_sample *s,
				       uint64_t now_ms)
{
	struct pressure_action a = { .prev = st->level };
	enum pressure_level target = target_level(cfg, s);
	enum pressure_level level = st->level;
	uint32_t interval, refresh;

	if (now_ms < st->entered_ms) /* a clock that went back */
		st->entered_ms = now_ms;
	if (target > level) {
		level = target;
	} else if (target < level && now_ms - st->entered_ms >= cfg->dwell_ms) {
		/* Down to the highest level whose relaxed thresholds hold. */
		while (level > target && !meets(cfg, s, level, true))
			level--;
	}
	if (level != st->level) {
		st->level = level;
		st->entered_ms = now_ms;
	}
	a.level = level;
	a.changed = level != a.prev;

	interval = pressure_interval_ms(cfg, level);
	refresh = refresh_ms(cfg, s, level);
	a.rerank = a.changed || s->kills || !st->ranked_once ||
		   now_ms - st->ranked_ms >= refresh;
	if (a.rerank)
		pressure_ranked(st, now_ms);
	a.wait_ms = min_u32(interval, refresh - (now_ms - st->ranked_ms));
	measure_fall(st, s, now_ms);
	a.wait_ms = min_u32(a.wait_ms, fall_wait_ms(st, cfg, s, level));
	a.wait_ms = min_u32(a.wait_ms, mem_line_wait_ms(cfg, s, level));
	if (!a.wait_ms)
		a.wait_ms = 1;
	return a;
}
