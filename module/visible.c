// SPDX-License-Identifier: GPL-2.0
/*
 * Which processes a reader may see.  The queue names processes, so
 * /proc/oom and the status command list none that /proc would hide from
 * the same reader: a procfs mount with hidepid= shows a user only the
 * processes it may ptrace-read, unless it is in the mount's gid= group.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "compat.h"
#include "visible.h"

/*
 * ptrace_may_access(@task, PTRACE_MODE_READ_FSCREDS | PTRACE_MODE_NOAUDIT),
 * the check /proc makes, is not exported to modules.  This is what
 * __ptrace_may_access() checks for that mode, but for the LSM hook,
 * security_ptrace_access_check(), not exported either: a process that
 * only an LSM hides from /proc is still listed.  Not audited: a listing
 * is not an access.  Caller holds rcu_read_lock().
 */
static bool oomq_may_read(struct task_struct *task)
{
	const struct cred *cred = current_cred(), *tcred;
	bool ok;

	if (same_thread_group(task, current))
		return true;
	task_lock(task);
	tcred = __task_cred(task);
	ok = (uid_eq(cred->fsuid, tcred->euid) &&
	      uid_eq(cred->fsuid, tcred->suid) &&
	      uid_eq(cred->fsuid, tcred->uid) &&
	      gid_eq(cred->fsgid, tcred->egid) &&
	      gid_eq(cred->fsgid, tcred->sgid) &&
	      gid_eq(cred->fsgid, tcred->gid)) ||
	     ns_capable_noaudit(tcred->user_ns, CAP_SYS_PTRACE);
	if (ok) {
		/* Dumpability after the credentials, as commit_creds() orders. */
		smp_rmb();
		ok = oomq_task_dumpable_by(task);
	}
	task_unlock(task);
	return ok;
}

/**
 * oomq_task_visible - would /proc list @task to the current task?
 * @fs_info: the procfs mount read through, or NULL where none applies
 *	(netlink): then as hidepid=ptraceable, the strictest
 * @task: a thread-group leader
 *
 * As has_pid_permissions(@fs_info, @task, HIDEPID_INVISIBLE) for the
 * listing of /proc in fs/proc/base.c.  Caller holds rcu_read_lock().
 */
bool oomq_task_visible(const struct proc_fs_info *fs_info,
		       struct task_struct *task)
{
	if (fs_info && fs_info->hide_pid != HIDEPID_NOT_PTRACEABLE) {
		if (fs_info->hide_pid < HIDEPID_INVISIBLE)
			return true;
		if (in_group_p(fs_info->pid_gid))
			return true;
	}
	return oomq_may_read(task);
}
