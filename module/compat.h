/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels oomq builds for (5.10 to 7.x, amd64,
 * arm64, armhf, PREEMPT_RT), in one place.  Each difference is detected
 * by feature: OOMQ_HAVE_* come from the probes in compat/ (see
 * compat/Kbuild.include), compiled against the target's own headers.
 */
#ifndef _OOMQ_COMPAT_H
#define _OOMQ_COMPAT_H

#include <linux/capability.h>
#include <linux/hardirq.h>
#include <linux/idr.h>
#include <linux/mempolicy.h>
#include <linux/mm_types.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/time_namespace.h>
#include <net/genetlink.h>

#include "oomq-probes.h"

#ifdef OOMQ_HAVE_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>
#endif

/* Capability n in bit n: kernel_cap_t became one u64 in 6.3. */
static inline u64 oomq_cap_bits(kernel_cap_t caps)
{
#ifdef CAP_FOR_EACH_U32
	return caps.cap[0] | (u64)caps.cap[1] << 32;
#else
	return caps.val;
#endif
}

/*
 * A multicast group only CAP_NET_ADMIN may join (6.6, and 6.1.y).
 * Before, the one such bit asks for CAP_SYS_ADMIN: stricter, not looser.
 */
#ifdef OOMQ_HAVE_GENL_MCAST_FLAGS
#define OOMQ_GENL_MCAST_ADMIN .flags = GENL_MCAST_CAP_NET_ADMIN
#else
#define OOMQ_GENL_MCAST_ADMIN .cap_sys_admin = 1
#endif

/* mm->flags became a bitmap with its own accessors after 6.12. */
static inline bool oomq_mm_oom_skip(const struct mm_struct *mm)
{
#ifdef OOMQ_HAVE_MM_FLAGS_TEST
	return mm_flags_test(MMF_OOM_SKIP, mm);
#else
	return test_bit(MMF_OOM_SKIP, &mm->flags);
#endif
}

/*
 * Since 6.1 genetlink refuses, for every command of a family without
 * .resv_start_op, a request with genlmsghdr.reserved set or with
 * nlmsg_flags bits it cannot give a meaning (genl_header_check()).
 * Before, nothing checked: this does the same for oomq's commands.
 */
static inline int oomq_genl_header_check(const struct nlmsghdr *nlh,
					 struct netlink_ext_ack *extack)
{
#ifndef OOMQ_HAVE_GENL_RESV_START_OP
	const struct genlmsghdr *hdr = nlmsg_data(nlh);
	u16 flags = nlh->nlmsg_flags;

	if (hdr->reserved) {
		NL_SET_ERR_MSG(extack, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		NL_SET_ERR_MSG(extack,
			       "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
#endif
	return 0;
}

#ifdef CONFIG_NUMA
/* A mempolicy's nodes: a member of the union v before 5.14. */
static inline const nodemask_t *
oomq_mempolicy_nodes(const struct mempolicy *pol)
{
#ifdef OOMQ_HAVE_MEMPOLICY_NODES
	return &pol->nodes;
#else
	return &pol->v.nodes;
#endif
}

/*
 * Does @pol keep its task off nodes outside it, for the OOM killer?
 * Since 5.14 (mempolicy_in_oom_domain(), with mempolicy.nodes) only
 * MPOL_BIND; before, mempolicy_nodemask_intersects() passed over an
 * MPOL_INTERLEAVE task the same way.
 */
static inline bool oomq_mempolicy_confines(const struct mempolicy *pol)
{
#ifdef OOMQ_HAVE_MEMPOLICY_NODES
	return pol->mode == MPOL_BIND;
#else
	return pol->mode == MPOL_BIND || pol->mode == MPOL_INTERLEAVE;
#endif
}
#endif

/* As cpuset_mems_allowed_intersects(), not exported; lockless there too. */
static inline bool oomq_mems_allowed_intersect(const struct task_struct *a,
					       const struct task_struct *b)
{
#ifdef CONFIG_CPUSETS
	return nodes_intersects(a->mems_allowed, b->mems_allowed);
#else
	return true;
#endif
}

/*
 * May a reader whose credentials match @task's ptrace-read it, as far as
 * dumpability goes (__ptrace_may_access())?  Caller holds @task's task
 * lock.  7.3 moved dumpability from the mm to the task's exec_state,
 * whose reader modules cannot call; the struct itself is public.
 */
static inline bool oomq_task_dumpable_by(struct task_struct *task)
{
#if defined(OOMQ_HAVE_TASK_EXEC_STATE)
	struct task_exec_state *es;
	bool ok;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	ok = !es || es->dumpable == TASK_DUMPABLE_OWNER ||
	     ns_capable_noaudit(es->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	return ok;
#elif defined(OOMQ_HAVE_GET_DUMPABLE)
	struct mm_struct *mm = task->mm;

	return !mm || get_dumpable(mm) == SUID_DUMP_USER ||
	       ns_capable_noaudit(mm->user_ns, CAP_SYS_PTRACE);
#else
#error "oomq: neither mm nor task exec_state dumpability found (see oomq-probes.log)"
#endif
}

/*
 * The first PID at or above @nr in @ns, as /proc's readdir finds it.
 * find_ge_pid() is this very idr walk; 5.10 does not export it.
 */
static inline struct pid *oomq_find_ge_pid(int nr, struct pid_namespace *ns)
{
#ifdef OOMQ_HAVE_FIND_GE_PID_EXPORTED
	return find_ge_pid(nr, ns);
#else
	return idr_get_next(&ns->idr, &nr);
#endif
}

/* Boot time as the current time namespace sees it, ns. */
static inline u64 oomq_timens_boottime_ns(u64 ns)
{
#ifdef OOMQ_HAVE_TIMENS_ADD_BOOTTIME_NS
	return timens_add_boottime_ns(ns);
#else
	struct timespec64 ts = ns_to_timespec64(ns);

	timens_add_boottime(&ts);
	return timespec64_to_ns(&ts);
#endif
}

/*
 * A probed function's first argument and a kretprobe's return value.
 * 32-bit ARM has neither helper in 6.1: both live in r0 there (AAPCS),
 * and the kretprobe trampoline reloads r0 from @regs.
 */
static inline unsigned long oomq_regs_arg0(struct pt_regs *regs)
{
#if defined(OOMQ_HAVE_REGS_GET_KERNEL_ARGUMENT)
	return regs_get_kernel_argument(regs, 0);
#elif defined(CONFIG_ARM)
	return regs->ARM_r0;
#else
#error "oomq: no way to read a probed function's argument here"
#endif
}

static inline void oomq_regs_set_return(struct pt_regs *regs, long value)
{
#if defined(OOMQ_HAVE_REGS_SET_RETURN_VALUE)
	regs_set_return_value(regs, value);
#elif defined(CONFIG_ARM)
	regs->ARM_r0 = value;
#else
#error "oomq: no way to change a probed function's return value here"
#endif
}

/*
 * task_lock() from a probe handler: only try it, and let the caller do
 * without when it is busy.  A kprobe that fires from its int3 (or BRK)
 * trap runs in NMI context, where waiting for a lock is not allowed:
 * arm64's always do, x86's until the probe is optimised.  On PREEMPT_RT
 * task_lock() is a sleeping lock besides.  A macro, so that sparse sees
 * spin_trylock()'s conditional lock context.
 */
#define oomq_task_trylock(t) spin_trylock(&(t)->alloc_lock)

/*
 * Not even a trylock here: on PREEMPT_RT spin_trylock() takes the
 * rtmutex's raw wait_lock, which an NMI may have interrupted the holder
 * of (the debug kernel's lockdep reports it).  Callers then read only
 * what needs no lock.
 */
static inline bool oomq_no_locks_here(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && in_nmi();
}

#endif /* _OOMQ_COMPAT_H */
