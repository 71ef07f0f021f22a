/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One ranking pass, and the state it needs, allocated once.
 *
 * This is the seam between "whom to pick" and "when to act": whatever
 * decides that it is time (a timer in main.c today; the PSI/pressure
 * watcher, a kill event from netlink) calls agent_pass().  A pass reads
 * /proc, ranks, and replaces the kernel's queue with one write(); it
 * allocates nothing and does bounded work (one read per /proc file it
 * needs, per process, at most a.cap processes).  The policy's regexes
 * run only for processes the match cache has not seen (mcache.h), since
 * glibc's regexec() allocates.
 */
#ifndef _OOMQD_AGENT_H
#define _OOMQD_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "mcache.h"
#include "policy.h"
#include "proc_sample.h"
#include "sample.h"

#define AGENT_MAX_PROCS 16384 /* default table size */

struct agent {
	struct policy policy;
	struct proc_sampler sampler;
	struct sample_sys sys;
	struct mcache cache; /* rule matches of the last pass */
	struct sample *tab; /* cap entries */
	uint32_t *order; /* cap entries: ranking, first victim first */
	char *queue; /* the text for /proc/oom, OOMQ_PROC_WRITE_MAX bytes */
	size_t cap;
	size_t n; /* sampled in the last pass */
	size_t nranked; /* queueable in the last pass */
	int queue_len; /* bytes of queue text */
	int truncated; /* the last pass saw more than cap processes */
};

/* Allocates everything a pass needs; @policy must already be loaded. */
int agent_init(struct agent *a, const char *proc_root, size_t cap);
void agent_fini(struct agent *a);

/*
 * Call after replacing a->policy (a reload): the remembered matches
 * belong to the old rules.
 */
void agent_policy_changed(struct agent *a);

/* Samples and ranks into a->order and a->queue; writes nothing. */
int agent_rank(struct agent *a);

/*
 * Replaces /proc/oom (under the proc root) with a->queue in one write().
 * -ENOENT when the file does not exist: the oomq module is not loaded.
 */
int agent_write_queue(struct agent *a);

/* agent_rank() then agent_write_queue(): the call for every trigger. */
int agent_pass(struct agent *a);

#endif /* _OOMQD_AGENT_H */
