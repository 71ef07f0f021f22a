// SPDX-License-Identifier: GPL-2.0
/*
 * oomqd's /proc parsers on buffers (tables of good and malformed lines,
 * exact -E values) and the sampler on the fake /proc in tests/fixtures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/proc_parse.h"
#include "../../agent/proc_sample.h"
#include "../../agent/badness.h"
#include "../../agent/rank.h"
#include "../../agent/task_sample.h"

/* Fields 4..24 of a typical stat line, and what follows rss. */
#define STAT_MID \
	"1 42 42 0 -1 4194560 100 0 0 0 12 7 0 0 20 0 1 0 2291 9244672 893"
#define STAT_TAIL " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n"

struct stat_case {
	const char *name;
	const char *in;
	size_t len;
	int ret;
	const char *comm;
	int ppid;
	long nice;
	unsigned long flags;
};

static const struct stat_case stat_cases[] = {
	{ "plain", LIT("42 (sleep) S " STAT_MID STAT_TAIL), 0, "sleep", 1, 0,
	  4194560 },
	{ "comm with spaces and parens",
	  LIT("42 (a) (b c)) R " STAT_MID STAT_TAIL), 0, "a) (b c)", 1, 0,
	  4194560 },
	{ "empty comm", LIT("42 () S " STAT_MID STAT_TAIL), 0, "", 1, 0,
	  4194560 },
	{ "ends right after rss", LIT("42 (x) S " STAT_MID), 0, "x", 1, 0,
	  4194560 },
	{ "negative nice",
	  LIT("42 (x) S 1 42 42 0 -1 2129984 0 0 0 0 12 7 0 0 20 -5 1 0 2291 0 0\n"),
	  0, "x", 1, -5, 2129984 },
	{ "empty", LIT(""), -EINVAL },
	{ "pid only", LIT("42"), -EINVAL },
	{ "no parenthesis", LIT("42 sleep S " STAT_MID STAT_TAIL), -EINVAL },
	{ "no closing parenthesis", LIT("42 (sleep S 1 42 42\n"), -EINVAL },
	{ "truncated after comm", LIT("42 (sleep) S 1 42\n"), -EINVAL },
	{ "state missing", LIT("42 (x)  " STAT_MID STAT_TAIL), -EINVAL },
	{ "letter in a number",
	  LIT("42 (x) S 1 4a2 42 0 -1 4194560 100 0 0 0 12 7 0 0 20 0 1 0 2291 9244672 893\n"),
	  -EINVAL },
	{ "pid overflow", LIT("99999999999999999999 (x) S " STAT_MID),
	  -ERANGE },
	{ "pid above int", LIT("4294967296 (x) S " STAT_MID), -ERANGE },
	{ "negative ppid",
	  LIT("42 (x) S -1 42 42 0 -1 4194560 100 0 0 0 12 7 0 0 20 0 1 0 2291 9244672 893\n"),
	  -ERANGE },
	{ "nice out of range",
	  LIT("42 (x) S 1 42 42 0 -1 4194560 100 0 0 0 12 7 0 0 20 25 1 0 2291 9244672 893\n"),
	  -ERANGE },
	{ "negative rss",
	  LIT("42 (x) S 1 42 42 0 -1 4194560 100 0 0 0 12 7 0 0 20 0 1 0 2291 9244672 -893\n"),
	  -EINVAL },
	{ "junk after rss", LIT("42 (x) S " STAT_MID "x\n"), -EINVAL },
	{ "utime overflow",
	  LIT("42 (x) S 1 42 42 0 -1 4194560 100 0 0 0 18446744073709551616 7 0 0 20 0 1 0 2291 9244672 893\n"),
	  -ERANGE },
};

START_TEST(test_stat)
{
	const struct stat_case *c = &stat_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_stat st;
	int ret = proc_parse_stat_buf(buf, c->len, &st);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_int_eq(st.pid, 42);
	ck_assert_str_eq(st.comm, c->comm);
	ck_assert_int_eq(st.ppid, c->ppid);
	ck_assert_int_eq(st.nice, c->nice);
	ck_assert_uint_eq(st.flags, c->flags);
	ck_assert_uint_eq(st.utime, 12);
	ck_assert_uint_eq(st.stime, 7);
	ck_assert_uint_eq(st.starttime, 2291);
}
END_TEST

START_TEST(test_stat_fields)
{
	static const char in[] = "42 (x) R " STAT_MID STAT_TAIL;
	struct proc_stat st;

	ck_assert_int_eq(proc_parse_stat_buf(in, sizeof(in) - 1, &st), 0);
	ck_assert_int_eq(st.state, 'R');
	ck_assert_int_eq(st.pgrp, 42);
	ck_assert_int_eq(st.session, 42);
	ck_assert_int_eq(st.tty_nr, 0);
	ck_assert_uint_eq(st.vsize, 9244672);
	ck_assert_uint_eq(st.rss, 893);
	ck_assert_int_eq(st.threads, 1);
}
END_TEST

/* A job of an interactive shell: its own group, the shell's session. */
START_TEST(test_stat_job)
{
	static const char in[] = "42 (x) S 7 40 7 34817 40 4194560 100 0 0 0 "
				 "12 7 0 0 20 0 1 0 2291 9244672 893\n";
	struct proc_stat st;

	ck_assert_int_eq(proc_parse_stat_buf(in, sizeof(in) - 1, &st), 0);
	ck_assert_int_eq(st.ppid, 7);
	ck_assert_int_eq(st.pgrp, 40);
	ck_assert_int_eq(st.session, 7);
	ck_assert_int_eq(st.tty_nr, 34817);
}
END_TEST

struct buf_case {
	const char *name;
	const char *in;
	size_t len;
	int ret;
	long long v1, v2, v3; /* meaning depends on the parser */
};

static const struct buf_case statm_cases[] = {
	{ "plain", LIT("2257 893 629 211 0 235 0\n"), 0, 2257, 893, 629 },
	{ "no newline", LIT("1 2 3 4 5 6 7"), 0, 1, 2, 3 },
	{ "six fields", LIT("1 2 3 4 5 6\n"), -EINVAL },
	{ "eight fields", LIT("1 2 3 4 5 6 7 8\n"), -EINVAL },
	{ "negative", LIT("1 -2 3 4 5 6 7\n"), -EINVAL },
	{ "overflow", LIT("1 99999999999999999999 3 4 5 6 7\n"), -ERANGE },
	{ "two lines", LIT("1 2 3 4 5 6 7\n1\n"), -EINVAL },
	{ "empty", LIT(""), -EINVAL },
};

START_TEST(test_statm)
{
	const struct buf_case *c = &statm_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_statm sm;
	int ret = proc_parse_statm_buf(buf, c->len, &sm);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_uint_eq(sm.size, c->v1);
	ck_assert_uint_eq(sm.resident, c->v2);
	ck_assert_uint_eq(sm.shared, c->v3);
}
END_TEST

#define STATUS_IDS \
	"PPid:\t1200\nUid:\t1000\t1001\t1002\t1003\nGid:\t100\t100\t100\t100\n"
#define STATUS_VM                                                              \
	"VmSize:\t    8556 kB\nVmRSS:\t    5332 kB\nRssAnon:\t    1716 kB\n"   \
	"RssFile:\t    3616 kB\nRssShmem:\t       0 kB\nVmPTE:\t      56 kB\n" \
	"VmSwap:\t      12 kB\n"

static const struct buf_case status_cases[] = {
	{ "process",
	  LIT("Name:\tbash\n" STATUS_IDS STATUS_VM
	      "Threads:\t1\nCapEff:\t000001ffffffffff\n"),
	  0, 1 },
	{ "traced",
	  LIT("Name:\tx\n" STATUS_IDS "TracerPid:\t77\nThreads:\t1\n"), 0, 0,
	  77 },
	{ "TracerPid overflow",
	  LIT(STATUS_IDS "TracerPid:\t4294967296\nThreads:\t1\n"), -ERANGE },
	{ "kernel thread: no Vm lines",
	  LIT("Name:\tkthreadd\n" STATUS_IDS
	      "Threads:\t1\nCapEff:\t0000000000000000\n"),
	  0, 0 },
	{ "name with colon and spaces",
	  LIT("Name:\ta: b c\n" STATUS_IDS "Threads:\t3\n"), 0, 0 },
	{ "no Uid", LIT("Name:\tx\nPPid:\t1\nGid:\t0\t0\t0\t0\nThreads:\t1\n"),
	  -ENOENT },
	{ "no Threads", LIT(STATUS_IDS), -ENOENT },
	{ "Uid with three ids",
	  LIT("Uid:\t1\t2\t3\nGid:\t1\t1\t1\t1\nPPid:\t1\nThreads:\t1\n"),
	  -EINVAL },
	{ "Uid overflow",
	  LIT("Uid:\t4294967296\t0\t0\t0\nGid:\t0\t0\t0\t0\nPPid:\t1\nThreads:\t1\n"),
	  -ERANGE },
	{ "VmRSS in MB", LIT(STATUS_IDS "Threads:\t1\nVmRSS:\t12 MB\n"),
	  -EINVAL },
	{ "VmSwap without unit", LIT(STATUS_IDS "Threads:\t1\nVmSwap:\t12\n"),
	  -EINVAL },
	{ "line without colon", LIT(STATUS_IDS "Threads:\t1\ngarbage\n"),
	  -EINVAL },
	{ "CapEff not hex", LIT(STATUS_IDS "Threads:\t1\nCapEff:\tzz\n"),
	  -EINVAL },
	{ "CapEff overflow",
	  LIT(STATUS_IDS "Threads:\t1\nCapEff:\t10000000000000000\n"),
	  -ERANGE },
	{ "empty", LIT(""), -ENOENT },
};

START_TEST(test_status)
{
	const struct buf_case *c = &status_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_status ps;
	int ret = proc_parse_status_buf(buf, c->len, &ps);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_int_eq(ps.has_mm, c->v1);
	ck_assert_uint_eq(ps.uid[0], 1000);
	ck_assert_uint_eq(ps.uid[1], 1001);
	ck_assert_uint_eq(ps.uid[3], 1003);
	ck_assert_int_eq(ps.ppid, 1200);
	ck_assert_int_eq(ps.tracer_pid, c->v2);
	if (c->v1) {
		ck_assert_uint_eq(ps.vm_size_kb, 8556);
		ck_assert_uint_eq(ps.vm_rss_kb, 5332);
		ck_assert_uint_eq(ps.rss_anon_kb, 1716);
		ck_assert_uint_eq(ps.rss_file_kb, 3616);
		ck_assert_uint_eq(ps.rss_shmem_kb, 0);
		ck_assert_uint_eq(ps.vm_pte_kb, 56);
		ck_assert_uint_eq(ps.vm_swap_kb, 12);
		ck_assert_uint_eq(ps.cap_eff, 0x1ffffffffffULL);
		ck_assert_uint_eq(ps.threads, 1);
	}
}
END_TEST

static const struct buf_case adj_cases[] = {
	{ "zero", LIT("0\n"), 0, 0 },
	{ "min", LIT("-1000\n"), 0, -1000 },
	{ "max, no newline", LIT("1000"), 0, 1000 },
	{ "too low", LIT("-1001\n"), -ERANGE },
	{ "too high", LIT("1001\n"), -ERANGE },
	{ "leading blank", LIT(" 5\n"), -EINVAL },
	{ "sign only", LIT("-\n"), -EINVAL },
	{ "double sign", LIT("--5\n"), -EINVAL },
	{ "two numbers", LIT("5 6\n"), -EINVAL },
	{ "empty", LIT(""), -EINVAL },
	{ "after newline", LIT("5\n6"), -EINVAL },
};

START_TEST(test_oom_score_adj)
{
	const struct buf_case *c = &adj_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	int adj = 12345;
	int ret = proc_parse_oom_score_adj_buf(buf, c->len, &adj);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	ck_assert_int_eq(adj, ret ? 12345 : c->v1);
}
END_TEST

static const struct buf_case score_cases[] = {
	{ "typical", LIT("667\n"), 0, 667 },
	{ "zero", LIT("0\n"), 0, 0 },
	{ "max", LIT("2000\n"), 0, 2000 },
	{ "above max", LIT("2001\n"), -ERANGE },
	{ "negative", LIT("-1\n"), -EINVAL },
	{ "empty", LIT(""), -EINVAL },
};

START_TEST(test_oom_score)
{
	const struct buf_case *c = &score_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	unsigned long score = 4242;
	int ret = proc_parse_oom_score_buf(buf, c->len, &score);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	ck_assert_uint_eq(score, ret ? 4242 : (unsigned long)c->v1);
}
END_TEST

struct text_case {
	const char *name;
	const char *in;
	size_t len;
	size_t size;
	int ret;
	const char *out;
};

static const struct text_case cmdline_cases[] = {
	{ "two args", LIT("sleep\0infinity\0"), 64, 0, "sleep infinity" },
	{ "empty (kernel thread)", LIT(""), 64, 0, "" },
	{ "empty argument", LIT("a\0\0b\0"), 64, 0, "a  b" },
	{ "rewritten argv", LIT("nginx: worker process"), 64, 0,
	  "nginx: worker process" },
	{ "truncated", LIT("abcdefgh\0"), 6, 0, "abcde" },
	{ "no room", LIT("a\0"), 0, -ENOSPC, NULL },
};

START_TEST(test_cmdline)
{
	const struct text_case *c = &cmdline_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	char out[64];
	int ret = proc_parse_cmdline_buf(buf, c->len, out, c->size);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (!ret)
		ck_assert_str_eq(out, c->out);
}
END_TEST

static const struct text_case cgroup_cases[] = {
	{ "v2", LIT("0::/user.slice/user-1000.slice/session-2.scope\n"), 64, 0,
	  "/user.slice/user-1000.slice/session-2.scope" },
	{ "root", LIT("0::/\n"), 64, 0, "/" },
	{ "hybrid: v1 lines first",
	  LIT("4:memory:/x\n1:name=systemd:/y\n0::/z\n"), 64, 0, "/z" },
	{ "no newline", LIT("0::/a"), 64, 0, "/a" },
	{ "too long: refused, not cut", LIT("0::/abcdef\n"), 4, -ENOSPC },
	{ "v1 only", LIT("4:memory:/x\n"), 64, -ENOENT },
	{ "empty", LIT(""), 64, -ENOENT },
	{ "garbage", LIT("garbage\n"), 64, -EINVAL },
	{ "no path", LIT("0::\n"), 64, -EINVAL },
	{ "relative path", LIT("0::user.slice\n"), 64, -EINVAL },
	{ "one colon", LIT("0:/x\n"), 64, -EINVAL },
	{ "no room", LIT("0::/\n"), 0, -ENOSPC },
};

START_TEST(test_cgroup)
{
	const struct text_case *c = &cgroup_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	char out[64];
	int ret = proc_parse_cgroup_buf(buf, c->len, out, c->size);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (!ret)
		ck_assert_str_eq(out, c->out);
}
END_TEST

/*
 * Lines handed over cut (a reader's buffer full of one line): those the
 * parser does not need are skipped, one it needs is -EFBIG.
 */
START_TEST(test_cut_lines)
{
	static const char groups[] = "Groups:\t4 24 27 1000 1001 1002";
	static const char swap[] = "VmSwap:\t    40";
	static const char v1[] = "4:memory:/user.slice/user-1000.sl";
	static const char v2[] = "0::/user.slice/user-1000.sl";
	struct proc_status ps;
	char out[64];

	proc_status_init(&ps);
	ck_assert_int_eq(
		proc_status_line(&ps, groups, sizeof(groups) - 1, true), 0);
	ck_assert_int_eq(proc_status_line(&ps, swap, sizeof(swap) - 1, true),
			 -EFBIG);
	ck_assert_int_eq(proc_status_line(&ps, "x", 1, true), -EINVAL);
	ck_assert_int_eq(proc_cgroup_line(v1, sizeof(v1) - 1, true, out,
					  sizeof(out)),
			 0);
	ck_assert_int_eq(proc_cgroup_line(v2, sizeof(v2) - 1, true, out,
					  sizeof(out)),
			 -EFBIG);
	ck_assert_int_eq(proc_cgroup_line(v2, sizeof(v2) - 1, false, out,
					  sizeof(out)),
			 1);
	ck_assert_str_eq(out, "/user.slice/user-1000.sl");
}
END_TEST

#define MEMINFO_OK                                                   \
	"MemTotal:       24683620 kB\nMemFree:        23853432 kB\n" \
	"MemAvailable:   24300288 kB\nBuffers:            2016 kB\n" \
	"SwapTotal:        1048576 kB\nSwapFree:          524288 kB\n"

static const struct buf_case meminfo_cases[] = {
	{ "full", LIT(MEMINFO_OK), 0 },
	{ "no MemAvailable",
	  LIT("MemTotal: 1 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n"), -ENOENT },
	{ "MB unit", LIT("MemTotal: 12 MB\n"), -EINVAL },
	{ "overflow", LIT("MemTotal: 99999999999999999999 kB\n"), -ERANGE },
	{ "empty", LIT(""), -ENOENT },
};

START_TEST(test_meminfo)
{
	const struct buf_case *c = &meminfo_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_meminfo mi;
	int ret = proc_parse_meminfo_buf(buf, c->len, &mi);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_uint_eq(mi.mem_total_kb, 24683620);
	ck_assert_uint_eq(mi.mem_available_kb, 24300288);
	ck_assert_uint_eq(mi.swap_total_kb, 1048576);
	ck_assert_uint_eq(mi.swap_free_kb, 524288);
}
END_TEST

static const struct buf_case uptime_cases[] = {
	{ "typical", LIT("350735.47 234388.90\n"), 0, 350735470 },
	{ "one decimal", LIT("1.5 2.0"), 0, 1500 },
	{ "nanoseconds", LIT("1.123456789 0.0\n"), 0, 1123 },
	{ "no fraction", LIT("12 34\n"), -EINVAL },
	{ "ten decimals", LIT("1.1234567891 0.0\n"), -EINVAL },
	{ "one number", LIT("1.00\n"), -EINVAL },
	{ "letters", LIT("abc def\n"), -EINVAL },
	{ "overflow", LIT("99999999999999999999.00 1.00\n"), -ERANGE },
};

/* A parse of one number: @c's value, or the output left alone. */
static void check_u64_case(const struct buf_case *c,
			   int (*parse)(const char *, size_t, uint64_t *))
{
	char *buf = agent_exact_copy(c->in, c->len);
	uint64_t v = 7;
	int ret = parse(buf, c->len, &v);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	ck_assert_uint_eq(v, ret ? 7 : (uint64_t)c->v1);
}

START_TEST(test_uptime)
{
	check_u64_case(&uptime_cases[_i], proc_parse_uptime_buf);
}
END_TEST

static const struct buf_case loadavg_cases[] = {
	{ "typical", LIT("0.20 0.18 0.12 1/80 11206\n"), 0, 11206 },
	{ "no newline", LIT("0.00 0.00 0.00 1/1 1"), 0, 1 },
	{ "wrapped", LIT("9.99 9.99 9.99 12/4000 301\n"), 0, 301 },
	{ "four fields", LIT("0.20 0.18 0.12 1/80\n"), -EINVAL },
	{ "six fields", LIT("0.20 0.18 0.12 1/80 5 6\n"), -EINVAL },
	{ "negative", LIT("0.20 0.18 0.12 1/80 -5\n"), -EINVAL },
	{ "overflow", LIT("0 0 0 1/1 99999999999999999999\n"), -ERANGE },
	{ "empty", LIT(""), -EINVAL },
};

START_TEST(test_loadavg)
{
	check_u64_case(&loadavg_cases[_i], proc_parse_loadavg_last_pid_buf);
}
END_TEST

static const struct buf_case schedstat_cases[] = {
	{ "typical", LIT("162202960 48867749 475\n"), 0, 162202960, 48867749,
	  475 },
	{ "no newline", LIT("0 0 1"), 0, 0, 0, 1 },
	{ "two numbers", LIT("1 2\n"), -EINVAL },
	{ "four numbers", LIT("1 2 3 4\n"), -EINVAL },
	{ "negative", LIT("1 -2 3\n"), -EINVAL },
	{ "overflow", LIT("1 2 99999999999999999999\n"), -ERANGE },
	{ "empty", LIT(""), -EINVAL },
};

START_TEST(test_schedstat)
{
	const struct buf_case *c = &schedstat_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_schedstat ss;
	int ret = proc_parse_schedstat_buf(buf, c->len, &ss);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_uint_eq(ss.run_ns, (uint64_t)c->v1);
	ck_assert_uint_eq(ss.wait_ns, (uint64_t)c->v2);
	ck_assert_uint_eq(ss.runs, (uint64_t)c->v3);
}
END_TEST

/* The sampler, on tests/fixtures/proc (see its README). */

static struct proc_sampler sampler;
static struct sample tab[32];

struct seen_text {
	pid_t pid;
	struct sample_text text;
};

static void remember_300(struct sample *s, const struct sample_text *t,
			 void *ctx)
{
	struct seen_text *seen = ctx;

	if (s->pid == seen->pid)
		seen->text = *t;
}

static const struct sample *find(size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].pid == pid)
			return &tab[i];
	return NULL;
}

START_TEST(test_sample_fixture)
{
	struct seen_text seen = { .pid = 300 };
	const struct sample *s;
	size_t n = 0;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	ck_assert_int_eq(proc_sample_all(&sampler,
					 PROC_NEED_CMDLINE | PROC_NEED_EXE |
						 PROC_NEED_CGROUP,
					 tab, ARRAY_SIZE(tab), &n, remember_300,
					 &seen),
			 0);
	/* 1 2 100 200 300 400 500 600 800; 700 malformed, 900 vanished */
	ck_assert_uint_eq(n, 9);
	ck_assert_uint_eq(sampler.malformed, 1);
	ck_assert_uint_eq(sampler.skipped, 1);

	s = find(n, 300);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->comm, "Web (Content)) ");
	ck_assert_int_eq(s->ppid, 200);
	ck_assert_uint_eq(s->uid, 1000);
	ck_assert_uint_eq(s->total_vm_kb, 4000000);
	ck_assert_uint_eq(s->rss_kb, 400000);
	ck_assert_uint_eq(s->swap_kb, 4000);
	ck_assert_uint_eq(s->pgtables_kb, 400);
	ck_assert_uint_eq(s->cpu_ticks, 8000);
	ck_assert_uint_eq(s->start_ticks, 9000000);
	ck_assert_int_eq(s->flags, 0);
	ck_assert_str_eq(seen.text.cmdline,
			 "/usr/lib/firefox/firefox -contentproc -childID 3");
	ck_assert_str_eq(seen.text.exe, "/usr/lib/firefox/firefox");
	ck_assert_str_eq(seen.text.cgroup,
			 "/user.slice/user-1000.slice/app.slice/firefox.scope");

	s = find(n, 2);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->flags, SAMPLE_KTHREAD | SAMPLE_NO_MM);
	s = find(n, 600);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->flags, SAMPLE_NO_MM);
	s = find(n, 500);
	ck_assert_int_eq(s->oom_score_adj, -1000);
	ck_assert_uint_eq(s->cap_eff, 0x1ffffffffffULL);
	s = find(n, 400);
	ck_assert_int_eq(s->nice, 10);
	proc_sampler_close(&sampler);
}
END_TEST

/* Only what the policy asked for is read; the rest stays empty. */
START_TEST(test_sample_needs)
{
	struct seen_text seen = { .pid = 100 };
	size_t n;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	ck_assert_int_eq(proc_sample_all(&sampler, PROC_NEED_CGROUP, tab,
					 ARRAY_SIZE(tab), &n, remember_300,
					 &seen),
			 0);
	ck_assert_str_eq(seen.text.cgroup, "/system.slice/ssh.service");
	ck_assert_str_eq(seen.text.cmdline, "");
	ck_assert_str_eq(seen.text.exe, "");
	proc_sampler_close(&sampler);
}
END_TEST

START_TEST(test_sample_table_full)
{
	size_t n = 0;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	ck_assert_int_eq(proc_sample_all(&sampler, 0, tab, 3, &n, NULL, NULL),
			 -ENOSPC);
	ck_assert_uint_eq(n, 3);
	proc_sampler_close(&sampler);
}
END_TEST

START_TEST(test_sample_vanished)
{
	struct sample_text t;
	struct sample s;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	ck_assert_int_eq(proc_sample_one(&sampler, 900, 0, &s, &t), -ESRCH);
	ck_assert_int_eq(proc_sample_one(&sampler, 4242, 0, &s, &t), -ESRCH);
	ck_assert_int_eq(proc_sample_one(&sampler, 700, 0, &s, &t), -EINVAL);
	proc_sampler_close(&sampler);
}
END_TEST

START_TEST(test_sample_sys)
{
	struct sample_sys sys;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	ck_assert_int_eq(proc_sample_sys(&sampler, &sys), 0);
	ck_assert_uint_eq(sys.mem_total_kb, 4000000);
	ck_assert_uint_eq(sys.mem_available_kb, 1000000);
	ck_assert_uint_eq(sys.swap_total_kb, 1000000);
	ck_assert_uint_eq(sys.swap_free_kb, 500000);
	ck_assert_uint_eq(sys.uptime_ms, 100000000);
	proc_sampler_close(&sampler);
}
END_TEST

START_TEST(test_sampler_open_missing)
{
	ck_assert_int_eq(proc_sampler_open(&sampler,
					   "tests/fixtures/nonexistent"),
			 -ENOENT);
}
END_TEST

/* tests/fixtures/proc-large: files larger than the sampler's buffer. */
static const char *large_root(void)
{
	const char *env = getenv("OOMQ_FIXTURES_LARGE");

	return env ? env : "tests/fixtures/proc-large";
}

/* A file that outgrows the buffer fails, naming itself: never cut. */
START_TEST(test_large_file_refused)
{
	size_t len;

	ck_assert_int_eq(proc_sampler_open(&sampler, large_root()), 0);
	ck_assert_int_eq(proc_read(&sampler, "stat", &len), -EFBIG);
	ck_assert_int_eq(sampler.fail_err, -EFBIG);
	ck_assert_str_eq(sampler.fail_path, "stat");
	proc_sampler_reset(&sampler);
	ck_assert_int_eq(sampler.fail_err, 0);
	ck_assert_int_eq(proc_read(&sampler, "meminfo", &len), 0);
	proc_sampler_close(&sampler);
}
END_TEST

/* An 11 KiB /proc/stat (256 CPUs) stopped every pass: it is not read. */
START_TEST(test_large_stat_not_needed)
{
	struct sample_sys sys;

	ck_assert_int_eq(proc_sampler_open(&sampler, large_root()), 0);
	ck_assert_int_eq(proc_sample_sys(&sampler, &sys), 0);
	ck_assert_uint_eq(sys.mem_total_kb, 4000000);
	ck_assert_uint_eq(sys.uptime_ms, 100000000);
	proc_sampler_close(&sampler);
}
END_TEST

static void write_meminfo(const char *dir, unsigned int avail_kb)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/meminfo", dir);
	f = fopen(path, "w"); /* in place: a descriptor kept open sees it */
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"MemTotal: 400000 kB\nMemFree: 1000 kB\n"
		"MemAvailable: %u kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n",
		avail_kb);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * meminfo through the descriptor the sampler keeps: read again, it has
 * what the file says now; gone, the read fails and names it; back, it
 * is opened again.
 */
START_TEST(test_meminfo_kept_open)
{
	char dir[] = "/tmp/oomq-meminfo-XXXXXX", path[128];
	struct proc_meminfo mi;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_meminfo(dir, 1000);
	ck_assert_int_eq(proc_sampler_open(&sampler, dir), 0);
	ck_assert_int_eq(proc_read_meminfo(&sampler, &mi), 0);
	ck_assert_uint_eq(mi.mem_available_kb, 1000);
	ck_assert_int_ge(sampler.meminfo_fd, 0);
	write_meminfo(dir, 2000);
	ck_assert_int_eq(proc_read_meminfo(&sampler, &mi), 0);
	ck_assert_uint_eq(mi.mem_available_kb, 2000);
	/* Cut to a line the parse does not take: failed, named. */
	snprintf(path, sizeof(path), "%s/meminfo", dir);
	ck_assert_int_eq(truncate(path, 5), 0);
	ck_assert_int_ne(proc_read_meminfo(&sampler, &mi), 0);
	ck_assert_str_eq(sampler.fail_path, "meminfo");
	ck_assert_int_eq(unlink(path), 0);
	proc_sampler_reset(&sampler);
	write_meminfo(dir, 3000);
	ck_assert_int_eq(proc_read_meminfo(&sampler, &mi), 0);
	ck_assert_uint_eq(mi.mem_available_kb, 3000);
	proc_sampler_close(&sampler);
	ck_assert_int_eq(sampler.meminfo_fd, -1);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* loadavg's last PID through its kept descriptor, as meminfo above. */
START_TEST(test_last_pid_kept_open)
{
	char dir[] = "/tmp/oomq-loadavg-XXXXXX", path[128];
	uint64_t pid = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/loadavg", dir);
	ck_assert_int_eq(proc_sampler_open(&sampler, dir), 0);
	ck_assert_int_eq(proc_read_last_pid(&sampler, &pid), -ENOENT);
	ck_assert_int_eq(sampler.loadavg_fd, -1);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("0.20 0.18 0.12 1/80 11206\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(proc_read_last_pid(&sampler, &pid), 0);
	ck_assert_uint_eq(pid, 11206);
	ck_assert_int_ge(sampler.loadavg_fd, 0);
	f = fopen(path, "w"); /* in place: the kept descriptor sees it */
	ck_assert_ptr_nonnull(f);
	fputs("0.20 0.18 0.12 2/81 11300\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(proc_read_last_pid(&sampler, &pid), 0);
	ck_assert_uint_eq(pid, 11300);
	ck_assert_int_eq(truncate(path, 5), 0);
	ck_assert_int_ne(proc_read_last_pid(&sampler, &pid), 0);
	ck_assert_uint_eq(pid, 11300);
	ck_assert_int_eq(sampler.loadavg_fd, -1);
	proc_sampler_close(&sampler);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * A user in 3,000 groups: status is 31 KiB and its Vm, Threads and Cap
 * lines come after an 18 KiB Groups line.  They are all read.
 */
START_TEST(test_large_status)
{
	struct sample s;
	uid_t uid = 0, euid = 0;

	ck_assert_int_eq(proc_sampler_open(&sampler, large_root()), 0);
	ck_assert_int_eq(proc_sample_one(&sampler, 1000, 0, &s, NULL), 0);
	ck_assert_uint_eq(s.uid, 1000);
	ck_assert_uint_eq(s.total_vm_kb, 800000);
	ck_assert_uint_eq(s.rss_kb, 200000);
	ck_assert_uint_eq(s.swap_kb, 4000);
	ck_assert_uint_eq(s.pgtables_kb, 400);
	ck_assert_uint_eq(s.cap_eff, 0x20000);
	ck_assert_int_eq(proc_read_uid(&sampler, 1000, &uid, &euid), 0);
	ck_assert_uint_eq(uid, 1000);
	ck_assert_int_eq(sampler.fail_err, 0);
	proc_sampler_close(&sampler);
}
END_TEST

/*
 * The strings rules match, whole: the v2 cgroup path after 11 KiB of v1
 * lines, a 352-byte exe; the cmdline's first 4095 bytes.
 */
START_TEST(test_large_text)
{
	static struct sample_text t;
	char want[SAMPLE_TEXT_LEN];
	ssize_t n;
	int fd;

	ck_assert_int_eq(proc_sampler_open(&sampler, large_root()), 0);
	proc_read_text(&sampler, 1000,
		       PROC_NEED_CMDLINE | PROC_NEED_EXE | PROC_NEED_CGROUP,
		       &t);
	proc_sampler_flush(&sampler);
	ck_assert_uint_eq(strlen(t.cgroup), 294);
	ck_assert_msg(!strncmp(t.cgroup, "/kubepods.slice/", 16) &&
			      !strcmp(t.cgroup + 294 - 18,
				      "nested-build.scope"),
		      "cgroup: %s", t.cgroup);
	ck_assert_uint_eq(strlen(t.exe), 352);
	ck_assert_str_eq(t.exe + 352 - 12, "/bin/groupie");
	ck_assert_uint_eq(strlen(t.cmdline), SAMPLE_TEXT_LEN - 1);
	ck_assert(!strncmp(t.cmdline,
			   "java -cp /usr/share/java/lib0000.jar:", 37));
	snprintf(want, sizeof(want), "%s/1000/cmdline", large_root());
	fd = open(want, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, want, sizeof(want) - 1);
	close(fd);
	ck_assert_int_eq(n, SAMPLE_TEXT_LEN - 1);
	for (ssize_t i = 0; i < n; i++)
		ck_assert_int_eq(t.cmdline[i], want[i] ? want[i] : ' ');
	ck_assert_int_eq(sampler.fail_err, 0);
	proc_sampler_close(&sampler);
}
END_TEST

static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

static int count_pid(pid_t pid, void *ctx)
{
	unsigned long score;

	(void)pid;
	(void)proc_read_oom_score(&sampler, 100, &score);
	++*(int *)ctx;
	return 0;
}

/*
 * The files of processes are closed in batches: never more than
 * PROC_DEFER_FDS open, none left after a walk or a flush, and a
 * descriptor that is not the sampler's, amid the numbers it used, stays
 * open.
 */
START_TEST(test_sampler_defers_close)
{
	unsigned long score;
	int base, gap, keep, walked = 0;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	/* A free number below one that is taken: the runs break there. */
	gap = open("/dev/null", O_RDONLY | O_CLOEXEC);
	keep = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(gap, 0);
	ck_assert_int_eq(keep, gap + 1);
	close(gap);
	base = open_fds();

	for (int i = 0; i < 3 * PROC_DEFER_FDS + 5; i++) {
		ck_assert_int_eq(proc_read_oom_score(&sampler, 100, &score), 0);
		ck_assert_int_le(open_fds() - base, PROC_DEFER_FDS - 1);
	}
	ck_assert_int_eq(open_fds() - base, 5);
	proc_sampler_flush(&sampler);
	ck_assert_int_eq(open_fds(), base);
	ck_assert_int_ne(fcntl(keep, F_GETFD), -1);

	ck_assert_int_eq(proc_for_each_pid(&sampler, count_pid, &walked), 0);
	ck_assert_int_eq(walked, 11);
	ck_assert_int_eq(open_fds(), base);
	ck_assert_int_ne(fcntl(keep, F_GETFD), -1);

	ck_assert_int_eq(proc_read_oom_score(&sampler, 100, &score), 0);
	proc_sampler_close(&sampler);
	ck_assert_int_eq(open_fds(), base - 1); /* and the root's */
	close(keep);
}
END_TEST

/*
 * The module's record of fixture process 300, in the kernel's units:
 * the same numbers /proc shows in KiB and ticks must come out.
 */
START_TEST(test_task_sample_like_proc)
{
	const struct oomq_task t = {
		.stat = {
			.pid = 300,
			.ppid = 200,
			.uid = 1000,
			.euid = 1000,
			.cpu_ns = 80ULL * 1000000000, /* 8000 ticks at 100 Hz */
			.start_ns = 90000ULL * 1000000000, /* 9000000 ticks */
			.page_size = 4096,
		},
		.has_mm = true,
		.mm = {
			.total_vm = 1000000, /* pages */
			.rss_anon = 60000,
			.rss_file = 39000,
			.rss_shmem = 1000,
			.swap = 1000,
			.pgtables = 400 * 1024, /* bytes */
		},
		.comm = "Web (Content)) ",
	};
	const struct sample_sys sys = { .page_kb = 4, .clk_tck = 100 };
	struct sample from_task, from_proc;

	ck_assert_int_eq(proc_sampler_open(&sampler, agent_fixture_root()), 0);
	ck_assert_int_eq(proc_sample_one(&sampler, 300, 0, &from_proc, NULL),
			 0);
	proc_sampler_close(&sampler);
	task_sample(&t, &sys, 1, &from_task);
	ck_assert_int_eq(from_task.pid, from_proc.pid);
	ck_assert_int_eq(from_task.ppid, from_proc.ppid);
	ck_assert_uint_eq(from_task.uid, from_proc.uid);
	ck_assert_uint_eq(from_task.euid, from_proc.euid);
	ck_assert_str_eq(from_task.comm, from_proc.comm);
	ck_assert_uint_eq(from_task.total_vm_kb, from_proc.total_vm_kb);
	ck_assert_uint_eq(from_task.rss_kb, from_proc.rss_kb);
	ck_assert_uint_eq(from_task.swap_kb, from_proc.swap_kb);
	ck_assert_uint_eq(from_task.pgtables_kb, from_proc.pgtables_kb);
	ck_assert_uint_eq(from_task.cpu_ticks, from_proc.cpu_ticks);
	ck_assert_uint_eq(from_task.start_ticks, from_proc.start_ticks);
	ck_assert_int_eq(from_task.flags, from_proc.flags);
	ck_assert_int_eq(from_task.rule, SAMPLE_NO_RULE);
}
END_TEST

START_TEST(test_task_sample_flags)
{
	const struct sample_sys sys = { .mem_total_kb = 4000000,
					.page_kb = 4,
					.clk_tck = 100 };
	struct oomq_task t = {
		.stat = { .pid = 2,
			  .flags = OOMQ_TASK_F_KTHREAD | OOMQ_TASK_F_NO_MM },
	};
	struct sample s;

	task_sample(&t, &sys, 77, &s);
	ck_assert_int_eq(s.flags, SAMPLE_KTHREAD | SAMPLE_NO_MM);
	ck_assert_uint_eq(s.rss_kb, 0);

	/* A zombie leader: no mm, not a kernel thread. */
	t = (struct oomq_task){ .stat = { .pid = 600,
					  .flags = OOMQ_TASK_F_NO_MM } };
	task_sample(&t, &sys, 77, &s);
	ck_assert_int_eq(s.flags, SAMPLE_NO_MM);

	/* oomqd itself, and no page size sent: the system's is used. */
	t = (struct oomq_task){ .stat = { .pid = 77 },
				.has_mm = true,
				.mm = { .rss_anon = 10 } };
	task_sample(&t, &sys, 77, &s);
	ck_assert_int_eq(s.flags, SAMPLE_SELF);
	ck_assert_uint_eq(s.rss_kb, 40);

	/* Reaped or in vfork: oom_badness() says LONG_MIN, so do we. */
	t = (struct oomq_task){ .stat = { .pid = 900,
					  .flags = OOMQ_TASK_F_OOM_SKIP },
				.has_mm = true,
				.mm = { .rss_anon = 1000 } };
	task_sample(&t, &sys, 77, &s);
	s.priority = 1;
	ck_assert_int_eq(s.flags, SAMPLE_UNKILLABLE);
	ck_assert_int_eq(badness_modern(&s, &sys), BADNESS_UNKILLABLE);
	ck_assert_str_eq(rank_excluded(&s), "reaped or in vfork");
	t.stat.flags = OOMQ_TASK_F_VFORK;
	task_sample(&t, &sys, 77, &s);
	ck_assert_int_eq(s.flags, SAMPLE_UNKILLABLE);
	/* Exiting or chosen already: still ranked, as /proc would. */
	t.stat.flags = OOMQ_TASK_F_EXITING | OOMQ_TASK_F_OOM_VICTIM;
	task_sample(&t, &sys, 77, &s);
	ck_assert_int_eq(s.flags, 0);
}
END_TEST

Suite *agent_proc_suite(void)
{
	Suite *s = suite_create("agent_proc");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_stat, 0, ARRAY_SIZE(stat_cases));
	tcase_add_test(tc, test_stat_fields);
	tcase_add_test(tc, test_stat_job);
	tcase_add_loop_test(tc, test_statm, 0, ARRAY_SIZE(statm_cases));
	tcase_add_loop_test(tc, test_status, 0, ARRAY_SIZE(status_cases));
	tcase_add_loop_test(tc, test_oom_score_adj, 0, ARRAY_SIZE(adj_cases));
	tcase_add_loop_test(tc, test_oom_score, 0, ARRAY_SIZE(score_cases));
	tcase_add_loop_test(tc, test_cmdline, 0, ARRAY_SIZE(cmdline_cases));
	tcase_add_loop_test(tc, test_cgroup, 0, ARRAY_SIZE(cgroup_cases));
	tcase_add_test(tc, test_cut_lines);
	tcase_add_loop_test(tc, test_meminfo, 0, ARRAY_SIZE(meminfo_cases));
	tcase_add_loop_test(tc, test_uptime, 0, ARRAY_SIZE(uptime_cases));
	tcase_add_loop_test(tc, test_loadavg, 0, ARRAY_SIZE(loadavg_cases));
	tcase_add_test(tc, test_last_pid_kept_open);
	tcase_add_loop_test(tc, test_schedstat, 0, ARRAY_SIZE(schedstat_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("sample");
	tcase_add_test(tc, test_sample_fixture);
	tcase_add_test(tc, test_sample_needs);
	tcase_add_test(tc, test_sample_table_full);
	tcase_add_test(tc, test_sample_vanished);
	tcase_add_test(tc, test_sample_sys);
	tcase_add_test(tc, test_sampler_open_missing);
	tcase_add_test(tc, test_sampler_defers_close);
	tcase_add_test(tc, test_task_sample_like_proc);
	tcase_add_test(tc, test_task_sample_flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("large");
	tcase_add_test(tc, test_large_file_refused);
	tcase_add_test(tc, test_large_stat_not_needed);
	tcase_add_test(tc, test_meminfo_kept_open);
	tcase_add_test(tc, test_large_status);
	tcase_add_test(tc, test_large_text);
	suite_add_tcase(s, tc);
	return s;
}
