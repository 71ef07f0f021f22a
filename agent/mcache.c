// SPDX-License-Identifier: GPL-2.0
/*
 * The match cache; see mcache.h for why.  No allocation after
 * mcache_init(), bounded work: O(log n) per lookup, one sort per pass.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mcache.h"

int mcache_init(struct mcache *c, size_t cap)
{
	memset(c, 0, sizeof(*c));
	/* calloc: pages never used by a small process table cost no RSS. */
	c->prev = calloc(cap ? cap : 1, sizeof(*c->prev));
	c->cur = calloc(cap ? cap : 1, sizeof(*c->cur));
	if (!c->prev || !c->cur) {
		mcache_fini(c);
		return -ENOMEM;
	}
	c->cap = cap;
	return 0;
}

void mcache_fini(struct mcache *c)
{
	free(c->prev);
	free(c->cur);
	memset(c, 0, sizeof(*c));
}

void mcache_clear(struct mcache *c)
{
	c->nprev = c->ncur = 0;
}

void mcache_begin(struct mcache *c)
{
	c->ncur = 0;
	c->hits = c->misses = 0;
}

/* FNV-1a, 64 bit: a changed string is what matters, not an attacker. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s, size_t size)
{
	/* With the NUL, so "ab"+"c" and "a"+"bc" differ. */
	return fnv(h, s, strnlen(s, size - 1) + 1);
}

uint64_t mcache_hash(const struct sample *s, const struct sample_text *t)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv_str(h, s->comm, sizeof(s->comm));
	h = fnv(h, &s->uid, sizeof(s->uid));
	h = fnv_str(h, t->cmdline, sizeof(t->cmdline));
	h = fnv_str(h, t->exe, sizeof(t->exe));
	return fnv_str(h, t->cgroup, sizeof(t->cgroup));
}

static const struct mcache_entry *find(const struct mcache *c, pid_t pid)
{
	size_t lo = 0, hi = c->nprev;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->prev[mid].pid == pid)
			return &c->prev[mid];
		if (c->prev[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool mcache_lookup(struct mcache *c, struct sample *s, uint64_t hash)
{
	const struct mcache_entry *e = find(c, s->pid);

	if (!e || e->start_ticks != s->start_ticks || e->hash != hash) {
		c->misses++;
		return false;
	}
	s->rule = e->rule;
	s->adjust = e->adjust;
	s->priority = e->priority;
	c->hits++;
	return true;
}

void mcache_add(struct mcache *c, const struct sample *s, uint64_t hash)
{
	struct mcache_entry *e;

	if (c->ncur == c->cap)
		return;
	e = &c->cur[c->ncur++];
	e->pid = s->pid;
	e->start_ticks = s->start_ticks;
	e->hash = hash;
	e->rule = s->rule;
	e->adjust = s->adjust;
	e->priority = s->priority;
}

static void sift_down(struct mcache_entry *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1, max = root;
		struct mcache_entry t;

		if (child < n && a[child].pid > a[max].pid)
			max = child;
		if (child + 1 < n && a[child + 1].pid > a[max].pid)
			max = child + 1;
		if (max == root)
			return;
		t = a[root];
		a[root] = a[max];
		a[max] = t;
		root = max;
	}
}

/* Heapsort, not qsort(): glibc's qsort() may malloc() a merge buffer. */
static void sort_by_pid(struct mcache_entry *a, size_t n)
{
	size_t i;

	for (i = 1; i < n && a[i - 1].pid < a[i].pid; i++)
		;
	if (i >= n) /* /proc lists processes by pid: the usual case */
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		struct mcache_entry t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

void mcache_end(struct mcache *c)
{
	struct mcache_entry *t = c->prev;

	sort_by_pid(c->cur, c->ncur);
	c->prev = c->cur;
	c->nprev = c->ncur;
	c->cur = t;
	c->ncur = 0;
}
