/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_NETLINK_H
#define _OOMQ_NETLINK_H

int oomq_netlink_init(void);
void oomq_netlink_uninit(void);

#endif /* _OOMQ_NETLINK_H */
