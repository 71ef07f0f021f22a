// SPDX-License-Identifier: GPL-2.0
/*
 * agent/pause_ctl.c: whom to stop and continue, over a fake clock and a
 * fake machine.  The bench's meltdown in miniature: 14 jobs started 50
 * ms apart, each exec'ed with 300 KiB, growing to 60 MiB more over 12 s
 * of running and working 8 s more, in 368 MiB available of 459 MiB
 * (the guest's); the loop's way of reading is kept: memory as often
 * as pause_ctl_wait_ms() says while the jobs are followed (up to a
 * second apart), else every pause_sample_ms, the jobs at once when
 * following starts, then every PAUSE_READ_MS (3 s), every
 * PAUSE_CTL_RATE_MS while some have no rate yet, and what it stopped
 * and continued marked in between.  (Until the simulation slept as the
 * loop does, it sampled five times a second throughout, and found the
 * builds 2-8 s shorter than the loop's own way of sampling made them.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/pause_ctl.h"

#define MIB 1024ULL
#define TOTAL_KB (459 * MIB)
#define AVAIL0_KB (368 * MIB)
#define NJOBS 14
#define BASE_KB 300 /* at exec */
#define PASS_MS PAUSE_READ_MS /* while the jobs are followed */

struct simjob {
	uint64_t start_ms; /* appears */
	uint64_t ran_ms; /* ran so far */
	uint64_t cpu_ms; /* CPU time so far, with sim.job_cpu_permille */
	uint64_t stopped_at, stopped_ms; /* last stop, time stopped in all */
	uint64_t idle_ms; /* before it grows: exec, loading, parsing */
	uint64_t grow_ms, work_ms, peak_kb;
	bool done, stopped, finished_once;
};

struct sim {
	struct simjob j[NJOBS];
	unsigned int n;
	/*
	 * A data file every job maps and reads all of in its first 1.2 s
	 * (the bench's ws.dat), 0: none.  MemAvailable counts it as free,
	 * but with less available than that it is read back from disk.
	 */
	uint64_t ws_kb;
	uint64_t thrash_ms; /* sampled with MemAvailable below ws_kb */
	/*
	 * Taken by something else, evenly from 0 up to hog_until_ms, then
	 * freed at once: a leak, killed.
	 */
	uint64_t hog_kb, hog_until_ms;
	bool hog_killed; /* and the loop told (pause_ctl_killed()) */
	bool hog_tells; /* its RSS told with each read (pause_ctl_other()) */
	uint64_t held_kb; /* held by the session throughout (the big) */
	/*
	 * CPUs, 0: as many as jobs; and what one running job takes of one,
	 * per mille: more running than that many fit share them, and each
	 * one's step of 100 ms runs for less (the bench's two vCPUs, 14
	 * jobs starting at once: their first rates two fifths of their own).
	 */
	unsigned int cpus, job_cpu_permille;
	struct pause_ctl_job seen[NJOBS]; /* as of the last read */
	int idx[NJOBS];
	unsigned int nseen;
	uint64_t min_avail_kb, now, end_ms, read_ms;
	uint64_t found_ms, next_ms; /* the first read with jobs; next sample */
	bool found;
	unsigned int max_running, conts, stops, stopped_now;
	/* Running jobs at least, from the first stop to the first finish. */
	unsigned int min_running_first;
	/* And at most, after the hog went, before the first finish. */
	unsigned int max_running_first;
	bool followed, finished_any;
	uint64_t max_stopped_ms;
	int64_t max_over_kb; /* need above room after the orders, at most */
	bool last_stopped; /* the last running job was stopped */
	bool order_broken; /* a continue skipped an older stopped job */
};

static struct pressure_config cfg;
static struct pause_ctl ctl;
static struct sim sim;

static uint64_t rss_of(const struct simjob *j)
{
	uint64_t grown = j->ran_ms > j->idle_ms ? j->ran_ms - j->idle_ms : 0;

	if (grown >= j->grow_ms)
		return BASE_KB + j->peak_kb;
	return BASE_KB + j->peak_kb * grown / j->grow_ms;
}

static uint64_t mapped_of(const struct sim *m, const struct simjob *j)
{
	return j->ran_ms >= 1200 ? m->ws_kb : m->ws_kb * j->ran_ms / 1200;
}

static bool live(const struct simjob *j, uint64_t now)
{
	return !j->done && now >= j->start_ms;
}

static uint64_t avail_kb(const struct sim *m)
{
	uint64_t used = m->held_kb;

	for (unsigned int i = 0; i < m->n; i++)
		if (live(&m->j[i], m->now))
			used += rss_of(&m->j[i]);
	if (m->now < m->hog_until_ms)
		used += m->hog_kb * m->now / m->hog_until_ms;
	return used > AVAIL0_KB ? 0 : AVAIL0_KB - used;
}

/* What the loop reads at a pass: the live jobs, their RSS. */
static void read_jobs(struct sim *m)
{
	m->read_ms = m->now;
	m->nseen = 0;
	for (unsigned int i = 0; i < m->n; i++) {
		const struct simjob *j = &m->j[i];
		struct pause_ctl_job *c = &m->seen[m->nseen];

		if (!live(j, m->now))
			continue;
		*c = (struct pause_ctl_job){ .root = 100 + (pid_t)i,
					     .start_ticks = j->start_ms,
					     .rss_kb = rss_of(j),
					     .mapped_kb = mapped_of(m, j),
					     .age_ms = m->now - j->start_ms,
					     .cpu_ms = j->cpu_ms,
					     .stopped = j->stopped,
					     .runs = !j->stopped,
					     .stoppable = !j->stopped };
		snprintf(c->comm, sizeof(c->comm), "cc1");
		m->idx[m->nseen++] = (int)i;
	}
	/* The leak, as the queue's head: pid 1. */
	if (m->hog_tells && m->now < m->hog_until_ms)
		pause_ctl_other(&ctl, 1, 0,
				m->hog_kb * m->now / m->hog_until_ms);
	pause_ctl_update(&ctl, &cfg, m->seen, m->nseen, m->now);
	if (!getenv("PAUSE_CTL_TRACE"))
		return;
	/* Job: RSS/need MiB, "s" for stopped. */
	fprintf(stderr, "t %llu read, avail %llu:", (unsigned long long)m->now,
		(unsigned long long)avail_kb(m) / MIB);
	for (unsigned int i = 0; i < m->nseen; i++)
		fprintf(stderr, " %d%s%llu/%llu", m->idx[i],
			m->seen[i].stopped ? "s" : ":",
			(unsigned long long)m->seen[i].rss_kb / MIB,
			(unsigned long long)pause_ctl_need_kb(&ctl, &cfg,
							      &m->seen[i]) /
				MIB);
	fprintf(stderr, "\n");
}

static void check_order(struct sim *m, unsigned int k)
{
	for (unsigned int i = 0; i < m->nseen; i++)
		if (m->seen[i].stopped &&
		    m->seen[i].start_ticks < m->seen[k].start_ticks)
			m->order_broken = true;
}

/*
 * One sample, and the orders after it, carried out as loop.c's
 * pause_tick() does: the jobs read when following starts and every
 * PASS_MS after (PAUSE_CTL_RATE_MS while some have no rate), orders
 * only while following, at most one continue a sample.  When the next
 * sample comes, as it says too: pause_ctl_wait_ms() while following.
 */
static void decide(struct sim *m)
{
	bool ordered = false;
	uint32_t wait;

	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = avail_kb(m) };
	enum pause_ctl_watch w = pause_ctl_watch(&ctl, &cfg, &s, m->now);
	bool busy = m->stopped_now || w == PAUSE_CTL_FALLING ||
		    (w == PAUSE_CTL_LOW && m->nseen);

	if (busy &&
	    (!m->followed ||
	     m->now - m->read_ms >=
		     (pause_ctl_read_soon(&ctl) ? PAUSE_CTL_RATE_MS : PASS_MS)))
		read_jobs(m);
	m->followed = busy;
	for (int round = 0; busy && round < 2 * NJOBS; round++) {
		struct pause_ctl_order o = pause_ctl_next(
			&ctl, &cfg, &s, m->seen, m->nseen, m->now);
		struct pause_ctl_job *c = &m->seen[o.job];
		struct simjob *j = &m->j[m->idx[o.job]];
		unsigned int running = 0;

		if (o.kind == PAUSE_CTL_NOTHING)
			break;
		if (getenv("PAUSE_CTL_TRACE"))
			fprintf(stderr, "t %llu %s job %d rss %llu: %s\n",
				(unsigned long long)m->now,
				o.kind == PAUSE_CTL_STOP ? "stop" : "cont",
				m->idx[o.job],
				(unsigned long long)c->rss_kb / MIB, o.why);
		for (unsigned int i = 0; i < m->nseen; i++)
			running += m->seen[i].runs && !m->j[m->idx[i]].done;
		if (o.kind == PAUSE_CTL_STOP) {
			ck_assert(!c->stopped && c->runs && c->stoppable);
			if (running < 2)
				m->last_stopped = true;
			c->stopped = true;
			c->runs = c->stoppable = false;
			j->stopped = true;
			j->stopped_at = m->now;
			m->stops++;
			m->stopped_now++;
		} else {
			ck_assert(c->stopped);
			check_order(m, o.job);
			c->stopped = false;
			c->runs = true;
			j->stopped = false;
			j->stopped_ms += m->now - j->stopped_at;
			if (j->stopped_ms > m->max_stopped_ms)
				m->max_stopped_ms = j->stopped_ms;
			m->conts++;
			m->stopped_now--;
		}
		pause_ctl_done(&ctl, &o, m->seen, &s, m->now);
		ordered = true;
		if (o.kind == PAUSE_CTL_CONT)
			break;
	}
	if (m->nseen && !m->found) {
		m->found = true;
		m->found_ms = m->now;
	}
	wait = cfg.pause_sample_ms;
	if (busy)
		wait = pause_ctl_wait_ms(&ctl, &cfg, &s, ordered,
					 !m->nseen || m->now - m->found_ms <
							      PAUSE_READ_MS,
					 m->now);
	if (pause_ctl_read_soon(&ctl) && wait > PAUSE_CTL_RATE_MS)
		wait = PAUSE_CTL_RATE_MS;
	/* At the next step of 100 ms. */
	m->next_ms = m->now + (wait + 99) / 100 * 100;
}

/* Projected need of the running jobs above the room, after the orders. */
static void check_need(struct sim *m)
{
	int64_t need = 0, room;

	for (unsigned int i = 0; i < m->nseen; i++)
		if (m->seen[i].runs)
			need += (int64_t)pause_ctl_need_kb(&ctl, &cfg,
							   &m->seen[i]);
	room = (int64_t)avail_kb(m) -
	       (int64_t)(TOTAL_KB * cfg.pause_at.mem_avail_pct / 100);
	if (need - room > m->max_over_kb)
		m->max_over_kb = need - room;
}

/* Runs the jobs of @m until all are done or @limit_ms passes. */
static void run(struct sim *m, uint64_t limit_ms)
{
	m->min_avail_kb = AVAIL0_KB;
	m->min_running_first = NJOBS;
	for (m->now = 0; m->now < limit_ms; m->now += 100) {
		unsigned int running = 0, left = 0, step = 100;
		uint64_t a;

		/* More running than the CPUs take: each runs for less. */
		for (unsigned int i = 0; i < m->n; i++)
			running += live(&m->j[i], m->now) && !m->j[i].stopped;
		if (m->cpus && running * m->job_cpu_permille > m->cpus * 1000)
			step = 100 * m->cpus * 1000 /
			       (running * m->job_cpu_permille);
		for (unsigned int i = 0; i < m->n; i++) {
			struct simjob *j = &m->j[i];

			if (!live(j, m->now))
				continue;
			left++;
			if (j->stopped)
				continue;
			j->ran_ms += step;
			j->cpu_ms += step * m->job_cpu_permille / 1000;
			if (j->ran_ms >= j->idle_ms + j->grow_ms + j->work_ms) {
				j->done = true;
				m->finished_any = true;
			}
		}
		if (!left && m->now > m->j[m->n - 1].start_ms) {
			m->end_ms = m->now;
			return;
		}
		if (running > m->max_running)
			m->max_running = running;
		if (m->stops && !m->finished_any &&
		    running < m->min_running_first)
			m->min_running_first = running;
		if (!m->finished_any && m->now >= m->hog_until_ms &&
		    running > m->max_running_first)
			m->max_running_first = running;
		a = avail_kb(m);
		if (a < m->min_avail_kb)
			m->min_avail_kb = a;
		if (running && a < m->ws_kb)
			m->thrash_ms += 100;
		if (m->hog_kb && m->now >= m->hog_until_ms && !m->hog_killed) {
			m->hog_killed = true;
			pause_ctl_killed(&ctl, &cfg, 1);
		}
		if (m->now < m->next_ms)
			continue;
		/* The loop's array between reads: done ones gone. */
		for (unsigned int i = 0; i < m->nseen; i++)
			if (m->j[m->idx[i]].done)
				m->seen[i].runs = m->seen[i].stopped = false;
		decide(m);
		check_need(m);
		if (getenv("PAUSE_CTL_TRACE") && m->now % 1000 == 0)
			fprintf(stderr, "t %llu running %u avail %llu\n",
				(unsigned long long)m->now, running,
				(unsigned long long)avail_kb(m) / MIB);
	}
	m->end_ms = limit_ms;
}

/* Every job of @m finished, the last running one never stopped. */
static void check_all_done(const struct sim *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		ck_assert(m->j[i].done);
	ck_assert(!m->last_stopped);
	ck_assert_uint_eq(m->conts, m->stops);
}

/* What @m's run of the load @what did, on stderr. */
static void print_run(const struct sim *m, const char *what)
{
	fprintf(stderr,
		"pause_ctl %s: %llu ms, %u at most running, MemAvailable at "
		"least %llu MiB\n",
		what, (unsigned long long)m->end_ms, m->max_running,
		(unsigned long long)m->min_avail_kb / MIB);
}

static void meltdown(struct sim *m)
{
	memset(m, 0, sizeof(*m));
	m->n = NJOBS;
	for (unsigned int i = 0; i < NJOBS; i++)
		m->j[i] = (struct simjob){ .start_ms = 50 * i,
					   .grow_ms = 12000,
					   .work_ms = 8000,
					   .peak_kb = 60 * MIB };
}

static void setup(void)
{
	pressure_config_default(&cfg);
	cfg.pause_enabled = true;
	cfg.pause_at.mem_avail_pct = 20; /* a 92 MiB reserve */
	cfg.watch_at.mem_avail_pct = 50;
	pause_ctl_init(&ctl);
}

/*
 * 14 jobs of 60 MiB in 299 MiB above the reserve: four fit at their
 * peak, five with nothing else held.  All finish, none stopped for
 * good, memory never runs out, and the build takes at most what four at a
 * time take (4 rounds of 20 s: 80 s), far from one at a time (280 s);
 * the first round never falls to one running (the others stopped half
 * grown, one by one, as the room shrank: what took the bench 92 s).
 */
START_TEST(test_meltdown)
{
	/* As shipped: pause_pct 15 (a 69 MiB reserve), watch_at 40 %. */
	cfg.pause_at.mem_avail_pct = 15;
	cfg.watch_at.mem_avail_pct = 40;
	meltdown(&sim);
	run(&sim, 400000);
	ck_assert_uint_lt(sim.end_ms, 400000);
	check_all_done(&sim);
	ck_assert(!sim.order_broken);
	ck_assert_uint_gt(sim.stops, 0);
	/*
	 * The machine kept busy: less than four at a time take, since the
	 * next jobs start before the running ones end (79.9 s when they
	 * waited for an end, sampled five times a second), and a continue
	 * refused by resume_gap_ms comes when the gap ends (76.6 s when it
	 * came with the next sample, up to a second later).
	 */
	ck_assert_uint_le(sim.end_ms, 75000);
	ck_assert_uint_ge(sim.max_running, 4);
	ck_assert_uint_ge(sim.min_running_first, 2);
	/* Memory never ran out, the reserve held. */
	ck_assert_uint_gt(sim.min_avail_kb, TOTAL_KB * 15 / 100);
	/* Nobody waited longer than the build's length less its own. */
	ck_assert_uint_lt(sim.max_stopped_ms, sim.end_ms - 20000);
	fprintf(stderr,
		"pause_ctl meltdown: %llu ms, %u at most running, %u at least "
		"before a finish, %u stops, MemAvailable at least %llu MiB, "
		"longest stop %llu ms, need above room at most %lld KiB\n",
		(unsigned long long)sim.end_ms, sim.max_running,
		sim.min_running_first, sim.stops,
		(unsigned long long)sim.min_avail_kb / MIB,
		(unsigned long long)sim.max_stopped_ms,
		(long long)sim.max_over_kb);
}
END_TEST

/*
 * The meltdown with the bench's data file: each job maps the same
 * 96 MiB and reads all of it, more than the 69 MiB reserve, and grows
 * only after 800 ms of exec and loading (the bench's guest under TCG),
 * so the first rates, RSS over age, are low and the first wave too
 * large.  The jobs are kept from eating into the file (MemAvailable
 * never below it while they run: below, they would read it back from
 * disk; with the reserve alone, 9.5 s of that), and the build still
 * is not slowed: at most 100 s, five rounds of 20 s (77.6 s here;
 * 79.6 s, MemAvailable down to 104 MiB, when a read that found every
 * job stopped forgot the file).
 */
START_TEST(test_meltdown_mapped)
{
	cfg.pause_at.mem_avail_pct = 15;
	cfg.watch_at.mem_avail_pct = 40;
	meltdown(&sim);
	sim.ws_kb = 96 * MIB;
	for (unsigned int i = 0; i < NJOBS; i++)
		sim.j[i].idle_ms = 800;
	run(&sim, 400000);
	check_all_done(&sim);
	ck_assert_uint_eq(sim.thrash_ms, 0);
	ck_assert_uint_ge(sim.min_avail_kb, sim.ws_kb + 10 * MIB);
	ck_assert_uint_le(sim.end_ms, 100000);
	print_run(&sim, "meltdown, 96 MiB mapped");
}
END_TEST

/*
 * The mapped meltdown on @cpus CPUs, each job taking @pm per mille of
 * one while it runs, run to its end; what it did, on stderr.
 */
static void crowded(struct sim *m, unsigned int cpus, unsigned int pm,
		    uint64_t held_kb)
{
	cfg.pause_at.mem_avail_pct = 15;
	cfg.watch_at.mem_avail_pct = 40;
	meltdown(m);
	m->held_kb = held_kb;
	m->ws_kb = 96 * MIB;
	m->cpus = cpus;
	m->job_cpu_permille = pm;
	ctl.cpus_pm = cpus * 1000;
	for (unsigned int i = 0; i < NJOBS; i++)
		m->j[i].idle_ms = 800;
	run(m, 400000);
	check_all_done(m);
	fprintf(stderr,
		"pause_ctl meltdown, 96 MiB mapped, %u CPUs, jobs of %u per "
		"mille: %llu ms, %u at least running before a finish, "
		"MemAvailable at least %llu MiB, %llu ms below the file\n",
		cpus, pm, (unsigned long long)m->end_ms, m->min_running_first,
		(unsigned long long)m->min_avail_kb / MIB,
		(unsigned long long)m->thrash_ms);
}

/*
 * The bench's guest: two CPUs, a job taking a third of one.  The 14
 * starting at once get a seventh of a CPU each, two fifths of what they
 * take, and grow that fast: their projections from those rates let six
 * run, which then grew more than twice as fast, and five were stopped
 * half grown below the file (12 s read back from disk, 87 s).  From
 * their growth per second of CPU, 11 are stopped at once holding a MiB
 * each, and the rest admitted as their own rates are measured: three
 * and more run until a finish.
 */
START_TEST(test_meltdown_crowded)
{
	crowded(&sim, 2, 350, 0);
	ck_assert_uint_eq(sim.thrash_ms, 0);
	ck_assert_uint_ge(sim.min_running_first, 3);
	/* 78.7 s when a continue refused by the gap waited a sample. */
	ck_assert_uint_le(sim.end_ms, 78000);
}
END_TEST

/*
 * The bench's mix: a browser tab leaks 150 MiB beside the build's
 * start and is killed 11 s in.  While it leaked, the one job left
 * running took its share of MemAvailable's fall for its own growth,
 * projected to 178 MiB more at 58 MiB (its peak: 60); projected again
 * at its own rate once it grows slower than half that, the others go
 * on as the tab's memory comes back, not once it is done growing
 * (87.5 s, it alone until 17.6 s; 78.7 s, sampled five times a second;
 * sampled as the loop does, 86.2 s, and 84.4 s with a continue refused
 * by the gap coming when it ends).  Told of the kill, the controller
 * projects them again at their own rates, the stopped ones too, whose
 * needs were made of the leak's growth: 77.5 s.  Told the leak's
 * growth with every read (it is the queue's head), the jobs' share of
 * MemAvailable's fall is theirs alone: 73.8 s, three running while it
 * leaks, the leak's growth taking MemAvailable to 75 MiB (96 before).
 */
START_TEST(test_meltdown_hog)
{
	cfg.pause_at.mem_avail_pct = 15;
	cfg.watch_at.mem_avail_pct = 40;
	meltdown(&sim);
	sim.hog_kb = 150 * MIB;
	sim.hog_until_ms = 11000;
	sim.hog_tells = true;
	run(&sim, 400000);
	check_all_done(&sim);
	ck_assert_uint_gt(sim.min_avail_kb, TOTAL_KB * 15 / 100);
	ck_assert_uint_ge(sim.max_running_first, 2);
	ck_assert_uint_le(sim.end_ms, 75000);
	fprintf(stderr,
		"pause_ctl meltdown beside a 150 MiB leak killed at 11 s: "
		"%llu ms, %u at most running before a finish, MemAvailable at "
		"least %llu MiB\n",
		(unsigned long long)sim.end_ms, sim.max_running_first,
		(unsigned long long)sim.min_avail_kb / MIB);
}
END_TEST

/*
 * A build whose jobs differ: compiles of 30 MiB growing over 5 s and
 * working 3 s more, and three of 150 MiB (a template-heavy unit, a
 * link) growing over 15 s and working 10 s, all of one tool, as a
 * build's cc1plus are: the large ones are the jobs whose bits are set
 * in @large.  Two large ones do not fit together beside anything
 * (299 MiB above the reserve).
 */
static void mixed_sizes(struct sim *m, unsigned int large)
{
	cfg.pause_at.mem_avail_pct = 15;
	cfg.watch_at.mem_avail_pct = 40;
	meltdown(m);
	for (unsigned int i = 0; i < NJOBS; i++)
		m->j[i] = (struct simjob){ .start_ms = 50 * i,
					   .grow_ms = 5000,
					   .work_ms = 3000,
					   .peak_kb = 30 * MIB };
	for (unsigned int i = 0; i < NJOBS; i++)
		if (large & 1U << i)
			m->j[i] = (struct simjob){ .start_ms = 50 * i,
						   .grow_ms = 15000,
						   .work_ms = 10000,
						   .peak_kb = 150 * MIB };
	run(m, 400000);
	check_all_done(m);
}

/*
 * The large ones 4th, 9th and 14th: they run one after another, 25 s
 * each, at least 55 s in all with the small ones beside them.  When a
 * tool's estimate was the largest peak it had seen, the first large
 * job's end made the stopped small ones count as large, and they ran
 * one at a time beside the next large one (81.2 s); with the median of
 * the last peaks, 67.3 s.
 */
START_TEST(test_build_mixed_sizes)
{
	mixed_sizes(&sim, 1U << 3 | 1U << 8 | 1U << 13);
	ck_assert_uint_gt(sim.min_avail_kb, TOTAL_KB * 15 / 100);
	ck_assert_uint_le(sim.end_ms, 70000);
	print_run(&sim, "build of 30 and 150 MiB jobs");
}
END_TEST

/*
 * The large ones where the small ones' estimate misleads: last (after
 * eleven small ones, each large one is continued on the tool's median,
 * 30 MiB, and all three were, to grow together), first, every other
 * job, and all but the first.  Stopped only once memory was under the
 * reserve, each holding a third of its need, they took MemAvailable to
 * 19, 51, 59 and 37 MiB (66.9, 80.7, 61.4 and 252.9 s), the first and
 * the last below oomqd's kill line (10 %, 46 MiB).  Of the jobs grown
 * past their tool's estimate, only the oldest grows on while their
 * projections exceed the room; the others are stopped as the next read
 * shows them past it: 86, 51, 97 and 68 MiB (73.7, 80.7, 68.3 and
 * 250.1 s).  Large ones first are the jobs before any estimate: they
 * go under the reserve as like jobs do, stopped there (51 MiB).
 */
START_TEST(test_build_large_late)
{
	static const struct {
		const char *what;
		unsigned int large;
		uint64_t max_ms;
	} order[] = {
		{ "large last", 1U << 11 | 1U << 12 | 1U << 13, 80000 },
		{ "large first", 1U << 0 | 1U << 1 | 1U << 2, 85000 },
		{ "large every other", 1U << 1 | 1U << 3 | 1U << 5, 75000 },
		{ "one small, then large", ((1U << NJOBS) - 1) & ~1U, 260000 },
	};

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		setup();
		mixed_sizes(&sim, order[k].large);
		print_run(&sim, order[k].what);
		ck_assert_uint_gt(sim.min_avail_kb, TOTAL_KB * 10 / 100);
		ck_assert_uint_le(sim.end_ms, order[k].max_ms);
	}
}
END_TEST

/*
 * The bench's big: the crowded meltdown beside an 80 MiB session
 * manager, 192 MiB above the data file, where two jobs fit at their
 * peak with the stopped ones' first megabytes and the margin, and a
 * third only beside ones that end.  Nothing read back from disk.
 */
START_TEST(test_meltdown_big)
{
	crowded(&sim, 2, 350, 80 * MIB);
	ck_assert_uint_eq(sim.thrash_ms, 0);
	ck_assert_uint_le(sim.end_ms, 118000);
}
END_TEST

/*
 * A compiler's jobs, each as fast as the CPU it gets, 14 on four CPUs:
 * all 14 ran at 2/7 of their speed, projected to little, until memory
 * ran low, then were stopped holding 20 MiB each, and the build ran
 * one job at a time below the reserve (37 MiB left, 126 s).
 */
START_TEST(test_meltdown_cpu_bound)
{
	crowded(&sim, 4, 1000, 0);
	ck_assert_uint_gt(sim.min_avail_kb, TOTAL_KB * 15 / 100);
	ck_assert_uint_ge(sim.min_running_first, 3);
	/*
	 * 84.9 s, 3.2 s below the file, where it waited for a plateau; 1.1 s
	 * where a job's last growth and its tool's ends were put at the
	 * reads that saw them, up to 3 s late, not where its rate and
	 * MemAvailable's rise put them (sampled five times a second; 84.1 s
	 * sampled as the loop does).
	 */
	ck_assert_uint_le(sim.end_ms, 84500);
	ck_assert_uint_le(sim.thrash_ms, 500);
}
END_TEST

/* Once a job has finished, its peak is the others' need: none over. */
START_TEST(test_need_from_finished)
{
	struct pause_ctl_job a = { .root = 10,
				   .start_ticks = 1,
				   .rss_kb = 60 * MIB,
				   .runs = true },
			     b = { .root = 11,
				   .start_ticks = 2,
				   .rss_kb = 10 * MIB,
				   .runs = true };
	struct pause_ctl_job both[2];

	snprintf(a.comm, sizeof(a.comm), "cc1");
	snprintf(b.comm, sizeof(b.comm), "cc1");
	both[0] = a;
	both[1] = b;
	pause_ctl_update(&ctl, &cfg, both, 2, 0);
	/* Nothing measured yet: no need known. */
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &b), 0);
	b.rss_kb = 15 * MIB;
	pause_ctl_update(&ctl, &cfg, &b, 1, 1000); /* a finished at 60 MiB */
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &b), 45 * MIB);
	/* Another tool learns nothing from cc1's peak. */
	a.root = 12;
	snprintf(a.comm, sizeof(a.comm), "ld");
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &a), 0);
}
END_TEST

/*
 * A read that finds every job stopped keeps the files they mapped as
 * the reserve: the jobs continued next read them again.  With the
 * reserve down to pause_pct there (the simulation's meltdown, once its
 * first wave had ended), four were continued where three fit beside
 * the data file.
 */
START_TEST(test_mapped_while_stopped)
{
	struct pause_ctl_job j = { .root = 10,
				   .start_ticks = 1,
				   .rss_kb = 20 * MIB,
				   .mapped_kb = 96 * MIB,
				   .runs = true };

	snprintf(j.comm, sizeof(j.comm), "cc1");
	pause_ctl_update(&ctl, &cfg, &j, 1, 0);
	ck_assert_uint_eq(ctl.mapped_kb, 96 * MIB);
	j.stopped = true;
	j.runs = false;
	j.mapped_kb = 0; /* not read of a stopped job */
	pause_ctl_update(&ctl, &cfg, &j, 1, 1000);
	ck_assert_uint_eq(ctl.mapped_kb, 96 * MIB);
	/* Running again, it maps what it maps now. */
	j.stopped = false;
	j.runs = true;
	j.mapped_kb = 40 * MIB;
	pause_ctl_update(&ctl, &cfg, &j, 1, 2000);
	ck_assert_uint_eq(ctl.mapped_kb, 40 * MIB);
}
END_TEST

/* pause_ctl_down() of @js at @s, and what beside the jobs grew. */
static bool spent(const struct pressure_sample *s,
		  const struct pause_ctl_job *js)
{
	return pause_ctl_down(&ctl, &cfg, s, js, 3) && ctl.other_grows;
}

/*
 * Pausing is spent once MemAvailable is under the reserve, jobs are
 * stopped and one runs at most, and the process beside the jobs grew
 * between the last two reads by more than a 64th; not while two
 * jobs run, above the reserve, or with that process holding still.
 */
START_TEST(test_spent)
{
	struct pause_ctl_job js[3];
	struct pressure_sample low = { .mem_total_kb = TOTAL_KB,
				       .mem_avail_kb = 60 * MIB },
			       high = { .mem_total_kb = TOTAL_KB,
					.mem_avail_kb = 200 * MIB };

	cfg.pause_at.mem_avail_pct = 15; /* a 69 MiB reserve */
	for (unsigned int i = 0; i < 3; i++) {
		js[i] = (struct pause_ctl_job){ .root = 10 + (pid_t)i,
						.start_ticks = 1 + i,
						.rss_kb = 20 * MIB,
						.runs = true,
						.stoppable = true };
		snprintf(js[i].comm, sizeof(js[i].comm), "cc1");
	}
	js[1].stopped = js[2].stopped = true;
	js[1].runs = js[2].runs = js[1].stoppable = js[2].stoppable = false;
	pause_ctl_other(&ctl, 99, 5, 100 * MIB);
	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	ck_assert(!spent(&low, js)); /* one read */
	pause_ctl_other(&ctl, 99, 5, 160 * MIB);
	pause_ctl_update(&ctl, &cfg, js, 3, 3000);
	ck_assert(spent(&low, js));
	ck_assert(!spent(&high, js));
	js[1].stopped = false;
	js[1].runs = js[1].stoppable = true;
	ck_assert(!spent(&low, js)); /* two run */
	js[1].stoppable = false; /* a shell's, or continued since the read */
	ck_assert(!spent(&low, js));
	js[1].stopped = true;
	js[1].runs = false;
	/* It holds still: no more spent. */
	pause_ctl_other(&ctl, 99, 5, 161 * MIB);
	pause_ctl_update(&ctl, &cfg, js, 3, 6000);
	ck_assert(!spent(&low, js));
	/* Another process at the head: its growth is not known yet. */
	pause_ctl_other(&ctl, 98, 7, 200 * MIB);
	pause_ctl_update(&ctl, &cfg, js, 3, 9000);
	ck_assert(!spent(&low, js));
}
END_TEST

/* Before any finished: growth per second over the horizon. */
START_TEST(test_need_from_rate)
{
	struct pause_ctl_job j = {
		.root = 10, .start_ticks = 1, .rss_kb = 0, .runs = true
	};

	snprintf(j.comm, sizeof(j.comm), "rustc");
	pause_ctl_update(&ctl, &cfg, &j, 1, 0);
	j.rss_kb = 5 * MIB;
	pause_ctl_update(&ctl, &cfg, &j, 1, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &j),
			  5 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000);
	/* A stopped job keeps the projection it ran with. */
	j.stopped = true;
	j.runs = false;
	pause_ctl_update(&ctl, &cfg, &j, 1, 5000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &j),
			  5 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000);
}
END_TEST

/*
 * The projection is made once: a job growing steadily needs less as it
 * grows toward it, not as much again at every read; past it, it is
 * projected again; not grown for a rate's period, it needs nothing.
 */
START_TEST(test_projection_once)
{
	uint64_t proj = 5 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000, need;
	struct pause_ctl_job j = {
		.root = 10, .start_ticks = 1, .rss_kb = 0, .runs = true
	};

	snprintf(j.comm, sizeof(j.comm), "rustc");
	pause_ctl_update(&ctl, &cfg, &j, 1, 0);
	j.rss_kb = 5 * MIB;
	pause_ctl_update(&ctl, &cfg, &j, 1, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &j), proj);
	j.rss_kb = 20 * MIB;
	pause_ctl_update(&ctl, &cfg, &j, 1, 4000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &j), proj - 15 * MIB);
	/* Past it, still at 5 MiB/s: from where it is. */
	j.rss_kb = 5 * MIB + proj + 5 * MIB;
	pause_ctl_update(&ctl, &cfg, &j, 1, 6000);
	ck_assert_uint_gt(pause_ctl_need_kb(&ctl, &cfg, &j), proj / 2);
	/* Still for 0.5 s: not run, not at a plateau. */
	need = pause_ctl_need_kb(&ctl, &cfg, &j);
	pause_ctl_update(&ctl, &cfg, &j, 1, 6500);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &j), need);
	/* Still for PAUSE_CTL_FLAT_MS: at its plateau. */
	pause_ctl_update(&ctl, &cfg, &j, 1, 6500 + PAUSE_CTL_FLAT_MS);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &j), 0);
}
END_TEST

/*
 * Two jobs measured at 1 MiB/s each while MemAvailable falls by 20 MiB/s
 * (their exec and loading in the rate, the CPUs crowded): each is
 * projected at its share of the fall, 10 MiB/s; with memory still,
 * at its own rate.
 */
START_TEST(test_projection_share)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = 300 * MIB };
	struct pause_ctl_job js[2] = { { .root = 10, .runs = true },
				       { .root = 11, .runs = true } };
	uint64_t t;

	/* MemAvailable sampled, and the jobs read, as the loop does. */
	for (t = 0; t <= 2000; t += 100) {
		pause_ctl_watch(&ctl, &cfg, &s, t);
		if (t == 1000)
			pause_ctl_update(&ctl, &cfg, js, 2, t);
		s.mem_avail_kb -= 2 * MIB;
	}
	js[0].rss_kb = js[1].rss_kb = 1 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 2000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  10 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000);
	/*
	 * A job killed: its growth was theirs.  Something else killed (a
	 * leak): each is projected again at its own rate, the stopped one
	 * too; one that has held still since keeps its plateau.
	 */
	pause_ctl_killed(&ctl, &cfg, 10);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  10 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000);
	js[1].stopped = true;
	js[1].runs = false;
	pause_ctl_update(&ctl, &cfg, js, 2, 2000 + PAUSE_CTL_FLAT_MS);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), 0);
	pause_ctl_killed(&ctl, &cfg, 99);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), 0);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]),
			  1 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000);

	pause_ctl_init(&ctl);
	js[1] = js[0];
	js[1].root = 11;
	js[0].rss_kb = js[1].rss_kb = 0;
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	js[0].rss_kb = js[1].rss_kb = 1 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 2000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  1 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000);
}
END_TEST

/*
 * The same fall with a process beside the jobs told with each read
 * (pause_ctl_other()), grown by 16 of the 20 MiB: the jobs' share is
 * the 4 MiB/s left, 2 MiB/s each.  Another process told, or the same
 * pid started anew, grew nothing anyone saw: the whole fall is theirs.
 */
START_TEST(test_projection_share_beside)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = 300 * MIB };
	struct pause_ctl_job js[2] = { { .root = 10, .runs = true },
				       { .root = 11, .runs = true } };
	const uint64_t twelve_s = cfg.pause_horizon_ms * 3 / 2 / 1000;
	uint64_t t;

	for (unsigned int round = 0; round < 3; round++) {
		pause_ctl_init(&ctl);
		s.mem_avail_kb = 300 * MIB;
		js[0].rss_kb = js[1].rss_kb = 0;
		for (t = 0; t <= 2000; t += 100) {
			pause_ctl_watch(&ctl, &cfg, &s, t);
			if (t == 1000) {
				pause_ctl_other(&ctl, 99, 5, 100 * MIB);
				pause_ctl_update(&ctl, &cfg, js, 2, t);
			}
			s.mem_avail_kb -= 2 * MIB;
		}
		js[0].rss_kb = js[1].rss_kb = 1 * MIB;
		pause_ctl_other(&ctl, round == 1 ? 98 : 99, round == 2 ? 6 : 5,
				116 * MIB);
		pause_ctl_update(&ctl, &cfg, js, 2, 2000);
		ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
				  (round ? 10 : 2) * MIB * twelve_s);
	}
}
END_TEST

static struct pause_ctl_job job(pid_t pid, uint64_t start, uint64_t rss_kb)
{
	struct pause_ctl_job j = { .root = pid,
				   .start_ticks = start,
				   .rss_kb = rss_kb,
				   .runs = true,
				   .stoppable = true };

	snprintf(j.comm, sizeof(j.comm), "cc1");
	return j;
}

/*
 * 14 jobs on two CPUs, each 2 MiB grown in its first second with 143 ms
 * of CPU: the CPUs crowded, each gets a seventh of one, and
 * is projected at its growth per second of CPU (14 MiB/s), not at the
 * 2 MiB/s its share allowed.  Once three run, uncrowded, each taking
 * 350 per mille and growing 5 MiB/s, they are projected again from
 * where they were, at that rate: 62 MiB.  A read 200 ms after the
 * crowded one, too soon to tell what the others took, keeps the crowd
 * for a job first seen then.  More than one job a CPU is needed for a
 * crowd: two on two CPUs grow at their own speed.
 */
START_TEST(test_projection_crowded)
{
	struct pause_ctl_job js[NJOBS + 1];
	uint64_t h = cfg.pause_horizon_ms * 3 / 2; /* the projection's, ms */

	ctl.cpus_pm = 2000;
	for (unsigned int i = 0; i < NJOBS; i++) {
		js[i] = (struct pause_ctl_job){ .root = 100 + (pid_t)i,
						.start_ticks = 1,
						.rss_kb = 2 * MIB,
						.age_ms = 1000,
						.cpu_ms = 143,
						.runs = true,
						.stoppable = true };
		snprintf(js[i].comm, sizeof(js[i].comm), "cc1");
	}
	pause_ctl_update(&ctl, &cfg, js, NJOBS, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  2 * MIB * 1000 / 143 * h / 1000);
	js[NJOBS] = js[0];
	js[NJOBS].root = 100 + NJOBS;
	pause_ctl_update(&ctl, &cfg, js, NJOBS + 1, 1200);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[NJOBS]),
			  2 * MIB * 1000 / 143 * h / 1000);

	for (unsigned int i = 3; i <= NJOBS; i++) {
		js[i].stopped = true;
		js[i].runs = js[i].stoppable = false;
	}
	for (unsigned int i = 0; i < 3; i++) {
		js[i].rss_kb += 2560;
		js[i].cpu_ms += 175;
	}
	pause_ctl_update(&ctl, &cfg, js, NJOBS + 1, 1500);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  2 * MIB + 5 * MIB * h / 1000 - js[0].rss_kb);

	/* Two on two CPUs, both busy: no crowd, their own rate. */
	pause_ctl_init(&ctl);
	ctl.cpus_pm = 2000;
	js[0].rss_kb = js[1].rss_kb = 2 * MIB;
	js[0].cpu_ms = js[1].cpu_ms = 1000;
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  2 * MIB * h / 1000);

	/*
	 * Two taking 700 per mille each: on two CPUs, their own rate; with
	 * a quota of one and a half (cpu.max, job_cpus.h) they are crowded,
	 * projected at their growth per second of CPU.
	 */
	js[0].cpu_ms = js[1].cpu_ms = 700;
	pause_ctl_init(&ctl);
	ctl.cpus_pm = 2000;
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  2 * MIB * h / 1000);
	pause_ctl_init(&ctl);
	ctl.cpus_pm = 1500;
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]),
			  2 * MIB * 1000 / 700 * h / 1000);
}
END_TEST

/*
 * A job at the peak its tool's jobs finished at needs nothing, whatever
 * it was projected to while it grew; past it, its projection counts.
 */
START_TEST(test_need_at_tool_peak)
{
	struct pause_ctl_job js[2] = { job(9, 0, 60 * MIB),
				       job(10, 1, 15 * MIB) };

	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	js[1].rss_kb = 20 * MIB; /* 5 MiB/s: projected to 80 MiB */
	pause_ctl_update(&ctl, &cfg, &js[1], 1, 1000); /* 9 ended at 60 */
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 40 * MIB);
	js[1].rss_kb = 60 * MIB;
	pause_ctl_update(&ctl, &cfg, &js[1], 1, 9000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 0);
	js[1].rss_kb = 64 * MIB;
	pause_ctl_update(&ctl, &cfg, &js[1], 1, 10000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 16 * MIB);
}
END_TEST

/*
 * cc1's first job held its 60 MiB peak for 8.5 s before it ended; the
 * next one reached it at 8 s.  The stopped third, growing 5 MiB/s, may
 * go on before that one ends (at 16.5 s), once its growth until then
 * (one and a half times) fits in the room, not the whole 53 MiB it
 * needs: the end frees 60 MiB in time.  Not sooner, nor while pages
 * come back in at the thrashing rate; a sample that did not read the
 * rate (away from thrashing: pressure_wants_pagein()) refuses nothing.
 */
/*
 * cc1's first job ended at 8.5 s after holding its 60 MiB peak; the
 * second is at it since 8 s; the third, stopped at 7 MiB, grew 5 MiB/s.
 * @js[1] and @js[2] are what runs and what waits, as read at 9 s.
 */
static void one_ended_one_at_peak(struct pause_ctl_job js[3])
{
	js[0] = job(9, 0, 60 * MIB);
	js[1] = job(10, 1, 20 * MIB);
	js[2] = job(11, 2, 2 * MIB);
	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	js[1].rss_kb = 25 * MIB;
	js[2].rss_kb = 7 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 3, 1000);
	js[2].stopped = true;
	js[2].runs = js[2].stoppable = false;
	js[1].rss_kb = 60 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 3, 8000);
	pause_ctl_update(&ctl, &cfg, &js[1], 2, 9000); /* 9 ended at 8.5 s */
}

START_TEST(test_cont_before_end)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[3];
	uint64_t reserve = TOTAL_KB * 20 / 100;
	struct pause_ctl_order o;

	one_ended_one_at_peak(js);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[2]), 53 * MIB);
	s.mem_avail_kb = reserve + 40 * MIB;
	/* 7.5 s before the end: 56 MiB of growth does not fit. */
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 2, 9000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* 3.5 s before, 26 MiB would, but the page cache is refaulting. */
	s.pagein_valid = true;
	s.pagein_per_s = cfg.thrash_pagein_per_s;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* Without: it does, with the margin. */
	s.pagein_per_s = cfg.thrash_pagein_per_s - 1;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 1);
	ck_assert_str_eq(o.why, "running jobs are expected to end in time");
	/* The rate not read this sample: no refaults known, it does. */
	s.pagein_valid = false;
	s.pagein_per_s = cfg.thrash_pagein_per_s;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_str_eq(o.why, "running jobs are expected to end in time");
}
END_TEST

/*
 * test_cont_before_end's bet, with 20 MiB of its room in swap on a disk
 * (a quarter of 80 MiB free) instead of RAM: a continue on ends is not
 * made on swap.  One that needs no bet, its need and the margin within
 * the room, still counts it (test_room_from_swap).
 */
START_TEST(test_bet_without_swap)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .swap_total_kb = 128 * MIB,
				     .swap_free_kb = 80 * MIB };
	struct pause_ctl_job js[3];
	uint64_t reserve = TOTAL_KB * 20 / 100;
	struct pause_ctl_order o;

	one_ended_one_at_peak(js);
	s.mem_avail_kb = reserve + 20 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* The same room in RAM: the bet is made. */
	s.mem_avail_kb = reserve + 40 * MIB;
	s.swap_free_kb = 0;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_str_eq(o.why, "running jobs are expected to end in time");
}
END_TEST

/*
 * Before two ends.  cc1's first job held its 60 MiB 8.5 s to its end;
 * of two more at that peak, one reached it 6 s ago, the other 3 s ago:
 * they end in 2.5 and 5.5 s.  Beside them a third just started, and a
 * stopped fourth needs 58 MiB, both growing 5 MiB/s.  Until the first
 * end they grow by 37.5 MiB (one and a half times their rate), until
 * the second by 82.5 MiB less the 60 the first frees, and after it by
 * less than the two free: the fourth goes on with 37.5 MiB and the
 * margin of room, not the 58 it needs plus the third's 60 less the
 * first end's 60 (what crediting one end asked: 67 MiB).
 */
START_TEST(test_cont_before_ends)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[5] = { job(9, 0, 60 * MIB),
				       job(10, 1, 40 * MIB),
				       job(11, 2, 25 * MIB),
				       job(13, 3, 2 * MIB), job(12, 4, 300) };
	uint64_t reserve = TOTAL_KB * 20 / 100;
	struct pause_ctl_order o;

	js[3].stopped = true;
	js[3].runs = js[3].stoppable = false;
	for (uint64_t t = 0; t <= 8000; t += 1000) {
		js[1].rss_kb = (40 + 5 * (t < 4000 ? t : 4000) / 1000) * MIB;
		js[2].rss_kb = (25 + 5 * (t < 7000 ? t : 7000) / 1000) * MIB;
		pause_ctl_update(&ctl, &cfg, js, 4, t);
	}
	pause_ctl_update(&ctl, &cfg, &js[1], 3, 9000); /* 9 ended at 8.5 s */
	pause_ctl_update(&ctl, &cfg, &js[1], 4, 10000); /* 12 starts */
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[3]), 58 * MIB);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[4]),
			  60 * MIB - 300);
	s.mem_avail_kb = reserve + 45 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 4, 10000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	s.mem_avail_kb = reserve + 50 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 4, 10000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 2);
	ck_assert_str_eq(o.why, "running jobs are expected to end in time");
	/*
	 * The first end 2.1 s past its time (a quarter of 8.5 s less): it
	 * works on longer than its tool's jobs did, and counts no more.
	 */
	o = pause_ctl_next(&ctl, &cfg, &s, &js[1], 4, 14700);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
}
END_TEST

/* Stop order @o carried out on @js at @now. */
static void stop_done(struct pause_ctl_job *js, const struct pause_ctl_order *o,
		      const struct pressure_sample *s, uint64_t now)
{
	ck_assert_int_eq(o->kind, PAUSE_CTL_STOP);
	js[o->job].stopped = true;
	js[o->job].runs = js[o->job].stoppable = false;
	pause_ctl_done(&ctl, o, js, s, now);
}

/*
 * Stopped before a rate was measured while it ran, a job needs what a
 * sibling was projected to reach, else no more than it holds: its RSS
 * over its age at first sight said nothing of a process that took what
 * it holds at once (the VM case agent_pauses: three 8 MiB holders
 * stopped at first sight, projected to 300 MiB, never "memory is back").
 */
START_TEST(test_stopped_first_sight)
{
	struct pause_ctl_job js[3] = { job(10, 1, 8 * MIB), job(11, 2, 8 * MIB),
				       job(12, 3, 8 * MIB) };
	uint64_t h = cfg.pause_horizon_ms * 3 / 2 / 1000;

	snprintf(js[1].comm, sizeof(js[1].comm), "job1"); /* js[2]: cc1 */
	js[0].age_ms = js[1].age_ms = js[2].age_ms = 250; /* 32 MiB/s */
	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	js[1].stopped = js[2].stopped = true; /* at once, as in the VM */
	js[1].runs = js[1].stoppable = js[2].runs = js[2].stoppable = false;
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), 32 * MIB * h);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 8 * MIB);
	/* A sibling of cc1's: what cc1 is projected to reach. */
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[2]), 32 * MIB * h);
}
END_TEST

/*
 * A job too young for a rate of its own needs what its rated sibling of
 * the same tool was projected to reach; another tool's, nothing yet.
 */
START_TEST(test_need_from_sibling)
{
	struct pause_ctl_job js[3] = { job(10, 1, 5 * MIB), job(11, 2, MIB),
				       job(12, 3, MIB) };
	uint64_t proj = 5 * MIB * cfg.pause_horizon_ms * 3 / 2 / 1000;

	js[0].age_ms = 1000; /* 5 MiB/s since it started */
	js[1].age_ms = js[2].age_ms = 100;
	snprintf(js[2].comm, sizeof(js[2].comm), "ld");
	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), proj);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]),
			  proj + 4 * MIB);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[2]), 0);
}
END_TEST

/*
 * A job rated at first sight (its RSS over its age) is read again soon,
 * and projected again from the mean of that rate and the first one
 * measured while it ran: further if it grew faster (the CPUs shared by
 * a whole build at first), less far if it took what it holds at once
 * and holds.
 */
START_TEST(test_first_measure)
{
	struct pause_ctl_job js[2] = { job(10, 1, 2 * MIB),
				       job(11, 2, 8 * MIB) };
	uint64_t h = cfg.pause_horizon_ms * 3 / 2 / 1000;

	js[0].age_ms = 1000; /* 2 MiB/s */
	js[1].age_ms = 500; /* 16 MiB/s */
	snprintf(js[1].comm, sizeof(js[1].comm), "holder");
	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), 2 * MIB * h);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 16 * MIB * h);
	ck_assert(pause_ctl_read_soon(&ctl));
	js[0].rss_kb = 6 * MIB; /* 8 MiB/s: a mean of 5 */
	pause_ctl_update(&ctl, &cfg, js, 2, PAUSE_CTL_RATE_MS);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), 5 * MIB * h);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 8 * MIB * h);
	ck_assert(!pause_ctl_read_soon(&ctl));
}
END_TEST

/*
 * The youngest is stopped, never the last one running; once none of
 * the others runs, the oldest stopped goes on whatever memory says.
 */
START_TEST(test_youngest_never_last)
{
	struct pressure_sample low = { .mem_total_kb = TOTAL_KB,
				       .mem_avail_kb = 50 * MIB };
	struct pause_ctl_job js[3] = { job(10, 1, MIB), job(11, 3, MIB),
				       job(12, 2, MIB) };
	struct pause_ctl_order o;

	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	o = pause_ctl_next(&ctl, &cfg, &low, js, 3, 0);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 1);
	stop_done(js, &o, &low, 0);
	/* The next stop waits pause_gap_ms, then takes the next youngest. */
	o = pause_ctl_next(&ctl, &cfg, &low, js, 3, 10);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	o = pause_ctl_next(&ctl, &cfg, &low, js, 3, cfg.pause_gap_ms);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 2);
	stop_done(js, &o, &low, cfg.pause_gap_ms);
	/* One left running: never stopped. */
	o = pause_ctl_next(&ctl, &cfg, &low, js, 3, 10000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* It ends: the oldest stopped (started at 2) goes on at once. */
	js[0].runs = false;
	o = pause_ctl_next(&ctl, &cfg, &low, js, 3, 10001);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 2);
}
END_TEST

/* Below the reserve, stops only while MemAvailable does not rise. */
START_TEST(test_low_stops_while_falling)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = 50 * MIB };
	struct pause_ctl_job js[3] = { job(10, 1, MIB), job(11, 2, MIB),
				       job(12, 3, MIB) };
	struct pause_ctl_order o;

	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 0);
	stop_done(js, &o, &s, 0);
	s.mem_avail_kb = 60 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	s.mem_avail_kb = 40 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
}
END_TEST

/*
 * Into @js: job 10 at its tool's peak (60 MiB, where a finished cc1
 * peaked) and job 11 stopped at 20 MiB, needing 40 more.
 */
static void one_at_peak_one_stopped(struct pause_ctl_job js[2])
{
	struct pause_ctl_job done = job(9, 0, 60 * MIB);

	js[0] = job(10, 1, 60 * MIB);
	js[1] = job(11, 2, 20 * MIB);
	pause_ctl_update(&ctl, &cfg, &done, 1, 0);
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	js[1].stopped = true;
	js[1].runs = js[1].stoppable = false;
}

/*
 * A continue comes when the headroom covers the oldest's need and a
 * margin, resume_gap_ms after the last order.
 */
START_TEST(test_cont_when_room)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[2];
	struct pause_ctl_order o;
	uint64_t reserve = TOTAL_KB * 20 / 100, margin = TOTAL_KB * 2 / 100;

	one_at_peak_one_stopped(js);
	/* 11 needs 40 MiB: not with 40 MiB of room. */
	s.mem_avail_kb = reserve + 40 * MIB + margin - 1;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	s.mem_avail_kb++;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 1);
	pause_ctl_done(&ctl, &o, js, &s, 5000);
	/* Not again before resume_gap_ms. */
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000 + cfg.resume_gap_ms - 1);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
}
END_TEST

/*
 * A quarter of the free swap on a disk is room: the stopped jobs' pages go
 * out to it.  zram's is not (RAM, and worth nothing before it shows its
 * compression).
 */
START_TEST(test_room_from_swap)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[2];
	struct pause_ctl_order o;
	uint64_t reserve = TOTAL_KB * 20 / 100, margin = TOTAL_KB * 2 / 100;

	one_at_peak_one_stopped(js);
	/* 11 needs 40 MiB: 20 of RAM and 80 of free swap cover it. */
	s.mem_avail_kb = reserve + 20 * MIB + margin;
	s.swap_total_kb = 128 * MIB;
	s.swap_free_kb = 80 * MIB - 1;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	s.swap_free_kb = 80 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 1);
	/* All of it zram, with nothing in it yet: no room. */
	s.zram_swap_total_kb = s.swap_total_kb;
	s.zram_swap_free_kb = s.swap_free_kb;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
}
END_TEST

/*
 * A stopped job keeps the rate it was stopped with, which may be stale
 * for good where no job of its tool ends (it grew fast at its start,
 * then held): with memory above watch_at and not falling it goes on
 * anyway, but not within a horizon of a stop; while memory falls, only
 * its room counts.
 */
START_TEST(test_cont_when_calm)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = TOTAL_KB * 80 / 100 };
	struct pause_ctl_job js[2] = { job(10, 1, 8 * MIB),
				       job(11, 2, 8 * MIB) };
	struct pause_ctl_order o, stop = { .kind = PAUSE_CTL_STOP };

	/* 8 MiB in 0.2 s, then 20 MiB in 0.5 s: 40 MiB/s, measured. */
	js[1].age_ms = 200;
	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	js[1].rss_kb = 28 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, PAUSE_CTL_RATE_MS);
	js[1].stopped = true;
	js[1].runs = js[1].stoppable = false;
	ck_assert_uint_gt(pause_ctl_need_kb(&ctl, &cfg, &js[1]),
			  TOTAL_KB * 60 / 100);
	/* Falling: the stale need decides, and does not fit. */
	pause_ctl_watch(&ctl, &cfg, &s, 1000);
	s.mem_avail_kb -= 50 * MIB;
	pause_ctl_watch(&ctl, &cfg, &s, 2000);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 2000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* Still for a while: it goes on. */
	for (uint64_t t = 3000; t <= 12000; t += 1000)
		pause_ctl_watch(&ctl, &cfg, &s, t);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 12000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 1);
	/*
	 * Still since a stop a moment ago: the stop stilled it, what runs
	 * may grow yet.  Calm only a horizon after the stop.
	 */
	stop.job = 0;
	pause_ctl_done(&ctl, &stop, js, &s, 12000);
	for (uint64_t t = 13000; t <= 12000 + cfg.pause_horizon_ms; t += 1000)
		pause_ctl_watch(&ctl, &cfg, &s, t);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 12000 + cfg.pause_horizon_ms);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_str_eq(o.why, "memory is calm");
	/*
	 * Unless what runs ran long enough to show its growth: then the
	 * stillness is its own, not the stop's.
	 */
	js[0].age_ms = PAUSE_CTL_MIN_RUN_MS;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_str_eq(o.why, "memory is calm");
	/* Not if it was continued a moment ago. */
	o.job = 0;
	pause_ctl_done(&ctl, &o, js, &s, 12500);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 13000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
}
END_TEST

/*
 * A job just continued is not stopped again for its growth by the next
 * samples: PAUSE_CTL_MIN_RUN_MS first.
 */
START_TEST(test_continued_runs)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = 300 * MIB };
	struct pause_ctl_job js[2] = { job(10, 1, 10 * MIB),
				       job(11, 2, 10 * MIB) };
	struct pause_ctl_order o;

	js[1].rss_kb = MIB;
	js[1].stopped = true;
	js[1].runs = js[1].stoppable = false;
	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	js[0].rss_kb = 15 * MIB; /* 5 MiB/s, 60 MiB more projected */
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 1);
	pause_ctl_done(&ctl, &o, js, &s, 1000);
	js[1].stopped = false;
	js[1].runs = js[1].stoppable = true;
	js[0].rss_kb = 20 * MIB;
	js[1].rss_kb = 6 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 2000); /* both grow 5 MiB/s */
	/* 115 MiB of growth in 60 MiB of room: the youngest, once it ran. */
	s.mem_avail_kb = TOTAL_KB * 20 / 100 + 60 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 2000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2,
			   1000 + PAUSE_CTL_MIN_RUN_MS - 1);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 1000 + PAUSE_CTL_MIN_RUN_MS);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 1);
}
END_TEST

/*
 * The last two running are projected to grow 120 MiB (5 MiB/s each over
 * one and a half horizons): beside 100 MiB of room, which holds their
 * growth over one horizon, both run on; beside 70 MiB, the younger is
 * stopped.  Three are stopped for their full projections.
 */
START_TEST(test_last_two_run)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[3] = { job(10, 1, 0), job(11, 2, 0),
				       job(12, 3, 0) };
	int64_t reserve = (int64_t)(TOTAL_KB * 20 / 100);
	struct pause_ctl_order o;

	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	js[0].rss_kb = js[1].rss_kb = 5 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[0]), 60 * MIB);
	s.mem_avail_kb = (uint64_t)reserve + 100 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	s.mem_avail_kb = (uint64_t)reserve + 70 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 1);

	/* A third, growing as fast: 180 MiB in 150 of room. */
	pause_ctl_init(&ctl);
	js[0].rss_kb = js[1].rss_kb = 0;
	pause_ctl_update(&ctl, &cfg, js, 3, 0);
	js[0].rss_kb = js[1].rss_kb = js[2].rss_kb = 5 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 3, 1000);
	s.mem_avail_kb = (uint64_t)reserve + 150 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 2);
}
END_TEST

/*
 * A job that holds more than a quarter of what it still needs is not
 * stopped for its projected growth: stopped, it would hold that memory
 * and free none.  It runs on, and below the reserve it is stopped like
 * any other.
 */
START_TEST(test_half_grown_runs)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[2] = { job(10, 1, 0), job(11, 2, 0) };
	int64_t reserve = (int64_t)TOTAL_KB * 15 / 100;
	struct pause_ctl_order o;

	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	/* Both 5 MiB/s: 60 MiB more projected, each. */
	js[0].rss_kb = js[1].rss_kb = 5 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 1000);
	js[0].rss_kb = js[1].rss_kb = 25 * MIB; /* 40 MiB to go, each */
	pause_ctl_update(&ctl, &cfg, js, 2, 5000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 40 * MIB);
	/* 80 MiB of need in 50 MiB of room: no stop. */
	s.mem_avail_kb = (uint64_t)reserve + 50 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* At the reserve: the youngest. */
	s.mem_avail_kb = (uint64_t)reserve - MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 5000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 1);
}
END_TEST

/*
 * Two jobs of a tool whose jobs peaked at 30 MiB both grow past it: how
 * large they get is not known, and while their projections exceed the
 * room only the older grows on.  The younger is stopped though it
 * holds more than a quarter of its need, and though it was continued a
 * moment ago (on that estimate).  With room for both, or with one of
 * them past the estimate, nothing is stopped.
 */
START_TEST(test_past_estimate_one_grows)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[2] = { job(10, 1, 20 * MIB),
				       job(11, 2, 20 * MIB) };
	struct pause_ctl_job done = job(9, 0, 30 * MIB);
	uint64_t reserve = TOTAL_KB * 20 / 100;
	struct pause_ctl_order o;

	pause_ctl_update(&ctl, &cfg, &done, 1, 0);
	pause_ctl_update(&ctl, &cfg, js, 2, 1000); /* cc1 peaks at 30 MiB */
	js[1].stopped = true;
	js[1].runs = js[1].stoppable = false;
	s.mem_avail_kb = reserve + 200 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	pause_ctl_done(&ctl, &o, js, &s, 1000);
	js[1].stopped = false;
	js[1].runs = js[1].stoppable = true;
	/* 5 MiB/s, both: 35 MiB, 60 MiB more projected each. */
	js[0].rss_kb = js[1].rss_kb = 35 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 4000);
	ck_assert_uint_ge(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 60 * MIB);
	s.mem_avail_kb = reserve + 300 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 4000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	s.mem_avail_kb = reserve + 70 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 4000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 1);
	/* The older one alone past it, the younger within: no stop. */
	js[1].rss_kb = 25 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 7000);
	s.mem_avail_kb = reserve + 30 * MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, 7000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
}
END_TEST

/*
 * A job stopped past its tool's estimate needs a whole projection, not
 * what was left of the one made before its stop: continued, it grows on
 * and is projected again from where it is (the bench's sizes: a large
 * job stopped and continued twice in its last 10 s).
 */
START_TEST(test_past_estimate_stopped_need)
{
	struct pause_ctl_job js[3] = { job(10, 1, 20 * MIB),
				       job(11, 2, 20 * MIB) };
	struct pause_ctl_job done = job(9, 0, 30 * MIB);

	pause_ctl_update(&ctl, &cfg, &done, 1, 0);
	pause_ctl_update(&ctl, &cfg, js, 2, 1000); /* cc1 peaks at 30 MiB */
	/* 5 MiB/s: projected from 35 MiB to 95. */
	js[0].rss_kb = js[1].rss_kb = 35 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 2, 4000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 60 * MIB);
	/* Stopped at 85 MiB: 10 MiB left of it, 60 once continued. */
	js[1].rss_kb = 85 * MIB;
	js[1].stopped = true;
	js[1].runs = js[1].stoppable = false;
	pause_ctl_update(&ctl, &cfg, js, 2, 5000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[1]), 60 * MIB);
	/*
	 * Seen running at first sight, 40 MiB in 400 ms, and stopped before
	 * a rate was measured: not 100 MiB/s over a horizon and a half, but
	 * its running sibling's projection.
	 */
	js[2] = job(12, 3, 40 * MIB);
	js[2].age_ms = 400;
	pause_ctl_update(&ctl, &cfg, js, 3, 5500);
	js[2].stopped = true;
	js[2].runs = js[2].stoppable = false;
	pause_ctl_update(&ctl, &cfg, js, 3, 5600);
	ck_assert_uint_le(pause_ctl_need_kb(&ctl, &cfg, &js[2]), 60 * MIB);
}
END_TEST

/*
 * Before a job of its tool finished, a stopped job is not continued
 * while memory still falls: what runs is growing into projections made
 * while a whole build shared the CPUs.  Once memory holds, it is.
 */
START_TEST(test_first_wave_waits)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = TOTAL_KB * 45 / 100 };
	struct pause_ctl_job js[2] = { job(10, 1, 10 * MIB), job(11, 2, MIB) };
	struct pause_ctl_order o;
	uint64_t t = 0;

	js[0].age_ms = 10000; /* 1 MiB/s: 12 MiB to go */
	pause_ctl_update(&ctl, &cfg, js, 2, 0);
	js[1].stopped = true;
	js[1].runs = js[1].stoppable = false;
	/* 20 MiB/s for 2 s, with room for both many times over. */
	for (; t <= 2000; t += 200) {
		pause_ctl_watch(&ctl, &cfg, &s, t);
		s.mem_avail_kb -= 4 * MIB;
	}
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, t);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
	/* Held for 3 s: on. */
	for (uint64_t end = t + 3000; t <= end; t += 200)
		pause_ctl_watch(&ctl, &cfg, &s, t);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 2, t);
	ck_assert_int_eq(o.kind, PAUSE_CTL_CONT);
	ck_assert_uint_eq(o.job, 1);
}
END_TEST

/*
 * Calm memory continues a stopped job only where its need may be stale:
 * with a finished job of its tool, that peak decides (the bench's third
 * round: calm for a moment between rounds, five continued where four
 * fit, four stopped a few MiB short of their peak).
 */
START_TEST(test_calm_known_peak)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = TOTAL_KB * 60 / 100 };
	struct pause_ctl_job js[3] = { job(10, 1, 30 * MIB),
				       job(11, 2, 30 * MIB), job(12, 3, MIB) };
	struct pause_ctl_job done = job(9, 0, 120 * MIB);
	struct pause_ctl_order o;

	pause_ctl_update(&ctl, &cfg, &done, 1, 0);
	js[2].stopped = true;
	js[2].runs = js[2].stoppable = false;
	pause_ctl_update(&ctl, &cfg, js, 3, 1000); /* cc1 peaks at 120 MiB */
	/* 180 MiB of room: 180 for the two running, 119 for the third. */
	for (uint64_t t = 1000; t <= 12000; t += 1000)
		pause_ctl_watch(&ctl, &cfg, &s, t);
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 12000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_NOTHING);
}
END_TEST

/*
 * Below the reserve, the youngest job still growing goes before a
 * younger one not known to grow, which stopped would hold its memory
 * and free none of it.
 */
START_TEST(test_low_stops_growing)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB };
	struct pause_ctl_job js[3] = { job(10, 1, 0), job(11, 2, 0),
				       job(12, 3, 0) };
	uint64_t reserve = TOTAL_KB * 20 / 100;
	struct pause_ctl_order o;

	/* cc1 at 3 MiB/s, 36 MiB to go: not cheap to stop. */
	js[0].rss_kb = js[1].rss_kb = 30 * MIB;
	js[0].age_ms = js[1].age_ms = 10000;
	/* ld, just started: nothing known to grow. */
	snprintf(js[2].comm, sizeof(js[2].comm), "ld");
	js[2].rss_kb = 60 * MIB;
	pause_ctl_update(&ctl, &cfg, js, 3, 1000);
	ck_assert_uint_eq(pause_ctl_need_kb(&ctl, &cfg, &js[2]), 0);
	s.mem_avail_kb = reserve - MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 1000);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 1);
	stop_done(js, &o, &s, 1000);
	/* Only ld and the oldest cc1 run: that one, still growing. */
	s.mem_avail_kb -= MIB;
	o = pause_ctl_next(&ctl, &cfg, &s, js, 3, 1000 + cfg.pause_gap_ms);
	ck_assert_int_eq(o.kind, PAUSE_CTL_STOP);
	ck_assert_uint_eq(o.job, 0);
}
END_TEST

/*
 * The jobs are followed from the moment memory falls toward the
 * reserve fast, well above watch_at, and not while it only sits there.
 */
START_TEST(test_watch)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = 365 * MIB };
	uint64_t t = 0;

	/* Still: nothing to follow. */
	for (; t <= 3000; t += 200)
		ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t),
				 PAUSE_CTL_CALM);
	/* A slow leak, 1 MiB/s: 270 s from the reserve. */
	for (; t <= 8000; t += 200) {
		s.mem_avail_kb -= MIB / 5;
		ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t),
				 PAUSE_CTL_CALM);
	}
	/* A build starts: 70 MiB/s, the reserve 4 s away; seen at once. */
	s.mem_avail_kb -= 14 * MIB;
	ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t += 200),
			 PAUSE_CTL_FALLING);
	/* It stops falling: followed for pause_horizon_ms more. */
	ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t += 200),
			 PAUSE_CTL_FALLING);
	for (uint64_t end = t + cfg.pause_horizon_ms; t < end; t += 200)
		pause_ctl_watch(&ctl, &cfg, &s, t);
	ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t), PAUSE_CTL_CALM);
	/* Sitting at watch_at (50 %): low, not falling. */
	pause_ctl_init(&ctl);
	s.mem_avail_kb = TOTAL_KB / 2;
	ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t += 200),
			 PAUSE_CTL_LOW);
	ck_assert_int_eq(pause_ctl_watch(&ctl, &cfg, &s, t += 200),
			 PAUSE_CTL_LOW);
}
END_TEST

/*
 * While following: once a second where memory holds still, faster as
 * the reserve comes near at the rate memory falls, pause_sample_ms
 * after an order and at the reserve, and when resume_gap_ms ends after
 * an order.
 */
START_TEST(test_wait)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = TOTAL_KB * 60 / 100 };
	struct pause_ctl_job js[1] = { job(10, 1, MIB) };
	struct pause_ctl_order cont = { .kind = PAUSE_CTL_CONT, .job = 0 };
	uint64_t reserve = TOTAL_KB * 20 / 100, t = 0;

	pause_ctl_watch(&ctl, &cfg, &s, t);
	for (t = 1000; t <= 3000; t += 1000)
		pause_ctl_watch(&ctl, &cfg, &s, t);
	ck_assert_uint_eq(pause_ctl_wait_ms(&ctl, &cfg, &s, false, false, t),
			  PAUSE_CTL_SLOW_MS);
	ck_assert_uint_eq(pause_ctl_wait_ms(&ctl, &cfg, &s, true, false, t),
			  cfg.pause_sample_ms);
	/* Searching: no job found yet, or a build's first ones lately. */
	ck_assert_uint_eq(pause_ctl_wait_ms(&ctl, &cfg, &s, false, true, t),
			  cfg.pause_sample_ms);
	/* 20 MiB/s for a while, 60 MiB above the reserve: 3 s away. */
	s.mem_avail_kb = reserve + 80 * MIB;
	pause_ctl_watch(&ctl, &cfg, &s, t);
	for (int k = 0; k < 8; k++) {
		s.mem_avail_kb -= 2 * MIB;
		pause_ctl_watch(&ctl, &cfg, &s, t += 100);
	}
	ck_assert_uint_lt(pause_ctl_wait_ms(&ctl, &cfg, &s, false, false, t),
			  PAUSE_CTL_SLOW_MS);
	ck_assert_uint_ge(pause_ctl_wait_ms(&ctl, &cfg, &s, false, false, t),
			  cfg.pause_sample_ms);
	s.mem_avail_kb = reserve;
	ck_assert_uint_eq(pause_ctl_wait_ms(&ctl, &cfg, &s, false, false, t),
			  cfg.pause_sample_ms);
	/*
	 * A job continued 200 ms ago, far above the reserve: the next
	 * continue waits for resume_gap_ms alone, the sample comes when it
	 * ends; after it, as before.
	 */
	s.mem_avail_kb = TOTAL_KB * 60 / 100;
	pause_ctl_done(&ctl, &cont, js, &s, t);
	ck_assert_uint_eq(pause_ctl_wait_ms(&ctl, &cfg, &s, false, false,
					    t + 200),
			  cfg.resume_gap_ms - 200);
	ck_assert_uint_ge(pause_ctl_wait_ms(&ctl, &cfg, &s, false, false,
					    t + cfg.resume_gap_ms),
			  cfg.pause_sample_ms);
}
END_TEST

/*
 * When a pass is due for the jobs: as following starts, every
 * PAUSE_PASS_MS (PAUSE_READ_MS with no job), when memory rose; never
 * again right after the tick's own pass, whose clock ran after the
 * tick's (the pause tick ranked twice in a row under pressure).
 */
START_TEST(test_pass_due)
{
	struct pressure_sample s = { .mem_total_kb = TOTAL_KB,
				     .mem_avail_kb = 100 * MIB };
	uint64_t t = 100000;

	ck_assert(pause_ctl_pass_due(false, true, true, t, s.mem_avail_kb, &s,
				     t));
	ck_assert(!pause_ctl_pass_due(true, true, true, t - 1, s.mem_avail_kb,
				      &s, t));
	ck_assert(!pause_ctl_pass_due(true, true, true, t + 3, s.mem_avail_kb,
				      &s, t));
	ck_assert(!pause_ctl_pass_due(true, true, true, t - PAUSE_PASS_MS + 1,
				      s.mem_avail_kb, &s, t));
	ck_assert(pause_ctl_pass_due(true, true, true, t - PAUSE_PASS_MS,
				     s.mem_avail_kb, &s, t));
	ck_assert(pause_ctl_pass_due(true, false, true, t - PAUSE_READ_MS,
				     s.mem_avail_kb, &s, t));
	/* A job ended: MemAvailable up by 2 % of MemTotal. */
	ck_assert(!pause_ctl_pass_due(true, true, true, t + 3,
				      s.mem_avail_kb - TOTAL_KB * 2 / 100 + 1,
				      &s, t));
	ck_assert(pause_ctl_pass_due(true, true, true, t + 3,
				     s.mem_avail_kb - TOTAL_KB * 2 / 100, &s,
				     t));
	/*
	 * None found yet (following began on something else): a build
	 * starting shows as MemAvailable down 1 % of MemTotal, with a
	 * process created since the last pass.
	 */
	ck_assert(!pause_ctl_pass_due(true, false, true, t + 3,
				      s.mem_avail_kb + TOTAL_KB / 100 - 1, &s,
				      t));
	ck_assert(pause_ctl_pass_due(true, false, true, t + 3,
				     s.mem_avail_kb + TOTAL_KB / 100, &s, t));
	/* No process created since: no new job to find. */
	ck_assert(!pause_ctl_pass_due(true, false, false, t + 3,
				      s.mem_avail_kb + TOTAL_KB / 100, &s, t));
	ck_assert(pause_ctl_pass_due(false, false, false, t + 3,
				     s.mem_avail_kb + TOTAL_KB / 100, &s, t));
	ck_assert(pause_ctl_pass_due(true, false, false, t - PAUSE_READ_MS,
				     s.mem_avail_kb, &s, t));
	/*
	 * Jobs found: the build's next ones are found as they start too,
	 * not PAUSE_PASS_MS later (jobs of 60 MiB in half a second, one
	 * every half second: four stopped holding 43-145 MiB).
	 */
	ck_assert(pause_ctl_pass_due(true, true, true, t + 3,
				     s.mem_avail_kb + TOTAL_KB / 100, &s, t));
	ck_assert(!pause_ctl_pass_due(true, true, false, t + 3,
				      s.mem_avail_kb + TOTAL_KB / 100, &s, t));
	ck_assert(!pause_ctl_pass_due(true, true, true, t + 3,
				      s.mem_avail_kb + TOTAL_KB / 100 - 1, &s,
				      t));
}
END_TEST

Suite *agent_pause_ctl_suite(void)
{
	Suite *s = suite_create("agent_pause_ctl");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_meltdown);
	tcase_add_test(tc, test_meltdown_mapped);
	tcase_add_test(tc, test_meltdown_crowded);
	tcase_add_test(tc, test_meltdown_cpu_bound);
	tcase_add_test(tc, test_meltdown_hog);
	tcase_add_test(tc, test_meltdown_big);
	tcase_add_test(tc, test_build_mixed_sizes);
	tcase_add_test(tc, test_build_large_late);
	tcase_add_test(tc, test_need_from_finished);
	tcase_add_test(tc, test_need_at_tool_peak);
	tcase_add_test(tc, test_projection_crowded);
	tcase_add_test(tc, test_cont_before_end);
	tcase_add_test(tc, test_cont_before_ends);
	tcase_add_test(tc, test_need_from_rate);
	tcase_add_test(tc, test_mapped_while_stopped);
	tcase_add_test(tc, test_spent);
	tcase_add_test(tc, test_projection_once);
	tcase_add_test(tc, test_projection_share);
	tcase_add_test(tc, test_projection_share_beside);
	tcase_add_test(tc, test_need_from_sibling);
	tcase_add_test(tc, test_first_measure);
	tcase_add_test(tc, test_stopped_first_sight);
	tcase_add_test(tc, test_half_grown_runs);
	tcase_add_test(tc, test_past_estimate_one_grows);
	tcase_add_test(tc, test_past_estimate_stopped_need);
	tcase_add_test(tc, test_last_two_run);
	tcase_add_test(tc, test_youngest_never_last);
	tcase_add_test(tc, test_low_stops_while_falling);
	tcase_add_test(tc, test_cont_when_room);
	tcase_add_test(tc, test_room_from_swap);
	tcase_add_test(tc, test_bet_without_swap);
	tcase_add_test(tc, test_cont_when_calm);
	tcase_add_test(tc, test_watch);
	tcase_add_test(tc, test_continued_runs);
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_pass_due);
	tcase_add_test(tc, test_calm_known_peak);
	tcase_add_test(tc, test_first_wave_waits);
	tcase_add_test(tc, test_low_stops_growing);
	suite_add_tcase(s, tc);
	return s;
}
