/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Badness ports: how bad a process would be to keep, as three kernels'
 * OOM killers saw it.  Pure functions of a sample and the system facts;
 * higher means "kill earlier".  BADNESS_UNKILLABLE marks what that kernel
 * would never pick.
 */
#ifndef _OOMQD_BADNESS_H
#define _OOMQD_BADNESS_H

#include <limits.h>
#include <stdint.h>

#include "sample.h"

#define BADNESS_UNKILLABLE LONG_MIN

enum badness_port {
	BADNESS_CLASSIC, /* 2.6.10: total_vm, children, cpu and run time */
	BADNESS_RSS, /* seed 000: classic on RSS, no children */
	BADNESS_MODERN, /* 3.7+ (checked on 6.12): rss + swap + page tables */
};

/* lib/int_sqrt.c of 2.6.10, bit for bit. */
unsigned long badness_int_sqrt(unsigned long x);

/* The legacy oom_adj (-17 .. 15) the kernel derives from oom_score_adj. */
int badness_oom_adj(int oom_score_adj);

/* Results in pages (modern) or the classic "points" (scaled pages). */
long badness_classic(const struct sample *s, const struct sample_sys *sys);
long badness_rss(const struct sample *s, const struct sample_sys *sys);
long badness_modern(const struct sample *s, const struct sample_sys *sys);
long badness_of(enum badness_port port, const struct sample *s,
		const struct sample_sys *sys);

/* /proc/<pid>/oom_score from an oom_badness() result (0 .. 2000). */
unsigned long badness_oom_score(long badness, uint64_t totalpages);
/* The most points an oom_score can stand for: badness_oom_score()'s inverse. */
long badness_max_points(unsigned long oom_score, uint64_t totalpages);

const char *badness_port_name(enum badness_port port);
/* 0, or -EINVAL for a name that is not classic, rss or modern. */
int badness_port_parse(const char *name, enum badness_port *port);

#endif /* _OOMQD_BADNESS_H */
