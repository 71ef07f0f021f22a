// SPDX-License-Identifier: GPL-2.0
/*
 * agent/notice.c and lognote(): the journal fields of each kind of
 * event, exactly as journalctl shows them, and the plain line when
 * stderr is not the journal.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/log.h"
#include "../../agent/notice.h"

static void field_str(const struct notice_fields *f, int i, char *buf,
		      size_t size)
{
	ck_assert_int_lt(i, f->n);
	ck_assert_uint_lt(f->iov[i].iov_len, size);
	memcpy(buf, f->iov[i].iov_base, f->iov[i].iov_len);
	buf[f->iov[i].iov_len] = '\0';
}

/* All of @f, one field a line. */
static void fields_text(const struct notice_fields *f, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < f->n; i++) {
		char one[NOTICE_MESSAGE_LEN];

		field_str(f, i, one, sizeof(one));
		len += snprintf(buf + len, size - len, "%s\n", one);
		ck_assert_uint_lt(len, size);
	}
}

START_TEST(test_oom_kill_fields)
{
	static struct notice_fields f;
	struct notice n = { .kind = NOTICE_OOM_KILL,
			    .choice = NOTICE_CHOICE_QUEUE,
			    .pid = 4242,
			    .uid = 1000,
			    .comm = "chromium",
			    .rss_kb = 1258291,
			    .reason = "from the queue",
			    .scope = "global" };
	char text[2048];

	notice_journal_fields(&n, 4, "OOM kill: pid 4242 (chromium)", &f);
	fields_text(&f, text, sizeof(text));
	ck_assert_str_eq(text, "MESSAGE_ID=f8a18fc55a074c528cf3d08fce59123c\n"
			       "PRIORITY=4\n"
			       "SYSLOG_IDENTIFIER=oomqd\n"
			       "OOMQ_EVENT=oom_kill\n"
			       "OOMQ_VICTIM_PID=4242\n"
			       "OOMQ_VICTIM_COMM=chromium\n"
			       "OOMQ_RSS_KB=1258291\n"
			       "OOMQ_VICTIM_UID=1000\n"
			       "OOMQ_CHOICE=queue\n"
			       "OOMQ_SCOPE=global\n"
			       "OOMQ_REASON=from the queue\n"
			       "MESSAGE=OOM kill: pid 4242 (chromium)\n");
}
END_TEST

START_TEST(test_continue_fields)
{
	static struct notice_fields f;
	struct notice n = { .kind = NOTICE_CONTINUE,
			    .pid = 77,
			    .uid = NOTICE_UID_UNKNOWN,
			    .comm = "make",
			    .rss_kb = 10,
			    .reason = "memory is back",
			    .jobs = 3,
			    .stopped_ms = 1500 };
	char text[2048];

	notice_journal_fields(&n, 5, "pause: SIGCONT", &f);
	fields_text(&f, text, sizeof(text));
	/* No uid known, no choice: those fields are left out. */
	ck_assert_str_eq(text, "MESSAGE_ID=043fb93c149e411ba5a7c7e33dcfc0e7\n"
			       "PRIORITY=5\n"
			       "SYSLOG_IDENTIFIER=oomqd\n"
			       "OOMQ_EVENT=continue\n"
			       "OOMQ_VICTIM_PID=77\n"
			       "OOMQ_VICTIM_COMM=make\n"
			       "OOMQ_RSS_KB=10\n"
			       "OOMQ_REASON=memory is back\n"
			       "OOMQ_JOBS_STOPPED=3\n"
			       "OOMQ_STOPPED_MS=1500\n"
			       "MESSAGE=pause: SIGCONT\n");
}
END_TEST

/* Every kind has its own id, 32 lower-case hex digits, as journald wants. */
START_TEST(test_message_ids)
{
	for (int k = 0; k < NOTICE_NKINDS; k++) {
		const char *id = notice_message_id(k);

		ck_assert_uint_eq(strlen(id), 32);
		ck_assert_uint_eq(strspn(id, "0123456789abcdef"), 32);
		for (int j = 0; j < k; j++)
			ck_assert_str_ne(id, notice_message_id(j));
	}
}
END_TEST

/* A message longer than its buffer is cut, never overflows. */
START_TEST(test_long_message)
{
	static struct notice_fields f;
	struct notice n = { .kind = NOTICE_KILL, .uid = NOTICE_UID_UNKNOWN };
	char msg[2000];

	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	notice_journal_fields(&n, 4, msg, &f);
	ck_assert_uint_eq(f.iov[f.n - 1].iov_len, NOTICE_MESSAGE_LEN - 1);
}
END_TEST

static const struct notice *sunk;
static int nsunk;

static void sink(const struct notice *n, void *arg)
{
	ck_assert_ptr_eq(arg, &nsunk);
	sunk = n;
	nsunk++;
}

/* Not under the journal: the same line logmsg() writes, then the sink. */
START_TEST(test_lognote_plain)
{
	struct notice n = { .kind = NOTICE_PAUSE, .pid = 5 };
	char path[] = "/tmp/oomq-note-XXXXXX", buf[256];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t len;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	log_set_notice_sink(sink, &nsunk);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	lognote(&n, LOG_WARNING, "pause: SIGSTOP to pid %d", 5);
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_set_notice_sink(NULL, NULL);
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	ck_assert_int_gt(len, 0);
	buf[len] = '\0';
	ck_assert_str_eq(buf, "oomqd: pause: SIGSTOP to pid 5\n");
	ck_assert_int_eq(nsunk, 1);
	ck_assert_ptr_eq(sunk, &n);
}
END_TEST

Suite *agent_notice_suite(void)
{
	Suite *s = suite_create("agent_notice");
	TCase *tc = tcase_create("notice");

	tcase_add_test(tc, test_oom_kill_fields);
	tcase_add_test(tc, test_continue_fields);
	tcase_add_test(tc, test_message_ids);
	tcase_add_test(tc, test_long_message);
	tcase_add_test(tc, test_lognote_plain);
	suite_add_tcase(s, tc);
	return s;
}
