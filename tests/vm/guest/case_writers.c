// SPDX-License-Identifier: GPL-2.0
/*
 * The queue's writers on both doors: a writer that may not charge a
 * single page more must still be able to set the queue once the
 * module's buffers are sized, and two writers at once, one on /proc/oom
 * and one on netlink, during OOMs, must leave the events in the order
 * the queues were set.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oomcheck.h"
#include "../../common/proc_oom_cases.h"

/* ---- no allocation in steady state ---- */

#define NOALLOC_ROUNDS 20
#define NOALLOC_WARMUP 3
#define NOALLOC_TIMEOUT_MS 30000

/* The writer's steps, each started by the runner or the writer. */
enum noalloc_phase {
	NOALLOC_SETUP,
	NOALLOC_READY, /* writer: warmed up, in the cgroup */
	NOALLOC_GO_PROC, /* runner: limit 0, tracing: write /proc/oom */
	NOALLOC_PROC_DONE,
	NOALLOC_GO_NETLINK, /* runner: tracing off: set-queue */
};

/*
 * Shared by the writer and the runner, faulted in first.  They meet by
 * polling @phase: a pipe might allocate a page for each message.
 */
struct noalloc_result {
	int proc_err[NOALLOC_ROUNDS]; /* 0 or -errno of each write() */
	int nl_err[NOALLOC_ROUNDS]; /* 0 or -errno of each set-queue */
	int phase; /* enum noalloc_phase */
};

struct noalloc_args {
	struct noalloc_result *res;
	const char *cgroup;
	pid_t a, b; /* queued; 4094 PIDs that do not exist follow */
};

static void phase_set(struct noalloc_result *res, enum noalloc_phase phase)
{
	__atomic_store_n(&res->phase, phase, __ATOMIC_SEQ_CST);
}

static bool phase_wait(struct noalloc_result *res, enum noalloc_phase phase)
{
	long long end = now_ms() + NOALLOC_TIMEOUT_MS;

	while (__atomic_load_n(&res->phase, __ATOMIC_SEQ_CST) != (int)phase) {
		if (now_ms() > end)
			return false;
		sleep_ms(5);
	}
	return true;
}

static char noalloc_text[OOMQ_PROC_WRITE_MAX];
static uint32_t noalloc_pids[OOMQ_QUEUE_MAX];

/*
 * One list written on a file kept open, back at offset 0 each time: an
 * open() allocates (a struct file, the seq_file), the write must not.
 */
static int proc_rewrite(int fd, const char *text, size_t len)
{
	if (lseek(fd, 0, SEEK_SET) || write(fd, text, len) != (ssize_t)len)
		return -errno;
	return 0;
}

/*
 * The writer: the longest list (4096 PIDs) through both doors a few
 * times, so the module sizes its buffers, then into the cgroup; once
 * its limit is 0 the same writes again.  It touches no new memory of
 * its own after the warm-up: a page fault would need a charge too.
 */
static int noalloc_writer(void *arg)
{
	struct noalloc_args *w = arg;
	struct noalloc_result *res = w->res;
	size_t len;
	char path[256];
	struct genl_sock g;
	int family, fd;

	len = snprintf(noalloc_text, sizeof(noalloc_text), "%d %d ", w->a,
		       w->b);
	len += proc_oom_gen_list(noalloc_text + len, sizeof(noalloc_text) - len,
				 OOMQ_QUEUE_MAX - 2, 4000000, ' ');
	noalloc_pids[0] = w->a;
	noalloc_pids[1] = w->b;
	for (unsigned int i = 2; i < OOMQ_QUEUE_MAX; i++)
		noalloc_pids[i] = 4000000 + i;
	fd = open("/proc/oom", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || genl_open(&g) ||
	    (family = genl_family(&g, OOMQ_GENL_NAME)) < 0)
		return 1;
	for (int i = 0; i < NOALLOC_WARMUP; i++)
		if (proc_rewrite(fd, noalloc_text, len) ||
		    genl_set_queue(&g, family, noalloc_pids, OOMQ_QUEUE_MAX))
			return 2;
	/* Let the replaced queues come back as spares. */
	sleep_ms(200);
	snprintf(path, sizeof(path), "%s/cgroup.procs", w->cgroup);
	if (write_str(path, "0"))
		return 3;
	phase_set(res, NOALLOC_READY);
	if (!phase_wait(res, NOALLOC_GO_PROC))
		return 4;
	for (int i = 0; i < NOALLOC_ROUNDS; i++)
		res->proc_err[i] = proc_rewrite(fd, noalloc_text, len);
	phase_set(res, NOALLOC_PROC_DONE);
	if (!phase_wait(res, NOALLOC_GO_NETLINK))
		return 5;
	for (int i = 0; i < NOALLOC_ROUNDS; i++)
		res->nl_err[i] = genl_set_queue(&g, family, noalloc_pids,
						OOMQ_QUEUE_MAX);
	return 0;
}

/* ---- every allocation a task makes, through the kmem tracepoints ---- */

#define TRACEFS "/sys/kernel/tracing"

/* 6.1 has the _node variants too; 6.12 folded them in. */
static const char *const kmem_events[] = {
	"kmalloc",	    "kmalloc_node",
	"kmem_cache_alloc", "kmem_cache_alloc_node",
	"mm_page_alloc",
};

static void kmem_trace(bool on)
{
	char path[128];

	for (size_t i = 0; i < ARRAY_SIZE(kmem_events); i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/kmem/%s/enable",
			 kmem_events[i]);
		write_str(path, on ? "1" : "0");
	}
}

/* Record the allocations @pid makes from now on; 0 or -errno. */
static int kmem_trace_start(pid_t pid)
{
	char nr[16];
	int err;

	if (access(TRACEFS "/trace", F_OK))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	snprintf(nr, sizeof(nr), "%d", pid);
	err = write_str(TRACEFS "/tracing_on", "0");
	if (!err)
		err = write_str(TRACEFS "/trace", "");
	if (!err)
		err = write_str(TRACEFS "/set_event_pid", nr);
	if (err)
		return err;
	kmem_trace(true);
	return write_str(TRACEFS "/tracing_on", "1");
}

/*
 * Stop; how many allocations were made in the task's own context (not
 * in an interrupt that hit it: flag 'h', 's' or 'H'), the first in
 * @first.
 *
 *	oomq-vmtest-153 [001] ...1.  12.34: kmalloc: call_site=...
 */
static int kmem_trace_stop(char *first, size_t size)
{
	static char buf[1 << 20];
	char *save, *line;
	int n = 0;

	write_str(TRACEFS "/tracing_on", "0");
	kmem_trace(false);
	write_str(TRACEFS "/set_event_pid", "");
	first[0] = '\0';
	if (read_text(TRACEFS "/trace", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *flags = strstr(line, "] ");

		if (line[0] == '#' || !flags || strchr("hsH", flags[4]))
			continue;
		if (!n++)
			snprintf(first, size, "%s", line);
	}
	return n;
}

/* "oom 2\n" in memory.events: OOMs of the cgroup, killer or not. */
static long cg_ooms(const char *cgroup)
{
	char path[256], buf[512];
	const char *p;

	snprintf(path, sizeof(path), "%s/memory.events", cgroup);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "oom ")))
		return -1;
	return atol(p + 4);
}

/* Wait for @pid; on timeout lift the limit that may have stuck it. */
static int noalloc_wait(pid_t pid, const char *cgroup, bool *timed_out)
{
	long long end = now_ms() + NOALLOC_TIMEOUT_MS;
	int status;

	*timed_out = false;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ms() > end && !*timed_out) {
			*timed_out = true;
			cg_set(cgroup, "memory.max", "max");
		}
		sleep_ms(20);
	}
	unregister_child(pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* How many of @err failed; the first failure in *@first. */
static int noalloc_failed(const int *err, int *first)
{
	int n = 0;

	*first = 0;
	for (int i = 0; i < NOALLOC_ROUNDS; i++) {
		if (err[i] && !*first)
			*first = err[i];
		n += !!err[i];
	}
	return n;
}

static bool noalloc_errors(struct outcome *o, const struct noalloc_result *r)
{
	int proc_first, nl_first;
	int proc = noalloc_failed(r->proc_err, &proc_first);
	int nl = noalloc_failed(r->nl_err, &nl_first);

	if (!proc && !nl)
		return true;
	return failf(o,
		     "at memory.max 0, %d of %d writes to /proc/oom failed "
		     "(%s), %d of %d set-queue (%s)",
		     proc, NOALLOC_ROUNDS,
		     proc ? strerror(-proc_first) : "none", nl, NOALLOC_ROUNDS,
		     nl ? strerror(-nl_first) : "none");
}

/*
 * oomqd writes the queue while memory runs out; an allocation there can
 * invoke the OOM killer it steers.  A writer in a cgroup whose
 * memory.max is 0 (and that is unkillable, so a cgroup OOM finds no
 * victim) fails any charged allocation with ENOMEM: every write through
 * either door must succeed anyway, and the cgroup see no OOM.  The
 * module's own allocations are charged to the writer (GFP_ACCOUNT); the
 * netlink core's request and ack buffers are not.  Writes to /proc/oom
 * must allocate nothing at all, charged or not: the kmem tracepoints
 * see every allocation the writer makes meanwhile.  /proc/oom is opened
 * once: open() itself allocates (a struct file, the seq_file).
 */
void case_queue_noalloc(struct outcome *o)
{
	struct noalloc_args w = { .a = spawn_small("na"),
				  .b = spawn_small("nb") };
	char cgroup[256], want[64], got[64], first[512];
	long ooms_before, ooms;
	int st, allocs = -1;
	bool timed_out;
	pid_t pid;

	w.res = mmap(NULL, sizeof(*w.res), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w.res == MAP_FAILED || w.a <= 0 || w.b <= 0 ||
	    cg_create("oomq-noalloc", cgroup, sizeof(cgroup))) {
		failf(o, "setup failed");
		return;
	}
	memset(w.res, 0, sizeof(*w.res));
	w.cgroup = cgroup;
	pid = spawn_fn(noalloc_writer, &w);
	if (pid < 0 || !phase_wait(w.res, NOALLOC_READY)) {
		failf(o, "the writer did not get ready");
		goto out;
	}
	/* Drains the cgroup's per-CPU charge stock too. */
	if (cg_set(cgroup, "memory.max", "0")) {
		failf(o, "cannot set memory.max 0");
		goto out;
	}
	ooms_before = cg_ooms(cgroup);
	st = kmem_trace_start(pid);
	if (st)
		notef(o, "no kmem tracing (%s)", strerror(-st));
	phase_set(w.res, NOALLOC_GO_PROC);
	phase_wait(w.res, NOALLOC_PROC_DONE);
	if (!st)
		allocs = kmem_trace_stop(first, sizeof(first));
	phase_set(w.res, NOALLOC_GO_NETLINK);
	st = noalloc_wait(pid, cgroup, &timed_out);
	ooms = cg_ooms(cgroup) - ooms_before;
	cg_set(cgroup, "memory.max", "max");
	if (timed_out || st) {
		failf(o, "the writer %s (exit %d)",
		      timed_out ? "hung at memory.max 0" : "failed", st);
		goto out;
	}
	if (!noalloc_errors(o, w.res))
		goto out;
	if (ooms) {
		failf(o, "%ld cgroup OOMs while writing", ooms);
		goto out;
	}
	if (allocs > 0) {
		failf(o, "%d allocations in %d writes to /proc/oom, first: %s",
		      allocs, NOALLOC_ROUNDS, first);
		goto out;
	}
	snprintf(want, sizeof(want), "%d %d", w.a, w.b);
	if (queue_read(got, sizeof(got)) || strcmp(got, want)) {
		failf(o, "queue is '%s', want '%s'", got, want);
		goto out;
	}
	notef(o,
	      "%d writes of 4096 PIDs through each door at memory.max 0 "
	      "succeeded, no cgroup OOM",
	      NOALLOC_ROUNDS);
	if (allocs == 0)
		notef(o, "no allocation while writing /proc/oom (kmem "
			 "tracepoints)");
out:
	kill_all();
	cg_remove(cgroup);
	if (w.res != MAP_FAILED)
		munmap(w.res, sizeof(*w.res));
}

/* ---- two doors at once ---- */

#define RACE_MEMBERS 6
#define RACE_OOMS 3
#define RACE_EVENTS_MAX 100000

struct race_args {
	pid_t members[RACE_MEMBERS]; /* unkillable sleepers */
};

/*
 * Both writers share CPU 0, so that the scheduler preempts one (with
 * preempt=full) while the other runs; CPU 1 is left for the grace
 * periods and the work item that frees a replaced queue.
 */
static void race_pin(void)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

/* /proc/oom: lists of 1, 2, 3 members, over and over. */
static int race_proc(void *arg)
{
	const struct race_args *r = arg;
	char text[RACE_MEMBERS][128];

	race_pin();
	for (int k = 0; k < 3; k++) {
		size_t len = 0;

		for (int i = 0; i <= k; i++)
			len += snprintf(text[k] + len, sizeof(text[k]) - len,
					"%d ", r->members[i]);
	}
	for (unsigned int n = 0;; n++)
		write_str("/proc/oom", text[n % 3]);
	return 0;
}

/* Netlink: lists of 4, 5, 6 members, over and over. */
static int race_netlink(void *arg)
{
	const struct race_args *r = arg;
	uint32_t pids[RACE_MEMBERS];
	struct genl_sock g;
	int family;

	race_pin();
	for (int i = 0; i < RACE_MEMBERS; i++)
		pids[i] = r->members[i];
	if (genl_open(&g) || (family = genl_family(&g, OOMQ_GENL_NAME)) < 0)
		return 1;
	for (unsigned int n = 0;; n++)
		genl_set_queue(&g, family, pids, 4 + n % 3);
	return 0;
}

/* Every queue_set event names a length written; the last, the queue's. */
static bool race_events(struct outcome *o, long from, size_t *nevents)
{
	static unsigned int lens[RACE_EVENTS_MAX];
	char got[256];
	size_t n = events_queue_lens(from, lens, RACE_EVENTS_MAX);
	unsigned int live = 0;

	if (!n)
		return failf(o, "no queue_set event");
	if (n > RACE_EVENTS_MAX)
		n = RACE_EVENTS_MAX;
	for (size_t i = 0; i < n; i++)
		if (lens[i] < 1 || lens[i] > RACE_MEMBERS)
			return failf(o,
				     "event %zu: queue_len=%u, never written",
				     i, lens[i]);
	if (queue_read(got, sizeof(got)))
		return failf(o, "cannot read /proc/oom");
	for (const char *p = got; *p; p++)
		live += *p == ' ';
	live += got[0] != '\0';
	if (lens[n - 1] != live)
		return failf(o,
			     "the last queue_set event says %u, the queue in "
			     "force holds %u ('%s')",
			     lens[n - 1], live, got);
	*nevents = n;
	return true;
}

/*
 * One writer on /proc/oom, one on netlink, lists of different lengths,
 * while the OOM killer runs with the queue in force (all members are
 * unkillable, so the kernel's own choice dies: choice=dry).  Each
 * writer publishes its queue and the other may replace and free it at
 * once: a writer must not read its queue after publishing it, and the
 * events must follow the order of publishing.  On a kernel without
 * KASAN a read of a freed queue shows only as a wrong length (when its
 * memory was reused meanwhile); the debug kernel's KASAN reports any.
 */
void case_queue_race(struct outcome *o)
{
	struct race_args r;
	pid_t writers[2];
	long from;
	size_t nevents = 0;

	if (!events_running()) {
		skipf(o, "oomqctl events is not running");
		return;
	}
	for (int i = 0; i < RACE_MEMBERS; i++) {
		/* The runner's children inherit oom_score_adj -1000. */
		r.members[i] = spawn_fn(sleep_forever, NULL);
		if (r.members[i] <= 0) {
			failf(o, "could not start the members");
			return;
		}
	}
	from = events_log_size();
	writers[0] = spawn_fn(race_proc, &r);
	writers[1] = spawn_fn(race_netlink, &r);
	for (int i = 0; i < RACE_OOMS; i++) {
		pid_t big = spawn_big();
		struct trigger_result t;

		if (big <= 0) {
			failf(o, "OOM %d: no big", i + 1);
			goto out;
		}
		t = run_trigger(NULL, NULL, mem_total_mib());
		if (!t.ok || !t.oom || !wait_killed(big, 10000)) {
			failf(o, "OOM %d: %s", i + 1,
			      !t.ok || !t.oom ? "the trigger caused none" :
						"big was not killed");
			goto out;
		}
		expect_kill(big, "dry", "global", -1, "big");
	}
	kill_reap(writers[0]);
	kill_reap(writers[1]);
	/* Events are sent from a work item: let the last one out. */
	sleep_ms(500);
	if (!race_events(o, from, &nevents))
		goto out;
	notef(o,
	      "%d OOMs under two writers; %zu queue_set events, each a "
	      "length written, the last the queue's",
	      RACE_OOMS, nevents);
out:
	kill_all();
}
