// SPDX-License-Identifier: GPL-2.0
/*
 * protect: mlockall, oom_score_adj -1000, a heap that keeps its pages
 * and a prefaulted stack.  Called once, after everything long-lived is
 * allocated and before the first sample.
 */
#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "protect.h"

/**
 * protect_mlock - lock current and future pages in RAM
 *
 * MCL_ONFAULT (4.4+) locks pages as they are first touched instead of
 * faulting every mapping in now: reserved but unused address space
 * (thread stacks, malloc arenas, a sanitizer's shadow) costs nothing.
 * A kernel without it answers EINVAL and gets plain MCL_FUTURE.
 *
 * Return: 0, -EPERM or -ENOMEM (RLIMIT_MEMLOCK too small without
 * CAP_IPC_LOCK), another -errno.
 */
int protect_mlock(void)
{
#ifdef MCL_ONFAULT
	if (!mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		return 0;
	if (errno != EINVAL)
		return -errno;
#endif
	return mlockall(MCL_CURRENT | MCL_FUTURE) ? -errno : 0;
}

/*
 * The static oomqd's hot text and read-only data (agent/oomqd-static.ld):
 * everything it runs, together.  Other builds define none of these.
 */
extern const char __oomqd_hot_text_start[] __attribute__((weak));
extern const char __oomqd_hot_text_end[] __attribute__((weak));
extern const char __oomqd_hot_rodata_start[] __attribute__((weak));
extern const char __oomqd_hot_rodata_end[] __attribute__((weak));

static int mlock_range(const char *start, const char *end)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t s = (uintptr_t)start & ~(page - 1);

	if (!start || end <= start)
		return 0;
	if (mlock((const void *)s, (size_t)((uintptr_t)end - s)))
		return -errno;
	return 0;
}

/**
 * protect_hot - fault in and lock all of the hot text and rodata
 *
 * mlockall(MCL_ONFAULT) locks a page when it is first touched, and the
 * static oomqd never touches most of its (cold) text.  The code and data
 * the pressure and kill paths need must not wait for their first use
 * under pressure: in the static build they all lie in the hot ranges,
 * locked here in full (mlock() faults them in).  What runs outside them
 * (glibc's CPU-specific string functions, its ctype tables) runs on every
 * ranking pass: the first one, before any pressure, locks it.  Without
 * those ranges (other builds) this does nothing: there, a text page
 * faults in with up to 15 of its neighbours, and the first pass locks
 * what it touched.
 *
 * Return: 0 or -errno from mlock().
 */
int protect_hot(void)
{
	int ret = mlock_range(__oomqd_hot_text_start, __oomqd_hot_text_end);

	if (ret)
		return ret;
	return mlock_range(__oomqd_hot_rodata_start, __oomqd_hot_rodata_end);
}

/**
 * protect_read_oom_score_adj - read an oom_score_adj file
 *
 *	-1000
 *
 * Return: 0, -errno from open/read, -EINVAL when it is not a number.
 */
int protect_read_oom_score_adj(const char *path, int *adj)
{
	char buf[16], *end;
	ssize_t n;
	long v;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || (*end && strcmp(end, "\n")) || errno || v < -1000 ||
	    v > 1000)
		return -EINVAL;
	*adj = (int)v;
	return 0;
}

/**
 * protect_oom_score_adj - write @adj to @path
 * @path: PROTECT_OOM_SCORE_ADJ, or a fixture
 *
 * Lowering below the value inherited needs CAP_SYS_RESOURCE: a root
 * without it (some containers) gets -EACCES.
 *
 * Return: 0 or -errno.
 */
int protect_oom_score_adj(const char *path, int adj)
{
	char buf[16];
	int fd, n, err = 0;

	n = snprintf(buf, sizeof(buf), "%d\n", adj);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/**
 * protect_heap - keep freed heap memory instead of giving it back
 *
 * With MCL_FUTURE every page the heap maps is locked; glibc would
 * otherwise trim and unmap on free() and fault in again on the next
 * malloc() in the middle of a pressure spike.  Large blocks come from
 * the heap too, not from a fresh mmap() each time.
 *
 * Return: 0 or -EINVAL.
 */
int protect_heap(void)
{
	if (!mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024) ||
	    !mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024))
		return -EINVAL;
	return 0;
}

/*
 * Touch @bytes of stack now, so the pages the loop will need are
 * faulted (and, after protect_mlock(), locked) before any pressure.
 */
void protect_prefault_stack(size_t bytes)
{
	volatile char *p = alloca(bytes);

	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = 0;
}

/**
 * protect_self - all of the above, none fatal
 * @r: what worked; the caller logs each failure once
 *
 * Return: 0 when everything worked, else the first -errno (details in @r).
 */
int protect_self(struct protect_report *r)
{
	memset(r, 0, sizeof(*r));
	r->heap_err = protect_heap();
	r->mlock_err = protect_mlock();
	if (!r->mlock_err)
		r->mlock_err = protect_hot();
	protect_prefault_stack(PROTECT_STACK_BYTES);
	r->oom_adj_err = protect_oom_score_adj(PROTECT_OOM_SCORE_ADJ,
					       PROTECT_OOM_ADJ_MIN);
	if (protect_read_oom_score_adj(PROTECT_OOM_SCORE_ADJ, &r->oom_adj))
		r->oom_adj = 0;
	if (r->mlock_err)
		return r->mlock_err;
	if (r->oom_adj_err)
		return r->oom_adj_err;
	return r->heap_err;
}
