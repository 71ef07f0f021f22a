// SPDX-License-Identifier: GPL-2.0
/*
 * agent/kill.c against real child processes: one that dies of SIGTERM,
 * one that ignores it and needs SIGKILL, the refusal of a second victim
 * while the first is dying, and the pressure re-check before each step.
 * The times passed to kill.c are made up; the processes are not.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"
#include "../../agent/kill.h"

/* A child that sleeps until a signal; with @ignore_term it shrugs off
 * SIGTERM.  Returns once its disposition is set. */
static pid_t spawn(bool ignore_term)
{
	int fds[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
		if (write(fds[1], "x", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	return pid;
}

/* How @pid ended: the signal that killed it, or -1. */
static int reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

static bool alive(pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == 0;
}

/* Wait for the victim's exit on the pidfd, as the loop would. */
static bool wait_exit(const struct kill *k, int ms)
{
	struct pollfd pfd = { .fd = kill_fd(k), .events = POLLIN };

	ck_assert_int_ge(pfd.fd, 0);
	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

struct recheck {
	int calls;
	int yes; /* answer yes this many times, then no */
};

static bool recheck(void *arg)
{
	struct recheck *r = arg;

	return r->calls++ < r->yes;
}

static const struct kill_config cfg = { .grace_ms = 200,
					.reap_timeout_ms = 1000,
					.mrelease = true };

START_TEST(test_term_enough)
{
	struct recheck r = { .yes = 100 };
	struct kill k;
	pid_t pid = spawn(false);

	kill_init(&k, &cfg, recheck, &r);
	ck_assert_int_eq(kill_step(&k, 0), KILL_IDLE);
	ck_assert_int_eq(kill_fd(&k), -1);
	ck_assert_int_eq(kill_start(&k, pid, 1000), KILL_TERMINATING);
	ck_assert_int_eq(r.calls, 1);
	ck_assert(kill_busy(&k));
	ck_assert_int_eq(kill_wait_ms(&k, 1050), 150);
	ck_assert(wait_exit(&k, 5000));
	/* Gone within the grace period: no SIGKILL, no second re-check. */
	ck_assert_int_eq(kill_step(&k, 1100), KILL_REAPED);
	ck_assert_int_eq(r.calls, 1);
	ck_assert(!kill_busy(&k));
	ck_assert_int_eq(kill_fd(&k), -1);
	ck_assert_int_eq(kill_wait_ms(&k, 1100), -1);
	ck_assert_int_eq(reap(pid), SIGTERM);
}
END_TEST

START_TEST(test_term_ignored)
{
	struct recheck r = { .yes = 100 };
	struct kill k;
	pid_t pid = spawn(true);

	kill_init(&k, &cfg, recheck, &r);
	ck_assert_int_eq(kill_start(&k, pid, 1000), KILL_TERMINATING);
	ck_assert(!wait_exit(&k, 100));
	ck_assert_int_eq(kill_step(&k, 1199), KILL_TERMINATING);
	ck_assert_int_eq(r.calls, 1);
	/* Grace over: re-checked, then SIGKILL and process_mrelease(). */
	ck_assert_int_eq(kill_step(&k, 1200), KILL_KILLING);
	ck_assert_int_eq(r.calls, 2);
	ck_assert_msg(k.mrelease_err == 0 || k.mrelease_err == -ESRCH ||
			      k.mrelease_err == -ENOSYS,
		      "process_mrelease: %d", k.mrelease_err);
	ck_assert(kill_busy(&k));
	ck_assert(wait_exit(&k, 5000));
	ck_assert_int_eq(kill_step(&k, 1300), KILL_REAPED);
	ck_assert_int_eq(reap(pid), SIGKILL);
}
END_TEST

START_TEST(test_one_at_a_time)
{
	struct kill k;
	pid_t first = spawn(true), second = spawn(false);

	kill_init(&k, &cfg, NULL, NULL);
	ck_assert_int_eq(kill_start(&k, first, 0), KILL_TERMINATING);
	ck_assert_int_eq(kill_start(&k, second, 10), -EBUSY);
	ck_assert_int_eq(kill_step(&k, 200), KILL_KILLING);
	ck_assert_int_eq(kill_start(&k, second, 210), -EBUSY);
	/* The second was never signalled. */
	ck_assert(alive(second));
	ck_assert(wait_exit(&k, 5000));
	ck_assert_int_eq(kill_step(&k, 300), KILL_REAPED);
	ck_assert_int_eq(reap(first), SIGKILL);
	/* Now the next one may go. */
	ck_assert_int_eq(kill_start(&k, second, 400), KILL_TERMINATING);
	ck_assert(wait_exit(&k, 5000));
	ck_assert_int_eq(kill_step(&k, 500), KILL_REAPED);
	ck_assert_int_eq(reap(second), SIGTERM);
}
END_TEST

START_TEST(test_recheck)
{
	struct recheck no = { .yes = 0 }, once = { .yes = 1 };
	struct kill k;
	pid_t pid = spawn(true);

	/* Pressure gone before the first signal: nothing sent. */
	kill_init(&k, &cfg, recheck, &no);
	ck_assert_int_eq(kill_start(&k, pid, 0), -ECANCELED);
	ck_assert(!kill_busy(&k));
	ck_assert(alive(pid));

	/* Gone before SIGKILL: the kill stops after SIGTERM. */
	kill_init(&k, &cfg, recheck, &once);
	ck_assert_int_eq(kill_start(&k, pid, 0), KILL_TERMINATING);
	ck_assert_int_eq(kill_step(&k, 500), -ECANCELED);
	ck_assert_int_eq(k.phase, KILL_IDLE);
	ck_assert_int_eq(kill_fd(&k), -1);
	usleep(100000);
	ck_assert(alive(pid));
	kill(pid, SIGKILL);
	ck_assert_int_eq(reap(pid), SIGKILL);
}
END_TEST

START_TEST(test_no_grace)
{
	struct kill_config now = cfg;
	struct kill k;
	pid_t pid = spawn(false);

	now.grace_ms = 0;
	kill_init(&k, &now, NULL, NULL);
	ck_assert_int_eq(kill_start(&k, pid, 0), KILL_KILLING);
	ck_assert_int_eq(kill_wait_ms(&k, 400), 600);
	ck_assert(wait_exit(&k, 5000));
	ck_assert_int_eq(kill_step(&k, 10), KILL_REAPED);
	ck_assert_int_eq(reap(pid), SIGKILL);
}
END_TEST

START_TEST(test_gone)
{
	struct kill k;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid)
		_exit(0);
	ck_assert_int_eq(reap(pid), -1);
	kill_init(&k, &cfg, NULL, NULL);
	/* Already reaped: no such process (unless its PID was reused). */
	ck_assert_int_eq(kill_start(&k, pid, 0), -ESRCH);
	ck_assert(!kill_busy(&k));
	ck_assert_int_eq(kill_start(&k, 0, 0), -EINVAL);
}
END_TEST

/*
 * A victim still there reap_timeout_ms after SIGKILL (stuck in D state,
 * say): -ETIMEDOUT once, and it still counts as dying.  No process here
 * survives SIGKILL, so the phase is set by hand.
 */
START_TEST(test_reap_timeout)
{
	struct kill k;
	pid_t pid = spawn(true);

	kill_init(&k, &cfg, NULL, NULL);
	ck_assert_int_eq(kill_start(&k, pid, 0), KILL_TERMINATING);
	k.phase = KILL_KILLING; /* as if SIGKILL were stuck */
	k.phase_ms = 0;
	ck_assert_int_eq(kill_step(&k, 999), KILL_KILLING);
	ck_assert_int_eq(kill_step(&k, 1000), -ETIMEDOUT);
	ck_assert_int_eq(kill_step(&k, 2000), KILL_KILLING); /* once */
	ck_assert_int_eq(kill_wait_ms(&k, 2000), -1);
	ck_assert_int_eq(kill_start(&k, pid, 2000), -EBUSY);
	kill(pid, SIGKILL);
	ck_assert(wait_exit(&k, 5000));
	ck_assert_int_eq(kill_step(&k, 2100), KILL_REAPED);
	ck_assert_int_eq(reap(pid), SIGKILL);
	ck_assert_str_eq(kill_phase_name(KILL_REAPED), "reaped");
}
END_TEST

Suite *agent_kill_suite(void)
{
	Suite *s = suite_create("agent_kill");
	TCase *tc = tcase_create("kill");

	tcase_add_test(tc, test_term_enough);
	tcase_add_test(tc, test_term_ignored);
	tcase_add_test(tc, test_one_at_a_time);
	tcase_add_test(tc, test_recheck);
	tcase_add_test(tc, test_no_grace);
	tcase_add_test(tc, test_gone);
	tcase_add_test(tc, test_reap_timeout);
	suite_add_tcase(s, tc);
	return s;
}
