/* SPDX-License-Identifier: GPL-2.0 */
/*
 * job_cpus: how much CPU a build's jobs can have at once, for the crowd
 * pause_ctl.c counts (more jobs running than that, all of it busy): the
 * machine's online CPUs, fewer where the jobs' affinity allows fewer
 * (taskset, a cpuset cgroup: sched_getaffinity() shows both), and no
 * more than the CPU bandwidth of their cgroup and its ancestors
 * (cgroup v2 cpu.max: systemd's CPUQuota=, a container's --cpus).  Per
 * mille of one CPU: a quota of one and a half CPUs is 1500.
 *
 * Read of one job, the first running one: a build's jobs inherit their
 * driver's affinity and cgroup.  Fixed buffers only; the cgroup's
 * cpu.max files are read again only when the job's cgroup is another
 * one or JOB_CPUS_REREAD_MS passed (a quota changed at run time).
 *
 *	job_cpus_init(&jc, &sampler, "/sys");
 *	ctl.cpus_pm = job_cpus_pm(&jc, root_pid, now_ms);
 */
#ifndef _OOMQ_AGENT_JOB_CPUS_H
#define _OOMQ_AGENT_JOB_CPUS_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc_sample.h"

#define JOB_CPUS_REREAD_MS 10000

struct job_cpus {
	struct proc_sampler *proc; /* where /proc/PID/cgroup is read */
	uint32_t online_pm; /* the online CPUs, per mille */
	char root[PATH_MAX]; /* the cgroup v2 mount; "": none, no quota */
	char path[PATH_MAX]; /* the cgroup quota_pm was read for */
	uint32_t quota_pm; /* its tightest cpu.max, 0: no quota */
	uint64_t read_ms; /* when */
};

/* @sys: "/sys", or a fake /proc's sys directory (tests). */
void job_cpus_init(struct job_cpus *jc, struct proc_sampler *proc,
		   const char *sys);
/*
 * What process @pid's jobs can have of the CPUs, per mille (at least
 * 1): the online CPUs if nothing of it can be read.
 */
uint32_t job_cpus_pm(struct job_cpus *jc, pid_t pid, uint64_t now_ms);
/*
 * cpu.max, "$MAX $PERIOD" (Documentation/admin-guide/cgroup-v2.rst):
 * *@pm = MAX / PERIOD per mille, rounded up; 0 for "max" (no limit).
 * -EINVAL for anything else.
 */
int job_cpus_parse_max(const char *buf, size_t len, uint32_t *pm);

#endif /* _OOMQ_AGENT_JOB_CPUS_H */
