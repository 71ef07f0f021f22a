// SPDX-License-Identifier: GPL-2.0
/*
 * OOMs confined to one memory node of a two-node guest (run.sh with
 * VM_NUMA=1): a queued process that cannot give memory back where it is
 * short is passed over, as the kernel's oom_evaluate_task() passes it
 * over (oom_cpuset_eligible()), and the next queued one dies.
 *
 * Each case runs its OOMs under mode=auto (the default), mode=badness,
 * where the kernel itself decides who is eligible (it never scores the
 * others), and mode=origin, where the module must decide the same before
 * it marks (origin.c); the verdict is the same for all.  Where the kernel
 * inlines oom_badness() (Debian's 5.10), auto's first OOM finds no score
 * and turns to marking, and mode=badness cannot steer: it is left out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "oomcheck.h"

#define R(pid, name) ((struct proc_ref){ (pid), (name) })

/* Where a queued process or the trigger is confined to one node. */
enum numa_confine {
	BY_CPUSET, /* a cgroup v2 cpuset with cpuset.mems = the node */
	BY_MBIND, /* set_mempolicy(MPOL_BIND, the node) */
	/* qa by set_mempolicy(MPOL_INTERLEAVE, the node), the rest by BIND */
	BY_INTERLEAVE,
};

struct numa_setup {
	enum numa_confine how;
	char cg[2][128]; /* cpusets of node 0 and node 1 */
};

static const char *const numa_modes[] = { "auto", "badness", "origin" };

/* Did auto find, in an OOM, that no score comes (mode_active=origin)? */
static bool scores_missing(void)
{
	const char *argv[] = { env.oomqctl_path, "status", NULL };
	char out[1024];

	return run_capture(0, argv, out, sizeof(out)) == 0 &&
	       strstr(out, "mode_active=origin");
}

static bool two_nodes(struct outcome *o)
{
	if (!access("/sys/devices/system/node/node1", F_OK))
		return true;
	skipf(o, "one memory node (tests/vm/run.sh boots two with VM_NUMA=1)");
	return false;
}

/* cpuset.mems of node 0 and node 1 in two cgroups. */
static bool numa_cpusets(struct outcome *o, struct numa_setup *s)
{
	static const char *const names[] = { "oomq-node0", "oomq-node1" };
	int err;

	err = write_str("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset");
	if (err) {
		skipf(o, "no cpuset controller: %s", strerror(-err));
		return false;
	}
	for (int n = 0; n < 2; n++) {
		err = cg_create(names[n], s->cg[n], sizeof(s->cg[n]));
		if (!err)
			err = cg_set(s->cg[n], "cpuset.mems", n ? "1" : "0");
		if (err)
			return failf(o, "%s: %s", names[n], strerror(-err));
	}
	return true;
}

static void numa_confine(const struct numa_setup *s, int node,
			 const char **cgroup, const char **bind)
{
	*cgroup = s->how == BY_CPUSET ? s->cg[node] : NULL;
	*bind = s->how == BY_CPUSET ? NULL : node ? "1" : "0";
	if (s->how == BY_INTERLEAVE && !node)
		*bind = "i:0";
}

/*
 * One OOM on node 1 under @mode: qa queued first, confined to @qa_node,
 * qb second and big (96 MiB, not queued) confined to node 1.  The first
 * eligible queued process must die: qa when @qa_eligible, else qb.
 *
 * big is confined as well so that what it holds is on node 1.  Placed
 * anywhere it may sit on node 0, still eligible; the kernel's follow-up
 * kill (oomcheck.c) then takes it and frees nothing on node 1, and the
 * next OOM finds no one left to kill and panics (CI, 6.12: "System is
 * deadlocked on memory").
 */
static bool numa_oom(struct outcome *o, const struct numa_setup *s,
		     const char *mode, int qa_node, bool qa_eligible)
{
	struct holder_opts qa_opts = small_holder("qa");
	struct holder_opts qb_opts = small_holder("qb");
	struct holder_opts big_opts = big_holder();
	struct oom_expect e = { .choices = "queue", .scope = "global" };
	pid_t big, qa, qb;
	int err;

	err = param_set("mode", mode);
	if (err)
		return failf(o, "mode=%s: %s", mode, strerror(-err));
	numa_confine(s, qa_node, &qa_opts.cgroup, &qa_opts.bind);
	numa_confine(s, 1, &qb_opts.cgroup, &qb_opts.bind);
	numa_confine(s, 1, &big_opts.cgroup, &big_opts.bind);
	numa_confine(s, 1, &e.cgroup, &e.bind);
	big = spawn_holder(&big_opts);
	qa = spawn_holder(&qa_opts);
	qb = spawn_holder(&qb_opts);
	if (big <= 0 || qa <= 0 || qb <= 0)
		return failf(o, "could not start the holders");
	err = queue_set((pid_t[]){ qa, qb }, 2);
	if (err)
		return failf(o, "write /proc/oom: %s", strerror(-err));

	const struct proc_ref live_a[] = { R(big, "big"), R(qb, "qb") };
	const struct proc_ref live_b[] = { R(big, "big"), R(qa, "qa") };

	if (qa_eligible) {
		e.victim = R(qa, "qa");
		e.live = live_a;
		e.index = 0;
	} else {
		e.victim = R(qb, "qb");
		e.live = live_b;
		e.index = 1;
	}
	e.nlive = 2;
	notef(o, "mode=%s", mode);
	if (!oom_once(o, &e))
		return false;
	kill_all();
	queue_clear();
	return true;
}

static void numa_case(struct outcome *o, enum numa_confine how, int qa_node,
		      bool qa_eligible)
{
	struct numa_setup s = { .how = how };

	if (!two_nodes(o) || !numa_cpusets(o, &s))
		goto out;
	for (size_t m = 0; m < ARRAY_SIZE(numa_modes); m++) {
		if (!strcmp(numa_modes[m], "badness") && scores_missing()) {
			notef(o, "no scores here: no mode=badness");
			continue;
		}
		if (!numa_oom(o, &s, numa_modes[m], qa_node, qa_eligible))
			break;
	}
out:
	kill_all();
	for (int n = 0; n < 2; n++)
		if (s.cg[n][0])
			cg_remove(s.cg[n]);
}

/*
 * The trigger and qb in a cpuset of node 1, qa in one of node 0: the
 * kernel reports CONSTRAINT_CPUSET and passes over a task whose cpuset
 * shares no node with the allocating task's.
 */
void case_numa_cpuset(struct outcome *o)
{
	numa_case(o, BY_CPUSET, 0, false);
}

/* The trigger and qb bound to node 1 (MPOL_BIND), qa to node 0. */
void case_numa_mbind(struct outcome *o)
{
	numa_case(o, BY_MBIND, 0, false);
}

/* Controls: qa on node 1 too, so eligible, dies first either way. */
void case_numa_controls(struct outcome *o)
{
	numa_case(o, BY_MBIND, 1, true);
	if (o->res == RES_PASS)
		numa_case(o, BY_CPUSET, 1, true);
}

/* Is the running kernel older than @major.@minor? */
static bool kernel_before(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &ma, &mi);
	return ma < major || (ma == major && mi < minor);
}

/*
 * The trigger and qb bound to node 1, qa interleaved over node 0.  Up to
 * 5.13 the kernel's mempolicy_nodemask_intersects() passes over an
 * interleave policy short of the OOM's nodes as over a bind one: qb dies.
 * Since 5.14 mempolicy_in_oom_domain() looks at MPOL_BIND only: qa dies.
 */
void case_numa_interleave(struct outcome *o)
{
	bool old = kernel_before(5, 14);

	notef(o, "%s", old ? "before 5.14: qa ineligible" : "qa eligible");
	numa_case(o, BY_INTERLEAVE, 0, !old);
}
