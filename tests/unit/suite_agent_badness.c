// SPDX-License-Identifier: GPL-2.0
/*
 * The badness ports against values worked out by hand from the kernel
 * sources (the arithmetic is in each row's comment), and the modern port
 * against the live /proc/<pid>/oom_score of every process on this host.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/badness.h"
#include "../../agent/proc_parse.h"
#include "../../agent/proc_sample.h"

struct sqrt_case {
	unsigned long x, root;
};

static const struct sqrt_case sqrt_cases[] = {
	{ 0, 0 },	   { 1, 1 },
	{ 2, 1 },	   { 3, 1 },
	{ 4, 2 },	   { 15, 3 },
	{ 16, 4 },	   { 84, 9 },
	{ 439, 20 },	   { 440, 20 },
	{ 441, 21 },	   { 65535, 255 },
	{ 65536, 256 },	   { 999999, 999 },
	{ 1000000, 1000 }, { 4294967295UL, 65535 },
};

START_TEST(test_int_sqrt)
{
	const struct sqrt_case *c = &sqrt_cases[_i];

	ck_assert_msg(badness_int_sqrt(c->x) == c->root,
		      "int_sqrt(%lu) = %lu, want %lu", c->x,
		      badness_int_sqrt(c->x), c->root);
}
END_TEST

/* oom_adj_read(): oom_score_adj * 17 / 1000, 1000 -> 15, C truncation. */
START_TEST(test_oom_adj)
{
	static const int map[][2] = {
		{ -1000, -17 }, { -500, -8 }, { -59, -1 },  { -58, 0 },
		{ 0, 0 },	{ 58, 0 },    { 59, 1 },    { 500, 8 },
		{ 941, 15 },	{ 999, 15 },  { 1000, 15 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		ck_assert_msg(badness_oom_adj(map[i][0]) == map[i][1],
			      "oom_adj(%d) = %d, want %d", map[i][0],
			      badness_oom_adj(map[i][0]), map[i][1]);
}
END_TEST

/* 4 KiB pages, USER_HZ 100, up 100000 s, 4 GB RAM + 1 GB swap. */
static const struct sample_sys sys = {
	.mem_total_kb = 4000000,
	.swap_total_kb = 1000000,
	.uptime_ms = 100000000,
	.page_kb = 4,
	.clk_tck = 100,
};

/* One hour of CPU, started a day (86400 s) before now. */
#define HOUR_CPU (100 * 3600)
#define DAY_OLD (100 * (100000 - 86400))
#define FUTURE (100 * 200000) /* start after "now": run_time 0 */

struct port_case {
	const char *name;
	struct sample s;
	long want;
};

static const struct port_case classic_cases[] = {
	/*
	 * 100000 pages; cpu: 360000 ticks = 3600000 jiffies >> 13 = 439,
	 * int_sqrt 20 -> 5000; run: 86400 s >> 10 = 84, int_sqrt 9,
	 * int_sqrt 3 -> 1666.
	 */
	{ "user, an hour of cpu, a day old",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .total_vm_kb = 400000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD },
	  1666 },
	/* 1666 * 2 (niced) = 3332, / 4 (root) = 833, / 4 (RAWIO) = 208. */
	{ "niced root with CAP_SYS_RAWIO",
	  { .pid = 10,
	    .total_vm_kb = 400000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD,
	    .nice = 5,
	    .cap_eff = 1ULL << SAMPLE_CAP_SYS_RAWIO },
	  208 },
	/* As above plus oom_score_adj 500 -> oomkilladj 8: 208 << 8. */
	{ "oomkilladj +8",
	  { .pid = 10,
	    .total_vm_kb = 400000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD,
	    .nice = 5,
	    .oom_score_adj = 500,
	    .cap_eff = 1ULL << SAMPLE_CAP_SYS_RAWIO },
	  53248 },
	/* Non-root uid with CAP_SYS_ADMIN: 1666 / 4 = 416. */
	{ "CAP_SYS_ADMIN",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .total_vm_kb = 400000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD,
	    .cap_eff = 1ULL << SAMPLE_CAP_SYS_ADMIN },
	  416 },
	/*
	 * CAP_SYS_RESOURCE is not in the patch's badness() (later kernels
	 * added it): 1666, undivided.
	 */
	{ "CAP_SYS_RESOURCE",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .total_vm_kb = 400000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD,
	    .cap_eff = 1ULL << SAMPLE_CAP_SYS_RESOURCE },
	  1666 },
	/* euid 0 alone counts as root: 1666 / 4 = 416. */
	{ "setuid root",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 0,
	    .total_vm_kb = 400000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD },
	  416 },
	/*
	 * 100000 + 50001 children's pages, no cpu (int_sqrt 0: no
	 * division), not yet started (run_time 0), oom_score_adj -500 ->
	 * -8: 150001 >> 8 = 585.
	 */
	{ "children, oomkilladj -8",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .total_vm_kb = 400000,
	    .child_vm_pages = 50001,
	    .start_ticks = FUTURE,
	    .oom_score_adj = -500 },
	  585 },
	/* 1000 pages << 15 (oom_score_adj 1000 -> 15). */
	{ "oomkilladj max",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .total_vm_kb = 4000,
	    .start_ticks = FUTURE,
	    .oom_score_adj = 1000 },
	  32768000 },
	/*
	 * 7 seconds of cpu: 700 ticks = 7000 jiffies >> 13 = 0: no
	 * division.  20 minutes old: 1200 >> 10 = 1, int_sqrt twice 1.
	 */
	{ "young and idle",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .total_vm_kb = 4000,
	    .cpu_ticks = 700,
	    .start_ticks = 100 * (100000 - 1200) },
	  1000 },
	{ "oom_score_adj -1000 is OOM_DISABLE",
	  { .pid = 10, .total_vm_kb = 4000, .oom_score_adj = -1000 },
	  BADNESS_UNKILLABLE },
	{ "init", { .pid = 1, .total_vm_kb = 4000 }, BADNESS_UNKILLABLE },
	{ "kernel thread",
	  { .pid = 2, .flags = SAMPLE_KTHREAD | SAMPLE_NO_MM },
	  BADNESS_UNKILLABLE },
	{ "zombie", { .pid = 10, .flags = SAMPLE_NO_MM }, BADNESS_UNKILLABLE },
};

START_TEST(test_classic)
{
	const struct port_case *c = &classic_cases[_i];
	long got = badness_classic(&c->s, &sys);

	ck_assert_msg(got == c->want, "%s: %ld, want %ld", c->name, got,
		      c->want);
}
END_TEST

static const struct port_case rss_cases[] = {
	/* 10000 resident pages, root: / 4; children and total_vm ignored. */
	{ "root, children ignored",
	  { .pid = 10,
	    .rss_kb = 40000,
	    .total_vm_kb = 4000000,
	    .child_vm_pages = 999,
	    .start_ticks = FUTURE },
	  2500 },
	/* 10000 pages, an hour of cpu (/20), a day old (/3): 166. */
	{ "user, an hour of cpu, a day old",
	  { .pid = 10,
	    .uid = 1000,
	    .euid = 1000,
	    .rss_kb = 40000,
	    .cpu_ticks = HOUR_CPU,
	    .start_ticks = DAY_OLD },
	  166 },
	{ "kernel thread",
	  { .pid = 2, .flags = SAMPLE_KTHREAD | SAMPLE_NO_MM },
	  BADNESS_UNKILLABLE },
};

START_TEST(test_rss)
{
	const struct port_case *c = &rss_cases[_i];
	long got = badness_rss(&c->s, &sys);

	ck_assert_msg(got == c->want, "%s: %ld, want %ld", c->name, got,
		      c->want);
}
END_TEST

struct modern_case {
	const char *name;
	struct sample s;
	long badness;
	unsigned long oom_score;
};

/*
 * totalpages = (4000000 + 1000000) / 4 = 1250000; totalpages / 1000 =
 * 1250 pages per oom_score_adj unit.
 */
static const struct modern_case modern_cases[] = {
	/*
	 * 100000 + 1000 + 100 = 101100 pages; 101100 * 1000 / 1250000 =
	 * 80; (1000 + 80) * 2 / 3 = 720.
	 */
	{ "rss, swap and page tables",
	  { .pid = 10, .rss_kb = 400000, .swap_kb = 4000, .pgtables_kb = 400 },
	  101100,
	  720 },
	/* 101100 + 300 * 1250 = 476100; 380; 1380 * 2 / 3 = 920. */
	{ "oom_score_adj 300",
	  { .pid = 10,
	    .rss_kb = 400000,
	    .swap_kb = 4000,
	    .pgtables_kb = 400,
	    .oom_score_adj = 300 },
	  476100,
	  920 },
	/*
	 * 101100 - 625000 = -523900; * 1000 / 1250000 = -419 (C truncates
	 * toward zero); 581 * 2 / 3 = 387.
	 */
	{ "oom_score_adj -500",
	  { .pid = 10,
	    .rss_kb = 400000,
	    .swap_kb = 4000,
	    .pgtables_kb = 400,
	    .oom_score_adj = -500 },
	  -523900,
	  387 },
	/* 1000 * 1250 = 1250000; 1000; 2000 * 2 / 3 = 1333. */
	{ "nothing resident, oom_score_adj 1000",
	  { .pid = 10, .oom_score_adj = 1000 },
	  1250000,
	  1333 },
	/* Root gets no discount since 4.17: same as a user. */
	{ "root, all capabilities",
	  { .pid = 10,
	    .rss_kb = 400000,
	    .swap_kb = 4000,
	    .pgtables_kb = 400,
	    .cap_eff = ~0ULL },
	  101100,
	  720 },
	{ "oom_score_adj -1000",
	  { .pid = 10, .rss_kb = 400000, .oom_score_adj = -1000 },
	  BADNESS_UNKILLABLE,
	  0 },
	{ "init", { .pid = 1, .rss_kb = 400000 }, BADNESS_UNKILLABLE, 0 },
	{ "kernel thread",
	  { .pid = 2, .flags = SAMPLE_KTHREAD | SAMPLE_NO_MM },
	  BADNESS_UNKILLABLE,
	  0 },
};

START_TEST(test_modern)
{
	const struct modern_case *c = &modern_cases[_i];
	long got = badness_modern(&c->s, &sys);
	unsigned long score = badness_oom_score(got, 1250000);

	ck_assert_msg(got == c->badness, "%s: badness %ld, want %ld", c->name,
		      got, c->badness);
	ck_assert_msg(score == c->oom_score, "%s: oom_score %lu, want %lu",
		      c->name, score, c->oom_score);
}
END_TEST

/*
 * The kernel divides totalpages by 1000 before multiplying: with
 * 1250999 pages a unit is still 1250 pages, not 1250.999.
 */
START_TEST(test_modern_divides_first)
{
	struct sample_sys odd = sys;
	struct sample s = { .pid = 10, .oom_score_adj = 1000 };

	odd.mem_total_kb = 4003996; /* 1000999 pages */
	ck_assert_int_eq(badness_modern(&s, &odd), 1250000);
}
END_TEST

START_TEST(test_port_names)
{
	enum badness_port p = BADNESS_CLASSIC;

	ck_assert_int_eq(badness_port_parse("modern", &p), 0);
	ck_assert_int_eq(p, BADNESS_MODERN);
	ck_assert_int_eq(badness_port_parse("rss", &p), 0);
	ck_assert_int_eq(p, BADNESS_RSS);
	ck_assert_int_eq(badness_port_parse("Modern", &p), -EINVAL);
	ck_assert_int_eq(badness_port_parse("", &p), -EINVAL);
	ck_assert_int_eq(p, BADNESS_RSS);
	ck_assert_str_eq(badness_port_name(BADNESS_CLASSIC), "classic");
}
END_TEST

static int read_score(struct proc_sampler *ps, pid_t pid, unsigned long *score)
{
	char path[64];
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%d/oom_score", (int)pid);
	ret = proc_read(ps, path, &len);
	return ret ? ret : proc_parse_oom_score_buf(ps->buf, len, score);
}

/*
 * Every process on this machine: the modern port, normalised, equals
 * the kernel's /proc/<pid>/oom_score.  A process whose score changes
 * while it is being read, or that exits, is retried and then skipped.
 */
START_TEST(test_modern_live)
{
	static struct proc_sampler ps;
	struct sample_sys live;
	unsigned int compared = 0, skipped = 0, mismatched = 0;
	struct dirent *d;
	DIR *dir;

	if (proc_sampler_open(&ps, "/proc") || proc_sample_sys(&ps, &live)) {
		printf("SKIP modern_live: /proc is not readable here\n");
		return;
	}
	dir = opendir("/proc");
	ck_assert_ptr_nonnull(dir);
	while ((d = readdir(dir))) {
		pid_t pid = (pid_t)atoi(d->d_name);
		int done = 0;

		if (pid <= 0)
			continue;
		for (int attempt = 0; attempt < 3 && !done; attempt++) {
			unsigned long before, after, ours;
			struct sample_text t;
			struct sample s;

			if (read_score(&ps, pid, &before) ||
			    proc_sample_one(&ps, pid, 0, &s, &t) ||
			    read_score(&ps, pid, &after))
				break;
			if (before != after)
				continue;
			ours = badness_oom_score(badness_modern(&s, &live),
						 sample_sys_totalpages(&live));
			if (ours == before) {
				done = 1;
			} else if (attempt == 2) {
				printf("modern_live: pid %d (%s): ours %lu, kernel %lu\n",
				       (int)pid, s.comm, ours, before);
				mismatched++;
				done = 1;
			}
		}
		if (done)
			compared++;
		else
			skipped++;
	}
	closedir(dir);
	proc_sampler_close(&ps);
	if (!compared) {
		printf("SKIP modern_live: no process could be read\n");
		return;
	}
	printf("modern_live: %u processes match /proc/<pid>/oom_score, "
	       "%u mismatch, %u skipped (exited or changing)\n",
	       compared - mismatched, mismatched, skipped);
	ck_assert_uint_eq(mismatched, 0);
}
END_TEST

/*
 * badness_max_points() inverts badness_oom_score(): the largest points
 * an oom_score stands for, for small and large machines, negative
 * points (oom_score_adj below 0) included.
 */
START_TEST(test_max_points)
{
	static const uint64_t totals[] = { 1000, 65536, 1250000,
					   268435456ULL + 1024 };

	for (size_t t = 0; t < ARRAY_SIZE(totals); t++) {
		uint64_t tp = totals[t];
		long step = (long)tp / 997 + 1;

		for (long p = -(long)tp + 1; p < 2 * (long)tp; p += step) {
			unsigned long score = badness_oom_score(p, tp);
			long max = badness_max_points(score, tp);

			ck_assert_msg(max >= p && badness_oom_score(max, tp) ==
							  score,
				      "total %llu, points %ld: max %ld",
				      (unsigned long long)tp, p, max);
			ck_assert_uint_gt(badness_oom_score(max + 1, tp),
					  score);
		}
	}
	ck_assert_int_eq(badness_max_points(666, 0), 0);
}
END_TEST

Suite *agent_badness_suite(void)
{
	Suite *s = suite_create("agent_badness");
	TCase *tc = tcase_create("ports");

	tcase_add_loop_test(tc, test_int_sqrt, 0, ARRAY_SIZE(sqrt_cases));
	tcase_add_test(tc, test_oom_adj);
	tcase_add_loop_test(tc, test_classic, 0, ARRAY_SIZE(classic_cases));
	tcase_add_loop_test(tc, test_rss, 0, ARRAY_SIZE(rss_cases));
	tcase_add_loop_test(tc, test_modern, 0, ARRAY_SIZE(modern_cases));
	tcase_add_test(tc, test_modern_divides_first);
	tcase_add_test(tc, test_max_points);
	tcase_add_test(tc, test_port_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("live");
	tcase_add_test(tc, test_modern_live);
	suite_add_tcase(s, tc);
	return s;
}
