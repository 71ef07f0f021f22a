/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcache: what the policy rules said about each process, remembered
 * from one pass to the next so the regexes run once per process.
 *
 * glibc's regexec() calls malloc(), and the ranking pass must not
 * allocate under pressure.  A process is keyed by (pid, start time),
 * which a recycled PID never repeats, and checked against a hash of
 * every string and id a rule can match (comm, uid, cmdline, exe, cgroup
 * path), since exec, prctl(PR_SET_NAME), setuid or a cgroup move change
 * those without changing the key.  The lazy pass (agent.c) reads no stat
 * in its first stage and passes start time 0: it re-reads every string
 * the rules match each pass, so the hash alone decides, and a stat read
 * per process only for the key would cost more than the comm it hashes.
 *
 * Two arrays of cap entries, allocated once: the last pass's entries,
 * sorted by pid (binary search), and this pass's, filled in sampling
 * order.  mcache_end() sorts the new one (already sorted when /proc
 * lists by pid) and swaps them, so a process that vanished is simply not
 * carried over: the cache never holds more than one pass's processes.
 */
#ifndef _OOMQ_AGENT_MCACHE_H
#define _OOMQ_AGENT_MCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sample.h"

struct mcache_entry {
	uint64_t start_ticks; /* clock ticks after boot */
	uint64_t hash; /* of the strings the rules match */
	pid_t pid;
	int16_t rule; /* what policy_classify() set */
	int16_t adjust; /* oom_score_adj units */
	uint16_t priority;
};

struct mcache {
	struct mcache_entry *prev; /* last pass, sorted by pid */
	struct mcache_entry *cur; /* this pass, sampling order */
	size_t nprev, ncur, cap;
	unsigned long hits, misses; /* this pass */
};

/* -ENOMEM, or 0. */
int mcache_init(struct mcache *c, size_t cap);
void mcache_fini(struct mcache *c);
/* Forget everything: the rules changed. */
void mcache_clear(struct mcache *c);

void mcache_begin(struct mcache *c);
void mcache_end(struct mcache *c);

uint64_t mcache_hash(const struct sample *s, const struct sample_text *t);
/*
 * Copies the remembered rule, adjust and priority into @s and returns
 * true, or returns false: classify it.  Either way, mcache_add() it.
 */
bool mcache_lookup(struct mcache *c, struct sample *s, uint64_t hash);
void mcache_add(struct mcache *c, const struct sample *s, uint64_t hash);

#endif /* _OOMQ_AGENT_MCACHE_H */
