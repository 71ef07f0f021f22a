// SPDX-License-Identifier: GPL-2.0
/*
 * agent/protect.c: oom_score_adj on a scratch file and on our own
 * /proc/self (each test runs in a child of Check's, so the runner is not
 * changed), and mlockall with what this machine allows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "suites.h"
#include "../../agent/protect.h"

/* ASan replaces mlockall() and mallopt() with stubs. */
#ifdef __SANITIZE_ADDRESS__
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

static char scratch[32];

/* A fresh scratch file each time, also with CK_FORK=no. */
static void make_scratch(void)
{
	int fd;

	strcpy(scratch, "/tmp/oomq-protect-XXXXXX");
	fd = mkstemp(scratch);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void put(const char *text)
{
	int fd = open(scratch, O_WRONLY | O_TRUNC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

struct adj_case {
	const char *text;
	int err;
	int adj;
};

static const struct adj_case adj_cases[] = {
	{ "0\n", 0, 0 },	  { "-1000\n", 0, -1000 },
	{ "1000", 0, 1000 },	  { "-1001\n", -EINVAL, 0 },
	{ "1001\n", -EINVAL, 0 }, { "", -EINVAL, 0 },
	{ "12x\n", -EINVAL, 0 },  { "99999999999999999999\n", -EINVAL, 0 },
	{ "5\n6\n", -EINVAL, 0 },
};

START_TEST(test_read_adj)
{
	const struct adj_case *c = &adj_cases[_i];
	int adj = 12345;

	make_scratch();
	put(c->text);
	ck_assert_int_eq(protect_read_oom_score_adj(scratch, &adj), c->err);
	ck_assert_int_eq(adj, c->err ? 12345 : c->adj);
	unlink(scratch);
}
END_TEST

START_TEST(test_write_adj)
{
	int adj;

	make_scratch();
	ck_assert_int_eq(protect_oom_score_adj(scratch, PROTECT_OOM_ADJ_MIN),
			 0);
	ck_assert_int_eq(protect_read_oom_score_adj(scratch, &adj), 0);
	ck_assert_int_eq(adj, -1000);
	unlink(scratch);
	ck_assert_int_eq(protect_oom_score_adj(scratch, 0), -ENOENT);
	ck_assert_int_eq(protect_read_oom_score_adj(scratch, &adj), -ENOENT);
}
END_TEST

START_TEST(test_self)
{
	struct protect_report r;
	int adj, err;

	/* Raising is always allowed. */
	ck_assert_int_eq(protect_oom_score_adj(PROTECT_OOM_SCORE_ADJ, 500), 0);
	ck_assert_int_eq(
		protect_read_oom_score_adj(PROTECT_OOM_SCORE_ADJ, &adj), 0);
	ck_assert_int_eq(adj, 500);

	err = protect_self(&r);
	/* -1000 needs CAP_SYS_RESOURCE, which root may lack. */
	if (!r.oom_adj_err) {
		ck_assert_int_eq(r.oom_adj, -1000);
	} else {
		ck_assert_int_eq(r.oom_adj_err, -EACCES);
		ck_assert_int_eq(r.oom_adj, 500);
		fprintf(stderr, "agent_protect: oom_score_adj -1000 refused "
				"(no CAP_SYS_RESOURCE)\n");
	}
	ck_assert_int_eq(r.heap_err, SANITIZED ? r.heap_err : 0);
	ck_assert(r.mlock_err == 0 || r.mlock_err == -ENOMEM ||
		  r.mlock_err == -EPERM);
	ck_assert_int_eq(err, r.mlock_err ? r.mlock_err : r.oom_adj_err);
	munlockall();
}
END_TEST

/* VmLck from /proc/self/status, KiB. */
static long vm_locked_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

START_TEST(test_mlock)
{
	int err = protect_mlock();

	if (err) {
		ck_assert(err == -ENOMEM || err == -EPERM);
		fprintf(stderr, "agent_protect: mlockall refused: %s\n",
			strerror(-err));
		return;
	}
	if (SANITIZED) {
		/* ASan's mlockall() is a stub that returns 0. */
		fprintf(stderr,
			"agent_protect: VmLck not checked under ASan\n");
		return;
	}
	/* The pages we already touched are locked now. */
	protect_prefault_stack(PROTECT_STACK_BYTES);
	ck_assert_int_gt(vm_locked_kb(), 0);
	ck_assert_int_eq(munlockall(), 0);
	ck_assert_int_eq(vm_locked_kb(), 0);
}
END_TEST

Suite *agent_protect_suite(void)
{
	Suite *s = suite_create("agent_protect");
	TCase *tc = tcase_create("protect");

	tcase_add_loop_test(tc, test_read_adj, 0,
			    sizeof(adj_cases) / sizeof(adj_cases[0]));
	tcase_add_test(tc, test_write_adj);
	tcase_add_test(tc, test_self);
	tcase_add_test(tc, test_mlock);
	suite_add_tcase(s, tc);
	return s;
}
