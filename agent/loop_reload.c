// SPDX-License-Identifier: GPL-2.0
/*
 * SIGHUP: the config loaded again, and taken as a whole or
 * not at all.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "loop_int.h"
#include "thresholds.h"

void loop_reload(struct loop *l)
{
	/* Static: struct policy is ~100 KiB of compiled rules. */
	static struct policy np;
	static char cg_path[PATH_MAX];
	struct pressure_config pc;
	struct kill_config kc;
	struct psi cg;
	const char *why;
	int ret, cg_ret = 0;

	logmsg(LOG_INFO, "SIGHUP: reloading the config");
	cg.fd = -1;
	ret = l->o->reload(&np, l->o->reload_arg);
	if (!ret) {
		ret = thresholds_from_policy(&np, &pc, &kc, &why);
		if (ret)
			logmsg(LOG_ERR, "config: %s", why);
	}
	/* psi_cgroup may name another cgroup now, or none. */
	if (!ret) {
		cg_ret = loop_cgroup_psi_open(np.th.psi_cgroup, &cg, cg_path,
					      sizeof(cg_path));
		ret = loop_cgroup_psi_refused(cg_ret, cg_path);
	}
	if (!ret && strcmp(np.cgroup, l->a->policy.cgroup)) {
		logmsg(LOG_WARNING,
		       "[oomqd] cgroup: a new value takes effect "
		       "at restart; still %s",
		       l->a->policy.cgroup[0] ? l->a->policy.cgroup : "none");
		memcpy(np.cgroup, l->a->policy.cgroup, sizeof(np.cgroup));
	}
	if (ret) {
		logmsg(LOG_ERR, "reload failed: keeping the old config");
		psi_close(&cg);
		policy_free(&np);
		return;
	}
	/* The compiled rules move to the agent; np is reset next time. */
	policy_free(&l->a->policy);
	l->a->policy = np;
	agent_policy_changed(l->a);
	loop_log_events(l->a);
	loop_hooks_start(l);
	l->pressure.cfg = pc;
	l->killing.kill.cfg = kc;
	psi_close(&l->sense.cg_psi);
	l->sense.cg_psi = cg;
	memcpy(l->sense.cg_psi_path, cg_path, sizeof(cg_path));
	l->sense.cg_missing = cg_ret == -ENOENT;
	if (l->link.nl_on && !l->o->dry_run) {
		ret = nlc_set_ttl(&l->link.nl, pc.queue_ttl_ms);
		if (ret)
			logmsg(LOG_WARNING, "setting the queue TTL: %s",
			       strerror(-ret));
	}
	l->pressure.rerank = true;
	logmsg(LOG_NOTICE,
	       "config reloaded: policy %s, queue %u, TTL %u ms, %u rules, "
	       "proactive kill %s",
	       badness_port_name(l->a->policy.port), l->a->policy.queue_length,
	       pc.queue_ttl_ms, l->a->policy.nrules,
	       pc.kill_enabled ? "on" : "off");
}
