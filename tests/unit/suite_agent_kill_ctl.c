// SPDX-License-Identifier: GPL-2.0
/*
 * agent/kill_ctl.c on the shipped thresholds (policy_defaults() through
 * thresholds_from_policy(), as oomqd loads them), composed with
 * pressure.c as the loop composes them: a fake clock and a fake
 * /proc/meminfo, sample by sample.  When a proactive kill is due, not
 * before, the back-off after one, a victim that never dies and a reload
 * that changes the thresholds.
 */
#include <stdint.h>

#include "suites.h"
#include "../../agent/kill_ctl.h"
#include "../../agent/policy.h"
#include "../../agent/thresholds.h"

#define TOTAL_KB (1024ull * 1024) /* 1 GiB of RAM and 1 GiB of swap */

/* The loop's view: pressure.c's level, then kill_ctl.c's verdict. */
struct fake {
	struct policy pol;
	struct pressure_config pc;
	struct kill_config kc;
	struct pressure_state st;
	struct kill_ctl ctl;
	struct kill_ctl_decision d;
	uint64_t now;
	bool dying; /* kill_busy() of the loop's struct kill */
	uint32_t kills; /* seen since the last sample */
	uint32_t oom_kills; /* of them, the kernel's */
	bool spent; /* pausing has done all it can (loop_pause.c) */
	uint32_t pagein; /* pages read back a second, 0: not read */
	uint32_t part, part_ms; /* pages read back since its window */
};

static struct fake f;

static void load(void (*edit)(struct policy *p))
{
	const char *why;

	policy_defaults(&f.pol);
	if (edit)
		edit(&f.pol);
	ck_assert_int_eq(thresholds_from_policy(&f.pol, &f.pc, &f.kc, &why), 0);
}

static void start(void (*edit)(struct policy *p))
{
	f = (struct fake){ .now = 100000 };
	load(edit);
	pressure_init(&f.st, &f.pc, f.now);
	kill_ctl_init(&f.ctl);
}

/* One sample at @t ms after start: MemAvailable and SwapFree in %. */
static enum kill_ctl_verdict at(uint64_t t, double mem_pct, double swap_pct)
{
	struct pressure_sample s = {
		.mem_total_kb = TOTAL_KB,
		.mem_avail_kb = (uint64_t)(mem_pct * TOTAL_KB / 100),
		.swap_total_kb = TOTAL_KB,
		.swap_free_kb = (uint64_t)(swap_pct * TOTAL_KB / 100),
		.kills = f.kills,
		.oom_kills = f.oom_kills,
		.pagein_valid = f.pagein != 0,
		.pagein_per_s = f.pagein,
		.pagein_part = f.part,
		.pagein_part_ms = f.part_ms,
		.pause_spent = f.spent,
	};
	struct pressure_action a;

	ck_assert_uint_ge(100000 + t, f.now);
	f.now = 100000 + t;
	f.kills = f.oom_kills = 0;
	a = pressure_update(&f.st, &f.pc, &s, f.now);
	f.d = kill_ctl_decide(&f.ctl, &f.pc, a.level, &s, f.dying, f.now);
	return f.d.verdict;
}

#define NOW KILL_CTL_NOW
#define NO KILL_CTL_NO
#define NOT_YET KILL_CTL_NOT_YET
#define BACK_OFF KILL_CTL_BACK_OFF

/*
 * Shipped: a kill once MemAvailable and SwapFree are both at or below
 * 10 % (earlyoom's default), for kill_delay_ms; not one sample before,
 * never on one of them alone, never on PSI alone.
 */
START_TEST(test_ten_percent)
{
	start(NULL);
	ck_assert_int_eq(at(0, 50, 100), NO);
	ck_assert_int_eq(at(500, 10.5, 5), NO); /* swap gone, RAM not yet */
	ck_assert_int_eq(at(1000, 3, 10.5), NO); /* RAM gone, swap not */
	ck_assert_int_eq(at(1500, 10, 10), NOT_YET);
	ck_assert_uint_eq(f.d.wait_ms, f.pc.kill_delay_ms);
	ck_assert_int_eq(at(2000, 9, 9), NOT_YET);
	ck_assert_uint_eq(f.d.wait_ms, f.pc.kill_delay_ms - 500);
	ck_assert_int_eq(at(2499, 9, 9), NOT_YET);
	ck_assert_uint_eq(f.d.wait_ms, 1);
	ck_assert_int_eq(at(2500, 9, 9), NOW);

	/* PSI alone, memory plentiful, at critical: no kill. */
	start(NULL);
	{
		struct pressure_sample s = {
			.mem_total_kb = TOTAL_KB,
			.mem_avail_kb = TOTAL_KB / 2,
			.swap_total_kb = TOTAL_KB,
			.swap_free_kb = TOTAL_KB,
			.psi_valid = true,
			.psi_some_avg10 = 95,
			.psi_full_avg10 = 60,
		};

		for (uint64_t t = 0; t < 20000; t += 500) {
			struct pressure_action a =
				pressure_update(&f.st, &f.pc, &s, f.now + t);

			ck_assert_int_eq(a.level, PRESSURE_CRITICAL);
			ck_assert_int_eq(kill_ctl_decide(&f.ctl, &f.pc, a.level,
							 &s, false, f.now + t)
						 .verdict,
					 NO);
		}
	}
}
END_TEST

/* Half the line or below: no delay (a hog can reach the OOM within it). */
START_TEST(test_deep_below)
{
	start(NULL);
	ck_assert_int_eq(at(0, 50, 100), NO);
	ck_assert_int_eq(at(500, 6, 5), NOT_YET);
	ck_assert_int_eq(at(700, 5, 5), NOW);
	start(NULL);
	ck_assert_int_eq(at(0, 50, 100), NO);
	ck_assert_int_eq(at(500, 0, 9), NOW);
	/* The cooldown after a kill still holds. */
	f.kills = 1;
	ck_assert_int_eq(at(600, 0, 9), BACK_OFF);
}
END_TEST

/* Off (kill = off): the same samples never kill. */
static void kill_off(struct policy *p)
{
	p->th.kill = 0;
}

START_TEST(test_off)
{
	start(kill_off);
	for (uint64_t t = 0; t < 60000; t += 500)
		ck_assert_int_eq(at(t, 1, 1), NO);
}
END_TEST

/*
 * Pausing spent (every job it may stop stopped, memory under its reserve,
 * the process beside the jobs growing) and pages coming back at the
 * thrashing rate: a kill at once, well above the kill line; neither one
 * alone kills there.  The back-off after a kill and kill = off hold.
 */
START_TEST(test_beside_paused)
{
	uint32_t thrash, part;

	start(NULL);
	thrash = f.pc.thrash_pagein_per_s;
	ck_assert_int_eq(at(0, 50, 100), NO);
	f.spent = true;
	ck_assert_int_eq(at(200, 20, 100), NO); /* no pages coming back */
	f.pagein = thrash;
	ck_assert_int_eq(at(400, 20, 100), NOW);
	f.spent = false;
	ck_assert_int_eq(at(600, 20, 100), NO); /* thrashing alone: no */
	f.spent = true;
	f.pagein = thrash - 1;
	ck_assert_int_eq(at(800, 20, 100), NO); /* below the rate */
	f.pagein = thrash;
	f.kills = 1;
	ck_assert_int_eq(at(1000, 20, 100), BACK_OFF);

	/*
	 * Before a window of the rate is whole: its part read so far, from
	 * KILL_CTL_PART_MS on.
	 */
	start(NULL);
	f.spent = true;
	part = (thrash * KILL_CTL_PART_MS + 999) / 1000; /* at the rate */
	f.part = part;
	f.part_ms = KILL_CTL_PART_MS - 1;
	ck_assert_int_eq(at(0, 20, 100), NO);
	f.part_ms = KILL_CTL_PART_MS;
	f.part = part - 1;
	ck_assert_int_eq(at(100, 20, 100), NO);
	f.part = part;
	ck_assert_int_eq(at(200, 20, 100), NOW);

	start(kill_off);
	f.spent = true;
	f.pagein = thrash;
	ck_assert_int_eq(at(0, 20, 100), NO);
}
END_TEST

/*
 * After a kill the memory it frees takes a moment to show: none for
 * kill_cooldown_ms after a proactive kill is seen, KILL_CTL_OOM_MS after
 * the kernel's, whatever the samples say;
 * none while the victim is dying; none for KILL_CTL_RETRY_MS after a
 * kill that could not start.
 */
START_TEST(test_back_off)
{
	start(NULL);
	ck_assert_int_eq(at(0, 6, 5), NOT_YET);
	ck_assert_int_eq(at(1000, 5, 5), NOW);
	/* SIGTERM sent: the victim is dying. */
	f.dying = true;
	ck_assert_int_eq(at(1500, 4, 4), BACK_OFF);
	ck_assert_uint_eq(f.d.wait_ms, UINT32_MAX); /* kill.c times it */
	ck_assert_int_eq(at(3000, 4, 4), BACK_OFF);
	/* Gone: the loop counts the kill. */
	f.dying = false;
	f.kills = 1;
	ck_assert_int_eq(at(3100, 4, 4), BACK_OFF);
	ck_assert_uint_eq(f.d.wait_ms, f.pc.kill_cooldown_ms);
	ck_assert_int_eq(at(3100 + f.pc.kill_cooldown_ms - 1, 4, 4), BACK_OFF);
	ck_assert_uint_eq(f.d.wait_ms, 1);
	ck_assert_int_eq(at(3100 + f.pc.kill_cooldown_ms, 4, 4), NOW);
	/*
	 * An OOM kill the module reports: its memory shows at once, so
	 * KILL_CTL_OOM_MS, not the cooldown; with memory still short then,
	 * the next kill is ours, not the kernel's again in the stall.
	 */
	f.kills = f.oom_kills = 1;
	ck_assert_int_eq(at(7000, 4, 4), BACK_OFF);
	ck_assert_uint_eq(f.d.wait_ms, KILL_CTL_OOM_MS);
	ck_assert_int_eq(at(7000 + KILL_CTL_OOM_MS - 1, 4, 4), BACK_OFF);
	ck_assert_int_eq(at(7000 + KILL_CTL_OOM_MS, 4, 4), NOW);
	/* It does not shorten the cooldown of a proactive kill. */
	f.kills = 1;
	ck_assert_int_eq(at(8000, 4, 4), BACK_OFF);
	f.kills = f.oom_kills = 1;
	ck_assert_int_eq(at(8000 + KILL_CTL_OOM_MS, 4, 4), BACK_OFF);
	ck_assert_int_eq(at(8000 + f.pc.kill_cooldown_ms - 1, 4, 4), BACK_OFF);
	ck_assert_int_eq(at(8000 + f.pc.kill_cooldown_ms, 4, 4), NOW);

	/* Nothing to kill, or no privilege: 10 s before the next try. */
	start(NULL);
	ck_assert_int_eq(at(0, 6, 5), NOT_YET);
	ck_assert_int_eq(at(1000, 5, 5), NOW);
	kill_ctl_failed(&f.ctl, f.now);
	ck_assert_int_eq(at(1500, 5, 5), BACK_OFF);
	ck_assert_int_eq(at(1000 + KILL_CTL_RETRY_MS - 1, 5, 5), BACK_OFF);
	ck_assert_int_eq(at(1000 + KILL_CTL_RETRY_MS, 5, 5), NOW);
}
END_TEST

/*
 * A victim that never dies (D state, frozen, traced): kill.c gives up
 * reap_timeout_ms after SIGKILL and the loop counts it as a kill, so
 * the next victim goes a cooldown later, not at once and not never.
 * (Which victim is kill.c's kill_stuck(): suite_agent_kill.)
 */
START_TEST(test_victim_never_dies)
{
	uint64_t gave_up;

	start(NULL);
	gave_up = 1000 + f.kc.grace_ms + f.kc.reap_timeout_ms;
	ck_assert_int_eq(at(0, 6, 2), NOT_YET);
	ck_assert_int_eq(at(1000, 2, 2), NOW);
	f.dying = true;
	for (uint64_t t = 1500; t < gave_up; t += 500)
		ck_assert_int_eq(at(t, 2, 2), BACK_OFF);
	f.dying = false; /* -ETIMEDOUT: kill_reset(), kills++ */
	f.kills = 1;
	ck_assert_int_eq(at(gave_up, 2, 2), BACK_OFF);
	ck_assert_int_eq(at(gave_up + f.pc.kill_cooldown_ms - 1, 2, 2),
			 BACK_OFF);
	ck_assert_int_eq(at(gave_up + f.pc.kill_cooldown_ms, 2, 2), NOW);
}
END_TEST

static void critical_5(struct policy *p)
{
	p->th.mem_critical_pct = 5;
	p->th.swap_low_pct = 5;
}

static void critical_20(struct policy *p)
{
	p->th.mem_critical_pct = 20;
	p->th.swap_low_pct = 20;
}

/*
 * SIGHUP: the loop keeps both states and takes the new thresholds.  A
 * lower kill threshold calls a due kill off at once (the kill has no
 * hysteresis, the level has), a higher one makes one due; turned off
 * and on again, the time already spent at critical still counts.
 */
START_TEST(test_reload)
{
	start(NULL);
	ck_assert_int_eq(at(0, 8, 8), NOT_YET);
	load(critical_5);
	ck_assert_int_eq(at(500, 8, 8), NO);
	ck_assert_int_eq(f.st.level, PRESSURE_CRITICAL); /* 8 <= 5 + 5 */
	ck_assert_int_eq(at(5000, 8, 8), NO);
	ck_assert_int_eq(at(5500, 4, 4), NOW); /* critical since 0 */

	start(NULL);
	ck_assert_int_eq(at(0, 15, 15), NO);
	load(critical_20);
	ck_assert_int_eq(at(500, 15, 15), NOT_YET);
	ck_assert_int_eq(at(1500, 15, 15), NOW);

	start(kill_off);
	ck_assert_int_eq(at(0, 3, 3), NO);
	ck_assert_int_eq(at(5000, 3, 3), NO);
	load(NULL);
	ck_assert_int_eq(at(5500, 3, 3), NOW);
}
END_TEST

Suite *agent_kill_ctl_suite(void)
{
	Suite *s = suite_create("agent_kill_ctl");
	TCase *tc = tcase_create("kill_ctl");

	tcase_add_test(tc, test_ten_percent);
	tcase_add_test(tc, test_deep_below);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_beside_paused);
	tcase_add_test(tc, test_back_off);
	tcase_add_test(tc, test_victim_never_dies);
	tcase_add_test(tc, test_reload);
	suite_add_tcase(s, tc);
	return s;
}
