/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ranking: from a table of classified samples to the queue order, and
 * the queue as the text one write() to /proc/oom takes.  Pure and
 * allocation-free: the caller owns every buffer.
 */
#ifndef _OOMQD_RANK_H
#define _OOMQD_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badness.h"
#include "sample.h"

/* Sorts the table by pid and fills child_vm_pages (classic port). */
void rank_children(struct sample *tab, size_t n, unsigned int page_kb);

/*
 * Why a sample is never queued, or NULL when it may be.  Reads the
 * badness, so call after rank_order() has scored the table.
 */
const char *rank_excluded(const struct sample *s);

/* Scores @s with @port: s->badness and s->score. */
void rank_score(struct sample *s, const struct sample_sys *sys,
		enum badness_port port);

/*
 * Does scored @x go before @y in the queue?  Higher priority group
 * first, then higher score, then more RSS, then lower pid: a strict
 * order, since pids differ.  The modern port's score is the kernel's
 * own points (oom_badness() plus the rule's adjust in the same units),
 * unquantised as the kernel compares them: /proc/<pid>/oom_score's
 * 0-1000 steps are 0.15 % of RAM and swap each, 1.5 GiB on a 1 TiB
 * machine, and every process below one would tie.
 */
bool rank_before(const struct sample *x, const struct sample *y,
		 enum badness_port port);

/*
 * Scores every sample with @port (s->badness, s->score) and writes the
 * indices of the queueable ones to @order in rank_before()'s order.
 * Only the first @want are put in that order (the queue needs no more;
 * @n or more sorts all); the rest follow in no order.  Returns how many
 * are queueable; @order must have room for @n.
 */
size_t rank_order(struct sample *tab, size_t n, const struct sample_sys *sys,
		  enum badness_port port, size_t want, uint32_t *order);

/*
 * The best @max queueable samples of a stream, kept in a bounded heap as
 * they come, so that ranking N processes needs room for @max, not N:
 * what rank_order() would put first in the whole table is what it puts
 * first in the kept ones.  The stream's samples are built in place:
 *
 *	rank_best_start(&b, tab, heap, max, sys, port);
 *	for each process:
 *		fill and classify *rank_best_slot(&b), then rank_best_offer(&b);
 *	n = rank_best_end(&b);	(the kept ones are tab[0..n), in no order)
 *
 * @tab has room for @max + 1 samples (the kept and the one coming),
 * @heap for @max indices.
 */
struct rank_best {
	struct sample *tab;
	uint32_t *heap; /* indices into tab, the last in queue order on top */
	size_t n, max;
	uint32_t spare; /* the slot the next sample is built in */
	const struct sample_sys *sys;
	enum badness_port port;
};

void rank_best_start(struct rank_best *b, struct sample *tab, uint32_t *heap,
		     size_t max, const struct sample_sys *sys,
		     enum badness_port port);

static inline struct sample *rank_best_slot(struct rank_best *b)
{
	return &b->tab[b->spare];
}

/* Scores the slot's sample; keeps it if queueable and among the best. */
void rank_best_offer(struct rank_best *b);

/*
 * The last kept in queue order, the one a better sample replaces; NULL
 * while fewer than @max are kept.
 */
const struct sample *rank_best_worst(const struct rank_best *b);

/* Is a sample with @pid among the kept ones? */
bool rank_best_has(const struct rank_best *b, pid_t pid);

/* Moves the kept ones to tab[0..n) and returns n. */
size_t rank_best_end(struct rank_best *b);

/*
 * The first @max PIDs of @order as "pid pid pid\n".  Returns the length,
 * or -ENOSPC when @size is too small (nothing useful is left in @buf).
 * An empty queue is "\n", which clears /proc/oom.
 */
int rank_format_queue(const struct sample *tab, const uint32_t *order, size_t n,
		      size_t max, char *buf, size_t size);

#endif /* _OOMQD_RANK_H */
