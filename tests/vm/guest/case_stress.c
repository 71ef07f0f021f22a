// SPDX-License-Identifier: GPL-2.0
/*
 * Load/unload under fire: 20 cycles of insmod, an OOM steered to a
 * queued holder while other processes hammer /proc/oom, and rmmod with
 * the hammers still running.  Afterwards the pid and task_struct slab
 * caches must be back to their baseline (the boot uses slab_nomerge, so
 * nothing else shares them): a leaked struct pid or task reference per
 * queue write or per OOM would show there.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "oomcheck.h"

#define CYCLES 20
#define VICTIMS 3
#define SLEEPERS 4
/* Slack for objects in flight (measured: 0-2); a leak per OOM is 20+. */
#define PID_SLACK 10
#define TASK_SLACK 10
#define SETTLE_MS 10000

/* insmod parameters, varied across cycles. */
static const char *const load_params[] = {
	"",
	"ttl_ms=60000",
	"mode=origin",
	"mode=auto ttl_ms=0",
};

struct hammer {
	const char *queue; /* written again and again */
};

/* Rewrite the queue as fast as possible; the module may vanish. */
static int hammer_write(void *arg)
{
	const struct hammer *h = arg;

	for (unsigned int i = 0;; i++) {
		/* Every 8th write is malformed, which must change nothing. */
		if (i % 8 == 7)
			write_str("/proc/oom", "1 2 x");
		else
			write_str("/proc/oom", h->queue);
	}
	return 0;
}

static int hammer_read(void *arg)
{
	char buf[4096];

	(void)arg;
	for (;;)
		read_text("/proc/oom", buf, sizeof(buf));
	return 0;
}

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/*
 * The writers allocate in the kernel too, so near the OOM they may
 * trigger further OOMs of their own before the trigger stops: queue three
 * victims and require the first to die, big to live, and every kill to
 * be one of the victims.
 */
static bool steered_oom(struct outcome *o, int n, const pid_t *victims,
			pid_t big)
{
	long long before = vmstat_oom_kill(), kills;
	struct trigger_result r = run_trigger(NULL, mem_total_mib());
	int dead = 0;

	if (!r.ok || !r.oom)
		return failf(o, "cycle %d: the trigger caused no OOM", n);
	if (!wait_killed(victims[0], 5000))
		return failf(o, "cycle %d: the first queued was not killed", n);
	for (int i = 1; i < VICTIMS; i++)
		dead += !is_alive(victims[i]);
	if (!is_alive(big))
		return failf(o, "cycle %d: big was killed", n);
	kills = vmstat_oom_kill() - before;
	if (kills != 1 + dead)
		return failf(o, "cycle %d: %lld kills, %d victims dead", n,
			     kills, 1 + dead);
	return true;
}

/*
 * Every process is new in each cycle, big included: a reference leaked
 * on any task the OOM killer looked at then pins one more task_struct
 * per cycle (a leak on a long-lived task would pin only that one).
 */
static bool cycle(struct outcome *o, int n)
{
	const char *params = load_params[n % ARRAY_SIZE(load_params)];
	pid_t big, victims[VICTIMS], sleepers[SLEEPERS], hammers[3];
	char queue[256];
	struct hammer h = { queue };
	size_t len = 0;
	int err;

	err = module_load(params);
	if (err)
		return failf(o, "cycle %d: insmod %s: %s", n, params,
			     strerror(-err));
	big = spawn_big();
	if (big <= 0)
		return failf(o, "cycle %d: no big", n);
	for (int i = 0; i < VICTIMS; i++) {
		victims[i] = spawn_small("victim");
		if (victims[i] <= 0)
			return failf(o, "cycle %d: no victim", n);
		len += snprintf(queue + len, sizeof(queue) - len, "%d ",
				victims[i]);
	}
	/* Entries that die while queued: their struct pids must be put. */
	for (int i = 0; i < SLEEPERS; i++) {
		sleepers[i] = spawn_fn(sleeper, NULL);
		len += snprintf(queue + len, sizeof(queue) - len, "%d ",
				sleepers[i]);
	}
	if (write_str("/proc/oom", queue))
		return failf(o, "cycle %d: cannot queue", n);
	for (int i = 0; i < SLEEPERS; i++)
		kill_reap(sleepers[i]);
	hammers[0] = spawn_fn(hammer_write, &h);
	hammers[1] = spawn_fn(hammer_write, &h);
	hammers[2] = spawn_fn(hammer_read, NULL);

	if (!steered_oom(o, n, victims, big))
		return false;
	/* rmmod while the hammers are still inside /proc/oom. */
	err = module_unload();
	for (int i = 0; i < 3; i++)
		kill_reap(hammers[i]);
	kill_all();
	if (err)
		return failf(o, "cycle %d: rmmod: %s", n, strerror(-err));
	if (!access("/proc/oom", F_OK))
		return failf(o, "cycle %d: /proc/oom still there after rmmod",
			     n);
	return true;
}

void case_leak_stress(struct outcome *o)
{
	long pid0, task0, pid1 = 0, task1 = 0;
	long long end;

	/* The listener would lose its family at the first rmmod. */
	events_stop();
	if (slab_active("pid") < 0 || slab_active("task_struct") < 0) {
		skipf(o, "no pid/task_struct lines in /proc/slabinfo");
		return;
	}
	if (module_unload()) {
		failf(o, "initial rmmod failed");
		return;
	}
	sleep_ms(500);
	pid0 = slab_active("pid");
	task0 = slab_active("task_struct");

	for (int n = 0; n < CYCLES; n++)
		if (!cycle(o, n))
			return;

	/* RCU-deferred frees and reaping take a moment to show. */
	end = now_ms() + SETTLE_MS;
	do {
		sleep_ms(250);
		pid1 = slab_active("pid") - pid0;
		task1 = slab_active("task_struct") - task0;
	} while ((pid1 > PID_SLACK || task1 > TASK_SLACK) && now_ms() < end);
	if (pid1 > PID_SLACK || task1 > TASK_SLACK)
		failf(o,
		      "after %d cycles: pid %+ld, task_struct %+ld objects "
		      "(slack %d, %d)",
		      CYCLES, pid1, task1, PID_SLACK, TASK_SLACK);
	else
		notef(o, "%d cycles; pid %+ld, task_struct %+ld objects",
		      CYCLES, pid1, task1);
}
