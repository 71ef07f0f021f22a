// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/oom: the queue as text, for people and shell scripts.
 *
 *	# echo "1234 5678" > /proc/oom
 *	# cat /proc/oom
 *	1234 5678
 *
 * Each write() is one whole list (see parse.c for the grammar) and
 * replaces the queue at once, or fails and leaves it as it was.  A write
 * at a non-zero offset, such as a second write() on the same open file,
 * fails with EINVAL: it would be the rest of a list split by a stdio
 * buffer or a shell loop, and taken alone it names processes nobody
 * named.  Numeric sysctls under kernel.sysctl_writes_strict ignore such
 * a write; uid_map (map_write()) refuses it with EINVAL, as here, so the
 * writer learns that its list was cut.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
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
#include "visible.h"

static struct proc_dir_entry *oomq_proc_entry;

/*
 * What a write needs besides the queue (queue.c recycles that): its text
 * and the PIDs parsed from it.  Kept from one write to the next, so that
 * a write in steady state allocates nothing; see queue.c for why.  The
 * buffer grows to the largest write so far, a page at least and at most
 * OOMQ_PROC_WRITE_MAX bytes plus 4 bytes for each PID such a write can
 * hold (16 KiB for OOMQ_QUEUE_MAX), 80 KiB in all, and is freed at
 * unload.
 */
static struct {
	struct mutex lock;	/* serialises writers of the buffer */
	char *text;
	u32 *pids;		/* right after @text */
	size_t size;		/* room in @text, bytes */
	unsigned int max;	/* room in @pids */
} oomq_proc_buf = {
	.lock = __MUTEX_INITIALIZER(oomq_proc_buf.lock),
};

/* Room for a write of @count bytes.  Caller holds oomq_proc_buf.lock. */
static int oomq_proc_buf_reserve(size_t count)
{
	size_t size = max_t(size_t, PAGE_ALIGN(count), PAGE_SIZE);
	/* Each PID takes a digit and a separator but the last. */
	unsigned int max = min_t(size_t, size / 2 + 1, OOMQ_QUEUE_MAX);
	char *text;

	if (count <= oomq_proc_buf.size)
		return 0;
	text = kvmalloc(size + max * sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!text)
		return -ENOMEM;
	kvfree(oomq_proc_buf.text);
	oomq_proc_buf.text = text;
	oomq_proc_buf.pids = (u32 *)(text + size);
	oomq_proc_buf.size = size;
	oomq_proc_buf.max = max;
	return 0;
}

/*
 * PIDs are numbered by the PID namespace of the procfs mount, as in
 * /proc/<pid>, both ways: a PID read from /proc, or from this file,
 * names the same process when written back.
 */
static struct pid_namespace *oomq_proc_pid_ns(const struct file *file)
{
	return proc_pid_ns(file_inode(file)->i_sb);
}

/* Live queued processes that /proc shows the reader. */
static int oomq_proc_show(struct seq_file *m, void *v)
{
	const struct file *file = m->file;
	struct proc_fs_info *fs_info = proc_sb_info(file_inode(file)->i_sb);
	struct pid_namespace *ns = oomq_proc_pid_ns(file);
	struct oomq_queue *queue = oomq_queue_get();
	const char *sep = "";
	unsigned int i;

	if (!queue)
		return 0;
	rcu_read_lock();
	for (i = 0; i < queue->len; i++) {
		struct pid *tgid = queue->pids[i];
		struct task_struct *task = pid_task(tgid, PIDTYPE_TGID);
		pid_t nr = pid_nr_ns(tgid, ns);

		if (!nr || !task || !oomq_task_visible(fs_info, task))
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
	int ret;

	if (*ppos)
		return -EINVAL;
	if (count > OOMQ_PROC_WRITE_MAX)
		return -E2BIG;
	if (mutex_lock_killable(&oomq_proc_buf.lock))
		return -EINTR;
	ret = oomq_proc_buf_reserve(count);
	if (ret)
		goto out;
	if (copy_from_user(oomq_proc_buf.text, ubuf, count)) {
		ret = -EFAULT;
		goto out;
	}
	/* Room for every PID that fits in @count bytes: E2BIG means too many. */
	ret = oomq_parse_pids(oomq_proc_buf.text, count, oomq_proc_buf.pids,
			      oomq_proc_buf.max, &npids);
	if (!ret)
		ret = oomq_queue_set(oomq_proc_buf.pids, npids,
				     oomq_proc_pid_ns(file));
out:
	mutex_unlock(&oomq_proc_buf.lock);
	if (ret)
		return ret;
	*ppos = count;
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
	kvfree(oomq_proc_buf.text);
}
