// SPDX-License-Identifier: GPL-2.0
/*
 * Ranking: order by priority group, then score, then pid; what is never
 * queued; the children's share for the classic port; the text written
 * to /proc/oom; and a whole pass over the fake /proc with a policy.
 */
#include <errno.h>
#include <linux/oomq.h>
#include <stdio.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/agent.h"
#include "../../agent/heap.h"
#include "../../agent/rank.h"

/* 4 KiB pages; 1250000 pages in all: 1250 pages per adjust unit. */
static const struct sample_sys sys = {
	.mem_total_kb = 4000000,
	.swap_total_kb = 1000000,
	.uptime_ms = 100000000,
	.page_kb = 4,
	.clk_tck = 100,
};

#define P(pid_, rss_pages, prio, adj, flags_)                              \
	{                                                                  \
		.pid = pid_, .rss_kb = (rss_pages)*4ULL, .priority = prio, \
		.adjust = adj, .flags = flags_, .rule = SAMPLE_NO_RULE,    \
		.uid = 1000, .euid = 1000                                  \
	}

START_TEST(test_order)
{
	struct sample tab[] = {
		P(10, 1000, 100, 0, 0), /* score 1000 */
		P(11, 5000, 100, 0, 0), /* 5000 */
		P(12, 100, 200, 0, 0), /* higher group: first */
		P(13, 1000, 100, 0, 0), /* ties with 10: lower pid first */
		P(14, 10, 100, 5, 0), /* 10 + 5 * 1250 = 6260: before 11 */
		P(15, 9000, 100, -5, 0), /* 9000 - 6250 = 2750 */
		P(16, 9000, 50, 0, 0), /* lower group: last */
	};
	static const pid_t want[] = { 12, 14, 11, 15, 10, 13, 16 };
	uint32_t order[ARRAY_SIZE(tab)];
	size_t n = rank_order(tab, ARRAY_SIZE(tab), &sys, BADNESS_MODERN,
			      ARRAY_SIZE(tab), order);

	ck_assert_uint_eq(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(tab[order[i]].pid == want[i],
			      "position %zu: pid %d, want %d", i,
			      tab[order[i]].pid, want[i]);
	ck_assert_int_eq(tab[4].badness, 10);
	ck_assert_int_eq(tab[4].score, 6260);
}
END_TEST

/*
 * On a large machine one oom_score step is many MiB (1.5 GiB here, 1 TiB
 * of RAM): every process below it shows the same oom_score.  The kernel
 * compares the points themselves, so the queue does too; equal points go
 * by RSS, then pid.  Ordered by oom_score, this was 10 11 12 13 14.
 */
START_TEST(test_order_exact)
{
	static const struct sample_sys big = {
		.mem_total_kb = 1ULL << 30, /* 1 TiB */
		.page_kb = 4,
		.clk_tck = 100,
	};
	struct sample tab[] = {
		P(10, 8000, 100, 0, 0), /* 31 MiB */
		P(11, 9000, 100, 0, 0),	   P(12, 100, 100, 0, 0),
		P(13, 4000, 100, 0, 0), /* + 5000 swapped: 11's points */
		P(14, 200000, 100, -1, 0), /* 781 MiB - 268435 pages: last */
	};
	static const pid_t want[] = { 11, 13, 10, 12, 14 };
	uint32_t order[ARRAY_SIZE(tab)];
	size_t n;

	tab[3].swap_kb = 5000 * 4;
	tab[4].oom_score_adj = 0;
	n = rank_order(tab, ARRAY_SIZE(tab), &big, BADNESS_MODERN,
		       ARRAY_SIZE(tab), order);
	ck_assert_uint_eq(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(
			badness_oom_score(tab[i].badness,
					  sample_sys_totalpages(&big)),
			666);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(tab[order[i]].pid == want[i],
			      "position %zu: pid %d, want %d", i,
			      tab[order[i]].pid, want[i]);
}
END_TEST

/*
 * Only the queue's length is put in order: for every length, the front
 * must be exactly the full sort's, and the rest the same set.  Many
 * ties (pseudo-random sizes from a few values) exercise the pid order.
 */
START_TEST(test_order_partial)
{
	enum { N = 300 };
	static struct sample tab[N];
	static uint32_t full[N], part[N];
	static const size_t wants[] = { 0, 1, 2, 7, 32, 299, 300, 301 };
	unsigned int seed = 12345;
	size_t n, k;

	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		tab[i] = (struct sample)P((pid_t)(100 + (seed >> 8) % 5000),
					  (seed >> 16) % 7 * 100,
					  (uint16_t)(1 + (seed >> 4) % 3), 0,
					  0);
		tab[i].pid += (pid_t)i * 5000; /* distinct */
	}
	n = rank_order(tab, N, &sys, BADNESS_MODERN, N, full);
	for (size_t w = 0; w < ARRAY_SIZE(wants); w++) {
		unsigned char seen[N] = { 0 };

		k = rank_order(tab, N, &sys, BADNESS_MODERN, wants[w], part);
		ck_assert_uint_eq(k, n);
		for (size_t i = 0; i < k && i < wants[w]; i++)
			ck_assert_msg(part[i] == full[i],
				      "want %zu: position %zu differs",
				      wants[w], i);
		for (size_t i = 0; i < k; i++)
			seen[part[i]]++;
		for (size_t i = 0; i < k; i++)
			ck_assert_uint_eq(seen[full[i]], 1);
	}
}
END_TEST

static bool int_greater(const void *x, const void *y, const void *ctx)
{
	(void)ctx;
	return *(const int *)x > *(const int *)y;
}

static bool int_less(const void *x, const void *y, const void *ctx)
{
	return int_greater(y, x, ctx);
}

/*
 * heap_sort() sorts; a bounded heap with the least on top keeps the
 * greatest few of a stream, whatever comes when.
 */
START_TEST(test_heap)
{
	enum { N = 500 };
	static int all[N], sorted[N], kept[N];
	static const size_t maxes[] = { 0, 1, 2, 3, 31, 499, 500, 600 };
	unsigned int seed = 4242;

	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		all[i] = sorted[i] = (int)(seed >> 16) % 97; /* ties */
	}
	heap_sort(sorted, N, sizeof(int), int_greater, NULL);
	for (size_t i = 1; i < N; i++)
		ck_assert_int_le(sorted[i - 1], sorted[i]);
	for (size_t m = 0; m < ARRAY_SIZE(maxes); m++) {
		size_t n = 0, max = maxes[m], want = max < N ? max : N;
		size_t dropped = 0;

		for (size_t i = 0; i < N; i++) {
			int x = all[i];

			dropped += heap_offer(kept, &n, max, sizeof(int), &x,
					      int_less, NULL);
		}
		ck_assert_uint_eq(n, want);
		ck_assert_uint_eq(dropped, N - want);
		heap_sort(kept, n, sizeof(int), int_greater, NULL);
		for (size_t i = 0; i < n; i++)
			ck_assert_int_eq(kept[i], sorted[N - n + i]);
	}
}
END_TEST

/*
 * The dump's bounded ranking: a table streamed through rank_best keeps
 * exactly what rank_order() of the whole table queues first, and the
 * queue text is the same byte for byte, in both ports the dump ranks so
 * (_i: modern, rss), with ties, priority groups and the excluded.
 */
START_TEST(test_best_equals_order)
{
	enum { N = 200, ROOM = 256 };
	static struct sample all[N], whole[N], kept[ROOM + 1];
	static uint32_t order[ROOM], heap[ROOM];
	static const size_t maxes[] = { 1, 2, 7, 32, 199, 200, 256 };
	static char want[4096], got[4096];
	enum badness_port port = _i ? BADNESS_RSS : BADNESS_MODERN;
	unsigned int seed = 99;

	for (size_t i = 0; i < N; i++) {
		struct sample *s = &all[i];

		seed = seed * 1103515245 + 12345;
		*s = (struct sample)P((pid_t)(i * 37 % N + 1),
				      (seed >> 8) % 5 * 1000,
				      (uint16_t)((seed >> 12) % 4), 0, 0);
		s->adjust = (int16_t)((int)((seed >> 16) % 3) - 1);
		s->total_vm_kb = s->rss_kb * 2;
		s->start_ticks = 1000;
		switch ((seed >> 20) % 16) {
		case 0:
			s->flags = SAMPLE_KTHREAD | SAMPLE_NO_MM;
			break;
		case 1:
			s->oom_score_adj = -1000;
			break;
		case 2:
			s->flags = SAMPLE_NO_MM;
			break;
		case 3:
			s->oom_score_adj = 300;
			break;
		}
	}
	for (size_t m = 0; m < ARRAY_SIZE(maxes); m++) {
		size_t max = maxes[m], n, k;
		struct rank_best b;

		memcpy(whole, all, sizeof(all));
		n = rank_order(whole, N, &sys, port, max, order);
		ck_assert_int_gt(rank_format_queue(whole, order, n, max, want,
						   sizeof(want)),
				 0);
		rank_best_start(&b, kept, heap, max, &sys, port);
		for (size_t i = 0; i < N; i++) {
			*rank_best_slot(&b) = all[i];
			rank_best_offer(&b);
		}
		k = rank_best_end(&b);
		ck_assert_uint_eq(k, n < max ? n : max);
		ck_assert_uint_eq(rank_order(kept, k, &sys, port, max, order),
				  k);
		ck_assert_int_gt(rank_format_queue(kept, order, k, max, got,
						   sizeof(got)),
				 0);
		ck_assert_msg(!strcmp(got, want),
			      "max %zu: \"%s\", want \"%s\"", max, got, want);
	}
}
END_TEST

struct excluded_case {
	const char *name;
	struct sample s;
	const char *why; /* NULL: queued */
};

static const struct excluded_case excluded_cases[] = {
	{ "ordinary", P(10, 100, 100, 0, 0), NULL },
	{ "kernel thread", P(10, 0, 100, 0, SAMPLE_KTHREAD | SAMPLE_NO_MM),
	  "kernel thread" },
	{ "init", P(1, 100, 100, 0, 0), "init" },
	{ "itself", P(10, 100, 100, 0, SAMPLE_SELF), "oomqd itself" },
	{ "zombie", P(10, 0, 100, 0, SAMPLE_NO_MM), "no memory (exiting)" },
	{ "priority 0 by default", P(10, 100, 0, 0, 0), "priority 0" },
	{ "protected by a rule",
	  { .pid = 10, .rss_kb = 400, .priority = 0, .rule = 3 },
	  "protected" },
	{ "oom_score_adj -1000",
	  { .pid = 10,
	    .rss_kb = 400,
	    .priority = 100,
	    .oom_score_adj = -1000,
	    .rule = SAMPLE_NO_RULE },
	  "oom_score_adj -1000" },
	{ "no memory at all is still a candidate", P(10, 0, 100, 0, 0), NULL },
};

START_TEST(test_excluded)
{
	const struct excluded_case *c = &excluded_cases[_i];
	struct sample s = c->s;
	uint32_t order[1];
	size_t n = rank_order(&s, 1, &sys, BADNESS_MODERN, 1, order);
	const char *why = rank_excluded(&s);

	ck_assert_msg(n == (c->why ? 0u : 1u), "%s: ranked %zu", c->name, n);
	if (c->why)
		ck_assert_msg(why && !strcmp(why, c->why),
			      "%s: '%s', want '%s'", c->name,
			      why ? why : "(null)", c->why);
	else
		ck_assert_msg(!why, "%s: excluded as '%s'", c->name, why);
}
END_TEST

START_TEST(test_children)
{
	struct sample tab[] = {
		{ .pid = 30, .ppid = 10, .total_vm_kb = 4000 }, /* 500 + 1 */
		{ .pid = 10, .ppid = 1, .total_vm_kb = 400 },
		{ .pid = 20, .ppid = 10, .total_vm_kb = 40 }, /* 5 + 1 */
		{ .pid = 40, .ppid = 10, .flags = SAMPLE_NO_MM }, /* zombie */
		{ .pid = 50, .ppid = 99, .total_vm_kb = 40 }, /* orphan */
		{ .pid = 1, .ppid = 0, .total_vm_kb = 4000 },
	};

	rank_children(tab, ARRAY_SIZE(tab), 4);
	/* Sorted by pid: 1 10 20 30 40 50. */
	ck_assert_int_eq(tab[0].pid, 1);
	ck_assert_int_eq(tab[1].pid, 10);
	ck_assert_int_eq(tab[5].pid, 50);
	ck_assert_uint_eq(tab[1].child_vm_pages, 507);
	/* init's child 10 has 100 pages: 50 + 1. */
	ck_assert_uint_eq(tab[0].child_vm_pages, 51);
	ck_assert_uint_eq(tab[2].child_vm_pages, 0);
}
END_TEST

struct format_case {
	const char *name;
	size_t n, max, size;
	int ret;
	const char *text;
};

static const struct format_case format_cases[] = {
	{ "three", 3, 10, 64, 15, "4242 17 100000\n" },
	{ "capped at queue length", 3, 2, 64, 8, "4242 17\n" },
	{ "empty clears the queue", 0, 10, 64, 1, "\n" },
	{ "exact fit", 3, 10, 16, 15, "4242 17 100000\n" },
	{ "one byte short", 3, 10, 15, -ENOSPC, NULL },
	{ "no room for an empty queue", 0, 10, 1, -ENOSPC, NULL },
};

START_TEST(test_format)
{
	const struct format_case *c = &format_cases[_i];
	const struct sample tab[] = { { .pid = 17 },
				      { .pid = 4242 },
				      { .pid = 100000 } };
	const uint32_t order[] = { 1, 0, 2 };
	char *buf = malloc(c->size); /* exact: ASan catches an overrun */
	int ret;

	ck_assert_ptr_nonnull(buf);
	ret = rank_format_queue(tab, order, c->n, c->max, buf, c->size);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret > 0)
		ck_assert_str_eq(buf, c->text);
	free(buf);
}
END_TEST

/* The largest queue the module takes fits the buffer the agent uses. */
START_TEST(test_format_max_queue)
{
	static struct sample tab[OOMQ_QUEUE_MAX];
	static uint32_t order[OOMQ_QUEUE_MAX];
	static char buf[OOMQ_PROC_WRITE_MAX];

	for (uint32_t i = 0; i < OOMQ_QUEUE_MAX; i++) {
		tab[i].pid = OOMQ_PID_MAX - (pid_t)i;
		order[i] = i;
	}
	ck_assert_int_eq(rank_format_queue(tab, order, OOMQ_QUEUE_MAX,
					   OOMQ_QUEUE_MAX, buf, sizeof(buf)),
			 OOMQ_QUEUE_MAX * 8);
}
END_TEST

static struct agent ag;

static const char *ties_root(void)
{
	const char *env = getenv("OOMQ_FIXTURES_TIES");

	return env ? env : "tests/fixtures/proc-ties";
}

/* A pass with @conf over the fake /proc at @root. */
static void pass_on(const char *root, const char *conf)
{
	policy_defaults(&ag.policy);
	ck_assert_int_eq(policy_parse_buf(&ag.policy, conf, strlen(conf)), 0);
	/*
	 * These rank by the rules; the session's recognition has tests of
	 * its own (suite_agent_classify.c).
	 */
	if (!strstr(conf, "session ="))
		ag.policy.session = POLICY_NONE;
	ck_assert_int_eq(agent_init(&ag, root, 64), 0);
	/* The test runner's own pid must not hide a fixture process. */
	ag.sampler.self = 0;
	ck_assert_int_eq(agent_rank(&ag), 0);
}

static void pass_on_fixture(const char *conf)
{
	pass_on(agent_fixture_root(), conf);
}

static void agent_teardown(void)
{
	agent_fini(&ag);
	policy_free(&ag.policy);
}

/*
 * modern, no rules: batch (10000 pages + 500 * 1250) first, then 300
 * (101100), make (5015), sshd (2015), bash (1012); init, kthreadd, the
 * oom_score_adj -1000 process and the zombie are never queued.
 */
START_TEST(test_fixture_modern)
{
	pass_on_fixture("");
	/* 900 vanished; the lazy pass keeps only the queueable. */
	ck_assert_uint_eq(ag.nprocs, 10);
	ck_assert_uint_eq(ag.n, 5);
	ck_assert_uint_eq(ag.nranked, 5);
	ck_assert_str_eq(ag.queue, "800 300 400 100 200\n");
	/* The fixture has no "oom" file: as if the module were absent. */
	ck_assert_int_eq(agent_write_queue(&ag), -ENOENT);
}
END_TEST

START_TEST(test_fixture_policy)
{
	pass_on_fixture(
		"[oomqd]\nqueue_length = 3\n"
		"[rule builds]\nmatch_cmdline = -j[0-9]\npriority = 500\n"
		"[rule ssh]\nmatch_exe = /sshd$\naction = protect\n"
		"[rule batch]\nmatch_cgroup = ^/system\\.slice/batch\n"
		"action = avoid\nadjust = -1000\n");
	/*
	 * make first (group 500); batch 635020 - 1250000 falls last.  The
	 * lazy pass stopped at 3 queueable; the full one ranks all 4.
	 */
	ck_assert_uint_eq(ag.nranked, 3);
	ck_assert_str_eq(ag.queue, "400 300 200\n");
	ag.full = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_uint_eq(ag.nranked, 4);
	ck_assert_str_eq(ag.queue, "400 300 200\n");
	ck_assert_int_eq(ag.tab[ag.order[3]].pid, 800);
}
END_TEST

START_TEST(test_fixture_classic)
{
	static const struct {
		pid_t pid;
		long badness;
	} want[] = {
		/*
		 * batch: 15000 pages, no cpu, 1000 s old (>> 10 = 0), niced
		 * (x2), oom_score_adj 500 -> oomkilladj 8: 30000 << 8.
		 */
		{ 800, 7680000 },
		/*
		 * 1000000 pages; 80 s of cpu = 80000 jiffies >> 13 = 9,
		 * int_sqrt 3; 10000 s old >> 10 = 9, int_sqrt twice 1.
		 */
		{ 300, 333333 },
		/*
		 * bash: 2000 pages + half of its children, 300: 500001 and
		 * 400: 2501 (the zombie has no mm): 504502; 1.5 s of cpu
		 * (no division); 92000 s old >> 10 = 89, int_sqrt 9 then 3.
		 */
		{ 200, 168167 },
		/* make: 5000 pages, 5000 s old (int_sqrt(int_sqrt(4)) 1), x2. */
		{ 400, 10000 },
		/*
		 * sshd: 3750 pages + bash's 1001 = 4751; 99995 s old: 97,
		 * int_sqrt 9 then 3 -> 1583; root /4 = 395; CAP_SYS_RAWIO /4.
		 */
		{ 100, 98 },
	};

	pass_on_fixture("[oomqd]\npolicy = classic\n");
	ck_assert_uint_eq(ag.nranked, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct sample *s = &ag.tab[ag.order[i]];

		ck_assert_msg(s->pid == want[i].pid, "position %zu: pid %d", i,
			      s->pid);
		ck_assert_msg(s->badness == want[i].badness,
			      "pid %d: badness %ld, want %ld", s->pid,
			      s->badness, want[i].badness);
	}
	ck_assert_str_eq(ag.queue, "800 300 200 400 100\n");
}
END_TEST

/* /proc/oom gets exactly the queue text, in one write. */
START_TEST(test_write_queue)
{
	char dir[] = "/tmp/oomqd-test-XXXXXX", path[64], got[64] = "";
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/oom", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);

	policy_defaults(&ag.policy);
	ck_assert_int_eq(agent_init(&ag, dir, 8), 0);
	strcpy(ag.queue, "800 300\n");
	ag.queue_len = 8;
	ck_assert_int_eq(agent_write_queue(&ag), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(got, sizeof(got), f));
	fclose(f);
	ck_assert_str_eq(got, "800 300\n");
	unlink(path);
	rmdir(dir);
}
END_TEST

/*
 * The fixture's oom_score files are what the kernel would show: the
 * modern port over the full sample, scaled by badness_oom_score().  The
 * lazy pass orders by these files, the full one by that computation.
 */
START_TEST(test_fixture_oom_score)
{
	static const pid_t pids[] = { 1,   2,  100, 200, 300, 400, 500, 600,
				      800, 10, 11,  12,	 13,  14,  20 };
	static struct proc_sampler ps;
	struct sample_sys sys;
	int checked = 0;

	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		unsigned long file, computed;
		struct sample smp;
		long points;

		/* The first nine are tests/fixtures/proc's, the rest -ties'. */
		if (i == 0 || i == 9) {
			if (i)
				proc_sampler_close(&ps);
			ck_assert_int_eq(proc_sampler_open(
						 &ps, i ? ties_root() :
							  agent_fixture_root()),
					 0);
			ps.self = 0;
			ck_assert_int_eq(proc_sample_sys(&ps, &sys), 0);
		}
		ck_assert_int_eq(proc_sample_one(&ps, pids[i], 0, &smp, NULL),
				 0);
		points = badness_modern(&smp, &sys);
		computed =
			badness_oom_score(points, sample_sys_totalpages(&sys));
		ck_assert_int_eq(proc_read_oom_score(&ps, pids[i], &file), 0);
		ck_assert_msg(file == computed,
			      "pid %d: oom_score %lu, want %lu", pids[i], file,
			      computed);
		/* The lazy pass's bound holds the points. */
		if (points != BADNESS_UNKILLABLE)
			ck_assert_int_le(points,
					 badness_max_points(
						 file,
						 sample_sys_totalpages(&sys)));
		checked++;
	}
	ck_assert_int_eq(checked, ARRAY_SIZE(pids));
	proc_sampler_close(&ps);
}
END_TEST

/* Policies the lazy pass must rank exactly as the full one does. */
static const char *const lazy_confs[] = {
	"",
	/* comm rules: groups, protect, adjust both ways */
	"[rule builds]\nmatch_comm = ^make$\npriority = 200\n"
	"[rule batch]\nmatch_comm = ^batch$\naction = protect\n"
	"[rule web]\nmatch_comm = ^Web\naction = avoid\nadjust = -60\n"
	"[rule sh]\nmatch_comm = ^(bash|sshd)$\nadjust = 2\n",
	/* every other field */
	"[rule builds]\nmatch_cmdline = -j[0-9]\npriority = 500\n"
	"[rule ssh]\nmatch_exe = /sshd$\naction = protect\n"
	"[rule batch]\nmatch_cgroup = ^/system\\.slice/batch\n"
	"action = avoid\nadjust = -1000\n"
	"[rule users]\nmatch_user = ^1000$\nadjust = 100\n",
	/* nothing queued by default, one group by rule */
	"[oomqd]\ndefault_priority = 0\n"
	"[rule web]\nmatch_comm = ^Web\npriority = 5\n",
	/*
	 * The top group is all never queued (init, a kernel thread,
	 * -1000, a zombie) or unreadable (700's stat): the second stage
	 * drops every one of them; by names, then by regex (cached).
	 */
	"[rule dead]\n"
	"match_comm = ^(systemd|kthreadd|critical|defunct|broken)$\n"
	"priority = 300\n",
	"[rule dead]\nmatch_comm = ^(sys|kth|cri|def|bro)\npriority = 300\n",
	/* ties: sshd's key is batch's, 3015; lower pid first */
	"[rule tie]\nmatch_comm = ^sshd$\nadjust = 507\n",
};

/* Room for that many candidates: the default, then fewer than there are. */
static const size_t lazy_rooms[] = { 0, 1, 2, 3, 5 };

/*
 * The queue of a pass that samples every process at once (as the lazy
 * pass's successors do when most processes tie at the cut) into @out.
 */
static void stream_queue(char *out, size_t size)
{
	ag.lazy.stream_passes = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(ag.lazy.streamed);
	ck_assert_uint_eq(ag.lazy.stream_passes, 0);
	snprintf(out, size, "%s", ag.queue);
}

/*
 * For every policy, every queue length from 1 to past the end and room
 * for every candidate or only a few: the queue of the lazy pass is the
 * full pass's, byte for byte, and so is that of a pass sampling every
 * process at once.  With little room the first stage drops candidates
 * and runs again for those after the last one taken.
 */
START_TEST(test_lazy_equals_full)
{
	const char *conf = lazy_confs[_i];
	char lazy[64], stream[64];

	for (unsigned int q = 1; q <= 10; q++) {
		for (size_t r = 0; r < ARRAY_SIZE(lazy_rooms); r++) {
			if (q > 1 || r) /* the teardown frees the last */
				agent_teardown();
			pass_on_fixture(conf);
			ag.policy.queue_length = q;
			if (lazy_rooms[r])
				ag.lazy.cand_max = lazy_rooms[r];
			ag.lazy.stream_passes = 0;
			ck_assert_int_eq(agent_rank(&ag), 0);
			ck_assert(!ag.lazy.streamed);
			ck_assert_uint_le(ag.nranked, q);
			ck_assert_uint_le(ag.lazy.ncand, agent_cand_room(&ag));
			snprintf(lazy, sizeof(lazy), "%s", ag.queue);
			stream_queue(stream, sizeof(stream));
			ck_assert_msg(!strcmp(lazy, stream),
				      "conf %d, queue_length %u: lazy \"%s\", "
				      "streamed \"%s\"",
				      _i, q, lazy, stream);
			ag.full = 1;
			ck_assert_int_eq(agent_rank(&ag), 0);
			ck_assert_msg(!strcmp(lazy, ag.queue),
				      "conf %d, queue_length %u, room %zu: "
				      "lazy \"%s\", full \"%s\"",
				      _i, q, agent_cand_room(&ag), lazy,
				      ag.queue);
			/* The full pass sampled everyone. */
			ck_assert_uint_eq(ag.n, 9);
		}
	}
}
END_TEST

/*
 * tests/fixtures/proc-large: an 11 KiB /proc/stat stopped every pass
 * (-ENOENT, nothing ranked); a 31 KiB status skipped its process.  Rules
 * on a cgroup path past 256 bytes and a whole exe match.
 */
START_TEST(test_large_fixture)
{
	static const char conf[] =
		"[rule pods]\nmatch_cgroup = nested-build\\.scope$\n"
		"match_exe = /bin/groupie$\npriority = 50\n";
	const char *env = getenv("OOMQ_FIXTURES_LARGE");
	const char *root = env ? env : "tests/fixtures/proc-large";

	pass_on(root, "");
	ck_assert_str_eq(ag.queue, "1000 1001\n");
	ag.full = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_str_eq(ag.queue, "1000 1001\n");
	ck_assert_uint_eq(ag.sampler.malformed, 0);
	agent_teardown();

	/* The rule puts 1000, larger, into a lower group, after 1001. */
	pass_on(root, conf);
	ck_assert_str_eq(ag.queue, "1001 1000\n");
	ck_assert_int_eq(ag.tab[ag.order[1]].priority, 50);
}
END_TEST

/*
 * tests/fixtures/proc-ties: all but one process show oom_score 668.  The
 * full pass and the lazy one, with every queue length and room for all
 * candidates or only a few (so that the cut falls inside the tie), rank
 * by points and RSS, not by pid: the first stage's oom_score is only an
 * upper bound on each candidate's points.
 */
START_TEST(test_ties_fixture)
{
	static const char *const want[] = {
		"",
		"20\n",
		"20 12\n",
		"20 12 13\n",
		"20 12 13 11\n",
		"20 12 13 11 10\n",
		"20 12 13 11 10 14\n",
	};
	char lazy[64], stream[64];

	for (unsigned int q = 1; q <= 7; q++) {
		for (size_t r = 0; r < ARRAY_SIZE(lazy_rooms); r++) {
			if (q > 1 || r) /* the teardown frees the last */
				agent_teardown();
			pass_on(ties_root(), "");
			ag.policy.queue_length = q;
			if (lazy_rooms[r])
				ag.lazy.cand_max = lazy_rooms[r];
			ag.lazy.stream_passes = 0;
			ck_assert_int_eq(agent_rank(&ag), 0);
			snprintf(lazy, sizeof(lazy), "%s", ag.queue);
			stream_queue(stream, sizeof(stream));
			ck_assert_msg(!strcmp(lazy, stream),
				      "queue_length %u: lazy \"%s\", "
				      "streamed \"%s\"",
				      q, lazy, stream);
			ag.full = 1;
			ck_assert_int_eq(agent_rank(&ag), 0);
			ck_assert_msg(!strcmp(ag.queue, want[q < 6 ? q : 6]),
				      "queue_length %u: full \"%s\"", q,
				      ag.queue);
			ck_assert_msg(!strcmp(lazy, ag.queue),
				      "queue_length %u, room %zu: lazy \"%s\", "
				      "full \"%s\"",
				      q, agent_cand_room(&ag), lazy, ag.queue);
		}
	}
}
END_TEST

/*
 * tests/fixtures/proc-ties: with a queue of one, the lazy pass samples
 * only "big" (20), above the tie, and stays lazy.  With two, the cut
 * falls in the tie and it samples all six: the next AGENT_STREAM_PASSES
 * passes sample everyone at once, no oom_score read, then a lazy one
 * measures again.  A new policy measures at once.
 */
START_TEST(test_walk_choice)
{
	pass_on(ties_root(), "[oomqd]\nqueue_length = 1\n");
	ck_assert(!ag.lazy.streamed);
	ck_assert_uint_eq(ag.nprocs, 6);
	ck_assert_uint_eq(ag.lazy.nsampled, 1);
	ck_assert_uint_eq(ag.lazy.stream_passes, 0);
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(!ag.lazy.streamed);
	ck_assert_str_eq(ag.queue, "20\n");

	ag.policy.queue_length = 2;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(!ag.lazy.streamed);
	ck_assert_uint_eq(ag.lazy.nsampled, 6);
	ck_assert_uint_eq(ag.lazy.stream_passes, AGENT_STREAM_PASSES);
	for (unsigned int i = 0; i < AGENT_STREAM_PASSES; i++) {
		ck_assert_int_eq(agent_rank(&ag), 0);
		ck_assert_msg(ag.lazy.streamed, "pass %u", i);
		ck_assert_uint_eq(ag.nprocs, 6);
		ck_assert_str_eq(ag.queue, "20 12\n");
	}
	ck_assert_uint_eq(ag.lazy.stream_passes, 0);
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(!ag.lazy.streamed);
	ck_assert_str_eq(ag.queue, "20 12\n");
	ck_assert_uint_eq(ag.lazy.stream_passes, AGENT_STREAM_PASSES);

	agent_policy_changed(&ag);
	ck_assert_uint_eq(ag.lazy.stream_passes, 0);
}
END_TEST

/*
 * tests/fixtures/proc-ties with room for three candidates and a queue
 * of one: the first stage keeps 20, 10 and 11 and leaves out 12, 13
 * and 14, which tie with the last kept, 11.  "big" (20) alone fills the
 * queue, above the whole tie: only it is sampled.  Left out ties were
 * sampled at once before, all three of them (4 samples).
 */
START_TEST(test_ties_left_out)
{
	pass_on(ties_root(), "[oomqd]\nqueue_length = 1\n");
	ag.lazy.cand_max = 3;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(!ag.lazy.streamed);
	ck_assert(ag.lazy.dropped);
	ck_assert_uint_eq(ag.lazy.nsampled, 1);
	ck_assert_str_eq(ag.queue, "20\n");
}
END_TEST

Suite *agent_rank_suite(void)
{
	Suite *s = suite_create("agent_rank");
	TCase *tc = tcase_create("rank");

	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_order_exact);
	tcase_add_test(tc, test_order_partial);
	tcase_add_loop_test(tc, test_excluded, 0, ARRAY_SIZE(excluded_cases));
	tcase_add_test(tc, test_children);
	tcase_add_loop_test(tc, test_format, 0, ARRAY_SIZE(format_cases));
	tcase_add_test(tc, test_format_max_queue);
	tcase_add_test(tc, test_heap);
	tcase_add_loop_test(tc, test_best_equals_order, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("pass");
	tcase_add_checked_fixture(tc, NULL, agent_teardown);
	tcase_add_test(tc, test_fixture_modern);
	tcase_add_test(tc, test_fixture_policy);
	tcase_add_test(tc, test_fixture_classic);
	tcase_add_test(tc, test_write_queue);
	tcase_add_test(tc, test_fixture_oom_score);
	tcase_add_loop_test(tc, test_lazy_equals_full, 0,
			    ARRAY_SIZE(lazy_confs));
	tcase_add_test(tc, test_large_fixture);
	tcase_add_test(tc, test_ties_fixture);
	tcase_add_test(tc, test_walk_choice);
	tcase_add_test(tc, test_ties_left_out);
	suite_add_tcase(s, tc);
	return s;
}
