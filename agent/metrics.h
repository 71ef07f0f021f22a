/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics: what oomqd did and saw, as counters and gauges in the
 * Prometheus text exposition format, for node_exporter's textfile
 * collector (metrics_dir in [oomqd]): a fleet's Prometheus scrapes
 * them with no HTTP server of ours.
 *
 * The counters are updated from the notices (notice.h) and the loop's
 * passes and samples: plain stores, no allocation.  The file is
 * formatted into a fixed buffer and written whole to a temporary file
 * in the same directory, then renamed over METRICS_FILE, so the
 * collector never reads half of one.  The loop writes it at most once
 * per metrics_interval_s, and not while memory is critical or a
 * proactive kill is under way, unless that lasts METRICS_HOLD_MS past
 * the due time: a file more than that stale would say nothing true
 * (metrics_write_due()).
 */
#ifndef _OOMQ_AGENT_METRICS_H
#define _OOMQ_AGENT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notice.h"
#include "pressure.h"

#define METRICS_FILE "oomqd.prom"
/* Not *.prom: the collector reads only those. */
#define METRICS_TMP_FILE ".oomqd.prom.tmp"
#define METRICS_BUF_LEN 8192
#define METRICS_HOLD_MS 60000

enum metrics_scope {
	METRICS_SCOPE_GLOBAL,
	METRICS_SCOPE_MEMCG,
	METRICS_SCOPE_SYSRQ,
	METRICS_SCOPE_UNKNOWN,
	METRICS_NSCOPES
};

struct metrics {
	/* Kernel OOM kills the module reported, by choice and scope. */
	uint64_t oom_kills[NOTICE_NCHOICES][METRICS_NSCOPES];
	uint64_t proactive_kills; /* SIGTERM or SIGKILL sent */
	uint64_t proactive_gone; /* of those, victims seen gone */
	uint64_t pauses, continues;
	uint64_t paused_ms; /* time jobs spent stopped, counted at SIGCONT */
	unsigned int jobs_stopped; /* now */
	/* The last ranking pass. */
	uint64_t passes;
	uint64_t pass_us; /* how long it took */
	uint64_t pass_ms; /* when it ended, monotonic ms (0: none yet) */
	unsigned int queued; /* PIDs it queued */
	/* The last sample the loop decided on. */
	struct pressure_sample last;
	enum pressure_level level;
	bool sampled;
	uint64_t next_write_ms; /* monotonic ms */
};

/* A notice (log.h's sink) counted. */
void metrics_note(struct metrics *m, const struct notice *n);
void metrics_pass(struct metrics *m, uint64_t took_us, unsigned int queued,
		  uint64_t now_ms);
void metrics_sample(struct metrics *m, const struct pressure_sample *s,
		    enum pressure_level level);

/*
 * The exposition text at @now_ms into @buf; its length, or -ENOSPC
 * when @size is too small.
 */
int metrics_format(const struct metrics *m, uint64_t now_ms, char *buf,
		   size_t size);
/* @len bytes to @dir/METRICS_FILE, by way of METRICS_TMP_FILE: 0, -errno. */
int metrics_write(const char *dir, const char *buf, size_t len);

/*
 * Whether to write at @now_ms: every @interval_ms, but at critical
 * pressure or while @killing only once METRICS_HOLD_MS overdue.
 */
bool metrics_write_due(struct metrics *m, uint64_t now_ms, uint32_t interval_ms,
		       bool killing);

#endif /* _OOMQ_AGENT_METRICS_H */
