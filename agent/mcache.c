// SPDX-License-Identifier: GPL-2.0
/*
 * The match cache; see mcache.h for why.  No allocation after
 * mcache_init(), bounded work: a probe or so per lookup, and one walk
 * of the table per pass that lost a process.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "mcache.h"

_Static_assert(offsetof(struct mcache_entry, pid) == 0,
	       "pidtab.h: an entry's pid comes first");

int mcache_init(struct mcache *c, size_t size)
{
	memset(c, 0, sizeof(*c));
	return pidtab_init(&c->tab, size, sizeof(struct mcache_entry),
			   PIDTAB_SPREAD);
}

void mcache_fini(struct mcache *c)
{
	pidtab_fini(&c->tab);
	memset(c, 0, sizeof(*c));
}

void mcache_clear(struct mcache *c)
{
	pidtab_clear(&c->tab);
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

bool mcache_lookup(struct mcache *c, struct sample *s, uint64_t hash)
{
	const struct mcache_entry *e =
		s->pid > 0 ? pidtab_find(&c->tab, s->pid) : NULL;

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
	e = pidtab_claim(&c->tab, s->pid);
	if (!e)
		return; /* full: classified again next pass */
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
	e = pidtab_find(&c->tab, s->pid);
	if (e->pid != s->pid || e->start_ticks != s->start_ticks ||
	    e->pass == c->pass)
		return;
	e->pass = c->pass;
	c->added++;
}

static bool not_added(const void *e, const void *pass)
{
	return ((const struct mcache_entry *)e)->pass !=
	       *(const uint32_t *)pass;
}

/* Drops the entries this pass did not add: their processes are gone. */
void mcache_end(struct mcache *c)
{
	pidtab_drop(&c->tab, c->added, not_added, &c->pass);
}
