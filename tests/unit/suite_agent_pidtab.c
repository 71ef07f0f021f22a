// SPDX-License-Identifier: GPL-2.0
/*
 * agent/pidtab.c, the table under the match and verdict caches, on an
 * entry type of its own: sizes, insert and find, a full table, clear,
 * pids that collide and wrap around the end, removals that shift a run
 * back, and a model of random passes for both homes.
 */
#include <string.h>

#include "../../agent/pidtab.h"
#include "suite_agent.h"
#include "suites.h"

struct ent {
	pid_t pid; /* first, as pidtab.h wants */
	uint32_t val;
};

static struct pidtab tab;

static void teardown(void)
{
	pidtab_fini(&tab);
}

/* @pid claimed and given @val; the table must have room. */
static void put(pid_t pid, uint32_t val)
{
	struct ent *e = pidtab_claim(&tab, pid);

	ck_assert_ptr_nonnull(e);
	e->pid = pid;
	e->val = val;
}

/* @pid's value, or 0 when the table does not hold it. */
static uint32_t get(pid_t pid)
{
	const struct ent *e = pidtab_find(&tab, pid);

	return e->pid == pid ? e->val : 0;
}

/* The slot @pid's entry is in, or -1. */
static int slot_of(pid_t pid)
{
	for (size_t i = 0; i < tab.size; i++)
		if (((struct ent *)pidtab_at(&tab, i))->pid == pid)
			return (int)i;
	return -1;
}

/* pidtab_drop()'s test: an entry whose val is odd is stale. */
static bool odd(const void *e, const void *arg)
{
	(void)arg;
	return ((const struct ent *)e)->val & 1;
}

START_TEST(test_sizes)
{
	static const struct {
		size_t asked, size, max;
	} cases[] = { { 0, 4, 3 }, { 4, 4, 3 }, { 5, 8, 6 }, { 64, 64, 48 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(pidtab_init(&tab, cases[i].asked,
					     sizeof(struct ent),
					     PIDTAB_LOW_BITS),
				 0);
		ck_assert_uint_eq(tab.size, cases[i].size);
		ck_assert_uint_eq(tab.max, cases[i].max);
		ck_assert_uint_eq(tab.n, 0);
		pidtab_fini(&tab);
		ck_assert_ptr_null(tab.slot);
	}
}
END_TEST

/* A pid found where it was put; again, the same entry; absent: free. */
START_TEST(test_insert_find)
{
	struct ent *e;

	ck_assert_int_eq(
		pidtab_init(&tab, 8, sizeof(struct ent), PIDTAB_SPREAD), 0);
	put(100, 1);
	put(4242, 2);
	ck_assert_uint_eq(tab.n, 2);
	ck_assert_uint_eq(get(100), 1);
	ck_assert_uint_eq(get(4242), 2);
	e = pidtab_find(&tab, 7);
	ck_assert_int_eq(e->pid, 0);
	/* Claimed again: its own entry, not counted twice. */
	e = pidtab_claim(&tab, 100);
	ck_assert_int_eq(e->pid, 100);
	ck_assert_ptr_eq(e, pidtab_find(&tab, 100));
	ck_assert_uint_eq(tab.n, 2);
}
END_TEST

/* At max, a new pid gets no slot; those it holds still serve. */
START_TEST(test_full)
{
	ck_assert_int_eq(
		pidtab_init(&tab, 4, sizeof(struct ent), PIDTAB_LOW_BITS), 0);
	put(1, 10);
	put(2, 20);
	put(3, 30);
	ck_assert_ptr_null(pidtab_claim(&tab, 4));
	ck_assert_uint_eq(tab.n, 3);
	ck_assert_ptr_nonnull(pidtab_claim(&tab, 2));
	ck_assert_uint_eq(get(2), 20);
	ck_assert_uint_eq(get(4), 0);
	/* The free slot left still ends every probe. */
	ck_assert_int_eq(((struct ent *)pidtab_find(&tab, 8))->pid, 0);
}
END_TEST

START_TEST(test_clear)
{
	ck_assert_int_eq(
		pidtab_init(&tab, 16, sizeof(struct ent), PIDTAB_SPREAD), 0);
	for (pid_t p = 1; p <= 12; p++)
		put(p, (uint32_t)p);
	ck_assert_ptr_null(pidtab_claim(&tab, 13));
	pidtab_clear(&tab);
	ck_assert_uint_eq(tab.n, 0);
	for (size_t i = 0; i < tab.size; i++)
		ck_assert_int_eq(((struct ent *)pidtab_at(&tab, i))->pid, 0);
	for (pid_t p = 1; p <= 12; p++)
		ck_assert_uint_eq(get(p), 0);
	put(13, 13);
	ck_assert_uint_eq(get(13), 13);
}
END_TEST

/*
 * Low bits, 8 slots: 7, 15 and 23 share home 7 and wrap around the end
 * (7, 0, 1), 1 has its home taken by 23.  Dropping 7 shifts its run
 * back, each entry no further than its home.
 */
START_TEST(test_collisions)
{
	ck_assert_int_eq(
		pidtab_init(&tab, 8, sizeof(struct ent), PIDTAB_LOW_BITS), 0);
	put(7, 1); /* stale: odd */
	put(15, 2);
	put(23, 4);
	put(1, 6);
	ck_assert_int_eq(slot_of(7), 7);
	ck_assert_int_eq(slot_of(15), 0);
	ck_assert_int_eq(slot_of(23), 1);
	ck_assert_int_eq(slot_of(1), 2);
	pidtab_drop(&tab, 3, odd, NULL);
	ck_assert_uint_eq(tab.n, 3);
	ck_assert_int_eq(slot_of(7), -1);
	ck_assert_int_eq(slot_of(15), 7);
	ck_assert_int_eq(slot_of(23), 0);
	ck_assert_int_eq(slot_of(1), 1); /* its home */
	ck_assert_uint_eq(get(15), 2);
	ck_assert_uint_eq(get(23), 4);
	ck_assert_uint_eq(get(1), 6);
	ck_assert_uint_eq(get(7), 0);
}
END_TEST

/* The walk stops once only @keep are left: the caller's count rules. */
START_TEST(test_drop_stops)
{
	ck_assert_int_eq(
		pidtab_init(&tab, 8, sizeof(struct ent), PIDTAB_LOW_BITS), 0);
	put(1, 1);
	put(2, 2);
	put(3, 3);
	pidtab_drop(&tab, 2, odd, NULL);
	ck_assert_uint_eq(tab.n, 2);
	ck_assert_uint_eq(get(1), 0); /* the first in slot order */
	ck_assert_uint_eq(get(3), 3);
	pidtab_drop(&tab, 1, odd, NULL);
	ck_assert_uint_eq(tab.n, 1);
	ck_assert_uint_eq(get(2), 2);
	ck_assert_uint_eq(get(3), 0);
}
END_TEST

/* pidtab_drop()'s test in the model: not put in pass *@arg. */
static bool older(const void *e, const void *arg)
{
	return ((const struct ent *)e)->val != *(const uint32_t *)arg;
}

/*
 * Against a plain list, on 16 slots (12 entries), for both homes: pids
 * that collide (16 apart) and wrap around the end, passes that put a
 * random part of the pids, some there already, and drop the rest, so
 * removals shift runs back.
 */
START_TEST(test_model)
{
	enum { PIDS = 64, PASSES = 300 };
	enum pidtab_home home = _i ? PIDTAB_SPREAD : PIDTAB_LOW_BITS;
	uint32_t in[PIDS + 1] = { 0 }; /* the pass that put it, 0: out */
	unsigned int seed = 11;

	ck_assert_int_eq(pidtab_init(&tab, 16, sizeof(struct ent), home), 0);
	for (uint32_t pass = 1; pass <= PASSES; pass++) {
		size_t keep = 0;

		for (pid_t p = 1; p <= PIDS; p++) {
			bool room = in[p] || tab.n < tab.max;
			struct ent *e;

			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 4)
				continue;
			e = pidtab_claim(&tab, p);
			/* The model: there already, or room for it. */
			ck_assert((e != NULL) == room);
			if (!e)
				continue;
			e->pid = p;
			e->val = pass;
			in[p] = pass;
			keep++;
		}
		pidtab_drop(&tab, keep, older, &pass);
		ck_assert_uint_eq(tab.n, keep);
		for (pid_t p = 1; p <= PIDS; p++) {
			if (in[p] != pass)
				in[p] = 0;
			ck_assert_msg(get(p) == in[p], "pass %u, pid %d", pass,
				      p);
		}
	}
}
END_TEST

Suite *agent_pidtab_suite(void)
{
	Suite *s = suite_create("agent_pidtab");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_insert_find);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_clear);
	tcase_add_test(tc, test_collisions);
	tcase_add_test(tc, test_drop_stops);
	tcase_add_loop_test(tc, test_model, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
