// SPDX-License-Identifier: GPL-2.0
/*
 * agent/kill.c against real child processes: one that dies of SIGTERM,
 * one that ignores it and needs SIGKILL, one that SIGKILL does not end,
 * the refusal of a second victim while the first is dying, and the
 * pressure re-check before each step.
 * The times passed to kill.c are made up; the processes are not.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
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
 * A child that SIGKILL does not end, for real and without privilege:
 * traced by us with PTRACE_O_TRACEEXIT, it stops in its exit
 * (PTRACE_EVENT_EXIT) and stays there, its pidfd never readable, until
 * we let it go, as a process in D state or in a cgroup v1 freezer
 * would.  -1 where the kernel does not stop a killed tracee there.
 */
static pid_t spawn_unkillable(void)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(2);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSTOPPED(status));
	ck_assert_int_eq(ptrace(PTRACE_SETOPTIONS, pid, NULL,
				(void *)PTRACE_O_TRACEEXIT),
			 0);
	ck_assert_int_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
	return pid;
}

/* After SIGKILL: is @pid held in its exit stop, as spawn_unkillable() wants? */
static bool held_at_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_EXIT;
}

/* Let a held child finish dying, and reap it. */
static void release(pid_t pid)
{
	int status;

	ck_assert_int_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) || WIFEXITED(status));
}

/*
 * A victim still there reap_timeout_ms after SIGKILL: -ETIMEDOUT, and
 * the kill moves on instead of staying in "killing" for good.  The
 * victim is kept as stuck (never picked again) until it is gone, then
 * forgotten, so its PID may be killed again should it be recycled.
 */
START_TEST(test_victim_never_dies)
{
	struct kill_config now = cfg;
	struct kill k;
	pid_t stuck = spawn_unkillable(), next = spawn(false);

	now.grace_ms = 0;
	kill_init(&k, &now, NULL, NULL);
	ck_assert_int_eq(kill_start(&k, stuck, 0), KILL_KILLING);
	if (!held_at_exit(stuck)) {
		kill(next, SIGKILL);
		reap(next);
		kill_fini(&k);
		fprintf(stderr,
			"agent_kill: the kernel did not hold a killed "
			"tracee at exit: test_victim_never_dies skipped\n");
		return;
	}
	ck_assert(!wait_exit(&k, 100));
	ck_assert_int_eq(kill_step(&k, 999), KILL_KILLING);
	ck_assert_int_eq(kill_wait_ms(&k, 999), 1);
	ck_assert_int_eq(kill_start(&k, next, 999), -EBUSY);
	/* reap_timeout_ms: moved on. */
	ck_assert_int_eq(kill_step(&k, 1000), -ETIMEDOUT);
	ck_assert(!kill_busy(&k));
	ck_assert_int_eq(kill_fd(&k), -1);
	ck_assert(kill_stuck(&k, stuck));
	ck_assert(!kill_stuck(&k, next));
	ck_assert_int_eq(kill_start(&k, stuck, 1100), -EALREADY);
	/* The next victim goes, and dies. */
	ck_assert_int_eq(kill_start(&k, next, 1100), KILL_KILLING);
	ck_assert(wait_exit(&k, 5000));
	ck_assert_int_eq(kill_step(&k, 1200), KILL_REAPED);
	ck_assert_int_eq(reap(next), SIGKILL);
	/* Once it is gone, it is forgotten. */
	ck_assert(kill_stuck(&k, stuck));
	release(stuck);
	ck_assert(!kill_stuck(&k, stuck));
	ck_assert_uint_eq(k.nstuck, 0);
	kill_fini(&k);
}
END_TEST

/* At most KILL_STUCK_MAX kept: the oldest goes first, its pidfd closed. */
START_TEST(test_stuck_bounded)
{
	pid_t pids[KILL_STUCK_MAX + 1];
	struct kill k;

	kill_init(&k, &cfg, NULL, NULL);
	for (int i = 0; i <= KILL_STUCK_MAX; i++) {
		pids[i] = spawn(true);
		ck_assert_int_eq(kill_start(&k, pids[i], 0), KILL_TERMINATING);
		/* As if SIGKILL were stuck: no process here survives it. */
		k.phase = KILL_KILLING;
		k.phase_ms = 0;
		ck_assert_int_eq(kill_step(&k, 1000), -ETIMEDOUT);
	}
	ck_assert_uint_eq(k.nstuck, KILL_STUCK_MAX);
	ck_assert(!kill_stuck(&k, pids[0]));
	for (int i = 1; i <= KILL_STUCK_MAX; i++)
		ck_assert(kill_stuck(&k, pids[i]));
	for (int i = 0; i <= KILL_STUCK_MAX; i++) {
		kill(pids[i], SIGKILL);
		ck_assert_int_eq(reap(pids[i]), SIGKILL);
	}
	ck_assert(!kill_stuck(&k, pids[1]));
	ck_assert_uint_eq(k.nstuck, 0);
	kill_fini(&k);
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
	tcase_add_test(tc, test_victim_never_dies);
	tcase_add_test(tc, test_stuck_bounded);
	suite_add_tcase(s, tc);
	return s;
}
