// SPDX-License-Identifier: GPL-2.0
/*
 * The pid-keyed table under mcache.c and vcache.c; see pidtab.h.  No
 * allocation after pidtab_init(), bounded work: a probe or so per
 * lookup, and one walk of the table per pidtab_drop() that drops some.
 */
#include <errno.h>
#include <string.h>

#include "pidtab.h"
#include "zmem.h"

int pidtab_init(struct pidtab *t, size_t size, size_t esize,
		enum pidtab_home home)
{
	unsigned int bits = 2;

	memset(t, 0, sizeof(*t));
	while (bits < 30 && ((size_t)1 << bits) < size)
		bits++;
	t->size = (size_t)1 << bits;
	t->max = t->size - t->size / 4;
	t->shift = 64 - bits;
	t->esize = esize;
	t->home = home;
	t->slot = zmem_alloc(t->size, esize);
	if (!t->slot) {
		memset(t, 0, sizeof(*t));
		return -ENOMEM;
	}
	return 0;
}

void pidtab_fini(struct pidtab *t)
{
	zmem_free(t->slot, t->size, t->esize);
	memset(t, 0, sizeof(*t));
}

/* The pid of slot @i's entry: its first member (0: free). */
static pid_t pid_at(const struct pidtab *t, size_t i)
{
	return *(const pid_t *)pidtab_at(t, i);
}

void pidtab_clear(struct pidtab *t)
{
	for (size_t i = 0; t->n && i < t->size; i++) {
		if (pid_at(t, i)) {
			memset(pidtab_at(t, i), 0, t->esize);
			t->n--;
		}
	}
}

static size_t home(const struct pidtab *t, pid_t pid)
{
	if (t->home == PIDTAB_SPREAD)
		return (size_t)(((uint64_t)(uint32_t)pid *
				 0x9e3779b97f4a7c15ULL) >>
				t->shift);
	return (size_t)(uint32_t)pid & (t->size - 1);
}

void *pidtab_find(const struct pidtab *t, pid_t pid)
{
	size_t mask = t->size - 1;

	for (size_t i = home(t, pid);; i = (i + 1) & mask)
		if (pid_at(t, i) == pid || !pid_at(t, i))
			return pidtab_at(t, i);
}

void *pidtab_claim(struct pidtab *t, pid_t pid)
{
	pid_t *e = pidtab_find(t, pid);

	if (!*e) {
		if (t->n == t->max)
			return NULL;
		t->n++;
	}
	return e;
}

/*
 * Empties slot @i and closes the gap (backward-shift deletion): each
 * entry after it in the run moves back into the gap unless that would
 * put it before its home slot, so that every probe still finds it.
 */
static void remove_at(struct pidtab *t, size_t i)
{
	size_t mask = t->size - 1;

	for (size_t j = (i + 1) & mask; pid_at(t, j); j = (j + 1) & mask) {
		size_t h = home(t, pid_at(t, j));

		/* Stays: its home is after the gap, cyclically. */
		if (((j - h) & mask) < ((j - i) & mask))
			continue;
		memcpy(pidtab_at(t, i), pidtab_at(t, j), t->esize);
		i = j;
	}
	memset(pidtab_at(t, i), 0, t->esize);
	t->n--;
}

/*
 * A removal moves entries back within their run only, so none not yet
 * looked at lands before the slot being looked at: one walk, looking
 * again at each slot it empties, sees them all.  It stops once only
 * the @keep are left.
 */
void pidtab_drop(struct pidtab *t, size_t keep,
		 bool (*stale)(const void *e, const void *arg), const void *arg)
{
	for (size_t i = 0; t->n != keep && i < t->size; i++)
		while (pid_at(t, i) && stale(pidtab_at(t, i), arg))
			remove_at(t, i);
}
