/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /proc/oom grammar.  Pure: no kernel state, so the same file is
 * built into the module and into the host unit tests and fuzzer.
 */
#ifndef _OOMQ_PARSE_H
#define _OOMQ_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <stddef.h>
#include <errno.h>
#endif

int oomq_parse_pids(const char *buf, size_t len, unsigned int *pids,
		    unsigned int max, unsigned int *count);

#endif /* _OOMQ_PARSE_H */
