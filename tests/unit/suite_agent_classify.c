// SPDX-License-Identifier: GPL-2.0
/*
 * Classification without names: ancestry (lineage.c, match_ancestor_comm),
 * build drivers' workers found as jobs (jobs.c), batch cgroups, and the
 * session by its place (session.c), on fake /proc trees written here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../agent/agent.h"
#include "../../agent/jobs.h"
#include "../../agent/lineage.h"
#include "../../agent/session.h"
#include "suite_agent.h"
#include "suites.h"

#define TTY_PTS0 34816 /* /dev/pts/0: major 136, minor 0 */
#define UNIT "/user.slice/user-1000.slice/user@1000.service"
#define SCOPE "/user.slice/user-1000.slice/session-3.scope"

/* One process of a fake tree. */
struct fake {
	pid_t pid, ppid, pgrp, sid;
	int tty;
	unsigned long long start; /* clock ticks */
	const char *comm;
	const char *cgroup;
	unsigned long rss; /* pages */
};

static char root[64];

static void put(const char *rel, const char *text)
{
	agent_put_file(root, rel, text);
}

static void put_proc(const struct fake *p, const char *name, const char *text)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/%s", (int)p->pid, name);
	put(rel, text);
}

/* The children files: every process of @t whose parent is @p. */
static void put_children(const struct fake *t, size_t n, const struct fake *p)
{
	char rel[64], text[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		if (t[i].ppid == p->pid)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%d ", (int)t[i].pid);
	snprintf(rel, sizeof(rel), "%d/task/%d/children", (int)p->pid,
		 (int)p->pid);
	put(rel, text);
}

static void write_proc(const struct fake *t, size_t n, const struct fake *p)
{
	char dir[256], text[1024];

	snprintf(dir, sizeof(dir), "%s/%d", root, (int)p->pid);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/%d/task", root, (int)p->pid);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/%d/task/%d", root, (int)p->pid,
		 (int)p->pid);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(text, sizeof(text),
		 "%d (%s) S %d %d %d %d -1 4194560 10 0 0 0 300 100 0 0 20 0 "
		 "1 0 %llu 20480000 %lu 18446744073709551615 1 1 0 0 0 0 0 0 "
		 "0 0 0 0 17 0 0 0 0 0 0\n",
		 (int)p->pid, p->comm, (int)p->ppid, (int)p->pgrp, (int)p->sid,
		 p->tty, p->start, p->rss);
	put_proc(p, "stat", text);
	snprintf(text, sizeof(text),
		 "Name:\t%s\nState:\tS (sleeping)\nTgid:\t%d\nPid:\t%d\n"
		 "PPid:\t%d\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n"
		 "Gid:\t1000\t1000\t1000\t1000\nVmSize:\t   20000 kB\n"
		 "VmRSS:\t%8lu kB\nVmPTE:\t      60 kB\nVmSwap:\t       0 kB\n"
		 "Threads:\t1\nCapEff:\t0000000000000000\n",
		 p->comm, (int)p->pid, (int)p->pid, (int)p->ppid, p->rss * 4);
	put_proc(p, "status", text);
	snprintf(text, sizeof(text), "%s\n", p->comm);
	put_proc(p, "comm", text);
	put_proc(p, "cmdline", p->comm);
	snprintf(text, sizeof(text), "0::%s\n",
		 p->cgroup ? p->cgroup : "/init.scope");
	put_proc(p, "cgroup", text);
	/* MemTotal 4000000 kB: 1,000,000 pages, a point per 1,000. */
	snprintf(text, sizeof(text), "%lu\n", p->rss / 1000 + 1);
	put_proc(p, "oom_score", text);
	put_proc(p, "oom_score_adj", "0\n");
	put_children(t, n, p);
}

/* A fresh fake /proc of @t, with the fixture's meminfo and uptime. */
static void write_tree(const struct fake *t, size_t n)
{
	char cmd[256];

	snprintf(root, sizeof(root), "/tmp/oomq-classify.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "cp %s/meminfo %s/uptime %s",
		 "tests/fixtures/proc", "tests/fixtures/proc", root);
	ck_assert_int_eq(system(cmd), 0);
	for (size_t i = 0; i < n; i++)
		write_proc(t, n, &t[i]);
}

static void remove_tree(void)
{
	char cmd[128];

	if (!root[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
	root[0] = '\0';
}

static struct proc_sampler ps;

static void open_tree(const struct fake *t, size_t n)
{
	write_tree(t, n);
	ck_assert_int_eq(proc_sampler_open(&ps, root), 0);
}

static void close_tree(void)
{
	if (ps.root_fd >= 0) {
		proc_sampler_flush(&ps);
		proc_sampler_close(&ps);
	}
	remove_tree();
}

/* A failed check ends its test early: the tree goes all the same. */
static void tree_setup(void)
{
	ps.root_fd = -1;
	root[0] = '\0';
}

/* ---- lineage ------------------------------------------------------- */

static const struct fake build_tree[] = {
	{ 1, 0, 1, 1, 0, 1, "systemd", "/init.scope", 3000 },
	{ 10, 1, 10, 10, 0, 100, "konsole", UNIT "/app.slice/k.scope", 9000 },
	{ 11, 10, 11, 11, TTY_PTS0, 200, "bash", UNIT "/app.slice/k.scope",
	  1000 },
	{ 12, 11, 12, 11, TTY_PTS0, 300, "make", UNIT "/app.slice/k.scope",
	  2000 },
	{ 13, 12, 12, 11, TTY_PTS0, 400, "sh", UNIT "/app.slice/k.scope", 500 },
	{ 14, 13, 12, 11, TTY_PTS0, 500, "qzkvw", UNIT "/app.slice/k.scope",
	  60000 },
	{ 15, 13, 12, 11, TTY_PTS0, 510, "xjrrm", UNIT "/app.slice/k.scope",
	  50000 },
};

START_TEST(test_lineage_climb)
{
	static const pid_t want[] = { 13, 12, 11, 10, 1 };
	struct sample_lineage l;

	open_tree(build_tree, ARRAY_SIZE(build_tree));
	ck_assert_int_eq(lineage_read(&ps, 14, &l), 0);
	ck_assert_int_eq(l.self.pid, 14);
	ck_assert_str_eq(l.self.comm, "qzkvw");
	ck_assert_int_eq(l.self.sid, 11);
	ck_assert_int_eq(l.self.tty_nr, TTY_PTS0);
	ck_assert_uint_eq(l.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_int_eq(l.up[i].pid, want[i]);
	ck_assert_str_eq(l.up[1].comm, "make");
	/* init has no parent: the climb ends there, nothing above. */
	ck_assert_int_eq(lineage_read(&ps, 1, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(lineage_read(&ps, 4242, &l), -ESRCH);
	ck_assert_int_eq(l.self.pid, 0);
}
END_TEST

/* A chain of 40: at most SAMPLE_LINEAGE_DEPTH ancestors are read. */
START_TEST(test_lineage_depth)
{
	struct fake t[40];
	struct sample_lineage l;

	for (int i = 0; i < 40; i++)
		t[i] = (struct fake){ 100 + i, i ? 99 + i : 0,
				      100,     100,
				      0,       (unsigned long long)i,
				      "deep",  NULL,
				      10 };
	open_tree(t, 40);
	ck_assert_int_eq(lineage_read(&ps, 139, &l), 0);
	ck_assert_uint_eq(l.n, SAMPLE_LINEAGE_DEPTH);
	ck_assert_int_eq(l.up[0].pid, 138);
	ck_assert_int_eq(l.up[SAMPLE_LINEAGE_DEPTH - 1].pid,
			 139 - SAMPLE_LINEAGE_DEPTH);
}
END_TEST

/*
 * The tree changing under the climb: a parent gone (no stat any more),
 * a parent's pid taken by a process that started after the child (a
 * reused pid, no ancestor), a worker reparented to init when its make
 * died (it is no longer below make).
 */
static const struct fake changed_tree[] = {
	{ 1, 0, 1, 1, 0, 1, "systemd", NULL, 3000 },
	{ 20, 19, 20, 20, 0, 500, "orphan", NULL, 100 }, /* 19: gone */
	{ 21, 20, 20, 20, 0, 600, "child", NULL, 100 },
	{ 30, 31, 30, 30, 0, 500, "worker", NULL, 100 },
	{ 31, 1, 31, 31, 0, 900, "make", NULL, 100 }, /* a new 31 */
	{ 40, 1, 40, 40, 0, 700, "worker", NULL, 100 }, /* make died */
};

START_TEST(test_lineage_changed)
{
	struct sample_lineage l;

	open_tree(changed_tree, ARRAY_SIZE(changed_tree));
	ck_assert_int_eq(lineage_read(&ps, 20, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(lineage_read(&ps, 21, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.up[0].pid, 20);
	/* 31 started after 30: not its parent, whatever its name. */
	ck_assert_int_eq(lineage_read(&ps, 30, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(lineage_read(&ps, 40, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.up[0].pid, 1);
}
END_TEST

/* A pass remembers each stat it read; the next pass reads again. */
START_TEST(test_lineage_memo)
{
	struct sample_lineage l;

	open_tree(build_tree, ARRAY_SIZE(build_tree));
	ck_assert_int_eq(lineage_read(&ps, 14, &l), 0);
	ck_assert_str_eq(l.up[1].comm, "make");
	put("12/stat", "12 (gmake) S 11 12 11 34816 -1 4194560 10 0 0 0 300 "
		       "100 0 0 20 0 1 0 300 20480000 2000 1 1 1 0 0 0 0 0 0 "
		       "0 0 0 0 17 0 0 0 0 0 0\n");
	ck_assert_int_eq(lineage_read(&ps, 15, &l), 0);
	ck_assert_str_eq(l.up[1].comm, "make");
	proc_sampler_reset(&ps);
	ck_assert_int_eq(lineage_read(&ps, 15, &l), 0);
	ck_assert_str_eq(l.up[1].comm, "gmake");
}
END_TEST

/* ---- match_ancestor_comm ------------------------------------------- */

static struct policy pol;

static void pol_teardown(void)
{
	policy_free(&pol);
}

static const char drivers_conf[] =
	"[oomqd]\nsession = off\n"
	"[rule drivers]\nmatch_comm = ^(make|ninja|cargo)$\naction = avoid\n"
	"[rule builds]\nmatch_ancestor_comm = ^(make|ninja|cargo)$\n"
	"priority = 200\npause = yes\n"
	"[rule regex]\nmatch_ancestor_comm = ^ba.h$\nadjust = 17\n";

/* @comm whose ancestors are @up (nearest first), classified. */
static struct sample classify_under(const char *comm, const char *const *up,
				    unsigned int n)
{
	static struct sample_text t;
	struct sample s = { .pid = 99, .rule = SAMPLE_NO_RULE };

	memset(&t, 0, sizeof(t));
	snprintf(s.comm, sizeof(s.comm), "%s", comm);
	t.lineage.self.pid = 99;
	for (unsigned int i = 0; i < n; i++) {
		t.lineage.up[i].pid = 98 - (pid_t)i;
		snprintf(t.lineage.up[i].comm, sizeof(t.lineage.up[i].comm),
			 "%s", up[i]);
	}
	t.lineage.n = n;
	policy_classify(&s, &t, &pol);
	s.driver = policy_driver(&pol, s.rule, &t.lineage);
	return s;
}

START_TEST(test_ancestor_rules)
{
	static const char *const sub[] = { "sh", "make", "sh", "make", "bash" };
	static const char *const shell[] = { "bash", "konsole", "systemd" };
	static const char *const none[] = { "python3", "systemd" };
	struct sample s;

	ck_assert_int_eq(agent_parse_policy(&pol, drivers_conf), 0);
	/* A list of names: strcmp(), no regex compiled. */
	ck_assert_ptr_nonnull(pol.rules[1].names[POLICY_ANCESTOR_COMM]);
	ck_assert_ptr_null(pol.rules[2].names[POLICY_ANCESTOR_COMM]);
	/* A worker two below a sub-make: its driver is the nearest make. */
	s = classify_under("xyzzy", sub, 5);
	ck_assert_int_eq(s.rule, 1);
	ck_assert_uint_eq(s.priority, 200);
	ck_assert_int_eq(s.driver, 97);
	/* The driver itself: its own rule first, never paused. */
	s = classify_under("make", sub + 1, 4);
	ck_assert_int_eq(s.rule, 0);
	ck_assert_int_eq(s.driver, 0);
	/* A regex on ancestors; no driver from a rule that does not pause. */
	s = classify_under("vim", shell, 3);
	ck_assert_int_eq(s.rule, 2);
	ck_assert_int_eq(s.adjust, 17);
	ck_assert_int_eq(policy_driver(&pol, 2, &(struct sample_lineage){ 0 }),
			 0);
	/* No ancestor matches; no ancestors at all (init, unread). */
	ck_assert_int_eq(classify_under("python3", none, 2).rule,
			 SAMPLE_NO_RULE);
	ck_assert_int_eq(classify_under("make", NULL, 0).rule, 0);
	ck_assert_int_eq(classify_under("cc1", NULL, 0).rule, SAMPLE_NO_RULE);
}
END_TEST

/*
 * A bad match_ancestor_comm is refused with its line, and a reload that
 * fails keeps the policy it would have replaced (loop_reload.c parses
 * into a policy of its own and swaps only on success).
 */
START_TEST(test_ancestor_rejected)
{
	static const char *const bad[] = {
		"[rule a]\nmatch_ancestor_comm = ^(make$\n",
		"[rule a]\nmatch_ancestor_comm = ((a{100}){100}){100}\n",
		"[rule a]\nmatch_ancestor_comm = (a)\\1\n",
		"[rule a]\nmatch_ancestor_comm = ^make$\n"
		"match_ancestor_comm = ^ninja$\n",
	};
	static const char *const sub[] = { "make" };
	struct policy np;

	ck_assert_int_eq(agent_parse_policy(&pol, drivers_conf), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		policy_defaults(&np);
		ck_assert_int_eq(policy_parse_buf(&np, bad[i], strlen(bad[i])),
				 -EINVAL);
		ck_assert_uint_ge(np.nerrors, 1);
		ck_assert_uint_eq(np.errors[0].line, i == 3 ? 3 : 2);
		ck_assert_ptr_nonnull(
			strstr(np.errors[0].msg, "match_ancestor_comm"));
		policy_free(&np);
	}
	ck_assert_uint_eq(pol.nrules, 3);
	ck_assert_int_eq(classify_under("w", sub, 1).rule, 1);
}
END_TEST

/* ---- jobs of a build, through a ranking pass ----------------------- */

/*
 * A user's shell runs make (its foreground job), whose sh runs the
 * workers side by side, as the scenario bench does; ninja runs one
 * worker; cargo runs rustc, which runs cc; a make runs a sub-make
 * through sh; a batch scope runs a script.  No worker has a name any
 * rule lists.
 */
static const struct fake jobs_tree[] = {
	{ 1, 0, 1, 1, 0, 1, "systemd", "/init.scope", 3000 },
	{ 10, 1, 10, 10, 0, 100, "konsole", UNIT "/app.slice/k.scope", 9000 },
	{ 11, 10, 11, 11, TTY_PTS0, 200, "bash", UNIT "/app.slice/k.scope",
	  1000 },
	{ 12, 11, 12, 11, TTY_PTS0, 300, "make", UNIT "/app.slice/k.scope",
	  2000 },
	{ 13, 12, 12, 11, TTY_PTS0, 400, "sh", UNIT "/app.slice/k.scope", 500 },
	{ 14, 13, 12, 11, TTY_PTS0, 500, "qzkvw", UNIT "/app.slice/k.scope",
	  60000 },
	{ 15, 13, 12, 11, TTY_PTS0, 510, "xjrrm", UNIT "/app.slice/k.scope",
	  50000 },
	{ 16, 13, 12, 11, TTY_PTS0, 520, "pqlo", UNIT "/app.slice/k.scope",
	  40000 },
	{ 20, 1, 20, 20, 0, 600, "ninja", NULL, 1000 },
	{ 21, 20, 20, 20, 0, 610, "blorp", NULL, 30000 },
	{ 30, 1, 30, 30, 0, 700, "cargo", NULL, 3000 },
	{ 31, 30, 30, 30, 0, 710, "rustc", NULL, 45000 },
	{ 32, 31, 30, 30, 0, 720, "cc", NULL, 1000 },
	{ 40, 1, 40, 40, 0, 800, "make", NULL, 1000 },
	{ 41, 40, 40, 40, 0, 810, "sh", NULL, 500 },
	{ 42, 41, 40, 40, 0, 820, "make", NULL, 1000 },
	{ 43, 42, 40, 40, 0, 830, "sh", NULL, 500 },
	{ 44, 43, 40, 40, 0, 840, "frob", NULL, 20000 },
	{ 50, 1, 50, 50, 0, 900, "render.sh", UNIT "/batch.slice/r.scope",
	  10000 },
	{ 51, 50, 50, 50, 0, 910, "mrender", UNIT "/batch.slice/r.scope",
	  35000 },
};

static struct agent ag;
static struct jobs js;

static bool never_ours(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return false;
}

/* A pass with the shipped config, and the jobs of its pausable ones. */
static void rank_and_build(const struct fake *t, size_t n)
{
	const struct sample *run[64];
	size_t np;

	write_tree(t, n);
	policy_defaults(&ag.policy);
	ck_assert_int_eq(policy_load(&ag.policy, "agent/oomqd.conf"), 0);
	ag.source = AGENT_SOURCE_PROC;
	ck_assert_int_eq(agent_init(&ag, root, 256), 0);
	ag.sampler.self = 0;
	ck_assert_int_eq(agent_rank(&ag), 0);
	np = agent_pausable(&ag, never_ours, NULL, run, ARRAY_SIZE(run));
	jobs_build(&js, &ag.sampler, run, np, never_ours, NULL);
}

static void agent_teardown(void)
{
	agent_fini(&ag);
	policy_free(&ag.policy);
	remove_tree();
}

static const struct job *job_rooted(pid_t pid)
{
	for (unsigned int i = 0; i < js.n; i++)
		if (js.j[i].p[0].pid == pid)
			return &js.j[i];
	return NULL;
}

static const struct job *job_with(pid_t pid)
{
	return jobs_find(&js, pid);
}

static const struct sample *queued(pid_t pid)
{
	for (size_t i = 0; i < ag.nranked && i < ag.policy.queue_length; i++)
		if (ag.tab[ag.order[i]].pid == pid)
			return &ag.tab[ag.order[i]];
	return NULL;
}

START_TEST(test_build_jobs)
{
	const struct job *j;

	rank_and_build(jobs_tree, ARRAY_SIZE(jobs_tree));
	/* make -> sh -> workers: each worker a job of its own, sh none. */
	for (pid_t w = 14; w <= 16; w++) {
		j = job_rooted(w);
		ck_assert_msg(j, "worker %d is no job's root", (int)w);
		ck_assert_uint_eq(j->n, 1);
		ck_assert_uint_eq(j->flags, 0);
		ck_assert_int_eq(j->driver, 12);
	}
	ck_assert_ptr_null(job_with(13));
	/* ninja -> worker. */
	j = job_rooted(21);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(j->driver, 20);
	/* cargo -> rustc -> cc: one job, the chain whole. */
	j = job_rooted(31);
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(j->n, 2);
	ck_assert_int_eq(j->p[1].pid, 32);
	ck_assert_int_eq(j->driver, 30);
	ck_assert_ptr_eq(job_with(32), j);
	/* A sub-make is never in its sh's job; its own sh's job is apart. */
	ck_assert_ptr_nonnull(job_rooted(43));
	ck_assert_int_eq(job_rooted(43)->driver, 42);
	ck_assert_ptr_eq(job_with(44), job_rooted(43));
	ck_assert_ptr_nonnull(job_rooted(41));
	ck_assert_uint_eq(job_rooted(41)->n, 1);
	/* No driver is ever in a job. */
	ck_assert_ptr_null(job_with(12));
	ck_assert_ptr_null(job_with(20));
	ck_assert_ptr_null(job_with(30));
	ck_assert_ptr_null(job_with(40));
	ck_assert_ptr_null(job_with(42));
	/* The batch scope: its script is the root, the renderer inside. */
	j = job_rooted(50);
	ck_assert_ptr_nonnull(j);
	ck_assert_ptr_eq(job_with(51), j);
	ck_assert_int_eq(j->driver, 0);
	ck_assert_str_eq(ag.policy.rules[queued(51)->rule].name, "batch");
	ck_assert_uint_eq(js.left_out, 0);
}
END_TEST

/* Lazy, streamed and full passes give the same queue and drivers. */
START_TEST(test_build_walks_agree)
{
	char lazy[256];

	rank_and_build(jobs_tree, ARRAY_SIZE(jobs_tree));
	snprintf(lazy, sizeof(lazy), "%s", ag.queue);
	ck_assert_int_eq(queued(14)->driver, 12);
	ag.lazy.stream_passes = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(ag.lazy.streamed);
	ck_assert_str_eq(ag.queue, lazy);
	ck_assert_int_eq(queued(14)->driver, 12);
	ck_assert_int_eq(queued(44)->driver, 42);
	ag.full = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_str_eq(ag.queue, lazy);
	ck_assert_int_eq(queued(31)->driver, 30);
}
END_TEST

/* ---- the session --------------------------------------------------- */

/*
 * sshd (a service) starts a login: its session process is moved into
 * session-3.scope, starts sshd for the pty, which starts the user's
 * shell; the shell runs vim.  A display manager's session in a scope
 * of its own starts Xorg two generations in, and a grandchild of that
 * is an app.  GNOME's shell runs in the user manager's session.slice; a
 * terminal (konsole) runs a shell with a pty; an agetty on tty1.
 */
static const struct fake session_tree[] = {
	{ 1, 0, 1, 1, 0, 1, "systemd", "/init.scope", 3000 },
	{ 100, 1, 100, 100, 0, 50, "sshd", "/system.slice/ssh.service", 2000 },
	{ 101, 100, 101, 101, 0, 900, "sshd", SCOPE, 2000 },
	{ 102, 101, 101, 101, 0, 910, "sshd", SCOPE, 2000 },
	{ 103, 102, 103, 103, TTY_PTS0, 920, "bash", SCOPE, 1000 },
	{ 104, 103, 104, 103, TTY_PTS0, 930, "vim", SCOPE, 9000 },
	{ 110, 1, 110, 110, 0, 60, "gdm", "/system.slice/gdm.service", 2000 },
	{ 111, 110, 111, 111, 0, 300, "gdm-session-wor",
	  "/user.slice/user-1000.slice/session-2.scope", 2000 },
	{ 112, 111, 112, 112, 0, 310, "gdm-x-session",
	  "/user.slice/user-1000.slice/session-2.scope", 2000 },
	{ 113, 112, 112, 112, 1025, 320, "Xorg",
	  "/user.slice/user-1000.slice/session-2.scope", 30000 },
	{ 114, 113, 112, 112, 0, 330, "xterm-ish",
	  "/user.slice/user-1000.slice/session-2.scope", 3000 },
	{ 120, 1, 120, 120, 0, 200, "gnome-shell",
	  UNIT "/session.slice/org.gnome.Shell@wayland.service", 50000 },
	{ 130, 1, 130, 130, 0, 400, "konsole", UNIT "/app.slice/k.scope",
	  9000 },
	{ 131, 130, 131, 131, TTY_PTS0 + 1, 410, "bash",
	  UNIT "/app.slice/k.scope", 1000 },
	{ 132, 131, 132, 131, TTY_PTS0 + 1, 420, "leaker",
	  UNIT "/app.slice/k.scope", 90000 },
	{ 140, 1, 140, 140, 1025, 70, "agetty", "/system.slice/getty.service",
	  500 },
	{ 150, 1, 150, 150, 0, 80, "notasession",
	  "/system.slice/session.slice/x.service", 500 },
};

static enum session_kind kind_of(struct session *ss, pid_t pid)
{
	static struct sample_text t;

	proc_read_text(&ps, pid, PROC_NEED_LINEAGE | PROC_NEED_CGROUP, &t);
	return session_kind(ss, &ps, &t.lineage, t.cgroup);
}

START_TEST(test_session_kinds)
{
	static struct session ss;

	session_init(&ss);
	open_tree(session_tree, ARRAY_SIZE(session_tree));
	ck_assert_int_eq(kind_of(&ss, 100), SESSION_NONE);
	/* The login's first process and what it starts, to its shell. */
	ck_assert_int_eq(kind_of(&ss, 101), SESSION_SCOPE);
	ck_assert_int_eq(kind_of(&ss, 102), SESSION_SCOPE);
	ck_assert_int_eq(kind_of(&ss, 103), SESSION_SHELL);
	/* What the user started from the shell is no part of it. */
	ck_assert_int_eq(kind_of(&ss, 104), SESSION_NONE);
	/* A display manager's session: up to Xorg, not Xorg's child. */
	ck_assert_int_eq(kind_of(&ss, 111), SESSION_SCOPE);
	ck_assert_int_eq(kind_of(&ss, 112), SESSION_SCOPE);
	ck_assert_int_eq(kind_of(&ss, 113), SESSION_SCOPE);
	ck_assert_int_eq(kind_of(&ss, 114), SESSION_NONE);
	/* The compositor in the user manager's session.slice. */
	ck_assert_int_eq(kind_of(&ss, 120), SESSION_SLICE);
	ck_assert_int_eq(kind_of(&ss, 150), SESSION_NONE);
	/* The terminal: known once its shell was seen. */
	ck_assert_int_eq(kind_of(&ss, 130), SESSION_NONE);
	ck_assert_int_eq(kind_of(&ss, 131), SESSION_SHELL);
	ck_assert_int_eq(kind_of(&ss, 130), SESSION_TERMINAL);
	ck_assert_int_eq(kind_of(&ss, 132), SESSION_NONE);
	/* sshd's pty process is the shell's terminal too. */
	ck_assert_int_eq(kind_of(&ss, 102), SESSION_TERMINAL);
	/* A getty is a shell of its own; init is noted as no terminal. */
	ck_assert_int_eq(kind_of(&ss, 140), SESSION_SHELL);
	ck_assert_int_eq(kind_of(&ss, 1), SESSION_NONE);
}
END_TEST

/* A terminal's pid taken by another process is not that terminal. */
START_TEST(test_session_terminal_reused)
{
	static struct session ss;

	session_init(&ss);
	open_tree(session_tree, ARRAY_SIZE(session_tree));
	ck_assert_int_eq(kind_of(&ss, 131), SESSION_SHELL);
	ck_assert_int_eq(kind_of(&ss, 130), SESSION_TERMINAL);
	put("130/stat", "130 (konsole) S 1 130 130 0 -1 4194560 10 0 0 0 300 "
			"100 0 0 20 0 1 0 5000 20480000 9000 1 1 1 0 0 0 0 0 "
			"0 0 0 0 0 17 0 0 0 0 0 0\n");
	proc_sampler_reset(&ps);
	ck_assert_int_eq(kind_of(&ss, 130), SESSION_NONE);
}
END_TEST

/*
 * One pass of a classifier keeping verdicts (vcache.h) over @pids of
 * session_tree, as the dump's pass does; the flags of each, in order.
 */
static void known_pass(struct classifier *c, const pid_t *pids, size_t n,
		       uint8_t *flags)
{
	static struct sample_text t;

	classify_begin(c);
	for (size_t i = 0; i < n; i++) {
		const struct fake *f = NULL;
		struct sample s = { .pid = pids[i],
				    .rule = SAMPLE_NO_RULE,
				    .priority = 100 };

		for (size_t k = 0; k < ARRAY_SIZE(session_tree); k++)
			if (session_tree[k].pid == pids[i])
				f = &session_tree[k];
		ck_assert_ptr_nonnull(f);
		s.ppid = f->ppid;
		s.start_ticks = f->start;
		strcpy(s.comm, f->comm);
		if (!classify_known(c, &s)) {
			proc_read_text(&ps, s.pid, c->need, &t);
			classify_one(&s, &t, c);
			classify_remember(c, &s);
		}
		flags[i] = s.flags;
	}
	classify_end(c);
	proc_sampler_reset(&ps);
}

/*
 * A terminal is met before its shells: its verdict, kept, would say
 * "no session" for good; the shell that makes it known makes every
 * verdict again.
 */
START_TEST(test_session_terminal_known)
{
	static struct classifier c;
	static struct policy pol;
	static const pid_t pids[] = { 130, 131, 132 };
	uint8_t flags[3];

	open_tree(session_tree, ARRAY_SIZE(session_tree));
	policy_defaults(&pol);
	pol.session = POLICY_PROTECT;
	c.policy = &pol;
	c.sampler = &ps;
	c.scope = "";
	c.need = PROC_NEED_LINEAGE | PROC_NEED_CGROUP;
	c.use_known = true;
	c.uptime_ms = 1000;
	session_init(&c.session);
	ck_assert_int_eq(vcache_init(&c.known, 64), 0);
	known_pass(&c, pids, 3, flags);
	ck_assert(!(flags[0] & SAMPLE_SESSION));
	ck_assert(flags[1] & SAMPLE_SESSION);
	ck_assert(!(flags[2] & SAMPLE_SESSION));
	known_pass(&c, pids, 3, flags);
	ck_assert(flags[0] & SAMPLE_SESSION);
	ck_assert(flags[1] & SAMPLE_SESSION);
	ck_assert(!(flags[2] & SAMPLE_SESSION));
	/* Only the terminal's was made again; then all are kept. */
	ck_assert_uint_eq(c.known.hits, 2);
	known_pass(&c, pids, 3, flags);
	ck_assert_uint_eq(c.known.hits, 3);
	ck_assert(flags[0] & SAMPLE_SESSION);
	vcache_fini(&c.known);
	policy_free(&pol);
}
END_TEST

/*
 * Through a ranking pass with the shipped config: the session's
 * processes are not queued (from the second pass on for a terminal),
 * the leaker below the shell is first; "session = avoid" queues them
 * late, "off" as anything else; a rule's verdict wins over the session.
 */
static void pass_session(const char *extra)
{
	static char shipped[16384], conf[16384];
	const char *line = "session = protect\n";
	char *at;
	FILE *f;
	size_t len;

	f = fopen("agent/oomqd.conf", "r");
	ck_assert_ptr_nonnull(f);
	len = fread(shipped, 1, sizeof(shipped) - 1, f);
	fclose(f);
	shipped[len] = '\0';
	at = strstr(shipped, line);
	ck_assert_ptr_nonnull(at);
	snprintf(conf, sizeof(conf), "%.*s%s%s", (int)(at - shipped), shipped,
		 extra ? extra : line, at + strlen(line));
	policy_defaults(&ag.policy);
	ck_assert_int_eq(policy_parse_buf(&ag.policy, conf, strlen(conf)), 0);
	ag.source = AGENT_SOURCE_PROC;
	ck_assert_int_eq(agent_init(&ag, root, 256), 0);
	ag.sampler.self = 0;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_int_eq(agent_rank(&ag), 0);
}

START_TEST(test_session_ranked)
{
	/* Found by their place alone: the shipped names list none. */
	static const pid_t placed[] = { 103, 111, 112, 130, 131, 140 };
	/* The shipped session rule names these (sshd, Xorg, gnome-shell). */
	static const pid_t named[] = { 101, 102, 113, 120 };

	write_tree(session_tree, ARRAY_SIZE(session_tree));
	pass_session(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(placed); i++)
		ck_assert_msg(!queued(placed[i]), "%d queued", (int)placed[i]);
	ck_assert_int_eq(ag.tab[ag.order[0]].pid, 132);
	ck_assert_ptr_nonnull(queued(104));
	ck_assert_ptr_nonnull(queued(114));
	ck_assert_ptr_nonnull(queued(150));
	/* --list (a whole table) says why they are not queued. */
	ag.full = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	for (size_t i = 0; i < ag.n; i++)
		if (ag.tab[i].pid == 131 || ag.tab[i].pid == 103)
			ck_assert_str_eq(rank_excluded(&ag.tab[i]),
					 "the session");
	agent_fini(&ag);
	policy_free(&ag.policy);

	pass_session("session = avoid\n");
	for (size_t i = 0; i < ARRAY_SIZE(placed); i++) {
		const struct sample *q = queued(placed[i]);

		ck_assert_msg(q && q->adjust == -300 &&
				      q->rule == SAMPLE_NO_RULE,
			      "%d not queued late", (int)placed[i]);
	}
	ck_assert_int_eq(queued(104)->adjust, 0);
	agent_fini(&ag);
	policy_free(&ag.policy);

	pass_session("session = off\n");
	for (size_t i = 0; i < ARRAY_SIZE(placed); i++)
		ck_assert_msg(queued(placed[i]) && !queued(placed[i])->adjust,
			      "%d not queued", (int)placed[i]);
	/* A rule decides before the session: the names still protect. */
	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		ck_assert_ptr_null(queued(named[i]));
}
END_TEST

Suite *agent_classify_suite(void)
{
	Suite *s = suite_create("agent_classify");
	TCase *tc = tcase_create("lineage");

	tcase_add_checked_fixture(tc, tree_setup, close_tree);

	tcase_add_test(tc, test_lineage_climb);
	tcase_add_test(tc, test_lineage_depth);
	tcase_add_test(tc, test_lineage_changed);
	tcase_add_test(tc, test_lineage_memo);
	suite_add_tcase(s, tc);

	tc = tcase_create("ancestor_rules");
	tcase_add_checked_fixture(tc, NULL, pol_teardown);
	tcase_add_test(tc, test_ancestor_rules);
	tcase_add_test(tc, test_ancestor_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("build_jobs");
	tcase_add_checked_fixture(tc, NULL, agent_teardown);
	tcase_add_test(tc, test_build_jobs);
	tcase_add_test(tc, test_build_walks_agree);
	suite_add_tcase(s, tc);

	tc = tcase_create("session");
	tcase_add_checked_fixture(tc, tree_setup, close_tree);
	tcase_add_test(tc, test_session_kinds);
	tcase_add_test(tc, test_session_terminal_reused);
	tcase_add_test(tc, test_session_terminal_known);
	suite_add_tcase(s, tc);

	tc = tcase_create("session_ranked");
	tcase_add_checked_fixture(tc, NULL, agent_teardown);
	tcase_add_test(tc, test_session_ranked);
	suite_add_tcase(s, tc);
	return s;
}
