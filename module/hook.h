/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_HOOK_H
#define _OOMQ_HOOK_H

#include <linux/types.h>
#include <uapi/linux/oomq.h>

int oomq_hook_init(void);
void oomq_hook_uninit(void);

const char *oomq_mode_name(enum oomq_mode mode);
enum oomq_mode oomq_hook_mode(void);
enum oomq_mode oomq_hook_mode_active(void);
int oomq_hook_set_mode(enum oomq_mode mode);

/* Fills counters[OOMQ_C_OOMS..OOMQ_C_KPROBE_MISSED]. */
void oomq_hook_counters(u64 *counters);

#endif /* _OOMQ_HOOK_H */
