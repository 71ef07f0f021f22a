/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where oomqd's own CPU time goes, for the benches: built in only with
 * -DOOMQD_PROF (make bench-scenario OOMQD_PROF=1), else every call is
 * empty.  Each part sums the process CPU time of its calls; the log
 * says the sums every PROF_LOG_MS and at the end.  A part begun inside
 * another counts for itself only.
 */
#ifndef _OOMQ_AGENT_PROF_H
#define _OOMQ_AGENT_PROF_H

#include <stdbool.h>
#include <stdint.h>

enum prof_part {
	PROF_SAMPLE, /* /proc/meminfo, PSI averages, zram, vmstat */
	PROF_PASS, /* a ranking pass and the queue's write */
	PROF_JOBS, /* the pausable jobs read */
	PROF_PAUSE, /* pausing's tick, but for the parts below */
	PROF_DECIDE, /* the pause controller's decisions */
	PROF_SIGNAL, /* a job stopped or continued, its record, its log */
	PROF_EVENTS, /* the module's and the process events drained */
	PROF_POLL, /* the loop's sleep: ppoll()'s own cost */
	PROF_NPARTS
};

#ifdef OOMQD_PROF
uint64_t prof_begin(void);
void prof_end(enum prof_part part, uint64_t begin);
void prof_started(void);
void prof_mark(const char *what);
void prof_log(uint64_t now_ms, bool last);
#else
static inline uint64_t prof_begin(void)
{
	return 0;
}

static inline void prof_end(enum prof_part part, uint64_t begin)
{
	(void)part;
	(void)begin;
}

static inline void prof_started(void)
{
}

static inline void prof_mark(const char *what)
{
	(void)what;
}

static inline void prof_log(uint64_t now_ms, bool last)
{
	(void)now_ms;
	(void)last;
}
#endif

#endif /* _OOMQ_AGENT_PROF_H */
