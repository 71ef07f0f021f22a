// SPDX-License-Identifier: GPL-2.0
/*
 * prof.h's sums, of each part's own time.  CLOCK_PROCESS_CPUTIME_ID,
 * not the ticks of /proc/self/stat the bench reads: those are 10 ms
 * apart, and most parts take less than one.
 */
#ifdef OOMQD_PROF
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "prof.h"

#define PROF_LOG_MS 10000

static const char *const names[PROF_NPARTS] = {
	[PROF_SAMPLE] = "sample", [PROF_PASS] = "pass",
	[PROF_JOBS] = "jobs",	  [PROF_PAUSE] = "pause",
	[PROF_DECIDE] = "decide", [PROF_SIGNAL] = "signal",
	[PROF_EVENTS] = "events", [PROF_POLL] = "poll",
};

static uint64_t sum_us[PROF_NPARTS], calls[PROF_NPARTS];
static uint64_t start_us, logged_ms;
/* The time of the parts begun inside each open part: not its own. */
static uint64_t inner_us[8];
static unsigned int depth;

static uint64_t cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t prof_begin(void)
{
	if (depth < sizeof(inner_us) / sizeof(*inner_us))
		inner_us[depth] = 0;
	depth++;
	return cpu_us();
}

/* Sums @part's own time: what parts begun inside it took is theirs. */
void prof_end(enum prof_part part, uint64_t begin)
{
	uint64_t took = cpu_us() - begin, inner = 0;

	depth--;
	if (depth < sizeof(inner_us) / sizeof(*inner_us))
		inner = inner_us[depth];
	sum_us[part] += took - inner;
	calls[part]++;
	if (depth && depth <= sizeof(inner_us) / sizeof(*inner_us))
		inner_us[depth - 1] += took;
}

/* The CPU time spent before the loop's first tick. */
void prof_started(void)
{
	start_us = cpu_us();
}

/* The CPU time spent so far, at a step of the start. */
void prof_mark(const char *what)
{
	logmsg(LOG_INFO, "prof: %s at %.1f ms", what, (double)cpu_us() / 1000);
}

void prof_log(uint64_t now_ms, bool last)
{
	uint64_t total = cpu_us(), rest = total - start_us;
	char line[480];
	int len;

	if (!last && now_ms - logged_ms < PROF_LOG_MS)
		return;
	logged_ms = now_ms;
	len = snprintf(line, sizeof(line), "prof: cpu %llu ms: start %llu",
		       (unsigned long long)total / 1000,
		       (unsigned long long)start_us / 1000);
	for (int i = 0; i < PROF_NPARTS; i++) {
		rest -= sum_us[i];
		len += snprintf(line + len, sizeof(line) - (size_t)len,
				", %s %llu.%llu/%llu", names[i],
				(unsigned long long)sum_us[i] / 1000,
				(unsigned long long)sum_us[i] % 1000 / 100,
				(unsigned long long)calls[i]);
	}
	logmsg(LOG_INFO, "%s, rest %llu ms", line,
	       (unsigned long long)rest / 1000);
}
#endif
