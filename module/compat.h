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
#include <linux/idr.h>
#include <linux/mm_types.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/time_namespace.h>
#include <net/genetlink.h>

#include "oomq-probes.h"

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
 * task_lock() from a probe handler, where preemption is off.  On
 * PREEMPT_RT task_lock() is a sleeping lock, which must not be taken
 * there: only try it, and let the caller do without when it is busy.
 */
static inline bool oomq_task_trylock(struct task_struct *t)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return spin_trylock(&t->alloc_lock);
	task_lock(t);
	return true;
}

#endif /* _OOMQ_COMPAT_H */
