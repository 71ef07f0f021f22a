// SPDX-License-Identifier: GPL-2.0
/*
 * genl_multicast_group.flags with GENL_MCAST_CAP_NET_ADMIN: 6.6, and
 * 6.1.y; before, one cap_sys_admin bit (5.6).
 */
#include <net/genetlink.h>

struct genl_multicast_group oomq_probe = {
	.flags = GENL_MCAST_CAP_NET_ADMIN,
};
