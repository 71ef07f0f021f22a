// SPDX-License-Identifier: GPL-2.0
/*
 * The module's event ring (module/events.c) on the host, built against
 * tests/unit/kshim's few kernel headers: what reaches the netlink reader
 * when nobody drains for a while.  Each test runs in a fork of its own
 * (check's default), so every test starts with an empty ring.
 */
#include <check.h>
#include <stdlib.h>

#include "../../module/events.c"

#define RING 32 /* OOMQ_EVENT_RING_SIZE */

static struct work_struct drain;

static void post_kill(pid_t pid)
{
	struct oomq_kill kill = {
		.choice = OOMQ_CHOICE_QUEUE,
		.has_victim = true,
		.victim = { .pid = pid },
	};

	oomq_events_kill(&kill);
}

static struct oomq_event take(void)
{
	struct oomq_event event;

	ck_assert(oomq_events_take(&event));
	return event;
}

static void assert_kill(pid_t pid)
{
	struct oomq_event event = take();

	ck_assert_int_eq(event.type, OOMQ_EVENT_KILL);
	ck_assert_int_eq(event.kill.victim.pid, pid);
}

static void assert_queue_set(unsigned int len)
{
	struct oomq_event event = take();

	ck_assert_int_eq(event.type, OOMQ_EVENT_QUEUE_SET);
	ck_assert_uint_eq(event.queue_len, len);
}

static void assert_empty(void)
{
	struct oomq_event event;

	ck_assert(!oomq_events_take(&event));
}

/* The review's case: a writer rewrites the queue after every kill. */
START_TEST(test_queue_writes_never_crowd_out_kills)
{
	int i;

	oomq_events_open(&drain);
	for (i = 1; i <= RING - 1; i++) {
		oomq_events_queue_set(i);
		post_kill(100 + i);
	}
	oomq_events_queue_set(RING);
	for (i = 1; i <= RING - 1; i++)
		assert_kill(100 + i);
	assert_queue_set(RING);
	assert_empty();
	ck_assert_uint_eq(oomq_events_lost(), 0);
	ck_assert_uint_ge(drain.scheduled, 2 * (RING - 1));
}
END_TEST

/* The latest queue is told after the events that came before it. */
START_TEST(test_queue_set_keeps_its_place_after_kills)
{
	oomq_events_open(&drain);
	post_kill(1);
	oomq_events_queue_set(3);
	post_kill(2);
	assert_kill(1);
	assert_queue_set(3);
	oomq_events_queue_set(4);
	post_kill(5);
	oomq_events_queue_set(2);
	assert_kill(2);
	assert_kill(5);
	assert_queue_set(2);
	assert_empty();
}
END_TEST

START_TEST(test_burst_of_queue_writes_is_one)
{
	unsigned int i;

	oomq_events_open(&drain);
	for (i = 0; i < 10 * RING; i++)
		oomq_events_queue_set(i);
	assert_queue_set(10 * RING - 1);
	assert_empty();
	ck_assert_uint_eq(oomq_events_lost(), 0);
}
END_TEST

/* A full ring drops the newest and says how many, once. */
START_TEST(test_full_ring_reports_lost)
{
	struct oomq_event event;
	int i;

	oomq_events_open(&drain);
	for (i = 0; i < RING + 8; i++)
		post_kill(i + 1);
	oomq_events_queue_set(7); /* no room either */
	for (i = 0; i < RING; i++)
		assert_kill(i + 1);
	event = take();
	ck_assert_int_eq(event.type, OOMQ_EVENT_LOST);
	ck_assert_uint_eq(event.lost, 9);
	assert_empty();
	ck_assert_uint_eq(oomq_events_lost(), 9);
}
END_TEST

/* A message that could not be built counts as lost; a LOST one is kept. */
START_TEST(test_drop_counts_and_keeps_lost)
{
	struct oomq_event event;

	oomq_events_open(&drain);
	post_kill(1);
	event = take();
	oomq_events_drop(&event);
	event = take();
	ck_assert_int_eq(event.type, OOMQ_EVENT_LOST);
	ck_assert_uint_eq(event.lost, 1);
	oomq_events_drop(&event);
	event = take();
	ck_assert_int_eq(event.type, OOMQ_EVENT_LOST);
	ck_assert_uint_eq(event.lost, 1);
	assert_empty();
	ck_assert_uint_eq(oomq_events_lost(), 1);
}
END_TEST

START_TEST(test_nobody_reads)
{
	post_kill(1);
	oomq_events_queue_set(1);
	assert_empty();
	ck_assert_uint_eq(oomq_events_lost(), 0);
	oomq_events_open(&drain);
	oomq_events_close();
	post_kill(2);
	assert_empty();
	ck_assert_uint_eq(drain.scheduled, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("module_events");
	TCase *tc = tcase_create("ring");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_queue_writes_never_crowd_out_kills);
	tcase_add_test(tc, test_queue_set_keeps_its_place_after_kills);
	tcase_add_test(tc, test_burst_of_queue_writes_is_one);
	tcase_add_test(tc, test_full_ring_reports_lost);
	tcase_add_test(tc, test_drop_counts_and_keeps_lost);
	tcase_add_test(tc, test_nobody_reads);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
