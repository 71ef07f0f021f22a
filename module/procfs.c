// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/oom: the queue as text, for people and shell scripts.
 *
 *	# echo "1234 5678" > /proc/oom
 *	# cat /proc/oom
 *	1234 5678
 *
 * Each write() is one whole list (see parse.c for the grammar) and
 * replaces the queue at once, or fails and leaves it as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/oomq.h>

#include "parse.h"
#include "procfs.h"
#include "queue.h"

static struct proc_dir_entry *oomq_proc_entry;

/* Live queued processes, as the reader's PID namespace numbers them. */
static int oomq_proc_show(struct seq_file *m, void *v)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct oomq_queue *queue = oomq_queue_get();
	const char *sep = "";
	unsigned int i;

	if (!queue)
		return 0;
	rcu_read_lock();
	for (i = 0; i < queue->len; i++) {
		struct pid *tgid = queue->pids[i];
		pid_t nr = pid_nr_ns(tgid, ns);

		if (!nr || !pid_task(tgid, PIDTYPE_TGID))
			continue;
		seq_printf(m, "%s%d", sep, nr);
		sep = " ";
	}
	rcu_read_unlock();
	if (*sep)
		seq_putc(m, '\n');
	oomq_queue_put(queue);
	return 0;
}

/* Privilege is the opener's, as for any file: checked once, here. */
static int oomq_proc_open(struct inode *inode, struct file *file)
{
	if ((file->f_mode & FMODE_WRITE) &&
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_RESOURCE))
		return -EPERM;
	return single_open(file, oomq_proc_show, NULL);
}

static ssize_t oomq_proc_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned int npids;
	u32 *pids;
	char *buf;
	int ret;

	if (count > OOMQ_PROC_WRITE_MAX)
		return -E2BIG;
	buf = vmemdup_user(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	pids = kvmalloc_array(OOMQ_QUEUE_MAX, sizeof(*pids), GFP_KERNEL);
	if (!pids) {
		ret = -ENOMEM;
		goto out_buf;
	}
	ret = oomq_parse_pids(buf, count, pids, OOMQ_QUEUE_MAX, &npids);
	if (!ret)
		ret = oomq_queue_set(pids, npids);
	kvfree(pids);
out_buf:
	kvfree(buf);
	if (ret)
		return ret;
	return count;
}

static const struct proc_ops oomq_proc_ops = {
	.proc_open = oomq_proc_open,
	.proc_read = seq_read,
	.proc_write = oomq_proc_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

int oomq_procfs_init(void)
{
	oomq_proc_entry = proc_create("oom", 0644, NULL, &oomq_proc_ops);
	return oomq_proc_entry ? 0 : -ENOMEM;
}

/* Waits for readers and writers still inside. */
void oomq_procfs_uninit(void)
{
	proc_remove(oomq_proc_entry);
}
