// SPDX-License-Identifier: GPL-2.0
/*
 * The match cache; see mcache.h for why.  No allocation after
 * mcache_init(), bounded work: a probe or so per lookup, and one walk
 * of the table per pass that lost a process.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "mcache.h"
#include "zmem.h"

int mcache_init(struct mcache *c, size_t size)
{
	unsigned int bits = 2;

	memset(c, 0, sizeof(*c));
	while (bits < 30 && ((size_t)1 << bits) < size)
		bits++;
	c->size = (size_t)1 << bits;
	c->max = c->size - c->size / 4;
	c->shift = 64 - bits;
	/* Pages of slots never used cost no RSS. */
	c->slot = zmem_alloc(c->size, sizeof(*c->slot));
	if (!c->slot) {
		memset(c, 0, sizeof(*c));
		return -ENOMEM;
	}
	return 0;
}

void mcache_fini(struct mcache *c)
{
	zmem_free(c->slot, c->size, sizeof(*c->slot));
	memset(c, 0, sizeof(*c));
}

void mcache_clear(struct mcache *c)
{
	for (size_t i = 0; c->n && i < c->size; i++) {
		if (c->slot[i].pid) {
			memset(&c->slot[i], 0, sizeof(c->slot[i]));
			c->n--;
		}
	}
	c->added = 0;
}

void mcache_begin(struct mcache *c)
{
	c->pass++;
	c->added = 0;
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
	h = fnv_str(h, t->cgroup, sizeof(t->cgroup));
	/* match_ancestor_comm: who the ancestors are, not only their names. */
	for (unsigned int i = 0; i < t->lineage.n; i++) {
		h = fnv(h, &t->lineage.up[i].pid, sizeof(t->lineage.up[i].pid));
		h = fnv_str(h, t->lineage.up[i].comm,
			    sizeof(t->lineage.up[i].comm));
	}
	return fnv(h, &t->lineage.n, sizeof(t->lineage.n));
}

/* Fibonacci hashing: pids close together land far apart. */
static size_t home(const struct mcache *c, pid_t pid)
{
	return (size_t)(((uint64_t)(uint32_t)pid * 0x9e3779b97f4a7c15ULL) >>
			c->shift);
}

/* @pid's entry, or the free slot where it would go. */
static struct mcache_entry *find(const struct mcache *c, pid_t pid)
{
	size_t mask = c->size - 1;

	for (size_t i = home(c, pid);; i = (i + 1) & mask)
		if (c->slot[i].pid == pid || !c->slot[i].pid)
			return &c->slot[i];
}

bool mcache_lookup(struct mcache *c, struct sample *s, uint64_t hash)
{
	const struct mcache_entry *e = s->pid > 0 ? find(c, s->pid) : NULL;

	if (!e || e->pid != s->pid || e->start_ticks != s->start_ticks ||
	    e->hash != hash) {
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

	if (s->pid <= 0)
		return;
	e = find(c, s->pid);
	if (!e->pid) {
		if (c->n == c->max)
			return; /* full: classified again next pass */
		c->n++;
	}
	if (e->pid != s->pid || e->pass != c->pass)
		c->added++;
	e->pid = s->pid;
	e->pass = c->pass;
	e->start_ticks = s->start_ticks;
	e->hash = hash;
	e->rule = s->rule;
	e->adjust = s->adjust;
	e->priority = s->priority;
}

void mcache_keep(struct mcache *c, const struct sample *s)
{
	struct mcache_entry *e;

	if (s->pid <= 0)
		return;
	e = find(c, s->pid);
	if (e->pid != s->pid || e->start_ticks != s->start_ticks ||
	    e->pass == c->pass)
		return;
	e->pass = c->pass;
	c->added++;
}

/*
 * Empties slot @i and closes the gap (backward-shift deletion): each
 * entry after it in the run moves back into the gap unless that would
 * put it before its home slot, so that every probe still finds it.
 */
static void remove_at(struct mcache *c, size_t i)
{
	size_t mask = c->size - 1;

	for (size_t j = (i + 1) & mask; c->slot[j].pid; j = (j + 1) & mask) {
		size_t h = home(c, c->slot[j].pid);

		/* Stays: its home is after the gap, cyclically. */
		if (((j - h) & mask) < ((j - i) & mask))
			continue;
		c->slot[i] = c->slot[j];
		i = j;
	}
	memset(&c->slot[i], 0, sizeof(c->slot[i]));
	c->n--;
}

/*
 * Drops the entries this pass did not add.  A removal moves entries back
 * within their run only, so none not yet looked at lands before the slot
 * being looked at: one walk, looking again at each slot it empties,
 * sees them all.  It stops once only this pass's entries are left.
 */
void mcache_end(struct mcache *c)
{
	for (size_t i = 0; c->n != c->added && i < c->size; i++)
		while (c->slot[i].pid && c->slot[i].pass != c->pass)
			remove_at(c, i);
}
