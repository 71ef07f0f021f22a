// SPDX-License-Identifier: GPL-2.0
/*
 * agent/job_cpus.c: cpu.max parsed on buffers; the tightest quota of a
 * job's cgroup and its ancestors on a tree built in a temporary
 * directory (a fake /proc/PID/cgroup beside it), read again only when
 * the cgroup changes or JOB_CPUS_REREAD_MS passed; and a real child's
 * affinity.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/job_cpus.h"

struct max_case {
	const char *text;
	int err;
	uint32_t pm;
};

static const struct max_case max_cases[] = {
	{ "max 100000\n", 0, 0 },
	{ "max 100000", 0, 0 },
	{ "150000 100000\n", 0, 1500 },
	{ "100000 100000\n", 0, 1000 },
	{ "50000 100000\n", 0, 500 },
	{ "400000 100000\n", 0, 4000 },
	/* A hundredth of a CPU is one per mille, never none. */
	{ "1000 100000\n", 0, 10 },
	{ "1 100000\n", 0, 1 },
	{ "100001 100000\n", 0, 1001 }, /* rounded up */
	{ "", -EINVAL, 0 },
	{ "\n", -EINVAL, 0 },
	{ "max\n", -EINVAL, 0 },
	{ "max100000\n", -EINVAL, 0 },
	{ "150000\n", -EINVAL, 0 },
	{ "-1 100000\n", -EINVAL, 0 },
	{ "150000 0\n", -EINVAL, 0 },
	{ "150000  100000\n", -EINVAL, 0 },
	{ "150000 100000 1\n", -EINVAL, 0 },
	{ "150000 100000x\n", -EINVAL, 0 },
	{ "maxx 100000\n", -EINVAL, 0 },
	{ "99999999999999999999 100000\n", -EINVAL, 0 },
	{ "150000 18446744073709551615\n", -EINVAL, 0 },
	{ "9223372036854775807 1\n", 0, UINT32_MAX },
};

START_TEST(test_parse_max)
{
	const struct max_case *c = &max_cases[_i];
	uint32_t pm = 12345;

	ck_assert_msg(job_cpus_parse_max(c->text, strlen(c->text), &pm) ==
			      c->err,
		      "'%s': expected %d", c->text, c->err);
	if (!c->err)
		ck_assert_msg(pm == c->pm, "'%s': %u, expected %u", c->text, pm,
			      c->pm);
}
END_TEST

/* tree/proc/4242/cgroup, tree/cg/{a,a/b,a/b/c} (cg: the v2 mount). */
static char tree[64];
static struct proc_sampler proc;
static struct job_cpus jc;

static void put(const char *rel, const char *text)
{
	agent_put_file(tree, rel, text);
}

static void sub(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

static void tree_setup(void)
{
	char p[256];

	strcpy(tree, "/tmp/oomq-cpus-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	sub("proc");
	sub("proc/4242");
	sub("cg");
	sub("cg/a");
	sub("cg/a/b");
	sub("cg/a/b/c");
	put("proc/4242/cgroup", "0::/a/b/c\n");
	snprintf(p, sizeof(p), "%s/proc", tree);
	ck_assert_int_eq(proc_sampler_open(&proc, p), 0);
	/* Not a cgroup2 mount: no quota read, until the root is set. */
	job_cpus_init(&jc, &proc, tree);
	ck_assert_str_eq(jc.root, "");
	snprintf(jc.root, sizeof(jc.root), "%s/cg", tree);
	jc.online_pm = 8000;
}

static void tree_teardown(void)
{
	char cmd[128];

	proc_sampler_close(&proc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	ck_assert_int_eq(system(cmd), 0);
}

/* PID 4242 is not this machine's: sched_getaffinity() fails, skipped. */
START_TEST(test_no_quota)
{
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000), 8000);
	put("cg/a/b/c/cpu.max", "max 100000\n");
	put("cg/a/cpu.max", "max 100000\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000 + JOB_CPUS_REREAD_MS),
			  8000);
}
END_TEST

/* The tightest level counts, an ancestor's included. */
START_TEST(test_tightest_level)
{
	put("cg/a/cpu.max", "max 100000\n");
	put("cg/a/b/cpu.max", "200000 100000\n");
	put("cg/a/b/c/cpu.max", "350000 100000\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000), 2000);
	/* More than the machine has: the machine's. */
	put("cg/a/b/cpu.max", "max 100000\n");
	put("cg/a/b/c/cpu.max", "950000 100000\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000 + JOB_CPUS_REREAD_MS),
			  8000);
	/* A level that does not parse is skipped, not taken as none. */
	put("cg/a/b/cpu.max", "junk\n");
	put("cg/a/cpu.max", "150000 100000\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000 + 2 * JOB_CPUS_REREAD_MS),
			  1500);
}
END_TEST

/*
 * The files are read again when the job's cgroup is another, or when
 * JOB_CPUS_REREAD_MS passed (systemctl set-property CPUQuota=).
 */
START_TEST(test_reread)
{
	put("cg/a/b/c/cpu.max", "150000 100000\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000), 1500);
	put("cg/a/b/c/cpu.max", "300000 100000\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 2000), 1500);
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000 + JOB_CPUS_REREAD_MS),
			  3000);
	put("cg/a/b/cpu.max", "100000 100000\n");
	put("proc/4242/cgroup", "0::/a/b\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 2000 + JOB_CPUS_REREAD_MS),
			  1000);
}
END_TEST

/*
 * No v2 line (a v1 system), a path outside oomqd's cgroup namespace, a
 * process gone: the machine's CPUs.
 */
START_TEST(test_unreadable)
{
	put("cg/a/b/c/cpu.max", "150000 100000\n");
	put("proc/4242/cgroup", "4:cpu:/a/b/c\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000), 8000);
	put("proc/4242/cgroup", "0::/../a/b/c\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000), 8000);
	ck_assert_uint_eq(job_cpus_pm(&jc, 4343, 1000), 8000);
	put("proc/4242/cgroup", "0::/\n");
	ck_assert_uint_eq(job_cpus_pm(&jc, 4242, 1000), 8000);
}
END_TEST

/* taskset -c 0 make ...: one CPU, whatever the machine has. */
START_TEST(test_affinity)
{
	struct job_cpus live;
	cpu_set_t one, mine;
	uint32_t allowed;
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (!child) {
		pause();
		_exit(0);
	}
	job_cpus_init(&live, &proc, "/nonexistent");
	live.online_pm = 8000;
	/* As this process's, which the child inherited. */
	ck_assert_int_eq(sched_getaffinity(0, sizeof(mine), &mine), 0);
	allowed = (uint32_t)CPU_COUNT(&mine) * 1000;
	ck_assert_uint_eq(job_cpus_pm(&live, child, 1000),
			  allowed < 8000 ? allowed : 8000);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	ck_assert_int_eq(sched_setaffinity(child, sizeof(one), &one), 0);
	ck_assert_uint_eq(job_cpus_pm(&live, child, 1000), 1000);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}
END_TEST

Suite *agent_job_cpus_suite(void)
{
	Suite *s = suite_create("agent_job_cpus");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_max, 0,
			    sizeof(max_cases) / sizeof(max_cases[0]));
	tcase_add_test(tc, test_affinity);
	suite_add_tcase(s, tc);
	tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_test(tc, test_no_quota);
	tcase_add_test(tc, test_tightest_level);
	tcase_add_test(tc, test_reread);
	tcase_add_test(tc, test_unreadable);
	suite_add_tcase(s, tc);
	return s;
}
