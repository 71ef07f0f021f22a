/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log: the daemon's only voice.  Only the top of the agent (main.c and
 * its loop, loop.c) logs; everything below returns 0 or -errno.
 *
 * One line per message on stderr, "oomqd: ..." prefixed; under systemd
 * (JOURNAL_STREAM set) with a "<N>" syslog priority the journal reads.
 * stderr is unbuffered, so a line costs one write() and no malloc().
 */
#ifndef _OOMQ_AGENT_LOG_H
#define _OOMQ_AGENT_LOG_H

#include <syslog.h>

void log_init(void);
__attribute__((format(printf, 2, 3))) void logmsg(int prio, const char *fmt,
						  ...);

#endif /* _OOMQ_AGENT_LOG_H */
