// SPDX-License-Identifier: GPL-2.0
/*
 * agent/metrics.c: the exposition text (exactly, and promtool-clean
 * when promtool is installed), the counters the notices move, the
 * atomic write, the write's rate and the metrics_dir config keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/metrics.h"
#include "../../agent/policy.h"

static void filled(struct metrics *m)
{
	struct notice kill = { .kind = NOTICE_OOM_KILL,
			       .choice = NOTICE_CHOICE_QUEUE,
			       .scope = "global" };
	struct pressure_sample s = { .mem_total_kb = 1024,
				     .mem_avail_kb = 512,
				     .swap_total_kb = 0,
				     .swap_free_kb = 0,
				     .psi_valid = true,
				     .psi_some_avg10 = 12.5,
				     .psi_full_avg10 = 1 };

	memset(m, 0, sizeof(*m));
	metrics_note(m, &kill);
	metrics_note(m, &kill);
	kill.choice = NOTICE_CHOICE_KERNEL;
	kill.scope = "memcg";
	metrics_note(m, &kill);
	kill.scope = NULL; /* a module that did not say */
	metrics_note(m, &kill);
	metrics_note(m, &(struct notice){ .kind = NOTICE_KILL });
	metrics_note(m, &(struct notice){ .kind = NOTICE_KILLED });
	metrics_note(m, &(struct notice){ .kind = NOTICE_PAUSE, .jobs = 1 });
	metrics_note(m, &(struct notice){ .kind = NOTICE_PAUSE, .jobs = 2 });
	metrics_note(m, &(struct notice){ .kind = NOTICE_CONTINUE,
					  .jobs = 1,
					  .stopped_ms = 2500 });
	metrics_pass(m, 1500, 32, 10000);
	metrics_sample(m, &s, PRESSURE_HIGH);
}

START_TEST(test_format)
{
	static char buf[METRICS_BUF_LEN];
	struct metrics m;
	int len;

	filled(&m);
	len = metrics_format(&m, 12000, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(strlen(buf), (size_t)len);
	ck_assert_ptr_nonnull(strstr(
		buf,
		"# HELP oomqd_oom_kills_total Kernel OOM kills the oomq "));
	ck_assert_ptr_nonnull(strstr(buf,
				     "# TYPE oomqd_oom_kills_total counter\n"
				     "oomqd_oom_kills_total{choice=\"queue\","
				     "scope=\"global\"} 2\n"
				     "oomqd_oom_kills_total{choice=\"queue\","
				     "scope=\"memcg\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(buf, "oomqd_oom_kills_total{choice="
					  "\"kernel\",scope=\"memcg\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "oomqd_oom_kills_total{choice="
					  "\"kernel\",scope=\"unknown\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_proactive_kills_total 1\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "\noomqd_proactive_kills_completed_total 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_pauses_total 2\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_continues_total 1\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "\noomqd_paused_seconds_total 2.5\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_jobs_stopped 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_queue_length 32\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_queue_age_seconds 2\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "\noomqd_ranking_pass_duration_seconds 0.0015\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_pressure_level 2\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "\noomqd_memory_available_bytes 524288\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "\noomqd_psi_memory_some_avg10_ratio 0.125\n"));
	ck_assert_int_eq(buf[len - 1], '\n');
}
END_TEST

/* Before the first sample: no memory gauges, never made-up zeroes. */
START_TEST(test_format_unsampled)
{
	static char buf[METRICS_BUF_LEN];
	struct metrics m = { 0 };

	ck_assert_int_gt(metrics_format(&m, 0, buf, sizeof(buf)), 0);
	ck_assert_ptr_null(strstr(buf, "memory_available"));
	ck_assert_ptr_nonnull(strstr(buf, "\noomqd_queue_age_seconds 0\n"));
}
END_TEST

START_TEST(test_format_too_small)
{
	char buf[256];
	struct metrics m;

	filled(&m);
	ck_assert_int_eq(metrics_format(&m, 0, buf, sizeof(buf)), -ENOSPC);
}
END_TEST

/*
 * promtool (Debian's prometheus package, 96 MB installed, so not in
 * scripts/install-deps.sh) lints the file when it is on PATH or named
 * by $PROMTOOL; the test says so when it is not there.
 */
START_TEST(test_promtool)
{
	static char buf[METRICS_BUF_LEN];
	const char *tool = getenv("PROMTOOL");
	char dir[] = "/tmp/oomq-metrics-XXXXXX", cmd[512];
	struct metrics m;
	int len;

	if (!tool || !*tool)
		tool = "promtool";
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd)) {
		fprintf(stderr, "agent_metrics: no promtool: "
				"'promtool check metrics' not run\n");
		return;
	}
	filled(&m);
	len = metrics_format(&m, 12000, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(metrics_write(dir, buf, (size_t)len), 0);
	/* Lint problems go to stdout with exit status 0 in some versions. */
	snprintf(cmd, sizeof(cmd),
		 "%s check metrics <%s/oomqd.prom >%s/lint 2>&1 && "
		 "! test -s %s/lint",
		 tool, dir, dir, dir);
	ck_assert_msg(!system(cmd), "promtool check metrics failed, see %s",
		      dir);
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_write)
{
	char dir[] = "/tmp/oomq-metrics-XXXXXX", path[128], buf[16];
	struct stat st;
	mode_t old = umask(077); /* as the unit's UMask= */
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(metrics_write(dir, "a 1\n", 4), 0);
	ck_assert_int_eq(metrics_write(dir, "b 2\n", 4), 0);
	umask(old);
	snprintf(path, sizeof(path), "%s/oomqd.prom", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	/* node_exporter runs as another user: it must read the file. */
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "b 2\n");
	snprintf(path, sizeof(path), "%s/.oomqd.prom.tmp", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/oomqd.prom", dir);
	unlink(path);
	/* A directory that is not there: the error, no file anywhere. */
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(metrics_write(path, "a 1\n", 4), -ENOENT);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_write_due)
{
	struct metrics m = { 0 };
	struct pressure_sample s = { 0 };

	ck_assert(metrics_write_due(&m, 0, 15000, false));
	ck_assert(!metrics_write_due(&m, 14999, 15000, false));
	/* Due, but a kill is under way: at the first tick after it. */
	ck_assert(!metrics_write_due(&m, 15000, 15000, true));
	ck_assert(metrics_write_due(&m, 15100, 15000, false));
	metrics_sample(&m, &s, PRESSURE_CRITICAL);
	ck_assert(!metrics_write_due(&m, 40000, 15000, false));
	metrics_sample(&m, &s, PRESSURE_HIGH);
	ck_assert(metrics_write_due(&m, 40500, 15000, false));
	/* Critical for long: written all the same, METRICS_HOLD_MS late. */
	metrics_sample(&m, &s, PRESSURE_CRITICAL);
	ck_assert(!metrics_write_due(&m, 55500 + METRICS_HOLD_MS - 1, 15000,
				     false));
	ck_assert(metrics_write_due(&m, 55500 + METRICS_HOLD_MS, 15000, false));
}
END_TEST

static struct policy pol;

static int parse(const char *text)
{
	return agent_parse_policy(&pol, text);
}

START_TEST(test_config)
{
	ck_assert_uint_eq(pol.metrics_interval_s, 0);
	ck_assert_int_eq(parse(""), 0);
	ck_assert_str_eq(pol.metrics_dir, "");
	ck_assert_uint_eq(pol.metrics_interval_s, 15);
	ck_assert_int_eq(parse("[oomqd]\nmetrics_dir = /var/lib/x\n"
			       "metrics_interval_s = 60\n"),
			 0);
	ck_assert_str_eq(pol.metrics_dir, "/var/lib/x");
	ck_assert_uint_eq(pol.metrics_interval_s, 60);
	ck_assert_int_eq(parse("[oomqd]\nmetrics_dir = var/lib/x\n"), -EINVAL);
	ck_assert_str_eq(pol.errors[0].msg,
			 "metrics_dir: expected an absolute directory such as "
			 "/var/lib/prometheus/node-exporter, got 'var/lib/x'");
	ck_assert_int_eq(parse("[oomqd]\nmetrics_dir = /var/../etc\n"),
			 -EINVAL);
	ck_assert_int_eq(parse("[oomqd]\nmetrics_interval_s = 0\n"), -EINVAL);
	ck_assert_str_eq(pol.errors[0].msg, "metrics_interval_s: expected an "
					    "integer from 1 to 3600, got '0'");
	policy_free(&pol);
}
END_TEST

Suite *agent_metrics_suite(void)
{
	Suite *s = suite_create("agent_metrics");
	TCase *tc = tcase_create("metrics");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_unsampled);
	tcase_add_test(tc, test_format_too_small);
	tcase_add_test(tc, test_promtool);
	tcase_add_test(tc, test_write);
	tcase_add_test(tc, test_write_due);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	return s;
}
