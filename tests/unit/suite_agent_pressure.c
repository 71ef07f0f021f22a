// SPDX-License-Identifier: GPL-2.0
/*
 * agent/pressure.c: level transitions with hysteresis and dwell, the
 * wake-up interval against the queue TTL, the proactive-kill timing
 * (kill_ctl.c, on pressure.c's levels as the loop composes them), and
 * the config check.  Times are made up: neither reads a clock.
 */
#include <errno.h>
#include <string.h>

#include "suites.h"
#include "../../agent/kill_ctl.h"
#include "../../agent/pressure.h"

#define TOTAL_KB 1000000ull /* 1 % of RAM is 10000 KiB */

#define CALM PRESSURE_CALM
#define ELEV PRESSURE_ELEVATED
#define HIGH PRESSURE_HIGH
#define CRIT PRESSURE_CRITICAL

/* One sample and what pressure_update() and kill_ctl_decide() answer. */
struct step {
	uint64_t t_ms;
	double avail_pct; /* MemAvailable, % of MemTotal */
	double swap_free_pct; /* -1: no swap */
	double some, full; /* PSI avg10, %; both -1: no PSI */
	uint32_t triggers, kills;
	int level;
	int rerank; /* 1, 0, or -1: don't care */
	int kill;
};

static struct pressure_sample make_sample(const struct step *s)
{
	struct pressure_sample x = {
		.mem_total_kb = TOTAL_KB,
		.mem_avail_kb = (uint64_t)(s->avail_pct * TOTAL_KB / 100),
		.psi_valid = s->some >= 0,
		.psi_some_avg10 = s->some,
		.psi_full_avg10 = s->full,
		.triggers = s->triggers,
		.kills = s->kills,
	};

	if (s->swap_free_pct >= 0) {
		x.swap_total_kb = TOTAL_KB;
		x.swap_free_kb = (uint64_t)(s->swap_free_pct * TOTAL_KB / 100);
	}
	return x;
}

static void run_steps(const struct pressure_config *cfg,
		      const struct step *steps, size_t n)
{
	struct pressure_state st;
	struct kill_ctl kc;

	pressure_init(&st, cfg, steps[0].t_ms);
	kill_ctl_init(&kc);
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		struct pressure_sample x = make_sample(s);
		struct pressure_action a =
			pressure_update(&st, cfg, &x, s->t_ms);
		struct kill_ctl_decision d =
			kill_ctl_decide(&kc, cfg, a.level, &x, false, s->t_ms);
		bool kill = d.verdict == KILL_CTL_NOW;
		uint32_t interval = pressure_interval_ms(cfg, a.level);

		ck_assert_msg((int)a.level == s->level,
			      "step %zu (t=%llu): level %s, want %s", i,
			      (unsigned long long)s->t_ms,
			      pressure_level_name(a.level),
			      pressure_level_name(s->level));
		ck_assert_msg(a.changed == (a.level != a.prev), "step %zu", i);
		if (s->rerank >= 0)
			ck_assert_msg(a.rerank == (bool)s->rerank,
				      "step %zu: rerank %d, want %d", i,
				      a.rerank, s->rerank);
		ck_assert_msg(kill == (bool)s->kill,
			      "step %zu: kill %d, want %d", i, kill, s->kill);
		if (d.wait_ms < a.wait_ms)
			a.wait_ms = d.wait_ms;
		/* Never a busy loop; never past the level's interval. */
		ck_assert_uint_ge(a.wait_ms, 1);
		ck_assert_uint_le(a.wait_ms, interval);
		if (a.level == CALM)
			ck_assert_uint_ge(interval, PRESSURE_CALM_MIN_MS);
		if (cfg->queue_ttl_ms)
			ck_assert_uint_lt(2 * (uint64_t)interval,
					  cfg->queue_ttl_ms);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Memory only, default thresholds: 20/10/5 %, +5 points to leave. */
static const struct step mem_steps[] = {
	{ 0, 50, -1, -1, -1, 0, 0, CALM, 1, 0 }, /* first pass ranks */
	{ 1000, 50, -1, -1, -1, 0, 0, CALM, 0, 0 },
	{ 2000, 19, -1, -1, -1, 0, 0, ELEV, 1, 0 }, /* up at once */
	{ 3000, 22, -1, -1, -1, 0, 0, ELEV, 0, 0 }, /* within hysteresis */
	{ 4000, 30, -1, -1, -1, 0, 0, ELEV, 0, 0 }, /* dwell: 10 s */
	{ 7000, 30, -1, -1, -1, 0, 0, ELEV, 1, 0 }, /* 5 s refresh */
	{ 11999, 30, -1, -1, -1, 0, 0, ELEV, 0, 0 },
	{ 12000, 30, -1, -1, -1, 0, 0, CALM, 1, 0 }, /* dwell over: down */
	{ 13000, 4, -1, -1, -1, 0, 0, CRIT, 1, 0 }, /* no swap: 0 % free */
	{ 14000, 8, -1, -1, -1, 0, 0, CRIT, 1, 0 }, /* 8 <= 5 + 5 */
	/* Memory back (a kill): the dwell, refreshed as at high. */
	{ 15000, 40, -1, -1, -1, 0, 0, CRIT, 0, 0 },
	{ 16000, 40, -1, -1, -1, 0, 0, CRIT, 1, 0 },
	{ 24000, 8, -1, -1, -1, 0, 0, CRIT, -1, 0 }, /* still stays */
	{ 25000, 12, -1, -1, -1, 0, 0, HIGH, 1, 0 }, /* 12 <= 10 + 5 */
	{ 26000, 40, -1, -1, -1, 0, 0, HIGH, -1, 0 }, /* dwell again */
	{ 35000, 40, -1, -1, -1, 0, 0, CALM, 1, 0 }, /* straight to calm */
};

START_TEST(test_mem_hysteresis)
{
	struct pressure_config cfg;

	pressure_config_default(&cfg);
	run_steps(&cfg, mem_steps, N(mem_steps));
}
END_TEST

/* Swap plenty of free: low MemAvailable alone is only elevated. */
static const struct step swap_steps[] = {
	{ 0, 4, 80, -1, -1, 0, 0, ELEV, 1, 0 },
	{ 1000, 4, 40, -1, -1, 0, 0, HIGH, 1, 0 }, /* swap <= 50 % */
	{ 2000, 4, 9, -1, -1, 0, 0, CRIT, 1, 0 }, /* swap <= 10 % */
	{ 3000, 4, 14, -1, -1, 0, 0, CRIT, 1, 0 }, /* 14 <= 10 + 5 */
	{ 3400, 4, 14, -1, -1, 0, 0, CRIT, 0, 0 }, /* 500 ms refresh */
	{ 3500, 4, 14, -1, -1, 0, 0, CRIT, 1, 0 },
};

START_TEST(test_swap)
{
	struct pressure_config cfg;

	pressure_config_default(&cfg);
	run_steps(&cfg, swap_steps, N(swap_steps));
}
END_TEST

/* PSI avg10 and trigger firings, memory calm. */
static const struct step psi_steps[] = {
	{ 0, 80, -1, 0, 0, 0, 0, CALM, 1, 0 },
	{ 500, 80, -1, 0, 0, 1, 0, ELEV, 1, 0 }, /* a trigger fired */
	{ 1000, 80, -1, 12, 0, 0, 0, ELEV, 0, 0 },
	{ 2000, 80, -1, 26, 0, 0, 0, HIGH, 1, 0 }, /* some >= 25 */
	{ 3000, 80, -1, 20, 31, 0, 0, CRIT, 1, 0 }, /* full >= 30 */
	{ 3499, 80, -1, 46, 26, 0, 0, CRIT, 0, 0 }, /* some >= 50 - 5 */
	/* Memory far from its line: refreshed as at high, every 2 s. */
	{ 4000, 80, -1, 46, 26, 0, 0, CRIT, 0, 0 },
	{ 5000, 80, -1, 46, 26, 0, 0, CRIT, 1, 0 },
	/* Near it (within the 5 points of hysteresis): every 500 ms. */
	{ 5400, 10, -1, 46, 26, 0, 0, CRIT, 0, 0 },
	{ 5500, 10, -1, 46, 26, 0, 0, CRIT, 1, 0 },
	{ 12999, 80, -1, 44, 24, 0, 0, CRIT, -1, 0 }, /* dwell */
	{ 13000, 80, -1, 44, 24, 0, 0, HIGH, 1, 0 },
	{ 24000, 80, -1, 4, 0, 0, 0, CALM, 1, 0 },
	/* No PSI at all: memory decides. */
	{ 25000, 80, -1, -1, -1, 0, 0, CALM, 0, 0 },
};

START_TEST(test_psi)
{
	struct pressure_config cfg;

	pressure_config_default(&cfg);
	run_steps(&cfg, psi_steps, N(psi_steps));
}
END_TEST

/* Proactive kill: 1 s at critical first, 3 s between kills. */
static const struct step kill_steps[] = {
	{ 0, 50, -1, -1, -1, 0, 0, CALM, 1, 0 },
	{ 1000, 3, -1, -1, -1, 0, 0, CRIT, 1, 0 }, /* delay starts */
	{ 1999, 3, -1, -1, -1, 0, 0, CRIT, 1, 0 },
	{ 2000, 3, -1, -1, -1, 0, 0, CRIT, 0, 1 }, /* due */
	{ 2100, 3, -1, -1, -1, 0, 1, CRIT, 1, 0 }, /* killed: cooldown */
	{ 5099, 3, -1, -1, -1, 0, 0, CRIT, -1, 0 },
	{ 5100, 3, -1, -1, -1, 0, 0, CRIT, -1, 1 },
	/* Kept at critical by hysteresis only: no kill. */
	{ 5200, 8, -1, -1, -1, 0, 0, CRIT, -1, 0 },
	{ 5300, 3, -1, -1, -1, 0, 0, CRIT, -1, 1 },
};

START_TEST(test_kill_timing)
{
	struct pressure_config cfg;

	pressure_config_default(&cfg);
	cfg.kill_enabled = true;
	run_steps(&cfg, kill_steps, N(kill_steps));
	/* Off by default: the same samples never kill. */
	cfg.kill_enabled = false;
	for (size_t i = 0; i < N(kill_steps); i++) {
		struct pressure_state st;
		struct kill_ctl kc;
		struct pressure_sample x = make_sample(&kill_steps[i]);
		struct pressure_action a;

		pressure_init(&st, &cfg, 0);
		kill_ctl_init(&kc);
		a = pressure_update(&st, &cfg, &x, 10000);
		ck_assert_int_eq(kill_ctl_decide(&kc, &cfg, a.level, &x, false,
						 10000)
					 .verdict,
				 KILL_CTL_NO);
	}
}
END_TEST

START_TEST(test_wait)
{
	struct pressure_config cfg;
	struct pressure_state st;
	struct step calm = { 0, 50, -1, -1, -1, 0, 0, CALM, 1, 0 };
	struct pressure_sample x = make_sample(&calm);
	struct pressure_action a;

	pressure_config_default(&cfg);
	pressure_init(&st, &cfg, 100000);
	a = pressure_update(&st, &cfg, &x, 100000);
	ck_assert(a.rerank);
	ck_assert_uint_eq(a.wait_ms, 25000);
	/* Woken early (a netlink event): sleep the rest, no re-rank. */
	a = pressure_update(&st, &cfg, &x, 110000);
	ck_assert(!a.rerank);
	ck_assert_uint_eq(a.wait_ms, 15000);
	/* A kill re-ranks at once whatever the level. */
	x.kills = 1;
	a = pressure_update(&st, &cfg, &x, 111000);
	ck_assert(a.rerank);
	ck_assert_uint_eq(a.wait_ms, 25000);
}
END_TEST

/* Falling memory is sampled before it can cross the next line unseen. */
/* One sample: MemAvailable and SwapFree (-1: no swap) in %, at @t_ms. */
static struct pressure_action sample_at(struct pressure_state *st,
					const struct pressure_config *cfg,
					double avail_pct, double swap_pct,
					uint64_t t_ms)
{
	struct step at = { t_ms, avail_pct, swap_pct, -1, -1, 0, 0, 0, 0, 0 };
	struct pressure_sample x = make_sample(&at);

	return pressure_update(st, cfg, &x, t_ms);
}

START_TEST(test_wait_falling)
{
	struct pressure_config cfg;
	struct pressure_state st;
	struct pressure_action a;

	pressure_config_default(&cfg);
	pressure_init(&st, &cfg, 0);
	a = sample_at(&st, &cfg, 50, -1, 0);
	ck_assert_uint_eq(a.wait_ms, 25000);
	/*
	 * 10 % a second, 35 points above the kill level's (critical's)
	 * line: 3.5 s, halved; the lines below it only pace re-ranking.
	 */
	a = sample_at(&st, &cfg, 40, -1, 1000);
	ck_assert(!a.rerank);
	ck_assert_uint_eq(a.level, CALM);
	ck_assert_uint_eq(a.wait_ms, 1750);
	/* Woken at once (our own queue write's event): the fall stands. */
	a = sample_at(&st, &cfg, 40, -1, 1002);
	ck_assert_uint_eq(a.wait_ms, 1750);
	a = sample_at(&st, &cfg, 30, -1, 2000);
	ck_assert_uint_eq(a.wait_ms, 1250);
	a = sample_at(&st, &cfg, 30, -1, 2500);
	ck_assert_uint_eq(a.wait_ms, 1250);
	/* Rising over a second: the level's interval again. */
	a = sample_at(&st, &cfg, 35, -1, 3000);
	ck_assert_uint_eq(a.wait_ms, 22000);
	/* Free swap holds the level below high's line, memory already
	 * past it: critical's line (5 %) is the one that counts. */
	a = sample_at(&st, &cfg, 15, 80, 4000);
	ck_assert_uint_eq(a.level, ELEV);
	a = sample_at(&st, &cfg, 8, 80, 5000);
	ck_assert_uint_eq(a.level, ELEV);
	ck_assert_uint_eq(a.wait_ms, 214); /* 3 points at 7 a second, / 2 */
	/* Never a busy loop, however fast it falls. */
	a = sample_at(&st, &cfg, 6, 80, 5001);
	ck_assert_uint_eq(a.wait_ms, PRESSURE_FALL_MIN_MS);
	/* Past every line, held at elevated by free swap alone: as often
	 * as at the level memory alone would give. */
	a = sample_at(&st, &cfg, 4, 80, 5100);
	ck_assert_uint_eq(a.level, ELEV);
	ck_assert_uint_eq(a.wait_ms, pressure_interval_ms(&cfg, CRIT));
	a = sample_at(&st, &cfg, 7, 80, 7000);
	ck_assert_uint_eq(a.wait_ms, pressure_interval_ms(&cfg, HIGH));
}
END_TEST

START_TEST(test_interval_ttl)
{
	struct pressure_config cfg;

	pressure_config_default(&cfg);
	cfg.queue_ttl_ms = 30000;
	cfg.interval_ms[CALM] = 60000;
	cfg.interval_ms[ELEV] = 20000;
	/* Below half the TTL, strictly. */
	ck_assert_uint_eq(pressure_interval_ms(&cfg, CALM), 14999);
	ck_assert_uint_eq(pressure_interval_ms(&cfg, ELEV), 14999);
	ck_assert_uint_eq(pressure_interval_ms(&cfg, HIGH), 2000);
	cfg.queue_ttl_ms = 0;
	ck_assert_uint_eq(pressure_interval_ms(&cfg, CALM), 60000);
	/* The calm floor wins over a small setting. */
	cfg.interval_ms[CALM] = 1000;
	ck_assert_uint_eq(pressure_interval_ms(&cfg, CALM),
			  PRESSURE_CALM_MIN_MS);
}
END_TEST

START_TEST(test_kill_due_now)
{
	struct pressure_config cfg;
	struct step s = { 0, 4, -1, -1, -1, 0, 0, 0, 0, 0 };
	struct pressure_sample x;

	pressure_config_default(&cfg);
	x = make_sample(&s);
	ck_assert(kill_ctl_due_now(&cfg, &x));
	s.avail_pct = 8;
	x = make_sample(&s);
	ck_assert(!kill_ctl_due_now(&cfg, &x));
	cfg.kill_level = HIGH;
	ck_assert(kill_ctl_due_now(&cfg, &x));
	cfg.kill_level = CRIT;
	/* PSI alone, memory plentiful: critical, but no kill. */
	s.avail_pct = 75;
	s.some = 90;
	s.full = 40;
	x = make_sample(&s);
	ck_assert(!kill_ctl_due_now(&cfg, &x));
	/* An unread sample (no MemTotal) is no pressure. */
	memset(&x, 0, sizeof(x));
	ck_assert(!kill_ctl_due_now(&cfg, &x));
}
END_TEST

/*
 * The scenario bench's case: an overload just ended, PSI avg10 still
 * far above its thresholds, MemAvailable back: the level stays up for
 * a while, but nothing is killed.
 */
static const struct step psi_tail_steps[] = {
	{ 0, 50, -1, 0, 0, 0, 0, CALM, 1, 0 },
	{ 1000, 75, -1, 60, 12, 0, 0, CRIT, 1, 0 },
	{ 2500, 75, -1, 60, 12, 0, 0, CRIT, -1, 0 },
	{ 5000, 75, -1, 55, 11, 0, 0, CRIT, -1, 0 },
};

START_TEST(test_no_kill_on_psi_tail)
{
	struct pressure_config cfg;

	pressure_config_default(&cfg);
	cfg.kill_enabled = true;
	run_steps(&cfg, psi_tail_steps, N(psi_tail_steps));
}
END_TEST

struct bad_config {
	void (*edit)(struct pressure_config *cfg);
	const char *why;
};

static void calm_fast(struct pressure_config *c)
{
	c->interval_ms[CALM] = 9999;
}
static void ttl_short(struct pressure_config *c)
{
	c->queue_ttl_ms = 20000;
}
static void pct_range(struct pressure_config *c)
{
	c->enter[HIGH].mem_avail_pct = 101;
}
static void hyst_psi(struct pressure_config *c)
{
	c->psi_hyst_pct = 10;
}
static void zero_interval(struct pressure_config *c)
{
	c->interval_ms[CRIT] = 0;
}
static void kill_calm(struct pressure_config *c)
{
	c->kill_level = CALM;
}
static void trigger_level(struct pressure_config *c)
{
	c->trigger_level = PRESSURE_NR_LEVELS;
}

static const struct bad_config bad_configs[] = {
	{ calm_fast, "at least 10000 ms" },
	{ ttl_short, "above 20000 ms" },
	{ pct_range, "0 to 100" },
	{ hyst_psi, "below every PSI threshold" },
	{ zero_interval, "above 0 ms" },
	{ kill_calm, "kill_level" },
	{ trigger_level, "trigger_level" },
};

START_TEST(test_config_bad)
{
	struct pressure_config cfg;
	const char *why;

	pressure_config_default(&cfg);
	bad_configs[_i].edit(&cfg);
	ck_assert_int_eq(pressure_config_check(&cfg, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, bad_configs[_i].why),
		      "got \"%s\", want \"%s\"", why, bad_configs[_i].why);
}
END_TEST

START_TEST(test_config_default)
{
	struct pressure_config cfg;
	const char *why = "x";

	pressure_config_default(&cfg);
	ck_assert_int_eq(pressure_config_check(&cfg, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert(!cfg.kill_enabled);
	cfg.queue_ttl_ms = 20001; /* (20001 - 1) / 2 = 10000: just fits */
	ck_assert_int_eq(pressure_config_check(&cfg, &why), 0);
	ck_assert_str_eq(pressure_level_name(CRIT), "critical");
	ck_assert_str_eq(pressure_level_name(PRESSURE_NR_LEVELS), "?");
}
END_TEST

Suite *agent_pressure_suite(void)
{
	Suite *s = suite_create("agent_pressure");
	TCase *tc = tcase_create("pressure");

	tcase_add_test(tc, test_mem_hysteresis);
	tcase_add_test(tc, test_swap);
	tcase_add_test(tc, test_psi);
	tcase_add_test(tc, test_kill_timing);
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_wait_falling);
	tcase_add_test(tc, test_interval_ttl);
	tcase_add_test(tc, test_kill_due_now);
	tcase_add_test(tc, test_no_kill_on_psi_tail);
	tcase_add_test(tc, test_config_default);
	tcase_add_loop_test(tc, test_config_bad, 0, N(bad_configs));
	suite_add_tcase(s, tc);
	return s;
}
