// SPDX-License-Identifier: GPL-2.0
/* One OOM and its verdict; see oomcheck.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomcheck.h"

/* How long a victim that got SIGKILL may take to be gone. */
#define DEATH_TIMEOUT_MS 5000

unsigned int mem_total_mib(void)
{
	char buf[4096];
	const char *p;

	/* "MemTotal:         345276 kB" */
	if (read_text("/proc/meminfo", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "MemTotal:")))
		return 512;
	return strtoul(p + 9, NULL, 10) / 1024;
}

bool oom_verdict(struct outcome *o, const struct oom_expect *e,
		 long long kills_before)
{
	long long kills;

	if (!wait_killed(e->victim.pid, DEATH_TIMEOUT_MS)) {
		for (size_t i = 0; i < e->nlive; i++)
			if (!is_alive(e->live[i].pid))
				return failf(
					o,
					"%s (%d) was killed instead of %s (%d)",
					e->live[i].name, e->live[i].pid,
					e->victim.name, e->victim.pid);
		return failf(o, "%s (%d) was not killed (SIGKILL) within %d ms",
			     e->victim.name, e->victim.pid, DEATH_TIMEOUT_MS);
	}
	for (size_t i = 0; i < e->nlive; i++)
		if (!is_alive(e->live[i].pid))
			return failf(o, "%s (%d) died too (victim %s)",
				     e->live[i].name, e->live[i].pid,
				     e->victim.name);
	kills = vmstat_oom_kill() - kills_before;
	if (kills != 1)
		return failf(o, "%lld OOM kills, want exactly 1", kills);
	if (e->choices)
		expect_kill(e->victim.pid, e->choices, e->scope,
			    strcmp(e->choices, "queue") ? -1 : e->index,
			    e->victim.name);
	return true;
}

bool oom_once(struct outcome *o, const struct oom_expect *e)
{
	long long before = vmstat_oom_kill();
	struct trigger_result r;

	r = run_trigger(e->cgroup, e->max_mib ? e->max_mib : mem_total_mib());
	if (!r.ok)
		return failf(o, "trigger stalled or died: no report in %lld ms",
			     r.ms);
	if (!r.oom)
		return failf(o, "no OOM after %u MiB", r.mib);
	if (e->max_ms && r.ms > e->max_ms)
		return failf(o, "the trigger took %lld ms, limit %lld", r.ms,
			     e->max_ms);
	notef(o, "%s killed after %u MiB in %lld ms", e->victim.name, r.mib,
	      r.ms);
	return oom_verdict(o, e, before);
}
