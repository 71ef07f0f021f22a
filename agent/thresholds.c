// SPDX-License-Identifier: GPL-2.0
/*
 * From the config file's few knobs to pressure.c's levels.
 *
 * The file speaks of three things a user can picture ("memory is low",
 * "memory is critical", "PSI says we stall"); pressure.c has four levels
 * with a memory and two PSI conditions each.  The mapping:
 *
 *   level      MemAvailable <=      SwapFree <=     PSI some >=   full >=
 *   elevated   2 x mem_low_pct      (ignored)       psi_some      off
 *   high       mem_low_pct          50 %            2.5 x some    full / 2
 *   critical   mem_critical_pct     swap_low_pct    5 x some      psi_full
 *
 * so the defaults of the file (10/5/10, PSI 10/5) give pressure.c's own
 * defaults, except "full" which the file sets lower on purpose.  Memory
 * counts only once swap is used up too (earlyoom's rule: with free swap
 * the kernel will not OOM yet), and zram's swap counts as the RAM it is
 * (pressure_effective()).  The same kill also comes at critical's PSI
 * full with MemAvailable at mem_low_pct and pages coming back in, free
 * swap or not (pressure_thrashing()).  PSI margins shrink to half the
 * smallest PSI threshold, since pressure.c needs every threshold above
 * its margin.
 * interval_s is the calm refresh; the shorter intervals under pressure
 * keep pressure.c's defaults, cut to the calm one.  pause_pct is the
 * reserve pausing keeps MemAvailable above, free swap or not (swapping
 * is the stall a stop avoids; pause_ctl.c); the jobs are followed from
 * twice that plus 10 points; 0 turns pausing off.
 */
#include <errno.h>

#include "thresholds.h"

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

int thresholds_from_policy(const struct policy *p, struct pressure_config *pc,
			   struct kill_config *kc, const char **why)
{
	const struct policy_thresholds *th = &p->th;
	struct pressure_threshold *el = &pc->enter[PRESSURE_ELEVATED];
	struct pressure_threshold *hi = &pc->enter[PRESSURE_HIGH];
	struct pressure_threshold *cr = &pc->enter[PRESSURE_CRITICAL];
	const struct kill_config kdef = KILL_CONFIG_DEFAULT;
	double some = th->psi_some_pct, full = th->psi_full_pct;

	pressure_config_default(pc);
	*kc = kdef;

	el->mem_avail_pct = min_d(100, 2.0 * th->mem_low_pct);
	el->swap_free_pct = 100;
	hi->mem_avail_pct = th->mem_low_pct;
	cr->mem_avail_pct = th->mem_critical_pct;
	cr->swap_free_pct = th->swap_low_pct;
	if (hi->swap_free_pct < cr->swap_free_pct)
		hi->swap_free_pct = cr->swap_free_pct;

	el->psi_some_pct = some;
	hi->psi_some_pct = min_d(100, 2.5 * some);
	cr->psi_some_pct = min_d(100, 5.0 * some);
	el->psi_full_pct = 0;
	hi->psi_full_pct = full / 2;
	cr->psi_full_pct = full;
	/* Margins below every PSI threshold (full / 2 is the smallest). */
	if (some > 0)
		pc->psi_hyst_pct = min_d(pc->psi_hyst_pct, some / 2);
	if (full > 0)
		pc->psi_hyst_pct = min_d(pc->psi_hyst_pct, full / 4);

	pc->interval_ms[PRESSURE_CALM] = p->interval_s * 1000u;
	for (int l = PRESSURE_ELEVATED; l < PRESSURE_NR_LEVELS; l++)
		if (pc->interval_ms[l] > pc->interval_ms[PRESSURE_CALM])
			pc->interval_ms[l] = pc->interval_ms[PRESSURE_CALM];
	pc->queue_ttl_ms = p->ttl_ms;

	/*
	 * Thrashing with free swap kills at critical's PSI full once
	 * MemAvailable is down to mem_low_pct, below the pause reserve:
	 * pausing goes first.
	 */
	pc->thrash_full_pct = full;
	pc->thrash_mem_pct = th->mem_low_pct;

	pc->kill_enabled = th->kill != 0;
	pc->kill_level = PRESSURE_CRITICAL;
	kc->grace_ms = th->kill_grace_ms;

	pc->pause_enabled = th->pause_pct != 0;
	if (pc->pause_enabled) {
		pc->pause_at.mem_avail_pct = th->pause_pct;
		/* Swapping is the stall a stop avoids: free swap or not. */
		pc->pause_at.swap_free_pct = 100;
		/*
		 * The jobs' growth is measured from well above the
		 * reserve, so that they are admitted before it is reached.
		 */
		pc->watch_at.mem_avail_pct = th->pause_pct * 2 + 10;
		if (pc->watch_at.mem_avail_pct > 100)
			pc->watch_at.mem_avail_pct = 100;
		pc->watch_at.swap_free_pct = 100;
	}
	pc->pause_max_ms = th->pause_max_s * 1000u;

	/* pressure.c's reasons name its fields; these two, the file's keys. */
	*why = NULL;
	if (pc->interval_ms[PRESSURE_CALM] < PRESSURE_CALM_MIN_MS) {
		*why = "[oomqd] interval_s must be at least 10 (seconds)";
		return -EINVAL;
	}
	if (pc->queue_ttl_ms &&
	    (pc->queue_ttl_ms - 1) / 2 < PRESSURE_CALM_MIN_MS) {
		*why = "[oomqd] ttl_ms must be 0 (no expiry) or above 20000, "
		       "twice the calm refresh";
		return -EINVAL;
	}
	return pressure_config_check(pc, why);
}
