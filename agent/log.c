// SPDX-License-Identifier: GPL-2.0
/* See log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notice.h"

#ifdef OOMQD_SYSTEMD
/* CODE_FILE=agent/log.c on every entry would tell nobody anything. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#endif

static bool journal; /* stderr is the journal's stream: <N> prefixes */
static bool notices_plain; /* a dry run's: no event happened */
static bool stamped; /* "[seconds.micros] " first, as the kernel's log */
static log_notice_fn notice_sink;
static void *notice_sink_arg;

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

void log_timestamps(bool on)
{
	stamped = on;
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
	if (stamped) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		n += snprintf(line + n, sizeof(line) - n, "[%5lld.%06ld] ",
			      (long long)ts.tv_sec, ts.tv_nsec / 1000);
	}
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

void log_notices_structured(bool on)
{
	notices_plain = !on;
}

void log_set_notice_sink(log_notice_fn fn, void *arg)
{
	notice_sink = fn;
	notice_sink_arg = arg;
}

/*
 * One datagram to journald with the notice's fields: sd_journal_sendv()
 * builds it on the stack (alloca) and sends it with one sendmsg(), no
 * malloc() for an entry this small (only one past the socket's buffer
 * would go through a memfd).  0, or -errno: then stderr has it.
 */
static int journal_send(const struct notice *n, int prio, const char *msg)
{
#ifdef OOMQD_SYSTEMD
	static struct notice_fields f; /* 6 KiB, off the stack */

	notice_journal_fields(n, prio, msg, &f);
	return sd_journal_sendv(f.iov, f.n);
#else
	(void)n;
	(void)prio;
	(void)msg;
	return -ENOSYS;
#endif
}

void lognote(const struct notice *n, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!journal || notices_plain || journal_send(n, prio, msg))
		logmsg(prio, "%s", msg);
	if (notice_sink)
		notice_sink(n, notice_sink_arg);
}
