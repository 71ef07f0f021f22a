/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source_lazy: a pass's processes from /proc, lazily (struct
 * lazy_source, agent_types.h; agent.h tells why and how).
 */
#ifndef _OOMQD_SOURCE_LAZY_H
#define _OOMQD_SOURCE_LAZY_H

#include <stddef.h>
#include "agent_types.h"

int source_lazy_read(struct agent *a);

/* How many candidates the lazy pass keeps with a->policy's queue. */
size_t agent_cand_room(const struct agent *a);

#endif /* _OOMQD_SOURCE_LAZY_H */
