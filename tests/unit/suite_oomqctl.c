// SPDX-License-Identifier: GPL-2.0
/*
 * oomqctl without a kernel: its command line (tools/args.c) and its
 * messages (tools/msg.c), fed netlink messages built here the way the
 * module would send them, and some the module must never send.
 */
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "suites.h"
#include "../../tools/oomqctl.h"
#include "oomq_tasks.h"
#include "../common/proc_oom_cases.h"

#define FAMILY 0x1234 /* any id: nothing is sent */

/* ---- command line ---- */

static struct args args;
static char why[256];

/* Parse a NULL-terminated argv after "oomqctl". */
static int run_args(const char *const *list)
{
	char *argv[16] = { "oomqctl" };
	int argc = 1;

	while (*list) {
		ck_assert_int_lt(argc, 15);
		argv[argc++] = (char *)*list++;
	}
	why[0] = '\0';
	return args_parse(argc, argv, &args, why, sizeof(why));
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct bad_args {
	const char *const *argv;
	const char *why; /* a part of the message */
};

static const struct bad_args bad_args[] = {
	{ ARGS("bogus"), "unknown command 'bogus'" },
	{ ARGS("status", "x"), "status takes no arguments" },
	{ ARGS("events", "--count"), "--count needs a number" },
	{ ARGS("events", "--count", "0"), "above 0" },
	{ ARGS("events", "--count", "-1"), "above 0" },
	{ ARGS("events", "--timeout", "1s"), "above 0" },
	{ ARGS("events", "--follow"), "unknown option '--follow'" },
	{ ARGS("set-queue", "0"), "'0' is not a PID list" },
	{ ARGS("set-queue", "1", "12x"), "'12x' is not a PID list" },
	{ ARGS("set-queue", "4194305"), "'4194305' is not a PID list" },
	{ ARGS("set-queue", "007"), "'007' is not a PID list" },
	{ ARGS("set-queue", "1;2"), "'1;2' is not a PID list" },
	{ ARGS("set-queue", "--raw", "-1"), "'-1' is not a u32" },
	{ ARGS("set-queue", "--raw", "4294967296"), "not a u32" },
	{ ARGS("set-queue", "--raw", ""), "'' is not a u32" },
	{ ARGS("set-queue", "1", "--raw"), "'--raw' is not a PID list" },
	{ ARGS("set-config"), "nothing to set" },
	{ ARGS("set-config", "ttl_ms="), "want ms" },
	{ ARGS("set-config", "ttl_ms=-5"), "want ms" },
	{ ARGS("set-config", "ttl_ms=4294967296"), "want ms" },
	{ ARGS("set-config", "ttl_ms=1", "ttl_ms=2"), "ttl_ms given twice" },
	{ ARGS("set-config", "mode=fast"), "want badness, origin or auto" },
	{ ARGS("set-config", "mode=auto", "mode=auto"), "mode given twice" },
	{ ARGS("set-config", "ttl=5"), "unknown setting 'ttl=5'" },
};

START_TEST(test_args_bad)
{
	const struct bad_args *c = &bad_args[_i];

	ck_assert_int_eq(run_args(c->argv), -EINVAL);
	ck_assert_msg(strstr(why, c->why), "got \"%s\", want \"%s\"", why,
		      c->why);
}
END_TEST

START_TEST(test_args_no_command)
{
	char *argv[] = { "oomqctl", NULL };

	ck_assert_int_eq(args_parse(1, argv, &args, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "no command");
}
END_TEST

START_TEST(test_args_commands)
{
	ck_assert_int_eq(run_args(ARGS("--help")), 0);
	ck_assert_int_eq(args.cmd, CMD_HELP);
	ck_assert_int_eq(run_args(ARGS("status")), 0);
	ck_assert_int_eq(args.cmd, CMD_STATUS);

	ck_assert_int_eq(run_args(ARGS("tasks")), 0);
	ck_assert_int_eq(args.cmd, CMD_TASKS);
	ck_assert_int_eq(run_args(ARGS("tasks", "1")), -EINVAL);

	ck_assert_int_eq(run_args(ARGS("events")), 0);
	ck_assert_int_eq(args.cmd, CMD_EVENTS);
	ck_assert_uint_eq(args.count, 0);
	ck_assert_uint_eq(args.timeout_s, 0);
	ck_assert_int_eq(
		run_args(ARGS("events", "--timeout", "5", "--count", "3")), 0);
	ck_assert_uint_eq(args.count, 3);
	ck_assert_uint_eq(args.timeout_s, 5);
}
END_TEST

START_TEST(test_args_set_queue)
{
	/* No PIDs: clear the queue. */
	ck_assert_int_eq(run_args(ARGS("set-queue")), 0);
	ck_assert_int_eq(args.cmd, CMD_SET_QUEUE);
	ck_assert_uint_eq(args.npids, 0);

	/* The /proc/oom grammar, several PIDs to an argument allowed. */
	ck_assert_int_eq(run_args(ARGS("set-queue", "11", "22,33", " 44\n", "",
				       "4194304")),
			 0);
	ck_assert_uint_eq(args.npids, 5);
	ck_assert_uint_eq(args.pids[0], 11);
	ck_assert_uint_eq(args.pids[1], 22);
	ck_assert_uint_eq(args.pids[2], 33);
	ck_assert_uint_eq(args.pids[3], 44);
	ck_assert_uint_eq(args.pids[4], OOMQ_PID_MAX);

	/* --raw: anything a u32 holds, for the kernel to refuse. */
	ck_assert_int_eq(
		run_args(ARGS("set-queue", "--raw", "0", "007", "4294967295")),
		0);
	ck_assert_uint_eq(args.npids, 3);
	ck_assert_uint_eq(args.pids[0], 0);
	ck_assert_uint_eq(args.pids[1], 7);
	ck_assert_uint_eq(args.pids[2], 4294967295u);
}
END_TEST

/* OOMQ_QUEUE_MAX PIDs pass, one more is refused before sending. */
START_TEST(test_args_set_queue_max)
{
	static char list[OOMQ_QUEUE_MAX * 8 + 16];
	size_t len;

	len = proc_oom_gen_list(list, sizeof(list) - 1, OOMQ_QUEUE_MAX, 1, ' ');
	ck_assert_uint_gt(len, 0);
	list[len] = '\0';
	ck_assert_int_eq(run_args(ARGS("set-queue", list)), 0);
	ck_assert_uint_eq(args.npids, OOMQ_QUEUE_MAX);
	ck_assert_uint_eq(args.pids[OOMQ_QUEUE_MAX - 1], OOMQ_QUEUE_MAX);

	ck_assert_int_eq(run_args(ARGS("set-queue", list, "9")), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "more than 4096 PIDs"));
	ck_assert_int_eq(run_args(ARGS("set-queue", "9", list)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "more than 4096 PIDs"));
}
END_TEST

START_TEST(test_args_set_config)
{
	ck_assert_int_eq(run_args(ARGS("set-config", "ttl_ms=0")), 0);
	ck_assert_int_eq(args.cmd, CMD_SET_CONFIG);
	ck_assert(args.has_ttl && !args.has_mode);
	ck_assert_uint_eq(args.ttl_ms, 0);

	ck_assert_int_eq(run_args(ARGS("set-config", "mode=origin",
				       "ttl_ms=4294967295")),
			 0);
	ck_assert(args.has_ttl && args.has_mode);
	ck_assert_uint_eq(args.ttl_ms, 4294967295u);
	ck_assert_uint_eq(args.mode, OOMQ_MODE_ORIGIN);

	ck_assert_int_eq(run_args(ARGS("set-config", "mode=badness")), 0);
	ck_assert_uint_eq(args.mode, OOMQ_MODE_BADNESS);
	ck_assert_int_eq(run_args(ARGS("set-config", "mode=auto")), 0);
	ck_assert_uint_eq(args.mode, OOMQ_MODE_AUTO);
	/* A number goes to the kernel unchecked. */
	ck_assert_int_eq(run_args(ARGS("set-config", "mode=3")), 0);
	ck_assert_uint_eq(args.mode, 3);
}
END_TEST

START_TEST(test_args_u32)
{
	__u32 v = 7;

	ck_assert_int_eq(args_parse_u32("", &v), -EINVAL);
	ck_assert_int_eq(args_parse_u32("+1", &v), -EINVAL);
	ck_assert_int_eq(args_parse_u32(" 1", &v), -EINVAL);
	ck_assert_int_eq(args_parse_u32("1 ", &v), -EINVAL);
	ck_assert_int_eq(args_parse_u32("0x1", &v), -EINVAL);
	ck_assert_int_eq(args_parse_u32("4294967296", &v), -ERANGE);
	ck_assert_int_eq(args_parse_u32("99999999999999999999999", &v),
			 -ERANGE);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(args_parse_u32("4294967295", &v), 0);
	ck_assert_uint_eq(v, 4294967295u);
	ck_assert_int_eq(args_parse_u32("0012", &v), 0);
	ck_assert_uint_eq(v, 12);
}
END_TEST

/* ---- messages ---- */

static struct nl_msg *new_msg(__u8 cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(32768);

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(
		genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd, OOMQ_GENL_VERSION));
	return msg;
}

/* Run @print on @msg, free it, and return what it printed. */
static char *print(int (*fn)(FILE *, struct nlmsghdr *), struct nl_msg *msg,
		   int *ret)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(out);
	*ret = fn(out, nlmsg_hdr(msg));
	ck_assert_int_eq(fclose(out), 0);
	nlmsg_free(msg);
	return text;
}

static void expect_print(int (*fn)(FILE *, struct nlmsghdr *),
			 struct nl_msg *msg, int want_ret, const char *want)
{
	int ret;
	char *text = print(fn, msg, &ret);

	ck_assert_int_eq(ret, want_ret);
	ck_assert_str_eq(text, want);
	free(text);
}

static void put_counters(struct nl_msg *msg)
{
	struct nlattr *nest = nla_nest_start(msg, OOMQ_A_COUNTERS);

	ck_assert_ptr_nonnull(nest);
	for (int c = OOMQ_C_OOMS; c <= OOMQ_C_MAX; c++)
		ck_assert_int_eq(nla_put_u64(msg, c, 100 + c), 0);
	/* A counter from a newer module: skipped. */
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_C_MAX + 1, 1), 0);
	nla_nest_end(msg, nest);
}

START_TEST(test_status_full)
{
	static const __u32 queue[] = { 11, 22, 33 };
	struct nl_msg *msg = new_msg(OOMQ_CMD_GET_STATUS);

	ck_assert_int_eq(nla_put(msg, OOMQ_A_QUEUE, sizeof(queue), queue), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 4), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_QUEUE_AGE_MS, 1ull << 40), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_TTL_MS, 5000), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_MODE, OOMQ_MODE_AUTO), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_MODE_ACTIVE, OOMQ_MODE_ORIGIN),
			 0);
	/* An attribute from a newer module: skipped. */
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_MAX + 1, 9), 0);
	put_counters(msg);
	expect_print(msg_print_status, msg, 0,
		     "queue=11,22,33\n"
		     "queue_len=4\n"
		     "queue_age_ms=1099511627776\n"
		     "ttl_ms=5000\n"
		     "mode=auto\n"
		     "mode_active=origin\n"
		     "ooms=102\n"
		     "kills=103\n"
		     "steered=104\n"
		     "fallback=105\n"
		     "stale=106\n"
		     "probe_misses=107\n"
		     "kprobe_missed=108\n"
		     "events_lost=109\n");
}
END_TEST

/* Never set: empty queue, no age; a mode this oomqctl has no name for. */
START_TEST(test_status_empty)
{
	struct nl_msg *msg = new_msg(OOMQ_CMD_GET_STATUS);

	ck_assert_int_eq(nla_put(msg, OOMQ_A_QUEUE, 0, NULL), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 0), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_TTL_MS, 0), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_MODE, 7), 0);
	expect_print(msg_print_status, msg, 0,
		     "queue=\nqueue_len=0\nttl_ms=0\nmode=7\n");
}
END_TEST

/* Attributes of the wrong size are refused and nothing is printed. */
START_TEST(test_status_malformed)
{
	static const __u32 two[2] = { 1, 2 };
	static const char six[6] = { 0 };
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = new_msg(OOMQ_CMD_GET_STATUS);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_TTL_MS, 1), 0);
	ck_assert_int_eq(nla_put(msg, OOMQ_A_QUEUE_LEN, sizeof(two), two), 0);
	expect_print(msg_print_status, msg, -EBADMSG, "");

	msg = new_msg(OOMQ_CMD_GET_STATUS);
	ck_assert_int_eq(nla_put(msg, OOMQ_A_QUEUE_AGE_MS, 4, two), 0);
	expect_print(msg_print_status, msg, -EBADMSG, "");

	msg = new_msg(OOMQ_CMD_GET_STATUS);
	ck_assert_int_eq(nla_put(msg, OOMQ_A_QUEUE, sizeof(six), six), 0);
	expect_print(msg_print_status, msg, -EBADMSG, "");

	msg = new_msg(OOMQ_CMD_GET_STATUS);
	nest = nla_nest_start(msg, OOMQ_A_COUNTERS);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_C_OOMS, 1), 0);
	nla_nest_end(msg, nest);
	expect_print(msg_print_status, msg, -EBADMSG, "");
}
END_TEST

static struct nl_msg *new_event(__u32 type)
{
	struct nl_msg *msg = new_msg(OOMQ_CMD_EVENT);

	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_EVENT_TYPE, type), 0);
	return msg;
}

START_TEST(test_event_kill)
{
	struct nl_msg *msg = new_event(OOMQ_EVENT_KILL);

	/* Not in the order they print. */
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_QUEUE_AGE_MS, 40), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_CHOICE, OOMQ_CHOICE_QUEUE), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_SCOPE, OOMQ_SCOPE_GLOBAL), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_VICTIM_PID, 123), 0);
	ck_assert_int_eq(nla_put_string(msg, OOMQ_A_VICTIM_COMM, "holder"), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_VICTIM_UID, 0), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_VICTIM_RSS_KB, 1234), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_VICTIM_SWAP_KB, 0), 0);
	ck_assert_int_eq(nla_put_s32(msg, OOMQ_A_VICTIM_OOM_SCORE_ADJ, 0), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_INDEX, 0), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 3), 0);
	expect_print(msg_print_event, msg, 0,
		     "event=kill choice=queue scope=global pid=123 "
		     "comm=holder uid=0 rss_kb=1234 swap_kb=0 adj=0 index=0 "
		     "queue_len=3 age_ms=40\n");
}
END_TEST

START_TEST(test_event_kill_memcg)
{
	struct nl_msg *msg = new_event(OOMQ_EVENT_KILL);

	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_CHOICE, OOMQ_CHOICE_STALE), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_SCOPE, OOMQ_SCOPE_MEMCG), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_CGROUP_ID, 4242), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_VICTIM_PID, 99), 0);
	ck_assert_int_eq(nla_put_s32(msg, OOMQ_A_VICTIM_OOM_SCORE_ADJ, -999),
			 0);
	expect_print(msg_print_event, msg, 0,
		     "event=kill choice=stale scope=memcg cgroup_id=4242 "
		     "pid=99 adj=-999\n");
}
END_TEST

START_TEST(test_event_others)
{
	struct nl_msg *msg;

	msg = new_event(OOMQ_EVENT_QUEUE_SET);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 3), 0);
	expect_print(msg_print_event, msg, 0, "event=queue_set queue_len=3\n");

	msg = new_event(OOMQ_EVENT_PROBE_MISS);
	ck_assert_int_eq(
		nla_put_u32(msg, OOMQ_A_MODE_ACTIVE, OOMQ_MODE_BADNESS), 0);
	expect_print(msg_print_event, msg, 0,
		     "event=probe_miss mode_active=badness\n");

	msg = new_event(OOMQ_EVENT_LOST);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_LOST, 17), 0);
	expect_print(msg_print_event, msg, 0, "event=lost lost=17\n");

	/* Types and choices from a newer module print as numbers. */
	msg = new_event(99);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_CHOICE, 42), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_MAX + 3, 42), 0);
	expect_print(msg_print_event, msg, 0, "event=99 choice=42\n");
}
END_TEST

/* One event stays one line of words whatever the task called itself. */
START_TEST(test_event_comm_escaped)
{
	struct nl_msg *msg = new_event(OOMQ_EVENT_KILL);

	ck_assert_int_eq(nla_put_string(msg, OOMQ_A_VICTIM_COMM,
					"a b\n\\c=\x7f\xc3\xa9"),
			 0);
	expect_print(msg_print_event, msg, 0,
		     "event=kill comm=a\\x20b\\x0a\\x5cc=\\x7f\\xc3\\xa9\n");
}
END_TEST

START_TEST(test_event_malformed)
{
	static const char no_nul[4] = { 'a', 'b', 'c', 'd' };
	struct nl_msg *msg;

	/* No type. */
	msg = new_msg(OOMQ_CMD_EVENT);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_VICTIM_PID, 1), 0);
	expect_print(msg_print_event, msg, -EBADMSG, "");

	/* A comm without its NUL, and one longer than TASK_COMM_LEN. */
	msg = new_event(OOMQ_EVENT_KILL);
	ck_assert_int_eq(
		nla_put(msg, OOMQ_A_VICTIM_COMM, sizeof(no_nul), no_nul), 0);
	expect_print(msg_print_event, msg, -EBADMSG, "");
	msg = new_event(OOMQ_EVENT_KILL);
	ck_assert_int_eq(
		nla_put_string(msg, OOMQ_A_VICTIM_COMM, "sixteen-letters!"), 0);
	expect_print(msg_print_event, msg, -EBADMSG, "");

	/* A short PID. */
	msg = new_event(OOMQ_EVENT_KILL);
	ck_assert_int_eq(nla_put_u16(msg, OOMQ_A_VICTIM_PID, 1), 0);
	expect_print(msg_print_event, msg, -EBADMSG, "");

	/* Not an event at all: skipped quietly. */
	msg = new_msg(OOMQ_CMD_GET_STATUS);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_EVENT_TYPE, 1), 0);
	expect_print(msg_print_event, msg, -ENOMSG, "");
}
END_TEST

/* Requests carry what the UAPI says, and nothing else. */
START_TEST(test_request_set_queue)
{
	static __u32 pids[ARGS_PIDS_MAX];
	struct nlattr *tb[OOMQ_A_MAX + 1];
	struct nl_msg *msg;
	struct nlmsghdr *nlh;

	for (unsigned int i = 0; i < ARGS_PIDS_MAX; i++)
		pids[i] = i + 1;
	msg = msg_set_queue(FAMILY, pids, ARGS_PIDS_MAX);
	ck_assert_ptr_nonnull(msg);
	nlh = nlmsg_hdr(msg);
	ck_assert_uint_eq(nlh->nlmsg_type, FAMILY);
	ck_assert_uint_eq(genlmsg_hdr(nlh)->cmd, OOMQ_CMD_SET_QUEUE);
	ck_assert_uint_eq(genlmsg_hdr(nlh)->version, OOMQ_GENL_VERSION);
	ck_assert_int_eq(genlmsg_parse(nlh, 0, tb, OOMQ_A_MAX, NULL), 0);
	ck_assert_ptr_nonnull(tb[OOMQ_A_QUEUE]);
	ck_assert_int_eq(nla_len(tb[OOMQ_A_QUEUE]), sizeof(pids));
	ck_assert_mem_eq(nla_data(tb[OOMQ_A_QUEUE]), pids, sizeof(pids));
	for (int a = 0; a <= OOMQ_A_MAX; a++)
		ck_assert(a == OOMQ_A_QUEUE || !tb[a]);
	nlmsg_free(msg);

	/* Clearing sends the attribute empty, not absent. */
	msg = msg_set_queue(FAMILY, pids, 0);
	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, OOMQ_A_MAX, NULL),
			 0);
	ck_assert_ptr_nonnull(tb[OOMQ_A_QUEUE]);
	ck_assert_int_eq(nla_len(tb[OOMQ_A_QUEUE]), 0);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_request_set_config)
{
	struct nlattr *tb[OOMQ_A_MAX + 1];
	struct args a = { .has_mode = true, .mode = OOMQ_MODE_ORIGIN };
	struct nl_msg *msg;

	msg = msg_set_config(FAMILY, &a);
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(genlmsg_hdr(nlmsg_hdr(msg))->cmd,
			  OOMQ_CMD_SET_CONFIG);
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, OOMQ_A_MAX, NULL),
			 0);
	ck_assert_ptr_null(tb[OOMQ_A_TTL_MS]);
	ck_assert_ptr_nonnull(tb[OOMQ_A_MODE]);
	ck_assert_uint_eq(nla_get_u32(tb[OOMQ_A_MODE]), OOMQ_MODE_ORIGIN);
	nlmsg_free(msg);

	a.has_ttl = true;
	a.ttl_ms = 0;
	msg = msg_set_config(FAMILY, &a);
	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, OOMQ_A_MAX, NULL),
			 0);
	ck_assert_ptr_nonnull(tb[OOMQ_A_TTL_MS]);
	ck_assert_uint_eq(nla_get_u32(tb[OOMQ_A_TTL_MS]), 0);
	ck_assert_ptr_nonnull(tb[OOMQ_A_MODE]);
	nlmsg_free(msg);

	msg = msg_get_status(FAMILY);
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(genlmsg_hdr(nlmsg_hdr(msg))->cmd,
			  OOMQ_CMD_GET_STATUS);
	ck_assert_int_eq(genlmsg_attrlen(genlmsg_hdr(nlmsg_hdr(msg)), 0), 0);
	nlmsg_free(msg);
}
END_TEST

/* ---- the task dump ---- */

/* A GET_TASKS message as the module sends one; @mm: with the mm part. */
static struct nl_msg *new_task(__u32 pid, __u32 flags, bool mm)
{
	struct nl_msg *msg = new_msg(OOMQ_CMD_GET_TASKS);
	struct nlattr *nest = nla_nest_start(msg, OOMQ_A_TASK);
	const struct oomq_task_stat st = {
		.pid = pid,
		.ppid = 1,
		.uid = 1000,
		.euid = 0,
		.flags = flags,
		.oom_score_adj = -500,
		.nice = -5,
		.page_size = 4096,
		.cpu_ns = 123456789,
		.start_ns = 5000000000,
		.cap_eff = 0x200000,
		.cgroup_id = 77,
	};
	const struct oomq_task_mm m = {
		.total_vm = 5000,
		.rss_anon = 300,
		.rss_file = 200,
		.rss_shmem = 10,
		.swap = 7,
		.pgtables = 8192,
	};

	ck_assert_ptr_nonnull(nest);
	ck_assert_int_eq(nla_put(msg, OOMQ_TASK_A_STAT, sizeof(st), &st), 0);
	ck_assert_int_eq(nla_put_string(msg, OOMQ_TASK_A_COMM, "make -j20"), 0);
	if (mm)
		ck_assert_int_eq(nla_put(msg, OOMQ_TASK_A_MM, sizeof(m), &m),
				 0);
	nla_nest_end(msg, nest);
	return msg;
}

static char *print_task(struct nl_msg *msg, int *ret)
{
	struct oomq_task t;
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(out);
	*ret = oomq_task_parse(nlmsg_hdr(msg), &t);
	if (!*ret)
		msg_print_task(out, &t);
	ck_assert_int_eq(fclose(out), 0);
	nlmsg_free(msg);
	return text;
}

START_TEST(test_task_full)
{
	int ret;
	char *text = print_task(new_task(4242, 0, true), &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_str_eq(text, "pid=4242 ppid=1 uid=1000 euid=0 "
			       "comm=make\\x20-j20 flags=- adj=-500 nice=-5 "
			       "cpu_ns=123456789 start_ns=5000000000 "
			       "cap_eff=0x200000 cgroup_id=77 total_vm=5000 "
			       "rss_anon=300 rss_file=200 rss_shmem=10 swap=7 "
			       "pgtables=8192 page_size=4096\n");
	free(text);
}
END_TEST

START_TEST(test_task_no_mm)
{
	int ret;
	char *text = print_task(new_task(2,
					 OOMQ_TASK_F_KTHREAD |
						 OOMQ_TASK_F_NO_MM | (1U << 20),
					 false),
				&ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_str_eq(text,
			 "pid=2 ppid=1 uid=1000 euid=0 "
			 "comm=make\\x20-j20 flags=kthread,no_mm,0x100000 "
			 "adj=-500 nice=-5 cpu_ns=123456789 "
			 "start_ns=5000000000 cap_eff=0x200000 "
			 "cgroup_id=77 page_size=4096\n");
	free(text);
}
END_TEST

START_TEST(test_task_malformed)
{
	static const char two[2] = { 1, 2 };
	char big[sizeof(struct oomq_task_stat) + 16];
	struct oomq_task t;
	struct nl_msg *msg;
	struct nlattr *nest;

	memset(big, 1, sizeof(big));
	/* Another command: not ours to decode. */
	msg = new_msg(OOMQ_CMD_GET_STATUS);
	ck_assert_int_eq(oomq_task_parse(nlmsg_hdr(msg), &t), -ENOMSG);
	nlmsg_free(msg);
	/* No OOMQ_A_TASK, or one without its stat, or a short stat. */
	msg = new_msg(OOMQ_CMD_GET_TASKS);
	ck_assert_int_eq(oomq_task_parse(nlmsg_hdr(msg), &t), -EBADMSG);
	nlmsg_free(msg);
	msg = new_msg(OOMQ_CMD_GET_TASKS);
	nest = nla_nest_start(msg, OOMQ_A_TASK);
	ck_assert_int_eq(nla_put_string(msg, OOMQ_TASK_A_COMM, "x"), 0);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(oomq_task_parse(nlmsg_hdr(msg), &t), -EBADMSG);
	nlmsg_free(msg);
	msg = new_msg(OOMQ_CMD_GET_TASKS);
	nest = nla_nest_start(msg, OOMQ_A_TASK);
	ck_assert_int_eq(nla_put(msg, OOMQ_TASK_A_STAT, 2, two), 0);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(oomq_task_parse(nlmsg_hdr(msg), &t), -EBADMSG);
	nlmsg_free(msg);
	/* A short mm struct too. */
	msg = new_msg(OOMQ_CMD_GET_TASKS);
	nest = nla_nest_start(msg, OOMQ_A_TASK);
	ck_assert_int_eq(nla_put(msg, OOMQ_TASK_A_STAT, sizeof(big), big), 0);
	ck_assert_int_eq(nla_put(msg, OOMQ_TASK_A_MM, 8, big), 0);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(oomq_task_parse(nlmsg_hdr(msg), &t), -EBADMSG);
	nlmsg_free(msg);
	/* A longer stat (a newer module): what this build knows is read. */
	msg = new_msg(OOMQ_CMD_GET_TASKS);
	nest = nla_nest_start(msg, OOMQ_A_TASK);
	ck_assert_int_eq(nla_put(msg, OOMQ_TASK_A_STAT, sizeof(big), big), 0);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(oomq_task_parse(nlmsg_hdr(msg), &t), 0);
	ck_assert_uint_eq(t.stat.pid, 0x01010101);
	ck_assert(!t.has_mm);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_task_request)
{
	struct nl_msg *msg = oomq_tasks_request(FAMILY);
	struct nlmsghdr *nlh;

	ck_assert_ptr_nonnull(msg);
	nlh = nlmsg_hdr(msg);
	ck_assert_uint_eq(nlh->nlmsg_type, FAMILY);
	ck_assert_uint_eq(nlh->nlmsg_flags & (NLM_F_REQUEST | NLM_F_DUMP),
			  NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_uint_eq(genlmsg_hdr(nlh)->cmd, OOMQ_CMD_GET_TASKS);
	ck_assert_int_eq(genlmsg_attrlen(genlmsg_hdr(nlh), 0), 0);
	nlmsg_free(msg);
}
END_TEST

Suite *oomqctl_args_suite(void)
{
	Suite *s = suite_create("oomqctl_args");
	TCase *tc = tcase_create("args");

	tcase_add_loop_test(tc, test_args_bad, 0,
			    (int)(sizeof(bad_args) / sizeof(bad_args[0])));
	tcase_add_test(tc, test_args_no_command);
	tcase_add_test(tc, test_args_commands);
	tcase_add_test(tc, test_args_set_queue);
	tcase_add_test(tc, test_args_set_queue_max);
	tcase_add_test(tc, test_args_set_config);
	tcase_add_test(tc, test_args_u32);
	suite_add_tcase(s, tc);
	return s;
}

Suite *oomqctl_msg_suite(void)
{
	Suite *s = suite_create("oomqctl_msg");
	TCase *tc = tcase_create("msg");

	tcase_add_test(tc, test_status_full);
	tcase_add_test(tc, test_status_empty);
	tcase_add_test(tc, test_status_malformed);
	tcase_add_test(tc, test_event_kill);
	tcase_add_test(tc, test_event_kill_memcg);
	tcase_add_test(tc, test_event_others);
	tcase_add_test(tc, test_event_comm_escaped);
	tcase_add_test(tc, test_event_malformed);
	tcase_add_test(tc, test_request_set_queue);
	tcase_add_test(tc, test_request_set_config);
	tcase_add_test(tc, test_task_full);
	tcase_add_test(tc, test_task_no_mm);
	tcase_add_test(tc, test_task_malformed);
	tcase_add_test(tc, test_task_request);
	suite_add_tcase(s, tc);
	return s;
}
