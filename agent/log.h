/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log: the daemon's only voice.  Only the top of the agent (main.c and
 * its loop, loop*.c) logs; everything below returns 0 or -errno.
 *
 * One line per message on stderr, "oomqd: ..." prefixed; with a "<N>"
 * syslog priority the journal reads only when stderr really is the
 * journal's stream (JOURNAL_STREAM names its device and inode: a shell
 * started from a systemd unit passes the variable on to whatever its
 * stderr is).  stderr is unbuffered, so a line costs one write() and no
 * malloc().
 *
 * The events someone may act on (kills, pauses, continues) go through
 * lognote() instead: the same line, or one structured journal entry.
 *
 * A message that can come back every pass or tick (a failing write, a
 * kill the kernel refuses) goes through logmsg_limited(): at most one
 * per LOG_LIMIT_MS from that call site, the next one saying how many
 * were left out, as the kernel's printk_ratelimited() does.
 */
#ifndef _OOMQ_AGENT_LOG_H
#define _OOMQ_AGENT_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_LIMIT_MS 10000

/* One call site's limit; zero-initialised, it lets the first through. */
struct log_limit {
	uint64_t next_ms; /* monotonic ms before which messages are left out */
	unsigned int missed; /* left out since the last one logged */
	bool started;
};

void log_init(void);
/*
 * On: each line starts with CLOCK_MONOTONIC's "[seconds.micros] ", the
 * kernel log's clock and format, for logs that carry no time of their
 * own (a console, a file, a bench's capture; the journal stamps its own).
 */
void log_timestamps(bool on);
/* Does JOURNAL_STREAM's "dev:inode" (@env, may be NULL) name @fd? */
bool log_is_journal(const char *env, int fd);
/*
 * May a message go out at @now_ms?  When it may, *@missed is how many
 * were left out before it.
 */
bool log_limit_pass(struct log_limit *l, uint64_t now_ms, unsigned int *missed);

__attribute__((format(printf, 2, 3))) void logmsg(int prio, const char *fmt,
						  ...);
__attribute__((format(printf, 4, 5))) void logmsg_limited(struct log_limit *l,
							  uint64_t now_ms,
							  int prio,
							  const char *fmt, ...);

/*
 * An event others may act on (notice.h): logged as logmsg() does, but
 * under systemd as one journal entry with its MESSAGE_ID and OOMQ_*
 * fields (when built with libsystemd: OOMQD_SYSTEMD); then handed to
 * the sink, if one is set.  No allocation either way.
 */
struct notice;
typedef void (*log_notice_fn)(const struct notice *n, void *arg);
void log_set_notice_sink(log_notice_fn fn, void *arg);
/* Off: lognote() writes plain lines even to the journal (dry runs). */
void log_notices_structured(bool on);
__attribute__((format(printf, 3, 4))) void
lognote(const struct notice *n, int prio, const char *fmt, ...);

#endif /* _OOMQ_AGENT_LOG_H */
