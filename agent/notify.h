/* SPDX-License-Identifier: GPL-2.0 */
/*
 * notify: desktop notifications of kills, pauses, continues and kernel
 * OOM kills, through org.freedesktop.Notifications on the session bus
 * of each user with an active graphical (x11, wayland) logind session.
 *
 * Only the hooks' helper (hooks.h) calls it, for the records the loop
 * posts there: nothing here runs in the daemon's pressure path.  Each
 * D-Bus call is made by a child forked for it that first becomes the
 * session's user (a session bus accepts only its own user), and is
 * killed NOTIFY_TIMEOUT_MS after it started if it has not ended.
 *
 * At most one notification per kind per NOTIFY_INTERVAL_MS: what comes
 * faster waits, the newest of its kind, and is shown when the interval
 * is over with a count of those it stands for ("Paused 6 jobs of
 * make").
 *
 * Built with libsystemd (sd-login, sd-bus) only: without it
 * notify_available() is false and notify = on does nothing but say so.
 */
#ifndef _OOMQ_AGENT_NOTIFY_H
#define _OOMQ_AGENT_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hooks.h"
#include "notice.h"

#define NOTIFY_INTERVAL_MS 15000
#define NOTIFY_TIMEOUT_MS 2000
#define NOTIFY_SUMMARY_LEN 64
#define NOTIFY_BODY_LEN 256
#define NOTIFY_USERS_MAX 16
#define NOTIFY_ADDRESS_LEN 64
/* For tests: one bus address to send to, as the helper's own user. */
#define NOTIFY_ADDRESS_ENV "OOMQD_NOTIFY_ADDRESS"

/* Is this kind shown?  A kill is, once: at SIGTERM, not when gone. */
bool notify_wants(enum notice_kind kind);
/* Built with sd-bus and sd-login? */
bool notify_available(void);

/* @r's text; @more: events of its kind it also stands for. */
void notify_text(const struct hook_record *r, unsigned int more, char *summary,
		 size_t ssize, char *body, size_t bsize);

/* "1.2 GiB", "340 MiB", "512 KiB". */
void notify_size(uint64_t kb, char *buf, size_t size);

struct notify_limit {
	uint64_t last_ms[NOTICE_NKINDS]; /* when one was last shown */
	bool shown[NOTICE_NKINDS]; /* last_ms is set */
	bool pending[NOTICE_NKINDS]; /* held[k] waits for its turn */
	unsigned int held_count[NOTICE_NKINDS]; /* events held since */
	struct hook_record held[NOTICE_NKINDS];
};

/*
 * Offers @r at @now: true when it is to be shown now (*@more set),
 * false when it waits (kept, newest of its kind) or is not shown.  A
 * continue after which nothing is stopped drops a waiting pause; a
 * pause drops a waiting continue: both are stale then.
 */
bool notify_limit_offer(struct notify_limit *l, const struct hook_record *r,
			uint64_t now, unsigned int *more);
/*
 * A waiting record whose turn has come at @now: true with it in @r and
 * *@more.  *@wait_ms: until the next turn of one still waiting, -1 if
 * none waits.
 */
bool notify_limit_due(struct notify_limit *l, uint64_t now,
		      struct hook_record *r, unsigned int *more, int *wait_ms);

/* One logind session, as notify_pick_users() sees it. */
struct notify_session {
	uid_t uid;
	char type[16]; /* "x11", "wayland", "tty", ... */
	bool active;
};

/*
 * The users of the active graphical sessions in @s, each once, at most
 * @max: how many.
 */
int notify_pick_users(const struct notify_session *s, int n, uid_t *uids,
		      int max);
/*
 * The users to notify, from logind (sd_get_sessions()): how many, or
 * -errno.
 */
int notify_users(uid_t *uids, int max);

/*
 * Shows @r (@more) on every graphical user's session bus, or on
 * $OOMQD_NOTIFY_ADDRESS's bus alone.  Logs what failed.  The helper's.
 */
void notify_show(const struct hook_record *r, unsigned int more);

#endif /* _OOMQ_AGENT_NOTIFY_H */
