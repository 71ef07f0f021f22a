/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A binary heap over an array of any element type, for the ranking's
 * selections and sorts: in place, allocation-free (glibc's qsort() may
 * malloc() a merge buffer, and a pass runs under memory pressure).
 *
 * @above(x, y, ctx) says that x belongs above y, nearer the top: the
 * top is what @above puts over everything else.  With "goes first in
 * the queue" the top is the best; with "goes later" it is the worst,
 * which is what a bounded heap of the best few replaces (heap_offer()).
 */
#ifndef _OOMQD_HEAP_H
#define _OOMQD_HEAP_H

#include <stdbool.h>
#include <stddef.h>

typedef bool (*heap_above_fn)(const void *x, const void *y, const void *ctx);

/* Restores the heap below @root, the rest of @base[0..@n) being one. */
void heap_sift_down(void *base, size_t root, size_t n, size_t size,
		    heap_above_fn above, const void *ctx);

/* Makes a heap of @base[0..@n), in O(n). */
void heap_make(void *base, size_t n, size_t size, heap_above_fn above,
	       const void *ctx);

/* Moves the top to @base[@n - 1]; @base[0..@n - 1) is a heap again. */
void heap_pop(void *base, size_t n, size_t size, heap_above_fn above,
	      const void *ctx);

/* Sorts @base[0..@n) so that what @above puts on top comes last. */
void heap_sort(void *base, size_t n, size_t size, heap_above_fn above,
	       const void *ctx);

/*
 * A bounded heap of at most @max: @elem joins it while there is room
 * (false: nothing dropped).  Once full, @elem replaces the top when the
 * top goes above it, and @elem then holds the top it replaced; true:
 * @elem is the one left out, the new one or the old top.
 */
bool heap_offer(void *base, size_t *n, size_t max, size_t size, void *elem,
		heap_above_fn above, const void *ctx);

#endif /* _OOMQD_HEAP_H */
