// SPDX-License-Identifier: GPL-2.0
/*
 * Ranking.  Sorting is an in-place heapsort rather than qsort(): glibc's
 * qsort() may malloc() a merge buffer, and this runs under memory
 * pressure, where the agent must not allocate.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rank.h"

typedef int (*rank_cmp_fn)(const void *a, const void *b, const void *ctx);

static void swap_bytes(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(char *base, size_t root, size_t n, size_t size,
		      rank_cmp_fn cmp, const void *ctx)
{
	for (;;) {
		size_t child = 2 * root + 1, max = root;

		if (child < n &&
		    cmp(base + child * size, base + max * size, ctx) > 0)
			max = child;
		if (child + 1 < n &&
		    cmp(base + (child + 1) * size, base + max * size, ctx) > 0)
			max = child + 1;
		if (max == root)
			return;
		swap_bytes(base + root * size, base + max * size, size);
		root = max;
	}
}

/* Ascending by @cmp. */
static void heapsort_r(void *base, size_t n, size_t size, rank_cmp_fn cmp,
		       const void *ctx)
{
	char *b = base;

	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp, ctx);
	for (size_t end = n - 1; end > 0; end--) {
		swap_bytes(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp, ctx);
	}
}

static int cmp_pid(const void *a, const void *b, const void *ctx)
{
	const struct sample *x = a, *y = b;

	(void)ctx;
	return (x->pid > y->pid) - (x->pid < y->pid);
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
	heapsort_r(tab, n, sizeof(*tab), cmp_pid, NULL);
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
	if (s->priority == 0)
		return s->rule == SAMPLE_NO_RULE ? "priority 0" : "protected";
	if (s->badness == BADNESS_UNKILLABLE)
		return "unkillable";
	return NULL;
}

struct rank_ctx {
	const struct sample *tab;
	enum badness_port port;
};

static int cmp_rank(const void *a, const void *b, const void *ctx)
{
	const struct rank_ctx *c = ctx;
	const struct sample *x = &c->tab[*(const uint32_t *)a];
	const struct sample *y = &c->tab[*(const uint32_t *)b];

	/* "Greater" sorts later; the queue wants the first victim first. */
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	if (c->port == BADNESS_MODERN && x->key != y->key)
		return x->key > y->key ? -1 : 1;
	if (c->port != BADNESS_MODERN && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* badness + adjust in oom_score_adj units, as oom_badness() scales them. */
static long adjusted(long badness, int adjust, uint64_t totalpages)
{
	long step = (long)(totalpages / 1000);

	if (adjust > 0 && badness > LONG_MAX - adjust * step)
		return LONG_MAX;
	return badness + adjust * step;
}

/* Does @x go before @y in the queue? */
static bool rank_before(const struct rank_ctx *c, uint32_t x, uint32_t y)
{
	return cmp_rank(&x, &y, c) < 0;
}

/* A heap of indices with the first in queue order at the root. */
static void rank_sift_down(uint32_t *h, size_t root, size_t n,
			   const struct rank_ctx *c)
{
	for (;;) {
		size_t child = 2 * root + 1, top = root;
		uint32_t t;

		if (child < n && rank_before(c, h[child], h[top]))
			top = child;
		if (child + 1 < n && rank_before(c, h[child + 1], h[top]))
			top = child + 1;
		if (top == root)
			return;
		t = h[root];
		h[root] = h[top];
		h[top] = t;
		root = top;
	}
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
	for (size_t i = n / 2; i-- > 0;)
		rank_sift_down(order, i, n, c);
	for (size_t end = n; end > n - want; end--) {
		uint32_t t = order[0];

		order[0] = order[end - 1];
		order[end - 1] = t;
		rank_sift_down(order, 0, end - 1, c);
	}
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		uint32_t t = order[i];

		order[i] = order[j - 1];
		order[j - 1] = t;
	}
}

size_t rank_order(struct sample *tab, size_t n, const struct sample_sys *sys,
		  enum badness_port port, size_t want, uint32_t *order)
{
	uint64_t totalpages = sample_sys_totalpages(sys);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct sample *s = &tab[i];

		s->badness = badness_of(port, s, sys);
		s->score = s->badness == BADNESS_UNKILLABLE ?
				   BADNESS_UNKILLABLE :
				   adjusted(s->badness, s->adjust, totalpages);
		s->key = rank_modern_key(
			badness_oom_score(s->badness, totalpages), s->adjust);
		if (!rank_excluded(s))
			order[k++] = (uint32_t)i;
	}
	rank_select(order, k, want,
		    &(struct rank_ctx){ .tab = tab, .port = port });
	return k;
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
