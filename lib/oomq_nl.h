/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every user-space client of the oomq netlink family needs the same
 * way: the attribute policies and libnl's error codes as errno.
 */
#ifndef _OOMQ_LIB_NL_H
#define _OOMQ_LIB_NL_H

#include <linux/oomq.h>
#include <netlink/attr.h>

extern const struct nla_policy oomq_nl_attr_policy[OOMQ_A_MAX + 1];
extern const struct nla_policy oomq_nl_counter_policy[OOMQ_C_MAX + 1];
extern const struct nla_policy oomq_nl_task_policy[OOMQ_TASK_A_MAX + 1];

int oomq_nl_errno(int nle);

#endif /* _OOMQ_LIB_NL_H */
