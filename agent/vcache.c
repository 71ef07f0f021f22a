// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict cache; see vcache.h.
 */
#include <errno.h>
#include <string.h>

#include "vcache.h"
#include "zmem.h"

int vcache_init(struct vcache *c, size_t size)
{
	unsigned int bits = 2;

	memset(c, 0, sizeof(*c));
	while (bits < 30 && ((size_t)1 << bits) < size)
		bits++;
	c->size = (size_t)1 << bits;
	c->max = c->size - c->size / 4;
	c->slot = zmem_alloc(c->size, sizeof(*c->slot));
	if (!c->slot) {
		memset(c, 0, sizeof(*c));
		return -ENOMEM;
	}
	return 0;
}

void vcache_fini(struct vcache *c)
{
	zmem_free(c->slot, c->size, sizeof(*c->slot));
	memset(c, 0, sizeof(*c));
}

void vcache_clear(struct vcache *c)
{
	for (size_t i = 0; c->n && i < c->size; i++) {
		if (c->slot[i].pid) {
			memset(&c->slot[i], 0, sizeof(c->slot[i]));
			c->n--;
		}
	}
	c->seen = 0;
}

void vcache_invalidate(struct vcache *c)
{
	c->epoch++;
}

void vcache_begin(struct vcache *c, uint64_t now_ms)
{
	c->pass++;
	c->seen = 0;
	c->now_ms = now_ms;
	c->hits = c->misses = 0;
}

/*
 * The pid's low bits: pids are handed out in order, so a machine's
 * processes fill a few runs of slots, and a few pages of the table
 * (its RSS, faulted in and locked under mlockall()), not all of them.
 */
static size_t home(const struct vcache *c, pid_t pid)
{
	return (size_t)(uint32_t)pid & (c->size - 1);
}

/* @pid's entry, or the free slot where it would go. */
static struct vcache_entry *find(const struct vcache *c, pid_t pid)
{
	size_t mask = c->size - 1;

	for (size_t i = home(c, pid);; i = (i + 1) & mask)
		if (c->slot[i].pid == pid || !c->slot[i].pid)
			return &c->slot[i];
}

/* Its entry if @s is the process it was made for, else NULL. */
static struct vcache_entry *entry_of(const struct vcache *c,
				     const struct sample *s)
{
	struct vcache_entry *e;

	if (s->pid <= 0 || !c->slot)
		return NULL;
	e = find(c, s->pid);
	return e->pid == s->pid && e->start_ticks == s->start_ticks ? e : NULL;
}

static void see(struct vcache *c, struct vcache_entry *e)
{
	if (e->pass != c->pass)
		c->seen++;
	e->pass = c->pass;
}

/* Has the process changed since its verdict, in what the dump shows? */
static bool changed(const struct vcache_entry *e, const struct sample *s)
{
	return e->ppid != s->ppid || e->uid != s->uid || e->euid != s->euid ||
	       strncmp(e->comm, s->comm, sizeof(e->comm));
}

bool vcache_get(struct vcache *c, struct sample *s)
{
	struct vcache_entry *e = entry_of(c, s);

	if (!e) {
		c->misses++;
		return false;
	}
	see(c, e);
	/* Its descendants' lineage changed with it: all made again. */
	if (changed(e, s))
		c->epoch++;
	if (e->epoch != c->epoch || c->now_ms < e->made_ms ||
	    c->now_ms - e->made_ms >= VCACHE_TTL_MS) {
		c->misses++;
		return false;
	}
	s->rule = e->rule;
	s->adjust = e->adjust;
	s->priority = e->priority;
	s->flags = (uint8_t)((s->flags & ~VCACHE_FLAGS) | e->flags);
	c->hits++;
	return true;
}

void vcache_put(struct vcache *c, const struct sample *s)
{
	struct vcache_entry *e;
	size_t len;

	if (s->pid <= 0 || !c->slot)
		return;
	e = find(c, s->pid);
	if (!e->pid) {
		if (c->n == c->max)
			return; /* full: classified again next pass */
		c->n++;
	}
	if (e->pid != s->pid)
		e->pass = c->pass - 1; /* not seen yet this pass */
	see(c, e);
	e->pid = s->pid;
	e->start_ticks = s->start_ticks;
	e->made_ms = c->now_ms;
	e->ppid = s->ppid;
	e->uid = s->uid;
	e->euid = s->euid;
	e->epoch = c->epoch;
	e->rule = s->rule;
	e->adjust = s->adjust;
	e->priority = s->priority;
	e->flags = s->flags & VCACHE_FLAGS;
	e->has_driver = false;
	e->driver = 0;
	len = strnlen(s->comm, sizeof(e->comm) - 1);
	memcpy(e->comm, s->comm, len);
	memset(e->comm + len, 0, sizeof(e->comm) - len);
}

bool vcache_get_driver(const struct vcache *c, const struct sample *s,
		       pid_t *driver)
{
	const struct vcache_entry *e = entry_of(c, s);

	if (!e || e->pass != c->pass || e->epoch != c->epoch || !e->has_driver)
		return false;
	*driver = e->driver;
	return true;
}

void vcache_put_driver(struct vcache *c, const struct sample *s, pid_t driver)
{
	struct vcache_entry *e = entry_of(c, s);

	if (!e || e->pass != c->pass || e->epoch != c->epoch)
		return;
	e->driver = driver;
	e->has_driver = true;
}

/*
 * Empties slot @i and closes the gap (backward-shift deletion), as
 * mcache.c's remove_at(): every probe still finds every entry.
 */
static void remove_at(struct vcache *c, size_t i)
{
	size_t mask = c->size - 1;

	for (size_t j = (i + 1) & mask; c->slot[j].pid; j = (j + 1) & mask) {
		size_t h = home(c, c->slot[j].pid);

		if (((j - h) & mask) < ((j - i) & mask))
			continue;
		c->slot[i] = c->slot[j];
		i = j;
	}
	memset(&c->slot[i], 0, sizeof(c->slot[i]));
	c->n--;
}

/* Drops the entries this pass did not see: their processes are gone. */
void vcache_end(struct vcache *c)
{
	for (size_t i = 0; c->n != c->seen && i < c->size; i++)
		while (c->slot[i].pid && c->slot[i].pass != c->pass)
			remove_at(c, i);
}
