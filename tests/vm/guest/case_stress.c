// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: load/unload under fire, an unload storm, and writers on both
 * doors during OOMs.
 *
 * Load/unload under fire: 20 cycles of insmod, an OOM steered to a
 * queued holder while other processes hammer /proc/oom, and rmmod with
 * the hammers still running.  Afterwards the pid and task_struct slab
 * caches must be back to their baseline (the boot uses slab_nomerge, so
 * nothing else shares them): a leaked struct pid or task reference per
 * queue write or per OOM would show there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/oomq.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oomcheck.h"

#define CYCLES 20
#define VICTIMS 3
#define SLEEPERS 4
/*
 * Objects beyond those that live tasks account for, compared with the
 * baseline: kernel threads come and go with load, so raw slab counts
 * would drift without any leak.  Slack for objects still in flight
 * (RCU-deferred frees); a leak per OOM or per queue entry is 20+.
 */
#define PID_SLACK 4
#define TASK_SLACK 4
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
 * One global OOM among writers that allocate in the kernel too, so the
 * kernel may OOM again before the first victim's pages are back: the
 * kills the kernel log lists after it, in order, into @order; how many,
 * or 0 with @o failed.  The log, not the victims' state, says who was
 * killed: a follow-up victim may still be exiting when we look.  The
 * first one killed is reaped; the log and oom_kill in /proc/vmstat must
 * agree.
 */
static size_t stress_oom(struct outcome *o, const char *what, int n,
			 pid_t *order, size_t max)
{
	long long before = vmstat_oom_kill(), kills, end;
	char mark[OOM_MARK_SIZE];
	struct trigger_result r;
	size_t killed = 0;

	oom_mark(mark, sizeof(mark));
	r = run_trigger(NULL, NULL, mem_total_mib());
	if (!r.ok || !r.oom) {
		failf(o, "%s %d: the trigger caused no OOM", what, n);
		return 0;
	}
	/* oom_kill counts a kill just before the log names its victim. */
	for (end = now_ms() + scaled_ms(5000); !killed && now_ms() < end;
	     sleep_ms(20))
		killed = kernel_kills(mark, order, max);
	if (!killed || !wait_killed(order[0], scaled_ms(5000))) {
		failf(o, "%s %d: no kill in the log, or %d not gone", what, n,
		      killed ? order[0] : 0);
		return 0;
	}
	/* The trigger is gone; a kill in flight still reaches the log. */
	sleep_ms(200);
	kills = vmstat_oom_kill() - before;
	killed = kernel_kills(mark, order, max);
	if (kills != (long long)killed) {
		failf(o, "%s %d: %lld OOM kills, %zu in the log", what, n,
		      kills, killed);
		return 0;
	}
	return killed;
}

/*
 * Queue three victims and require the kills to take them in queue
 * order, and big to live.
 */
static bool steered_oom(struct outcome *o, int n, const pid_t *victims,
			pid_t big, unsigned int *follow_ups)
{
	pid_t order[VICTIMS + 1];
	size_t killed = stress_oom(o, "cycle", n, order, ARRAY_SIZE(order));

	if (!killed)
		return false;
	if (killed > VICTIMS)
		return failf(o, "cycle %d: %zu OOM kills", n, killed);
	for (size_t i = 0; i < killed; i++)
		if (order[i] != victims[i])
			return failf(o, "cycle %d: kill %zu took %d, not %d", n,
				     i + 1, order[i], victims[i]);
	if (!is_alive(big))
		return failf(o, "cycle %d: big was killed", n);
	*follow_ups += killed - 1;
	return true;
}

/*
 * Every process is new in each cycle, big included: a reference leaked
 * on any task the OOM killer looked at then pins one more task_struct
 * per cycle (a leak on a long-lived task would pin only that one).
 */
static bool cycle(struct outcome *o, int n, unsigned int *follow_ups)
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

	if (!steered_oom(o, n, victims, big, follow_ups))
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

/* Tasks alive or not yet reaped, kernel threads included. */
static long tasks_now(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *d, *t;
	long n = 0;

	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		char path[300];
		DIR *task;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", d->d_name);
		task = opendir(path);
		if (!task)
			continue; /* gone meanwhile */
		while ((t = readdir(task)))
			n += t->d_name[0] != '.';
		closedir(task);
	}
	closedir(proc);
	return n;
}

/* pid and task_struct objects that no live task accounts for. */
static void slab_excess(long *pid, long *task)
{
	long tasks = tasks_now();

	*pid = slab_active("pid") - tasks;
	*task = slab_active("task_struct") - tasks;
}

/*
 * Back to the baseline of pid and task_struct objects?  RCU-deferred
 * frees and reaping take a moment to show, so wait for them a while.
 */
static void slabs_settled(struct outcome *o, long pid0, long task0,
			  const char *what)
{
	long long end = now_ms() + scaled_ms(SETTLE_MS);
	long pid1, task1;

	/* Wait for all of it, not just the slack, to report the rest. */
	do {
		sleep_ms(250);
		slab_excess(&pid1, &task1);
		pid1 -= pid0;
		task1 -= task0;
	} while ((pid1 > 0 || task1 > 0) && now_ms() < end);
	if (pid1 > PID_SLACK || task1 > TASK_SLACK)
		failf(o,
		      "after %s: pid %+ld, task_struct %+ld objects "
		      "(slack %d, %d)",
		      what, pid1, task1, PID_SLACK, TASK_SLACK);
	else
		notef(o, "%s; pid %+ld, task_struct %+ld objects", what, pid1,
		      task1);
}

void case_leak_stress(struct outcome *o)
{
	unsigned int follow_ups = 0;
	long pid0, task0;

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
	slab_excess(&pid0, &task0);

	for (int n = 0; n < CYCLES; n++)
		if (!cycle(o, n, &follow_ups))
			return;

	notef(o, "%u follow-up kills of the next queued", follow_ups);
	slabs_settled(o, pid0, task0, "20 cycles");
}

/*
 * A memcg OOM storm: children that each allocate past the cgroup's limit
 * and are OOM-killed, one after the other, each queued by the storm
 * parent first so the steering path runs too.  The module comes and goes
 * under it, so some unloads land in the middle of an OOM.
 */
#define STORM_LIMIT "32M"
#define STORM_CHILD_MIB 64
#define STORM_CYCLES 20
#define STORM_WAIT_MS 5000 /* ms for one OOM after each load */

static int storm_child(void)
{
	size_t size = (size_t)STORM_CHILD_MIB << 20;
	char *p = malloc(size);

	for (size_t i = 0; p && i < size; i += 4096) {
		p[i] = 1;
		/* Or the compiler may drop the stores. */
		__asm__ volatile("" ::: "memory");
	}
	return 1; /* not killed: the limit did not hold */
}

static int storm(void *arg)
{
	const char *procs = arg;
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	/* The runner's -1000 would make every child unkillable. */
	if (write_str(procs, pid) || write_str("/proc/self/oom_score_adj", "0"))
		return 2;
	for (;;) {
		pid_t child = fork();

		if (child == 0)
			_exit(storm_child());
		if (child < 0)
			continue;
		/* Fails while the module is away; that is fine. */
		snprintf(pid, sizeof(pid), "%d", child);
		write_str("/proc/oom", pid);
		waitpid(child, NULL, 0);
	}
	return 0;
}

static long memcg_oom_kills(const char *cg)
{
	char path[192], buf[512], *p;

	snprintf(path, sizeof(path), "%s/memory.events", cg);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "oom_kill ");
	return p ? strtol(p + 9, NULL, 10) : -1;
}

void case_unload_storm(struct outcome *o)
{
	char cg[128], procs[192];
	long pid0, task0, kills;
	pid_t stormer;
	int err = 0;

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
	slab_excess(&pid0, &task0);

	err = cg_create("oomq-storm", cg, sizeof(cg));
	if (!err)
		err = cg_set(cg, "memory.max", STORM_LIMIT);
	if (err) {
		failf(o, "cgroup setup: %s", strerror(-err));
		goto out;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	stormer = spawn_fn(storm, procs);
	for (int n = 0; n < STORM_CYCLES && !err; n++) {
		long before = memcg_oom_kills(cg);
		long long deadline = now_ms() + scaled_ms(STORM_WAIT_MS);

		err = module_load(load_params[n % ARRAY_SIZE(load_params)]);
		if (!err) {
			/*
			 * One OOM with the module in, however slow the
			 * machine (arm64 under TCG is several times slower),
			 * then unload at a different point of the storm.
			 */
			while (memcg_oom_kills(cg) <= before &&
			       now_ms() < deadline)
				sleep_ms(10);
			sleep_ms(scaled_ms(40 + 37 * n % 200));
			err = module_unload();
		}
		sleep_ms(20);
	}
	kills = memcg_oom_kills(cg);
	if (!is_alive(stormer))
		failf(o, "the storm stopped by itself");
	kill_all();
	cg_remove(cg);
	if (err) {
		failf(o, "%s: %s", env.module_loaded ? "rmmod" : "insmod",
		      strerror(-err));
		goto out;
	}
	/* Fewer kills than cycles would mean few unloads met an OOM. */
	if (kills < STORM_CYCLES) {
		failf(o, "only %ld memcg OOM kills during %d load cycles",
		      kills, STORM_CYCLES);
		goto out;
	}
	notef(o, "%ld memcg OOM kills across %d load/unload cycles", kills,
	      STORM_CYCLES);
	slabs_settled(o, pid0, task0, "the storm");
out:
	if (!env.module_loaded && module_load(""))
		failf(o, "cannot load the module again");
}

/*
 * Writers on both doors during OOMs: WR_THREADS threads rewrite /proc/oom
 * and as many send OOMQ_CMD_SET_QUEUE, each its own order and length of
 * the same victims (every 8th write malformed, refused whole), while a
 * reader on each door takes and drops references on the queue in force;
 * meanwhile WR_ROUNDS global OOMs must each kill a queued victim, whichever
 * heads the queue at that moment, and never big.  It is the queue's
 * publication and reference counting under contention; a debug kernel
 * (make check-debug: KASAN, lockdep) checks every access as it runs.
 */
#define WR_VICTIMS 4
#define WR_THREADS 3
#define WR_ROUNDS 8
#define WR_NICE 10
#define WR_PIDS_MAX (WR_VICTIMS + 16)

enum { DOOR_PROC, DOOR_NETLINK, DOORS };
static const char *const door_names[DOORS] = { "procfs", "netlink" };

/* Shared between the runner and the writers' process. */
struct writers {
	_Atomic pid_t victims[WR_VICTIMS];
	_Atomic unsigned long writes[DOORS]; /* accepted */
	_Atomic unsigned long refused[DOORS]; /* malformed, refused: right */
	_Atomic unsigned long reads[DOORS];
	_Atomic unsigned long errors[DOORS]; /* anything else */
	_Atomic int last_error[DOORS];
};

struct writer {
	struct writers *w;
	unsigned int door, id;
};

/* The victims from a place of the writer's own, then repeats of the head. */
static size_t writer_queue(const struct writer *wr, unsigned int turn,
			   __u32 *pids)
{
	size_t n = 0;

	for (unsigned int i = 0; i < WR_VICTIMS; i++)
		pids[n++] = wr->w->victims[(wr->id + turn + i) % WR_VICTIMS];
	/* Repeats keep the first place: only the allocation's size varies. */
	for (unsigned int i = 0; i < turn % 16; i++)
		pids[n++] = pids[0];
	return n;
}

static int proc_write(const __u32 *pids, size_t n, bool malformed)
{
	char buf[WR_PIDS_MAX * 12 + 8];
	size_t len = 0;

	if (malformed)
		return write_str("/proc/oom", "1 2 x");
	for (size_t i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%u ", pids[i]);
	buf[len - 1] = '\n';
	return write_text("/proc/oom", buf, len);
}

static void tally(struct writer *wr, int err, bool malformed)
{
	struct writers *w = wr->w;

	if (!err && !malformed) {
		w->writes[wr->door]++;
	} else if (err == -EINVAL && malformed) {
		w->refused[wr->door]++;
	} else {
		w->errors[wr->door]++;
		/* 0: a malformed list was taken. */
		w->last_error[wr->door] = err;
	}
}

/*
 * The netlink door's socket in @g and its family: 0 for procfs, -errno
 * (counted) if the door cannot be opened.
 */
static int door_open(struct writer *wr, struct genl_sock *g)
{
	int family = 0;

	if (wr->door == DOOR_NETLINK) {
		family = genl_open(g);
		if (!family)
			family = genl_family(g, OOMQ_GENL_NAME);
		if (family < 0)
			tally(wr, family, false);
	}
	return family;
}

static void *writer_run(void *arg)
{
	struct writer *wr = arg;
	__u32 pids[WR_PIDS_MAX];
	struct genl_sock g;
	int family = door_open(wr, &g);

	if (family < 0)
		return NULL;
	for (unsigned int turn = 0;; turn++) {
		/* First, so a writer the OOMs leave few turns refuses too. */
		bool malformed = turn % 8 == 0;
		size_t n = writer_queue(wr, turn, pids);
		int err;

		if (wr->door == DOOR_PROC) {
			err = proc_write(pids, n, malformed);
		} else {
			/* PID 0 is out of range: the whole list is refused. */
			if (malformed)
				pids[n / 2] = 0;
			err = genl_set_queue(&g, family, pids, n);
		}
		tally(wr, err, malformed);
	}
	return NULL;
}

static void *reader_run(void *arg)
{
	struct writer *wr = arg;
	struct genl_sock g;
	int family = door_open(wr, &g);
	struct genl_req status = { .family = family,
				   .cmd = OOMQ_CMD_GET_STATUS };
	char buf[4096];

	if (family < 0)
		return NULL;
	for (;;) {
		ssize_t err;

		if (wr->door == DOOR_PROC) {
			err = read_text("/proc/oom", buf, sizeof(buf));
			err = err < 0 ? err : 0;
		} else {
			err = genl_call(&g, &status, NULL, 0);
		}
		if (err)
			tally(wr, err, false);
		else
			wr->w->reads[wr->door]++;
	}
	return NULL;
}

/* The writers' process: threads on both doors until it is killed. */
static int writers_main(void *arg)
{
	static struct writer writers[DOORS * (WR_THREADS + 1)];
	pthread_t thread;
	size_t n = 0;

	/*
	 * Below the trigger, so the OOMs come at the pace they would alone;
	 * a writer preempted in the middle of a write stays off the CPU
	 * long, which is what a window in the module needs to show.
	 */
	if (setpriority(PRIO_PROCESS, 0, WR_NICE))
		return 2;

	for (unsigned int door = 0; door < DOORS; door++) {
		for (unsigned int id = 0; id <= WR_THREADS; id++) {
			struct writer *wr = &writers[n++];

			*wr = (struct writer){ arg, door, id };
			/* The last one of each door reads. */
			if (pthread_create(&thread, NULL,
					   id < WR_THREADS ? writer_run :
							     reader_run,
					   wr))
				return 2;
		}
	}
	for (;;)
		pause();
	return 0;
}

/* One global OOM: every kill must take a victim, replaced at once. */
static bool writers_round(struct outcome *o, int n, struct writers *w,
			  pid_t big, unsigned int *kills_total)
{
	pid_t order[WR_VICTIMS];
	size_t killed = stress_oom(o, "round", n, order, ARRAY_SIZE(order));

	if (!killed)
		return false;
	for (size_t k = 0; k < killed; k++) {
		int v = 0;

		while (v < WR_VICTIMS && w->victims[v] != order[k])
			v++;
		if (v == WR_VICTIMS)
			return failf(o, "round %d: killed %d, %s", n, order[k],
				     order[k] == big ? "big" : "not a victim");
		/* stress_oom() reaped the first. */
		if (k && !wait_killed(order[k], scaled_ms(5000)))
			return failf(o, "round %d: victim %d not gone", n,
				     order[k]);
		w->victims[v] = spawn_small("victim");
		if (w->victims[v] <= 0)
			return failf(o, "round %d: no new victim", n);
	}
	if (!is_alive(big))
		return failf(o, "round %d: big died", n);
	*kills_total += killed;
	return true;
}

void case_queue_writers(struct outcome *o)
{
	struct writers *w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned int kills = 0;
	pid_t big, writers;
	bool ok = true;

	/* Thousands of queue events would flood the listener's log. */
	events_stop();
	if (w == MAP_FAILED) {
		failf(o, "mmap: %s", strerror(errno));
		return;
	}
	big = spawn_big();
	if (big <= 0) {
		failf(o, "no big");
		goto out;
	}
	for (int v = 0; v < WR_VICTIMS; v++) {
		w->victims[v] = spawn_small("victim");
		if (w->victims[v] <= 0) {
			failf(o, "no victim");
			goto out;
		}
	}
	writers = spawn_fn(writers_main, w);
	for (int n = 0; n < WR_ROUNDS && ok; n++)
		ok = writers_round(o, n, w, big, &kills);
	kill_reap(writers);
	if (!ok)
		goto out;
	for (int d = 0; d < DOORS; d++) {
		if (w->errors[d]) {
			int err = w->last_error[d];

			failf(o, "%s: %lu calls went wrong, the last: %s",
			      door_names[d], w->errors[d],
			      err ? strerror(-err) :
				    "a malformed list was accepted");
			goto out;
		}
		if (!w->writes[d] || !w->refused[d] || !w->reads[d]) {
			failf(o, "%s: %lu writes, %lu refused, %lu reads",
			      door_names[d], w->writes[d], w->refused[d],
			      w->reads[d]);
			goto out;
		}
	}
	notef(o,
	      "%u kills in %d OOMs, all of victims; procfs %lu writes, "
	      "%lu refused, %lu reads; netlink %lu writes, %lu refused, "
	      "%lu reads",
	      kills, WR_ROUNDS, w->writes[DOOR_PROC], w->refused[DOOR_PROC],
	      w->reads[DOOR_PROC], w->writes[DOOR_NETLINK],
	      w->refused[DOOR_NETLINK], w->reads[DOOR_NETLINK]);
out:
	munmap(w, sizeof(*w));
}
