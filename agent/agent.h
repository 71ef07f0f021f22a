/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One ranking pass, and the state it needs, allocated once.
 *
 * This is the seam between "whom to pick" and "when to act": whatever
 * decides that it is time (a timer in main.c today; the PSI/pressure
 * watcher, a kill event from netlink) calls agent_rank() and then
 * agent_write_queue().  A pass reads /proc, ranks, and replaces the kernel's
 * queue with one write(); it allocates nothing and does bounded work (one
 * read per /proc file it needs, per process).  Its memory is bounded by the
 * queue's length, not by the number of processes, on the paths the daemon
 * takes by default (the modern port; the rss port from the module's dump);
 * the classic port, the rss port from /proc and --list keep a table of up to
 * a.cap processes.  The policy's regexes run only for processes the match
 * cache has not seen (mcache.h), since glibc's regexec() allocates; rules
 * that are only lists of names need no cache. *
 * The modern port's pass is lazy, as earlyoom's victim search is:
 * reading /proc is nearly all of a pass's cost (about 6-12 us per file
 * per process), so
 *
 *   1. every process: /proc/<pid>/oom_score, the kernel's points
 *      scaled to 0-1000 (badness_max_points() turns it into the most
 *      points the process can have: its bound), plus only the files the
 *      rules match (comm; cmdline, exe, cgroup, status for uid only when
 *      a rule names them; comm and status, when the daemon listens to
 *      process events, only of new and changed processes: verdicts.h).
 *      One compact struct agent_cand each, kept only while it is among
 *      the best few by bound (agent_cand_room()) in a bounded heap;
 *   2. best first: the full sample (stat, status, oom_score_adj) of
 *      those candidates, ranked by their exact points into the best
 *      queue_length (kernel threads, zombies, -1000 and the vanished
 *      falling out), until no candidate's bound reaches the last of
 *      those.  One oom_score step is 0.15 % of RAM and swap, so many
 *      processes share a bound: if the kept ones run out while one the
 *      first stage left out may still go in, a second walk samples
 *      those left out that may (source_lazy.c, source_lazy_read()).
 *
 * The queue is the one the full sample of every process gives (tested on
 * tests/fixtures/proc and proc-ties): ranked by the kernel's own
 * unquantised points, ties by RSS.  What that costs is a full sample of
 * every process that ties at the cut: on a machine where most processes
 * are small and show the same oom_score, nearly all of them.  Nothing
 * cheaper ranks those exactly: the page tables are only in status, the
 * RSS oom_badness() adds only in stat (newer kernels, 6.18 here, show
 * the exact sum of the per-CPU counters in statm and status, and add the
 * cheaper approximation that stat shows), and no file bounds them from
 * above but oom_score, the same for all of them.  A lazy pass that finds
 * most processes so makes the next AGENT_STREAM_PASSES passes skip the
 * oom_score reads and sample every process at once (source_proc.c,
 * source_proc_stream(): three files each, about four times a pass that
 * reads oom_score alone), into the same bounded queue.  The classic and rss
 * ports need stat, status and oom_score_adj of everyone (total_vm,
 * children, cpu time, capabilities, oomkilladj) and `oomqd --list` shows
 * every process, so they sample everything.
 *
 * With the oomq module loaded a pass reads its task snapshot instead
 * (OOMQ_CMD_GET_TASKS, lib/oomq_tasks.h): every field of every process
 * in a few recvmsg() calls, so every port samples everything and no
 * lazy stage is needed.  The modern and rss ports score each process as
 * it comes and keep only the best queue_length queueable ones
 * (struct rank_best); classic (whose badness adds the children's) and
 * --list keep the whole table.  Only the strings a rule matches beyond
 * comm and uid (cmdline, exe, cgroup path) still come from /proc.  A dump
 * that fails (the module unloaded, no CAP_SYS_PTRACE) makes that pass
 * read /proc; AGENT_SOURCE_AUTO tries the dump again a few passes
 * later.
 */
#ifndef _OOMQD_AGENT_H
#define _OOMQD_AGENT_H

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

/*
 * Allocates everything a pass needs; @policy must already be loaded and
 * a->source set (zero: AGENT_SOURCE_AUTO).
 */
int agent_init(struct agent *a, const char *proc_root, size_t cap);
void agent_fini(struct agent *a);

/*
 * Call after replacing a->policy (a reload): the remembered matches
 * belong to the old rules, and the new ones may want events or not.
 */
void agent_policy_changed(struct agent *a);

/*
 * For a daemon, which passes again and again: listen to the kernel's
 * process events (cn_proc.h) while the policy's rules read only comm
 * and uid, so a pass from /proc classifies only new and changed
 * processes (verdicts.h).  A pass from the module's dump stops
 * listening; the next pass from /proc listens again.  0 when listening
 * or not needed (then a->events.cn.sk is NULL), else why not (-EPERM
 * without CAP_NET_ADMIN), also kept in a->events.err; passes work the
 * same either way.
 */
int agent_listen(struct agent *a);

/* Samples and ranks into a->order and a->queue; writes nothing. */
int agent_rank(struct agent *a);

/* How many candidates the lazy pass keeps with a->policy's queue. */
size_t agent_cand_room(const struct agent *a);

/*
 * Replaces /proc/oom (under the proc root) with a->queue in one write().
 * -ENOENT when the file does not exist: the oomq module is not loaded.
 */
int agent_write_queue(struct agent *a);

/* Queued processes of "pause = yes" rules not @skip'ped, queue order. */
size_t agent_pausable(const struct agent *a, bool (*skip)(pid_t pid, void *arg),
		      void *arg, const struct sample **out, size_t max);

/*
 * @err of agent_rank(), or the first failure of a pass with @err 0, as
 * the log should say it: "/proc/1234/status: File too large" when a
 * file failed, else strerror().  Into @buf; returns @buf.
 */
const char *agent_strerror(const struct agent *a, int err, char *buf,
			   size_t size);

/* "netlink task dump" or "/proc": what the last pass read. */
const char *agent_source_used(const struct agent *a);
int agent_source_parse(const char *name, enum agent_source *source);

#endif /* _OOMQD_AGENT_H */
