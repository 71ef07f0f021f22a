/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source_dump: a pass's processes from the module's task dump
 * (struct dump_source, agent_types.h).
 */
#ifndef _OOMQD_SOURCE_DUMP_H
#define _OOMQD_SOURCE_DUMP_H

#include <stdbool.h>
#include "agent_types.h"

int source_dump_read(struct agent *a);
bool source_dump_ready(struct agent *a);
void source_dump_failed(struct agent *a, int err);

#endif /* _OOMQD_SOURCE_DUMP_H */
