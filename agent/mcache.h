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
 * those without changing the key.  The lazy pass (source_lazy.c) reads
 * no stat in its first stage and passes start time 0: it re-reads every
 * string the rules match each pass, so the hash alone decides, and a
 * stat read per process only for the key would cost more than the comm
 * it hashes.
 *
 * Only a policy with a rule that needs regexec() uses the cache: when
 * every rule is a list of names, policy_classify() is one lookup of comm
 * in the policy's index of those names and allocates nothing
 * (policy_uses_regex()).
 *
 * One table of a fixed number of slots, allocated once, open addressing
 * by pid (pidtab.h, as vcache.h's).  Each entry carries the pass that
 * last added it; mcache_end() removes those the pass did not add, so a
 * process that vanished is not carried over and the cache never holds
 * more than one pass's processes.  At most 3/4 of the slots are used (a
 * free slot ends every probe); when that many are, a process not in the
 * table is classified every pass without being remembered: correct,
 * only slower, and regexec() then allocates in the pass.
 */
#ifndef _OOMQ_AGENT_MCACHE_H
#define _OOMQ_AGENT_MCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pidtab.h"
#include "sample.h"

struct mcache_entry {
	pid_t pid; /* first, for pidtab.h; 0: a free slot */
	uint32_t pass; /* the last pass that added it */
	uint64_t start_ticks; /* clock ticks after boot */
	uint64_t hash; /* of the strings the rules match */
	int16_t rule; /* what policy_classify() set */
	int16_t adjust; /* oom_score_adj units */
	uint16_t priority;
};

struct mcache {
	struct pidtab tab; /* of struct mcache_entry */
	size_t added; /* entries this pass added */
	uint32_t pass;
	unsigned long hits, misses; /* this pass */
};

/*
 * @size slots, rounded up to a power of two, at least 4.  -ENOMEM, or 0.
 * The table has a mapping of its own (zmem.h): slots never used cost
 * no RSS.
 */
int mcache_init(struct mcache *c, size_t size);
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
/*
 * @s's entry, if any, counts as added this pass: its verdict came from
 * vcache.h, and its regexes must not run again once that expires.
 */
void mcache_keep(struct mcache *c, const struct sample *s);

#endif /* _OOMQ_AGENT_MCACHE_H */
