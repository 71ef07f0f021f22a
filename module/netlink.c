// SPDX-License-Identifier: GPL-2.0
/*
 * The "oomq" generic netlink family: status, set-queue and set-config
 * commands, the task dump (tasks.c) and the events multicast group.  The messages are specified
 * in include/uapi/linux/oomq.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <net/genetlink.h>
#include <uapi/linux/oomq.h>

#include "compat.h"
#include "events.h"
#include "hook.h"
#include "netlink.h"
#include "queue.h"
#include "tasks.h"

static const struct nla_policy oomq_policy[OOMQ_A_MAX + 1] = {
	/* No .len: a queue too long fails with E2BIG, as in /proc/oom. */
	[OOMQ_A_QUEUE] = { .type = NLA_BINARY },
	[OOMQ_A_TTL_MS] = { .type = NLA_U32 },
	[OOMQ_A_MODE] = NLA_POLICY_MAX(NLA_U32, OOMQ_MODE_MAX),
};

static struct genl_family oomq_family;

enum oomq_mcgrp {
	OOMQ_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group oomq_mcgrps[] = {
	/* Victims' names and owners: dmesg_restrict shows them to admins. */
	[OOMQ_MCGRP_EVENTS_ID] = {
		.name = OOMQ_MCGRP_EVENTS,
		OOMQ_GENL_MCAST_ADMIN,
	},
};

/* Live queued PIDs as @ns numbers them, as a u32 array attribute. */
static int oomq_put_queue(struct sk_buff *skb,
			  const struct oomq_queue *queue,
			  struct pid_namespace *ns)
{
	struct nlattr *attr;
	unsigned int i, n = 0;
	u32 *pids;

	attr = nla_reserve(skb, OOMQ_A_QUEUE, queue->len * sizeof(u32));
	if (!attr)
		return -EMSGSIZE;
	pids = nla_data(attr);
	rcu_read_lock();
	for (i = 0; i < queue->len; i++) {
		struct pid *tgid = queue->pids[i];
		pid_t nr = pid_nr_ns(tgid, ns);

		if (nr && pid_task(tgid, PIDTYPE_TGID))
			pids[n++] = nr;
	}
	rcu_read_unlock();
	/* Give back the room of entries that died or are not visible. */
	nlmsg_trim(skb, (char *)attr + nla_total_size(n * sizeof(u32)));
	attr->nla_len = nla_attr_size(n * sizeof(u32));
	return 0;
}

static int oomq_put_counters(struct sk_buff *skb)
{
	u64 counters[__OOMQ_C_MAX] = { 0 };
	enum oomq_counter c;
	struct nlattr *nest;

	oomq_hook_counters(counters);
	counters[OOMQ_C_EVENTS_LOST] = oomq_events_lost();

	nest = nla_nest_start(skb, OOMQ_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (c = OOMQ_C_OOMS; c <= OOMQ_C_MAX; c++)
		if (nla_put_u64_64bit(skb, c, counters[c], OOMQ_C_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int oomq_fill_status(struct sk_buff *skb,
			    const struct oomq_queue *queue)
{
	struct pid_namespace *ns = task_active_pid_ns(current);

	if (queue) {
		if (oomq_put_queue(skb, queue, ns) ||
		    nla_put_u32(skb, OOMQ_A_QUEUE_LEN, queue->len) ||
		    nla_put_u64_64bit(skb, OOMQ_A_QUEUE_AGE_MS,
				      oomq_queue_age_ms(queue), OOMQ_A_PAD))
			return -EMSGSIZE;
	} else if (nla_put_u32(skb, OOMQ_A_QUEUE_LEN, 0)) {
		return -EMSGSIZE;
	}
	if (nla_put_u32(skb, OOMQ_A_TTL_MS, oomq_queue_ttl_ms()) ||
	    nla_put_u32(skb, OOMQ_A_MODE, oomq_hook_mode()) ||
	    nla_put_u32(skb, OOMQ_A_MODE_ACTIVE, oomq_hook_mode_active()))
		return -EMSGSIZE;
	return oomq_put_counters(skb);
}

static int oomq_cmd_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct oomq_queue *queue = oomq_queue_get();
	size_t size = NLMSG_GOODSIZE;
	struct sk_buff *msg;
	void *hdr;
	int ret = -ENOMEM;

	if (queue)
		size += nla_total_size(queue->len * sizeof(u32));
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &oomq_family, 0,
				OOMQ_CMD_GET_STATUS);
	ret = -EMSGSIZE;
	if (!hdr || oomq_fill_status(msg, queue)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	oomq_queue_put(queue);
	return ret;
}

static int oomq_cmd_set_queue(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[OOMQ_A_QUEUE];

	if (!attr) {
		GENL_SET_ERR_MSG(info, "OOMQ_A_QUEUE is required");
		return -EINVAL;
	}
	if (nla_len(attr) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "queue must be an array of u32 PIDs");
		return -EINVAL;
	}
	return oomq_queue_set(nla_data(attr), nla_len(attr) / sizeof(u32));
}

static int oomq_cmd_set_config(struct sk_buff *skb, struct genl_info *info)
{
	/* The policy checked the values: nothing below can fail. */
	if (info->attrs[OOMQ_A_TTL_MS])
		oomq_queue_set_ttl_ms(nla_get_u32(info->attrs[OOMQ_A_TTL_MS]));
	if (info->attrs[OOMQ_A_MODE])
		oomq_hook_set_mode(nla_get_u32(info->attrs[OOMQ_A_MODE]));
	return 0;
}

static int oomq_cmd_get_tasks(struct sk_buff *skb, struct netlink_callback *cb)
{
	return oomq_tasks_dump(skb, cb, &oomq_family);
}

static const struct genl_small_ops oomq_small_ops[] = {
	{
		.cmd = OOMQ_CMD_GET_STATUS,
		.doit = oomq_cmd_get_status,
	},
	{
		.cmd = OOMQ_CMD_SET_QUEUE,
		.doit = oomq_cmd_set_queue,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = OOMQ_CMD_SET_CONFIG,
		.doit = oomq_cmd_set_config,
		.flags = GENL_ADMIN_PERM,
	},
};

/* Dumps with start and done callbacks need the full genl_ops. */
static const struct genl_ops oomq_ops[] = {
	{
		.cmd = OOMQ_CMD_GET_TASKS,
		.start = oomq_tasks_dump_start,
		.dumpit = oomq_cmd_get_tasks,
		.done = oomq_tasks_dump_done,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family oomq_family __ro_after_init = {
	.name = OOMQ_GENL_NAME,
	.version = OOMQ_GENL_VERSION,
	.maxattr = OOMQ_A_MAX,
	.policy = oomq_policy,
	.module = THIS_MODULE,
	.small_ops = oomq_small_ops,
	.n_small_ops = ARRAY_SIZE(oomq_small_ops),
	.ops = oomq_ops,
	.n_ops = ARRAY_SIZE(oomq_ops),
	.mcgrps = oomq_mcgrps,
	.n_mcgrps = ARRAY_SIZE(oomq_mcgrps),
};

static int oomq_put_victim(struct sk_buff *skb, const struct oomq_victim *v)
{
	if (nla_put_u32(skb, OOMQ_A_VICTIM_PID, v->pid) ||
	    nla_put_string(skb, OOMQ_A_VICTIM_COMM, v->comm) ||
	    nla_put_u32(skb, OOMQ_A_VICTIM_UID, v->uid) ||
	    nla_put_u64_64bit(skb, OOMQ_A_VICTIM_RSS_KB, v->rss_kb,
			      OOMQ_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_A_VICTIM_SWAP_KB, v->swap_kb,
			      OOMQ_A_PAD) ||
	    nla_put_s32(skb, OOMQ_A_VICTIM_OOM_SCORE_ADJ, v->oom_score_adj))
		return -EMSGSIZE;
	return 0;
}

static int oomq_put_kill(struct sk_buff *skb, const struct oomq_kill *kill)
{
	if (nla_put_u32(skb, OOMQ_A_CHOICE, kill->choice) ||
	    nla_put_u32(skb, OOMQ_A_SCOPE, kill->scope))
		return -EMSGSIZE;
	if (kill->scope == OOMQ_SCOPE_MEMCG &&
	    nla_put_u64_64bit(skb, OOMQ_A_CGROUP_ID, kill->cgroup_id,
			      OOMQ_A_PAD))
		return -EMSGSIZE;
	if (kill->has_victim && oomq_put_victim(skb, &kill->victim))
		return -EMSGSIZE;
	if (kill->index >= 0 &&
	    nla_put_u32(skb, OOMQ_A_QUEUE_INDEX, kill->index))
		return -EMSGSIZE;
	if (kill->has_queue &&
	    (nla_put_u32(skb, OOMQ_A_QUEUE_LEN, kill->queue_len) ||
	     nla_put_u64_64bit(skb, OOMQ_A_QUEUE_AGE_MS, kill->queue_age_ms,
			       OOMQ_A_PAD)))
		return -EMSGSIZE;
	return 0;
}

static int oomq_put_event(struct sk_buff *skb, const struct oomq_event *event)
{
	if (nla_put_u32(skb, OOMQ_A_EVENT_TYPE, event->type))
		return -EMSGSIZE;
	switch (event->type) {
	case OOMQ_EVENT_KILL:
		return oomq_put_kill(skb, &event->kill);
	case OOMQ_EVENT_QUEUE_SET:
		return nla_put_u32(skb, OOMQ_A_QUEUE_LEN, event->queue_len);
	case OOMQ_EVENT_PROBE_MISS:
		return nla_put_u32(skb, OOMQ_A_MODE_ACTIVE, event->mode_active);
	case OOMQ_EVENT_LOST:
		return nla_put_u32(skb, OOMQ_A_LOST, event->lost);
	default:
		return 0;
	}
}

/* Process context (the events work item). */
void oomq_netlink_event(const struct oomq_event *event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&oomq_family, &init_net, OOMQ_MCGRP_EVENTS_ID))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &oomq_family, 0, OOMQ_CMD_EVENT);
	if (!hdr || oomq_put_event(msg, event)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&oomq_family, msg, 0, OOMQ_MCGRP_EVENTS_ID,
			  GFP_KERNEL);
}

int oomq_netlink_init(void)
{
	oomq_genl_set_resv_start_op(&oomq_family, OOMQ_CMD_SET_CONFIG + 1);
	return genl_register_family(&oomq_family);
}

void oomq_netlink_uninit(void)
{
	genl_unregister_family(&oomq_family);
}
