// SPDX-License-Identifier: GPL-2.0
/*
 * agent/hooks.c: which hook an event runs and with what environment,
 * the timeout that kills the hook's whole process group, the helper
 * fed through its pipe, a full pipe dropping records instead of
 * blocking the daemon, a dead helper, and the [hooks] config keys.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/hooks.h"

static struct policy_hooks cfg(void)
{
	struct policy_hooks h = { .timeout_ms = 5000 };

	return h;
}

static const struct notice victim = { .kind = NOTICE_KILL,
				      .choice = NOTICE_CHOICE_PROACTIVE,
				      .pid = 4242,
				      .uid = 1000,
				      .comm = "chromium",
				      .rss_kb = 1258291,
				      .reason = "memory critical" };

START_TEST(test_which_hook)
{
	ck_assert_int_eq(hooks_for(NOTICE_KILL), POLICY_HOOK_PRE_KILL);
	ck_assert_int_eq(hooks_for(NOTICE_KILLED), POLICY_HOOK_POST_KILL);
	ck_assert_int_eq(hooks_for(NOTICE_OOM_KILL), POLICY_HOOK_POST_KILL);
	ck_assert_int_eq(hooks_for(NOTICE_PAUSE), POLICY_HOOK_PAUSE);
	ck_assert_int_eq(hooks_for(NOTICE_CONTINUE), POLICY_HOOK_CONTINUE);
}
END_TEST

START_TEST(test_record)
{
	struct policy_hooks h = cfg();
	struct hook_record r;

	ck_assert(!hooks_any(&h));
	/* No command for the event: nothing to send. */
	ck_assert(!hooks_record(&h, false, &victim, &r));
	strcpy(h.cmd[POLICY_HOOK_PRE_KILL], "logger killing");
	ck_assert(hooks_any(&h));
	ck_assert(hooks_record(&h, false, &victim, &r));
	ck_assert_str_eq(r.cmd, "logger killing");
	ck_assert_str_eq(r.event, "kill");
	ck_assert_str_eq(r.comm, "chromium");
	ck_assert_str_eq(r.reason, "memory critical");
	ck_assert_str_eq(r.choice, "proactive");
	ck_assert_int_eq(r.pid, 4242);
	ck_assert_uint_eq(r.timeout_ms, 5000);
}
END_TEST

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

START_TEST(test_run_env)
{
	struct policy_hooks h = cfg();
	char out[] = "/tmp/oomq-hook-XXXXXX", buf[512];
	struct hook_result res;
	struct hook_record r;
	int fd = mkstemp(out);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(h.cmd[POLICY_HOOK_PRE_KILL], POLICY_HOOK_LEN,
		 "env | grep ^OOMQ_ | sort >%s; exit 7", out);
	ck_assert(hooks_record(&h, false, &victim, &r));
	ck_assert_int_eq(hooks_run(&r, &res), 0);
	ck_assert(!res.timed_out);
	ck_assert(WIFEXITED(res.status));
	ck_assert_int_eq(WEXITSTATUS(res.status), 7);
	slurp(out, buf, sizeof(buf));
	unlink(out);
	ck_assert_str_eq(buf, "OOMQ_CHOICE=proactive\n"
			      "OOMQ_COMM=chromium\n"
			      "OOMQ_EVENT=kill\n"
			      "OOMQ_PID=4242\n"
			      "OOMQ_REASON=memory critical\n"
			      "OOMQ_RSS_KB=1258291\n"
			      "OOMQ_UID=1000\n");
}
END_TEST

/* A comm is the victim's to choose: never parsed by the shell. */
START_TEST(test_run_comm_not_code)
{
	struct policy_hooks h = cfg();
	struct notice n = victim;
	char out[] = "/tmp/oomq-hook-XXXXXX", buf[64];
	struct hook_result res;
	struct hook_record r;
	int fd = mkstemp(out);

	ck_assert_int_ge(fd, 0);
	close(fd);
	strcpy(n.comm, "$(touch /x);x");
	snprintf(h.cmd[POLICY_HOOK_PRE_KILL], POLICY_HOOK_LEN,
		 "printf %%s \"$OOMQ_COMM\" >%s", out);
	ck_assert(hooks_record(&h, false, &n, &r));
	ck_assert_int_eq(hooks_run(&r, &res), 0);
	slurp(out, buf, sizeof(buf));
	unlink(out);
	ck_assert_str_eq(buf, "$(touch /x);x");
}
END_TEST

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* At the timeout the whole group goes: the shell and what it started. */
START_TEST(test_run_timeout)
{
	struct policy_hooks h = cfg();
	char pidf[] = "/tmp/oomq-hook-XXXXXX", buf[32];
	struct hook_result res;
	struct hook_record r;
	uint64_t start;
	int fd = mkstemp(pidf);
	pid_t child;

	ck_assert_int_ge(fd, 0);
	close(fd);
	h.timeout_ms = 300;
	snprintf(h.cmd[POLICY_HOOK_PRE_KILL], POLICY_HOOK_LEN,
		 "sleep 30 & echo $! >%s; wait", pidf);
	ck_assert(hooks_record(&h, false, &victim, &r));
	start = ms_now();
	ck_assert_int_eq(hooks_run(&r, &res), 0);
	ck_assert(res.timed_out);
	ck_assert_uint_ge(ms_now() - start, 300);
	ck_assert_uint_lt(ms_now() - start, 2000);
	slurp(pidf, buf, sizeof(buf));
	unlink(pidf);
	child = (pid_t)atoi(buf);
	ck_assert_int_gt(child, 0);
	/* Reparented and reaped, or a zombie at most: never running. */
	for (int i = 0; i < 100 && !kill(child, 0); i++) {
		char st[64], path[64];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
		f = fopen(path, "r");
		if (!f)
			break;
		ck_assert_ptr_nonnull(fgets(st, sizeof(st), f));
		fclose(f);
		if (strstr(st, ") Z"))
			break;
		usleep(10000);
		ck_assert_int_lt(i, 99);
	}
}
END_TEST

static bool wait_file(const char *path, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (!access(path, F_OK))
			return true;
		usleep(10000);
	}
	return false;
}

/* Through the helper; a full pipe drops, a dead helper says so. */
START_TEST(test_helper)
{
	struct policy_hooks h = cfg();
	struct hooks hk = { .fd = -1 };
	char dir[] = "/tmp/oomq-hooks-XXXXXX", path[80], cmd[160], buf[32];
	struct notice n = victim;
	int ret = 0, sent = 0;

	signal(SIGPIPE, SIG_IGN); /* as main.c has it */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(hooks_post(&hk, &h, &n), 0); /* nothing to run */
	snprintf(h.cmd[POLICY_HOOK_POST_KILL], POLICY_HOOK_LEN,
		 "touch %s/$OOMQ_EVENT", dir);
	ck_assert_int_eq(hooks_post(&hk, &h,
				    &(struct notice){ .kind = NOTICE_KILLED }),
			 -ENOTCONN);
	ck_assert_int_eq(hooks_start(&hk), 0);
	n.kind = NOTICE_OOM_KILL;
	ck_assert_int_eq(hooks_post(&hk, &h, &n), 0);
	snprintf(path, sizeof(path), "%s/oom_kill", dir);
	ck_assert(wait_file(path, 5000));

	/* A hook that hangs: the daemon's posts never block. */
	snprintf(h.cmd[POLICY_HOOK_PAUSE], POLICY_HOOK_LEN,
		 "echo $$ >%s/hung.tmp; mv %s/hung.tmp %s/hung; exec sleep 60",
		 dir, dir, dir);
	h.timeout_ms = 600000;
	n.kind = NOTICE_PAUSE;
	for (int i = 0; i < 10000 && !ret; i++) {
		ret = hooks_post(&hk, &h, &n);
		sent++;
	}
	ck_assert_int_eq(ret, -EAGAIN);
	ck_assert_uint_eq(hk.dropped, 1);
	ck_assert_int_lt(sent, 1000); /* 64 KiB of records, not more */
	snprintf(path, sizeof(path), "%s/hung", dir);
	ck_assert(wait_file(path, 5000));
	slurp(path, buf, sizeof(buf));

	/* The helper killed: the next post says it is gone. */
	ck_assert_int_eq(kill(hk.helper, SIGKILL), 0);
	ck_assert_int_eq(waitpid(hk.helper, NULL, 0), hk.helper);
	hk.helper = 0;
	ck_assert_int_eq(hooks_post(&hk, &h, &n), -EPIPE);
	ck_assert_int_eq(hk.fd, -1);
	hooks_stop(&hk);
	/* Its hook, left behind in its own process group: ended here. */
	ck_assert_int_gt(atoi(buf), 1);
	ck_assert_int_eq(kill(-atoi(buf), SIGKILL), 0);
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static struct policy pol;

static int parse(const char *text)
{
	return agent_parse_policy(&pol, text);
}

START_TEST(test_config)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert(!hooks_any(&pol.hooks));
	ck_assert_uint_eq(pol.hooks.timeout_ms, 5000);
	ck_assert_int_eq(parse("[hooks]\npre_kill = /usr/local/bin/dump\n"
			       "post_kill = logger -t oom \"$OOMQ_COMM\"\n"
			       "pause = a\ncontinue = b\ntimeout_ms = 200\n"),
			 0);
	ck_assert_str_eq(pol.hooks.cmd[POLICY_HOOK_PRE_KILL],
			 "/usr/local/bin/dump");
	ck_assert_str_eq(pol.hooks.cmd[POLICY_HOOK_POST_KILL],
			 "logger -t oom \"$OOMQ_COMM\"");
	ck_assert_str_eq(pol.hooks.cmd[POLICY_HOOK_CONTINUE], "b");
	ck_assert_uint_eq(pol.hooks.timeout_ms, 200);
	ck_assert_int_eq(parse("[hooks]\npre_kill =\n"), -EINVAL);
	ck_assert_str_eq(
		pol.errors[0].msg,
		"pre_kill: expected a shell command of 1 to 199 bytes");
	ck_assert_int_eq(parse("[hooks]\ntimeout_ms = 50\n"), -EINVAL);
	ck_assert_int_eq(parse("[hooks]\non_kill = x\n"), -EINVAL);
	ck_assert_str_eq(pol.errors[0].msg, "unknown key 'on_kill' in [hooks]");
	ck_assert_int_eq(parse("[hooks]\npause = a\npause = b\n"), -EINVAL);
	ck_assert_int_eq(parse("[hooks]\n[hooks]\n"), -EINVAL);
	policy_free(&pol);
}
END_TEST

Suite *agent_hooks_suite(void)
{
	Suite *s = suite_create("agent_hooks");
	TCase *tc = tcase_create("hooks");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_which_hook);
	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_run_env);
	tcase_add_test(tc, test_run_comm_not_code);
	tcase_add_test(tc, test_run_timeout);
	tcase_add_test(tc, test_helper);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	return s;
}
