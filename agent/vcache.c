// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict cache; see vcache.h.
 */
#include <stddef.h>
#include <string.h>

#include "vcache.h"

_Static_assert(offsetof(struct vcache_entry, pid) == 0,
	       "pidtab.h: an entry's pid comes first");

int vcache_init(struct vcache *c, size_t size)
{
	memset(c, 0, sizeof(*c));
	/* Low bits: the table's pages a machine's pids touch are few. */
	return pidtab_init(&c->tab, size, sizeof(struct vcache_entry),
			   PIDTAB_LOW_BITS);
}

void vcache_fini(struct vcache *c)
{
	pidtab_fini(&c->tab);
	memset(c, 0, sizeof(*c));
}

void vcache_clear(struct vcache *c)
{
	pidtab_clear(&c->tab);
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

/* Its entry if @s is the process it was made for, else NULL. */
static struct vcache_entry *entry_of(const struct vcache *c,
				     const struct sample *s)
{
	struct vcache_entry *e;

	if (s->pid <= 0 || !c->tab.slot)
		return NULL;
	e = pidtab_find(&c->tab, s->pid);
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

	if (s->pid <= 0 || !c->tab.slot)
		return;
	e = pidtab_claim(&c->tab, s->pid);
	if (!e)
		return; /* full: classified again next pass */
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

static bool unseen(const void *e, const void *pass)
{
	return ((const struct vcache_entry *)e)->pass !=
	       *(const uint32_t *)pass;
}

/* Drops the entries this pass did not see: their processes are gone. */
void vcache_end(struct vcache *c)
{
	pidtab_drop(&c->tab, c->seen, unseen, &c->pass);
}
