// SPDX-License-Identifier: GPL-2.0
/*
 * The memory the loop watches: /proc/meminfo or the [oomqd]
 * cgroup's, and the PSI triggers and averages of the system and of
 * psi_cgroup: opened at start, again after a reload or when a missing
 * cgroup appears, read into one struct pressure_sample a tick.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loop_int.h"
#include "proc_parse.h"

/*
 * The watched cgroup's memory instead of the machine's.  A failed read
 * (the cgroup removed) leaves the machine's, said once.
 */
static void read_cgroup_mem(struct loop *l, struct pressure_sample *s)
{
	struct cgroup_mem_sample cs;
	int err;

	if (!l->sense.cg_on)
		return;
	err = cgroup_mem_read(&l->sense.cgm, &cs);
	if (err && err != l->sense.cg_err)
		logmsg(LOG_WARNING,
		       "cgroup %s: %s: the machine's memory counts meanwhile",
		       l->o->cgroup_dir, strerror(-err));
	else if (!err && l->sense.cg_err)
		logmsg(LOG_NOTICE, "cgroup %s: read again", l->o->cgroup_dir);
	l->sense.cg_err = err;
	if (!err)
		cgroup_mem_apply(&cs, s);
}

/*
 * /proc/meminfo through the sampler (proc_read_meminfo(): no
 * allocation), PSI averages from the trigger's own descriptor, then the
 * page-in rate
 * when it may count (pressure_wants_pagein()); @psi_err gets the
 * averages' read errors (system, cgroup), or NULL.
 */
int loop_read_sample(struct loop *l, struct pressure_sample *s, int psi_err[2])
{
	struct proc_meminfo mi;
	struct psi_stats ps;
	int err[2] = { 0, 0 };
	int ret;

	memset(s, 0, sizeof(*s));
	ret = proc_read_meminfo(&l->a->sampler, &mi);
	if (!ret) {
		s->mem_total_kb = mi.mem_total_kb;
		s->mem_avail_kb = mi.mem_available_kb;
		s->swap_total_kb = mi.swap_total_kb;
		s->swap_free_kb = mi.swap_free_kb;
		/* The machine's swap and zram: not a cgroup's. */
		if (!l->sense.cg_on)
			swap_mem_read_zram(&l->sense.swm, s);
		read_cgroup_mem(l, s);
	}
	err[0] = l->sense.psi.fd >= 0 ? psi_read(&l->sense.psi, &ps) : 0;
	if (l->sense.psi.fd >= 0 && !err[0]) {
		s->psi_valid = true;
		s->psi_some_avg10 = ps.some.avg10;
		s->psi_full_avg10 = ps.has_full ? ps.full.avg10 : 0;
	}
	/* A watched cgroup stalling counts as much as the whole system. */
	err[1] = l->sense.cg_psi.fd >= 0 ? psi_read(&l->sense.cg_psi, &ps) : 0;
	if (l->sense.cg_psi.fd >= 0 && !err[1]) {
		s->psi_valid = true;
		if (ps.some.avg10 > s->psi_some_avg10)
			s->psi_some_avg10 = ps.some.avg10;
		if (ps.has_full && ps.full.avg10 > s->psi_full_avg10)
			s->psi_full_avg10 = ps.full.avg10;
	}
	/*
	 * Pausing down to one job below its reserve: once it is spent, the
	 * kill waits for pages coming back (kill_ctl.c), a rate that needs
	 * its base read before.
	 */
	if (!ret && !l->sense.cg_on &&
	    (pressure_wants_pagein(&l->pressure.cfg, s) || l->pausing.down))
		swap_mem_read_pagein(&l->sense.swm, mono_ms(), s);
	if (psi_err)
		memcpy(psi_err, err, sizeof(err));
	return ret;
}

/*
 * A tick's sample: loop_read_sample()'s, its read errors said once
 * each time they start (the averages count for nothing then), and the
 * PSI firings since the last tick counted in.
 */
void loop_sense_tick(struct loop *l, struct pressure_sample *s)
{
	struct loop_sense *se = &l->sense;
	int ret, psi_err[2];

	ret = loop_read_sample(l, s, psi_err);
	if (ret && !se->meminfo_bad)
		logmsg(LOG_ERR, "%s/meminfo: %s", l->o->proc_root,
		       strerror(-ret));
	se->meminfo_bad = ret != 0;
	if (psi_err[0] && !se->psi_err)
		logmsg(LOG_WARNING, "%s: %s: PSI averages not read",
		       se->psi_path, strerror(-psi_err[0]));
	if (psi_err[1] && !se->cg_psi_err)
		logmsg(LOG_WARNING, "%s: %s: PSI averages not read",
		       se->cg_psi_path, strerror(-psi_err[1]));
	se->psi_err = psi_err[0];
	se->cg_psi_err = psi_err[1];
	s->triggers = se->triggers;
	se->triggers = 0;
}

/*
 * psi_cgroup: that cgroup's memory.pressure, into @p, with the same
 * trigger as the system's (or, when the kernel refuses the trigger,
 * for its averages only); @path gets the file's path.
 *
 * A trigger is written to the file, so it needs the file open for
 * writing: under systemd's ProtectControlGroups=yes (the shipped unit)
 * all of /sys/fs/cgroup is read-only and open() says EROFS.  Return: 0
 * (watched, or no psi_cgroup), -ENOENT (not there yet: the loop tries
 * again while calm), or another -errno from psi_open().
 */
int loop_cgroup_psi_open(const char *dir, struct psi *p, char *path,
			 size_t size)
{
	struct psi_trigger trig = PSI_TRIGGER_DEFAULT;
	int ret;

	p->fd = -1;
	if (!dir[0])
		return 0;
	snprintf(path, size, "%s/memory.pressure", dir);
	ret = psi_open(p, path, &trig);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		logmsg(LOG_WARNING,
		       "%s: trigger refused (%s): reading "
		       "averages only",
		       path, strerror(-ret));
		ret = psi_open(p, path, NULL);
	} else if (!ret) {
		logmsg(LOG_INFO, "cgroup PSI trigger: %s", path);
	}
	if (ret == -ENOENT)
		logmsg(LOG_WARNING,
		       "psi_cgroup: %s: not there (yet): watched once it is",
		       path);
	return ret;
}

/*
 * A psi_cgroup that cannot be watched as configured here, whatever
 * happens later: the config is refused (at start, exit status 2; on
 * SIGHUP, the old one is kept).  A missing cgroup is not that: it may
 * come with the first login.  Returns @err when refused, else 0.
 */
int loop_cgroup_psi_refused(int err, const char *path)
{
	if (!err || err == -ENOENT)
		return 0;
	if (err == -EROFS)
		logmsg(LOG_ERR,
		       "psi_cgroup: %s: %s: a PSI trigger must write to it; "
		       "under systemd, add ReadWritePaths=%s to oomqd.service "
		       "(systemctl edit oomqd), as ProtectControlGroups=yes "
		       "makes /sys/fs/cgroup read-only",
		       path, strerror(-err), path);
	else
		logmsg(LOG_ERR, "psi_cgroup: %s: %s", path, strerror(-err));
	return err;
}

/* On a calm wake-up: the psi_cgroup that was missing may be there now. */
void loop_cgroup_psi_retry(struct loop_sense *se)
{
	int ret = psi_open(&se->cg_psi, se->cg_psi_path,
			   &(struct psi_trigger)PSI_TRIGGER_DEFAULT);

	if (ret == -ENOENT)
		return;
	se->cg_missing = false;
	if (ret)
		logmsg(LOG_WARNING, "psi_cgroup: %s: %s: not watched",
		       se->cg_psi_path, strerror(-ret));
	else
		logmsg(LOG_NOTICE, "cgroup PSI trigger: %s, now there",
		       se->cg_psi_path);
}

void loop_psi_open(struct loop *l)
{
	struct psi_trigger trig = PSI_TRIGGER_DEFAULT;
	int ret;

	if (l->sense.cg_on)
		snprintf(l->sense.psi_path, sizeof(l->sense.psi_path),
			 "%s/memory.pressure", l->o->cgroup_dir);
	else
		snprintf(l->sense.psi_path, sizeof(l->sense.psi_path),
			 "%s/pressure/memory", l->o->proc_root);
	ret = psi_open(&l->sense.psi, l->sense.psi_path, &trig);
	if (!ret) {
		logmsg(LOG_INFO, "PSI trigger: %s stall of %u us in %u us",
		       trig.kind == PSI_SOME ? "some" : "full",
		       l->sense.psi.trigger.threshold_us,
		       l->sense.psi.trigger.window_us);
		return;
	}
	if (ret == -ENOENT || ret == -EOPNOTSUPP) {
		logmsg(LOG_NOTICE,
		       "%s: %s: no PSI, polling /proc/meminfo every %u ms "
		       "when calm",
		       l->sense.psi_path, strerror(-ret),
		       pressure_interval_ms(&l->pressure.cfg, PRESSURE_CALM));
		return;
	}
	/* A refused trigger still leaves the averages to read. */
	logmsg(LOG_WARNING, "%s: trigger refused (%s): reading averages only",
	       l->sense.psi_path, strerror(-ret));
	ret = psi_open(&l->sense.psi, l->sense.psi_path, NULL);
	if (ret)
		logmsg(LOG_WARNING, "%s: %s: polling /proc/meminfo only",
		       l->sense.psi_path, strerror(-ret));
}

/*
 * [oomqd] cgroup, as main.c resolved it: its memory and its PSI stand
 * for the machine's, and the passes queue only its processes.
 */
int loop_cgroup_mem_open(struct loop *l)
{
	struct cgroup_mem_sample cs;
	const char *dir = l->o->cgroup_dir;
	int ret;

	if (!dir || !dir[0])
		return 0;
	ret = cgroup_mem_open(&l->sense.cgm, dir);
	if (!ret)
		ret = cgroup_mem_read(&l->sense.cgm, &cs);
	if (ret) {
		logmsg(LOG_ERR, "cgroup %s: %s", dir, strerror(-ret));
		cgroup_mem_close(&l->sense.cgm);
		return ret;
	}
	l->sense.cg_on = true;
	if (cs.limit_kb == CGROUP_MEM_NO_LIMIT)
		logmsg(LOG_NOTICE,
		       "cgroup %s (%s): no memory.max or memory.high up to "
		       "the top: MemTotal counts, its processes alone are "
		       "queued",
		       dir, l->a->scope);
	else
		logmsg(LOG_NOTICE,
		       "cgroup %s (%s): limit %llu MiB (%s), using %llu MiB; "
		       "its processes alone are queued",
		       dir, l->a->scope, (unsigned long long)cs.limit_kb / 1024,
		       cs.limit_level ? "of an ancestor" : "its own",
		       (unsigned long long)cs.current_kb / 1024);
	if (l->sense.cgm.cut)
		logmsg(LOG_WARNING,
		       "cgroup %s: more than %d levels: the limits above them "
		       "are not read",
		       dir, CGROUP_MEM_DEPTH);
	return 0;
}

/*
 * What poll() said about a PSI trigger: a firing is counted (the next
 * tick samples at once); a failed trigger (the cgroup went away) is
 * closed, and the timer and the other sources carry on.
 */
void loop_psi_event(struct loop_sense *se, struct psi *p, short revents,
		    const char *path)
{
	int fired = psi_fired(p, revents);

	if (fired > 0) {
		se->triggers++;
	} else if (fired < 0) {
		logmsg(LOG_WARNING, "%s: PSI trigger failed: not watched",
		       path);
		psi_close(p);
	}
}

/* psi_cgroup's: the cgroup went away, watched again if it comes back. */
void loop_cgroup_psi_event(struct loop_sense *se, short revents)
{
	loop_psi_event(se, &se->cg_psi, revents, se->cg_psi_path);
	se->cg_missing = se->cg_psi.fd < 0;
}
