// SPDX-License-Identifier: GPL-2.0
/*
 * agent/thresholds.c: the config file's knobs onto pressure.c's levels
 * and kill.c's config, and the errors `oomqd --check` reports for
 * combinations pressure_config_check() refuses.
 */
#include <errno.h>
#include <string.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/thresholds.h"

#define ELEV PRESSURE_ELEVATED
#define HIGH PRESSURE_HIGH
#define CRIT PRESSURE_CRITICAL

static struct policy pol;

static int map(const char *conf, struct pressure_config *pc,
	       struct kill_config *kc, const char **why)
{
	policy_defaults(&pol);
	ck_assert_int_eq(policy_parse_buf(&pol, conf, strlen(conf)), 0);
	return thresholds_from_policy(&pol, pc, kc, why);
}

static void teardown(void)
{
	policy_free(&pol);
}

/*
 * The file's defaults: pressure.c's defaults but for PSI full, and
 * critical at earlyoom's 10 % with the proactive kill on, as shipped.
 */
START_TEST(test_defaults)
{
	struct pressure_config pc, def;
	struct kill_config kc;
	const char *why = "unset";

	ck_assert_int_eq(map("", &pc, &kc, &why), 0);
	ck_assert_ptr_null(why);
	pressure_config_default(&def);
	for (int l = ELEV; l <= CRIT; l++) {
		ck_assert_double_eq(pc.enter[l].mem_avail_pct,
				    l == CRIT ? 10 :
						def.enter[l].mem_avail_pct);
		ck_assert_double_eq(pc.enter[l].swap_free_pct,
				    def.enter[l].swap_free_pct);
		ck_assert_double_eq(pc.enter[l].psi_some_pct,
				    def.enter[l].psi_some_pct);
	}
	ck_assert_double_eq(pc.enter[ELEV].psi_full_pct, 0);
	ck_assert_double_eq(pc.enter[HIGH].psi_full_pct, 2.5);
	ck_assert_double_eq(pc.enter[CRIT].psi_full_pct, 5);
	/* Below every PSI threshold, or pressure_config_check() refuses. */
	ck_assert_double_eq(pc.psi_hyst_pct, 1.25);
	ck_assert_uint_eq(pc.interval_ms[PRESSURE_CALM], 10000);
	ck_assert_uint_eq(pc.interval_ms[CRIT], def.interval_ms[CRIT]);
	ck_assert_uint_eq(pc.queue_ttl_ms, 60000);
	ck_assert(pc.kill_enabled);
	ck_assert_int_eq(pc.kill_level, CRIT);
	ck_assert_uint_eq(kc.grace_ms, 2000);
	ck_assert(pc.pause_enabled);
	ck_assert_double_eq(pc.pause_at.mem_avail_pct, 15);
}
END_TEST

START_TEST(test_values)
{
	static const char conf[] = "[oomqd]\n"
				   "ttl_ms = 0\n"
				   "interval_s = 30\n"
				   "[thresholds]\n"
				   "mem_low_pct = 60\n"
				   "mem_critical_pct = 3\n"
				   "swap_low_pct = 80\n"
				   "psi_some_pct = 30\n"
				   "psi_full_pct = 0\n"
				   "kill = on\n"
				   "kill_grace_ms = 0\n";
	struct pressure_config pc;
	struct kill_config kc;
	const char *why;

	ck_assert_int_eq(map(conf, &pc, &kc, &why), 0);
	ck_assert_double_eq(pc.enter[ELEV].mem_avail_pct, 100); /* capped */
	ck_assert_double_eq(pc.enter[HIGH].mem_avail_pct, 60);
	ck_assert_double_eq(pc.enter[CRIT].mem_avail_pct, 3);
	ck_assert_double_eq(pc.enter[CRIT].swap_free_pct, 80);
	/* High never asks less of swap than critical. */
	ck_assert_double_eq(pc.enter[HIGH].swap_free_pct, 80);
	ck_assert_double_eq(pc.enter[ELEV].psi_some_pct, 30);
	ck_assert_double_eq(pc.enter[HIGH].psi_some_pct, 75);
	ck_assert_double_eq(pc.enter[CRIT].psi_some_pct, 100); /* capped */
	ck_assert_double_eq(pc.enter[CRIT].psi_full_pct, 0); /* off */
	ck_assert_double_eq(pc.psi_hyst_pct, 5);
	ck_assert_uint_eq(pc.interval_ms[PRESSURE_CALM], 30000);
	ck_assert_uint_eq(pc.queue_ttl_ms, 0);
	ck_assert(pc.kill_enabled);
	ck_assert_uint_eq(kc.grace_ms, 0);
}
END_TEST

/* What pressure_config_check() refuses reaches --check as -EINVAL. */
static const struct {
	const char *conf;
	const char *why; /* a word of the reason */
} bad_cases[] = {
	{ "[oomqd]\ninterval_s = 5\n", "interval_s" },
	{ "[oomqd]\nttl_ms = 15000\n", "ttl_ms" },
	{ "[oomqd]\nttl_ms = 20000\n", "ttl_ms" },
};

START_TEST(test_refused)
{
	struct pressure_config pc;
	struct kill_config kc;
	const char *why = NULL;

	ck_assert_int_eq(map(bad_cases[_i].conf, &pc, &kc, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, bad_cases[_i].why));
}
END_TEST

/* Small PSI thresholds shrink the margin instead of failing. */
START_TEST(test_small_psi)
{
	struct pressure_config pc;
	struct kill_config kc;
	const char *why;

	ck_assert_int_eq(map("[thresholds]\npsi_some_pct = 1\n"
			     "psi_full_pct = 1\n",
			     &pc, &kc, &why),
			 0);
	ck_assert_double_lt(pc.psi_hyst_pct, pc.enter[HIGH].psi_full_pct);
	ck_assert_double_lt(pc.psi_hyst_pct, pc.enter[ELEV].psi_some_pct);
}
END_TEST

Suite *agent_thresholds_suite(void)
{
	Suite *s = suite_create("agent_thresholds");
	TCase *tc = tcase_create("map");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	tcase_add_loop_test(tc, test_refused, 0, ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_small_psi);
	suite_add_tcase(s, tc);
	return s;
}
