/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_TASKS_H
#define _OOMQ_TASKS_H

struct genl_family;
struct netlink_callback;
struct sk_buff;

/* OOMQ_CMD_GET_TASKS: the dump's start, batch and done callbacks. */
int oomq_tasks_dump_start(struct netlink_callback *cb);
int oomq_tasks_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct genl_family *family);
int oomq_tasks_dump_done(struct netlink_callback *cb);

#endif /* _OOMQ_TASKS_H */
