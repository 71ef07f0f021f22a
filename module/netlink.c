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
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <uapi/linux/oomq.h>

#include "compat.h"
#include "events.h"
#include "hook.h"
#include "netlink.h"
#include "queue.h"
#include "tasks.h"
#include "visible.h"

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

/*
 * Live queued PIDs as @ns numbers them, as a u32 array attribute: those
 * that /proc would show the caller under any hidepid=, for the caller
 * reads through no procfs mount.
 */
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
		struct task_struct *task = pid_task(tgid, PIDTYPE_TGID);
		pid_t nr = pid_nr_ns(tgid, ns);

		if (nr && task && oomq_task_visible(NULL, task))
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

/*
 * Changes to what the OOM killer does take the privilege /proc/oom takes:
 * CAP_SYS_RESOURCE in the initial user namespace, held by the socket's
 * opener and by the sender, as netlink_capable() checks.  Not
 * GENL_ADMIN_PERM: CAP_NET_ADMIN is held by network daemons and by
 * containers that have no say over the host's memory.
 */
static int oomq_may_change(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_RESOURCE))
		return 0;
	GENL_SET_ERR_MSG(info, "needs CAP_SYS_RESOURCE");
	return -EPERM;
}

static int oomq_cmd_set_queue(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[OOMQ_A_QUEUE];
	int ret;

	ret = oomq_may_change(skb, info);
	if (ret)
		return ret;
	if (!attr) {
		GENL_SET_ERR_MSG(info, "OOMQ_A_QUEUE is required");
		return -EINVAL;
	}
	if (nla_len(attr) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "queue must be an array of u32 PIDs");
		return -EINVAL;
	}
	return oomq_queue_set(nla_data(attr), nla_len(attr) / sizeof(u32),
			      task_active_pid_ns(current));
}

static int oomq_cmd_set_config(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	ret = oomq_may_change(skb, info);
	if (ret)
		return ret;
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

#ifndef OOMQ_HAVE_GENL_RESV_START_OP
static int oomq_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			 struct genl_info *info)
{
	return oomq_genl_header_check(info->nlhdr, info->extack);
}
#endif

static const struct genl_small_ops oomq_small_ops[] = {
	{
		.cmd = OOMQ_CMD_GET_STATUS,
		.doit = oomq_cmd_get_status,
	},
	{
		.cmd = OOMQ_CMD_SET_QUEUE,
		.doit = oomq_cmd_set_queue,
	},
	{
		.cmd = OOMQ_CMD_SET_CONFIG,
		.doit = oomq_cmd_set_config,
	},
};

/* Dumps with start and done callbacks need the full genl_ops. */
static const struct genl_ops oomq_ops[] = {
	{
		.cmd = OOMQ_CMD_GET_TASKS,
		.start = oomq_tasks_dump_start,
		.dumpit = oomq_cmd_get_tasks,
		.done = oomq_tasks_dump_done,
	},
};

static struct genl_family oomq_family __ro_after_init = {
	.name = OOMQ_GENL_NAME,
	.version = OOMQ_GENL_VERSION,
	.maxattr = OOMQ_A_MAX,
	.policy = oomq_policy,
	.module = THIS_MODULE,
	/*
	 * Not under genl_mutex: each op takes its own locks (the queue
	 * writers' mutex, the mode lock in hook.c, references and RCU for
	 * readers, the dump's state in cb->args), so a family stuck while
	 * holding genl_mutex cannot hold up a queue update under pressure.
	 */
	.parallel_ops = true,
#ifndef OOMQ_HAVE_GENL_RESV_START_OP
	.pre_doit = oomq_pre_doit,
#endif
	.small_ops = oomq_small_ops,
	.n_small_ops = ARRAY_SIZE(oomq_small_ops),
	.ops = oomq_ops,
	.n_ops = ARRAY_SIZE(oomq_ops),
	/*
	 * No .resv_start_op, as genetlink.h asks of new families: every
	 * command has its header's reserved byte and flags checked (by
	 * oomq_pre_doit() before 6.1) and its attributes parsed strictly.
	 */
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

/* The largest event, a kill with every attribute: under 200 bytes. */
static size_t oomq_event_size(void)
{
	return nla_total_size(sizeof(u32)) * 8 +	/* type ... queue length */
	       nla_total_size_64bit(sizeof(u64)) * 4 +	/* cgroup, KiB, age */
	       nla_total_size(TASK_COMM_LEN);
}

/*
 * Events follow OOM kills, while memory is short: the message is small
 * and its allocation must not invoke the OOM killer from our worker.
 */
#define OOMQ_EVENT_GFP (GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)

/*
 * Messages allocated while memory was there, for when it is not: the
 * kill event is sent before its victim's memory is back, and a
 * __GFP_NORETRY allocation then fails.  Only the drain work item (never
 * running twice at once) and init/uninit touch them.
 */
#define OOMQ_EVENT_SPARES 4
static struct sk_buff *oomq_event_spares[OOMQ_EVENT_SPARES];

static struct sk_buff *oomq_event_msg(void)
{
	struct sk_buff *msg = genlmsg_new(oomq_event_size(), OOMQ_EVENT_GFP);
	unsigned int i;

	for (i = 0; !msg && i < OOMQ_EVENT_SPARES; i++) {
		msg = oomq_event_spares[i];
		oomq_event_spares[i] = NULL;
	}
	return msg;
}

/* Top the spares up, as far as memory allows without a fight. */
static void oomq_event_spares_fill(gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < OOMQ_EVENT_SPARES; i++) {
		if (oomq_event_spares[i])
			continue;
		oomq_event_spares[i] = genlmsg_new(oomq_event_size(), gfp);
		if (!oomq_event_spares[i])
			break;
	}
}

static void oomq_event_spares_free(void)
{
	unsigned int i;

	for (i = 0; i < OOMQ_EVENT_SPARES; i++) {
		nlmsg_free(oomq_event_spares[i]);
		oomq_event_spares[i] = NULL;
	}
}

/*
 * Process context (the events work item).  Return: 0, or -ENOMEM or
 * -EMSGSIZE when no message could be built: the event is lost.  A
 * listener whose socket is full learns of its own loss from recv().
 */
static int oomq_netlink_event(const struct oomq_event *event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&oomq_family, &init_net, OOMQ_MCGRP_EVENTS_ID))
		return 0;
	msg = oomq_event_msg();
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &oomq_family, 0, OOMQ_CMD_EVENT);
	if (!hdr || oomq_put_event(msg, event)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&oomq_family, msg, 0, OOMQ_MCGRP_EVENTS_ID,
			  OOMQ_EVENT_GFP);
	return 0;
}

/* The events ring's reader: send what the probes and writers posted. */
static void oomq_netlink_drain(struct work_struct *work)
{
	struct oomq_event event;

	while (oomq_events_take(&event)) {
		if (!oomq_netlink_event(&event))
			continue;
		oomq_events_drop(&event);
		/* Not even the count went out: the next event retries it. */
		if (event.type == OOMQ_EVENT_LOST)
			break;
	}
	oomq_event_spares_fill(OOMQ_EVENT_GFP);
}

static DECLARE_WORK(oomq_drain_work, oomq_netlink_drain);

int oomq_netlink_init(void)
{
	int ret = genl_register_family(&oomq_family);

	if (ret)
		return ret;
	/* Fewer than all is fine: the drain tops them up. */
	oomq_event_spares_fill(GFP_KERNEL);
	oomq_events_open(&oomq_drain_work);
	return 0;
}

/* Nothing is sent once this returns: the family goes last. */
void oomq_netlink_uninit(void)
{
	oomq_events_close();
	cancel_work_sync(&oomq_drain_work);
	oomq_event_spares_free();
	genl_unregister_family(&oomq_family);
}
