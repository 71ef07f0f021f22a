// SPDX-License-Identifier: GPL-2.0
/*
 * agent/cn_proc.c and agent/verdicts.c: the kernel's process events
 * decoded, the verdicts they keep, and a daemon-style agent on the live
 * /proc following a process through renames, an exec and a fork with
 * (after the first pass) only new and changed processes classified.
 * The live test needs CAP_NET_ADMIN in the initial namespaces; without
 * it, it says so and checks only that the agent works unlistened.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/agent.h"
#include "../../agent/cn_proc.h"
#include "../../agent/verdicts.h"

/* cn_proc_fn: collects the pids named. */
struct named {
	pid_t pid[8];
	int n;
};

static void collect(pid_t pid, void *ctx)
{
	struct named *nm = ctx;

	ck_assert_int_lt(nm->n, (int)ARRAY_SIZE(nm->pid));
	nm->pid[nm->n++] = pid;
}

/* One event as the kernel sends it: nlmsghdr, cn_msg, proc_event. */
struct datagram {
	struct nlmsghdr nlh;
	struct cn_msg cn;
	struct proc_event ev;
} __attribute__((packed));

static size_t event(unsigned char *at, unsigned int what, pid_t a, pid_t b,
		    pid_t c, pid_t d)
{
	struct datagram dg;

	memset(&dg, 0, sizeof(dg));
	dg.nlh.nlmsg_len = NLMSG_ALIGN(sizeof(dg));
	dg.nlh.nlmsg_type = NLMSG_DONE;
	dg.cn.id.idx = CN_IDX_PROC;
	dg.cn.id.val = CN_VAL_PROC;
	dg.cn.len = sizeof(dg.ev);
	dg.ev.what = what;
	switch (what) {
	case PROC_EVENT_FORK:
		dg.ev.event_data.fork.parent_pid = a;
		dg.ev.event_data.fork.parent_tgid = b;
		dg.ev.event_data.fork.child_pid = c;
		dg.ev.event_data.fork.child_tgid = d;
		break;
	case PROC_EVENT_EXEC:
	case PROC_EVENT_EXIT:
		dg.ev.event_data.exec.process_pid = a;
		dg.ev.event_data.exec.process_tgid = b;
		break;
	case PROC_EVENT_COMM:
		dg.ev.event_data.comm.process_pid = a;
		dg.ev.event_data.comm.process_tgid = b;
		break;
	case PROC_EVENT_UID:
		dg.ev.event_data.id.process_pid = a;
		dg.ev.event_data.id.process_tgid = b;
		break;
	}
	memcpy(at, &dg, sizeof(dg));
	return NLMSG_ALIGN(sizeof(dg));
}

static void parse_one(unsigned int what, pid_t a, pid_t b, pid_t c, pid_t d,
		      int n, pid_t want)
{
	unsigned char buf[256];
	struct named nm = { .n = 0 };
	size_t len = event(buf, what, a, b, c, d);

	ck_assert_int_eq(cn_proc_parse(buf, len, collect, &nm), 0);
	ck_assert_int_eq(nm.n, n);
	if (n)
		ck_assert_int_eq(nm.pid[0], want);
}

START_TEST(test_parse_events)
{
	/* A new process (not a thread) is named by its tgid. */
	parse_one(PROC_EVENT_FORK, 10, 10, 11, 11, 1, 11);
	parse_one(PROC_EVENT_FORK, 10, 10, 12, 10, 0, 0);
	parse_one(PROC_EVENT_EXEC, 20, 20, 0, 0, 1, 20);
	/* Only the leader's comm and uid are /proc/<tgid>'s. */
	parse_one(PROC_EVENT_COMM, 30, 30, 0, 0, 1, 30);
	parse_one(PROC_EVENT_COMM, 31, 30, 0, 0, 0, 0);
	parse_one(PROC_EVENT_UID, 40, 40, 0, 0, 1, 40);
	parse_one(PROC_EVENT_UID, 41, 40, 0, 0, 0, 0);
	parse_one(PROC_EVENT_EXIT, 50, 50, 0, 0, 0, 0);
	parse_one(PROC_EVENT_NONE, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_parse_bad)
{
	unsigned char buf[512];
	struct named nm = { .n = 0 };
	struct datagram *dg = (struct datagram *)buf;
	size_t len;

	/* Two events in one datagram: both. */
	len = event(buf, PROC_EVENT_EXEC, 7, 7, 0, 0);
	len += event(buf + len, PROC_EVENT_COMM, 8, 8, 0, 0);
	ck_assert_int_eq(cn_proc_parse(buf, len, collect, &nm), 0);
	ck_assert_int_eq(nm.n, 2);
	ck_assert_int_eq(nm.pid[1], 8);

	/* Another connector's message is not ours. */
	nm.n = 0;
	len = event(buf, PROC_EVENT_EXEC, 7, 7, 0, 0);
	dg->cn.id.idx = CN_IDX_PROC + 1;
	ck_assert_int_eq(cn_proc_parse(buf, len, collect, &nm), 0);
	ck_assert_int_eq(nm.n, 0);

	/* An event longer than its message, or shorter than a header. */
	len = event(buf, PROC_EVENT_EXEC, 7, 7, 0, 0);
	dg->cn.len = sizeof(dg->ev) + 64;
	ck_assert_int_eq(cn_proc_parse(buf, len, collect, &nm), -EBADMSG);
	dg->cn.len = 8;
	ck_assert_int_eq(cn_proc_parse(buf, len, collect, &nm), -EBADMSG);
	ck_assert_int_eq(nm.n, 0);

	/* A short datagram: nothing in it parses as a message. */
	ck_assert_int_eq(cn_proc_parse(buf, 10, collect, &nm), 0);
	ck_assert_int_eq(nm.n, 0);
}
END_TEST

static struct verdicts v;

static void verdicts_setup(void)
{
	ck_assert_int_eq(verdicts_init(&v), 0);
}

static void verdicts_teardown(void)
{
	verdicts_fini(&v);
}

/*
 * One walk over @pids (ascending): what verdicts_get() says for each,
 * classifying the unknown with @rules (what a read of comm would give).
 */
static void walk(const pid_t *pids, const int *rules, int *got, size_t n,
		 bool complete)
{
	verdicts_begin(&v);
	for (size_t i = 0; i < n; i++) {
		got[i] = verdicts_get(&v, pids[i]);
		if (got[i] == VERDICT_UNKNOWN)
			verdicts_put(&v, pids[i], rules[i]);
	}
	verdicts_end(&v, complete);
}

static const pid_t pids[] = { 1, 5, 9, 300, 4000 };
static const int rules[] = { SAMPLE_NO_RULE, 2, SAMPLE_NO_RULE, 0,
			     SAMPLE_NO_RULE };

static void assert_all(const int *got, int want)
{
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		ck_assert_int_eq(got[i], want);
}

START_TEST(test_verdicts_prime)
{
	int got[ARRAY_SIZE(pids)];

	/* First walk: everyone read; second: everyone remembered. */
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	assert_all(got, VERDICT_UNKNOWN);
	ck_assert_uint_eq(v.classified, ARRAY_SIZE(pids));
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	ck_assert_uint_eq(v.classified, 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		ck_assert_int_eq(got[i], rules[i]);
	/* Only the matched are kept. */
	ck_assert_uint_eq(v.ncur, 2);
}
END_TEST

START_TEST(test_verdicts_dirty)
{
	int got[ARRAY_SIZE(pids)], now[ARRAY_SIZE(pids)];

	memcpy(now, rules, sizeof(now));
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	/* 5 renamed away from its rule, 9 into one, 4000 is new. */
	verdicts_dirty(5, &v);
	verdicts_dirty(9, &v);
	verdicts_dirty(4000, &v);
	verdicts_dirty(9, &v); /* twice is once */
	ck_assert_uint_eq(v.ndirty, 3);
	now[1] = SAMPLE_NO_RULE;
	now[2] = 1;
	walk(pids, now, got, ARRAY_SIZE(pids), true);
	ck_assert_uint_eq(v.classified, 3);
	ck_assert_int_eq(got[0], SAMPLE_NO_RULE);
	ck_assert_int_eq(got[1], VERDICT_UNKNOWN);
	ck_assert_int_eq(got[2], VERDICT_UNKNOWN);
	ck_assert_int_eq(got[3], 0);
	ck_assert_int_eq(got[4], VERDICT_UNKNOWN);
	/* What they were read as holds from now on; the names are spent. */
	walk(pids, now, got, ARRAY_SIZE(pids), true);
	ck_assert_uint_eq(v.classified, 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		ck_assert_int_eq(got[i], now[i]);
}
END_TEST

START_TEST(test_verdicts_gone)
{
	static const pid_t later[] = { 1, 9, 300, 4000 };
	int got[ARRAY_SIZE(pids)];

	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	/* 5 (matched) exited: not met, not kept; its pid reused later is
	 * a fork event, so it is read then.
	 */
	walk(later, rules + 1, got, ARRAY_SIZE(later), true);
	ck_assert_uint_eq(v.ncur, 1);
	verdicts_dirty(5, &v);
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	ck_assert_uint_eq(v.classified, 1);
	ck_assert_int_eq(got[1], VERDICT_UNKNOWN);
}
END_TEST

START_TEST(test_verdicts_forget)
{
	static const pid_t unordered[] = { 1, 9, 5 };
	int got[ARRAY_SIZE(pids)];

	/* Lost events. */
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	verdicts_forget(&v);
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	assert_all(got, VERDICT_UNKNOWN);

	/* A walk that stopped midway proves nothing about the rest. */
	walk(pids, rules, got, 2, false);
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	assert_all(got, VERDICT_UNKNOWN);

	/* Not /proc's order: from there on, read. */
	walk(unordered, rules, got, ARRAY_SIZE(unordered), true);
	ck_assert_int_eq(got[2], VERDICT_UNKNOWN);
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	assert_all(got, VERDICT_UNKNOWN);

	/* A process that could not be read may match next time. */
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	verdicts_dirty(9, &v);
	verdicts_begin(&v);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		if (verdicts_get(&v, pids[i]) == VERDICT_UNKNOWN)
			verdicts_put(&v, pids[i], VERDICT_UNKNOWN);
	verdicts_end(&v, true);
	walk(pids, rules, got, ARRAY_SIZE(pids), true);
	assert_all(got, VERDICT_UNKNOWN);
}
END_TEST

START_TEST(test_verdicts_bounded)
{
	static pid_t many[VERDICTS_MAX + 1];
	static int match[VERDICTS_MAX + 1], got[VERDICTS_MAX + 1];

	/* More matched than it holds: every walk reads everyone. */
	for (size_t i = 0; i < ARRAY_SIZE(many); i++) {
		many[i] = (pid_t)(i + 100);
		match[i] = 0;
	}
	walk(many, match, got, ARRAY_SIZE(many), true);
	walk(many, match, got, ARRAY_SIZE(many), true);
	ck_assert_uint_eq(v.classified, ARRAY_SIZE(many));
	/* Exactly as many: remembered. */
	walk(many, match, got, VERDICTS_MAX, true);
	walk(many, match, got, VERDICTS_MAX, true);
	ck_assert_uint_eq(v.classified, 0);

	/* More named by events than it holds: forgotten, all read. */
	for (pid_t p = 1; p <= VERDICTS_DIRTY_MAX; p++)
		verdicts_dirty(p * 7, &v);
	ck_assert(v.primed);
	verdicts_dirty(1, &v);
	ck_assert(!v.primed);
	ck_assert_uint_eq(v.ndirty, 0);
}
END_TEST

/* A child that does what the test writes to it, then answers. */
struct child {
	pid_t pid;
	int cmd, ack;
};

static const char name_a[] = "oomq-evt-a", name_b[] = "oomq-evt-b";
static char exe_dir[64], exe_a[96];

static void child_loop(int cmd, int ack)
{
	char c;

	signal(SIGCHLD, SIG_IGN); /* the grandchild is reaped when killed */
	while (read(cmd, &c, 1) == 1) {
		pid_t g;

		switch (c) {
		case 'a':
			prctl(PR_SET_NAME, name_a, 0, 0, 0);
			break;
		case 'b':
			prctl(PR_SET_NAME, name_b, 0, 0, 0);
			break;
		case 'f': /* a grandchild, with our comm */
			g = fork();
			if (!g) {
				pause();
				_exit(0);
			}
			write(ack, &g, sizeof(g));
			continue;
		case 'x': /* becomes "oomq-evt-a" by exec */
			write(ack, &c, 1);
			execl(exe_a, name_a, "300", (char *)NULL);
			_exit(127);
		}
		write(ack, &c, 1);
	}
	_exit(0);
}

static void child_start(struct child *ch)
{
	int cmd[2], ack[2];

	ck_assert_int_eq(pipe(cmd), 0);
	ck_assert_int_eq(pipe(ack), 0);
	ch->pid = fork();
	ck_assert_int_ge(ch->pid, 0);
	if (!ch->pid) {
		close(cmd[1]);
		close(ack[0]);
		child_loop(cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	ch->cmd = cmd[1];
	ch->ack = ack[0];
}

static void child_do(struct child *ch, char c, void *reply, size_t len)
{
	char r;

	ck_assert_int_eq(write(ch->cmd, &c, 1), 1);
	ck_assert_int_eq(read(ch->ack, reply ? reply : &r, reply ? len : 1),
			 (ssize_t)(reply ? len : 1));
}

static const char live_conf[] = "[oomqd]\n"
				"queue_length = 4\n"
				"[rule evt]\n"
				"match_comm = ^oomq-evt-a$\n"
				"priority = 900\n";

/* The rule of @pid in @a's queue, SAMPLE_NO_RULE if not queued. */
static int queued_rule(const struct agent *a, pid_t pid)
{
	for (size_t i = 0; i < a->nranked; i++)
		if (a->tab[a->order[i]].pid == pid)
			return a->tab[a->order[i]].rule;
	return SAMPLE_NO_RULE;
}

static struct agent live, plain;

static void agent_load(struct agent *a)
{
	policy_defaults(&a->policy);
	ck_assert_int_eq(
		policy_parse_buf(&a->policy, live_conf, strlen(live_conf)), 0);
	/* The session's recognition reads cgroups: no events with it. */
	a->policy.session = POLICY_NONE;
	a->source = AGENT_SOURCE_PROC;
	ck_assert_int_eq(agent_init(a, "/proc", 4096), 0);
}

/*
 * A pass of the listening agent next to one of an agent without
 * events: the same verdict for @pid, and the number read.
 */
static unsigned long both_pass(pid_t pid, int want)
{
	ck_assert_int_eq(agent_rank(&live), 0);
	ck_assert_int_eq(agent_rank(&plain), 0);
	ck_assert_msg(queued_rule(&live, pid) == want,
		      "pid %d: rule %d, not %d, with events (%lu read)",
		      (int)pid, queued_rule(&live, pid), want,
		      live.events.verdicts.classified);
	ck_assert_msg(queued_rule(&plain, pid) == want,
		      "pid %d: rule %d, not %d, without events", (int)pid,
		      queued_rule(&plain, pid), want);
	return live.events.verdicts.classified;
}

START_TEST(test_events_live)
{
	struct child ch;
	unsigned long first, steady;
	pid_t grandchild;
	int ret;

	agent_load(&live);
	agent_load(&plain);
	ret = agent_listen(&live);
	if (ret) {
		ck_assert_ptr_null(live.events.cn.sk);
		ck_assert_int_eq(agent_rank(&live), 0);
		fprintf(stderr,
			"agent_events: live test skipped: process "
			"events: %s\n",
			strerror(-ret));
		goto out;
	}
	ck_assert_ptr_nonnull(live.events.cn.sk);
	/* exec names the process after the link, not what it points to. */
	snprintf(exe_dir, sizeof(exe_dir), "/tmp/oomq-evt.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(exe_dir));
	snprintf(exe_a, sizeof(exe_a), "%s/%s", exe_dir, name_a);
	ck_assert_int_eq(symlink("/bin/sleep", exe_a), 0);
	child_start(&ch);

	first = both_pass(ch.pid, SAMPLE_NO_RULE);
	ck_assert_uint_eq(first, live.nprocs);
	steady = both_pass(ch.pid, SAMPLE_NO_RULE);
	ck_assert_uint_lt(steady, first);

	child_do(&ch, 'a', NULL, 0); /* a comm event */
	both_pass(ch.pid, 0);
	child_do(&ch, 'b', NULL, 0);
	both_pass(ch.pid, SAMPLE_NO_RULE);
	child_do(&ch, 'a', NULL, 0);
	both_pass(ch.pid, 0);
	child_do(&ch, 'f', &grandchild, sizeof(grandchild)); /* a fork */
	both_pass(grandchild, 0);
	kill(grandchild, SIGKILL);
	child_do(&ch, 'b', NULL, 0);
	both_pass(ch.pid, SAMPLE_NO_RULE);
	child_do(&ch, 'x', NULL, 0); /* an exec */
	for (int i = 0; i < 200; i++) { /* until exec is done */
		char comm[SAMPLE_COMM_LEN];

		if (!proc_read_comm(&live.sampler, ch.pid, comm) &&
		    !strcmp(comm, name_a))
			break;
		usleep(10000);
	}
	proc_sampler_flush(&live.sampler);
	/*
	 * exec sets the comm /proc shows before it sends its event, so the
	 * listening agent may see the new name one pass late; not later.
	 */
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(agent_rank(&live), 0);
		if (queued_rule(&live, ch.pid) == 0)
			break;
		usleep(10000);
	}
	both_pass(ch.pid, 0);

	kill(ch.pid, SIGKILL);
	waitpid(ch.pid, NULL, 0);
	close(ch.cmd);
	close(ch.ack);
	unlink(exe_a);
	rmdir(exe_dir);
out:
	agent_fini(&live);
	agent_fini(&plain);
	policy_free(&live.policy);
	policy_free(&plain.policy);
}
END_TEST

Suite *agent_events_suite(void)
{
	Suite *s = suite_create("agent_events");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_events);
	tcase_add_test(tc, test_parse_bad);
	suite_add_tcase(s, tc);
	tc = tcase_create("verdicts");
	tcase_add_checked_fixture(tc, verdicts_setup, verdicts_teardown);
	tcase_add_test(tc, test_verdicts_prime);
	tcase_add_test(tc, test_verdicts_dirty);
	tcase_add_test(tc, test_verdicts_gone);
	tcase_add_test(tc, test_verdicts_forget);
	tcase_add_test(tc, test_verdicts_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("live");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_events_live);
	suite_add_tcase(s, tc);
	return s;
}
