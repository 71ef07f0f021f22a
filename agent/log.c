// SPDX-License-Identifier: GPL-2.0
/* See log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static bool journal; /* stderr is the journal's stream: <N> prefixes */

/*
 * systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it
 * connected stdout and stderr to (systemd.exec(5)); a process should
 * use the journal's own format only when its stderr is still that
 * stream, not one a shell or a test harness put in between.
 */
bool log_is_journal(const char *env, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	/* strtoull(), not sscanf(): scanf is code the daemon never runs. */
	if (!env || *env < '0' || *env > '9')
		return false;
	dev = strtoull(env, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	ino = strtoull(end + 1, &end, 10);
	if (*end || fstat(fd, &st))
		return false;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

void log_init(void)
{
	journal = log_is_journal(getenv("JOURNAL_STREAM"), STDERR_FILENO);
}

bool log_limit_pass(struct log_limit *l, uint64_t now_ms, unsigned int *missed)
{
	if (l->started && now_ms < l->next_ms) {
		l->missed++;
		return false;
	}
	*missed = l->missed;
	l->missed = 0;
	l->next_ms = now_ms + LOG_LIMIT_MS;
	l->started = true;
	return true;
}

static void vlog(int prio, unsigned int missed, const char *fmt, va_list ap)
{
	char line[512];
	int n = 0;

	/* Built in one buffer and written at once, so lines never mix. */
	if (journal)
		n = snprintf(line, sizeof(line), "<%d>", prio);
	n += snprintf(line + n, sizeof(line) - n, "oomqd: ");
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (missed && n < (int)sizeof(line))
		n += snprintf(line + n, sizeof(line) - n,
			      " (%u more like it left out)", missed);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* A reader gone (EPIPE: SIGPIPE is ignored) loses the line only. */
	fwrite(line, 1, (size_t)n, stderr);
}

void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, 0, fmt, ap);
	va_end(ap);
}

void logmsg_limited(struct log_limit *l, uint64_t now_ms, int prio,
		    const char *fmt, ...)
{
	unsigned int missed;
	va_list ap;

	if (!log_limit_pass(l, now_ms, &missed))
		return;
	va_start(ap, fmt);
	vlog(prio, missed, fmt, ap);
	va_end(ap);
}
