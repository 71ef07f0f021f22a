// SPDX-License-Identifier: GPL-2.0
/*
 * swap_mem: zram's share of swap and the page-in rate; see swap_mem.h.
 *
 * A file that is missing or fails to read leaves its fields of the
 * sample at 0 (no zram, no rate), so pressure.c falls back to what
 * /proc/meminfo alone says: earlyoom's rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pread_whole.h"
#include "swap_mem.h"

static int open_in(const char *root, const char *name, int flags)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", root, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	return open(path, flags | O_CLOEXEC);
}

/**
 * swap_mem_open - open what swap_mem_read_zram() and _pagein() read
 * @proc_root: "/proc", or a fixture's directory
 * @sys_root: "/sys", or a fixture's directory
 *
 * Return: 0, even with files missing (their signals are then absent).
 */
int swap_mem_open(struct swap_mem *sm, const char *proc_root,
		  const char *sys_root)
{
	memset(sm, 0, sizeof(*sm));
	sm->swaps = open_in(proc_root, "swaps", O_RDONLY);
	sm->vmstat = open_in(proc_root, "vmstat", O_RDONLY);
	sm->sys_block = open_in(sys_root, "block", O_PATH | O_DIRECTORY);
	return 0;
}

/*
 * Read @fd whole into sm->buf; its length, or -1.  A file that fills
 * the buffer is an error unless @cut_ok (the parser takes its start).
 */
static ssize_t read_buf(struct swap_mem *sm, int fd, bool cut_ok)
{
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread_whole(fd, sm->buf, sizeof(sm->buf));
	return n < 0 || (!cut_ok && n == (ssize_t)sizeof(sm->buf)) ? -1 : n;
}

/* The mm_stat descriptor of zram @id: kept from before, or opened now. */
static int zram_fd(struct swap_mem *sm, unsigned int id, int *old,
		   unsigned int nold)
{
	char name[32];

	for (unsigned int i = 0; i < nold; i++)
		if (old[i] >= 0 && sm->zram[i].id == id) {
			int fd = old[i];

			old[i] = -1;
			return fd;
		}
	if (sm->sys_block < 0)
		return -1;
	snprintf(name, sizeof(name), "zram%u/mm_stat", id);
	return openat(sm->sys_block, name, O_RDONLY | O_CLOEXEC);
}

/*
 * Follow the zram devices /proc/swaps lists now: keep the descriptors
 * of those still there, open the new ones', close the gone ones'.
 */
static void zram_follow(struct swap_mem *sm, const struct proc_swaps *sw)
{
	int old[PROC_SWAPS_ZRAM_MAX];
	unsigned int nold = sm->nzram;

	for (unsigned int i = 0; i < nold; i++)
		old[i] = sm->zram[i].fd;
	for (unsigned int i = 0; i < sw->nzram; i++) {
		int fd = zram_fd(sm, sw->zram[i], old, nold);

		/* zram_fd() matched against the old ids: set after it. */
		sm->zram[i].fd = fd;
	}
	for (unsigned int i = 0; i < sw->nzram; i++)
		sm->zram[i].id = sw->zram[i];
	for (unsigned int i = 0; i < nold; i++)
		if (old[i] >= 0)
			close(old[i]);
	sm->nzram = sw->nzram;
}

void swap_mem_read_zram(struct swap_mem *sm, struct pressure_sample *s)
{
	struct proc_swaps sw;
	uint64_t limit_kb = 0;
	bool unlimited = false;
	ssize_t n;

	/* No swap, no zram swap: a read a tick saved (followed when back). */
	if (!s->swap_total_kb)
		return;
	n = read_buf(sm, sm->swaps, false);
	if (n < 0 || proc_parse_swaps_buf(sm->buf, (size_t)n, &sw))
		return;
	zram_follow(sm, &sw);
	if (!sw.nzram)
		return;
	for (unsigned int i = 0; i < sm->nzram; i++) {
		struct zram_mm_stat mm;

		n = read_buf(sm, sm->zram[i].fd, false);
		if (n < 0 ||
		    proc_parse_zram_mm_stat_buf(sm->buf, (size_t)n, &mm)) {
			unlimited = true; /* its limit not known */
			continue;
		}
		s->zram_orig_kb += mm.orig_data_size / 1024;
		s->zram_ram_kb += mm.mem_used_total / 1024;
		limit_kb += mm.mem_limit / 1024;
		unlimited |= !mm.mem_limit;
	}
	s->zram_limit_kb = unlimited ? 0 : limit_kb;
	s->zram_swap_total_kb = sw.zram_total_kb;
	s->zram_swap_free_kb = sw.zram_total_kb - sw.zram_used_kb;
}

/*
 * Pages in per second, into @s: those since the read at least
 * SWAP_MEM_RATE_MS before @now_ms (monotonic), so a burst within a fast
 * tick does not count as a rate.
 */
void swap_mem_read_pagein(struct swap_mem *sm, uint64_t now_ms,
			  struct pressure_sample *s)
{
	struct proc_vmstat vs;
	ssize_t n = read_buf(sm, sm->vmstat, true);
	uint64_t in, ms;

	if (n < 0 || proc_parse_vmstat_buf(sm->buf, (size_t)n, &vs) ||
	    (!vs.has_pswpin && !vs.has_refault)) {
		sm->pagein_base = sm->pagein_valid = false;
		return;
	}
	in = vs.pswpin + vs.refault_file;
	if (!sm->pagein_base || in < sm->pagein || now_ms < sm->pagein_ms) {
		sm->pagein = in;
		sm->pagein_ms = now_ms;
		sm->pagein_base = true;
		sm->pagein_valid = false;
		return;
	}
	ms = now_ms - sm->pagein_ms;
	if (ms >= SWAP_MEM_RATE_MS) {
		uint64_t rate = (in - sm->pagein) * 1000 / ms;

		sm->pagein_per_s = rate > UINT32_MAX ? UINT32_MAX :
						       (uint32_t)rate;
		sm->pagein_valid = true;
		sm->pagein = in;
		sm->pagein_ms = now_ms;
	}
	s->pagein_valid = sm->pagein_valid;
	s->pagein_per_s = sm->pagein_per_s;
	s->pagein_part = in - sm->pagein > UINT32_MAX ?
				 UINT32_MAX :
				 (uint32_t)(in - sm->pagein);
	s->pagein_part_ms = (uint32_t)(now_ms - sm->pagein_ms);
}

void swap_mem_close(struct swap_mem *sm)
{
	for (unsigned int i = 0; i < sm->nzram; i++)
		if (sm->zram[i].fd >= 0)
			close(sm->zram[i].fd);
	if (sm->swaps >= 0)
		close(sm->swaps);
	if (sm->vmstat >= 0)
		close(sm->vmstat);
	if (sm->sys_block >= 0)
		close(sm->sys_block);
	memset(sm, 0, sizeof(*sm));
	sm->swaps = sm->vmstat = sm->sys_block = -1;
}
