// SPDX-License-Identifier: GPL-2.0
/*
 * nl: resolve "oomq", join "events", read events into one buffer, ask
 * for status, set the TTL.
 *
 * Every attribute is checked against a policy with both a minimum and a
 * maximum length (libnl's policy only checks a minimum unless told), so
 * a u32 that is not 4 bytes is refused rather than half read; unknown
 * attributes are skipped by nla_parse(), so a newer module still works.
 * The policies are shared with oomqctl: lib/oomq_nl.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "oomq_nl.h"

static int parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	if (genlmsg_parse(nlh, 0, tb, OOMQ_A_MAX, oomq_nl_attr_policy) < 0)
		return -EBADMSG;
	if (tb[OOMQ_A_QUEUE] && nla_len(tb[OOMQ_A_QUEUE]) % sizeof(__u32))
		return -EBADMSG;
	return 0;
}

#define GET_U32(tb, a, field, bit, out)                      \
	do {                                                 \
		if ((tb)[a]) {                               \
			(out)->field = nla_get_u32((tb)[a]); \
			(out)->has |= (bit);                 \
		}                                            \
	} while (0)

#define GET_U64(tb, a, field, bit, out)                      \
	do {                                                 \
		if ((tb)[a]) {                               \
			(out)->field = nla_get_u64((tb)[a]); \
			(out)->has |= (bit);                 \
		}                                            \
	} while (0)

/**
 * nlc_parse_event - one message from the events group into @ev
 * @nlh: the message, as received (not changed)
 * @family: the id of "oomq"; other message types are not events
 * @ev: filled on success, zeroed otherwise
 *
 * Return: 0; -ENOMSG for a message that is not an oomq event (another
 * family, another command, a netlink control message); -EBADMSG for one
 * that breaks the policy or has no event type.
 */
int nlc_parse_event(struct nlmsghdr *nlh, int family, struct nlc_event *ev)
{
	struct nlattr *tb[OOMQ_A_MAX + 1];
	int err;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_type != family)
		return -ENOMSG;
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	if (genlmsg_hdr(nlh)->cmd != OOMQ_CMD_EVENT)
		return -ENOMSG;
	err = parse(nlh, tb);
	if (err)
		return err;
	if (!tb[OOMQ_A_EVENT_TYPE])
		return -EBADMSG;
	ev->type = nla_get_u32(tb[OOMQ_A_EVENT_TYPE]);
	GET_U32(tb, OOMQ_A_CHOICE, choice, NLC_HAS_CHOICE, ev);
	GET_U32(tb, OOMQ_A_SCOPE, scope, NLC_HAS_SCOPE, ev);
	GET_U64(tb, OOMQ_A_CGROUP_ID, cgroup_id, NLC_HAS_CGROUP_ID, ev);
	GET_U32(tb, OOMQ_A_VICTIM_PID, pid, NLC_HAS_PID, ev);
	GET_U32(tb, OOMQ_A_VICTIM_UID, uid, NLC_HAS_UID, ev);
	GET_U64(tb, OOMQ_A_VICTIM_RSS_KB, rss_kb, NLC_HAS_RSS, ev);
	GET_U64(tb, OOMQ_A_VICTIM_SWAP_KB, swap_kb, NLC_HAS_SWAP, ev);
	GET_U32(tb, OOMQ_A_QUEUE_INDEX, queue_index, NLC_HAS_INDEX, ev);
	GET_U32(tb, OOMQ_A_QUEUE_LEN, queue_len, NLC_HAS_QUEUE_LEN, ev);
	GET_U64(tb, OOMQ_A_QUEUE_AGE_MS, queue_age_ms, NLC_HAS_QUEUE_AGE, ev);
	GET_U32(tb, OOMQ_A_MODE_ACTIVE, mode_active, NLC_HAS_MODE_ACTIVE, ev);
	GET_U32(tb, OOMQ_A_LOST, lost, NLC_HAS_LOST, ev);
	if (tb[OOMQ_A_VICTIM_OOM_SCORE_ADJ]) {
		ev->oom_score_adj =
			nla_get_s32(tb[OOMQ_A_VICTIM_OOM_SCORE_ADJ]);
		ev->has |= NLC_HAS_ADJ;
	}
	if (tb[OOMQ_A_VICTIM_COMM]) {
		/* The policy checked the NUL and the 16-byte limit. */
		strcpy(ev->comm, nla_get_string(tb[OOMQ_A_VICTIM_COMM]));
		ev->has |= NLC_HAS_COMM;
	}
	return 0;
}

/**
 * nlc_parse_status - an OOMQ_CMD_GET_STATUS reply into @st
 *
 * Return: 0, or -EBADMSG when it breaks the policy (@st zeroed).
 */
int nlc_parse_status(struct nlmsghdr *nlh, struct nlc_status *st)
{
	struct nlattr *tb[OOMQ_A_MAX + 1];
	struct nlattr *ctb[OOMQ_C_MAX + 1];
	int err;

	memset(st, 0, sizeof(*st));
	err = parse(nlh, tb);
	if (err)
		return err;
	if (tb[OOMQ_A_COUNTERS]) {
		if (nla_parse_nested(ctb, OOMQ_C_MAX, tb[OOMQ_A_COUNTERS],
				     oomq_nl_counter_policy) < 0)
			return -EBADMSG;
		for (int c = 0; c <= OOMQ_C_MAX; c++)
			if (ctb[c] && oomq_nl_counter_policy[c].type == NLA_U64)
				st->counters[c] = nla_get_u64(ctb[c]);
		st->has |= NLC_HAS_COUNTERS;
	}
	if (tb[OOMQ_A_QUEUE])
		st->queue_live =
			(uint32_t)nla_len(tb[OOMQ_A_QUEUE]) / sizeof(__u32);
	GET_U32(tb, OOMQ_A_QUEUE_LEN, queue_len, NLC_HAS_QUEUE_LEN, st);
	GET_U64(tb, OOMQ_A_QUEUE_AGE_MS, queue_age_ms, NLC_HAS_QUEUE_AGE, st);
	GET_U32(tb, OOMQ_A_TTL_MS, ttl_ms, NLC_HAS_TTL, st);
	GET_U32(tb, OOMQ_A_MODE, mode, NLC_HAS_MODE, st);
	GET_U32(tb, OOMQ_A_MODE_ACTIVE, mode_active, NLC_HAS_MODE_ACTIVE, st);
	return 0;
}

/**
 * nlc_next_event - the next event in the receive buffer
 *
 * Walks nl->buf[nl->off..nl->len), which nlc_recv_event() filled (the
 * unit tests fill it themselves).  Messages that are not events are
 * skipped.
 *
 * Return: 1 with @ev filled; 0 when the buffer is used up; -EBADMSG for
 * a malformed event, which is skipped (call again for the next one).
 */
int nlc_next_event(struct nlc *nl, struct nlc_event *ev)
{
	while (nl->off < nl->len) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(nl->buf + nl->off);
		int left = (int)(nl->len - nl->off);
		int err;

		if (!nlmsg_ok(nlh, left)) {
			nl->off = nl->len; /* the rest is garbage */
			return -EBADMSG;
		}
		nl->off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nl->off > nl->len)
			nl->off = nl->len;
		err = nlc_parse_event(nlh, nl->family, ev);
		if (err == -ENOMSG)
			continue;
		return err ? err : 1;
	}
	return 0;
}

/**
 * nlc_recv_event - the next event, without blocking or allocating
 *
 * Return: 1 with @ev filled; 0 when none is waiting; -EBADMSG for a
 * malformed event (skipped; call again); -ENOBUFS when the socket
 * overflowed and events were lost (call again: the socket works on);
 * another -errno from recv().
 */
int nlc_recv_event(struct nlc *nl, struct nlc_event *ev)
{
	for (;;) {
		struct sockaddr_nl sa;
		socklen_t salen = sizeof(sa);
		ssize_t n;
		int ret;

		ret = nlc_next_event(nl, ev);
		if (ret)
			return ret;
		n = recvfrom(nl_socket_get_fd(nl->ev_sk), nl->buf,
			     NLC_EVENT_BUF, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&sa, &salen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
									 -errno;
		}
		nl->len = nl->off = 0;
		/* Only the kernel speaks to this socket; drop the rest. */
		if (sa.nl_pid != 0)
			continue;
		if ((size_t)n > NLC_EVENT_BUF)
			return -EBADMSG;
		nl->len = (size_t)n;
	}
}

/* The events socket, to poll for POLLIN; -1 when not open. */
int nlc_fd(const struct nlc *nl)
{
	return nl->ev_sk ? nl_socket_get_fd(nl->ev_sk) : -1;
}

void nlc_close(struct nlc *nl)
{
	if (nl->ev_sk)
		nl_socket_free(nl->ev_sk);
	if (nl->req_sk)
		nl_socket_free(nl->req_sk);
	free(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

/**
 * nlc_open - connect, resolve "oomq", join its events group
 * @nl: filled; nlc_close() it, also after a failure
 *
 * Return: 0; -ENOENT when the family is not registered (module not
 * loaded: the caller says so once and runs on without; it may call
 * nlc_open() again later); -EPERM/-EACCES when joining the group is not
 * allowed; -ENOMEM; another -errno.
 */
int nlc_open(struct nlc *nl)
{
	struct timeval tv = { .tv_sec = 1 };
	int grp, err;

	memset(nl, 0, sizeof(*nl));
	nl->buf = malloc(NLC_EVENT_BUF);
	nl->req_sk = nl_socket_alloc();
	nl->ev_sk = nl_socket_alloc();
	if (!nl->buf || !nl->req_sk || !nl->ev_sk)
		return -ENOMEM;
	err = genl_connect(nl->req_sk);
	if (err < 0)
		return oomq_nl_errno(err);
	nl->family = genl_ctrl_resolve(nl->req_sk, OOMQ_GENL_NAME);
	if (nl->family < 0)
		return oomq_nl_errno(nl->family);
	grp = genl_ctrl_resolve_grp(nl->req_sk, OOMQ_GENL_NAME,
				    OOMQ_MCGRP_EVENTS);
	if (grp < 0)
		return oomq_nl_errno(grp);
	/* A status reply with a full queue is over 16 KiB. */
	nl_socket_enable_msg_peek(nl->req_sk);
	/* A module that never answers must not hang the agent. */
	if (setsockopt(nl_socket_get_fd(nl->req_sk), SOL_SOCKET, SO_RCVTIMEO,
		       &tv, sizeof(tv)))
		return -errno;

	/* Multicast carries no sequence numbers of ours. */
	nl_socket_disable_seq_check(nl->ev_sk);
	err = genl_connect(nl->ev_sk);
	if (err >= 0)
		err = nl_socket_add_membership(nl->ev_sk, grp);
	if (err >= 0)
		err = nl_socket_set_nonblocking(nl->ev_sk);
	/* Room for a burst of kills while the agent is not scheduled. */
	if (err >= 0)
		err = nl_socket_set_buffer_size(nl->ev_sk, 1 << 20, 0);
	return oomq_nl_errno(err);
}

struct reply {
	bool done;
	int kernel_err; /* the kernel's -errno */
	int parse_err;
	struct nlc_status *st; /* NULL: no reply body wanted */
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	if (r->st)
		r->parse_err = nlc_parse_status(nlmsg_hdr(msg), r->st);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;

	(void)nla;
	r->kernel_err = e->error;
	r->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/*
 * Send @msg (freed here), wait for the ACK: 0, the kernel's or a local
 * -errno.
 */
static int request(struct nlc *nl, struct nl_msg *msg, struct nlc_status *st)
{
	struct reply r = { .st = st };
	struct nl_cb *cb;
	int err;

	if (!nl->req_sk) {
		nlmsg_free(msg);
		return -ENOTCONN;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &r);
	err = nl_send_auto(nl->req_sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !r.done)
		err = nl_recvmsgs(nl->req_sk, cb);
	nl_cb_put(cb);
	if (r.kernel_err)
		return r.kernel_err;
	if (err < 0)
		return oomq_nl_errno(err);
	return r.parse_err;
}

static struct nl_msg *new_request(int family, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				NLM_F_ACK, cmd, OOMQ_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/**
 * nlc_get_status - the module's queue, settings and counters
 *
 * Return: 0, -EBADMSG for a malformed reply, -EAGAIN when no answer came
 * within a second, the kernel's or a local -errno.
 */
int nlc_get_status(struct nlc *nl, struct nlc_status *st)
{
	struct nl_msg *msg = new_request(nl->family, OOMQ_CMD_GET_STATUS);

	memset(st, 0, sizeof(*st));
	if (!msg)
		return -ENOMEM;
	return request(nl, msg, st);
}

/**
 * nlc_set_ttl - set the queue TTL, in ms (0: no expiry)
 *
 * Return: 0, -EPERM without CAP_SYS_RESOURCE, -EINVAL out of range, another
 * kernel or local -errno.
 */
int nlc_set_ttl(struct nlc *nl, uint32_t ttl_ms)
{
	struct nl_msg *msg = new_request(nl->family, OOMQ_CMD_SET_CONFIG);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, OOMQ_A_TTL_MS, ttl_ms) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return request(nl, msg, NULL);
}
