// SPDX-License-Identifier: GPL-2.0
/*
 * Ranking.  Sorting and selecting are heaps in place (heap.h) rather
 * than qsort(): glibc's qsort() may malloc() a merge buffer, and this
 * runs under memory pressure, where the agent must not allocate.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "heap.h"
#include "rank.h"

/* Greater pid above: heap_sort() puts them in ascending order. */
static bool pid_above(const void *x, const void *y, const void *ctx)
{
	const struct sample *a = x, *b = y;

	(void)ctx;
	return a->pid > b->pid;
}

static struct sample *find_pid(struct sample *tab, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab[mid].pid == pid)
			return &tab[mid];
		if (tab[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void rank_children(struct sample *tab, size_t n, unsigned int page_kb)
{
	heap_sort(tab, n, sizeof(*tab), pid_above, NULL);
	for (size_t i = 0; i < n; i++)
		tab[i].child_vm_pages = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sample *c = &tab[i];
		struct sample *parent;

		/* Only children with their own mm, as the kernel counted. */
		if (c->flags & (SAMPLE_KTHREAD | SAMPLE_NO_MM) || !c->ppid)
			continue;
		parent = find_pid(tab, n, c->ppid);
		if (parent)
			parent->child_vm_pages +=
				c->total_vm_kb / page_kb / 2 + 1;
	}
}

const char *rank_excluded(const struct sample *s)
{
	if (s->flags & SAMPLE_KTHREAD)
		return "kernel thread";
	if (s->pid == 1)
		return "init";
	if (s->flags & SAMPLE_SELF)
		return "oomqd itself";
	if (s->flags & SAMPLE_NO_MM)
		return "no memory (exiting)";
	if (s->oom_score_adj == -1000)
		return "oom_score_adj -1000";
	if (s->flags & SAMPLE_UNKILLABLE)
		return "reaped or in vfork";
	if (s->flags & SAMPLE_OUTSIDE)
		return "outside the watched cgroup";
	if (s->priority == 0 && (s->flags & SAMPLE_SESSION))
		return "the session";
	if (s->priority == 0)
		return s->rule == SAMPLE_NO_RULE ? "priority 0" : "protected";
	if (s->badness == BADNESS_UNKILLABLE)
		return "unkillable";
	return NULL;
}

bool rank_before(const struct sample *x, const struct sample *y,
		 enum badness_port port)
{
	(void)port; /* every port's score is its own points */
	if (x->priority != y->priority)
		return x->priority > y->priority;
	if (x->score != y->score)
		return x->score > y->score;
	if (x->rss_kb != y->rss_kb)
		return x->rss_kb > y->rss_kb;
	return x->pid < y->pid;
}

/* badness + adjust in oom_score_adj units, as oom_badness() scales them. */
static long adjusted(long badness, int adjust, uint64_t totalpages)
{
	long step = (long)(totalpages / 1000);

	if (adjust > 0 && badness > LONG_MAX - adjust * step)
		return LONG_MAX;
	return badness + adjust * step;
}

void rank_score(struct sample *s, const struct sample_sys *sys,
		enum badness_port port)
{
	uint64_t totalpages = sample_sys_totalpages(sys);

	s->badness = badness_of(port, s, sys);
	s->score = s->badness == BADNESS_UNKILLABLE ?
			   BADNESS_UNKILLABLE :
			   adjusted(s->badness, s->adjust, totalpages);
}

/* Heaps of indices into a table of scored samples. */
struct rank_ctx {
	const struct sample *tab;
	enum badness_port port;
};

/* The first in queue order on top. */
static bool first_above(const void *x, const void *y, const void *ctx)
{
	const struct rank_ctx *c = ctx;

	return rank_before(&c->tab[*(const uint32_t *)x],
			   &c->tab[*(const uint32_t *)y], c->port);
}

/* The last in queue order on top. */
static bool last_above(const void *x, const void *y, const void *ctx)
{
	return first_above(y, x, ctx);
}

/*
 * The first @want of @order[0..@n) in queue order at the front: a heap
 * built in O(n), then @want pops, each to the end of the shrinking heap,
 * so the tail holds them last-popped first; reversing the whole array
 * brings them to the front in order.  A queue of 32 out of 10,000
 * processes costs little more than the heap.
 */
static void rank_select(uint32_t *order, size_t n, size_t want,
			const struct rank_ctx *c)
{
	if (want > n)
		want = n;
	heap_make(order, n, sizeof(*order), first_above, c);
	for (size_t end = n; end > n - want; end--)
		heap_pop(order, end, sizeof(*order), first_above, c);
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		uint32_t t = order[i];

		order[i] = order[j - 1];
		order[j - 1] = t;
	}
}

size_t rank_order(struct sample *tab, size_t n, const struct sample_sys *sys,
		  enum badness_port port, size_t want, uint32_t *order)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		rank_score(&tab[i], sys, port);
		if (!rank_excluded(&tab[i]))
			order[k++] = (uint32_t)i;
	}
	rank_select(order, k, want,
		    &(struct rank_ctx){ .tab = tab, .port = port });
	return k;
}

void rank_best_start(struct rank_best *b, struct sample *tab, uint32_t *heap,
		     size_t max, const struct sample_sys *sys,
		     enum badness_port port)
{
	b->tab = tab;
	b->heap = heap;
	b->n = 0;
	b->max = max;
	b->spare = 0;
	b->sys = sys;
	b->port = port;
}

/*
 * The kept ones' slots are those of the heap: 0..n-1 until the first is
 * left out, then all of 0..max but the spare, which is the slot of the
 * one left out last.
 */
void rank_best_offer(struct rank_best *b)
{
	struct sample *s = &b->tab[b->spare];
	uint32_t i = b->spare;

	rank_score(s, b->sys, b->port);
	if (rank_excluded(s))
		return;
	if (heap_offer(b->heap, &b->n, b->max, sizeof(i), &i, last_above,
		       &(struct rank_ctx){ .tab = b->tab, .port = b->port }))
		b->spare = i;
	else
		b->spare = (uint32_t)b->n;
}

const struct sample *rank_best_worst(const struct rank_best *b)
{
	return b->n == b->max && b->max ? &b->tab[b->heap[0]] : NULL;
}

bool rank_best_has(const struct rank_best *b, pid_t pid)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->tab[b->heap[i]].pid == pid)
			return true;
	return false;
}

size_t rank_best_end(struct rank_best *b)
{
	if (b->n == b->max && b->spare < b->max)
		b->tab[b->spare] = b->tab[b->max];
	return b->n;
}

int rank_format_queue(const struct sample *tab, const uint32_t *order, size_t n,
		      size_t max, char *buf, size_t size)
{
	size_t len = 0;

	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, size - len, "%s%d", i ? " " : "",
				 (int)tab[order[i]].pid);

		if (w < 0 || (size_t)w >= size - len)
			return -ENOSPC;
		len += w;
	}
	if (len + 2 > size)
		return -ENOSPC;
	buf[len++] = '\n';
	buf[len] = '\0';
	return (int)len;
}
