// SPDX-License-Identifier: GPL-2.0
/*
 * agent/pause.c and agent/jobs.c: when to stop and continue (pure,
 * made-up samples and times), process trees and the signals on real
 * children (a chain, a child someone else stopped or continued, a
 * group suspended as a shell's Ctrl-Z does, an interactive shell on a
 * pty), the record file (a crash, a stale or forged record, a second
 * oomqd), the config keys that turn pausing on and the choice of whom
 * to stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/agent.h"
#include "../../agent/jobs.h"
#include "../../agent/pause.h"
#include "../../agent/pidfd.h"
#include "../../agent/proc_parse.h"
#include "../../agent/thresholds.h"

#define TOTAL_KB 1000000ULL

static struct pressure_config cfg;
static struct proc_sampler proc;
/* Static: a set holds its record's table, 16 KiB. */
static struct pause_set ps, ps2;
static struct jobs js;

static void setup(void)
{
	pressure_config_default(&cfg);
	cfg.pause_enabled = true; /* stop at 10 %, continue above 15 % */
	ck_assert_int_eq(proc_sampler_open(&proc, "/proc"), 0);
}

/* MemAvailable at @pct of 1,000,000 KiB, no swap. */
static struct pressure_sample at(double pct)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };

	s.mem_avail_kb = (uint64_t)(pct * TOTAL_KB / 100);
	return s;
}

/* A one-process job that is never read from /proc (a dry run's). */
static struct job fake_job(pid_t pid)
{
	struct job j = { .n = 1, .rss_kb = 1024 };

	j.p[0].pid = pid;
	j.p[0].start_ticks = (uint64_t)pid * 10;
	snprintf(j.p[0].comm, sizeof(j.p[0].comm), "cc1");
	return j;
}

static void stop_fake(struct pause_set *set, pid_t pid, uint64_t now)
{
	struct job j = fake_job(pid);

	ck_assert_int_eq(pause_stop(set, &j, now), 0);
}

/* pause_max_ms bounds a stop; releasing continues everyone at once. */
START_TEST(test_due_expired_and_off)
{
	struct pause_job e;

	pause_init(&ps, &proc, true);
	stop_fake(&ps, 100, 1000);
	ck_assert_int_eq(pause_cont_expired(&ps, &cfg, 60999, &e), -ENOENT);
	ck_assert_int_eq(pause_cont_expired(&ps, &cfg, 61000, &e), 0);
	ck_assert_int_eq(e.root, 100);
	stop_fake(&ps, 101, 1000);
	ck_assert_uint_eq(pause_release_all(&ps, 1001), 1);
	ck_assert_uint_eq(ps.n, 0);
}
END_TEST

/*
 * pause_max_s bounds a job's slowdown, not one stop: stopped 50 s,
 * continued for a second and stopped again, it has 10 s left, not 60;
 * then it is never stopped again.  Another job has its own account.
 */
START_TEST(test_due_budget)
{
	struct job j = fake_job(100), k = fake_job(101);
	struct pause_job e;

	pause_init(&ps, &proc, true);
	stop_fake(&ps, 100, 0);
	ck_assert_int_eq(pause_cont(&ps, 0, 50000, &e), 0);
	ck_assert(pause_may_stop(&ps, &cfg, &j));
	stop_fake(&ps, 100, 51000);
	ck_assert_int_eq(pause_cont_expired(&ps, &cfg, 60999, &e), -ENOENT);
	ck_assert_int_eq(pause_cont_expired(&ps, &cfg, 61000, &e), 0);
	ck_assert_int_eq(e.root, 100);
	ck_assert_uint_eq(e.used_ms + (61000 - e.since_ms), 60000);
	ck_assert(!pause_may_stop(&ps, &cfg, &j));
	ck_assert(pause_may_stop(&ps, &cfg, &k));
	/* The same PID born again is another job. */
	j.p[0].start_ticks++;
	ck_assert(pause_may_stop(&ps, &cfg, &j));
}
END_TEST

START_TEST(test_wait_ms)
{
	struct pressure_sample s = at(50);

	pause_init(&ps, &proc, true);
	/* 400,000 KiB above pause_at at 1 GiB/s, a quarter: 97 ms. */
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 200);
	s = at(16);
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 200);
	s.mem_total_kb = 100000000; /* 82 GiB above: an interval caps it */
	s.mem_avail_kb = 96000000;
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 20996);
	s = at(15);
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 200);
	cfg.pause_enabled = false;
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), -1);
	stop_fake(&ps, 100, 0);
	s = at(50);
	ck_assert_int_eq(pause_wait_ms(&ps, &cfg, &s), 200);
}
END_TEST

/*
 * PAUSE_MAX jobs stopped: no other may be (the controller orders no
 * stop the set would refuse: the bench's 60 short jobs, a refused stop
 * ordered again every sample, each logged), until one is continued.
 */
START_TEST(test_full)
{
	struct job one = fake_job(1);
	struct pause_job last;

	pressure_config_default(&cfg);
	pause_init(&ps, &proc, true);
	for (int i = 0; i < PAUSE_MAX; i++) {
		ck_assert(pause_may_stop(&ps, &cfg, &one));
		stop_fake(&ps, 100 + i, i * 200);
	}
	ck_assert(!pause_may_stop(&ps, &cfg, &one));
	ck_assert_int_eq(pause_stop(&ps, &one, 0), -ENOSPC);
	pause_cont(&ps, PAUSE_MAX - 1, PAUSE_MAX * 200, &last);
	ck_assert(pause_may_stop(&ps, &cfg, &one));
}
END_TEST

/* Real processes from here on. */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

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

/* The state letter of @pid in /proc/PID/stat, '?' when gone. */
static char state_of(pid_t pid)
{
	struct job_proc p;

	return jobs_read_proc(&proc, pid, &p) ? '?' : p.state;
}

/* Wait (2 s at most) for @pid to be stopped (@stopped) or not. */
static bool wait_state(pid_t pid, bool stopped)
{
	for (int i = 0; i < 200; i++) {
		char st = state_of(pid);

		if (st != '?' && (st == 'T') == stopped)
			return true;
		sleep_ms(10);
	}
	return false;
}

/*
 * Checks until every process of the set was seen stopped and off its
 * CPU (2 s at most), as the daemon's checks once a second would.
 */
static bool settled(struct pause_set *set)
{
	for (int i = 0; i < 200; i++) {
		bool all = true;

		pause_check(set, 0, NULL, NULL);
		for (unsigned int k = 0; k < set->n; k++)
			for (unsigned int m = 0; m < set->j[k].n; m++)
				all &= set->j[k].p[m].confirmed;
		if (all)
			return true;
		sleep_ms(10);
	}
	return false;
}

static bool ours(pid_t pid, void *arg)
{
	return pause_has(arg, pid);
}

/* The jobs of @pids, as if a pause rule matched each (queue order). */
static void build(const pid_t *pids, size_t n)
{
	static struct sample tab[16];
	const struct sample *run[16];

	ck_assert_uint_le(n, 16);
	for (size_t i = 0; i < n; i++) {
		tab[i] = (struct sample){ .pid = pids[i] };
		run[i] = &tab[i];
	}
	jobs_build(&js, &proc, run, n, ours, &ps);
}

/* The job holding @pid, or NULL. */
static const struct job *job_with(pid_t pid)
{
	for (unsigned int i = 0; i < js.n; i++)
		for (unsigned int k = 0; k < js.j[i].n; k++)
			if (js.j[i].p[k].pid == pid)
				return &js.j[i];
	return NULL;
}

static unsigned int running_jobs(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < js.n; i++)
		n += job_runs(&js.j[i]);
	return n;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

START_TEST(test_signals)
{
	struct pause_job e;
	pid_t a = spawn_sleeper(), b = spawn_sleeper();
	pid_t pids[] = { a, b };
	struct job ja, jb;

	pause_init(&ps, &proc, false);
	build(pids, 2);
	ck_assert_uint_eq(js.n, 2);
	ja = *job_with(a);
	jb = *job_with(b);
	ck_assert_uint_eq(ja.n, 1);
	ck_assert(job_stoppable(&ja));
	ck_assert_int_eq(pause_stop(&ps, &ja, 10), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert_int_eq(pause_stop(&ps, &jb, 20), 0);
	ck_assert_int_eq(next_change(b), 's');
	/* Seen stopped at once: the record holds how often it ran. */
	ck_assert(settled(&ps));
	ck_assert_int_eq(pause_cont(&ps, 0, 30, &e), 0);
	ck_assert_int_eq(e.root, a);
	ck_assert_int_eq(next_change(a), 'c');
	/* Killed while stopped: it leaves the set at the next check. */
	ck_assert_uint_eq(pause_check(&ps, 40, NULL, NULL), 0);
	kill(b, SIGKILL);
	ck_assert_int_eq(next_change(b), 'k');
	ck_assert_uint_eq(pause_check(&ps, 50, NULL, NULL), 1);
	ck_assert_uint_eq(ps.n, 0);
	/* Before a kill the victim is continued and forgotten. */
	ck_assert_int_eq(pause_stop(&ps, &ja, 60), 0);
	ck_assert_int_eq(next_change(a), 's');
	pause_release(&ps, a, 70);
	ck_assert_int_eq(next_change(a), 'c');
	ck_assert(!pause_has(&ps, a));
	kill(a, SIGKILL);
	ck_assert_int_eq(next_change(a), 'k');
	/* Gone: refused, and nothing enters the set. */
	ck_assert_int_eq(pause_stop(&ps, &ja, 80), -ESRCH);
	ck_assert_uint_eq(ps.n, 0);
}
END_TEST

/*
 * The start time is read again through a pidfd before every signal: a
 * job whose PID now names another process (same PID, another start) is
 * neither stopped nor, once stopped, continued.
 */
START_TEST(test_start_time)
{
	pid_t a = spawn_sleeper();
	struct pause_job e;
	struct job j;

	pause_init(&ps, &proc, false);
	build(&a, 1);
	j = js.j[0];
	j.p[0].start_ticks++;
	ck_assert_int_eq(pause_stop(&ps, &j, 0), -ESRCH);
	ck_assert_uint_eq(ps.n, 0);
	sleep_ms(50);
	ck_assert_int_ne(state_of(a), 'T');
	j.p[0].start_ticks--;
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert(settled(&ps));
	ps.j[0].p[0].start_ticks++;
	ck_assert_int_eq(pause_cont(&ps, 0, 10, &e), 0);
	sleep_ms(50);
	ck_assert_int_eq(state_of(a), 'T');
	reap(a);
}
END_TEST

/* A report pipe: each process of a tree writes its pid into it. */
static pid_t read_pid(int fd)
{
	pid_t pid = 0;

	ck_assert_int_eq(read(fd, &pid, sizeof(pid)), sizeof(pid));
	return pid;
}

/*
 * rustc -> cc -> ld: @depth processes, each but the last waiting for its
 * child in waitpid(); the last (the only one that could run) sleeps.
 * pid[0] is the top; the test reaps it, and the rest die with it.
 * @own_group: in a process group of its own, as a shell's job.
 */
static void spawn_chain(pid_t *pid, int depth, bool own_group)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	pid[0] = fork();
	ck_assert_int_ge(pid[0], 0);
	if (!pid[0]) {
		/* A job of a shell's: a process group of its own. */
		if (own_group && setpgid(0, 0))
			_exit(1);
		for (int level = 1; level < depth; level++) {
			pid_t kid = fork();

			if (kid < 0)
				_exit(1);
			if (kid) {
				while (waitpid(kid, NULL, 0) < 0)
					;
				_exit(0);
			}
			/* Dies with its parent, as the test kills the top. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (write(fds[1], &(pid_t){ getpid() },
				  sizeof(pid_t)) != sizeof(pid_t))
				_exit(1);
		}
		for (;;)
			pause();
	}
	close(fds[1]);
	for (int level = 1; level < depth; level++)
		pid[level] = read_pid(fds[0]);
	close(fds[0]);
}

/*
 * A chain where only the grandchild could run is one job, rooted at the
 * top: with a second job beside it, two run; alone, one runs and is
 * never stopped.  Stopped, all three are; continued, all three are.
 */
START_TEST(test_chain)
{
	pid_t chain[3], other = spawn_sleeper();
	/* Queue order: the grandchild first, as the biggest. */
	pid_t pausable[] = { 0, other, 0, 0 };
	const struct job *jc;
	struct pause_job e;
	struct job j;

	spawn_chain(chain, 3, false);
	pausable[0] = chain[2];
	pausable[2] = chain[1];
	pausable[3] = chain[0];
	pause_init(&ps, &proc, false);
	build(pausable, 4);
	ck_assert_uint_eq(js.n, 2);
	jc = job_with(chain[2]);
	ck_assert_ptr_nonnull(jc);
	ck_assert_uint_eq(jc->n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(jc->p[i].pid, chain[i]); /* parents first */
	ck_assert(job_stoppable(jc));
	ck_assert_uint_eq(running_jobs(), 2);
	/* The tree as a unit. */
	j = *jc;
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert_uint_eq(ps.j[0].n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert(wait_state(chain[i], true));
	ck_assert_int_ne(state_of(other), 'T');
	ck_assert_int_eq(pause_cont(&ps, 0, 1000, &e), 0);
	for (int i = 0; i < 3; i++)
		ck_assert(wait_state(chain[i], false));

	/* Alone, the chain is the last job running: no stop. */
	pausable[1] = chain[1];
	pausable[2] = chain[0];
	build(pausable, 3);
	ck_assert_uint_eq(js.n, 1);
	ck_assert_uint_eq(js.j[0].n, 3);
	ck_assert_uint_eq(running_jobs(), 1);
	reap(chain[0]);
	reap(other);
}
END_TEST

/*
 * Item 6c: a process someone stopped before oomqd looked (Ctrl-Z, kill
 * -STOP) is not running, is never stopped by oomqd and never continued
 * by it; nor is the tree that holds it.
 */
START_TEST(test_stopped_before)
{
	pid_t user = spawn_sleeper(), other = spawn_sleeper(), chain[2];
	pid_t pausable[] = { user, other, 0 };
	const struct job *ju, *jc;
	struct job j;

	spawn_chain(chain, 2, false);
	pausable[2] = chain[0];
	kill(user, SIGSTOP);
	ck_assert_int_eq(next_change(user), 's');
	kill(chain[1], SIGSTOP);
	ck_assert(wait_state(chain[1], true));
	pause_init(&ps, &proc, false);
	build(pausable, 3);
	ck_assert_uint_eq(js.n, 3);
	ju = job_with(user);
	jc = job_with(chain[1]);
	ck_assert(ju->flags & JOB_FOREIGN);
	ck_assert(jc->flags & JOB_FOREIGN);
	ck_assert(!job_runs(ju) && !job_runs(jc));
	ck_assert(!pause_may_stop(&ps, &cfg, ju));
	ck_assert_uint_eq(running_jobs(), 1);
	/* One running: never stopped, even asked directly. */
	j = *ju;
	ck_assert_int_eq(pause_stop(&ps, &j, 0), -EBUSY);
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_uint_eq(pause_release_all(&ps, 10), 0);
	sleep_ms(50);
	ck_assert_int_eq(state_of(user), 'T');
	ck_assert_int_eq(state_of(chain[1]), 'T');
	ck_assert_int_ne(state_of(chain[0]), 'T');
	reap(user);
	reap(other);
	reap(chain[0]);
}
END_TEST

static int notes[PAUSE_NOTE_KEPT + 1];
static pid_t noted_pid;

static void count_note(const struct pause_note *n, void *arg)
{
	(void)arg;
	notes[n->kind]++;
	noted_pid = n->pid;
}

/*
 * Someone continued a process oomqd stopped: its job goes on, whole,
 * and is not stopped again.  Someone continued one and stopped it again
 * (kill -CONT, kill -STOP): it is theirs, left stopped; the rest of its
 * job goes on.
 */
START_TEST(test_continued_by_other)
{
	pid_t a = spawn_sleeper(), chain[2];
	pid_t pausable[] = { a, 0 };
	struct job ja, jc;

	spawn_chain(chain, 2, false);
	pausable[1] = chain[0];
	pause_init(&ps, &proc, false);
	build(pausable, 2);
	ja = *job_with(a);
	jc = *job_with(chain[0]);
	ck_assert_int_eq(pause_stop(&ps, &ja, 0), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert_int_eq(pause_stop(&ps, &jc, 0), 0);
	ck_assert(wait_state(chain[1], true));
	ck_assert(settled(&ps));

	kill(a, SIGCONT);
	ck_assert_int_eq(next_change(a), 'c');
	kill(chain[1], SIGCONT);
	ck_assert(wait_state(chain[1], false));
	kill(chain[1], SIGSTOP);
	ck_assert(wait_state(chain[1], true));
	ck_assert_uint_eq(pause_check(&ps, 20, count_note, NULL), 2);
	ck_assert_int_eq(notes[PAUSE_NOTE_CONTINUED], 2);
	ck_assert_uint_eq(ps.n, 0);
	/* chain[1] is theirs: stopped; its parent, ours, goes on. */
	ck_assert(wait_state(chain[0], false));
	sleep_ms(50);
	ck_assert_int_eq(state_of(chain[1]), 'T');
	ck_assert_int_ne(state_of(a), 'T');
	/* Hands off from now on. */
	build(pausable, 1);
	ck_assert(!pause_may_stop(&ps, &cfg, job_with(a)));
	reap(a);
	reap(chain[0]);
}
END_TEST

/*
 * A shell's Ctrl-Z stops a job's whole process group, its leader too:
 * a process oomqd stopped in it is the user's now, forgotten and left
 * stopped; their fg continues it.
 */
START_TEST(test_group_suspended)
{
	pid_t chain[2];
	struct job j;

	spawn_chain(chain, 2, true);
	pause_init(&ps, &proc, false);
	build(&chain[1], 1);
	ck_assert_uint_eq(js.n, 1);
	ck_assert_int_eq(js.j[0].p[0].pid, chain[1]);
	j = js.j[0];
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert(wait_state(chain[1], true));
	ck_assert(settled(&ps));
	kill(-chain[0], SIGTSTP);
	ck_assert_int_eq(next_change(chain[0]), 's');
	ck_assert_uint_eq(pause_check(&ps, 10, count_note, NULL), 1);
	ck_assert_int_eq(notes[PAUSE_NOTE_SUSPENDED], 1);
	ck_assert_int_eq(noted_pid, chain[0]);
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_int_eq(state_of(chain[1]), 'T');
	ck_assert(!pause_may_stop(&ps, &cfg, &j));
	kill(-chain[0], SIGCONT);
	ck_assert(wait_state(chain[1], false));
	reap(chain[0]);
}
END_TEST

/*
 * A build's jobs share make's process group: the Ctrl-Z that stops it
 * hands every job of it over, in one check that reads the leader once.
 */
START_TEST(test_group_suspended_two)
{
	int fds[2];
	pid_t lead, kid[2];

	ck_assert_int_eq(pipe(fds), 0);
	lead = fork();
	ck_assert_int_ge(lead, 0);
	if (!lead) {
		if (setpgid(0, 0))
			_exit(1);
		for (int i = 0; i < 2; i++) {
			pid_t k = fork();

			if (k < 0)
				_exit(1);
			if (!k) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				for (;;)
					pause();
			}
			if (write(fds[1], &k, sizeof(k)) != sizeof(k))
				_exit(1);
		}
		for (;;)
			pause();
	}
	close(fds[1]);
	kid[0] = read_pid(fds[0]);
	kid[1] = read_pid(fds[0]);
	close(fds[0]);
	pause_init(&ps, &proc, false);
	for (int i = 0; i < 2; i++) {
		struct job j;

		build(&kid[i], 1);
		ck_assert_uint_eq(js.n, 1);
		j = js.j[0];
		ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
		ck_assert(wait_state(kid[i], true));
	}
	ck_assert(settled(&ps));
	kill(-lead, SIGTSTP);
	ck_assert_int_eq(next_change(lead), 's');
	memset(notes, 0, sizeof(notes));
	ck_assert_uint_eq(pause_check(&ps, 10, count_note, NULL), 2);
	ck_assert_int_eq(notes[PAUSE_NOTE_SUSPENDED], 2);
	ck_assert_uint_eq(ps.n, 0);
	kill(-lead, SIGCONT);
	reap(lead);
}
END_TEST

/*
 * A tree grows between the reading and the stop, and a process the
 * stop missed shows up below a stopped job: both are stopped with it.
 */
START_TEST(test_job_grows)
{
	int go[2], report[2];
	pid_t root, kid;
	struct job j;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(report), 0);
	root = fork();
	ck_assert_int_ge(root, 0);
	if (!root) {
		char c;

		if (read(go[0], &c, 1) != 1)
			_exit(1);
		kid = fork();
		if (!kid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		if (write(report[1], &kid, sizeof(kid)) != sizeof(kid))
			_exit(1);
		for (;;)
			pause();
	}
	pause_init(&ps, &proc, false);
	build(&root, 1);
	ck_assert_uint_eq(js.n, 1);
	ck_assert_uint_eq(js.j[0].n, 1);
	j = js.j[0];
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	kid = read_pid(report[0]);
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert_uint_eq(ps.j[0].n, 2);
	ck_assert(wait_state(root, true));
	ck_assert(wait_state(kid, true));
	/* As if the stop had missed it and it ran on. */
	ps.j[0].n = 1;
	kill(kid, SIGCONT);
	ck_assert(wait_state(kid, false));
	ck_assert_uint_eq(pause_check(&ps, 10, count_note, NULL), 0);
	ck_assert_int_eq(notes[PAUSE_NOTE_JOINED], 1);
	ck_assert_int_eq(noted_pid, kid);
	ck_assert_uint_eq(ps.j[0].n, 2);
	ck_assert(wait_state(kid, true));
	ck_assert_uint_eq(pause_release_all(&ps, 20), 1);
	ck_assert(wait_state(root, false));
	ck_assert(wait_state(kid, false));
	reap(root);
}
END_TEST

/*
 * Once every process of a job was seen stopped and its children read,
 * they are not read again: a stopped process forks none.  (Here the
 * set forgets a child it stopped: no check finds it again, where one
 * before the job settled does, test_job_grows.)  A child that ran
 * meanwhile is someone else's continue, which hands the job back.
 */
START_TEST(test_settled_reads_once)
{
	pid_t chain[2];
	struct job j;

	spawn_chain(chain, 2, false);
	pause_init(&ps, &proc, false);
	build(&chain[0], 1);
	ck_assert_uint_eq(js.n, 1);
	ck_assert_uint_eq(js.j[0].n, 2);
	j = js.j[0];
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert(wait_state(chain[1], true));
	ck_assert(settled(&ps));
	ck_assert_uint_eq(pause_check(&ps, 10, count_note, NULL), 0);
	ck_assert(ps.j[0].settled);
	ps.j[0].n = 1;
	memset(notes, 0, sizeof(notes));
	ck_assert_uint_eq(pause_check(&ps, 20, count_note, NULL), 0);
	ck_assert_int_eq(notes[PAUSE_NOTE_JOINED], 0);
	ck_assert_uint_eq(ps.j[0].n, 1);
	ck_assert_uint_eq(pause_release_all(&ps, 30), 1);
	ck_assert(wait_state(chain[0], false));
	kill(chain[1], SIGCONT);
	reap(chain[0]);
}
END_TEST

/*
 * A debugger sees every signal of its tracee: never stopped, and once
 * refused not tried again (the jobs' reads do not look at TracerPid).
 * A dry run refuses it too.
 */
START_TEST(test_traced)
{
	pid_t a = spawn_sleeper(), b = spawn_sleeper();
	pid_t pausable[] = { a, b };
	struct pause_set dry;
	struct job j;

	ck_assert_int_eq(ptrace(PTRACE_SEIZE, a, 0, 0), 0);
	pause_init(&ps, &proc, false);
	pause_init(&dry, &proc, true);
	build(pausable, 2);
	ck_assert(job_runs(job_with(a)));
	ck_assert(job_stoppable(job_with(b)));
	j = *job_with(a);
	ck_assert(pause_may_stop(&ps, &cfg, &j));
	ck_assert_int_eq(pause_stop(&dry, &j, 0), -EBUSY);
	ck_assert_uint_eq(dry.n, 0);
	ck_assert_int_eq(pause_stop(&ps, &j, 0), -EBUSY);
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_int_ne(state_of(a), 'T');
	ck_assert(!pause_may_stop(&ps, &cfg, &j));
	ck_assert(pause_may_stop(&ps, &cfg, job_with(b)));
	reap(a);
	reap(b);
}
END_TEST

/* The children of @pid (all its threads), waiting up to 2 s for @n. */
static int children_of(pid_t pid, pid_t *out, int n)
{
	int got = 0;

	for (int i = 0; i < 200 && got < n; i++, sleep_ms(10))
		got = jobs_children(&proc, pid, out, 8);
	return got;
}

/*
 * A pass that found no pausable process the last jobs read did not:
 * fewer (one stopped, one ended) or the same, in any order.  A new one,
 * or a recycled pid, is new.
 */
START_TEST(test_all_seen)
{
	static const struct jobs_seen seen[] = { { 10, 100 },
						 { 11, 110 },
						 { 12, 120 } };
	struct sample a = { .pid = 12, .start_ticks = 120 },
		      b = { .pid = 10, .start_ticks = 100 },
		      c = { .pid = 13, .start_ticks = 130 },
		      d = { .pid = 11, .start_ticks = 999 };
	const struct sample *run[] = { &a, &b, &c, &d };

	ck_assert(jobs_all_seen(run, 2, seen, 3));
	ck_assert(jobs_all_seen(run, 0, seen, 3));
	ck_assert(!jobs_all_seen(run, 3, seen, 3));
	ck_assert(!jobs_all_seen(&run[3], 1, seen, 3));
	ck_assert(!jobs_all_seen(run, 1, seen, 0));
}
END_TEST

/* Forks a sleeper, writes its pid to the fd at @arg, and stays. */
static void *fork_sleeper(void *arg)
{
	pid_t kid = fork();

	if (!kid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (write(*(int *)arg, &kid, sizeof(kid)) != sizeof(kid))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

/*
 * The children a job's process forked, from the one file of a
 * single-threaded process and from every thread's of one with two:
 * a child of its second thread is there too.
 */
START_TEST(test_children_of_threads)
{
	int fds[2];
	pid_t one, two, kid[2], got[8];
	struct job_proc p;
	int n = 0;

	ck_assert_int_eq(pipe(fds), 0);
	one = fork();
	ck_assert_int_ge(one, 0);
	if (!one)
		fork_sleeper(&fds[1]);
	two = fork();
	ck_assert_int_ge(two, 0);
	if (!two) {
		pthread_t t;

		if (pthread_create(&t, NULL, fork_sleeper, &fds[1]))
			_exit(1);
		for (;;)
			pause();
	}
	kid[0] = read_pid(fds[0]);
	ck_assert_int_eq(jobs_read_proc(&proc, one, &p), 0);
	ck_assert_int_eq(p.threads, 1);
	for (int i = 0; i < 200 && n < 1; i++, sleep_ms(10))
		n = jobs_children_of(&proc, &p, got, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(got[0], kid[0]);
	kid[1] = read_pid(fds[0]);
	for (int i = 0; i < 200; i++, sleep_ms(10)) {
		ck_assert_int_eq(jobs_read_proc(&proc, two, &p), 0);
		n = jobs_children_of(&proc, &p, got, 8);
		if (n >= 1 && p.threads == 2)
			break;
	}
	ck_assert_int_eq(p.threads, 2);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(got[n - 1], kid[1]);
	reap(one);
	reap(two);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/*
 * Output of the shell on the pty @m until @want shows, or @ms pass;
 * false then.  Everything read is kept in @buf.
 */
static bool pty_expect(int m, const char *want, int ms, char *buf, size_t size)
{
	size_t len = strlen(buf);

	for (int waited = 0; !strstr(buf, want); waited += 50) {
		struct pollfd pfd = { .fd = m, .events = POLLIN };
		ssize_t n;

		if (waited >= ms)
			return false;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(m, buf + len, size - len - 1);
		if (n <= 0)
			return false;
		len += (size_t)n;
		buf[len] = '\0';
	}
	return true;
}

/*
 * A job an interactive shell started: bash on a pty runs
 * sh -c 'sleep 1 & sleep 1; wait' && echo NEXT-$((20+22)), and every
 * process of it counts as pausable.  The sh is the job's leader, whose
 * stop bash would report ("Stopped") and whose && would then skip the
 * echo: it is no job's root, and each sleep is a job of its own.  Both
 * stopped for a while and continued, the echo runs.
 */
START_TEST(test_shell_job)
{
	static char out[8192];
	pid_t shell, sh, pausable[3];
	const char *cmd = "sh -c 'sleep 1 & sleep 1; wait' && "
			  "echo NEXT-$((20+22))\n";
	char *name;
	int m;

	if (access("/bin/bash", X_OK)) {
		fprintf(stderr, "test_shell_job skipped: no /bin/bash\n");
		return;
	}
	m = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	name = ptsname(m);
	ck_assert_ptr_nonnull(name);
	shell = fork();
	ck_assert_int_ge(shell, 0);
	if (!shell) {
		int t;

		/* A session of its own, the pty its terminal: job control. */
		if (setsid() < 0 || (t = open(name, O_RDWR)) < 0)
			_exit(126);
		dup2(t, 0);
		dup2(t, 1);
		dup2(t, 2);
		execl("/bin/bash", "bash", "--norc", "--noprofile", "-i",
		      (char *)NULL);
		_exit(127);
	}
	out[0] = '\0';
	sleep_ms(300);
	ck_assert_int_eq(write(m, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	ck_assert_int_eq(children_of(shell, &sh, 1), 1);
	ck_assert_int_eq(children_of(sh, pausable + 1, 2), 2);
	pausable[0] = sh;
	pause_init(&ps, &proc, false);
	build(pausable, 3);
	ck_assert_ptr_null(job_with(sh));
	ck_assert_uint_eq(js.n, 2);
	for (unsigned int i = 0; i < js.n; i++) {
		struct job j = js.j[i];

		ck_assert(job_stoppable(&j));
		ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	}
	ck_assert(wait_state(pausable[1], true));
	ck_assert(wait_state(pausable[2], true));
	sleep_ms(300);
	ck_assert_uint_eq(pause_release_all(&ps, 300), 2);
	ck_assert_msg(pty_expect(m, "NEXT-42", 5000, out, sizeof(out)),
		      "the shell did not go on: %s", out);
	ck_assert_msg(!strstr(out, "Stopped"), "the shell saw a stop: %s", out);
	reap(shell);
	close(m);
}
END_TEST

/* A directory for a record file, as /run/oomqd is: ours, 0700. */
static int record_dir(char *path)
{
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(path));
	fd = open(path, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void record_dir_rm(int dfd, const char *path)
{
	unlinkat(dfd, "stopped", 0);
	close(dfd);
	rmdir(path);
}

/* The killed oomqd: its record stays, its stops stay, nothing sent. */
static void crash(struct pause_set *set)
{
	pause_file_close(set);
}

/*
 * An oomqd SIGKILLed with processes stopped leaves them in the record
 * file; the next one continues those still stopped and still the same
 * (start time), not a process that merely has the PID.
 */
START_TEST(test_file)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	int dfd = record_dir(path), fd;
	pid_t a = spawn_sleeper(), b = spawn_sleeper(), holder;
	pid_t pausable[] = { a, b };
	struct job ja, jb;

	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	build(pausable, 2);
	ja = *job_with(a);
	jb = *job_with(b);
	ck_assert_int_eq(pause_stop(&ps, &ja, 10), 0);
	ck_assert_int_eq(pause_stop(&ps, &jb, 20), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert_int_eq(next_change(b), 's');
	/* Seen stopped, as the daemon does within a second. */
	ck_assert(settled(&ps));
	crash(&ps);
	/* b's record names another process with b's PID, as if. */
	fd = openat(dfd, "stopped", O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &ps.table, sizeof(ps.table), 0),
			 sizeof(ps.table));
	ck_assert_int_eq(ps.table.r[1][0].pid, b);
	ps.table.r[1][0].start_ticks++;
	ck_assert_int_eq(pwrite(fd, &ps.table, sizeof(ps.table), 0),
			 sizeof(ps.table));
	close(fd);

	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 1);
	ck_assert_int_eq(next_change(a), 'c');
	ck_assert_uint_eq(ps.n, 0);
	pause_file_close(&ps);
	ck_assert_int_eq(state_of(b), 'T');
	/* Recorded empty now: nothing the second time. */
	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	pause_file_close(&ps);
	reap(a);
	reap(b);
	/* Not a record file: ignored, and made one. */
	fd = openat(dfd, "stopped", O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "junk", 4), 4);
	close(fd);
	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	pause_file_close(&ps);
	record_dir_rm(dfd, path);
}
END_TEST

/* A fresh oomqd with its record in @dfd stops the @n sleepers @pid. */
static void stop_sleepers(int dfd, const pid_t *pid, unsigned int n)
{
	pid_t holder;

	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	build(pid, n);
	for (unsigned int i = 0; i < n; i++) {
		struct job j = *job_with(pid[i]);

		ck_assert_int_eq(pause_stop(&ps, &j, 10 * i), 0);
		ck_assert_int_eq(next_change(pid[i]), 's');
	}
}

/*
 * The next oomqd continues @pid[@first] to @pid[@n - 1] from the record
 * in @dfd; then the sleepers and the record go.
 */
static void resume_sleepers(int dfd, const char *path, const pid_t *pid,
			    unsigned int first, unsigned int n)
{
	pid_t holder;

	pause_init(&ps, &proc, false);
	ck_assert_int_eq(pause_file_open(&ps, dfd, "stopped", &holder, NULL,
					 NULL),
			 (int)(n - first));
	for (unsigned int i = first; i < n; i++)
		ck_assert_int_eq(next_change(pid[i]), 'c');
	pause_file_close(&ps);
	for (unsigned int i = 0; i < n; i++)
		reap(pid[i]);
	record_dir_rm(dfd, path);
}

/*
 * The file is written a job's rows at a time: a continue of the first
 * of three moves the others up a row, and the third's old row is
 * emptied, or the next oomqd would find a job twice (or a ghost).
 */
START_TEST(test_file_rows)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	int dfd = record_dir(path), fd;
	pid_t pid[] = { spawn_sleeper(), spawn_sleeper(), spawn_sleeper() };
	struct pause_table read_back;

	stop_sleepers(dfd, pid, 3);
	ck_assert_int_eq(pause_cont(&ps, 0, 40, NULL), 0);
	ck_assert_int_eq(next_change(pid[0]), 'c');
	crash(&ps);
	fd = openat(dfd, "stopped", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &read_back, sizeof(read_back), 0),
			 sizeof(read_back));
	close(fd);
	ck_assert_uint_eq(read_back.magic, PAUSE_FILE_MAGIC);
	ck_assert_int_eq(read_back.holder, getpid());
	ck_assert_int_eq(read_back.r[0][0].pid, pid[1]);
	ck_assert_int_eq(read_back.r[1][0].pid, pid[2]);
	for (unsigned int i = 2; i < PAUSE_MAX; i++)
		for (unsigned int k = 0; k < JOB_PROCS; k++)
			ck_assert_int_eq(read_back.r[i][k].pid, 0);

	resume_sleepers(dfd, path, pid, 1, 3);
}
END_TEST

/*
 * A record written by an oomqd with room for fewer jobs (PAUSE_MAX was
 * 32) has the same header and rows, fewer of them: read whole, so an
 * upgrade continues what the oomqd before it left stopped.
 */
START_TEST(test_file_smaller)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	int dfd = record_dir(path), fd;
	pid_t pid[] = { spawn_sleeper(), spawn_sleeper() };

	stop_sleepers(dfd, pid, 2);
	ck_assert(settled(&ps));
	crash(&ps);
	fd = openat(dfd, "stopped", O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, offsetof(struct pause_table, r) +
					       32 * sizeof(ps.table.r[0])),
			 0);
	close(fd);

	resume_sleepers(dfd, path, pid, 0, 2);
}
END_TEST

/*
 * A record must never make oomqd continue what it did not stop:
 *  - stale: oomqd stopped it and died; someone continued it and
 *    stopped it again (kill -STOP): it ran since, it is theirs;
 *  - recorded, but oomqd died before it sent the stop, and someone else
 *    stopped it;
 *  - its group's leader stopped by someone else (a shell's Ctrl-Z);
 *  - a record file others could have written: not read at all.
 * One oomqd died before it saw stopped (milliseconds after the stop)
 * is continued: left stopped, it would stay so for good.
 */
START_TEST(test_file_not_ours)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	int dfd = record_dir(path), fd;
	pid_t stale = spawn_sleeper(), unsent = spawn_sleeper();
	pid_t unseen = spawn_sleeper(), chain[2], holder;
	pid_t pausable[] = { stale, unsent, unseen, 0 };
	struct job j;

	spawn_chain(chain, 2, true);
	pausable[3] = chain[1];
	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	build(pausable, 4);
	for (int i = 0; i < 4; i++) {
		j = *job_with(pausable[i]);
		ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
		ck_assert(wait_state(pausable[i], true));
	}
	ck_assert(settled(&ps));
	crash(&ps);
	kill(stale, SIGCONT);
	ck_assert_int_eq(next_change(stale), 'c');
	kill(stale, SIGSTOP);
	ck_assert_int_eq(next_change(stale), 's');
	kill(-chain[0], SIGTSTP);
	ck_assert_int_eq(next_change(chain[0]), 's');
	/* As if oomqd died before the stop of unsent went out, and
	 * before it saw the one of unseen. */
	fd = openat(dfd, "stopped", O_RDWR);
	ck_assert_int_eq(pread(fd, &ps.table, sizeof(ps.table), 0),
			 sizeof(ps.table));
	ck_assert_int_eq(ps.table.r[1][0].pid, unsent);
	ck_assert_int_eq(ps.table.r[2][0].pid, unseen);
	ck_assert_uint_eq(ps.table.r[1][0].flags,
			  PAUSE_RECORD_SENT | PAUSE_RECORD_CONFIRMED);
	ps.table.r[1][0].flags = 0;
	ps.table.r[2][0].flags = PAUSE_RECORD_SENT;
	ck_assert_int_eq(pwrite(fd, &ps.table, sizeof(ps.table), 0),
			 sizeof(ps.table));

	/* Writable by others first: refused, nothing read. */
	ck_assert_int_eq(fchmod(fd, 0666), 0);
	pause_init(&ps, &proc, false);
	ck_assert_int_eq(pause_file_open(&ps, dfd, "stopped", &holder,
					 count_note, NULL),
			 -EPERM);
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	close(fd);
	sleep_ms(50);
	ck_assert_int_eq(state_of(unseen), 'T');

	pause_init(&ps, &proc, false);
	ck_assert_int_eq(pause_file_open(&ps, dfd, "stopped", &holder,
					 count_note, NULL),
			 1);
	ck_assert_int_eq(next_change(unseen), 'c');
	ck_assert_int_eq(notes[PAUSE_NOTE_KEPT], 3);
	sleep_ms(50);
	ck_assert_int_eq(state_of(stale), 'T');
	ck_assert_int_eq(state_of(unsent), 'T');
	ck_assert_int_eq(state_of(chain[1]), 'T');
	pause_file_close(&ps);
	reap(stale);
	reap(unsent);
	reap(unseen);
	reap(chain[0]);
	record_dir_rm(dfd, path);
}
END_TEST

/* An oomqd with its record in @dfd stops @a, and sees it stopped. */
static void stop_recorded(int dfd, pid_t a)
{
	pid_t holder;
	struct job j;

	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	build(&a, 1);
	j = js.j[0];
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert(settled(&ps));
}

/* A record of another boot names processes long gone: not read. */
START_TEST(test_file_other_boot)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	int dfd = record_dir(path), fd;
	pid_t holder, a = spawn_sleeper();

	stop_recorded(dfd, a);
	crash(&ps);
	fd = openat(dfd, "stopped", O_RDWR);
	ck_assert_int_eq(pread(fd, &ps.table, sizeof(ps.table), 0),
			 sizeof(ps.table));
	ck_assert_int_eq(ps.table.r[0][0].pid, a);
	ps.table.boot_id[0] ^= 1;
	ck_assert_int_eq(pwrite(fd, &ps.table, sizeof(ps.table), 0),
			 sizeof(ps.table));
	close(fd);
	pause_init(&ps, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps, dfd, "stopped", &holder, NULL, NULL), 0);
	pause_file_close(&ps);
	sleep_ms(50);
	ck_assert_int_eq(state_of(a), 'T');
	reap(a);
	record_dir_rm(dfd, path);
}
END_TEST

/* A second oomqd finds the record locked, and who holds it. */
START_TEST(test_file_second_instance)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	int dfd = record_dir(path);
	pid_t holder = -1, a = spawn_sleeper();

	stop_recorded(dfd, a);
	pause_init(&ps2, &proc, false);
	ck_assert_int_eq(pause_file_open(&ps2, dfd, "stopped", &holder, NULL,
					 NULL),
			 -EBUSY);
	ck_assert_int_eq(holder, getpid());
	ck_assert_int_eq(ps2.fd, -1);
	/* It continued nothing of the first one's. */
	sleep_ms(50);
	ck_assert_int_eq(state_of(a), 'T');
	pause_file_close(&ps);
	/* Released with the file: the next one may start. */
	pause_init(&ps2, &proc, false);
	ck_assert_int_eq(
		pause_file_open(&ps2, dfd, "stopped", &holder, NULL, NULL), 1);
	ck_assert_int_eq(next_change(a), 'c');
	pause_file_close(&ps2);
	reap(a);
	record_dir_rm(dfd, path);
}
END_TEST

/* The record file's content when a signal goes out: the stop is in it. */
static int recorded_dfd = -1;
static bool recorded_before;

static bool record_names(pid_t pid)
{
	int fd = openat(recorded_dfd, "stopped", O_RDONLY);
	bool found = false;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &ps2.table, sizeof(ps2.table), 0),
			 sizeof(ps2.table));
	close(fd);
	for (int i = 0; i < PAUSE_MAX; i++)
		for (int k = 0; k < JOB_PROCS; k++)
			found |= ps2.table.r[i][k].pid == pid;
	return found;
}

static int send_checked(int pidfd, int sig)
{
	struct pidfd_fdinfo {
		pid_t pid;
	} who = { 0 };
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	p = strstr(buf, "Pid:");
	ck_assert_ptr_nonnull(p);
	who.pid = atoi(p + 4);
	if (sig == SIGSTOP)
		recorded_before = record_names(who.pid);
	return sys_pidfd_send_signal(pidfd, sig);
}

/* Record, then stop: an oomqd killed between leaves nothing unknown. */
START_TEST(test_file_record_first)
{
	char path[] = "/tmp/oomq-pause-XXXXXX";
	pid_t holder, a = spawn_sleeper();
	struct job j;

	recorded_dfd = record_dir(path);
	pause_init(&ps, &proc, false);
	ps.send = send_checked;
	ck_assert_int_eq(pause_file_open(&ps, recorded_dfd, "stopped", &holder,
					 NULL, NULL),
			 0);
	build(&a, 1);
	j = js.j[0];
	ck_assert_int_eq(pause_stop(&ps, &j, 0), 0);
	ck_assert_int_eq(next_change(a), 's');
	ck_assert(recorded_before);
	pause_release_all(&ps, 10);
	ck_assert_int_eq(next_change(a), 'c');
	ck_assert(!record_names(a));
	pause_file_close(&ps);
	reap(a);
	record_dir_rm(recorded_dfd, path);
}
END_TEST

static struct policy pol;

static void teardown(void)
{
	policy_free(&pol);
	proc_sampler_close(&proc);
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
	ck_assert_double_eq(pc.watch_at.mem_avail_pct, 34);
	ck_assert_uint_eq(pc.pause_max_ms, 30000);
	policy_free(&pol);

	/* On without a config, as the shipped one has it. */
	policy_defaults(&pol);
	ck_assert_int_eq(policy_parse_buf(&pol, "", 0), 0);
	ck_assert_int_eq(thresholds_from_policy(&pol, &pc, &kc, &why), 0);
	ck_assert(pc.pause_enabled);
	ck_assert_double_eq(pc.pause_at.mem_avail_pct, 15);
	policy_free(&pol);

	policy_defaults(&pol);
	ck_assert_int_eq(
		policy_parse_buf(&pol, "[thresholds]\npause_pct = 0\n", 27), 0);
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
	/* The shell's sleeps take a second; ASan slows the rest. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_due_expired_and_off);
	tcase_add_test(tc, test_due_budget);
	tcase_add_test(tc, test_wait_ms);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_start_time);
	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_stopped_before);
	tcase_add_test(tc, test_continued_by_other);
	tcase_add_test(tc, test_group_suspended);
	tcase_add_test(tc, test_group_suspended_two);
	tcase_add_test(tc, test_job_grows);
	tcase_add_test(tc, test_settled_reads_once);
	tcase_add_test(tc, test_children_of_threads);
	tcase_add_test(tc, test_all_seen);
	tcase_add_test(tc, test_traced);
	tcase_add_test(tc, test_shell_job);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_file_rows);
	tcase_add_test(tc, test_file_smaller);
	tcase_add_test(tc, test_file_not_ours);
	tcase_add_test(tc, test_file_other_boot);
	tcase_add_test(tc, test_file_second_instance);
	tcase_add_test(tc, test_file_record_first);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_pausable);
	suite_add_tcase(s, tc);
	return s;
}
