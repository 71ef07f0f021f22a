// SPDX-License-Identifier: GPL-2.0
/*
 * The binary heap of heap.h.
 */
#include <string.h>

#include "heap.h"

static void swap_bytes(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

void heap_sift_down(void *base, size_t root, size_t n, size_t size,
		    heap_above_fn above, const void *ctx)
{
	char *b = base;

	for (;;) {
		size_t child = 2 * root + 1, top = root;

		if (child < n && above(b + child * size, b + top * size, ctx))
			top = child;
		if (child + 1 < n &&
		    above(b + (child + 1) * size, b + top * size, ctx))
			top = child + 1;
		if (top == root)
			return;
		swap_bytes(b + root * size, b + top * size, size);
		root = top;
	}
}

static void sift_up(char *b, size_t i, size_t size, heap_above_fn above,
		    const void *ctx)
{
	while (i) {
		size_t parent = (i - 1) / 2;

		if (!above(b + i * size, b + parent * size, ctx))
			return;
		swap_bytes(b + i * size, b + parent * size, size);
		i = parent;
	}
}

void heap_make(void *base, size_t n, size_t size, heap_above_fn above,
	       const void *ctx)
{
	for (size_t i = n / 2; i-- > 0;)
		heap_sift_down(base, i, n, size, above, ctx);
}

void heap_pop(void *base, size_t n, size_t size, heap_above_fn above,
	      const void *ctx)
{
	char *b = base;

	if (n < 2)
		return;
	swap_bytes(b, b + (n - 1) * size, size);
	heap_sift_down(b, 0, n - 1, size, above, ctx);
}

void heap_sort(void *base, size_t n, size_t size, heap_above_fn above,
	       const void *ctx)
{
	heap_make(base, n, size, above, ctx);
	for (size_t end = n; end > 1; end--)
		heap_pop(base, end, size, above, ctx);
}

bool heap_offer(void *base, size_t *n, size_t max, size_t size, void *elem,
		heap_above_fn above, const void *ctx)
{
	char *b = base;

	if (*n < max) {
		memcpy(b + *n * size, elem, size);
		sift_up(b, (*n)++, size, above, ctx);
		return false;
	}
	if (!max || !above(b, elem, ctx))
		return true;
	swap_bytes(b, elem, size);
	heap_sift_down(b, 0, max, size, above, ctx);
	return true;
}
