// SPDX-License-Identifier: GPL-2.0
/*
 * agent/vcache.c: verdicts kept from one pass from the module's dump to
 * the next, and every way one must be made again: a recycled pid, a
 * process reparented, renamed or setuid, a changed ancestor, age, a
 * process gone, a full table.
 */
#include <string.h>

#include "../../agent/vcache.h"
#include "suite_agent.h"
#include "suites.h"

static struct vcache vc;

static void setup(void)
{
	ck_assert_int_eq(vcache_init(&vc, 64), 0);
}

static void teardown(void)
{
	vcache_fini(&vc);
}

/* A process as the dump shows it. */
static struct sample proc(pid_t pid, pid_t ppid, uint64_t start,
			  const char *comm)
{
	struct sample s = { .pid = pid,
			    .ppid = ppid,
			    .start_ticks = start,
			    .uid = 1000,
			    .euid = 1000,
			    .rule = SAMPLE_NO_RULE };

	strncpy(s.comm, comm, sizeof(s.comm) - 1);
	return s;
}

/* Classified: rule 2, adjust 300, priority 200, the session's. */
static void classified(struct sample *s)
{
	s->rule = 2;
	s->adjust = 300;
	s->priority = 200;
	s->flags |= SAMPLE_SESSION;
	vcache_put(&vc, s);
}

/* @s, fresh from a dump: is its verdict kept? */
static bool kept(struct sample s)
{
	bool hit = vcache_get(&vc, &s);

	if (hit) {
		ck_assert_int_eq(s.rule, 2);
		ck_assert_int_eq(s.adjust, 300);
		ck_assert_uint_eq(s.priority, 200);
		ck_assert(s.flags & SAMPLE_SESSION);
	}
	return hit;
}

START_TEST(test_kept)
{
	struct sample a = proc(100, 1, 500, "make");

	vcache_begin(&vc, 1000);
	ck_assert(!kept(a));
	classified(&a);
	vcache_end(&vc);
	vcache_begin(&vc, 2000);
	a.flags = SAMPLE_NO_MM; /* the dump's flags stay, the verdict's come */
	ck_assert(vcache_get(&vc, &a));
	ck_assert_uint_eq(a.flags, SAMPLE_NO_MM | SAMPLE_SESSION);
	ck_assert_int_eq(a.priority, 200);
	vcache_end(&vc);
	ck_assert_uint_eq(vc.tab.n, 1);
}
END_TEST

/* A recycled pid is another process: no verdict, and it takes the slot. */
START_TEST(test_pid_reused)
{
	struct sample a = proc(100, 1, 500, "make"), b = a;

	vcache_begin(&vc, 1000);
	classified(&a);
	vcache_end(&vc);
	vcache_begin(&vc, 2000);
	b.start_ticks = 900;
	ck_assert(!kept(b));
	b.rule = SAMPLE_NO_RULE;
	b.priority = 100;
	vcache_put(&vc, &b);
	vcache_end(&vc);
	vcache_begin(&vc, 3000);
	ck_assert(!kept(a));
	ck_assert(vcache_get(&vc, &b));
	ck_assert_int_eq(b.priority, 100);
	vcache_end(&vc);
	ck_assert_uint_eq(vc.tab.n, 1);
}
END_TEST

/*
 * Its parent died: reparented to init, it and every process whose
 * lineage went through it (all, for all the cache knows) are made
 * again.
 */
START_TEST(test_reparented)
{
	struct sample sh = proc(200, 100, 600, "sh");
	struct sample cc = proc(201, 200, 700, "cc1");
	struct sample other = proc(300, 1, 50, "editor");

	vcache_begin(&vc, 1000);
	classified(&sh);
	classified(&cc);
	classified(&other);
	vcache_end(&vc);
	vcache_begin(&vc, 2000);
	sh.ppid = 1;
	ck_assert(!kept(sh));
	ck_assert(!kept(cc));
	ck_assert(!kept(other));
	classified(&sh);
	classified(&cc);
	classified(&other);
	vcache_end(&vc);
	vcache_begin(&vc, 3000);
	ck_assert(kept(sh));
	ck_assert(kept(cc));
	ck_assert(kept(other));
	vcache_end(&vc);
}
END_TEST

/* exec (a new comm), setuid: made again, the others too. */
START_TEST(test_changed)
{
	struct sample a = proc(100, 1, 500, "bash");
	struct sample b = proc(101, 100, 510, "sleep");

	vcache_begin(&vc, 1000);
	classified(&a);
	classified(&b);
	vcache_end(&vc);
	vcache_begin(&vc, 2000);
	strcpy(a.comm, "make");
	ck_assert(!kept(a));
	ck_assert(!kept(b));
	classified(&a);
	classified(&b);
	vcache_end(&vc);
	vcache_begin(&vc, 3000);
	b.euid = 0;
	ck_assert(kept(a));
	ck_assert(!kept(b));
	vcache_end(&vc);
}
END_TEST

/* What the dump does not show is read again VCACHE_TTL_MS on. */
START_TEST(test_ttl)
{
	struct sample a = proc(100, 1, 500, "worker");

	vcache_begin(&vc, 1000);
	classified(&a);
	vcache_end(&vc);
	vcache_begin(&vc, 1000 + VCACHE_TTL_MS - 1);
	ck_assert(kept(a));
	vcache_end(&vc);
	vcache_begin(&vc, 1000 + VCACHE_TTL_MS);
	ck_assert(!kept(a));
	classified(&a);
	vcache_end(&vc);
	vcache_begin(&vc, 1000 + VCACHE_TTL_MS + 10);
	ck_assert(kept(a));
	vcache_end(&vc);
}
END_TEST

/* A process not in a dump is gone: forgotten, its pid free again. */
START_TEST(test_gone)
{
	struct sample s[40];

	vcache_begin(&vc, 1000);
	for (int i = 0; i < 40; i++) {
		s[i] = proc(1000 + i * 64, 1, 10 + i, "p");
		classified(&s[i]);
	}
	vcache_end(&vc);
	ck_assert_uint_eq(vc.tab.n, 40);
	vcache_begin(&vc, 2000);
	for (int i = 0; i < 40; i += 2)
		ck_assert(kept(s[i]));
	vcache_end(&vc);
	ck_assert_uint_eq(vc.tab.n, 20);
	vcache_begin(&vc, 3000);
	for (int i = 0; i < 40; i++)
		ck_assert(kept(s[i]) == !(i % 2));
	vcache_end(&vc);
}
END_TEST

/* A full table remembers no more; what it holds still serves. */
START_TEST(test_full)
{
	struct sample s[64];

	vcache_begin(&vc, 1000);
	for (int i = 0; i < 64; i++) {
		s[i] = proc(10 + i, 1, 10, "p");
		classified(&s[i]);
	}
	vcache_end(&vc);
	ck_assert_uint_eq(vc.tab.n, vc.tab.max);
	vcache_begin(&vc, 2000);
	for (int i = 0; i < 64; i++)
		ck_assert(kept(s[i]) == (i < (int)vc.tab.max));
	vcache_end(&vc);
}
END_TEST

/*
 * The driver: asked once per verdict, forgotten with it; a new epoch
 * (a new terminal, vcache_invalidate()) makes every verdict again.
 */
START_TEST(test_driver)
{
	struct sample w = proc(201, 200, 700, "cc1");
	pid_t d = 0;

	vcache_begin(&vc, 1000);
	classified(&w);
	ck_assert(!vcache_get_driver(&vc, &w, &d));
	vcache_put_driver(&vc, &w, 150);
	ck_assert(vcache_get_driver(&vc, &w, &d));
	ck_assert_int_eq(d, 150);
	vcache_end(&vc);
	vcache_begin(&vc, 2000);
	ck_assert(kept(w));
	ck_assert(vcache_get_driver(&vc, &w, &d));
	vcache_invalidate(&vc);
	ck_assert(!vcache_get_driver(&vc, &w, &d));
	vcache_end(&vc);
	vcache_begin(&vc, 3000);
	ck_assert(!kept(w));
	classified(&w);
	ck_assert(!vcache_get_driver(&vc, &w, &d));
	vcache_end(&vc);
	/* Another process on the pid has no driver of the old one's. */
	vcache_begin(&vc, 4000);
	w.start_ticks = 800;
	ck_assert(!vcache_get_driver(&vc, &w, &d));
	vcache_end(&vc);
	vcache_clear(&vc);
	ck_assert_uint_eq(vc.tab.n, 0);
}
END_TEST

Suite *agent_vcache_suite(void)
{
	Suite *s = suite_create("agent_vcache");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kept);
	tcase_add_test(tc, test_pid_reused);
	tcase_add_test(tc, test_reparented);
	tcase_add_test(tc, test_changed);
	tcase_add_test(tc, test_ttl);
	tcase_add_test(tc, test_gone);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_driver);
	suite_add_tcase(s, tc);
	return s;
}
