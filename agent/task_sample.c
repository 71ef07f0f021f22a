// SPDX-License-Identifier: GPL-2.0
/*
 * The task snapshot's units to /proc's: pages and bytes to KiB, ns to
 * clock ticks.  /proc converts the same kernel numbers the same way
 * (do_task_stat(), task_mem()), so each field equals what the /proc
 * sampler reads, but for CPU time: /proc splits the scheduler's runtime
 * into user and system time, keeps each monotonic and truncates each to
 * ticks, so it can read a tick or so less than the runtime here.
 */
#include <string.h>

#include "task_sample.h"

#define NSEC_PER_SEC 1000000000ULL

void task_sample(const struct oomq_task *t, const struct sample_sys *sys,
		 pid_t self, struct sample *s)
{
	unsigned int page_kb = t->stat.page_size ? t->stat.page_size / 1024 :
						   sys->page_kb;
	uint64_t ns_per_tick = NSEC_PER_SEC / sys->clk_tck;

	memset(s, 0, sizeof(*s));
	s->pid = (pid_t)t->stat.pid;
	s->ppid = (pid_t)t->stat.ppid;
	s->uid = t->stat.uid;
	s->euid = t->stat.euid;
	s->cap_eff = t->stat.cap_eff;
	s->cpu_ticks = t->stat.cpu_ns / ns_per_tick;
	s->start_ticks = t->stat.start_ns / ns_per_tick;
	s->oom_score_adj = (int16_t)t->stat.oom_score_adj;
	s->nice = (int8_t)t->stat.nice;
	s->rule = SAMPLE_NO_RULE;
	memcpy(s->comm, t->comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = '\0';
	if ((pid_t)t->stat.pid == self)
		s->flags |= SAMPLE_SELF;
	if (t->stat.flags & OOMQ_TASK_F_KTHREAD)
		s->flags |= SAMPLE_KTHREAD | SAMPLE_NO_MM;
	if (!t->has_mm) {
		s->flags |= SAMPLE_NO_MM;
		return;
	}
	/* oom_badness() gives these LONG_MIN; /proc cannot show why. */
	if (t->stat.flags & (OOMQ_TASK_F_OOM_SKIP | OOMQ_TASK_F_VFORK))
		s->flags |= SAMPLE_UNKILLABLE;
	s->total_vm_kb = t->mm.total_vm * page_kb;
	s->rss_kb =
		(t->mm.rss_anon + t->mm.rss_file + t->mm.rss_shmem) * page_kb;
	s->swap_kb = t->mm.swap * page_kb;
	s->pgtables_kb = t->mm.pgtables / 1024;
}
