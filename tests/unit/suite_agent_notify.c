// SPDX-License-Identifier: GPL-2.0
/*
 * agent/notify.c: the notifications' texts, the rate limit (one per
 * kind per NOTIFY_INTERVAL_MS, the newest held back and shown with a
 * count, stale pauses and continues dropped), which logind sessions are
 * notified, and that notify = on puts a record in the helper's pipe for
 * the kinds it shows even with no hook command; the notify key.
 */
#include <errno.h>
#include <string.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/hooks.h"
#include "../../agent/notify.h"
#include "../../agent/policy.h"

static struct hook_record rec(enum notice_kind kind, const char *comm,
			      pid_t pid, uint64_t rss_kb, unsigned int jobs)
{
	struct notice n = { .kind = kind,
			    .pid = pid,
			    .uid = 1000,
			    .rss_kb = rss_kb,
			    .jobs = jobs,
			    .choice = kind == NOTICE_OOM_KILL ?
					      NOTICE_CHOICE_QUEUE :
					      NOTICE_CHOICE_NONE };
	struct policy_hooks h = { .timeout_ms = 5000 };
	struct hook_record r;

	snprintf(n.comm, sizeof(n.comm), "%s", comm);
	ck_assert(hooks_record(&h, true, &n, &r));
	return r;
}

static void text(const struct hook_record *r, unsigned int more, char *s,
		 char *b)
{
	notify_text(r, more, s, NOTIFY_SUMMARY_LEN, b, NOTIFY_BODY_LEN);
}

START_TEST(test_texts)
{
	char s[NOTIFY_SUMMARY_LEN], b[NOTIFY_BODY_LEN];
	struct hook_record r;

	r = rec(NOTICE_KILL, "chromium", 4242, 1258291, 0);
	text(&r, 0, s, b);
	ck_assert_str_eq(s, "Memory low: killed chromium");
	ck_assert_str_eq(b,
			 "Killed chromium 4242 (1.2 GiB) to prevent a freeze");
	text(&r, 2, s, b);
	ck_assert_str_eq(b, "Killed chromium 4242 (1.2 GiB) to prevent a "
			    "freeze (and 2 more since)");

	r = rec(NOTICE_PAUSE, "make", 77, 512000, 6);
	text(&r, 5, s, b);
	ck_assert_str_eq(s, "Memory low: paused make");
	ck_assert_str_eq(b, "Paused 6 jobs of make to keep the desktop "
			    "responsive; they continue when memory is back");
	r = rec(NOTICE_PAUSE, "make", 77, 512000, 1);
	text(&r, 0, s, b);
	ck_assert_str_eq(b, "Paused 1 job of make to keep the desktop "
			    "responsive; they continue when memory is back");

	r = rec(NOTICE_CONTINUE, "make", 77, 512000, 0);
	r.stopped_ms = 42000;
	text(&r, 0, s, b);
	ck_assert_str_eq(s, "Memory is back: make continues");
	ck_assert_str_eq(b, "Continued make 77 after 42 s paused; no job is "
			    "paused now");
	r.jobs = 2;
	r.stopped_ms = 600000;
	text(&r, 0, s, b);
	ck_assert_str_eq(b, "Continued make 77 after 10 min paused; 2 jobs "
			    "still paused");

	r = rec(NOTICE_OOM_KILL, "cc1plus", 31337, 800, 0);
	text(&r, 0, s, b);
	ck_assert_str_eq(s, "Out of memory: cc1plus was killed");
	ck_assert_str_eq(b, "The kernel killed cc1plus 31337 (800 KiB), "
			    "first in oomq's queue");
}
END_TEST

START_TEST(test_sizes)
{
	char buf[24];

	notify_size(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0 KiB");
	notify_size(1023, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1023 KiB");
	notify_size(348160, buf, sizeof(buf));
	ck_assert_str_eq(buf, "340 MiB");
	notify_size(1048576, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1.0 GiB");
	notify_size(1258291, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1.2 GiB");
}
END_TEST

/* A kill is shown once, at SIGTERM; a hook-less record needs notify. */
START_TEST(test_which_kinds)
{
	struct policy_hooks h = { .timeout_ms = 5000 };
	struct notice n = { .kind = NOTICE_KILLED, .pid = 5 };
	struct hook_record r;

	ck_assert(!hooks_record(&h, true, &n, &r));
	n.kind = NOTICE_KILL;
	ck_assert(!hooks_record(&h, false, &n, &r));
	ck_assert(hooks_record(&h, true, &n, &r));
	ck_assert(r.notify);
	ck_assert_str_eq(r.cmd, "");
	snprintf(h.cmd[POLICY_HOOK_POST_KILL], POLICY_HOOK_LEN, "true");
	n.kind = NOTICE_KILLED;
	ck_assert(hooks_record(&h, true, &n, &r));
	ck_assert(!r.notify);
	ck_assert_str_eq(r.cmd, "true");
}
END_TEST

START_TEST(test_rate_limit)
{
	static struct notify_limit l;
	struct hook_record r, out;
	unsigned int more = 99;
	int wait_ms;

	memset(&l, 0, sizeof(l));
	/* The first pause is shown at once. */
	r = rec(NOTICE_PAUSE, "make", 77, 1000, 1);
	ck_assert(notify_limit_offer(&l, &r, 1000, &more));
	ck_assert_uint_eq(more, 0);
	/* The next five, within the interval, wait: the newest is kept. */
	for (unsigned int j = 2; j <= 6; j++) {
		r = rec(NOTICE_PAUSE, "make", 77, 1000, j);
		ck_assert(!notify_limit_offer(&l, &r, 1000 + j * 100, &more));
	}
	/* A kill is another kind: not held back by the pauses. */
	r = rec(NOTICE_KILL, "chromium", 4242, 1000, 0);
	ck_assert(notify_limit_offer(&l, &r, 2000, &more));
	ck_assert(!notify_limit_due(&l, 2000, &out, &more, &wait_ms));
	ck_assert_int_eq(wait_ms, NOTIFY_INTERVAL_MS - 1000);
	/* Its turn: "Paused 6 jobs", standing for 4 more. */
	ck_assert(notify_limit_due(&l, 1000 + NOTIFY_INTERVAL_MS, &out, &more,
				   &wait_ms));
	ck_assert_uint_eq(out.jobs, 6);
	ck_assert_uint_eq(more, 4);
	ck_assert_int_eq(wait_ms, -1);
	ck_assert(!notify_limit_due(&l, 1000 + 2 * NOTIFY_INTERVAL_MS, &out,
				    &more, &wait_ms));
	/* Shown just now: the next pause waits a whole interval again. */
	r = rec(NOTICE_PAUSE, "make", 77, 1000, 7);
	ck_assert(
		!notify_limit_offer(&l, &r, 2000 + NOTIFY_INTERVAL_MS, &more));
	/* Everything continued: the held pause is stale, and dropped. */
	r = rec(NOTICE_CONTINUE, "make", 77, 1000, 0);
	ck_assert(notify_limit_offer(&l, &r, 3000 + NOTIFY_INTERVAL_MS, &more));
	ck_assert(!notify_limit_due(&l, 1000 + 3 * NOTIFY_INTERVAL_MS, &out,
				    &more, &wait_ms));
	ck_assert_int_eq(wait_ms, -1);
	/* Kills after the interval are shown, with those held meanwhile. */
	r = rec(NOTICE_KILL, "chromium", 4243, 1000, 0);
	ck_assert(!notify_limit_offer(&l, &r, 3000, &more));
	r = rec(NOTICE_KILL, "chromium", 4244, 1000, 0);
	ck_assert(!notify_limit_offer(&l, &r, 4000, &more));
	r = rec(NOTICE_KILL, "chromium", 4245, 1000, 0);
	ck_assert(notify_limit_offer(&l, &r, 2000 + NOTIFY_INTERVAL_MS, &more));
	ck_assert_uint_eq(more, 1);
	ck_assert(!notify_limit_due(&l, 2000 + NOTIFY_INTERVAL_MS, &out, &more,
				    &wait_ms));
	/* Not a kind shown: never. */
	r.kind = NOTICE_KILLED;
	ck_assert(!notify_limit_offer(&l, &r, 1000000, &more));
}
END_TEST

START_TEST(test_pick_users)
{
	const struct notify_session s[] = {
		{ .uid = 1000, .type = "wayland", .active = true },
		{ .uid = 1001, .type = "tty", .active = true },
		{ .uid = 1002, .type = "x11", .active = false },
		{ .uid = 1000, .type = "x11", .active = true },
		{ .uid = 1003, .type = "x11", .active = true },
		{ .uid = 0, .type = "unspecified", .active = true },
	};
	uid_t u[NOTIFY_USERS_MAX];

	ck_assert_int_eq(notify_pick_users(s, 6, u, NOTIFY_USERS_MAX), 2);
	ck_assert_uint_eq(u[0], 1000);
	ck_assert_uint_eq(u[1], 1003);
	ck_assert_int_eq(notify_pick_users(s, 6, u, 1), 1);
	ck_assert_int_eq(notify_pick_users(s, 0, u, NOTIFY_USERS_MAX), 0);
}
END_TEST

/* The real sd-login walk: whatever this machine has, a sane answer. */
START_TEST(test_users_logind)
{
	uid_t u[NOTIFY_USERS_MAX];
	int n = notify_users(u, NOTIFY_USERS_MAX);

	if (!notify_available()) {
		ck_assert_int_eq(n, -ENOTSUP);
		return;
	}
	ck_assert_int_ge(n, 0);
	ck_assert_int_le(n, NOTIFY_USERS_MAX);
}
END_TEST

START_TEST(test_config)
{
	static struct policy pol;

	ck_assert_int_eq(agent_parse_policy(&pol, ""), 0);
	ck_assert_int_eq(pol.notify, 1);
	ck_assert_int_eq(agent_parse_policy(&pol, "[oomqd]\nnotify = off\n"),
			 0);
	ck_assert_int_eq(pol.notify, 0);
	ck_assert_int_eq(agent_parse_policy(&pol, "[oomqd]\nnotify = loud\n"),
			 -EINVAL);
	ck_assert_str_eq(pol.errors[0].msg,
			 "notify: expected on or off, got 'loud'");
	policy_free(&pol);
}
END_TEST

Suite *agent_notify_suite(void)
{
	Suite *s = suite_create("agent_notify");
	TCase *tc = tcase_create("notify");

	tcase_add_test(tc, test_texts);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_which_kinds);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_pick_users);
	tcase_add_test(tc, test_users_logind);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	return s;
}
