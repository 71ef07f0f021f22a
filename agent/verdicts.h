/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules' verdicts of the last pass, kept exact by the kernel's
 * process events (cn_proc.h), so that a pass from /proc reads comm (and
 * status, for uid) only of the processes that are new or changed
 * instead of every process every time.
 *
 * It holds only the processes some rule matched, in pid order, and the
 * pids the events named since the last pass.  Every other process the
 * walk meets was classified in an earlier walk and no rule matched it:
 * a process cannot appear without a fork event, nor take another comm
 * or uid without an exec, comm or uid event.  That holds from the first
 * walk that classified everyone ("primed") until events are lost, when
 * the next walk classifies everyone again.
 *
 * A walk looks pids up in ascending order, as /proc lists them, so a
 * lookup is a step of a cursor, not a search.  Memory is fixed and
 * small (VERDICTS_MAX matched, VERDICTS_DIRTY_MAX named), whatever the
 * number of processes; more matched processes than that, or pids out
 * of order (not a real /proc), and every walk classifies everyone, as
 * without events.
 *
 * Only rules on comm and uid qualify: cmdline, the exe link and the
 * cgroup can change with no event.
 *
 * The events are read once before each walk, so a walk's verdicts are
 * those of its start: a process forked while it runs counts as matching
 * nothing until the next walk reads it, as one renamed just after its
 * comm was read does in any walk.
 */
#ifndef _OOMQD_VERDICTS_H
#define _OOMQD_VERDICTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VERDICTS_MAX 2048 /* processes a rule matched */
#define VERDICTS_DIRTY_MAX 1536 /* pids named by events between walks */
#define VERDICTS_DIRTY_SLOTS 2048 /* their hash table, a power of two */

/* verdicts_get(): read and classify this one. */
#define VERDICT_UNKNOWN (-2)

struct verdicts_slot {
	pid_t pid;
	int16_t rule; /* >= 0: policy_classify() found it */
};

struct verdicts {
	struct verdicts_slot *cur, *next; /* the last walk's, this walk's */
	size_t ncur, nnext, pos; /* pos: cursor into cur */
	pid_t *dirty; /* open addressing, 0 = empty */
	size_t ndirty;
	pid_t prev; /* the pid looked up last in this walk */
	bool primed; /* a pid not in cur nor dirty matches no rule */
	bool broken; /* this walk cannot be remembered */
	unsigned long classified; /* this walk: VERDICT_UNKNOWN answers */
};

int verdicts_init(struct verdicts *v);
void verdicts_fini(struct verdicts *v);

/* Events were lost, or the rules changed: classify everyone next. */
void verdicts_forget(struct verdicts *v);
/* An event named @pid (cn_proc_fn): classify it at the next walk. */
void verdicts_dirty(pid_t pid, void *v);

void verdicts_begin(struct verdicts *v);
/*
 * The rule remembered for @pid (>= 0, or SAMPLE_NO_RULE), which this
 * walk keeps, or VERDICT_UNKNOWN: then classify it and verdicts_put()
 * its rule, or VERDICT_UNKNOWN if its files could not be read (a
 * process that is still there), which makes the next walk read all.
 */
int verdicts_get(struct verdicts *v, pid_t pid);
void verdicts_put(struct verdicts *v, pid_t pid, int rule);
/* @complete: the walk met every process (no error midway). */
void verdicts_end(struct verdicts *v, bool complete);

#endif /* _OOMQD_VERDICTS_H */
