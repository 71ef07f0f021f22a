// SPDX-License-Identifier: GPL-2.0
/*
 * oomq_genl_block: a test-only generic netlink family whose one command
 * sleeps in its doit for the milliseconds it is given, holding
 * genl_mutex as every family without parallel_ops does: a stand-in for
 * any family stuck in its doit (in reclaim, on a lock).  Only the VM
 * bench builds and loads it (the netlink_parallel case).
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <net/genetlink.h>

enum {
	OOMQ_BLOCK_A_UNSPEC,
	OOMQ_BLOCK_A_MS, /* u32, ms to sleep */
	__OOMQ_BLOCK_A_MAX
};

#define OOMQ_BLOCK_CMD_SLEEP 1
#define OOMQ_BLOCK_MS_MAX 10000

static const struct nla_policy oomq_block_policy[__OOMQ_BLOCK_A_MAX] = {
	[OOMQ_BLOCK_A_MS] = NLA_POLICY_MAX(NLA_U32, OOMQ_BLOCK_MS_MAX),
};

static int oomq_block_sleep(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[OOMQ_BLOCK_A_MS])
		return -EINVAL;
	msleep_interruptible(nla_get_u32(info->attrs[OOMQ_BLOCK_A_MS]));
	return 0;
}

static const struct genl_small_ops oomq_block_ops[] = {
	{
		.cmd = OOMQ_BLOCK_CMD_SLEEP,
		.doit = oomq_block_sleep,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family oomq_block_family __ro_after_init = {
	.name = "oomq_block",
	.version = 1,
	.maxattr = __OOMQ_BLOCK_A_MAX - 1,
	.policy = oomq_block_policy,
	.module = THIS_MODULE,
	.small_ops = oomq_block_ops,
	.n_small_ops = ARRAY_SIZE(oomq_block_ops),
};

static int __init oomq_block_init(void)
{
	return genl_register_family(&oomq_block_family);
}

static void __exit oomq_block_exit(void)
{
	genl_unregister_family(&oomq_block_family);
}

module_init(oomq_block_init);
module_exit(oomq_block_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("oomq test: a genetlink family that sleeps under genl_mutex");
