// SPDX-License-Identifier: GPL-2.0
/*
 * What the loop sets up before its first wake-up, and tears down
 * after its last: the memory and PSI watched, the module, the process
 * events, the notice sink and hooks, and locked memory; all of it
 * allocated here, none later.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loop_int.h"
#include "notify.h"
#include "prof.h"
#include "protect.h"

/* Whether rules on comm and uid read only new and changed processes. */
void loop_log_events(const struct agent *a)
{
	if (a->events.cn.sk)
		logmsg(LOG_INFO, "process events: rules re-read comm and uid "
				 "of new and changed processes only");
	else if (a->events.err)
		logmsg(LOG_INFO,
		       "process events: %s: rules read every process's "
		       "comm each pass",
		       strerror(-a->events.err));
}

static void log_protect(const struct protect_report *r)
{
	if (r->mlock_err)
		logmsg(LOG_WARNING,
		       "mlockall: %s: oomqd's pages may be paged out under "
		       "pressure",
		       strerror(-r->mlock_err));
	if (r->oom_adj_err)
		logmsg(LOG_WARNING,
		       "oom_score_adj %d: %s: the kernel may pick oomqd "
		       "(now %d)",
		       PROTECT_OOM_ADJ_MIN, strerror(-r->oom_adj_err),
		       r->oom_adj);
	if (r->heap_err)
		logmsg(LOG_WARNING, "mallopt refused: freed heap may be "
				    "returned and faulted in again");
}

/* log.h's notice sink: the metrics' counters and the hooks. */
static void noticed(const struct notice *n, void *arg)
{
	struct loop *l = arg;
	int ret;

	metrics_note(&l->metrics.m, n);
	ret = hooks_post(&l->hooks.h, &l->a->policy.hooks, n);
	if (ret == -EAGAIN)
		logmsg_limited(&l->hooks.lim, mono_ms(), LOG_WARNING,
			       "hooks: %u events dropped so far: the hooks "
			       "take longer than events come",
			       l->hooks.h.dropped);
	else if (ret)
		logmsg(LOG_ERR, "hooks: %s: hooks off until SIGHUP",
		       ret == -EPIPE ? "the helper is gone" : strerror(-ret));
}

/*
 * The hooks' helper, forked while memory is calm (start, SIGHUP): it
 * runs the hooks and shows the desktop notifications (notify.h).
 */
void loop_hooks_start(struct loop *l)
{
	int ret;

	if (l->a->policy.notify && !notify_available())
		logmsg(LOG_INFO, "notify: built without libsystemd: no "
				 "desktop notifications");
	l->hooks.h.notify = l->a->policy.notify && notify_available();
	if (l->o->dry_run || l->hooks.h.fd >= 0 ||
	    (!hooks_any(&l->a->policy.hooks) && !l->hooks.h.notify))
		return;
	ret = hooks_start(&l->hooks.h);
	if (ret)
		logmsg(LOG_ERR, "hooks: fork: %s: hooks off", strerror(-ret));
	else
		logmsg(LOG_INFO, "hooks: helper pid %d",
		       (int)l->hooks.h.helper);
}

/* /sys, or a fake /proc's (tests), which has its /sys inside. */
void loop_sys_dir(const struct loop_opts *o, char *sys, size_t size)
{
	if (strcmp(o->proc_root, "/proc"))
		snprintf(sys, size, "%s/sys", o->proc_root);
	else
		snprintf(sys, size, "/sys");
}

/* 0, or -errno when the config cannot run here (loop_cgroup_psi_refused()). */
int loop_start(struct loop *l)
{
	char sys[PATH_MAX];
	struct protect_report pr;
	int ret;

	pressure_init(&l->pressure.st, &l->pressure.cfg, mono_ms());
	loop_sys_dir(l->o, sys, sizeof(sys));
	swap_mem_open(&l->sense.swm, l->o->proc_root, sys);
	ret = loop_cgroup_mem_open(l);
	if (ret)
		return ret;
	loop_psi_open(l);
	ret = loop_cgroup_psi_open(l->a->policy.th.psi_cgroup, &l->sense.cg_psi,
				   l->sense.cg_psi_path,
				   sizeof(l->sense.cg_psi_path));
	l->sense.cg_missing = ret == -ENOENT;
	ret = loop_cgroup_psi_refused(ret, l->sense.cg_psi_path);
	if (ret)
		return ret;
	prof_mark("memory and PSI");
	ret = loop_module_open(l);
	if (ret == -ENOENT) {
		loop_module_gone(&l->link);
	} else if (ret) {
		logmsg(LOG_WARNING,
		       "oomq netlink: %s: kill events will not be heard",
		       strerror(-ret));
	}
	prof_mark("module");
	agent_listen(l->a);
	prof_mark("listen");
	loop_log_events(l->a);
	/* A dry run kills and stops nothing: nothing to count or run. */
	if (!l->o->dry_run)
		log_set_notice_sink(noticed, l);
	log_notices_structured(!l->o->dry_run);
	loop_hooks_start(l);
	/* Last: everything the loop needs is allocated by now. */
	prof_mark("hooks");
	protect_self(&pr);
	prof_mark("protect");
	log_protect(&pr);
	logmsg(LOG_INFO,
	       "started: policy %s, queue %u, TTL %u ms, calm refresh %u s, "
	       "proactive kill %s, pause %s%s",
	       badness_port_name(l->a->policy.port), l->a->policy.queue_length,
	       l->pressure.cfg.queue_ttl_ms,
	       pressure_interval_ms(&l->pressure.cfg, PRESSURE_CALM) / 1000,
	       l->pressure.cfg.kill_enabled ? "on" : "off",
	       l->pressure.cfg.pause_enabled ? "on" : "off",
	       l->o->dry_run ? ", dry run" : "");
	return 0;
}

/*
 * What loop_start() and the loop opened, closed; what pause.c stopped,
 * continued; a victim still dying, said.  Also after a failed start.
 */
void loop_stop(struct loop *l)
{
	log_set_notice_sink(NULL, NULL);
	hooks_stop(&l->hooks.h);
	if (kill_busy(&l->killing.kill))
		logmsg(LOG_WARNING, "pid %d (%s) may still be dying",
		       (int)l->killing.kill.pid, l->killing.victim_comm);
	kill_fini(&l->killing.kill);
	if (l->pausing.paused.n)
		logmsg(LOG_NOTICE, "pause: SIGCONT to the %u jobs stopped",
		       pause_release_all(&l->pausing.paused, mono_ms()));
	pause_file_close(&l->pausing.paused);
	if (l->link.nl_on)
		nlc_close(&l->link.nl);
	psi_close(&l->sense.psi);
	psi_close(&l->sense.cg_psi);
	swap_mem_close(&l->sense.swm);
	if (l->sense.cg_on)
		cgroup_mem_close(&l->sense.cgm);
}
