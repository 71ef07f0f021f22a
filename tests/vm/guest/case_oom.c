// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM cases: each causes real OOMs and checks the kernel's choice by
 * who died.  "big" (96 MiB) is what the kernel picks on its own; the
 * queued holders are small, so a small one dying means oomq steered.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oomcheck.h"

#define R(pid, name) ((struct proc_ref){ (pid), (name) })

static bool spawned(struct outcome *o, pid_t pid, const char *what)
{
	if (pid > 0)
		return true;
	return failf(o, "could not start %s", what);
}

static bool set_queue(struct outcome *o, const pid_t *pids, size_t n)
{
	int err = queue_set(pids, n);

	return err ? failf(o, "write /proc/oom: %s", strerror(-err)) : true;
}

static bool queue_is(struct outcome *o, const char *want, const char *when)
{
	char got[256];
	int err = queue_read(got, sizeof(got));

	if (err)
		return failf(o, "read /proc/oom: %s", strerror(-err));
	if (strcmp(got, want))
		return failf(o, "%s: /proc/oom reads '%s', want '%s'", when,
			     got, want);
	return true;
}

/* Without the module the kernel kills the largest process. */
void case_control(struct outcome *o)
{
	pid_t big, small;

	if (env.module_loaded || !access("/proc/oom", F_OK)) {
		skipf(o, "oomq is already loaded");
		return;
	}
	big = spawn_big();
	small = spawn_small("small");
	if (!spawned(o, big, "big") || !spawned(o, small, "small"))
		return;
	oom_once(o, &(struct oom_expect){
			    .victim = R(big, "big"),
			    .live = &R(small, "small"),
			    .nlive = 1,
		    });
}

/* How long a follow-up's victim seen dying may take to exit. */
#define FOLLOW_UP_EXIT_MS 5000

/* Queue order is kill order; an exhausted queue leaves the kernel's choice. */
/*
 * oom_once() allows the kernel one follow-up kill of its own; when it
 * took a process the next step needs, start another of the same kind
 * (a small holder named @name, or big).  A follow-up's victim may still
 * be on its way out (SIGKILL pending, exiting; on arm64 under TCG its
 * exit took longer than the step's wait): taken too, and waited for,
 * or the next step's OOM skips it and kills another.
 */
static pid_t respawn_if_gone(struct outcome *o, pid_t pid, const char *name,
			     bool big)
{
	if (is_alive(pid) && !is_dying(pid))
		return pid;
	wait_killed(pid, scaled_ms(FOLLOW_UP_EXIT_MS)); /* reap it */
	notef(o, "the follow-up took %s: a new one", name);
	return big ? spawn_big() : spawn_small(name);
}

/* How long a follow-up's victim may take to be gone (verdict() waited). */
#define FOLLOW_UP_WAIT_MS 300

void case_steer_order(struct outcome *o)
{
	pid_t big = spawn_big(), a = spawn_small("qa"), b = spawn_small("qb");
	pid_t other = spawn_small("other");
	char want[64];

	if (!spawned(o, big, "big") || !spawned(o, a, "qa") ||
	    !spawned(o, b, "qb") || !spawned(o, other, "other") ||
	    !set_queue(o, (pid_t[]){ a, b }, 2))
		return;
	snprintf(want, sizeof(want), "%d %d", a, b);
	if (!queue_is(o, want, "after write"))
		return;

	const struct proc_ref live1[] = { R(big, "big"), R(b, "qb"),
					  R(other, "other") };
	if (!oom_once(o, &(struct oom_expect){ .victim = R(a, "qa"),
					       .live = live1,
					       .nlive = 3,
					       .choices = "queue",
					       .scope = "global" }))
		return;
	/*
	 * The kernel may OOM again before qa's pages are back (oom_once()
	 * allows one such follow-up); when it took qb, the next queued, the
	 * order held and there is no second step to make.
	 */
	if (wait_killed(b, FOLLOW_UP_WAIT_MS)) {
		notef(o, "the follow-up took qb, next in the queue");
	} else {
		/* Reading shows live queued processes only. */
		snprintf(want, sizeof(want), "%d", b);
		if (!queue_is(o, want, "after the first kill"))
			return;

		const struct proc_ref live2[] = { R(big, "big"),
						  R(other, "other") };
		if (!oom_once(o, &(struct oom_expect){ .victim = R(b, "qb"),
						       .live = live2,
						       .nlive = 2,
						       .choices = "queue",
						       .scope = "global",
						       .index = 1 }))
			return;
	}
	if (!queue_is(o, "", "after the second kill"))
		return;
	big = respawn_if_gone(o, big, "big", true);
	other = respawn_if_gone(o, other, "other", false);
	if (!spawned(o, big, "big") || !spawned(o, other, "other"))
		return;

	/* Entries held but none alive: the kernel's choice, "dry". */
	oom_once(o, &(struct oom_expect){ .victim = R(big, "big"),
					  .live = &R(other, "other"),
					  .nlive = 1,
					  .choices = "dry",
					  .scope = "global" });
}

/*
 * Queued but not eligible: init, kthreadd, a PID that died, one that
 * never existed, a zombie, an oom_score_adj -1000 process.  The kernel
 * skips them all and takes the one normal holder queued last.
 */
void case_skip_ineligible(struct outcome *o)
{
	struct holder_opts adjopts = { .name = "adjmin",
				       .mib = 4,
				       .adj = -1000 };
	pid_t big = spawn_big(), adjmin = spawn_holder(&adjopts);
	pid_t dead = spawn_small("dead"), zombie = spawn_zombie();
	pid_t holder = spawn_small("holder");
	siginfo_t si = { 0 };

	if (!spawned(o, big, "big") || !spawned(o, adjmin, "adjmin") ||
	    !spawned(o, dead, "dead") || !spawned(o, zombie, "zombie") ||
	    !spawned(o, holder, "holder"))
		return;
	/* 4000000 is a valid PID number no process has (pid_max 32768). */
	if (!set_queue(o,
		       (pid_t[]){ 1, 2, dead, 4000000, zombie, adjmin, holder },
		       7))
		return;
	kill_reap(dead);

	const struct proc_ref live[] = { R(1, "init"), R(2, "kthreadd"),
					 R(big, "big"), R(adjmin, "adjmin") };
	/* Held: 1 2 dead zombie adjmin holder (4000000 was skipped). */
	if (!oom_once(o, &(struct oom_expect){ .victim = R(holder, "holder"),
					       .live = live,
					       .nlive = 4,
					       .choices = "queue",
					       .scope = "global",
					       .index = 5 }))
		return;
	/* Still a zombie that exited on its own, not one the OOM killed. */
	if (waitid(P_PID, zombie, &si, WEXITED | WNOHANG | WNOWAIT) ||
	    si.si_pid != zombie || si.si_code != CLD_EXITED)
		failf(o, "the zombie changed state");
}

/*
 * A memcg OOM only sees its own tasks: the first queued task is outside
 * the cgroup, so the second one, inside, is the victim.
 */
void case_memcg(struct outcome *o)
{
	char cg[128], events[256], path[192];
	struct holder_opts bigin = { .name = "bigin", .mib = 24 };
	struct holder_opts in = { .name = "qin", .mib = 4 };
	pid_t big_in, q_in, q_out;
	int err;

	err = cg_create("oomq-memcg", cg, sizeof(cg));
	if (!err)
		err = cg_set(cg, "memory.max", "64M");
	if (err) {
		failf(o, "cgroup setup: %s", strerror(-err));
		cg_remove(cg);
		return;
	}
	bigin.cgroup = in.cgroup = cg;
	big_in = spawn_holder(&bigin);
	q_in = spawn_holder(&in);
	q_out = spawn_small("qout");
	if (spawned(o, big_in, "bigin") && spawned(o, q_in, "qin") &&
	    spawned(o, q_out, "qout") &&
	    set_queue(o, (pid_t[]){ q_out, q_in }, 2)) {
		const struct proc_ref live[] = { R(big_in, "bigin"),
						 R(q_out, "qout") };

		if (oom_once(o, &(struct oom_expect){ .cgroup = cg,
						      .max_mib = 256,
						      .victim = R(q_in, "qin"),
						      .live = live,
						      .nlive = 2,
						      .choices = "queue",
						      .scope = "memcg",
						      .index = 1 })) {
			/*
			 * The kill is the cgroup's own: "oom_kill 1" in its
			 * memory.events, or 2 when the kernel's follow-up
			 * that oom_once() allows happened in it too.
			 */
			const char *k;
			long kills = -1;

			snprintf(path, sizeof(path), "%s/memory.events", cg);
			if (read_text(path, events, sizeof(events)) >= 0 &&
			    (k = strstr(events, "oom_kill ")))
				kills = strtol(k + 9, NULL, 10);
			if (kills < 1 || kills > 2)
				failf(o,
				      "memory.events: oom_kill %ld, want 1 "
				      "(2 with a follow-up)",
				      kills);
		}
	}
	kill_all();
	cg_remove(cg);
}

/* Make the next fork get @pid through ns_last_pid; 0 if it did not. */
static pid_t respawn_as(pid_t pid, const char *name)
{
	char last[16];

	for (int i = 0; i < 20; i++) {
		pid_t p;

		snprintf(last, sizeof(last), "%d", pid - 1);
		if (write_str("/proc/sys/kernel/ns_last_pid", last))
			return 0;
		p = spawn_small(name);
		if (p == pid)
			return p;
		/* A kernel thread or another fork took it first. */
		kill_reap(p);
	}
	return 0;
}

/* A queued PID that died and was recycled does not queue the newcomer. */
void case_pid_reuse(struct outcome *o)
{
	pid_t big = spawn_big(), old = spawn_small("old"), fresh;

	if (!spawned(o, big, "big") || !spawned(o, old, "old") ||
	    !set_queue(o, &old, 1))
		return;
	kill_reap(old);
	fresh = respawn_as(old, "newcomer");
	if (!fresh) {
		skipf(o, "could not get PID %d again via ns_last_pid", old);
		return;
	}
	if (!queue_is(o, "", "after the PID was reused"))
		return;
	oom_once(o, &(struct oom_expect){ .victim = R(big, "big"),
					  .live = &R(fresh, "newcomer"),
					  .nlive = 1,
					  .choices = "dry",
					  .scope = "global" });
}

/* sysrq-f runs one OOM kill, which must take exactly the first queued. */
void case_sysrq(struct outcome *o)
{
	pid_t big = spawn_big(), a = spawn_small("qa"), b = spawn_small("qb");
	long long before, end;
	int err;

	if (!spawned(o, big, "big") || !spawned(o, a, "qa") ||
	    !spawned(o, b, "qb") || !set_queue(o, (pid_t[]){ a, b }, 2))
		return;
	before = vmstat_oom_kill();
	err = write_str("/proc/sysrq-trigger", "f");
	if (err) {
		failf(o, "write /proc/sysrq-trigger: %s", strerror(-err));
		return;
	}
	/* The kill runs from a work item. */
	end = now_ms() + 10000;
	while (vmstat_oom_kill() == before && now_ms() < end)
		sleep_ms(10);
	/* A second victim, if any, would follow at once. */
	sleep_ms(300);

	const struct proc_ref live[] = { R(big, "big"), R(b, "qb") };
	if (oom_verdict(o,
			&(struct oom_expect){ .victim = R(a, "qa"),
					      .live = live,
					      .nlive = 2,
					      .choices = "queue",
					      .scope = "sysrq" },
			before))
		notef(o, "one kill, qa; qb and big live");
}

/* A frozen victim is still killed and gone quickly; nothing stalls. */
void case_frozen(struct outcome *o)
{
	struct holder_opts fo = small_holder("frozen");
	char cg[128];
	pid_t big, frozen;
	int err;

	err = cg_create("oomq-frozen", cg, sizeof(cg));
	if (err) {
		failf(o, "cgroup: %s", strerror(-err));
		return;
	}
	fo.cgroup = cg;
	big = spawn_big();
	frozen = spawn_holder(&fo);
	if (spawned(o, big, "big") && spawned(o, frozen, "frozen") &&
	    set_queue(o, &frozen, 1)) {
		err = cg_set(cg, "cgroup.freeze", "1");
		if (err)
			failf(o, "cgroup.freeze: %s", strerror(-err));
		else if (!cg_wait_frozen(cg, 1, 5000))
			failf(o, "the cgroup did not freeze");
		else
			oom_once(o,
				 &(struct oom_expect){
					 .victim = R(frozen, "frozen"),
					 .live = &R(big, "big"),
					 .nlive = 1,
					 .choices = "queue",
					 .scope = "global",
					 /* Not the 10 s spin of a notifier. */
					 .max_ms = 10000 });
	}
	kill_all();
	cg_remove(cg);
}

/*
 * ttl_ms: a fresh queue steers, one past its TTL is ignored and the
 * kill event says so.
 */
void case_stale(struct outcome *o)
{
	pid_t big = spawn_big(), a = spawn_small("fresh"),
	      b = spawn_small("stale");
	char choice[32];
	int err;

	if (!spawned(o, big, "big") || !spawned(o, a, "fresh") ||
	    !spawned(o, b, "stale"))
		return;
	err = param_set("ttl_ms", "60000");
	if (err) {
		failf(o, "set ttl_ms: %s", strerror(-err));
		return;
	}
	const struct proc_ref live1[] = { R(big, "big"), R(b, "stale") };
	if (!set_queue(o, &a, 1) ||
	    !oom_once(o, &(struct oom_expect){ .victim = R(a, "fresh"),
					       .live = live1,
					       .nlive = 2,
					       .choices = "queue",
					       .scope = "global" }))
		return;

	if ((err = param_set("ttl_ms", "200"))) {
		failf(o, "set ttl_ms: %s", strerror(-err));
		return;
	}
	big = respawn_if_gone(o, big, "big", true);
	b = respawn_if_gone(o, b, "stale", false);
	if (!spawned(o, big, "big") || !spawned(o, b, "stale") ||
	    !set_queue(o, &b, 1))
		return;
	sleep_ms(400);
	if (!oom_once(o, &(struct oom_expect){ .victim = R(big, "big"),
					       .live = &R(b, "stale"),
					       .nlive = 1,
					       .choices = "stale",
					       .scope = "global" }))
		return;
	if (!events_running()) {
		notef(o, "netlink not checked: no oomqctl events");
		return;
	}
	if (!events_wait_kill(big, choice, sizeof(choice), 3000))
		failf(o, "no kill event for big (%d)", big);
	else if (strcmp(choice, "stale"))
		failf(o, "kill event says choice=%s, want stale", choice);
}

/* The fallback steering (oom_flag_origin) also takes the first queued. */
void case_mode_origin(struct outcome *o)
{
	pid_t big = spawn_big(), a = spawn_small("qa"), b = spawn_small("qb");
	char mode[32];
	int err;

	if (!spawned(o, big, "big") || !spawned(o, a, "qa") ||
	    !spawned(o, b, "qb"))
		return;
	err = param_set("mode", "origin");
	if (!err)
		err = param_get("mode", mode, sizeof(mode));
	if (err) {
		failf(o, "mode parameter: %s", strerror(-err));
		return;
	}
	if (strcmp(mode, "origin")) {
		failf(o, "mode reads '%s' after writing origin", mode);
		return;
	}
	if (param_set("mode", "bogus") != -EINVAL) {
		failf(o, "mode=bogus was not refused with EINVAL");
		return;
	}
	const struct proc_ref live[] = { R(big, "big"), R(b, "qb") };
	if (set_queue(o, (pid_t[]){ a, b }, 2))
		oom_once(o, &(struct oom_expect){ .victim = R(a, "qa"),
						  .live = live,
						  .nlive = 2,
						  .choices = "queue",
						  .scope = "global" });
}
