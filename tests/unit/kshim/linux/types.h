/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's headers to build a module file that needs
 * no more than a lock and a work item (events.c) as a host unit test:
 * tests/unit/module_events.c.  The uapi types come from the system.
 */
#ifndef _KSHIM_LINUX_TYPES_H
#define _KSHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint32_t u32;
typedef uint64_t u64;

#endif
