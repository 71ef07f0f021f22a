/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What oomqd knows about one process and about the system, as sampled
 * from /proc.  Everything downstream (badness ports, policy, ranking) is
 * a pure function of these structs, so tests build them by hand.
 *
 * A sample is kept small on purpose: the table is preallocated for every
 * process on the machine and must stay within the agent's RSS budget, so
 * the long strings a rule may match (cmdline, exe, cgroup path) are read
 * into a scratch struct sample_text, matched at once, and not kept.
 */
#ifndef _OOMQD_SAMPLE_H
#define _OOMQD_SAMPLE_H

#include <stdint.h>
#include <sys/types.h>

#define SAMPLE_COMM_LEN 16 /* TASK_COMM_LEN */
/*
 * cmdline, exe and cgroup path, with the NUL.  The kernel prints no path
 * of PATH_MAX (4096) or more in /proc/<pid>/cgroup, and no exe link
 * longer than a page: one that does not fit is left unread (it matches
 * nothing), never cut to a prefix a rule might match.  A cmdline is only
 * the first 4095 bytes, as documented for match_cmdline.
 */
#define SAMPLE_TEXT_LEN 4096

/* sample.flags */
#define SAMPLE_KTHREAD 0x1 /* PF_KTHREAD: never a victim */
#define SAMPLE_NO_MM 0x2 /* zombie or exiting: no address space */
#define SAMPLE_SELF 0x4 /* oomqd itself */
#define SAMPLE_UNKILLABLE 0x8 /* reaped (MMF_OOM_SKIP) or in vfork() */
#define SAMPLE_OUTSIDE 0x10 /* not in the watched cgroup (agent.h scope) */
#define SAMPLE_SESSION 0x20 /* the session's (session.h), no rule's */

/* Linux capability numbers the classic port looks at. */
#define SAMPLE_CAP_SYS_RAWIO 17
#define SAMPLE_CAP_SYS_ADMIN 21
#define SAMPLE_CAP_SYS_RESOURCE 24

/* Sentinel: policy_classify() found no rule for this process. */
#define SAMPLE_NO_RULE (-1)

struct sample {
	pid_t pid;
	pid_t ppid;
	uid_t uid; /* real */
	uid_t euid; /* effective */
	uint64_t cap_eff; /* CapEff bitmask */
	uint64_t total_vm_kb; /* VmSize, KiB */
	uint64_t rss_kb; /* resident (anon + file + shmem), KiB */
	uint64_t swap_kb; /* swapped-out anon, KiB */
	uint64_t pgtables_kb; /* page tables, KiB */
	uint64_t child_vm_pages; /* classic: sum of (child total_vm/2 + 1),
				  * pages; filled by rank_children()
				  */
	uint64_t cpu_ticks; /* utime + stime, clock ticks (USER_HZ) */
	uint64_t start_ticks; /* start time after boot, clock ticks */
	long badness; /* result of the active port, port units */
	long score; /* badness after the rule's adjust: the sort key */
	int16_t oom_score_adj; /* -1000 .. 1000 */
	int8_t nice; /* -20 .. 19 */
	uint8_t flags; /* SAMPLE_* */
	int16_t rule; /* index of the policy rule that matched, or -1 */
	int16_t adjust; /* that rule's adjust, oom_score_adj units */
	uint16_t priority; /* priority group: 0 never queued, higher first */
	char comm[SAMPLE_COMM_LEN];
	/*
	 * The build driver it works for: the nearest ancestor that its pause
	 * rule's match_ancestor_comm matched, or 0.  Set by agent_rank() for
	 * the queued processes of pause rules only (jobs.h: a job never
	 * reaches above it).
	 */
	pid_t driver;
};

/* One process of a lineage, from /proc/<pid>/stat. */
struct sample_kin {
	pid_t pid;
	pid_t ppid;
	pid_t pgrp;
	pid_t sid; /* session id: the session leader's pid */
	int tty_nr; /* controlling terminal, 0: none */
	uint64_t start_ticks; /* clock ticks after boot */
	char comm[SAMPLE_COMM_LEN];
};

#define SAMPLE_LINEAGE_DEPTH 16 /* ancestors read above a process */

/*
 * A process and its ancestors, nearest first, up to the first with no
 * parent (init, kthreadd) or SAMPLE_LINEAGE_DEPTH of them (lineage.h).
 */
struct sample_lineage {
	struct sample_kin self; /* pid 0: not read */
	struct sample_kin up[SAMPLE_LINEAGE_DEPTH];
	unsigned int n; /* ancestors in up[] */
};

/* Strings a rule may match; read only when some rule needs them. */
struct sample_text {
	char cmdline[SAMPLE_TEXT_LEN]; /* arguments joined by spaces */
	char exe[SAMPLE_TEXT_LEN]; /* target of /proc/<pid>/exe */
	char cgroup[SAMPLE_TEXT_LEN]; /* cgroup v2 path, "/" based */
	struct sample_lineage lineage; /* PROC_NEED_LINEAGE */
};

/* Nothing read: what a kernel thread or an unread process matches. */
static inline void sample_text_clear(struct sample_text *t)
{
	t->cmdline[0] = t->exe[0] = t->cgroup[0] = '\0';
	t->lineage.self.pid = 0;
	t->lineage.n = 0;
}

/* System-wide facts, from /proc/meminfo, /proc/uptime, sysconf. */
struct sample_sys {
	uint64_t mem_total_kb;
	uint64_t mem_available_kb;
	uint64_t swap_total_kb;
	uint64_t swap_free_kb;
	uint64_t uptime_ms; /* since boot, CLOCK_BOOTTIME like start_ticks */
	unsigned int page_kb; /* page size, KiB */
	unsigned int clk_tck; /* USER_HZ, ticks per second */
};

/* totalram_pages() + total_swap_pages, as the kernel's oom_score uses. */
static inline uint64_t sample_sys_totalpages(const struct sample_sys *sys)
{
	return (sys->mem_total_kb + sys->swap_total_kb) / sys->page_kb;
}

#endif /* _OOMQD_SAMPLE_H */
