/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swap_mem: what /proc/meminfo does not say about swap, for pressure.c.
 * Which swap devices are zram (/proc/swaps) and how much RAM they hold
 * (/sys/block/zramN/mm_stat), and how fast pages come back in
 * (/proc/vmstat: swap-ins and file refaults).
 *
 * /proc/swaps and /proc/vmstat are opened once, each zram's mm_stat
 * when it first shows in /proc/swaps; all are read with pread() into
 * the struct's own buffer, so a read never allocates.
 *
 *	struct swap_mem sm;
 *
 *	swap_mem_open(&sm, "/proc", "/sys");
 *	...
 *	swap_mem_read_zram(&sm, &sample);          after /proc/meminfo
 *	swap_mem_read_pagein(&sm, now_ms, &sample); when it may count
 *						     (pressure_wants_pagein())
 *
 * A rate is measured from the last read of the rate, however long ago.
 */
#ifndef _OOMQ_AGENT_SWAP_MEM_H
#define _OOMQ_AGENT_SWAP_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "pressure.h"
#include "proc_parse.h"

/* /proc/vmstat is about 5 KiB on 6.12; what is needed is well inside. */
#define SWAP_MEM_BUF 16384
/* The page-in rate is measured over at least this long, ms. */
#define SWAP_MEM_RATE_MS 1000u

struct swap_mem {
	int swaps; /* /proc/swaps, or -1 */
	int vmstat; /* /proc/vmstat, or -1 */
	int sys_block; /* /sys/block, O_PATH, or -1 */
	unsigned int nzram;
	struct {
		unsigned int id; /* N of /dev/zramN */
		int fd; /* its mm_stat, or -1 */
	} zram[PROC_SWAPS_ZRAM_MAX];
	uint64_t pagein; /* pages in, at pagein_ms */
	uint64_t pagein_ms;
	bool pagein_base; /* pagein is set */
	bool pagein_valid;
	uint32_t pagein_per_s; /* over the last SWAP_MEM_RATE_MS or more */
	char buf[SWAP_MEM_BUF];
};

int swap_mem_open(struct swap_mem *sm, const char *proc_root,
		  const char *sys_root);
/* zram's share of swap, then (when wanted) the page-in rate. */
void swap_mem_read_zram(struct swap_mem *sm, struct pressure_sample *s);
void swap_mem_read_pagein(struct swap_mem *sm, uint64_t now_ms,
			  struct pressure_sample *s);
void swap_mem_close(struct swap_mem *sm);

#endif /* _OOMQ_AGENT_SWAP_MEM_H */
