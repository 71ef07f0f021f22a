// SPDX-License-Identifier: GPL-2.0
/*
 * agent/psi.c: the pressure-file parser on buffers, the kernel's trigger
 * rules, the descriptor path on fixtures (tests/fixtures/pressure, the
 * runner starts in the repository root) and on the real
 * /proc/pressure/memory when this kernel has one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "../../agent/psi.h"

#define FIXTURES "tests/fixtures/pressure/"

struct psi_case {
	const char *text;
	int err;
	double some10, full10;
};

static const struct psi_case psi_cases[] = {
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
	  "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
	  0, 0, 0 },
	{ "some avg10=12.34 avg60=1.00 avg300=0.50 total=99\n"
	  "full avg10=100.00 avg60=1.00 avg300=0.50 total=98",
	  0, 12.34, 100 }, /* no final newline */
	/* cpu on kernels before 5.13 has no full line */
	{ "some avg10=3.10 avg60=0.00 avg300=0.00 total=1\n", 0, 3.1, 0 },
	/* a line from a newer kernel is skipped */
	{ "some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n"
	  "partial avg10=9.00\n",
	  0, 1, 0 },
	{ "", -ENODATA, 0, 0 },
	{ "\n", -ENODATA, 0, 0 },
	{ "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", -ENODATA, 0, 0 },
	{ "some avg10=0.00 avg60=0.00 total=0\n", -EINVAL, 0, 0 },
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=\n", -EINVAL, 0, 0 },
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=1x\n", -EINVAL, 0, 0 },
	{ "some avg10=-1.00 avg60=0.00 avg300=0.00 total=1\n", -EINVAL, 0, 0 },
	{ "some avg10=. avg60=0.00 avg300=0.00 total=1\n", -EINVAL, 0, 0 },
	{ "some  avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", -EINVAL, 0, 0 },
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=1 \n", -EINVAL, 0, 0 },
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 "
	  "total=18446744073709551616\n",
	  -EINVAL, 0, 0 }, /* 2^64 */
	{ "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
	  "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n",
	  -EINVAL, 0, 0 },
	{ "someavg10=0.00 avg60=0.00 avg300=0.00 total=1\n", -EINVAL, 0, 0 },
};

START_TEST(test_parse)
{
	const struct psi_case *c = &psi_cases[_i];
	struct psi_stats st;
	int err = psi_parse_buf(c->text, strlen(c->text), &st);

	ck_assert_msg(err == c->err, "case %d: got %d, want %d", _i, err,
		      c->err);
	if (err)
		return;
	ck_assert_double_eq_tol(st.some.avg10, c->some10, 1e-9);
	ck_assert_double_eq_tol(st.full.avg10, c->full10, 1e-9);
}
END_TEST

START_TEST(test_parse_fields)
{
	static const char text[] =
		"some avg10=12.34 avg60=5.60 avg300=0.07 total=123456789\n"
		"full avg10=1.50 avg60=0.00 avg300=100.00 total=42\n";
	struct psi_stats st;

	/* Not NUL-terminated: stop one byte short of the NUL. */
	ck_assert_int_eq(psi_parse_buf(text, sizeof(text) - 1, &st), 0);
	ck_assert(st.has_full);
	ck_assert_double_eq_tol(st.some.avg60, 5.6, 1e-9);
	ck_assert_double_eq_tol(st.some.avg300, 0.07, 1e-9);
	ck_assert_uint_eq(st.some.total_us, 123456789);
	ck_assert_double_eq_tol(st.full.avg300, 100, 1e-9);
	ck_assert_uint_eq(st.full.total_us, 42);
	/* Cut inside the first line: malformed, not read past the end. */
	ck_assert_int_eq(psi_parse_buf(text, 20, &st), -EINVAL);
}
END_TEST

struct fit_case {
	bool privileged;
	uint32_t threshold_us, window_us; /* asked */
	int err;
	uint32_t want_threshold_us, want_window_us;
};

static const struct fit_case fit_cases[] = {
	{ true, 150000, 1000000, 0, 150000, 1000000 },
	{ false, 150000, 1000000, 0, 300000, 2000000 },
	{ false, 100000, 2000000, 0, 100000, 2000000 },
	{ false, 300000, 3000000, 0, 400000, 4000000 },
	{ true, 10000, 100000, 0, 50000, 500000 }, /* 6.1's minimum */
	{ false, 10000, 100000, 0, 200000, 2000000 },
	{ true, 10000000, 10000000, 0, 10000000, 10000000 },
	{ false, 1, 9000000, 0, 1, 10000000 },
	{ true, 0, 1000000, -EINVAL, 0, 0 },
	{ true, 1000001, 1000000, -EINVAL, 0, 0 },
	{ true, 100000, 10000001, -EINVAL, 0, 0 },
	{ false, 100000, 10000001, -EINVAL, 0, 0 },
};

START_TEST(test_trigger_fit)
{
	const struct fit_case *c = &fit_cases[_i];
	struct psi_trigger t = { PSI_SOME, c->threshold_us, c->window_us };

	ck_assert_int_eq(psi_trigger_fit(&t, c->privileged), c->err);
	if (c->err)
		return;
	ck_assert_uint_eq(t.threshold_us, c->want_threshold_us);
	ck_assert_uint_eq(t.window_us, c->want_window_us);
	/* What the kernel checks in psi_trigger_create(). */
	ck_assert(c->privileged || t.window_us % PSI_WINDOW_UNPRIV_US == 0);
	ck_assert_uint_le(t.window_us, PSI_WINDOW_MAX_US);
	ck_assert_uint_ge(t.threshold_us, 1);
	ck_assert_uint_le(t.threshold_us, t.window_us);
}
END_TEST

START_TEST(test_trigger_format)
{
	struct psi_trigger t = PSI_TRIGGER_DEFAULT;
	char buf[32];

	ck_assert_int_eq(psi_trigger_format(&t, buf, sizeof(buf)), 19);
	ck_assert_str_eq(buf, "some 150000 1000000");
	t.kind = PSI_FULL;
	t.threshold_us = 10000000;
	t.window_us = 10000000;
	/* The longest: 25 bytes and a NUL fit the kernel's 32. */
	ck_assert_int_eq(psi_trigger_format(&t, buf, sizeof(buf)), 22);
	ck_assert_str_eq(buf, "full 10000000 10000000");
	ck_assert_int_eq(psi_trigger_format(&t, buf, 22), -ENOSPC);
}
END_TEST

START_TEST(test_fixture)
{
	struct psi p;
	struct psi_stats st;

	ck_assert_int_eq(psi_open(&p, FIXTURES "memory", NULL), 0);
	/* No trigger, nothing to poll. */
	ck_assert_int_eq(psi_fd(&p), -1);
	ck_assert_int_eq(psi_fired(&p, POLLPRI), 0);
	ck_assert_int_eq(psi_read(&p, &st), 0);
	ck_assert_double_eq_tol(st.some.avg10, 12.34, 1e-9);
	ck_assert_double_eq_tol(st.full.avg10, 1.5, 1e-9);
	/* Read again from the same descriptor: same answer. */
	ck_assert_int_eq(psi_read(&p, &st), 0);
	ck_assert_uint_eq(st.some.total_us, 123456789);
	psi_close(&p);
	ck_assert_int_eq(psi_read(&p, &st), -EBADF);

	ck_assert_int_eq(psi_open(&p, FIXTURES "memory.idle", NULL), 0);
	psi_close(&p);
	ck_assert_int_eq(psi_open(&p, FIXTURES "memory.malformed", NULL),
			 -EINVAL);
	ck_assert_int_eq(psi_fd(&p), -1);
	ck_assert_int_eq(psi_open(&p, FIXTURES "memory.empty", NULL), -ENODATA);
	/* No PSI in this kernel: the caller falls back to /proc/meminfo. */
	ck_assert_int_eq(psi_open(&p, FIXTURES "absent", NULL), -ENOENT);
	ck_assert_int_eq(psi_fired(&p, POLLERR), -ENODEV);
}
END_TEST

START_TEST(test_bad_trigger)
{
	struct psi p;
	struct psi_trigger t = { PSI_SOME, 0, 1000000 };

	/* Refused before anything is opened or written. */
	ck_assert_int_eq(psi_open(&p, FIXTURES "memory", &t), -EINVAL);
	ck_assert_int_eq(psi_fd(&p), -1);
}
END_TEST

START_TEST(test_proc)
{
	struct psi_trigger t = PSI_TRIGGER_DEFAULT;
	bool priv = psi_privileged();
	struct psi_stats st;
	struct pollfd pfd;
	struct psi p, q;
	int err;

	if (access(PSI_PROC_MEMORY, F_OK)) {
		fprintf(stderr, "agent_psi: skipped test_proc: no %s (%s)\n",
			PSI_PROC_MEMORY, strerror(errno));
		return;
	}
	err = psi_open(&p, PSI_PROC_MEMORY, &t);
	if (err == -EOPNOTSUPP) {
		fprintf(stderr, "agent_psi: skipped test_proc: PSI disabled\n");
		return;
	}
	ck_assert_int_eq(err, 0);
	ck_assert_int_ge(psi_fd(&p), 0);
	/* Unprivileged (no CAP_SYS_RESOURCE, even as root): a 2 s window. */
	ck_assert_uint_eq(p.trigger.window_us, priv ? 1000000 : 2000000);
	ck_assert_uint_eq(p.trigger.threshold_us, priv ? 150000 : 300000);
	ck_assert_int_eq(psi_read(&p, &st), 0);
	ck_assert(st.has_full);
	ck_assert(st.some.avg10 >= 0 && st.some.avg10 <= 100);

	/* A trigger the kernel itself refuses: not a 2 s multiple. */
	if (!priv) {
		int fd = open(PSI_PROC_MEMORY, O_RDWR | O_CLOEXEC);
		static const char bad[] = "some 150000 1000000";

		ck_assert_int_ge(fd, 0);
		ck_assert_int_lt(write(fd, bad, sizeof(bad)), 0);
		ck_assert_int_eq(errno, EINVAL);
		close(fd);
	}
	/* A second trigger needs its own descriptor. */
	ck_assert_int_eq(psi_open(&q, PSI_PROC_MEMORY, &t), 0);
	ck_assert_int_ne(psi_fd(&q), psi_fd(&p));
	psi_close(&q);

	/* A poll with a trigger set works; it fires only under pressure. */
	pfd.fd = psi_fd(&p);
	pfd.events = POLLPRI;
	ck_assert_int_ge(poll(&pfd, 1, 0), 0);
	err = psi_fired(&p, pfd.revents);
	ck_assert(err == 0 || err == 1);
	psi_close(&p);
}
END_TEST

Suite *agent_psi_suite(void)
{
	Suite *s = suite_create("agent_psi");
	TCase *tc = tcase_create("psi");

	tcase_add_loop_test(tc, test_parse, 0,
			    sizeof(psi_cases) / sizeof(psi_cases[0]));
	tcase_add_test(tc, test_parse_fields);
	tcase_add_loop_test(tc, test_trigger_fit, 0,
			    sizeof(fit_cases) / sizeof(fit_cases[0]));
	tcase_add_test(tc, test_trigger_format);
	tcase_add_test(tc, test_fixture);
	tcase_add_test(tc, test_bad_trigger);
	tcase_add_test(tc, test_proc);
	suite_add_tcase(s, tc);
	return s;
}
