// SPDX-License-Identifier: GPL-2.0
/*
 * Case outcomes and console output.  Everything the runner prints goes
 * through /dev/kmsg: the kernel prints each record whole, so a result
 * line never interleaves with an OOM report being printed at the same
 * time (the boot sets printk.devkmsg=on so nothing is rate-limited).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

static int kmsg_fd = -1;

void report_init(void)
{
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
}

void kmsgf(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* One record per write(); outside the guest fall back to stdout. */
	if (kmsg_fd < 0 || write(kmsg_fd, line, n) != n) {
		fputs(line, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
}

/* Append to o->detail, separated by "; ", never overflowing. */
static void vappend(struct outcome *o, const char *fmt, va_list ap)
{
	size_t len = strlen(o->detail);

	if (len && len + 2 < sizeof(o->detail)) {
		strcpy(o->detail + len, "; ");
		len += 2;
	}
	if (len < sizeof(o->detail))
		vsnprintf(o->detail + len, sizeof(o->detail) - len, fmt, ap);
}

bool failf(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	if (o->res == RES_FAIL)
		return false;
	/* The failure is what matters: drop notes gathered so far. */
	o->res = RES_FAIL;
	o->detail[0] = '\0';
	va_start(ap, fmt);
	vappend(o, fmt, ap);
	va_end(ap);
	return false;
}

void skipf(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	if (o->res == RES_FAIL)
		return;
	o->res = RES_SKIP;
	o->detail[0] = '\0';
	va_start(ap, fmt);
	vappend(o, fmt, ap);
	va_end(ap);
}

void notef(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	if (o->res != RES_PASS)
		return;
	va_start(ap, fmt);
	vappend(o, fmt, ap);
	va_end(ap);
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

unsigned int scaled_ms(unsigned int ms)
{
	return ms * env.time_scale;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}
