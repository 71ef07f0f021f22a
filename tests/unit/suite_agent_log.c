// SPDX-License-Identifier: GPL-2.0
/*
 * agent/log.c: the journal's "<N>" prefixes only when stderr is the
 * stream JOURNAL_STREAM names, and a message that comes back every pass
 * logged at most once per LOG_LIMIT_MS, counting the rest.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/log.h"

/* "dev:inode" of @fd, as systemd writes JOURNAL_STREAM. */
static void stream_of(int fd, char *buf, size_t size)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(buf, size, "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
}

START_TEST(test_journal_stream)
{
	char mine[64], other[64], bad[80];
	int fds[2], fd = open("/dev/null", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pipe(fds), 0);
	stream_of(fd, mine, sizeof(mine));
	stream_of(fds[1], other, sizeof(other));
	ck_assert(log_is_journal(mine, fd));
	/* Set by systemd, but stderr is now a pipe a shell put there. */
	ck_assert(!log_is_journal(other, fd));
	ck_assert(!log_is_journal(NULL, fd));
	ck_assert(!log_is_journal("", fd));
	ck_assert(!log_is_journal("1", fd));
	snprintf(bad, sizeof(bad), "%sx", mine);
	ck_assert(!log_is_journal(bad, fd));
	ck_assert(!log_is_journal(mine, -1));
	close(fd);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_limit)
{
	struct log_limit l = { 0 };
	unsigned int missed = 99;

	ck_assert(log_limit_pass(&l, 0, &missed));
	ck_assert_uint_eq(missed, 0);
	for (uint64_t t = 500; t < LOG_LIMIT_MS; t += 500)
		ck_assert(!log_limit_pass(&l, t, &missed));
	ck_assert(log_limit_pass(&l, LOG_LIMIT_MS, &missed));
	ck_assert_uint_eq(missed, 19);
	ck_assert(!log_limit_pass(&l, LOG_LIMIT_MS + 1, &missed));
	ck_assert(log_limit_pass(&l, 5 * LOG_LIMIT_MS, &missed));
	ck_assert_uint_eq(missed, 1);
}
END_TEST

/* What logmsg_limited() writes to stderr: the first, then the count. */
START_TEST(test_limited_lines)
{
	struct log_limit l = { 0 };
	char path[] = "/tmp/oomq-log-XXXXXX", buf[512];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	for (int i = 0; i < 20; i++)
		logmsg_limited(&l, (uint64_t)i * 1000, LOG_ERR, "failed %d", i);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "oomqd: failed 0\n"
			      "oomqd: failed 10 (9 more like it left out)\n");
}
END_TEST

Suite *agent_log_suite(void)
{
	Suite *s = suite_create("agent_log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, test_journal_stream);
	tcase_add_test(tc, test_limit);
	tcase_add_test(tc, test_limited_lines);
	suite_add_tcase(s, tc);
	return s;
}
