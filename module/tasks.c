// SPDX-License-Identifier: GPL-2.0
/*
 * The task snapshot: OOMQ_CMD_GET_TASKS dumps, for every process the
 * caller can see, what the badness() ports and a policy read from /proc
 * (stat, status, statm, oom_score_adj, cgroup), so a ranking pass costs
 * a few recvmsg() calls instead of several file reads per process.
 *
 * The walk is /proc's own (next_tgid() in fs/proc/base.c): the next PID
 * at or above a cursor that names a thread-group leader.  The cursor is
 * all that is kept between batches, so no task or lock is held while
 * user space reads, and a process that exits meanwhile is simply not
 * found.  Each process is read inside one RCU read-side section, which
 * keeps its task_struct and signal_struct (both freed after a grace
 * period) without taking a reference, and under one task lock: the
 * leader's, which usually also guards the mm.  That and the copying are
 * all a process costs.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <uapi/linux/oomq.h>

#include "compat.h"
#include "tasks.h"

/* What survives between batches of one dump, in cb->args. */
enum {
	OOMQ_DUMP_NEXT_PID,	/* the cursor: first PID not yet sent */
	OOMQ_DUMP_PID_NS,	/* struct pid_namespace *, referenced */
	OOMQ_DUMP_USER_NS,	/* struct user_namespace *, referenced */
	OOMQ_DUMP_BOOTTIME,	/* the time namespace's CLOCK_BOOTTIME offset, ns */
};

/*
 * The caller's view of the processes, taken when the dump starts: the
 * batches after the first run in whichever task reads the socket, which
 * may live in other namespaces.
 */
struct oomq_dump_view {
	struct pid_namespace *pid_ns;
	struct user_namespace *user_ns;
	u64 boottime_ns;	/* added to CLOCK_BOOTTIME, ns (mod 2^64) */
};

/* What one walk over a process's threads finds. */
struct oomq_task_threads {
	char comm[TASK_COMM_LEN];	/* the leader's */
	u64 cpu_ns;		/* utime + stime of the whole group */
	bool has_mm;
	struct oomq_task_mm mm;
	u32 flags;		/* OOMQ_TASK_F_OOM_SKIP, _VFORK */
};

static void oomq_sample_mm(struct task_struct *t, struct mm_struct *mm,
			   struct oomq_task_threads *th)
{
	th->has_mm = true;
	th->mm.total_vm = mm->total_vm;
	th->mm.rss_anon = get_mm_counter(mm, MM_ANONPAGES);
	th->mm.rss_file = get_mm_counter(mm, MM_FILEPAGES);
	th->mm.rss_shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	th->mm.swap = get_mm_counter(mm, MM_SWAPENTS);
	th->mm.pgtables = mm_pgtables_bytes(mm);
	if (oomq_mm_oom_skip(mm))
		th->flags |= OOMQ_TASK_F_OOM_SKIP;
	if (in_vfork(t))
		th->flags |= OOMQ_TASK_F_VFORK;
}

/*
 * One pass over the threads, under RCU: the CPU time the scheduler
 * counted (those that exited plus every live one; /proc's stat reports
 * the same runtime split into user and system time and kept monotonic),
 * the leader's name, and the address space of the first thread that
 * still has one, as find_lock_task_mm() (not exported) finds it for
 * oom_badness().  The leader comes first and usually has the mm, so one
 * task lock gives both.
 */
static void oomq_walk_threads(struct task_struct *p,
			      struct oomq_task_threads *th)
{
	struct task_struct *t;

	th->cpu_ns = READ_ONCE(p->signal->sum_sched_runtime);
	for_each_thread(p, t) {
		th->cpu_ns += READ_ONCE(t->se.sum_exec_runtime);
		if (th->has_mm && t != p)
			continue;
		task_lock(t);
		if (t == p)
			strscpy_pad(th->comm, p->comm, sizeof(th->comm));
		if (t->mm && !th->has_mm)
			oomq_sample_mm(t, t->mm, th);
		task_unlock(t);
	}
}

static u32 oomq_task_flags(struct task_struct *p)
{
	u32 flags = 0;

	if (p->flags & PF_KTHREAD)
		flags |= OOMQ_TASK_F_KTHREAD;
	if (is_global_init(p))
		flags |= OOMQ_TASK_F_INIT;
	if ((p->flags & PF_EXITING) || fatal_signal_pending(p))
		flags |= OOMQ_TASK_F_EXITING;
	if (tsk_is_oom_victim(p))
		flags |= OOMQ_TASK_F_OOM_VICTIM;
	return flags;
}

/* One process's attributes; under RCU. */
static int oomq_put_task(struct sk_buff *skb, struct task_struct *p,
			 const struct oomq_dump_view *view)
{
	struct pid_namespace *pid_ns = view->pid_ns;
	struct user_namespace *user_ns = view->user_ns;
	const struct cred *cred = __task_cred(p);
	struct oomq_task_threads th = { 0 };
	struct oomq_task_stat st = {
		.pid = task_tgid_nr_ns(p, pid_ns),
		.uid = from_kuid_munged(user_ns, cred->uid),
		.euid = from_kuid_munged(user_ns, cred->euid),
		.oom_score_adj = READ_ONCE(p->signal->oom_score_adj),
		.nice = task_nice(p),
		.page_size = PAGE_SIZE,
		.start_ns = p->start_boottime + view->boottime_ns,
		.cap_eff = oomq_cap_bits(cred->cap_effective),
		.cgroup_id = cgroup_id(task_dfl_cgroup(p)),
	};

	if (pid_alive(p))
		st.ppid = task_tgid_nr_ns(rcu_dereference(p->real_parent),
					  pid_ns);
	oomq_walk_threads(p, &th);
	st.cpu_ns = th.cpu_ns;
	st.flags = oomq_task_flags(p) | th.flags;
	if (!th.has_mm)
		st.flags |= OOMQ_TASK_F_NO_MM;
	if (nla_put(skb, OOMQ_TASK_A_STAT, sizeof(st), &st) ||
	    nla_put_string(skb, OOMQ_TASK_A_COMM, th.comm) ||
	    (th.has_mm &&
	     nla_put(skb, OOMQ_TASK_A_MM, sizeof(th.mm), &th.mm)))
		return -EMSGSIZE;
	return 0;
}

/*
 * The leader of the first thread group at or after *@nr; valid until
 * the caller's rcu_read_unlock().
 */
static struct task_struct *oomq_next_tgid(struct pid_namespace *ns, int *nr)
{
	struct pid *pid;

	while ((pid = oomq_find_ge_pid(*nr, ns))) {
		struct task_struct *task;

		*nr = pid_nr_ns(pid, ns);
		task = pid_task(pid, PIDTYPE_TGID);
		if (task)
			return task;
		(*nr)++;	/* a thread's PID, or gone meanwhile */
	}
	return NULL;
}

/* One process as one message; -EMSGSIZE when the batch is full. */
static int oomq_put_task_msg(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct genl_family *family,
			     struct task_struct *p,
			     const struct oomq_dump_view *view)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  family, NLM_F_MULTI, OOMQ_CMD_GET_TASKS);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, OOMQ_A_TASK);
	if (!nest || oomq_put_task(skb, p, view)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The dump shows of every process what /proc/<pid> shows only to a
 * reader that may ptrace-read it once hidepid= is set, so it takes the
 * capability that lets a reader read all of /proc under any hidepid=:
 * CAP_SYS_PTRACE in the initial user namespace, of the socket's opener
 * and of the sender (netlink_capable()).  Not CAP_SYS_RESOURCE: that one
 * grants changing limits, not reading other users' processes.
 */
int oomq_tasks_dump_start(struct netlink_callback *cb)
{
	int ret = oomq_genl_header_check(cb->nlh, cb->extack);

	if (ret)
		return ret;
	if (!netlink_capable(cb->skb, CAP_SYS_PTRACE)) {
		NL_SET_ERR_MSG(cb->extack, "needs CAP_SYS_PTRACE");
		return -EPERM;
	}
	cb->args[OOMQ_DUMP_NEXT_PID] = 1;
	cb->args[OOMQ_DUMP_PID_NS] =
		(long)get_pid_ns(task_active_pid_ns(current));
	cb->args[OOMQ_DUMP_USER_NS] = (long)get_user_ns(current_user_ns());
	/* Fixed once a task entered the namespace: a number will do. */
	cb->args[OOMQ_DUMP_BOOTTIME] = (long)oomq_timens_boottime_ns(0);
	return 0;
}

int oomq_tasks_dump_done(struct netlink_callback *cb)
{
	put_pid_ns((struct pid_namespace *)cb->args[OOMQ_DUMP_PID_NS]);
	put_user_ns((struct user_namespace *)cb->args[OOMQ_DUMP_USER_NS]);
	return 0;
}

int oomq_tasks_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct genl_family *family)
{
	const struct oomq_dump_view view = {
		.pid_ns = (void *)cb->args[OOMQ_DUMP_PID_NS],
		.user_ns = (void *)cb->args[OOMQ_DUMP_USER_NS],
		.boottime_ns = cb->args[OOMQ_DUMP_BOOTTIME],
	};
	int nr = cb->args[OOMQ_DUMP_NEXT_PID];
	struct task_struct *task;
	int ret = 0;

	while (!ret) {
		rcu_read_lock();
		task = oomq_next_tgid(view.pid_ns, &nr);
		if (task)
			ret = oomq_put_task_msg(skb, cb, family, task, &view);
		rcu_read_unlock();
		if (!task)
			break;
		/* A full batch: this process starts the next one. */
		if (!ret)
			nr++;
	}
	cb->args[OOMQ_DUMP_NEXT_PID] = nr;
	return skb->len;
}
