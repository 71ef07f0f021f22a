// SPDX-License-Identifier: GPL-2.0
/*
 * oomq: let user space rank the OOM killer's victims.
 *
 * A queue of processes, written by a person or a policy daemon through
 * /proc/oom or generic netlink, that the kernel's OOM killer takes its
 * victims from, first eligible one first, before it falls back to its
 * own choice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "hook.h"
#include "netlink.h"
#include "procfs.h"
#include "queue.h"

static int __init oomq_init(void)
{
	int ret;

	ret = oomq_queue_init();
	if (ret)
		return ret;
	ret = oomq_netlink_init();
	if (ret)
		goto err_queue;
	ret = oomq_procfs_init();
	if (ret)
		goto err_netlink;
	ret = oomq_hook_init();
	if (ret)
		goto err_procfs;
	pr_info("steering the OOM killer through /proc/oom (mode=%s)\n",
		oomq_mode_name(oomq_hook_mode()));
	return 0;

err_procfs:
	oomq_procfs_uninit();
err_netlink:
	oomq_netlink_uninit();
err_queue:
	oomq_queue_uninit();
	return ret;
}

static void __exit oomq_exit(void)
{
	oomq_hook_uninit();
	oomq_procfs_uninit();
	oomq_netlink_uninit();
	oomq_queue_uninit();
}

module_init(oomq_init);
module_exit(oomq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("User-space ranked victim queue for the OOM killer");
MODULE_AUTHOR("The oomq authors");
MODULE_VERSION("0.1.0");
