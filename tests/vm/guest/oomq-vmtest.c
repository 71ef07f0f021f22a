// SPDX-License-Identifier: GPL-2.0
/*
 * oomq guest test runner: runs the cases in table order in one boot and
 * prints one line per case and a summary:
 *
 *	vm-case kernel=6.1.0-56-cloud-amd64 case=steer_order result=pass ms=812 detail="..."
 *	17 passed, 0 failed, 1 skipped
 *
 *	oomq-vmtest --module=PATH --oomqctl=PATH --oomqd=PATH
 *		--oomqd-conf=PATH [--time-scale=N] [all | CASE...]
 *
 * Cases before "insmod" run without the module; those after it skip
 * with a reason when the module could not be loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "vmtest.h"

struct vm_env env = {
	.module_path = "/lib/modules/oomq.ko",
	.oomqctl_path = "/bin/oomqctl",
	.oomqd_path = "/bin/oomqd",
	.oomqd_conf = "/etc/oomqd-vmtest.conf",
	.time_scale = 1,
};

static void case_insmod(struct outcome *o);

static const struct vm_case cases[] = {
	{ "control", case_control, false },
	{ "insmod", case_insmod, false },
	{ "steer_order", case_steer_order, true },
	{ "skip_ineligible", case_skip_ineligible, true },
	{ "memcg", case_memcg, true },
	{ "pid_reuse", case_pid_reuse, true },
	{ "sysrq", case_sysrq, true },
	{ "frozen", case_frozen, true },
	{ "stale", case_stale, true },
	{ "mode_origin", case_mode_origin, true },
	/* Two memory nodes (VM_NUMA=1), else they skip: case_numa.c. */
	{ "numa_cpuset", case_numa_cpuset, true },
	{ "numa_mbind", case_numa_mbind, true },
	{ "numa_controls", case_numa_controls, true },
	{ "numa_interleave", case_numa_interleave, true },
	{ "proc_bad_input", case_proc_bad_input, true },
	{ "proc_valid_input", case_proc_valid_input, true },
	{ "proc_perm", case_proc_perm, true },
	{ "oom_score", case_oom_score, true },
	{ "proc_split_write", case_proc_split_write, true },
	{ "proc_hidepid", case_proc_hidepid, true },
	{ "proc_pidns", case_proc_pidns, true },
	{ "param_perm", case_param_perm, true },
	{ "netlink_cmds", case_netlink_cmds, true },
	{ "tasks_dump", case_tasks_dump, true },
	{ "tasks_dump_timens", case_tasks_dump_timens, true },
	{ "netlink_caps", case_netlink_caps, true },
	{ "netlink_strict", case_netlink_strict, true },
	{ "netlink_parallel", case_netlink_parallel, true },
	/* The agent with the module: case_agent.c. */
	{ "agent_steers", case_agent_steers, true },
	{ "agent_sigkill_ttl", case_agent_sigkill_ttl, true },
	{ "agent_survives", case_agent_survives, true },
	{ "agent_sources", case_agent_sources, true },
	{ "agent_pauses", case_agent_pauses, true },
	{ "agent_pause_shell", case_agent_pause_shell, true },
	{ "agent_pause_build", case_agent_pause_build, true },
	{ "agent_events", case_agent_events, true },
	{ "agent_kill_stuck", case_agent_kill_stuck, true },
	{ "agent_cgroup", case_agent_cgroup, true },
	{ "agent_zram", case_agent_zram, true },
	/* Both doors at once. */
	{ "queue_noalloc", case_queue_noalloc, true },
	{ "queue_race", case_queue_race, true },
	/* After every case that kills: it checks all their events. */
	{ "netlink_events", case_netlink_events, true },
	/* Writers on both doors during OOMs; stops the events listener. */
	{ "queue_writers", case_queue_writers, true },
	/* Unloads under a memcg OOM storm, then loads the module again. */
	{ "unload_storm", case_unload_storm, true },
	/* Last: it unloads and reloads the module. */
	{ "leak_stress", case_leak_stress, true },
};

static void case_insmod(struct outcome *o)
{
	char buf[64];
	int err;

	err = module_load("");
	if (err == -ENOENT) {
		skipf(o, "no module in the image (it did not build)");
		return;
	}
	if (err) {
		failf(o, "finit_module: %s", strerror(-err));
		return;
	}
	if (access("/proc/oom", F_OK))
		failf(o, "/proc/oom missing after insmod");
	if (param_get("ttl_ms", buf, sizeof(buf)) || strcmp(buf, "0"))
		failf(o, "ttl_ms is '%s', want 0 by default", buf);
	if (param_get("mode", env.mode_default, sizeof(env.mode_default)))
		failf(o, "no mode parameter");
	notef(o, "mode=%s", env.mode_default);
	err = events_start();
	if (err)
		notef(o, "no netlink listener: %s (netlink checks will skip)",
		      err == -ENOENT ? "oomqctl not in the image" :
				       strerror(-err));
	else
		notef(o, "oomqctl events listening");
}

static bool wanted(const struct vm_case *c, int argc, char **argv)
{
	bool all = argc == 0, any_module = false;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "all") || !strcmp(argv[i], c->name))
			return true;
		for (size_t j = 0; j < ARRAY_SIZE(cases); j++)
			if (!strcmp(argv[i], cases[j].name))
				any_module |= cases[j].needs_module;
	}
	/* Picking any module case implies loading the module first. */
	return all || (!strcmp(c->name, "insmod") && any_module);
}

/* Undo whatever a case may have left: processes, queue, parameters. */
static void cleanup(void)
{
	kill_all();
	if (!env.module_loaded)
		return;
	queue_clear();
	param_set("ttl_ms", "0");
	if (env.mode_default[0])
		param_set("mode", env.mode_default);
}

static bool known(const char *name)
{
	if (!strcmp(name, "all"))
		return true;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++)
		if (!strcmp(name, cases[c].name))
			return true;
	return false;
}

/* Exec'd again as a helper process?  See helper.c. */
static bool is_helper(const char *arg)
{
	return !strcmp(arg, "holder") || !strcmp(arg, "threaded") ||
	       !strcmp(arg, "trigger");
}

static const char *const result_names[] = { "pass", "fail", "skip" };

int main(int argc, char **argv)
{
	unsigned int count[3] = { 0 };
	struct utsname uts;
	int i;

	if (argc > 1 && is_helper(argv[1]))
		return helper_main(argc, argv);

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strncmp(argv[i], "--module=", 9))
			env.module_path = argv[i] + 9;
		else if (!strncmp(argv[i], "--oomqctl=", 10))
			env.oomqctl_path = argv[i] + 10;
		else if (!strncmp(argv[i], "--oomqd=", 8))
			env.oomqd_path = argv[i] + 8;
		else if (!strncmp(argv[i], "--oomqd-conf=", 13))
			env.oomqd_conf = argv[i] + 13;
		else if (!strncmp(argv[i], "--time-scale=", 13))
			env.time_scale = strtoul(argv[i] + 13, NULL, 10);
		else if (!strncmp(argv[i], "--mode=", 7) && argv[i][7])
			env.mode = argv[i] + 7;
	}
	if (!env.time_scale)
		env.time_scale = 1;
	report_init();
	uname(&uts);
	/* A two-node boot (run.sh's VM_NUMA) reports as a kernel of its own. */
	if (!access("/sys/devices/system/node/node1", F_OK))
		strncat(uts.release, "+numa",
			sizeof(uts.release) - strlen(uts.release) - 1);
	/* The runner must outlive every OOM it causes; helpers reset this. */
	if (write_str("/proc/self/oom_score_adj", "-1000")) {
		kmsgf("oomq-vmtest: cannot set oom_score_adj -1000");
		return 2;
	}
	/* A misspelt case name must not pass by running nothing. */
	for (int a = i; a < argc; a++) {
		if (!known(argv[a])) {
			kmsgf("vm-case kernel=%s case=%s result=fail ms=0 "
			      "detail=\"no such case\"",
			      uts.release, argv[a]);
			count[RES_FAIL]++;
		}
	}

	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct vm_case *vc = &cases[c];
		struct outcome o = { RES_PASS, "" };
		long long t0 = now_ms();

		if (!wanted(vc, argc - i, argv + i))
			continue;
		if (vc->needs_module && !env.module_loaded)
			skipf(&o, "module not loaded");
		else
			vc->run(&o);
		cleanup();
		/* Keep the line parseable: no double quotes inside. */
		for (char *p = o.detail; *p; p++)
			if (*p == '"')
				*p = '\'';
		kmsgf("vm-case kernel=%s case=%s result=%s ms=%lld detail=\"%s\"",
		      uts.release, vc->name, result_names[o.res], now_ms() - t0,
		      o.detail);
		count[o.res]++;
	}
	events_stop();
	kmsgf("%u passed, %u failed, %u skipped", count[RES_PASS],
	      count[RES_FAIL], count[RES_SKIP]);
	return count[RES_FAIL] ? 1 : 0;
}
