/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zeroed arrays sized for the worst case but touched only as far as a
 * pass needs: the process table for --list, the match cache.  Each gets
 * an anonymous mapping of its own, whose pages cost no RSS until first
 * written.  calloc() does not promise that: a block it carves from the
 * heap's top (a free 128 KiB there serves a 128 KiB request without
 * mmap()) is memset() in full, every page of it resident at once.
 */
#ifndef _OOMQD_ZMEM_H
#define _OOMQD_ZMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

/* @n elements of @size bytes, zeroed; NULL when out of memory. */
static inline void *zmem_alloc(size_t n, size_t size)
{
	void *p;

	if (!n || !size || n > SIZE_MAX / size)
		return NULL;
	p = mmap(NULL, n * size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* What zmem_alloc(@n, @size) returned, or NULL. */
static inline void zmem_free(void *p, size_t n, size_t size)
{
	if (p)
		munmap(p, n * size);
}

#endif /* _OOMQD_ZMEM_H */
