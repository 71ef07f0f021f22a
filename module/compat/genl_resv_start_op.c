// SPDX-License-Identifier: GPL-2.0
/*
 * genl_family.resv_start_op: 6.1, with genetlink's own check of the
 * request header (genl_header_check()) that comes with it.
 */
#include <net/genetlink.h>

struct genl_family oomq_probe = { .resv_start_op = 1 };
