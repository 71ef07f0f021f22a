// SPDX-License-Identifier: GPL-2.0
/*
 * agent/pause.c: when to stop and continue (pure, made-up samples and
 * times), the signals on a real child, the config keys that turn it on
 * and the choice of whom to stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/agent.h"
#include "../../agent/pause.h"
#include "../../agent/proc_parse.h"
#include "../../agent/thresholds.h"

#define TOTAL_KB 1000000ULL

static struct pressure_config cfg;

static void setup(void)
{
	pressure_config_default(&cfg);
	cfg.pause_enabled = true; /* stop at 10 %, continue above 15 % */
}

/* MemAvailable at @pct of 1,000,000 KiB, no swap. */
static struct pressure_sample at(double pct)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };

	s.mem_avail_kb = (uint64_t)(pct * TOTAL_KB / 100);
	return s;
}

static struct sample proc_of(pid_t pid, const char *comm)
{
	struct sample v = { .pid = pid, .rss_kb = 1024 };

	snprintf(v.comm, sizeof(v.comm), "%s", comm);
	return v;
}

static void stop_fake(struct pause_set *ps, pid_t pid, double pct, uint64_t now)
{
	struct sample v = proc_of(pid, "cc1");

	ck_assert_int_eq(pause_stop(ps, &v, at(pct).mem_avail_kb, now, true),
			 0);
}

START_TEST(test_due_stop)
{
	struct pause_set ps;
	struct pressure_sample s;

	pause_init(&ps);
	s = at(15);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 0), PAUSE_NOTHING);
	s = at(10);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 0), PAUSE_STOP);
	stop_fake(&ps, 100, 10, 1000);
	/* The next one pause_gap_ms later, while memory keeps falling. */
	s = at(9);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 1199), PAUSE_NOTHING);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 1200), PAUSE_STOP);
	/* Risen since the last stop: that stop was enough. */
	s = at(10.5);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 5000), PAUSE_NOTHING);
	/* Between the two thresholds: hold. */
	s = at(12);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 5000), PAUSE_NOTHING);
	ck_assert(pause_has(&ps, 100));
	ck_assert(!pause_has(&ps, 101));
}
END_TEST

/* Never the last one running; with none running, continue one whatever
 * memory says: all stopped, nothing can free memory. */
START_TEST(test_due_running)
{
	struct pause_set ps;
	struct pressure_sample s = at(9);

	pause_init(&ps);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 2, 0), PAUSE_STOP);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 1, 0), PAUSE_NOTHING);
	stop_fake(&ps, 100, 9, 0);
	s = at(12);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 1, 5000), PAUSE_NOTHING);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 0, 999), PAUSE_NOTHING);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 0, 1000), PAUSE_CONT);
	s = at(5);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 0, 5000), PAUSE_CONT);
}
END_TEST

START_TEST(test_due_cont)
{
	struct pause_set ps;
	struct pressure_sample s = at(25);
	struct pause_entry e;

	pause_init(&ps);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 0), PAUSE_NOTHING);
	stop_fake(&ps, 100, 9, 1000);
	stop_fake(&ps, 101, 8, 1200);
	/* Memory back: one continue per resume_gap_ms, oldest first. */
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 2199), PAUSE_NOTHING);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 2200), PAUSE_CONT);
	ck_assert_int_eq(pause_cont_oldest(&ps, 2200, &e), 0);
	ck_assert_int_eq(e.pid, 100);
	ck_assert_uint_eq(e.since_ms, 1000);
	ck_assert_str_eq(e.comm, "cc1");
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 3199), PAUSE_NOTHING);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 3200), PAUSE_CONT);
	ck_assert_int_eq(pause_cont_oldest(&ps, 3200, &e), 0);
	ck_assert_int_eq(e.pid, 101);
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_int_eq(pause_cont_oldest(&ps, 3300, &e), -ENOENT);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 9999), PAUSE_NOTHING);
}
END_TEST

/* pause_max_ms bounds a stop even while memory stays short; turning
 * pausing off continues everyone, without waiting. */
START_TEST(test_due_expired_and_off)
{
	struct pause_set ps;
	struct pressure_sample s = at(5);

	pause_init(&ps);
	stop_fake(&ps, 100, 4.5, 1000);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 60999), PAUSE_NOTHING);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 61000), PAUSE_EXPIRED);
	cfg.pause_enabled = false;
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 1001), PAUSE_CONT);
	ck_assert_uint_eq(pause_release_all(&ps), 1);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 1002), PAUSE_NOTHING);
}
END_TEST

/*
 * Free swap does not delay a stop: swapping is the stall a stop avoids
 * (a kill waits for swap to run out; a stop costs no work).
 */
START_TEST(test_due_swap)
{
	struct pause_set ps;
	struct pressure_sample s = at(5);

	pause_init(&ps);
	s.swap_total_kb = 1000;
	s.swap_free_kb = 1000;
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 0), PAUSE_STOP);
	s = at(11);
	s.swap_total_kb = 1000;
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, 0), PAUSE_NOTHING);
}
END_TEST

START_TEST(test_wait_ms)
{
	struct pause_set ps;
	struct pressure_sample s = at(50);

	pause_init(&ps);
	/* 400,000 KiB above pause_at at 1 GiB/s. */
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 390);
	s = at(16);
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 100);
	s.mem_total_kb = 100000000; /* 95 GiB above: an interval caps it */
	s.mem_avail_kb = 96000000;
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 83984);
	s = at(15);
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 100);
	cfg.pause_enabled = false;
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), -1);
	stop_fake(&ps, 100, 5, 0);
	s = at(50);
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 100);
}
END_TEST

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid)
		for (;;)
			pause();
	return pid;
}

/* What the child did last: 's' stopped, 'c' continued, 'k' killed. */
static char next_change(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, WUNTRACED | WCONTINUED), pid);
	return WIFSTOPPED(st) ? 's' : WIFCONTINUED(st) ? 'c' : 'k';
}

START_TEST(test_signals)
{
	struct pause_set ps;
	struct pause_entry e;
	pid_t a = spawn_sleeper(), b = spawn_sleeper();
	struct sample va = proc_of(a, "doctool"), vb = proc_of(b, "doctool");

	pause_init(&ps);
	ck_assert_int_eq(pause_stop(&ps, &va, 1, 10, false), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert_int_eq(pause_stop(&ps, &vb, 1, 20, false), 0);
	ck_assert_int_eq(next_change(b), 's');
	ck_assert_int_eq(pause_cont_oldest(&ps, 30, &e), 0);
	ck_assert_int_eq(e.pid, a);
	ck_assert_int_eq(e.pidfd, -1);
	ck_assert_int_eq(next_change(a), 'c');
	/* Killed while stopped: it leaves the set at the next reap. */
	ck_assert_int_eq(pause_reap(&ps), 0);
	kill(b, SIGKILL);
	ck_assert_int_eq(next_change(b), 'k');
	ck_assert_int_eq(pause_reap(&ps), 1);
	ck_assert_uint_eq(ps.n, 0);
	/* Before a kill the victim is continued and forgotten. */
	ck_assert_int_eq(pause_stop(&ps, &va, 1, 40, false), 0);
	ck_assert_int_eq(next_change(a), 's');
	pause_release(&ps, a);
	ck_assert_int_eq(next_change(a), 'c');
	ck_assert(!pause_has(&ps, a));
	kill(a, SIGKILL);
	ck_assert_int_eq(next_change(a), 'k');
	/* Gone: refused, and nothing enters the set. */
	ck_assert_int_eq(pause_stop(&ps, &va, 1, 50, false), -ESRCH);
	ck_assert_uint_eq(ps.n, 0);
}
END_TEST

START_TEST(test_full)
{
	struct pause_set ps;
	struct pressure_sample s = at(5);
	struct sample one = proc_of(1, "x");

	pause_init(&ps);
	for (int i = 0; i < PAUSE_MAX; i++)
		stop_fake(&ps, 100 + i, 5 - 0.01 * i, i * 200);
	ck_assert_int_eq(pause_due(&ps, &cfg, &s, 14, PAUSE_MAX * 200),
			 PAUSE_NOTHING);
	ck_assert_int_eq(pause_stop(&ps, &one, 1, 0, true), -ENOSPC);
}
END_TEST

/* /proc/PID/stat's start time of @pid. */
static uint64_t start_ticks(pid_t pid)
{
	char path[64], buf[1024];
	struct proc_stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(proc_parse_stat_buf(buf, (size_t)n, &st), 0);
	return st.starttime;
}

/*
 * An oomqd SIGKILLed with processes stopped leaves them in the record
 * file; the next one continues those still stopped and still the same
 * (start time), not a process that merely has the PID.
 */
START_TEST(test_file)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	struct pause_set ps;
	pid_t a = spawn_sleeper(), b = spawn_sleeper();
	struct sample va = proc_of(a, "cc1"), vb = proc_of(b, "cc1");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	va.start_ticks = start_ticks(a);
	vb.start_ticks = start_ticks(b) + 1; /* another process, as if */
	pause_init(&ps);
	ck_assert_int_eq(pause_file_open(&ps, path, "/proc"), 0);
	ck_assert_int_eq(pause_stop(&ps, &va, 1, 10, false), 0);
	ck_assert_int_eq(pause_stop(&ps, &vb, 1, 20, false), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert_int_eq(next_change(b), 's');
	/* The killed oomqd: its pidfds go, its stops stay. */
	for (unsigned int i = 0; i < ps.n; i++)
		close(ps.e[i].pidfd);
	pause_file_close(&ps);

	pause_init(&ps);
	ck_assert_int_eq(pause_file_open(&ps, path, "/proc"), 1);
	ck_assert_int_eq(next_change(a), 'c');
	ck_assert_uint_eq(ps.n, 0);
	pause_file_close(&ps);
	/* Recorded empty now: nothing the second time. */
	pause_init(&ps);
	ck_assert_int_eq(pause_file_open(&ps, path, "/proc"), 0);
	pause_file_close(&ps);
	kill(b, SIGKILL);
	ck_assert_int_eq(next_change(b), 'k');
	kill(a, SIGKILL);
	ck_assert_int_eq(next_change(a), 'k');
	/* Not a record file: ignored, and made one. */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "junk", 4), 4);
	close(fd);
	pause_init(&ps);
	ck_assert_int_eq(pause_file_open(&ps, path, "/proc"), 0);
	pause_file_close(&ps);
	unlink(path);
}
END_TEST

static struct policy pol;

static void teardown(void)
{
	policy_free(&pol);
}

START_TEST(test_config)
{
	static const char conf[] = "[thresholds]\npause_pct = 12\n"
				   "pause_max_s = 30\n"
				   "[rule builds]\nmatch_comm = ^cc1$\n"
				   "priority = 200\npause = yes\n";
	struct pressure_config pc;
	struct kill_config kc;
	const char *why;

	policy_defaults(&pol);
	ck_assert_int_eq(policy_parse_buf(&pol, conf, strlen(conf)), 0);
	ck_assert_int_eq(pol.rules[0].pause, 1);
	ck_assert_int_eq(thresholds_from_policy(&pol, &pc, &kc, &why), 0);
	ck_assert(pc.pause_enabled);
	ck_assert_double_eq(pc.pause_at.mem_avail_pct, 12);
	ck_assert_double_eq(pc.pause_at.swap_free_pct, 100);
	ck_assert_double_eq(pc.resume_at.mem_avail_pct, 17);
	ck_assert_uint_eq(pc.pause_max_ms, 30000);
	policy_free(&pol);

	policy_defaults(&pol);
	ck_assert_int_eq(policy_parse_buf(&pol, "", 0), 0);
	ck_assert_int_eq(thresholds_from_policy(&pol, &pc, &kc, &why), 0);
	ck_assert(!pc.pause_enabled);
}
END_TEST

static void expect_error(const char *conf, unsigned int line, const char *msg)
{
	policy_free(&pol);
	policy_defaults(&pol);
	ck_assert_int_eq(policy_parse_buf(&pol, conf, strlen(conf)), -EINVAL);
	ck_assert_uint_eq(pol.nerrors, 1);
	ck_assert_uint_eq(pol.errors[0].line, line);
	ck_assert_msg(strstr(pol.errors[0].msg, msg), "'%s' lacks '%s'",
		      pol.errors[0].msg, msg);
}

START_TEST(test_config_errors)
{
	expect_error("[thresholds]\npause_pct = 51\n", 2,
		     "pause_pct: expected an integer from 0 to 50");
	expect_error("[thresholds]\npause_max_s = 0\n", 2,
		     "pause_max_s: expected an integer from 1 to 3600");
	expect_error("[rule r]\nmatch_comm = x\npause = maybe\n", 3,
		     "pause: expected on or off, got 'maybe'");
	expect_error("[rule r]\nmatch_comm = x\naction = protect\npause = on\n",
		     1, "action protect is never queued, so never paused");
}
END_TEST

static bool skip_pid(pid_t pid, void *arg)
{
	return pid == *(pid_t *)arg;
}

/* Queued processes of pause rules, queue order, skipping the stopped. */
START_TEST(test_pausable)
{
	static struct agent a;
	struct sample tab[4] = {
		{ .pid = 10, .rule = -1 }, /* no rule */
		{ .pid = 11, .rule = 0 }, /* a rule without pause */
		{ .pid = 12, .rule = 1 },
		{ .pid = 13, .rule = 1 },
	};
	uint32_t order[4] = { 0, 3, 1, 2 };
	const struct sample *out[4];
	pid_t skip = 0;

	policy_defaults(&a.policy);
	a.policy.rules[1].pause = 1;
	a.policy.nrules = 2;
	a.tab = tab;
	a.order = order;
	a.nranked = 4;
	ck_assert_uint_eq(agent_pausable(&a, skip_pid, &skip, out, 4), 2);
	ck_assert_int_eq(out[0]->pid, 13);
	ck_assert_int_eq(out[1]->pid, 12);
	ck_assert_uint_eq(agent_pausable(&a, skip_pid, &skip, out, 1), 1);
	skip = 13;
	ck_assert_uint_eq(agent_pausable(&a, skip_pid, &skip, out, 4), 1);
	ck_assert_int_eq(out[0]->pid, 12);
	/* Only the queue counts: beyond queue_length, nothing. */
	a.policy.queue_length = 3;
	ck_assert_uint_eq(agent_pausable(&a, skip_pid, &skip, out, 4), 0);
}
END_TEST

Suite *agent_pause_suite(void)
{
	Suite *s = suite_create("agent_pause");
	TCase *tc = tcase_create("pause");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_due_stop);
	tcase_add_test(tc, test_due_running);
	tcase_add_test(tc, test_due_cont);
	tcase_add_test(tc, test_due_expired_and_off);
	tcase_add_test(tc, test_due_swap);
	tcase_add_test(tc, test_wait_ms);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_pausable);
	suite_add_tcase(s, tc);
	return s;
}
