/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcache: each process's classification (its rule, adjust, priority,
 * session and scope flags, and build driver), kept from one pass from
 * the module's dump to the next, so that its files (its stat and its
 * ancestors', its cgroup) are read once in its life, not every pass.
 *
 * Those reads were most of a pass: the dump gives every field of every
 * process in a few recvmsg() calls, then the rules and the session's
 * recognition read two files or more per process (lineage.h, cgroup).
 *
 * A process is keyed by (pid, start time), which a recycled pid never
 * repeats.  What the dump shows of it every pass (parent, comm, uid,
 * euid) is checked against what it showed when its verdict was made;
 * what the dump does not show has these bounds:
 *
 *   - its ancestors: a process's parent changes only when the parent
 *     dies (reparenting to init or a subreaper), and an ancestor's name
 *     only at its exec or prctl(PR_SET_NAME).  Either is seen on the
 *     ancestor itself, which is in the same dump: a changed parent or
 *     comm of any process starts a new epoch, and every verdict made
 *     before it is made again.  A change met after its descendants in
 *     a dump holds for them from the next pass;
 *   - the session's terminals: a terminal is known from its shells
 *     (session.h); the classifier starts a new epoch when one is new;
 *   - its cgroup (someone else's write to cgroup.procs: systemd moves a
 *     process into its scope before its exec, which a changed comm
 *     shows), its session id and controlling terminal (setsid() after
 *     an exec): not in the dump.  A verdict is made again
 *     VCACHE_TTL_MS after it was made, so these are seen within that.
 *
 * Only for rules on comm, uid, ancestry and cgroup (and the session's
 * recognition, which reads ancestry and cgroups): a rule on cmdline or
 * exe turns it off (a rewritten argv shows nowhere), and so does a
 * watched cgroup ([oomqd] cgroup: a process moved out of it is out of
 * reach at once).
 *
 * One table of a fixed number of slots, allocated once, open addressing
 * by pid (pidtab.h, as mcache.h's): a process not seen in a pass is
 * dropped at its end, and when 3/4 of the slots are taken a new process
 * is classified every pass without being remembered (correct, only
 * slower).  No allocation after vcache_init(), a probe or so per
 * lookup.
 */
#ifndef _OOMQ_AGENT_VCACHE_H
#define _OOMQ_AGENT_VCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pidtab.h"
#include "sample.h"

/* A verdict is made again this long after it was made, ms. */
#define VCACHE_TTL_MS 30000

/* What the classification sets of a sample's flags, and keeps. */
#define VCACHE_FLAGS (SAMPLE_SESSION | SAMPLE_OUTSIDE)

struct vcache_entry {
	pid_t pid; /* first, for pidtab.h; 0: a free slot */
	pid_t ppid; /* as the dump showed them then */
	uid_t uid, euid;
	pid_t driver; /* its build driver, once asked: has_driver */
	uint32_t pass; /* the last pass that saw it */
	uint32_t epoch; /* the cache's epoch its verdict was made in */
	uint64_t start_ticks; /* with pid, the process */
	uint64_t made_ms; /* when its verdict was made (uptime) */
	int16_t rule;
	int16_t adjust;
	uint16_t priority;
	uint8_t flags; /* VCACHE_FLAGS */
	bool has_driver;
	char comm[SAMPLE_COMM_LEN];
};

struct vcache {
	struct pidtab tab; /* of struct vcache_entry */
	size_t seen; /* entries this pass saw */
	uint32_t pass;
	uint32_t epoch; /* a new one each time a process changed */
	uint64_t now_ms; /* this pass's uptime */
	unsigned long hits, misses; /* this pass */
};

/* @size slots, rounded up to a power of two, at least 4: 0 or -ENOMEM. */
int vcache_init(struct vcache *c, size_t size);
void vcache_fini(struct vcache *c);
/* Forget every verdict: the rules changed. */
void vcache_clear(struct vcache *c);
/*
 * Every verdict made so far is made again: something they depend on
 * and the dump does not show changed (a new terminal).
 */
void vcache_invalidate(struct vcache *c);

/* A pass begins at uptime @now_ms; vcache_end() drops the unseen. */
void vcache_begin(struct vcache *c, uint64_t now_ms);
void vcache_end(struct vcache *c);

/*
 * @s, as the dump shows it (pid, start_ticks, ppid, comm, uid, euid):
 * its rule, adjust, priority and VCACHE_FLAGS copied in and true, or
 * false: classify it, then vcache_put() it.
 */
bool vcache_get(struct vcache *c, struct sample *s);
/* @s classified this pass: remembered, its driver not yet known. */
void vcache_put(struct vcache *c, const struct sample *s);

/*
 * The build driver remembered for @s (seen this pass) into *@driver:
 * true, or false: find it and vcache_put_driver() it.
 */
bool vcache_get_driver(const struct vcache *c, const struct sample *s,
		       pid_t *driver);
void vcache_put_driver(struct vcache *c, const struct sample *s, pid_t driver);

#endif /* _OOMQ_AGENT_VCACHE_H */
