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
 * found.
 */
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/pid_namespace.h>
#include <linux/sched/cputime.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <uapi/linux/oomq.h>

#include "tasks.h"

/* What survives between batches of one dump, in cb->args. */
enum {
	OOMQ_DUMP_NEXT_PID,	/* the cursor: first PID not yet sent */
	OOMQ_DUMP_PID_NS,	/* struct pid_namespace *, referenced */
	OOMQ_DUMP_USER_NS,	/* struct user_namespace *, referenced */
};

/* What one walk over a process's threads finds. */
struct oomq_task_threads {
	u64 cpu_ns;		/* utime + stime of the whole group */
	bool has_mm;
	u64 total_vm, anon, file, shmem, swap, pgtables;
	u32 flags;		/* OOMQ_TASK_F_OOM_SKIP, _VFORK */
};

static void oomq_sample_mm(struct task_struct *t, struct mm_struct *mm,
			   struct oomq_task_threads *th)
{
	th->has_mm = true;
	th->total_vm = mm->total_vm;
	th->anon = get_mm_counter(mm, MM_ANONPAGES);
	th->file = get_mm_counter(mm, MM_FILEPAGES);
	th->shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	th->swap = get_mm_counter(mm, MM_SWAPENTS);
	th->pgtables = mm_pgtables_bytes(mm);
	if (test_bit(MMF_OOM_SKIP, &mm->flags))
		th->flags |= OOMQ_TASK_F_OOM_SKIP;
	if (in_vfork(t))
		th->flags |= OOMQ_TASK_F_VFORK;
}

/*
 * One pass over the threads: the CPU time the scheduler counted (those
 * that exited plus every live one; /proc's stat reports the same runtime
 * split into user and system time and kept monotonic), and the address
 * space of the first thread that still has one, as find_lock_task_mm()
 * (not exported) finds it for oom_badness().
 */
static void oomq_walk_threads(struct task_struct *p,
			      struct oomq_task_threads *th)
{
	struct task_struct *t;

	rcu_read_lock();
	th->cpu_ns = READ_ONCE(p->signal->sum_sched_runtime);
	for_each_thread(p, t) {
		th->cpu_ns += READ_ONCE(t->se.sum_exec_runtime);
		if (th->has_mm)
			continue;
		task_lock(t);
		if (t->mm)
			oomq_sample_mm(t, t->mm, th);
		task_unlock(t);
	}
	rcu_read_unlock();
}

static u64 oomq_cap_eff(const struct cred *cred)
{
	u64 caps = 0;
	int cap;

	/* kernel_cap_t changed shape in 6.3; cap_raised() did not. */
	for (cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
		if (cap_raised(cred->cap_effective, cap))
			caps |= 1ULL << cap;
	return caps;
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

static int oomq_put_task_mm(struct sk_buff *skb,
			    const struct oomq_task_threads *th)
{
	if (nla_put_u64_64bit(skb, OOMQ_TASK_A_TOTAL_VM, th->total_vm,
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_RSS_ANON, th->anon,
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_RSS_FILE, th->file,
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_RSS_SHMEM, th->shmem,
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_SWAP, th->swap,
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_PGTABLES, th->pgtables,
			      OOMQ_TASK_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Everything about @p that does not need its mm; under RCU. */
static int oomq_put_task_ids(struct sk_buff *skb, struct task_struct *p,
			     struct pid_namespace *pid_ns,
			     struct user_namespace *user_ns)
{
	const struct cred *cred = __task_cred(p);
	char comm[TASK_COMM_LEN];
	pid_t ppid;

	ppid = pid_alive(p) ?
		task_tgid_nr_ns(rcu_dereference(p->real_parent), pid_ns) : 0;
	get_task_comm(comm, p);
	if (nla_put_u32(skb, OOMQ_TASK_A_PID, task_tgid_nr_ns(p, pid_ns)) ||
	    nla_put_u32(skb, OOMQ_TASK_A_PPID, ppid) ||
	    nla_put_u32(skb, OOMQ_TASK_A_UID,
			from_kuid_munged(user_ns, cred->uid)) ||
	    nla_put_u32(skb, OOMQ_TASK_A_EUID,
			from_kuid_munged(user_ns, cred->euid)) ||
	    nla_put_string(skb, OOMQ_TASK_A_COMM, comm) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_CAP_EFF, oomq_cap_eff(cred),
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_CGROUP_ID,
			      cgroup_id(task_dfl_cgroup(p)), OOMQ_TASK_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int oomq_put_task(struct sk_buff *skb, struct task_struct *p,
			 struct pid_namespace *pid_ns,
			 struct user_namespace *user_ns)
{
	struct oomq_task_threads th = { 0 };
	u32 flags;
	int ret;

	oomq_walk_threads(p, &th);
	flags = oomq_task_flags(p) | th.flags;
	if (!th.has_mm)
		flags |= OOMQ_TASK_F_NO_MM;
	rcu_read_lock();
	ret = oomq_put_task_ids(skb, p, pid_ns, user_ns);
	rcu_read_unlock();
	if (ret ||
	    nla_put_u32(skb, OOMQ_TASK_A_FLAGS, flags) ||
	    nla_put_s32(skb, OOMQ_TASK_A_OOM_SCORE_ADJ,
			READ_ONCE(p->signal->oom_score_adj)) ||
	    nla_put_s32(skb, OOMQ_TASK_A_NICE, task_nice(p)) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_CPU_NS, th.cpu_ns,
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u64_64bit(skb, OOMQ_TASK_A_START_NS,
			      timens_add_boottime_ns(p->start_boottime),
			      OOMQ_TASK_A_PAD) ||
	    nla_put_u32(skb, OOMQ_TASK_A_PAGE_SIZE, PAGE_SIZE))
		return -EMSGSIZE;
	return th.has_mm ? oomq_put_task_mm(skb, &th) : 0;
}

/* The leader of the first thread group at or after *@nr, referenced. */
static struct task_struct *oomq_next_tgid(struct pid_namespace *ns, int *nr)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	while ((pid = find_ge_pid(*nr, ns))) {
		*nr = pid_nr_ns(pid, ns);
		task = pid_task(pid, PIDTYPE_TGID);
		if (task) {
			get_task_struct(task);
			break;
		}
		(*nr)++;	/* a thread's PID, or gone meanwhile */
	}
	rcu_read_unlock();
	return task;
}

int oomq_tasks_dump_start(struct netlink_callback *cb)
{
	cb->args[OOMQ_DUMP_NEXT_PID] = 1;
	cb->args[OOMQ_DUMP_PID_NS] =
		(long)get_pid_ns(task_active_pid_ns(current));
	cb->args[OOMQ_DUMP_USER_NS] = (long)get_user_ns(current_user_ns());
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
	struct pid_namespace *pid_ns = (void *)cb->args[OOMQ_DUMP_PID_NS];
	struct user_namespace *user_ns = (void *)cb->args[OOMQ_DUMP_USER_NS];
	int nr = cb->args[OOMQ_DUMP_NEXT_PID];
	struct task_struct *task;

	while ((task = oomq_next_tgid(pid_ns, &nr))) {
		struct nlattr *nest;
		void *hdr;
		int ret;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, family, NLM_F_MULTI,
				  OOMQ_CMD_GET_TASKS);
		nest = hdr ? nla_nest_start(skb, OOMQ_A_TASK) : NULL;
		ret = nest ? oomq_put_task(skb, task, pid_ns, user_ns) :
			     -EMSGSIZE;
		put_task_struct(task);
		if (ret) {
			/* The batch is full: this one starts the next. */
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
		nr++;
	}
	cb->args[OOMQ_DUMP_NEXT_PID] = nr;
	return skb->len;
}
