/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_NETLINK_H
#define _OOMQ_NETLINK_H

#include "events.h"

int oomq_netlink_init(void);
void oomq_netlink_uninit(void);

int oomq_netlink_event(const struct oomq_event *event);

#endif /* _OOMQ_NETLINK_H */
