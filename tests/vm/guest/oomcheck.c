// SPDX-License-Identifier: GPL-2.0
/* One OOM and its verdict; see oomcheck.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "oomcheck.h"

/* klogctl(2): glibc's <sys/klog.h> leaves the commands to the caller. */
#define SYSLOG_ACTION_READ_ALL 3

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

void oom_mark(char *mark, size_t size)
{
	static unsigned int serial;

	snprintf(mark, size, "oomq-vmtest: oom %u starts", ++serial);
	kmsgf("%s", mark);
}

size_t kernel_kills(const char *mark, pid_t *pids, size_t max)
{
	static char log[1 << 20];
	int len = klogctl(SYSLOG_ACTION_READ_ALL, log, sizeof(log) - 1);
	const char *p, *start = NULL;
	size_t n = 0;

	if (len < 0)
		return 0;
	log[len] = '\0';
	for (p = log; (p = strstr(p, mark)); p++)
		start = p;
	for (p = start; p && n < max && (p = strstr(p, "Killed process ")); p++)
		pids[n++] = atoi(p + strlen("Killed process "));
	return n;
}

static const char *live_name(const struct oom_expect *e, pid_t pid)
{
	for (size_t i = 0; i < e->nlive; i++)
		if (e->live[i].pid == pid)
			return e->live[i].name;
	return NULL;
}

/*
 * Once the victim is dead, the kernel may still kill again before its
 * memory is back (seen on 6.1: a second OOM 13 ms after the first, the
 * victim's pages not yet freed; on 7.3 two more, 9 and 30 ms after, in
 * one page fault of the trigger).  With @mark the first kill must be the
 * victim and at most MAX_FOLLOW_UPS later ones are the kernel's own
 * business, noted and excused; without it exactly one kill is allowed.
 */
#define MAX_FOLLOW_UPS 2
#define FOLLOW_UP_SETTLE_MS 200

static bool verdict(struct outcome *o, const struct oom_expect *e,
		    long long kills_before, const char *mark)
{
	pid_t order[1 + MAX_FOLLOW_UPS + 1];
	bool any_dead = false;
	size_t n = 0;
	long long kills;

	if (!wait_killed(e->victim.pid, scaled_ms(DEATH_TIMEOUT_MS))) {
		for (size_t i = 0; i < e->nlive; i++)
			if (!is_alive(e->live[i].pid))
				return failf(
					o,
					"%s (%d) was killed instead of %s (%d)",
					e->live[i].name, e->live[i].pid,
					e->victim.name, e->victim.pid);
		return failf(o, "%s (%d) was not killed (SIGKILL) within %d ms",
			     e->victim.name, e->victim.pid,
			     scaled_ms(DEATH_TIMEOUT_MS));
	}
	/*
	 * A follow-up comes from whoever allocates next while the victim's
	 * memory is still on its way back (the events listener writing to
	 * tmpfs will do): give it time to land before counting.
	 */
	if (mark)
		sleep_ms(FOLLOW_UP_SETTLE_MS);
	kills = vmstat_oom_kill() - kills_before;
	for (size_t i = 0; i < e->nlive; i++)
		any_dead |= !is_alive(e->live[i].pid);
	if (mark && (kills > 1 || any_dead)) {
		n = kernel_kills(mark, order, ARRAY_SIZE(order));
		/* The log and the counter agree once no kill is in flight. */
		if (n != (size_t)kills) {
			sleep_ms(FOLLOW_UP_SETTLE_MS);
			kills = vmstat_oom_kill() - kills_before;
			n = kernel_kills(mark, order, ARRAY_SIZE(order));
		}
		if (!n || order[0] != e->victim.pid)
			return failf(o, "the first kill was %d, not %s (%d)",
				     n ? order[0] : 0, e->victim.name,
				     e->victim.pid);
		if (n != (size_t)kills || n > 1 + MAX_FOLLOW_UPS)
			return failf(o, "%lld OOM kills after %s, want 1",
				     kills, e->victim.name);
		for (size_t i = 1; i < n; i++) {
			const char *name = live_name(e, order[i]);

			notef(o, "then the kernel killed %s (%d) itself",
			      name ? name : "?", order[i]);
			expect_kill(order[i], "queue|dry|kernel|stale",
				    e->scope, KILL_INDEX_ANY, name);
		}
	}
	for (size_t i = 0; i < e->nlive; i++) {
		bool excused = false;

		for (size_t j = 1; j < n; j++)
			excused |= order[j] == e->live[i].pid;
		if (!excused && !is_alive(e->live[i].pid))
			return failf(o, "%s (%d) died too (victim %s)",
				     e->live[i].name, e->live[i].pid,
				     e->victim.name);
	}
	if (!n && kills != 1)
		return failf(o, "%lld OOM kills, want exactly 1", kills);
	if (e->choices)
		expect_kill(e->victim.pid, e->choices, e->scope,
			    strcmp(e->choices, "queue") ? -1 : e->index,
			    e->victim.name);
	return true;
}

bool oom_verdict(struct outcome *o, const struct oom_expect *e,
		 long long kills_before)
{
	return verdict(o, e, kills_before, NULL);
}

bool oom_once(struct outcome *o, const struct oom_expect *e)
{
	long long before = vmstat_oom_kill();
	struct trigger_result r;
	char mark[OOM_MARK_SIZE];

	oom_mark(mark, sizeof(mark));
	r = run_trigger(e->cgroup, e->bind,
			e->max_mib ? e->max_mib : mem_total_mib());
	if (!r.ok)
		return failf(o, "trigger stalled or died: no report in %lld ms",
			     r.ms);
	if (!r.oom)
		return failf(o, "no OOM after %u MiB", r.mib);
	if (e->max_ms && r.ms > scaled_ms(e->max_ms))
		return failf(o, "the trigger took %lld ms, limit %u", r.ms,
			     scaled_ms(e->max_ms));
	notef(o, "%s killed after %u MiB in %lld ms", e->victim.name, r.mib,
	      r.ms);
	return verdict(o, e, before, mark);
}
