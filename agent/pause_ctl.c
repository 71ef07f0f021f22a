// SPDX-License-Identifier: GPL-2.0
/*
 * pause_ctl: admit build jobs by their expected need; see pause_ctl.h.
 */
#include <string.h>

#include "pause_ctl.h"

/* A continue needs this much more headroom than its job's need: % of RAM. */
#define MARGIN_PCT 2
/* A first rate from a job's age needs it this old, ms. */
#define AGE_MIN_MS 200
/* MemAvailable up this much in one sample, % of RAM: something ended. */
#define RISE_PCT 1

void pause_ctl_init(struct pause_ctl *c)
{
	memset(c, 0, sizeof(*c));
}

static struct pause_ctl_track *track_find(const struct pause_ctl *c, pid_t root,
					  uint64_t start)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (c->t[i].root == root && c->t[i].start_ticks == start)
			return (struct pause_ctl_track *)&c->t[i];
	return NULL;
}

static struct pause_ctl_tool *tool_find(const struct pause_ctl *c,
					const char *comm)
{
	for (unsigned int i = 0; i < c->ntools; i++)
		if (!strncmp(c->tool[i].comm, comm, SAMPLE_COMM_LEN))
			return (struct pause_ctl_tool *)&c->tool[i];
	return NULL;
}

/*
 * Half the last measure, half the new: one read's noise (a job the CPUs
 * did not run, a burst of reclaim) evens out over the next.
 */
static uint64_t halfway(uint64_t last, uint64_t now)
{
	return (last + now) / 2;
}

/*
 * The median of @tool's last peaks, the upper one of an even count: a
 * build's jobs of one tool differ (a template-heavy unit, a link among
 * small compiles), and one large job's end made every stopped small
 * one count as large: a simulated build of 30 and 150 MiB jobs then ran
 * its small ones one at a time beside a large one.  One small job among
 * large ones does not let the next large ones all in either.
 */
static uint64_t median_peak_kb(const struct pause_ctl_tool *tool)
{
	uint64_t v[PAUSE_CTL_PEAKS];
	unsigned int n = tool->npeaks;

	memcpy(v, tool->peaks_kb, sizeof(v));
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int k = i; k && v[k - 1] > v[k]; k--) {
			uint64_t x = v[k];

			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	return v[n / 2];
}

/* A job of @t's tool finished at @t->peak_kb. */
static void tool_finished(struct pause_ctl *c, const struct pause_ctl_track *t,
			  uint64_t now_ms)
{
	struct pause_ctl_tool *tool = tool_find(c, t->comm);
	/*
	 * It ended between the last read that found it and this one: when
	 * MemAvailable last rose at once, if it did since (an exit frees
	 * its memory in one sample), else halfway.
	 */
	uint64_t end_ms = c->rise_ms > t->seen_ms && c->rise_ms <= now_ms ?
				  c->rise_ms :
				  t->seen_ms + (now_ms - t->seen_ms) / 2;
	/* Ended while it grew: it says nothing of how long a peak holds. */
	uint64_t held = end_ms > t->grew_ms + PAUSE_CTL_FLAT_MS ?
				end_ms - t->grew_ms :
				0;

	if (!tool) {
		tool = &c->tool[0];
		if (c->ntools < PAUSE_CTL_TOOLS)
			tool = &c->tool[c->ntools++];
		else
			for (unsigned int i = 1; i < PAUSE_CTL_TOOLS; i++)
				if (c->tool[i].used < tool->used)
					tool = &c->tool[i];
		*tool = (struct pause_ctl_tool){ 0 };
		memcpy(tool->comm, t->comm, sizeof(tool->comm));
	}
	tool->peaks_kb[tool->next_peak] = t->peak_kb;
	tool->next_peak = (tool->next_peak + 1) % PAUSE_CTL_PEAKS;
	if (tool->npeaks < PAUSE_CTL_PEAKS)
		tool->npeaks++;
	tool->peak_kb = median_peak_kb(tool);
	tool->used = c->updates;
	if (held)
		tool->held_ms = tool->held_ms ? halfway(tool->held_ms, held) :
						held;
}

static uint32_t rate_of(uint64_t grown_kb, uint64_t ms)
{
	uint64_t r = grown_kb * 1000 / ms;

	return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

/*
 * What a CPU @t takes when it has one to itself, per mille: its own
 * share while the CPUs were not crowded, else the most one of its
 * siblings (its tool's jobs) took so, else all of one.
 */
static uint32_t demand_pm(const struct pause_ctl *c,
			  const struct pause_ctl_track *t)
{
	uint32_t d = t->demand_pm;

	for (unsigned int i = 0; !t->demand_pm && i < c->n; i++)
		if (c->t[i].demand_pm > d &&
		    !strncmp(c->t[i].comm, t->comm, SAMPLE_COMM_LEN))
			d = c->t[i].demand_pm;
	return d ? d : 1000;
}

/*
 * How fast @t grows once fewer run, while the CPUs are crowded: its
 * growth per second of CPU times its demand; 0 uncrowded or unknown.
 * A build of more jobs than CPUs shares them: each grows at a fraction
 * of its speed, and once the others are stopped at all of it (the
 * simulation's CPU-bound jobs, 14 on two CPUs: projected to 8 MiB at a
 * seventh of their speed, they grew to 20 before memory ran low, and
 * all 14 were stopped holding 280 MiB).
 */
static uint32_t uncrowded_rate(const struct pause_ctl *c,
			       const struct pause_ctl_track *t)
{
	if (!c->crowded || !t->cpu_rate_kb_s)
		return 0;
	return (uint32_t)((uint64_t)t->cpu_rate_kb_s * demand_pm(c, t) / 1000);
}

/* @t's rate, at least its share of MemAvailable's fall (project()). */
static uint32_t rate_floor(const struct pause_ctl_track *t, uint64_t share_kb_s)
{
	return t->rate_kb_s > share_kb_s ? t->rate_kb_s : (uint32_t)share_kb_s;
}

/*
 * Where @t's growth is projected to take it: its RSS now plus its rate
 * over one and a half horizons.  Made when its rate is first known and
 * again only once it has grown past it (project()'s callers).  Its rate
 * is at least @share_kb_s, its share of how fast MemAvailable fell
 * since the last read, while the same jobs ran: a rate measured as a
 * job started counts its exec and its loading, and its share of CPUs
 * crowded by the whole build, and is the lower the more jobs start at
 * once, while what they grow together shows in MemAvailable at once
 * (the bench's meltdown: seven jobs projected to 26-40 MiB from
 * 1.5 MiB/s each as memory fell by 54 MiB/s; they grew to 60 MiB, and
 * six were stopped half grown below the reserve).
 */
static void project(const struct pause_ctl *c, struct pause_ctl_track *t,
		    const struct pressure_config *cfg, uint64_t rss_kb,
		    uint64_t share_kb_s)
{
	uint32_t rate = rate_floor(t, share_kb_s), own = uncrowded_rate(c, t);

	t->crowded = own > rate;
	if (t->crowded)
		rate = own;
	t->expect_rate_kb_s = rate;
	t->expect_base_kb = rss_kb;
	t->expect_kb =
		rss_kb + (uint64_t)rate * cfg->pause_horizon_ms * 3 / 2 / 1000;
}

/*
 * What @j took of a CPU since @t's last measure (its life if new, @t
 * NULL), per mille, into *@pm; false if that cannot be told yet.
 */
static bool cpu_pm(const struct pause_ctl_track *t,
		   const struct pause_ctl_job *j, uint64_t now_ms, uint64_t *pm)
{
	if (!j->cpu_ms)
		return false;
	if (!t) {
		*pm = j->age_ms >= AGE_MIN_MS ? j->cpu_ms * 1000 / j->age_ms :
						0;
		return j->age_ms >= AGE_MIN_MS;
	}
	if (!t->rate_cpu_ms || j->cpu_ms < t->rate_cpu_ms ||
	    now_ms - t->rate_ms < PAUSE_CTL_RATE_MS)
		return false;
	*pm = (j->cpu_ms - t->rate_cpu_ms) * 1000 / (now_ms - t->rate_ms);
	return true;
}

/*
 * @t grew @grown_kb in @dt_ms, taking @cpu_ms of CPU: its growth per
 * second of CPU (halfway(), as its rate) and, with the CPUs not
 * crowded, its demand.
 */
static void cpu_read(const struct pause_ctl *c, struct pause_ctl_track *t,
		     uint64_t grown_kb, uint64_t cpu_ms, uint64_t dt_ms)
{
	uint32_t inst, share;

	if (!cpu_ms || !dt_ms)
		return;
	inst = rate_of(grown_kb, cpu_ms);
	share = rate_of(cpu_ms, dt_ms); /* ms of CPU a second: per mille */
	t->cpu_rate_kb_s = t->cpu_rate_kb_s ?
				   (uint32_t)halfway(t->cpu_rate_kb_s, inst) :
				   inst;
	if (!c->crowded)
		t->demand_pm = share ? share : 1;
}

/* @t read again: its RSS, its peak and, while it ran, its growth. */
static void track_read(const struct pause_ctl *c, struct pause_ctl_track *t,
		       const struct pressure_config *cfg,
		       const struct pause_ctl_job *j, uint64_t share_kb_s,
		       uint64_t now_ms)
{
	uint64_t dt = now_ms - t->rate_ms, grown;
	uint32_t inst, prior = t->rated ? t->rate_kb_s : 0;

	t->rss_kb = j->rss_kb;
	if (j->rss_kb > t->peak_kb)
		t->peak_kb = j->rss_kb;
	t->seen = true;
	t->seen_ms = now_ms;
	if (j->stopped || !j->runs) {
		/* A stopped job's rate is the one it will have again. */
		t->rate_ms = now_ms;
		t->rate_rss_kb = j->rss_kb;
		if (j->cpu_ms)
			t->rate_cpu_ms = j->cpu_ms;
		t->grew_ms = now_ms; /* stopped, it holds no peak */
		return;
	}
	if (dt < PAUSE_CTL_RATE_MS)
		return;
	grown = j->rss_kb > t->rate_rss_kb ? j->rss_kb - t->rate_rss_kb : 0;
	inst = rate_of(grown, dt);
	if (t->rate_cpu_ms && j->cpu_ms > t->rate_cpu_ms)
		cpu_read(c, t, grown, j->cpu_ms - t->rate_cpu_ms, dt);
	if (j->cpu_ms)
		t->rate_cpu_ms = j->cpu_ms;
	t->rate_kb_s = t->rated ? (uint32_t)halfway(t->rate_kb_s, inst) : inst;
	t->rated = true;
	/*
	 * By more than 1/64: a page table, a buffer is no growth.  It grew
	 * until some time since the last measure: at the rate it had, when
	 * it had grown this much (a job's end is predicted from its last
	 * growth; the read, up to PAUSE_READ_MS later, would put it late).
	 */
	t->grows = j->rss_kb > t->rate_rss_kb + t->rate_rss_kb / 64;
	if (t->grows) {
		t->grew_rate_kb_s = t->rate_kb_s;
		t->grew_ms = now_ms;
		if (prior && t->rate_ms + grown * 1000 / prior < now_ms)
			t->grew_ms = t->rate_ms + grown * 1000 / prior;
	}
	t->rate_ms = now_ms;
	t->rate_rss_kb = j->rss_kb;
	/*
	 * Projected for a crowd of CPUs that is gone: again from where it
	 * was projected (its growth since counts), at the rate it grows
	 * now; the rate it had in the crowd says nothing of it.
	 */
	if (t->crowded && !c->crowded) {
		t->measured = true;
		t->rate_kb_s = inst;
		project(c, t, cfg, t->expect_base_kb, share_kb_s);
		if (t->expect_kb >= j->rss_kb)
			return;
	}
	/*
	 * The first rate measured while it ran, where its first projection
	 * came from its RSS over its age: a build's jobs start side by side
	 * and share the CPUs, and once most are stopped the others grow
	 * faster than they started; a process that took what it holds in
	 * its first moments, then holds, grows slower.  Projected again
	 * from the two rates' mean.
	 */
	if (!t->measured) {
		t->measured = true;
		project(c, t, cfg, j->rss_kb, share_kb_s);
		return;
	}
	/*
	 * Grown past its projection, or growing half as fast again as it
	 * was projected at (fewer share the CPUs since): projected again
	 * from here.  Not grown at all for PAUSE_CTL_FLAT_MS: at its
	 * plateau for now, its stale projection no longer held against the
	 * others' room (a shorter still spell is a job the CPUs did not
	 * run, not a plateau).
	 */
	if (j->rss_kb > t->expect_kb ||
	    (uint64_t)rate_floor(t, share_kb_s) * 2 >
		    (uint64_t)t->expect_rate_kb_s * 3)
		project(c, t, cfg, j->rss_kb, share_kb_s);
	else if (!inst && dt >= PAUSE_CTL_FLAT_MS)
		t->expect_kb = j->rss_kb;
	/*
	 * Growing at less than half its projected rate, the CPUs not
	 * crowded: the projection took something else's growth for its
	 * own (its share of MemAvailable's fall beside a leak: in the
	 * bench's mix one job ran alone for 9 s after the leak's kill; in
	 * its simulation, projected to 178 MiB more at 58 MiB, its peak
	 * 60).  Projected again from here at what it grows now.
	 */
	else if (!c->crowded && (uint64_t)rate_floor(t, share_kb_s) * 2 <
					(uint64_t)t->expect_rate_kb_s)
		project(c, t, cfg, j->rss_kb, share_kb_s);
}

void pause_ctl_other(struct pause_ctl *c, pid_t pid, uint64_t start_ticks,
		     uint64_t rss_kb)
{
	c->other = (struct pause_ctl_other){ .pid = pid,
					     .start_ticks = start_ticks,
					     .rss_kb = rss_kb };
}

/*
 * How far MemAvailable fell since the last read, less what the process
 * beside the jobs grew meanwhile (pause_ctl_other()).
 */
static uint64_t jobs_fall_kb(const struct pause_ctl *c)
{
	const struct pause_ctl_other *o = &c->other, *was = &c->other_read;
	uint64_t fall = 0, grown = 0;

	if (c->read_avail_kb > c->prev_avail_kb)
		fall = c->read_avail_kb - c->prev_avail_kb;
	if (o->pid && o->pid == was->pid &&
	    o->start_ticks == was->start_ticks && o->rss_kb > was->rss_kb)
		grown = o->rss_kb - was->rss_kb;
	return fall > grown ? fall - grown : 0;
}

void pause_ctl_update(struct pause_ctl *c, const struct pressure_config *cfg,
		      const struct pause_ctl_job *jobs, unsigned int n,
		      uint64_t now_ms)
{
	uint64_t share = 0, running = 0, busy_pm = 0, gauged = 0, pm;
	/* Each job's track, found once (NULL: first seen now). */
	struct pause_ctl_track *found[PAUSE_CTL_NEXT_MAX];

	if (n > PAUSE_CTL_NEXT_MAX)
		n = PAUSE_CTL_NEXT_MAX;
	/*
	 * MemAvailable's fall since the last read, over what ran since;
	 * and the CPU they took.
	 */
	for (unsigned int k = 0; k < n; k++) {
		found[k] = track_find(c, jobs[k].root, jobs[k].start_ticks);
		if (!jobs[k].runs || jobs[k].stopped)
			continue;
		running++;
		if (cpu_pm(found[k], &jobs[k], now_ms, &pm)) {
			busy_pm += pm;
			gauged++;
		}
	}
	/*
	 * More than one a CPU, and the CPUs busy: some waited for one.  A
	 * read too soon after the last to tell for most keeps the verdict.
	 */
	if (gauged * 2 >= running && gauged)
		c->crowded = c->cpus_pm && running * 1000 > c->cpus_pm &&
			     busy_pm * running * 4 >= gauged * c->cpus_pm * 3;
	else if (running * 1000 <= c->cpus_pm)
		c->crowded = false;
	if (running && c->updates && now_ms > c->read_ms)
		share = jobs_fall_kb(c) * 1000 / (now_ms - c->read_ms) /
			running;
	c->read_ms = now_ms;
	c->read_avail_kb = c->prev_avail_kb;
	c->other_grows = c->other.pid && c->other.pid == c->other_read.pid &&
			 c->other.start_ticks == c->other_read.start_ticks &&
			 c->other.rss_kb > c->other_read.rss_kb +
						   c->other_read.rss_kb / 64;
	c->other_read = c->other;
	c->other = (struct pause_ctl_other){ 0 };
	c->updates++;
	c->unrated = 0;
	c->stopped_since_read = false;
	/*
	 * What the running jobs map; with none running, what they mapped
	 * at the last read: the stopped ones map the same files, and go on
	 * to read them (the simulation's meltdown: its first wave ended,
	 * the reserve fell to pause_pct and four were continued where
	 * three fit beside the data file).
	 */
	if (running)
		c->mapped_kb = 0;
	for (unsigned int i = 0; i < c->n; i++)
		c->t[i].seen = false;
	for (unsigned int k = 0; k < n; k++) {
		const struct pause_ctl_job *j = &jobs[k];
		struct pause_ctl_track *t = found[k];

		if (!t) {
			if (c->n == PAUSE_CTL_JOBS)
				continue; /* need of an untracked job: 0 */
			t = &c->t[c->n++];
			*t = (struct pause_ctl_track){
				.root = j->root,
				.start_ticks = j->start_ticks,
				.rate_ms = now_ms,
				.rate_rss_kb = j->rss_kb,
				.grew_ms = now_ms,
			};
			memcpy(t->comm, j->comm, sizeof(t->comm));
			/* Grown from nothing since it started: a first rate. */
			if (j->runs && j->age_ms >= AGE_MIN_MS) {
				t->rate_kb_s = rate_of(j->rss_kb, j->age_ms);
				t->rated = true;
				cpu_read(c, t, j->rss_kb, j->cpu_ms, j->age_ms);
				project(c, t, cfg, j->rss_kb, share);
			}
			t->rate_cpu_ms = j->cpu_ms;
		}
		track_read(c, t, cfg, j, share, now_ms);
		c->unrated += j->runs && !j->stopped && !t->measured;
		/*
		 * The largest, not the sum: a build's jobs map the same
		 * tool and data files, and each one's RSS counts them all.
		 */
		if (j->runs && !j->stopped && j->mapped_kb > c->mapped_kb)
			c->mapped_kb = j->mapped_kb;
	}
	/* The jobs not read again have finished. */
	for (unsigned int i = 0; i < c->n;) {
		if (c->t[i].seen) {
			i++;
			continue;
		}
		tool_finished(c, &c->t[i], now_ms);
		c->t[i] = c->t[--c->n];
	}
}

void pause_ctl_killed(struct pause_ctl *c, const struct pressure_config *cfg,
		      pid_t pid)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (c->t[i].root == pid)
			return; /* a job's end, not something beside them */
	for (unsigned int i = 0; i < c->n; i++) {
		struct pause_ctl_track *t = &c->t[i], was = *t;

		if (!t->rated || t->crowded ||
		    t->expect_rate_kb_s <= t->rate_kb_s)
			continue;
		project(c, t, cfg, t->expect_base_kb, 0);
		if (t->expect_kb > was.expect_kb) /* plateaued since */
			*t = was;
	}
}

/*
 * Is @rss_kb past @tool's estimate (by more than 1/64: rounding, a page
 * table)?  Then the job is larger than its tool's jobs were, and how
 * large it gets is not known.  NULL: no estimate.
 */
static bool beyond_tool(uint64_t rss_kb, const struct pause_ctl_tool *tool)
{
	return tool && rss_kb > tool->peak_kb + tool->peak_kb / 64;
}

/*
 * A job too young for a rate of its own (a build's jobs start side by
 * side) is expected to grow like its siblings, the jobs of the same
 * tool that have one: as much as the one projected to grow most from
 * its start.  Without it, a build's young jobs count for nothing until
 * the next read, and grow meanwhile: stopped then, they hold more.
 */
static uint64_t sibling_need_kb(const struct pause_ctl *c,
				const struct pause_ctl_track *t, bool measured)
{
	uint64_t need = 0;

	for (unsigned int i = 0; i < c->n; i++) {
		const struct pause_ctl_track *s = &c->t[i];

		if (s != t && s->rated && (s->measured || !measured) &&
		    s->expect_kb > need &&
		    !strncmp(s->comm, t->comm, SAMPLE_COMM_LEN))
			need = s->expect_kb;
	}
	return need > t->rss_kb ? need - t->rss_kb : 0;
}

/* What @j (@t, @tool: its track and its tool's, or NULL) needs still. */
static uint64_t need_kb(const struct pause_ctl *c,
			const struct pause_ctl_job *j,
			const struct pause_ctl_track *t,
			const struct pause_ctl_tool *tool)
{
	/*
	 * At its tool's peak (within 1/64: rounding, a page table) it is
	 * done, as the tool's jobs were; its projection, made while it
	 * grew, would still count: only growth past it says otherwise.
	 */
	if (tool && !beyond_tool(j->rss_kb, tool))
		return tool->peak_kb > j->rss_kb ? tool->peak_kb - j->rss_kb :
						   0;
	/* No estimate, or past it: what its own growth was projected to. */
	if (t && !t->rated)
		return sibling_need_kb(c, t, false);
	/*
	 * Stopped past its tool's estimate: continued, it grows on at the
	 * rate it was projected at, and is projected again a horizon and a
	 * half ahead once it passes the projection (track_read()); what
	 * was left of the projection at its stop undercounts that (the
	 * bench's sizes and late: a large job stopped and continued twice
	 * in its last 10 s, each projection made after a continue
	 * outgrowing what the continue counted on).  Its rate measured
	 * while it ran: a first-sight rate is guarded below.
	 */
	if (t && tool && j->stopped && t->measured) {
		uint64_t span = t->expect_kb - t->expect_base_kb;
		uint64_t left =
			t->expect_kb > j->rss_kb ? t->expect_kb - j->rss_kb : 0;

		return left > span ? left : span;
	}
	if (!t || t->expect_kb <= j->rss_kb)
		return 0;
	/*
	 * Stopped before a rate was measured while it ran, its projection
	 * is its RSS over its age at first sight, which for a process that
	 * took what it holds at once says nothing of what it will take:
	 * a sibling's projection stands for it (a measured one's first),
	 * else no more than it holds (it grew that much in all its life).
	 */
	if (j->stopped && !t->measured) {
		uint64_t sib = sibling_need_kb(c, t, true);

		if (!sib)
			sib = sibling_need_kb(c, t, false);
		if (sib)
			return sib;
		if (t->expect_kb - j->rss_kb > j->rss_kb)
			return j->rss_kb;
	}
	return t->expect_kb - j->rss_kb;
}

uint64_t pause_ctl_need_kb(const struct pause_ctl *c,
			   const struct pressure_config *cfg,
			   const struct pause_ctl_job *j)
{
	(void)cfg;
	return need_kb(c, j, track_find(c, j->root, j->start_ticks),
		       tool_find(c, j->comm));
}

/*
 * What swap on a disk adds to the room: a quarter of its free space.
 * Idle anonymous pages (the stopped jobs', an idle session's) go out to
 * it and leave RAM to the jobs that run.  A quarter, measured: in the
 * bench's swap load (128 MiB) the build took 76-78 s with it (longest
 * stall 19-65 ms), 79 and 99 s without (39, 40 ms); with half, 64-83 s,
 * but it swapped so hard that the session stalled for up to 290 ms and
 * PSI put the machine at critical.  The credit shrinks as swap fills.
 * zram's free swap is RAM, and worth nothing before it shows its
 * compression (pressure_effective()): none of it.
 */
static uint64_t swap_credit_kb(const struct pressure_sample *s)
{
	struct pressure_sample eff;

	pressure_effective(s, &eff);
	return eff.swap_free_kb / 4;
}

/*
 * MemAvailable above the reserve (pause_ctl.h), and a quarter of the
 * free swap: what the jobs may take.
 */
static int64_t headroom_kb(const struct pause_ctl *c,
			   const struct pressure_config *cfg,
			   const struct pressure_sample *s)
{
	double reserve =
		(double)s->mem_total_kb * cfg->pause_at.mem_avail_pct / 100;

	if ((double)c->mapped_kb > reserve)
		reserve = (double)c->mapped_kb;
	return (int64_t)s->mem_avail_kb - (int64_t)reserve +
	       (int64_t)swap_credit_kb(s);
}

bool pause_ctl_down(const struct pause_ctl *c,
		    const struct pressure_config *cfg,
		    const struct pressure_sample *s,
		    const struct pause_ctl_job *jobs, unsigned int n)
{
	unsigned int running = 0, stopped = 0;

	for (unsigned int i = 0; i < n; i++) {
		stopped += jobs[i].stopped;
		running += jobs[i].runs && !jobs[i].stopped;
	}
	return stopped && running <= 1 && headroom_kb(c, cfg, s) < 0;
}

/*
 * Is the running job @j (@t, @tool) at its plateau: not grown for
 * PAUSE_CTL_FLAT_MS, or near the peak of its tool's finished jobs?
 */
static bool at_plateau(const struct pause_ctl_job *j,
		       const struct pause_ctl_track *t,
		       const struct pause_ctl_tool *tool)
{
	return t && (t->seen_ms >= t->grew_ms + PAUSE_CTL_FLAT_MS ||
		     (tool && j->rss_kb * 16 >= tool->peak_kb * 15));
}

/*
 * What one decision (pause_ctl_next()) reads of a job again and again,
 * found once: track_find() and tool_find() walk their tables, and
 * called per job in every walk of the jobs they made each decision
 * quadratic in the jobs.  view_jobs() fills one a job; the rest read.
 * A running job's course is what it is expected to do from now on:
 * grow by need_kb at rate_kb_s, and end at end_ms, freeing what it
 * holds then.
 */
struct job_view {
	const struct pause_ctl_track *t; /* NULL: not followed */
	const struct pause_ctl_tool *tool; /* NULL: none of its tool ended */
	bool plateau; /* running, and at its plateau (at_plateau()) */
	uint64_t need_kb; /* need_kb(), of a running job: 0 stopped */
	uint32_t rate_kb_s; /* 0: not known, its need counts at once */
	uint64_t end_ms; /* UINT64_MAX: not known */
};

/*
 * When the running job of @v is expected to end: a job at its plateau
 * of a tool whose finished jobs held theirs for a while, that long
 * after its last growth (if it still grew at the last read, after it
 * reaches the tool's peak at its rate); one past that time a second
 * from now, unless it is past it by a quarter of that while (it works
 * on longer than its tool's jobs did: no end known).
 */
static uint64_t end_of(const struct job_view *v, uint64_t now_ms)
{
	const struct pause_ctl_track *t = v->t; /* a plateau's: not NULL */
	uint64_t end;

	if (!v->plateau || !v->tool || !v->tool->held_ms)
		return UINT64_MAX;
	end = t->grew_ms;
	/*
	 * Past its tool's peak: larger than its tool's jobs, it may work
	 * longer too (the simulation's large jobs among small ones: one at
	 * its plateau, 150 MiB, expected to end with the small ones' 3 s of
	 * work after it, worked 10 s; two continued on that end took
	 * MemAvailable to 0).
	 */
	if (beyond_tool(t->rss_kb, v->tool))
		return UINT64_MAX;
	if (t->grows && t->rss_kb < v->tool->peak_kb) {
		if (!t->rate_kb_s)
			return UINT64_MAX;
		end = t->seen_ms +
		      (v->tool->peak_kb - t->rss_kb) * 1000 / t->rate_kb_s;
	}
	end += v->tool->held_ms;
	if (end + v->tool->held_ms / 4 < now_ms)
		return UINT64_MAX;
	return end > now_ms + 1000 ? end : now_ms + 1000;
}

/*
 * How fast @t is expected to grow once continued: its own rate or its
 * siblings' (the jobs of its tool, as they grew: at their plateau their
 * rates fall to nothing), whichever is faster; 0: not known.
 */
static uint32_t cont_rate(const struct pause_ctl *c,
			  const struct pause_ctl_track *t)
{
	uint32_t rate = t->rated ? t->rate_kb_s : 0;

	for (unsigned int i = 0; i < c->n; i++)
		if (c->t[i].measured && c->t[i].grew_rate_kb_s > rate &&
		    !strncmp(c->t[i].comm, t->comm, SAMPLE_COMM_LEN))
			rate = c->t[i].grew_rate_kb_s;
	return rate;
}

/*
 * How fast the job of @t is expected to grow: at its rate, once
 * measured while it ran; before, as one continued (cont_rate()); 0: not
 * known.
 */
static uint32_t course_rate(const struct pause_ctl *c,
			    const struct pause_ctl_track *t)
{
	if (!t)
		return 0;
	return t->measured ? t->rate_kb_s : cont_rate(c, t);
}

static void view_jobs(const struct pause_ctl *c,
		      const struct pause_ctl_job *jobs, unsigned int n,
		      uint64_t now_ms, bool ends, struct job_view *v)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct pause_ctl_job *j = &jobs[i];

		v[i].t = track_find(c, j->root, j->start_ticks);
		v[i].tool = tool_find(c, j->comm);
		v[i].plateau = !j->stopped && j->runs &&
			       at_plateau(j, v[i].t, v[i].tool);
		v[i].need_kb = 0;
		v[i].rate_kb_s = 0;
		v[i].end_ms = UINT64_MAX;
		/* A stopped job's course is made for its continue alone. */
		if (j->stopped || !j->runs)
			continue;
		v[i].need_kb = need_kb(c, j, v[i].t, v[i].tool);
		v[i].rate_kb_s = course_rate(c, v[i].t);
		if (ends)
			v[i].end_ms = end_of(&v[i], now_ms);
	}
}

/*
 * What @v grows by from @now_ms to @at_ms: at its rate, one and a half
 * times (as its projection), up to its need.
 */
static uint64_t grown_by(const struct job_view *v, uint64_t at_ms,
			 uint64_t now_ms)
{
	uint64_t in = at_ms - now_ms, g;

	/* Never (UINT64_MAX), or far enough to overflow: all of it. */
	if (!v->rate_kb_s || in > UINT64_MAX / 3 / UINT32_MAX)
		return v->need_kb;
	g = (uint64_t)v->rate_kb_s * in * 3 / 2 / 1000;
	return g < v->need_kb ? g : v->need_kb;
}

/*
 * The most memory the running jobs of @jobs (and @cand, if not NULL: a
 * stopped one about to go on) are expected to take beyond what they
 * hold, at any time from @now_ms on: their courses' growth less what
 * the ended ones held, the most at the moment before an end, or after
 * the last.  With no end known it is their needs' sum.  A build's jobs
 * end one by one, and one that waits to start for an end leaves that
 * memory idle for its whole growth; a job that goes on before several
 * ends, on what they will free in time, keeps the build's memory busy
 * (in the bench's meltdown four jobs fit at their peak, five at
 * different ages).  An end that comes later than expected shows as
 * need above room, and the youngest growing job is stopped as before.
 */
static int64_t peak_take(const struct pause_ctl_job *jobs,
			 const struct job_view *v, unsigned int n,
			 const struct job_view *cand, uint64_t now_ms)
{
	int64_t peak = INT64_MIN;
	bool last = false;

	for (unsigned int e = 0; !last; e++) {
		uint64_t at = UINT64_MAX;
		int64_t take;

		/* The next moment: before the end of jobs[e], at last none. */
		while (e < n && (jobs[e].stopped || !jobs[e].runs ||
				 v[e].end_ms == UINT64_MAX))
			e++;
		if (e < n)
			at = v[e].end_ms;
		last = e >= n;
		take = cand ? (int64_t)grown_by(cand, at, now_ms) : 0;
		for (unsigned int i = 0; i < n; i++) {
			if (jobs[i].stopped || !jobs[i].runs)
				continue;
			if (v[i].end_ms < at)
				take -= (int64_t)jobs[i].rss_kb;
			else
				take += (int64_t)grown_by(&v[i], at, now_ms);
		}
		if (take > peak)
			peak = take;
	}
	return peak;
}

/*
 * Has the running job of @v grown past its tool's estimate, and grows
 * on: how large it gets is not known (a link among compiles).
 */
static bool past_estimate(const struct pause_ctl_job *j,
			  const struct job_view *v)
{
	return v->t && v->t->grows && beyond_tool(j->rss_kb, v->tool);
}

/*
 * What is left at @now_ms of resume_gap_ms after the last order, ms; 0:
 * none (a continue may come).
 */
static uint64_t gap_left_ms(const struct pause_ctl *c,
			    const struct pressure_config *cfg, uint64_t now_ms)
{
	uint64_t last = 0;

	if (c->cont_once)
		last = c->cont_ms;
	if (c->stopped_once && c->stop_ms > last)
		last = c->stop_ms;
	if ((!c->cont_once && !c->stopped_once) ||
	    now_ms >= last + cfg->resume_gap_ms)
		return 0;
	return last + cfg->resume_gap_ms - now_ms;
}

static bool recently_continued(const struct pause_ctl_track *t, uint64_t now_ms)
{
	return t && t->continued && now_ms - t->cont_ms < PAUSE_CTL_MIN_RUN_MS;
}

/* Is @a younger than @b: started later, or with the same start, smaller? */
static bool younger(const struct pause_ctl_job *a,
		    const struct pause_ctl_job *b)
{
	if (a->start_ticks != b->start_ticks)
		return a->start_ticks > b->start_ticks;
	return a->rss_kb < b->rss_kb;
}

struct pause_ctl_order pause_ctl_next(const struct pause_ctl *c,
				      const struct pressure_config *cfg,
				      const struct pressure_sample *s,
				      const struct pause_ctl_job *jobs,
				      unsigned int n, uint64_t now_ms)
{
	struct pause_ctl_order o = { .kind = PAUSE_CTL_NOTHING };
	int64_t room = headroom_kb(c, cfg, s), need = 0, nc, take = 0;
	struct job_view v[PAUSE_CTL_NEXT_MAX], cand;
	int64_t margin = (int64_t)(s->mem_total_kb * MARGIN_PCT / 100);
	unsigned int running = 0, nstopped = 0;
	int youngest = -1, growing = -1, oldest = -1, big = -1;
	/*
	 * The oldest running job larger than its tool's estimate, and the
	 * youngest one still growing past it.
	 */
	int past_first = -1, past = -1;
	bool demands = true; /* every running job's demand of CPU known */
	bool seasoned = true; /* every running job's rate measured long */
	bool settled = true; /* ... and none continued a moment ago */
	bool predict; /* a stop for the running jobs' projections? */

	if (n > PAUSE_CTL_NEXT_MAX)
		n = PAUSE_CTL_NEXT_MAX;
	/*
	 * No end is counted on while pages come back in at the thrashing
	 * rate: the page cache holds less than the jobs read already, and
	 * MemAvailable overstates the room.  That rate is read only near
	 * thrashing (pressure_wants_pagein()): away from it the sample has
	 * none and the ends count, rightly, since the read starts well
	 * before pages come back at that rate
	 * (pressure_pages_coming_back()).  Never read with thrashing off or
	 * a watched cgroup, it never refuses there.
	 */
	view_jobs(c, jobs, n, now_ms, !pressure_pages_coming_back(cfg, s), v);
	for (unsigned int i = 0; i < n; i++) {
		const struct pause_ctl_job *j = &jobs[i];
		int64_t nj;

		if (j->stopped) {
			nstopped++;
			if (oldest < 0 || younger(&jobs[oldest], j))
				oldest = (int)i;
			continue;
		}
		if (!j->runs)
			continue;
		running++;
		demands = demands && v[i].t && v[i].t->demand_pm;
		seasoned = seasoned && v[i].t && v[i].t->measured &&
			   j->age_ms >= PAUSE_CTL_MIN_RUN_MS;
		settled = settled && !recently_continued(v[i].t, now_ms);
		nj = (int64_t)v[i].need_kb;
		need += nj;
		if (beyond_tool(j->rss_kb, v[i].tool) &&
		    (past_first < 0 || younger(&jobs[past_first], j)))
			past_first = (int)i;
		if (!j->stoppable)
			continue;
		if (past_estimate(j, &v[i]) &&
		    (past < 0 || younger(j, &jobs[past])))
			past = (int)i;
		if (youngest < 0 || younger(j, &jobs[youngest]))
			youngest = (int)i;
		if (nj > margin && (big < 0 || younger(j, &jobs[big])))
			big = (int)i;
		/* Cheap to stop: it holds less than a quarter of its need. */
		if (nj && (int64_t)j->rss_kb * 4 < nj &&
		    (growing < 0 || younger(j, &jobs[growing])))
			growing = (int)i;
	}

	/*
	 * A job continued a moment ago is the youngest growing one more
	 * often than not; it is left to run its PAUSE_CTL_MIN_RUN_MS (the
	 * reserve is there for that), not stopped by the next sample.  Of
	 * the last two, one is stopped only if their growth over one
	 * horizon, not the projections' one and a half, exceeds the room: a
	 * young job's projection runs a horizon past its end of growth, and
	 * a stop wrongly made leaves the machine to one job (the bench's
	 * big: two jobs of 14 and 17 MiB projected to 70 beside 134 MiB of
	 * room, their peak 60; one ran alone for 8 s), while one made late
	 * is made below the reserve, which is there for it.
	 */
	predict = running > 1 && growing >= 0 &&
		  !recently_continued(v[growing].t, now_ms);
	if (past == past_first)
		past = -1;
	if (predict || (running > 1 && past >= 0)) {
		take = peak_take(jobs, v, n, NULL, now_ms);
		if (running == 2 && take > 0)
			take = take * 2 / 3;
	}
	if (predict && take > room) {
		/* Stopping one that does not grow would not help this. */
		o.kind = PAUSE_CTL_STOP;
		o.job = (unsigned int)growing;
		o.why = "the running jobs' expected growth exceeds the "
			"headroom";
		return o;
	}
	/*
	 * Of the jobs grown past their tool's estimate, only the oldest
	 * grows on while the growth exceeds the room, even one continued a
	 * moment ago: its continue counted on that estimate.  Each one is
	 * as large as its own projection says.  Stopped only once memory
	 * was under the reserve, each holding a third of its peak, they
	 * took it down to 19 MiB in the simulation's build of 30 MiB
	 * compiles, then three of 150 MiB, all three continued on the
	 * median, 30 MiB; stopped as soon as a read shows them past it,
	 * 86 MiB.
	 */
	if (running > 1 && past >= 0 && take > room) {
		o.kind = PAUSE_CTL_STOP;
		o.job = (unsigned int)past;
		o.why = "grown past its tool's estimate, beside an older one";
		return o;
	}
	/*
	 * Below the reserve: the youngest still expected to grow by more
	 * than the margin, else the youngest (a working set, a page cache:
	 * growth no RSS shows).  One at its plateau stopped holds its
	 * memory and frees none of it.
	 */
	if (big >= 0)
		youngest = big;
	if (running > 1 && youngest >= 0 && room < 0 &&
	    (!c->stopped_once || (now_ms - c->stop_ms >= cfg->pause_gap_ms &&
				  s->mem_avail_kb <= c->stop_avail_kb))) {
		o.kind = PAUSE_CTL_STOP;
		o.job = (unsigned int)youngest;
		o.why = "memory low";
		return o;
	}
	if (!nstopped)
		return o;
	o.job = (unsigned int)oldest;
	if (!running) {
		o.kind = PAUSE_CTL_CONT;
		o.why = "none of the others runs";
		return o;
	}
	if (gap_left_ms(c, cfg, now_ms))
		return o;
	/*
	 * Memory above watch_at and not falling (pause_ctl_watch() would
	 * say PAUSE_CTL_CALM): what runs does not grow
	 * toward the reserve, and the oldest's need, its rate when it was
	 * stopped, may be stale for good where no job of its tool ends (a
	 * job that grew fast at its start, then held).  It goes on; if it
	 * grows again, it is stopped again.  Not where a job of its tool
	 * finished: that peak is its need, and memory calm for a moment
	 * (the jobs beside it just ended, or just started) says nothing
	 * of it.  Nor within a horizon of a stop: the stop stills memory
	 * at once, whatever the jobs left running grow (the bench's
	 * meltdown: twelve stopped 1.1 s in, three continued within a
	 * second as "calm", and four stopped half grown at 12-14 s);
	 * unless each job left running ran PAUSE_CTL_MIN_RUN_MS, its rate
	 * measured, since it started or was continued: what they grow
	 * shows by then (the bench's big: one job ran alone for 8 s with
	 * 136 MiB of room, the stopped ones' needs stale).
	 */
	if (now_ms >= c->watch_until_ms && !v[oldest].tool &&
	    (!c->stopped_once || now_ms >= c->stop_ms + cfg->pause_horizon_ms ||
	     (seasoned && settled)) &&
	    !pressure_memory_meets(&cfg->watch_at, s)) {
		o.kind = PAUSE_CTL_CONT;
		o.why = "memory is calm";
		return o;
	}
	/*
	 * No job of its tool finished yet, and memory still falls (by more
	 * than the margin over a horizon): what runs is still growing
	 * into its projections, made from rates measured while a whole
	 * build shared the CPUs.  A continue then is a bet that they were
	 * not short; lost, it stops jobs half grown below the reserve
	 * (the bench's meltdown: a fifth continued a second in, four
	 * stopped holding 45 MiB each).  It waits for a finish or a
	 * plateau, unless each running job's rate was measured with the
	 * CPUs not crowded (its demand of CPU known): what it will grow;
	 * or each ran PAUSE_CTL_MIN_RUN_MS with its rate measured, and the
	 * room holds twice what they and it are projected to need still, a
	 * bet lost only to projections short by half (the simulation's
	 * CPU-bound jobs on four CPUs: 2 s sooner, 1.1 s below the data
	 * file where it waited for a plateau 3.2 s).
	 */
	nc = (int64_t)need_kb(c, &jobs[oldest], v[oldest].t, v[oldest].tool);
	if (!v[oldest].tool && !demands &&
	    (int64_t)(c->fall_kb_s * cfg->pause_horizon_ms / 1000) > margin &&
	    !(seasoned && room >= 2 * (need + nc) + margin))
		return o;
	if (room - need >= nc + margin) {
		o.kind = PAUSE_CTL_CONT;
		o.why = "memory is back";
		return o;
	}
	/*
	 * Its growth not known: no credit for the ends.  Nor, on a bet on
	 * the ends, for swap: a bet lost with the credit spent takes
	 * MemAvailable under the files the jobs map while the kernel
	 * swaps (the bench's swap load: three continued within 1.6 s on
	 * the running jobs' ends, MemAvailable down to 88 MiB beside the
	 * 96 MiB data file, 13 MiB swapped out, the session's heartbeat
	 * 139 ms late).
	 */
	cand = v[oldest];
	cand.need_kb = (uint64_t)nc;
	cand.rate_kb_s = v[oldest].t ? cont_rate(c, v[oldest].t) : 0;
	if (cand.rate_kb_s && peak_take(jobs, v, n, &cand, now_ms) + margin <=
				      room - (int64_t)swap_credit_kb(s)) {
		o.kind = PAUSE_CTL_CONT;
		o.why = "running jobs are expected to end in time";
	}
	return o;
}

void pause_ctl_done(struct pause_ctl *c, const struct pause_ctl_order *o,
		    const struct pause_ctl_job *jobs,
		    const struct pressure_sample *s, uint64_t now_ms)
{
	struct pause_ctl_track *t;

	if (o->kind == PAUSE_CTL_STOP) {
		c->stop_ms = now_ms;
		c->stop_avail_kb = s->mem_avail_kb;
		c->stopped_once = true;
		c->stopped_since_read = true;
	} else if (o->kind == PAUSE_CTL_CONT) {
		c->cont_ms = now_ms;
		c->cont_once = true;
		t = track_find(c, jobs[o->job].root, jobs[o->job].start_ticks);
		if (t) {
			t->cont_ms = now_ms;
			t->continued = true;
		}
	}
}

enum pause_ctl_watch pause_ctl_watch(struct pause_ctl *c,
				     const struct pressure_config *cfg,
				     const struct pressure_sample *s,
				     uint64_t now_ms)
{
	int64_t room = headroom_kb(c, cfg, s);
	uint64_t dt = now_ms - c->prev_ms;

	if (c->sampled && dt >= 100) {
		uint64_t fall = c->prev_avail_kb > s->mem_avail_kb ?
					(c->prev_avail_kb - s->mem_avail_kb) *
						1000 / dt :
					0;

		c->fall_kb_s = halfway(c->fall_kb_s, fall);
		if (s->mem_avail_kb >=
		    c->prev_avail_kb + s->mem_total_kb * RISE_PCT / 100)
			c->rise_ms = now_ms;
	}
	if (!c->sampled || dt >= 100) {
		c->prev_ms = now_ms;
		c->prev_avail_kb = s->mem_avail_kb;
		c->sampled = true;
	}
	if (c->fall_kb_s && (room <= 0 || (uint64_t)room * 1000 / c->fall_kb_s <
						  2ULL * cfg->pause_horizon_ms))
		c->watch_until_ms = now_ms + cfg->pause_horizon_ms;
	if (now_ms < c->watch_until_ms)
		return PAUSE_CTL_FALLING;
	return pressure_memory_meets(&cfg->watch_at, s) ? PAUSE_CTL_LOW :
							  PAUSE_CTL_CALM;
}

bool pause_ctl_pass_due(bool following, bool jobs, bool created,
			uint64_t pass_ms, uint64_t pass_avail_kb,
			const struct pressure_sample *s, uint64_t now_ms)
{
	uint64_t age = now_ms > pass_ms ? now_ms - pass_ms : 0;

	return !following || age >= (jobs ? PAUSE_PASS_MS : PAUSE_READ_MS) ||
	       s->mem_avail_kb >= pass_avail_kb + s->mem_total_kb *
							  PAUSE_PASS_RISE_PCT /
							  100 ||
	       (created && pause_ctl_fell(s, pass_avail_kb));
}

uint32_t pause_ctl_wait_ms(const struct pause_ctl *c,
			   const struct pressure_config *cfg,
			   const struct pressure_sample *s, bool ordered,
			   bool searching, uint64_t now_ms)
{
	int64_t room = headroom_kb(c, cfg, s);
	uint64_t gap = gap_left_ms(c, cfg, now_ms), ms;

	if (ordered || room <= 0 || searching)
		return cfg->pause_sample_ms;
	if (gap)
		return (uint32_t)gap;
	ms = c->fall_kb_s ? (uint64_t)room * 1000 / c->fall_kb_s / 4 :
			    PAUSE_CTL_SLOW_MS;
	if (ms > PAUSE_CTL_SLOW_MS)
		ms = PAUSE_CTL_SLOW_MS;
	return ms < cfg->pause_sample_ms ? cfg->pause_sample_ms : (uint32_t)ms;
}
