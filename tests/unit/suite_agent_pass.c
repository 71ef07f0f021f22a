// SPDX-License-Identifier: GPL-2.0
/*
 * agent/mcache.c and the pass around it: the policy's regexes run once
 * per process, not once per pass, and a second pass over the same
 * processes calls no regexec() and no malloc() at all (glibc's regexec()
 * allocates; the pass must not, under the pressure it answers).  A cache
 * smaller than the processes changes nothing but the cost, and rules on
 * names only use none.
 *
 * malloc() is counted through AddressSanitizer's allocator hooks, which
 * see every allocation in the process (libc's own included), since the
 * unit binary runs under ASan; without ASan that test skips.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/agent.h"
#include "../../agent/mcache.h"

/* Rules on every field a rule can match, so every kind of regexec runs. */
static const char conf[] = "[rule builds]\n"
			   "match_comm = ^make$\n"
			   "action = prefer\n"
			   "[rule web]\n"
			   "match_cmdline = Web\n"
			   "priority = 200\n"
			   "[rule users]\n"
			   "match_user = ^1001$\n"
			   "action = avoid\n"
			   "[rule slice]\n"
			   "match_cgroup = ^/user\\.slice/\n"
			   "match_exe = bash\n"
			   "adjust = 7\n";

static struct agent ag;

static void setup(void)
{
	policy_defaults(&ag.policy);
	ck_assert_int_eq(policy_parse_buf(&ag.policy, conf, strlen(conf)), 0);
	ck_assert_int_eq(agent_init(&ag, agent_fixture_root(), 64), 0);
	/* The test runner's own pid must not hide a fixture process. */
	ag.sampler.self = 0;
}

static void teardown(void)
{
	agent_fini(&ag);
	policy_free(&ag.policy);
}

struct verdict {
	pid_t pid;
	int16_t rule, adjust;
	uint16_t priority;
};

static size_t verdicts(struct verdict *v, size_t max)
{
	size_t n = ag.n < max ? ag.n : max;

	for (size_t i = 0; i < n; i++)
		v[i] = (struct verdict){ ag.tab[i].pid, ag.tab[i].rule,
					 ag.tab[i].adjust, ag.tab[i].priority };
	return n;
}

START_TEST(test_second_pass_no_regexec)
{
	struct verdict first[64], second[64];
	size_t n1, n2;
	int matched = 0;

	policy_regexec_calls = 0;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_uint_gt(policy_regexec_calls, 0);
	/* Classified in the lazy pass's first stage: every process. */
	ck_assert_uint_eq(ag.cls.cache.misses, ag.nprocs);
	n1 = verdicts(first, 64);
	for (size_t i = 0; i < n1; i++)
		matched += first[i].rule != SAMPLE_NO_RULE;
	ck_assert_int_ge(matched, 3); /* the rules do match something */

	/*
	 * The first pass sampled most of the fixture: this one samples
	 * everyone at once (source_lazy.c, choose_walk()), and the cache's keys
	 * are those of the first stage all the same.  The kept ones are in
	 * no order: matched by pid.
	 */
	policy_regexec_calls = 0;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert(ag.lazy.streamed);
	ck_assert_uint_eq(policy_regexec_calls, 0);
	ck_assert_uint_eq(ag.cls.cache.hits, ag.nprocs);
	n2 = verdicts(second, 64);
	ck_assert_uint_eq(n1, n2);
	for (size_t i = 0; i < n1; i++) {
		size_t j = 0;

		while (j < n2 && second[j].pid != first[i].pid)
			j++;
		ck_assert_msg(j < n2, "pid %d kept once only", first[i].pid);
		ck_assert_int_eq(first[i].rule, second[j].rule);
		ck_assert_int_eq(first[i].adjust, second[j].adjust);
		ck_assert_uint_eq(first[i].priority, second[j].priority);
	}

	/* New rules: what the cache remembered no longer holds. */
	agent_policy_changed(&ag);
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_uint_gt(policy_regexec_calls, 0);
}
END_TEST

/*
 * A cache smaller than the processes: those it cannot hold are
 * classified every pass, and the queue is the same.
 */
START_TEST(test_small_cache)
{
	char want[64];

	ck_assert_int_eq(agent_rank(&ag), 0);
	snprintf(want, sizeof(want), "%s", ag.queue);
	mcache_fini(&ag.cls.cache);
	ck_assert_int_eq(mcache_init(&ag.cls.cache, 4), 0);
	ck_assert_uint_lt(ag.cls.cache.tab.max, 10);
	for (int pass = 0; pass < 3; pass++) {
		policy_regexec_calls = 0;
		ck_assert_int_eq(agent_rank(&ag), 0);
		ck_assert_str_eq(ag.queue, want);
		ck_assert_uint_eq(ag.cls.cache.tab.n, ag.cls.cache.tab.max);
		ck_assert_uint_gt(policy_regexec_calls, 0);
		ck_assert_uint_eq(ag.cls.cache.hits + ag.cls.cache.misses,
				  ag.nprocs);
		ck_assert_uint_eq(ag.cls.cache.hits,
				  pass ? ag.cls.cache.tab.max : 0);
	}
	ag.full = 1;
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_str_eq(ag.queue, want);
}
END_TEST

/* Rules on names only, as the shipped ones: no cache, no strcmp(). */
static const char names_conf[] = "[rule builds]\n"
				 "match_comm = ^(make|cc1)$\n"
				 "priority = 200\n"
				 "[rule ssh]\n"
				 "match_comm = ^(sshd|sshd-session)$\n"
				 "action = protect\n"
				 "[rule batch]\n"
				 "match_comm = ^batch$\n"
				 "adjust = -100\n";

static void names_setup(void)
{
	policy_defaults(&ag.policy);
	ck_assert_int_eq(policy_parse_buf(&ag.policy, names_conf,
					  strlen(names_conf)),
			 0);
	ag.policy.session = POLICY_NONE; /* its own tests: classify */
	ck_assert_int_eq(agent_init(&ag, agent_fixture_root(), 64), 0);
	ag.sampler.self = 0;
}

START_TEST(test_names_no_cache)
{
	for (int pass = 0; pass < 2; pass++) {
		policy_regexec_calls = 0;
		ck_assert_int_eq(agent_rank(&ag), 0);
		/* One lookup of comm in the policy's index per process. */
		ck_assert_uint_eq(policy_regexec_calls, 0);
		ck_assert_uint_eq(ag.cls.cache.tab.n, 0);
		ck_assert_uint_eq(ag.cls.cache.hits + ag.cls.cache.misses, 0);
		/* make's group first; batch 1005 * 3 - 100 * 2 before 300. */
		ck_assert_str_eq(ag.queue, "400 800 300 200\n");
	}
}
END_TEST

#ifdef __SANITIZE_ADDRESS__
/* compiler-rt's allocator_interface.h; gcc ships the symbol, not it. */
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *));

static volatile int counting;
static volatile unsigned long allocs;

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	(void)size;
	if (counting)
		allocs++;
}

static void on_free(const volatile void *p)
{
	(void)p;
}

static unsigned long count_allocs(int (*fn)(struct agent *), int want)
{
	static int installed; /* ASan keeps at most 5 hook pairs */
	unsigned long n;
	int ret;

	if (!installed)
		installed = __sanitizer_install_malloc_and_free_hooks(on_malloc,
								      on_free);
	ck_assert_int_ne(installed, 0);
	allocs = 0;
	counting = 1;
	ret = fn(&ag);
	counting = 0;
	/* Check's assertions allocate: count first, assert after. */
	n = allocs;
	ck_assert_int_eq(ret, want);
	return n;
}
#endif

#ifdef __SANITIZE_ADDRESS__
/* What the daemon's pass does: rank, then write the queue. */
static int rank_and_write(struct agent *a)
{
	int ret = agent_rank(a);

	return ret ? ret : agent_write_queue(a);
}
#endif

/*
 * Three passes: the first allocates (regexec()) when @first does, the
 * next two never.  The fixture has no /proc/oom: a pass goes all the
 * way to the open() of it and fails there, as without the module.
 */
static void passes_allocate(bool first)
{
#ifdef __SANITIZE_ADDRESS__
	/* With regexes, this shows that the hooks do see allocations. */
	ck_assert_int_eq(count_allocs(rank_and_write, -ENOENT) > 0, first);
	ck_assert_uint_eq(count_allocs(rank_and_write, -ENOENT), 0);
	ck_assert_uint_eq(count_allocs(rank_and_write, -ENOENT), 0);
#else
	(void)first;
	fputs("agent_pass: malloc not counted without ASan's hooks\n", stderr);
#endif
}

START_TEST(test_second_pass_no_malloc)
{
	passes_allocate(true);
}
END_TEST

/* Name lists: not even the first pass allocates. */
START_TEST(test_names_no_malloc)
{
	passes_allocate(false);
}
END_TEST

static struct mcache mc;

static void mc_setup(void)
{
	ck_assert_int_eq(mcache_init(&mc, 4), 0);
}

static void mc_teardown(void)
{
	mcache_fini(&mc);
}

static struct sample proc(pid_t pid, uint64_t start, int16_t rule)
{
	return (struct sample){ .pid = pid,
				.start_ticks = start,
				.rule = rule };
}

static bool seen(pid_t pid, uint64_t start, uint64_t hash, int16_t rule)
{
	struct sample s = proc(pid, start, SAMPLE_NO_RULE);

	if (!mcache_lookup(&mc, &s, hash))
		return false;
	ck_assert_int_eq(s.rule, rule);
	return true;
}

/* Processes arrive out of pid order; vanished ones are dropped. */
START_TEST(test_cache_evicts)
{
	struct sample a = proc(30, 5, 1), b = proc(10, 6, 2),
		      c = proc(20, 7, 3);

	mcache_begin(&mc);
	mcache_add(&mc, &a, 1);
	mcache_add(&mc, &b, 1);
	mcache_add(&mc, &c, 1);
	mcache_end(&mc);

	mcache_begin(&mc);
	ck_assert(seen(10, 6, 1, 2));
	ck_assert(seen(20, 7, 1, 3));
	ck_assert(seen(30, 5, 1, 1));
	mcache_add(&mc, &a, 1);
	mcache_add(&mc, &b, 1); /* 20 is gone */
	mcache_end(&mc);

	mcache_begin(&mc);
	ck_assert(!seen(20, 7, 1, 3));
	ck_assert(seen(10, 6, 1, 2));
	ck_assert_uint_eq(mc.hits, 1);
	ck_assert_uint_eq(mc.misses, 1);
}
END_TEST

/*
 * A process whose verdict came from vcache.h is kept (mcache_keep()),
 * not dropped as gone: when that verdict expires, its regexes are not
 * run again.  A recycled pid keeps nothing.
 */
START_TEST(test_cache_keep)
{
	struct sample a = proc(30, 5, 1), b = proc(10, 6, 2);

	mcache_begin(&mc);
	mcache_add(&mc, &a, 1);
	mcache_add(&mc, &b, 1);
	mcache_end(&mc);

	mcache_begin(&mc);
	mcache_keep(&mc, &a);
	mcache_keep(&mc, &a);
	b.start_ticks = 9;
	mcache_keep(&mc, &b);
	mcache_end(&mc);
	ck_assert_uint_eq(mc.tab.n, 1);

	mcache_begin(&mc);
	ck_assert(seen(30, 5, 1, 1));
	ck_assert(!seen(10, 6, 1, 2));
}
END_TEST

/*
 * Against a plain list, on a table of 16 slots (12 entries): pids that
 * collide and wrap around the end, passes that keep a random part of
 * the last one's and add new ones, so removals shift runs back.
 */
START_TEST(test_cache_model)
{
	enum { PIDS = 48, PASSES = 400 };
	static struct mcache big;
	bool in[PIDS + 1] = { false }, now[PIDS + 1];
	unsigned int seed = 7;
	size_t n = 0;

	ck_assert_int_eq(mcache_init(&big, 16), 0);
	ck_assert_uint_eq(big.tab.max, 12);
	for (int pass = 0; pass < PASSES; pass++) {
		size_t kept = 0;

		memset(now, 0, sizeof(now));
		mcache_begin(&big);
		for (pid_t p = 1; p <= PIDS; p++) {
			struct sample s = proc(p, 1, (int16_t)(p + pass));

			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 3)
				continue;
			/* The model: there already, or room for it. */
			if (in[p] || n < big.tab.max) {
				now[p] = true;
				n += !in[p];
				in[p] = true;
			}
			mcache_add(&big, &s, 0);
		}
		mcache_end(&big);
		for (pid_t p = 1; p <= PIDS; p++) {
			struct sample s = proc(p, 1, SAMPLE_NO_RULE);

			in[p] = now[p];
			kept += now[p];
			ck_assert_msg(mcache_lookup(&big, &s, 0) == now[p],
				      "pass %d, pid %d", pass, p);
			if (now[p])
				ck_assert_int_eq(s.rule, p + pass);
		}
		n = kept;
		ck_assert_uint_eq(big.tab.n, n);
	}
	mcache_fini(&big);
}
END_TEST

/* A recycled pid, or an exec/rename/setuid (new hash), is a miss. */
START_TEST(test_cache_key)
{
	struct sample a = proc(10, 5, 1);
	struct sample_text t = { .cmdline = "sleep 1" };
	uint64_t h;

	a.uid = 1000;
	strcpy(a.comm, "sleep");
	h = mcache_hash(&a, &t);
	mcache_begin(&mc);
	mcache_add(&mc, &a, h);
	mcache_end(&mc);
	ck_assert(seen(10, 5, h, 1));
	ck_assert(!seen(10, 6, h, 1)); /* same pid, started later */

	strcpy(t.cmdline, "sleep 2");
	ck_assert_uint_ne(mcache_hash(&a, &t), h);
	strcpy(t.cmdline, "sleep 1");
	a.uid = 0;
	ck_assert_uint_ne(mcache_hash(&a, &t), h);
	a.uid = 1000;
	strcpy(a.comm, "sleeq");
	ck_assert_uint_ne(mcache_hash(&a, &t), h);
	strcpy(a.comm, "sleep");
	ck_assert_uint_eq(mcache_hash(&a, &t), h);
}
END_TEST

/*
 * More processes than the table: the rest are simply not remembered
 * (4 slots, 3 used), until a remembered one goes.
 */
START_TEST(test_cache_bounded)
{
	mcache_begin(&mc);
	for (pid_t p = 1; p <= 10; p++) {
		struct sample s = proc(p, 1, (int16_t)p);

		mcache_add(&mc, &s, 0);
	}
	ck_assert_uint_eq(mc.tab.n, 3);
	mcache_end(&mc);
	mcache_begin(&mc);
	ck_assert(seen(3, 1, 0, 3));
	ck_assert(!seen(4, 1, 0, 4));
	/* 1 is gone: its slot is free once this pass ends. */
	for (int pass = 0; pass < 2; pass++) {
		mcache_begin(&mc);
		for (pid_t p = 2; p <= 10; p++) {
			struct sample s = proc(p, 1, (int16_t)p);

			mcache_add(&mc, &s, 0);
		}
		mcache_end(&mc);
	}
	ck_assert(!seen(1, 1, 0, 1));
	ck_assert(seen(2, 1, 0, 2));
	ck_assert(seen(4, 1, 0, 4));
	ck_assert(!seen(5, 1, 0, 5));
}
END_TEST

Suite *agent_pass_suite(void)
{
	Suite *s = suite_create("agent_pass");
	TCase *tc = tcase_create("cache");
	TCase *tp = tcase_create("pass");

	tcase_add_checked_fixture(tc, mc_setup, mc_teardown);
	tcase_add_test(tc, test_cache_evicts);
	tcase_add_test(tc, test_cache_keep);
	tcase_add_test(tc, test_cache_key);
	tcase_add_test(tc, test_cache_bounded);
	tcase_add_test(tc, test_cache_model);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_add_test(tp, test_second_pass_no_regexec);
	tcase_add_test(tp, test_second_pass_no_malloc);
	tcase_add_test(tp, test_small_cache);
	suite_add_tcase(s, tp);
	tp = tcase_create("names");
	tcase_add_checked_fixture(tp, names_setup, teardown);
	tcase_add_test(tp, test_names_no_cache);
	tcase_add_test(tp, test_names_no_malloc);
	suite_add_tcase(s, tp);
	return s;
}
