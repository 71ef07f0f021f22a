/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * oomq: a user-space ranked queue of OOM victims for the kernel OOM killer.
 *
 * This header is the contract between oomq.ko and its user-space peers.
 * It is append-only: values are never renumbered or reused.
 *
 * /proc/oom
 * ---------
 * Writing a list of PIDs (decimal, separated by spaces, tabs, commas or
 * newlines) replaces the whole queue in one step; the first PID is the
 * first victim.  Each write() is one complete list of at most
 * OOMQ_PROC_WRITE_MAX bytes and OOMQ_QUEUE_MAX PIDs, written at file
 * offset 0: a write at another offset, such as a second write() on the
 * same open file (the rest of a list a stdio buffer or a shell loop
 * split), fails with EINVAL and changes nothing; lseek() to 0 or open
 * the file again for the next list.  An empty list clears the queue.
 * PIDs are numbered as the procfs mount numbers them in /proc/<pid> (the
 * PID namespace it was mounted in), when written and when read; a PID
 * naming a thread queues its whole thread group; PIDs that do not exist
 * are skipped and duplicates keep their first place.  A malformed list
 * (anything but digits and separators, a leading zero, a zero, a number
 * above 4194304, a NUL byte) fails with EINVAL, too many PIDs or bytes
 * with E2BIG; either way the previous queue stays as it was.  Writing
 * needs CAP_SYS_RESOURCE of the opener (open() for writing fails with
 * EPERM without it).  Reading prints the live queued processes, space
 * separated, one line: those that the procfs mount shows the reader as
 * /proc/<pid> (under hidepid=2 or 4 a reader outside its gid= group sees
 * only the processes it may ptrace-read).
 *
 * At OOM time the kernel still chooses among the tasks it considers
 * eligible (memcg scope, cpusets, oom_score_adj -1000, kthreads, init,
 * tasks already exiting); oomq only moves queued tasks ahead of all
 * others, in queue order.  When no queued task is eligible the kernel's
 * own choice stands.  When a TTL is set and the queue is older than it,
 * the queue is ignored for that OOM.
 *
 * Generic netlink family OOMQ_GENL_NAME, version OOMQ_GENL_VERSION
 * ----------------------------------------------------------------
 * OOMQ_CMD_GET_STATUS (doit, any user)
 *   Reply: OOMQ_A_QUEUE (live queue, PIDs in the caller's namespace;
 *   only the processes the caller may ptrace-read, as the strictest
 *   hidepid shows them, for a netlink caller reads through no procfs
 *   mount), OOMQ_A_QUEUE_LEN (entries held, live or not),
 *   OOMQ_A_QUEUE_AGE_MS (absent when no queue was ever set),
 *   OOMQ_A_TTL_MS, OOMQ_A_MODE, OOMQ_A_MODE_ACTIVE, OOMQ_A_COUNTERS.
 *
 * OOMQ_CMD_SET_QUEUE (doit, CAP_SYS_RESOURCE as for /proc/oom)
 *   OOMQ_A_QUEUE: the new queue as an array of __u32 PIDs in the caller's
 *   PID namespace, same rules as a write to /proc/oom.  A zero-length
 *   attribute clears the queue.
 *
 * OOMQ_CMD_SET_CONFIG (doit, CAP_SYS_RESOURCE)
 *   OOMQ_A_TTL_MS (0: no expiry) and/or OOMQ_A_MODE.  A mode out of range
 *   fails with ERANGE (the attribute policy) and changes nothing.
 *
 * OOMQ_CMD_GET_TASKS (dump, CAP_SYS_PTRACE: what /proc shows under any
 *   hidepid only to a reader that may ptrace-read every process)
 *   One message per process (thread-group leader) that the caller's PID
 *   namespace can see, in PID order, each with one OOMQ_A_TASK nest of
 *   enum oomq_task_attr: everything the badness() ports and a policy need
 *   in one pass instead of several /proc files per process.  Numbers are
 *   in the kernel's units (pages, bytes, ns), IDs and times as the
 *   caller's PID, user and time namespaces see them when the dump
 *   starts.  A process that exits during the dump is left out; one that
 *   starts may or may not be in it.  Each message batch is read under
 *   RCU one process at a time, with no lock held between processes or
 *   batches.
 *
 * Capabilities are those of the initial user namespace, held by both the
 * socket's opener and the sender (netlink_capable()); CAP_NET_ADMIN
 * grants none of the commands, only joining the events group.  Requests
 * are validated strictly: a non-zero genlmsghdr.reserved, netlink flags
 * other than REQUEST, ACK, ECHO and DUMP, or an unknown attribute fail
 * with EINVAL.  Malformed requests fail before anything changes, with
 * the netlink extended ACK naming the attribute where the policy allows.
 *
 * OOMQ_CMD_EVENT (multicast on group OOMQ_MCGRP_EVENTS, never a request)
 *   OOMQ_A_EVENT_TYPE says which; PIDs and UIDs are those of the initial
 *   namespaces.
 *   OOMQ_EVENT_KILL: one per OOM kill.  OOMQ_A_CHOICE says why this
 *     victim; OOMQ_A_SCOPE global, memcg (with OOMQ_A_CGROUP_ID) or sysrq;
 *     OOMQ_A_VICTIM_PID, _COMM, _UID, _RSS_KB, _SWAP_KB, _OOM_SCORE_ADJ as
 *     sampled when the victim was chosen (absent when not known);
 *     OOMQ_A_QUEUE_INDEX when it came from the queue; OOMQ_A_QUEUE_LEN and
 *     OOMQ_A_QUEUE_AGE_MS of the queue in force.
 *   OOMQ_EVENT_QUEUE_SET: the queue was replaced; OOMQ_A_QUEUE_LEN.  A
 *     burst of replacements may be reported once, with the last length.
 *   OOMQ_EVENT_PROBE_MISS: an OOM killed a task while the queue was in
 *     force but the badness hook never ran; OOMQ_A_MODE_ACTIVE.
 *   OOMQ_EVENT_LOST: events were dropped; OOMQ_A_LOST counts them.
 */
#ifndef _UAPI_LINUX_OOMQ_H
#define _UAPI_LINUX_OOMQ_H

#include <linux/types.h>

#define OOMQ_GENL_NAME		"oomq"
#define OOMQ_GENL_VERSION	1
#define OOMQ_MCGRP_EVENTS	"events"

#define OOMQ_QUEUE_MAX		4096	/* PIDs in one queue */
#define OOMQ_PROC_WRITE_MAX	65536	/* bytes in one write to /proc/oom */
#define OOMQ_PID_MAX		4194304	/* PID_MAX_LIMIT on 64-bit */

enum oomq_cmd {
	OOMQ_CMD_UNSPEC,
	OOMQ_CMD_GET_STATUS,
	OOMQ_CMD_SET_QUEUE,
	OOMQ_CMD_SET_CONFIG,
	OOMQ_CMD_EVENT,
	OOMQ_CMD_GET_TASKS,
	__OOMQ_CMD_MAX
};

#define OOMQ_CMD_MAX (__OOMQ_CMD_MAX - 1)

enum oomq_attr {
	OOMQ_A_UNSPEC,
	OOMQ_A_PAD,
	OOMQ_A_QUEUE,			/* binary: __u32 PIDs, head first */
	OOMQ_A_QUEUE_LEN,		/* u32 */
	OOMQ_A_QUEUE_AGE_MS,		/* u64, ms since the queue was set */
	OOMQ_A_TTL_MS,			/* u32, ms; 0 means no expiry */
	OOMQ_A_MODE,			/* u32, enum oomq_mode */
	OOMQ_A_MODE_ACTIVE,		/* u32, enum oomq_mode in use now */
	OOMQ_A_COUNTERS,		/* nested, enum oomq_counter */
	OOMQ_A_EVENT_TYPE,		/* u32, enum oomq_event_type */
	OOMQ_A_CHOICE,			/* u32, enum oomq_choice */
	OOMQ_A_SCOPE,			/* u32, enum oomq_scope */
	OOMQ_A_CGROUP_ID,		/* u64, cgroup v2 id of the OOMing memcg */
	OOMQ_A_VICTIM_PID,		/* u32 */
	OOMQ_A_VICTIM_COMM,		/* string, at most 16 bytes with NUL */
	OOMQ_A_VICTIM_UID,		/* u32 */
	OOMQ_A_VICTIM_RSS_KB,		/* u64, KiB */
	OOMQ_A_VICTIM_SWAP_KB,		/* u64, KiB */
	OOMQ_A_VICTIM_OOM_SCORE_ADJ,	/* s32 */
	OOMQ_A_QUEUE_INDEX,		/* u32, 0 is the head */
	OOMQ_A_LOST,			/* u32, events dropped */
	OOMQ_A_TASK,			/* nested, enum oomq_task_attr */
	__OOMQ_A_MAX
};

#define OOMQ_A_MAX (__OOMQ_A_MAX - 1)

/* Counters in OOMQ_A_COUNTERS, each a u64 since the module was loaded. */
enum oomq_counter {
	OOMQ_C_UNSPEC,
	OOMQ_C_PAD,
	OOMQ_C_OOMS,			/* out_of_memory() calls */
	OOMQ_C_KILLS,			/* OOMs that chose a victim */
	OOMQ_C_STEERED,			/* kills taken from the queue */
	OOMQ_C_FALLBACK,		/* kills by the kernel's choice while
					 * the queue held no eligible task
					 */
	OOMQ_C_STALE,			/* OOMs that ignored a queue past TTL */
	OOMQ_C_PROBE_MISSES,		/* kills where the badness hook never ran */
	OOMQ_C_KPROBE_MISSED,		/* kretprobe instances not run */
	OOMQ_C_EVENTS_LOST,		/* events dropped: ring full, no memory */
	__OOMQ_C_MAX
};

#define OOMQ_C_MAX (__OOMQ_C_MAX - 1)

/*
 * One process in an OOMQ_CMD_GET_TASKS dump, in OOMQ_A_TASK.  The
 * numbers come as two fixed structs, as the kernel's diag interfaces
 * send theirs (struct inet_diag_meminfo): a dump of every process is
 * the one place where an attribute per number would cost more than the
 * numbers.  A struct only ever grows at its end; readers take what they
 * know of a longer one and refuse a shorter one.
 */
enum oomq_task_attr {
	OOMQ_TASK_A_UNSPEC,
	OOMQ_TASK_A_PAD,
	OOMQ_TASK_A_STAT,		/* struct oomq_task_stat */
	OOMQ_TASK_A_COMM,		/* string, at most 16 bytes with NUL */
	OOMQ_TASK_A_MM,			/* struct oomq_task_mm; absent when
					 * OOMQ_TASK_F_NO_MM
					 */
	__OOMQ_TASK_A_MAX
};

#define OOMQ_TASK_A_MAX (__OOMQ_TASK_A_MAX - 1)

/* IDs as the caller's PID and user namespaces see them. */
struct oomq_task_stat {
	__u32 pid;		/* thread-group ID */
	__u32 ppid;		/* 0 when the parent is outside the namespace */
	__u32 uid;		/* real */
	__u32 euid;		/* effective */
	__u32 flags;		/* OOMQ_TASK_F_* */
	__s32 oom_score_adj;
	__s32 nice;
	__u32 page_size;	/* bytes per page, for struct oomq_task_mm */
	__u64 cpu_ns;		/* CPU time of the whole thread group */
	__u64 start_ns;		/* start after boot (CLOCK_BOOTTIME) */
	__u64 cap_eff;		/* effective capabilities: bit n is cap n */
	__u64 cgroup_id;	/* cgroup v2 ID (the directory's inode) */
};

/* The address space, as oom_badness() and /proc/<pid>/status see it. */
struct oomq_task_mm {
	__u64 total_vm;		/* pages */
	__u64 rss_anon;		/* pages */
	__u64 rss_file;		/* pages */
	__u64 rss_shmem;	/* pages */
	__u64 swap;		/* swap entries (pages) */
	__u64 pgtables;		/* bytes */
};

/*
 * oomq_task_stat.flags: why the kernel would not, or need not, pick this
 * process.  oom_badness() skips KTHREAD, INIT, NO_MM, OOM_SKIP, VFORK
 * and oom_score_adj -1000; an OOM_VICTIM is already dying.
 */
#define OOMQ_TASK_F_KTHREAD	(1U << 0)	/* kernel thread */
#define OOMQ_TASK_F_INIT	(1U << 1)	/* the global init */
#define OOMQ_TASK_F_NO_MM	(1U << 2)	/* no thread has an mm left */
#define OOMQ_TASK_F_EXITING	(1U << 3)	/* exiting or SIGKILL pending */
#define OOMQ_TASK_F_OOM_SKIP	(1U << 4)	/* mm reaped: MMF_OOM_SKIP */
#define OOMQ_TASK_F_VFORK	(1U << 5)	/* the mm's owner is in vfork() */
#define OOMQ_TASK_F_OOM_VICTIM	(1U << 6)	/* chosen by an OOM already */

enum oomq_event_type {
	OOMQ_EVENT_UNSPEC,
	OOMQ_EVENT_KILL,
	OOMQ_EVENT_QUEUE_SET,
	OOMQ_EVENT_PROBE_MISS,
	OOMQ_EVENT_LOST,
};

/* Why the OOM killer took this victim. */
enum oomq_choice {
	OOMQ_CHOICE_UNSPEC,
	OOMQ_CHOICE_QUEUE,		/* first eligible queued task */
	OOMQ_CHOICE_KERNEL,		/* queue empty: kernel's own choice */
	OOMQ_CHOICE_DRY,		/* no queued task eligible: kernel's */
	OOMQ_CHOICE_STALE,		/* queue past its TTL: kernel's */
	OOMQ_CHOICE_OTHER,		/* kernel override: oom_kill_allocating_task
					 * or an oom_task_origin() task
					 */
};

enum oomq_scope {
	OOMQ_SCOPE_UNSPEC,
	OOMQ_SCOPE_GLOBAL,
	OOMQ_SCOPE_MEMCG,
	OOMQ_SCOPE_SYSRQ,
};

/*
 * How the module steers the kernel's choice.  BADNESS rewrites the
 * result of oom_badness() for queued tasks; ORIGIN marks the first
 * eligible queued task like swapoff marks itself (oom_task_origin());
 * AUTO (the module's default) uses both until the badness probe has
 * fired in an OOM, then BADNESS alone, or ORIGIN alone after an OOM in
 * which it did not (a probe miss).  MODE_ACTIVE reports BADNESS while
 * AUTO has not decided.
 */
enum oomq_mode {
	OOMQ_MODE_BADNESS,
	OOMQ_MODE_ORIGIN,
	OOMQ_MODE_AUTO,
	__OOMQ_MODE_MAX
};

#define OOMQ_MODE_MAX (__OOMQ_MODE_MAX - 1)

#endif /* _UAPI_LINUX_OOMQ_H */
