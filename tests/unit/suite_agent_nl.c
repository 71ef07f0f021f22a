// SPDX-License-Identifier: GPL-2.0
/*
 * agent/nl.c without a kernel: events and status replies built here the
 * way the module sends them (nlmsg_alloc + genlmsg_put + nla_put), some
 * it must never send, and a receive buffer holding several messages.
 * The socket path runs too: without the module, nlc_open() must say
 * -ENOENT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/genl.h>

#include "suites.h"
#include "../../agent/nl.h"

#define FAMILY 0x1234 /* any id: nothing is sent */

static struct nl_msg *new_msg(int family, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(
		genlmsg_put(msg, 0, 0, family, 0, 0, cmd, OOMQ_GENL_VERSION));
	return msg;
}

static struct nl_msg *kill_event(void)
{
	struct nl_msg *msg = new_msg(FAMILY, OOMQ_CMD_EVENT);

	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_EVENT_TYPE, OOMQ_EVENT_KILL),
			 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_CHOICE, OOMQ_CHOICE_QUEUE), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_SCOPE, OOMQ_SCOPE_MEMCG), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_CGROUP_ID, 77), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_VICTIM_PID, 4242), 0);
	ck_assert_int_eq(
		nla_put_string(msg, OOMQ_A_VICTIM_COMM, "fifteen-chars!!"), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_VICTIM_UID, 1000), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_VICTIM_RSS_KB, 1ull << 33), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_VICTIM_SWAP_KB, 12), 0);
	ck_assert_int_eq(nla_put_s32(msg, OOMQ_A_VICTIM_OOM_SCORE_ADJ, -17), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_INDEX, 2), 0);
	ck_assert_int_eq(nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 3), 0);
	ck_assert_int_eq(nla_put_u64(msg, OOMQ_A_QUEUE_AGE_MS, 40), 0);
	return msg;
}

START_TEST(test_event_kill)
{
	struct nl_msg *msg = kill_event();
	struct nlc_event ev;

	ck_assert_int_eq(nlc_parse_event(nlmsg_hdr(msg), FAMILY, &ev), 0);
	ck_assert_uint_eq(ev.type, OOMQ_EVENT_KILL);
	ck_assert_uint_eq(ev.choice, OOMQ_CHOICE_QUEUE);
	ck_assert_uint_eq(ev.scope, OOMQ_SCOPE_MEMCG);
	ck_assert_uint_eq(ev.cgroup_id, 77);
	ck_assert_uint_eq(ev.pid, 4242);
	ck_assert_str_eq(ev.comm, "fifteen-chars!!");
	ck_assert_uint_eq(ev.uid, 1000);
	ck_assert_uint_eq(ev.rss_kb, 1ull << 33);
	ck_assert_uint_eq(ev.swap_kb, 12);
	ck_assert_int_eq(ev.oom_score_adj, -17);
	ck_assert_uint_eq(ev.queue_index, 2);
	ck_assert_uint_eq(ev.queue_len, 3);
	ck_assert_uint_eq(ev.queue_age_ms, 40);
	ck_assert_uint_eq(ev.has,
			  NLC_HAS_CHOICE | NLC_HAS_SCOPE | NLC_HAS_CGROUP_ID |
				  NLC_HAS_PID | NLC_HAS_COMM | NLC_HAS_UID |
				  NLC_HAS_RSS | NLC_HAS_SWAP | NLC_HAS_ADJ |
				  NLC_HAS_INDEX | NLC_HAS_QUEUE_LEN |
				  NLC_HAS_QUEUE_AGE);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_event_minimal)
{
	struct nl_msg *msg = new_msg(FAMILY, OOMQ_CMD_EVENT);
	struct nlc_event ev;

	nla_put_u32(msg, OOMQ_A_EVENT_TYPE, OOMQ_EVENT_LOST);
	nla_put_u32(msg, OOMQ_A_LOST, 5);
	/* From a newer module: an attribute and a type we do not know. */
	nla_put_u32(msg, OOMQ_A_MAX + 1, 1);
	ck_assert_int_eq(nlc_parse_event(nlmsg_hdr(msg), FAMILY, &ev), 0);
	ck_assert_uint_eq(ev.type, OOMQ_EVENT_LOST);
	ck_assert_uint_eq(ev.has, NLC_HAS_LOST);
	ck_assert_uint_eq(ev.lost, 5);
	ck_assert_uint_eq(ev.pid, 0);
	nlmsg_free(msg);

	msg = new_msg(FAMILY, OOMQ_CMD_EVENT);
	nla_put_u32(msg, OOMQ_A_EVENT_TYPE, 99);
	ck_assert_int_eq(nlc_parse_event(nlmsg_hdr(msg), FAMILY, &ev), 0);
	ck_assert_uint_eq(ev.type, 99);
	nlmsg_free(msg);
}
END_TEST

/* Messages the module must never send: each refused, exactly. */
enum bad_kind {
	BAD_PID_U64,
	BAD_PID_U16,
	BAD_COMM_LONG,
	BAD_COMM_NO_NUL,
	BAD_NO_TYPE,
	BAD_RSS_U32,
	BAD_ADJ_U8,
	BAD_OTHER_CMD,
	BAD_OTHER_FAMILY,
	BAD_NR
};

static const int bad_err[BAD_NR] = {
	[BAD_PID_U64] = -EBADMSG,     [BAD_PID_U16] = -EBADMSG,
	[BAD_COMM_LONG] = -EBADMSG,   [BAD_COMM_NO_NUL] = -EBADMSG,
	[BAD_NO_TYPE] = -EBADMSG,     [BAD_RSS_U32] = -EBADMSG,
	[BAD_ADJ_U8] = -EBADMSG,      [BAD_OTHER_CMD] = -ENOMSG,
	[BAD_OTHER_FAMILY] = -ENOMSG,
};

START_TEST(test_event_bad)
{
	struct nl_msg *msg;
	struct nlc_event ev;
	uint64_t u64 = 1;
	uint16_t u16 = 1;
	uint8_t u8 = 1;

	msg = new_msg(_i == BAD_OTHER_FAMILY ? FAMILY + 1 : FAMILY,
		      _i == BAD_OTHER_CMD ? OOMQ_CMD_GET_STATUS :
					    OOMQ_CMD_EVENT);
	if (_i != BAD_NO_TYPE)
		nla_put_u32(msg, OOMQ_A_EVENT_TYPE, OOMQ_EVENT_KILL);
	switch (_i) {
	case BAD_PID_U64:
		nla_put(msg, OOMQ_A_VICTIM_PID, sizeof(u64), &u64);
		break;
	case BAD_PID_U16:
		nla_put(msg, OOMQ_A_VICTIM_PID, sizeof(u16), &u16);
		break;
	case BAD_COMM_LONG:
		nla_put_string(msg, OOMQ_A_VICTIM_COMM, "sixteen-chars!!!");
		break;
	case BAD_COMM_NO_NUL:
		nla_put(msg, OOMQ_A_VICTIM_COMM, 4, "abcd");
		break;
	case BAD_RSS_U32:
		nla_put_u32(msg, OOMQ_A_VICTIM_RSS_KB, 1);
		break;
	case BAD_ADJ_U8:
		nla_put(msg, OOMQ_A_VICTIM_OOM_SCORE_ADJ, 1, &u8);
		break;
	default:
		break;
	}
	ck_assert_int_eq(nlc_parse_event(nlmsg_hdr(msg), FAMILY, &ev),
			 bad_err[_i]);
	/* Nothing half-parsed is left behind. */
	ck_assert_uint_eq(ev.type, 0);
	ck_assert_uint_eq(ev.has, 0);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_status)
{
	struct nl_msg *msg = new_msg(FAMILY, OOMQ_CMD_GET_STATUS);
	static const uint32_t queue[] = { 11, 22, 33 };
	struct nlc_status st;
	struct nlattr *nest;

	nla_put(msg, OOMQ_A_QUEUE, sizeof(queue), queue);
	nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 4);
	nla_put_u64(msg, OOMQ_A_QUEUE_AGE_MS, 1234);
	nla_put_u32(msg, OOMQ_A_TTL_MS, 60000);
	nla_put_u32(msg, OOMQ_A_MODE, OOMQ_MODE_AUTO);
	nla_put_u32(msg, OOMQ_A_MODE_ACTIVE, OOMQ_MODE_ORIGIN);
	nest = nla_nest_start(msg, OOMQ_A_COUNTERS);
	nla_put_u64(msg, OOMQ_C_OOMS, 9);
	nla_put_u64(msg, OOMQ_C_STEERED, 7);
	nla_put_u64(msg, OOMQ_C_MAX + 1, 5); /* newer module: skipped */
	nla_nest_end(msg, nest);

	ck_assert_int_eq(nlc_parse_status(nlmsg_hdr(msg), &st), 0);
	ck_assert_uint_eq(st.queue_live, 3);
	ck_assert_uint_eq(st.queue_len, 4);
	ck_assert_uint_eq(st.queue_age_ms, 1234);
	ck_assert_uint_eq(st.ttl_ms, 60000);
	ck_assert_uint_eq(st.mode, OOMQ_MODE_AUTO);
	ck_assert_uint_eq(st.mode_active, OOMQ_MODE_ORIGIN);
	ck_assert_uint_eq(st.counters[OOMQ_C_OOMS], 9);
	ck_assert_uint_eq(st.counters[OOMQ_C_STEERED], 7);
	ck_assert_uint_eq(st.counters[OOMQ_C_KILLS], 0);
	ck_assert(st.has & NLC_HAS_COUNTERS);
	ck_assert(st.has & NLC_HAS_TTL);
	nlmsg_free(msg);

	/* A queue that is not whole u32s. */
	msg = new_msg(FAMILY, OOMQ_CMD_GET_STATUS);
	nla_put(msg, OOMQ_A_QUEUE, 6, queue);
	ck_assert_int_eq(nlc_parse_status(nlmsg_hdr(msg), &st), -EBADMSG);
	nlmsg_free(msg);

	/* A counter of the wrong size. */
	msg = new_msg(FAMILY, OOMQ_CMD_GET_STATUS);
	nest = nla_nest_start(msg, OOMQ_A_COUNTERS);
	nla_put_u32(msg, OOMQ_C_OOMS, 9);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(nlc_parse_status(nlmsg_hdr(msg), &st), -EBADMSG);
	ck_assert_uint_eq(st.has, 0);
	nlmsg_free(msg);
}
END_TEST

/* Append @msg's bytes to the receive buffer, as one datagram would. */
static void append(struct nlc *nl, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	ck_assert_uint_le(nl->len + len, NLC_EVENT_BUF);
	memcpy(nl->buf + nl->len, nlh, nlh->nlmsg_len);
	nl->len += len;
	nlmsg_free(msg);
}

START_TEST(test_buffer)
{
	struct nlc nl = { .family = FAMILY };
	struct nlc_event ev;
	struct nl_msg *msg;
	uint64_t u64 = 1;

	nl.buf = calloc(1, NLC_EVENT_BUF);
	ck_assert_ptr_nonnull(nl.buf);
	append(&nl, kill_event());
	append(&nl, new_msg(FAMILY, OOMQ_CMD_GET_STATUS)); /* not an event */
	msg = new_msg(FAMILY, OOMQ_CMD_EVENT);
	nla_put_u32(msg, OOMQ_A_EVENT_TYPE, OOMQ_EVENT_KILL);
	nla_put(msg, OOMQ_A_VICTIM_PID, sizeof(u64), &u64);
	append(&nl, msg); /* malformed */
	msg = new_msg(FAMILY, OOMQ_CMD_EVENT);
	nla_put_u32(msg, OOMQ_A_EVENT_TYPE, OOMQ_EVENT_QUEUE_SET);
	nla_put_u32(msg, OOMQ_A_QUEUE_LEN, 8);
	append(&nl, msg);

	ck_assert_int_eq(nlc_next_event(&nl, &ev), 1);
	ck_assert_uint_eq(ev.pid, 4242);
	ck_assert_int_eq(nlc_next_event(&nl, &ev), -EBADMSG);
	ck_assert_int_eq(nlc_next_event(&nl, &ev), 1);
	ck_assert_uint_eq(ev.type, OOMQ_EVENT_QUEUE_SET);
	ck_assert_uint_eq(ev.queue_len, 8);
	ck_assert_int_eq(nlc_next_event(&nl, &ev), 0);
	ck_assert_int_eq(nlc_next_event(&nl, &ev), 0);

	/* A truncated message: the rest of the datagram is dropped. */
	nl.len = nl.off = 0;
	append(&nl, kill_event());
	nl.len -= 8;
	ck_assert_int_eq(nlc_next_event(&nl, &ev), -EBADMSG);
	ck_assert_int_eq(nlc_next_event(&nl, &ev), 0);
	free(nl.buf);
}
END_TEST

START_TEST(test_open)
{
	struct nlc nl;
	struct nlc_status st;
	int err = nlc_open(&nl);

	if (err == 0) {
		fprintf(stderr, "agent_nl: oomq is loaded: status only\n");
		ck_assert_int_ge(nlc_fd(&nl), 0);
		ck_assert_int_eq(nlc_get_status(&nl, &st), 0);
		ck_assert(st.has & NLC_HAS_COUNTERS);
	} else if (access("/sys/module/oomq", F_OK)) {
		/* No module: -ENOENT, and the caller runs on. */
		ck_assert_int_eq(err, -ENOENT);
	}
	nlc_close(&nl);
	ck_assert_int_eq(nlc_fd(&nl), -1);
	ck_assert_int_eq(nlc_get_status(&nl, &st), -ENOTCONN);
	nlc_close(&nl); /* twice is harmless */
}
END_TEST

Suite *agent_nl_suite(void)
{
	Suite *s = suite_create("agent_nl");
	TCase *tc = tcase_create("nl");

	tcase_add_test(tc, test_event_kill);
	tcase_add_test(tc, test_event_minimal);
	tcase_add_loop_test(tc, test_event_bad, 0, BAD_NR);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_buffer);
	tcase_add_test(tc, test_open);
	suite_add_tcase(s, tc);
	return s;
}
