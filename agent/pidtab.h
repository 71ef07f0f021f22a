/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidtab: a table of a fixed number of slots keyed by pid, open
 * addressing with linear probing: the table under the match cache
 * (mcache.h) and the verdict cache (vcache.h), each with an entry type
 * of its own on top.
 *
 * An entry is the caller's struct, whose first member is its pid_t, 0
 * in a free slot; the table knows only the entry's size.  It is
 * allocated once, in pidtab_init() (zmem.h: pages of slots never
 * written cost no RSS), and never grows: nothing here allocates after
 * that, so a ranking pass under pressure does not.  At most 3/4 of the
 * slots are used, so a free slot ends every probe; past that a new pid
 * finds no slot (pidtab_claim()), and the caches do without.  A removal
 * moves the rest of its run back (backward-shift deletion, no
 * tombstones): every probe still finds every entry.
 *
 * A pid is one entry at a time: its start time, what tells a recycled
 * pid from the process before, is the caller's to check.
 */
#ifndef _OOMQ_AGENT_PIDTAB_H
#define _OOMQ_AGENT_PIDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where a pid's probe starts. */
enum pidtab_home {
	/*
	 * Its low bits: pids are handed out in order, so a machine's
	 * processes fill a few runs of slots, and a few pages of the
	 * table (its RSS, faulted in and locked under mlockall()):
	 * vcache.h's.
	 */
	PIDTAB_LOW_BITS,
	/* Fibonacci hashing, pids close together far apart: mcache.h's. */
	PIDTAB_SPREAD,
};

struct pidtab {
	void *slot; /* size entries of esize bytes */
	size_t esize; /* bytes an entry */
	size_t size; /* slots, a power of two */
	size_t n, max; /* entries, at most max: 3/4 of size */
	unsigned int shift; /* 64 - log2(size): PIDTAB_SPREAD's */
	enum pidtab_home home;
};

/*
 * @size slots of @esize bytes (a struct whose first member is its pid),
 * rounded up to a power of two, at least 4: 0, or -ENOMEM.
 */
int pidtab_init(struct pidtab *t, size_t size, size_t esize,
		enum pidtab_home home);
void pidtab_fini(struct pidtab *t);
/* Every entry zeroed, the slots free; touches only the used ones. */
void pidtab_clear(struct pidtab *t);

/* Slot @i, 0 <= @i < size. */
static inline void *pidtab_at(const struct pidtab *t, size_t i)
{
	return (char *)t->slot + i * t->esize;
}

/* @pid's entry, or the free slot where it would go (its pid 0). */
void *pidtab_find(const struct pidtab *t, pid_t pid);
/*
 * @pid's entry, or the free slot where it goes, counted in n: the caller
 * fills it, its pid first.  NULL when @pid has none and max are used.
 */
void *pidtab_claim(struct pidtab *t, pid_t pid);
/*
 * Removes the entries @stale says are, walking the table until only
 * @keep are left (the caller's count of those it knows are not stale).
 */
void pidtab_drop(struct pidtab *t, size_t keep,
		 bool (*stale)(const void *e, const void *arg),
		 const void *arg);

#endif /* _OOMQ_AGENT_PIDTAB_H */
