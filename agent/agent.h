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

#include "agent_types.h"
#include "queued.h"
#include "source_lazy.h"

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
