// SPDX-License-Identifier: GPL-2.0
/* See log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static int journal; /* stderr goes to the journal: use <N> prefixes */

void log_init(void)
{
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void logmsg(int prio, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n = 0;

	/* Built in one buffer and written at once, so lines never mix. */
	if (journal)
		n = snprintf(line, sizeof(line), "<%d>", prio);
	n += snprintf(line + n, sizeof(line) - n, "oomqd: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);
}
