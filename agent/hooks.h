/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hooks: the [hooks] commands (pre_kill, post_kill, pause, continue),
 * run for the notices (notice.h) by a helper process forked while
 * memory is calm, never by the loop itself.
 *
 * The loop's part is hooks_post(): one non-blocking write() of a
 * fixed-size record (at most PIPE_BUF bytes, so it is atomic) to the
 * helper's pipe, no allocation, no fork.  A full pipe drops the record
 * (counted).  The kill is never held back for a hook: pre_kill starts
 * as the victim gets SIGTERM and has kill_grace_ms while it still
 * lives (earlyoom's -P likewise starts its script and kills without
 * waiting; systemd-oomd instead waits up to PrekillHookTimeoutSec=
 * before it kills).
 *
 * The helper runs one hook at a time, through /bin/sh -c, in its own
 * process group, with the event in its environment (OOMQ_EVENT,
 * OOMQ_PID, OOMQ_COMM, OOMQ_UID, OOMQ_RSS_KB, OOMQ_REASON,
 * OOMQ_CHOICE), and kills that group timeout_ms after the start.
 *
 * The same helper shows the desktop notifications (notify.h) when
 * notify is on: the record then says so, with or without a command.
 */
#ifndef _OOMQ_AGENT_HOOKS_H
#define _OOMQ_AGENT_HOOKS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "notice.h"
#include "policy.h"

struct hook_record {
	char cmd[POLICY_HOOK_LEN];
	char event[16];
	char comm[SAMPLE_COMM_LEN];
	char reason[64];
	char choice[16];
	pid_t pid;
	uid_t uid; /* or NOTICE_UID_UNKNOWN */
	uint64_t rss_kb;
	unsigned int timeout_ms;
	unsigned int hook; /* enum policy_hook */
	unsigned int kind; /* enum notice_kind */
	unsigned int jobs; /* pause, continue: jobs stopped after it */
	uint64_t stopped_ms; /* continue: how long the stop lasted */
	bool notify; /* notify.h: show it on the desktops */
};

_Static_assert(sizeof(struct hook_record) <= PIPE_BUF,
	       "a record must go through the pipe in one atomic write");

struct hooks {
	int fd; /* the pipe's write end, or -1 */
	pid_t helper; /* or 0 */
	unsigned int dropped; /* records the full pipe refused */
	bool notify; /* send notices to notify.h too */
};

/* The hook a notice runs, or -1 for none. */
int hooks_for(enum notice_kind kind);

/*
 * @r for @n when [hooks] has a command for it or @notify and
 * notify_wants() it: true, else false.
 */
bool hooks_record(const struct policy_hooks *cfg, bool notify,
		  const struct notice *n, struct hook_record *r);

/* How one hook ended. */
struct hook_result {
	int status; /* waitpid()'s, when !timed_out */
	bool timed_out; /* its process group was killed */
	uint64_t ms; /* from start to end */
};

/*
 * Forks @child(@arg) in its own process group and waits for it at most
 * @timeout_ms, then kills the group: the helper's one way to run what
 * may hang (a hook, a D-Bus call).  0, or -errno when it could not fork.
 */
int hooks_fork_wait(void (*child)(const void *arg), const void *arg,
		    unsigned int timeout_ms, struct hook_result *res);
/*
 * Runs @r's command and waits for it at most r->timeout_ms: the
 * helper's work, here for the tests.  0, or -errno when it could not
 * start.
 */
int hooks_run(const struct hook_record *r, struct hook_result *res);

/* Forks the helper.  0, or -errno (then hooks are off). */
int hooks_start(struct hooks *h);
/*
 * Hands @n to the helper if [hooks] has a command for it.  0 (sent, or
 * nothing to run), -EAGAIN (the pipe is full: dropped, counted),
 * -EPIPE (the helper is gone: reaped, hooks off), -ENOTCONN (no
 * helper).
 */
int hooks_post(struct hooks *h, const struct policy_hooks *cfg,
	       const struct notice *n);
/* Closes the pipe: the helper ends after the hook it runs, if any. */
void hooks_stop(struct hooks *h);
/* Does @cfg name any command? */
bool hooks_any(const struct policy_hooks *cfg);

#endif /* _OOMQ_AGENT_HOOKS_H */
