/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl: oomqd's client of the module's generic netlink family "oomq"
 * (include/uapi/linux/oomq.h): kill events, status, the queue TTL.
 *
 * Prefix nlc_ ("netlink client"), not nl_: libnl owns nl_* (nl_close(),
 * nl_recv(), nl_send() ...), and a clash would be a link error at best.
 *
 * Two sockets: one joined to the "events" group, read without libnl's
 * allocating receive path into a buffer allocated once in nlc_open(), so
 * events cost no malloc(); one for requests (status, TTL), which may
 * allocate, used at start-up and on reloads only.
 *
 *	err = nlc_open(&nl);
 *	if (err == -ENOENT)  "oomq module not loaded" (once), carry on
 *	pfd = { .fd = nlc_fd(&nl), .events = POLLIN };
 *	while ((n = nlc_recv_event(&nl, &ev)) > 0)   log it, re-rank
 *	n == -ENOBUFS: events were lost; re-rank anyway and go on
 */
#ifndef _OOMQ_AGENT_NL_H
#define _OOMQ_AGENT_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/oomq.h>

struct nl_sock;
struct nlmsghdr;

/* Bits of nlc_event.has and nlc_status.has: which optional fields came. */
enum {
	NLC_HAS_CHOICE = 1u << 0,
	NLC_HAS_SCOPE = 1u << 1,
	NLC_HAS_CGROUP_ID = 1u << 2,
	NLC_HAS_PID = 1u << 3,
	NLC_HAS_COMM = 1u << 4,
	NLC_HAS_UID = 1u << 5,
	NLC_HAS_RSS = 1u << 6,
	NLC_HAS_SWAP = 1u << 7,
	NLC_HAS_ADJ = 1u << 8,
	NLC_HAS_INDEX = 1u << 9,
	NLC_HAS_QUEUE_LEN = 1u << 10,
	NLC_HAS_QUEUE_AGE = 1u << 11,
	NLC_HAS_MODE_ACTIVE = 1u << 12,
	NLC_HAS_LOST = 1u << 13,
	NLC_HAS_TTL = 1u << 14,
	NLC_HAS_MODE = 1u << 15,
	NLC_HAS_COUNTERS = 1u << 16,
};

/* One OOMQ_CMD_EVENT; fields not in @has are 0. */
struct nlc_event {
	uint32_t type; /* enum oomq_event_type; unknown ones pass through */
	uint32_t has; /* NLC_HAS_* */
	uint32_t choice; /* enum oomq_choice */
	uint32_t scope; /* enum oomq_scope */
	uint64_t cgroup_id; /* cgroup v2 id of the OOMing memcg */
	uint32_t pid; /* victim, initial PID namespace */
	uint32_t uid; /* victim's uid, initial user namespace */
	char comm[16]; /* victim's comm, NUL-terminated, unescaped */
	uint64_t rss_kb; /* KiB */
	uint64_t swap_kb; /* KiB */
	int32_t oom_score_adj;
	uint32_t queue_index; /* 0 is the head */
	uint32_t queue_len; /* entries */
	uint64_t queue_age_ms; /* ms */
	uint32_t mode_active; /* enum oomq_mode */
	uint32_t lost; /* events dropped */
};

/* An OOMQ_CMD_GET_STATUS reply; fields not in @has are 0. */
struct nlc_status {
	uint32_t has; /* NLC_HAS_* */
	uint32_t queue_live; /* PIDs in OOMQ_A_QUEUE (live entries) */
	uint32_t queue_len; /* entries held, live or not */
	uint64_t queue_age_ms; /* ms; no NLC_HAS_QUEUE_AGE: never set */
	uint32_t ttl_ms; /* ms, 0: no expiry */
	uint32_t mode; /* enum oomq_mode asked */
	uint32_t mode_active; /* enum oomq_mode in use */
	uint64_t counters[OOMQ_C_MAX + 1]; /* enum oomq_counter */
};

#define NLC_EVENT_BUF 8192 /* one datagram; events are ~200 bytes */

struct nlc {
	struct nl_sock *ev_sk; /* joined to "events", non-blocking */
	struct nl_sock *req_sk; /* requests, 1 s receive timeout */
	int family; /* generic netlink id of "oomq" */
	char *buf; /* NLC_EVENT_BUF bytes, allocated once */
	size_t len, off; /* bytes received, next message in buf */
};

int nlc_parse_event(struct nlmsghdr *nlh, int family, struct nlc_event *ev);
int nlc_parse_status(struct nlmsghdr *nlh, struct nlc_status *st);
int nlc_next_event(struct nlc *nl, struct nlc_event *ev);

int nlc_open(struct nlc *nl);
int nlc_fd(const struct nlc *nl);
int nlc_recv_event(struct nlc *nl, struct nlc_event *ev);
int nlc_get_status(struct nlc *nl, struct nlc_status *st);
int nlc_set_ttl(struct nlc *nl, uint32_t ttl_ms);
void nlc_close(struct nlc *nl);

#endif /* _OOMQ_AGENT_NL_H */
