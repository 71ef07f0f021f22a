/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One OOM and its verdict: who had to die, who had to live, and that
 * exactly one kill happened.  Shared by the OOM cases.
 */
#ifndef OOMQ_VMTEST_OOMCHECK_H
#define OOMQ_VMTEST_OOMCHECK_H

#include "vmtest.h"

struct proc_ref {
	pid_t pid;
	const char *name;
};

struct oom_expect {
	const char *cgroup; /* trigger's cgroup, NULL: global */
	const char *bind; /* trigger's MPOL_BIND nodes, or NULL */
	unsigned int max_mib; /* trigger gives up here */
	struct proc_ref victim;
	const struct proc_ref *live; /* must all survive */
	size_t nlive;
	const char *choices; /* netlink choice=, "a|b" */
	const char *scope; /* netlink scope= */
	int index; /* netlink index=, when choice=queue */
	long long max_ms; /* the trigger must be done by then */
};

/* Trigger one OOM and check it; false (with @o failed) if not as expected. */
bool oom_once(struct outcome *o, const struct oom_expect *e);
/* After an OOM was caused some other way (sysrq): the same checks. */
bool oom_verdict(struct outcome *o, const struct oom_expect *e,
		 long long kills_before);
/* Mark the kernel log before an OOM; @mark gets the line's text. */
#define OOM_MARK_SIZE 48
void oom_mark(char *mark, size_t size);
/*
 * PIDs the kernel reported as "Killed process N" after the last log line
 * holding @mark, in order; how many (at most @max).
 */
size_t kernel_kills(const char *mark, pid_t *pids, size_t max);
/* A global trigger's limit: all of RAM, in MiB. */
unsigned int mem_total_mib(void);

#endif /* OOMQ_VMTEST_OOMCHECK_H */
