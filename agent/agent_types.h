/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct agent, a pass's context, and the types and bounds of its
 * stages' state: what the stages (source_*.c, classify.c, queued.c)
 * include, without agent.c's functions (agent.h).
 */
#ifndef _OOMQD_AGENT_TYPES_H
#define _OOMQD_AGENT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "oomq_tasks.h"
#include "policy.h"
#include "proc_events.h"
#include "proc_sample.h"
#include "rank.h"
#include "sample.h"

#define AGENT_MAX_PROCS 16384 /* default table size */

/*
 * The lazy pass's first stage keeps the best AGENT_CAND_PER_QUEUE times
 * queue_length candidates, at least AGENT_CAND_MIN.  Those the second
 * stage drops are the processes that vanished in between and what
 * oom_score cannot tell: kernel threads, init, zombies, -1000 and
 * processes in vfork() all read 0 and sort last in their group, so
 * only a rule that lifts them puts them near the top.  Four times the
 * queue leaves room for many of those; the floor of 256 (6 KiB) keeps a
 * small machine (a VM with a couple of hundred kernel threads and fewer
 * user processes than the queue) from dropping any, since a queue that
 * runs out of kept candidates after some were dropped costs a second
 * walk of /proc.
 */
#define AGENT_CAND_PER_QUEUE 4
#define AGENT_CAND_MIN 256

/*
 * Match cache slots, 32 bytes each: 64 KiB, touched only by a policy with
 * regex rules.  3/4 of them remember processes, 1,536: a desktop's or a
 * usual server's all.  On a machine with more, the rest are classified
 * every pass (regexec() allocating), which keeps a 10,000-process pass
 * with a regex rule under 1 MiB.
 */
#define AGENT_CACHE_SIZE 2048

/* Where a pass reads the processes from. */
enum agent_source {
	AGENT_SOURCE_AUTO, /* the module's dump when it answers, else /proc */
	AGENT_SOURCE_PROC, /* /proc only */
	AGENT_SOURCE_DUMP, /* the module's dump only; a pass fails without */
};

/*
 * Passes from /proc that sample every process after a lazy one found
 * most of them tying at the cut (source_lazy.c, choose_walk()).
 */
#define AGENT_STREAM_PASSES 16

/* Passes on /proc after a failed dump before AUTO tries it again. */
#define AGENT_DUMP_RETRY_PASSES 16

/* One process after the lazy pass's first stage: 24 bytes. */
struct agent_cand {
	int64_t bound; /* the most points it can have, pages (source_lazy.c) */
	pid_t pid;
	uint16_t priority; /* priority group, never 0 here */
	int16_t rule; /* what policy_classify() set */
	int16_t adjust; /* oom_score_adj units */
};

/* The module's dump as a source (source_dump.c). */
struct dump_source {
	struct oomq_dump *tasks; /* NULL with AGENT_SOURCE_PROC */
	bool open;
	unsigned int retry; /* passes until AUTO tries the dump again */
	int err; /* why the last pass could not use the dump, or 0 */
	bool used; /* the last pass read the dump */
};

/* The lazy /proc source (source_lazy.c) and its streamed walk. */
struct lazy_source {
	struct agent_cand *cand; /* the first stage's heap, cand_max */
	size_t cand_max; /* room in cand (tests lower it) */
	size_t ncand; /* candidates the first stage kept */
	size_t cand_room; /* at most that many, agent_cand_room() */
	struct agent_cand last; /* the last one the second stage took */
	unsigned long bound_score; /* the oom_score bound_points is of */
	long bound_points; /* its badness_max_points() */
	struct agent_cand drop_best; /* the best of those left out */
	size_t nsampled; /* full samples taken */
	size_t nzero; /* processes showing oom_score 0 */
	unsigned int stream_passes; /* /proc passes left to stream */
	bool streamed; /* the last pass from /proc sampled everyone */
	bool dropped; /* the first stage left some out, unsampled */
	bool again; /* the second walk, for those after last */
};

/*
 * A pass's context: its configuration, what every stage reads through
 * (the sampler, the system's totals), each stage's own state, and the
 * table the sources fill and rank.c orders.
 */
struct agent {
	/* Set before agent_init(), or before the first pass. */
	struct policy policy;
	enum agent_source source;
	int full; /* sample every process fully (--list), never lazily */
	/*
	 * The watched cgroup as /proc/<pid>/cgroup shows it
	 * (cgroup_mem_path()), or "": only the processes of its subtree
	 * are queued.
	 */
	char scope[SAMPLE_TEXT_LEN];

	const char *root; /* the /proc root agent_init() was given */
	bool real_proc; /* the root is /proc, not a fixture */
	struct proc_sampler sampler;
	struct sample_sys sys;

	/* The stages' own state. */
	struct dump_source dump;
	struct lazy_source lazy;
	struct proc_events events; /* of the lazy and streamed walks */
	struct classifier cls;

	/*
	 * The table: tab_size entries, cap or, if more, OOMQ_QUEUE_MAX + 1
	 * (zmem.h).  classic, rss from /proc and --list fill it; the other
	 * paths use only its first queue_length + 1 entries: the
	 * queueable they kept.
	 */
	struct sample *tab;
	uint32_t *order; /* tab_size entries: ranking, first victim first */
	char *queue; /* the text for /proc/oom, OOMQ_PROC_WRITE_MAX bytes */
	size_t cap; /* processes a whole table (classic, --list) takes */
	size_t tab_size;
	size_t n; /* in tab after the last pass */
	size_t nprocs; /* processes seen in the last pass */
	size_t nranked; /* queueable in the last pass */
	int queue_len; /* bytes of queue text */
	int truncated; /* a whole table saw more than cap processes */
	struct rank_best best; /* dump, lazy: the best queue_length so far */
};

/* Strings for rules beyond comm and uid come from /proc even so. */
#define PROC_NEED_TEXT                                          \
	(PROC_NEED_CMDLINE | PROC_NEED_EXE | PROC_NEED_CGROUP | \
	 PROC_NEED_LINEAGE)

#endif /* _OOMQD_AGENT_TYPES_H */
