// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink commands through oomqctl, against the real module: status
 * reports what /proc/oom and the parameters say, set-queue and set-config
 * change them, the kernel's own checks refuse bad values with nothing
 * changed, and an unprivileged caller may read but not write
 * (GENL_ADMIN_PERM).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define CTL_ARGS_MAX 6

/* oomqctl's exit codes (tools/oomqctl.c). */
#define CTL_OK 0
#define CTL_REFUSED 3

/*
 * Run oomqctl with up to CTL_ARGS_MAX arguments (NULL-terminated) as
 * @uid; its exit status, its output in @out.
 */
static int ctl(uid_t uid, char *out, size_t size, const char *first, ...)
	__attribute__((sentinel));

static int ctl(uid_t uid, char *out, size_t size, const char *first, ...)
{
	const char *argv[CTL_ARGS_MAX + 2] = { env.oomqctl_path };
	const char *a = first;
	int n = 1;
	va_list ap;

	va_start(ap, first);
	for (; a && n <= CTL_ARGS_MAX; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	return run_capture(uid, argv, out, size);
}

/* Does the key=value output hold the line "@line"? */
static bool has_line(const char *out, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = out; (p = strstr(p, line)); p += len)
		if ((p == out || p[-1] == '\n') && (!p[len] || p[len] == '\n'))
			return true;
	return false;
}

static bool param_is(const char *name, const char *want)
{
	char buf[32];

	return !param_get(name, buf, sizeof(buf)) && !strcmp(buf, want);
}

static bool queue_is(const char *want)
{
	char buf[64];

	return !queue_read(buf, sizeof(buf)) && !strcmp(buf, want);
}

/* set-queue and status as root, and the kernel's check of a raw 0. */
static bool queue_cmds(struct outcome *o, const char *want, const char *args)
{
	char out[4096], line[80];
	int st;

	st = ctl(0, out, sizeof(out), "set-queue", args, NULL);
	if (st != CTL_OK)
		return failf(o, "set-queue %s: exit %d: %s", args, st, out);
	if (!queue_is(want))
		return failf(o, "set-queue %s did not show in /proc/oom", args);
	st = ctl(0, out, sizeof(out), "status", NULL);
	snprintf(line, sizeof(line), "queue=%s", args);
	if (st != CTL_OK || !has_line(out, line) ||
	    !has_line(out, "queue_len=2"))
		return failf(o, "status: exit %d, no '%s' and queue_len=2: %s",
			     st, line, out);
	st = ctl(0, out, sizeof(out), "set-queue", "--raw", "0", NULL);
	if (st != CTL_REFUSED || !queue_is(want))
		return failf(o,
			     "set-queue --raw 0: exit %d, want %d and the "
			     "queue kept",
			     st, CTL_REFUSED);
	return true;
}

static bool config_cmds(struct outcome *o)
{
	char out[4096];
	int st;

	st = ctl(0, out, sizeof(out), "set-config", "ttl_ms=5000",
		 "mode=origin", NULL);
	if (st != CTL_OK || !param_is("ttl_ms", "5000") ||
	    !param_is("mode", "origin"))
		return failf(o,
			     "set-config ttl_ms=5000 mode=origin: exit %d, "
			     "parameters not set: %s",
			     st, out);
	st = ctl(0, out, sizeof(out), "status", NULL);
	if (st != CTL_OK || !has_line(out, "ttl_ms=5000"))
		return failf(o, "status: exit %d, no ttl_ms=5000: %s", st, out);
	/* A mode number the kernel does not know: ERANGE, nothing set. */
	st = ctl(0, out, sizeof(out), "set-config", "ttl_ms=7", "mode=9", NULL);
	if (st != CTL_REFUSED || !param_is("ttl_ms", "5000") ||
	    !param_is("mode", "origin"))
		return failf(o,
			     "set-config ttl_ms=7 mode=9: exit %d, want %d "
			     "and nothing changed",
			     st, CTL_REFUSED);
	return true;
}

/* uid 1000 may read the status but change nothing. */
static bool unprivileged_cmds(struct outcome *o, const char *want)
{
	char out[4096];
	int st;

	st = ctl(1000, out, sizeof(out), "status", NULL);
	if (st != CTL_OK)
		return failf(o, "uid 1000 status: exit %d: %s", st, out);
	st = ctl(1000, out, sizeof(out), "set-queue", "1", NULL);
	if (st != CTL_REFUSED || !queue_is(want))
		return failf(o,
			     "uid 1000 set-queue: exit %d, want %d and the "
			     "queue kept",
			     st, CTL_REFUSED);
	st = ctl(1000, out, sizeof(out), "set-config", "ttl_ms=1", NULL);
	if (st != CTL_REFUSED || !param_is("ttl_ms", "5000"))
		return failf(o,
			     "uid 1000 set-config: exit %d, want %d and "
			     "ttl_ms kept",
			     st, CTL_REFUSED);
	return true;
}

void case_netlink_cmds(struct outcome *o)
{
	pid_t a = spawn_small("na"), b = spawn_small("nb");
	char want[32], args[32];

	if (access(env.oomqctl_path, X_OK)) {
		skipf(o, "oomqctl not in the image");
		return;
	}
	if (a <= 0 || b <= 0) {
		failf(o, "could not start the holders");
		return;
	}
	snprintf(want, sizeof(want), "%d %d", a, b);
	snprintf(args, sizeof(args), "%d,%d", a, b);
	if (!queue_cmds(o, want, args) || !config_cmds(o) ||
	    !unprivileged_cmds(o, want))
		return;
	/* The runner's cleanup restores ttl_ms and mode. */
	notef(o, "set-queue, set-config and status as root; raw PID 0 and "
		 "mode 9 refused (exit 3), nothing changed; uid 1000 reads "
		 "status, writes refused");
}

/* ---- the task dump (OOMQ_CMD_GET_TASKS) ---- */

#define DUMP_MAX (1 << 17)
#define CHURN_DUMPS 20
/* Enough processes that a dump takes several batches (32 KiB each). */
#define DUMP_SLEEPERS 300

struct dumped {
	pid_t pid, ppid;
	unsigned long long rss, total_vm; /* pages */
	int adj;
	char comm[16];
	bool kthread, has_mm;
};

static unsigned long long field_u64(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* One line of `oomqctl tasks`; false when it does not parse. */
static bool parse_dumped(const char *line, struct dumped *d)
{
	char flags[96];

	memset(d, 0, sizeof(*d));
	if (sscanf(line,
		   "pid=%d ppid=%d uid=%*u euid=%*u comm=%15s flags=%95s adj=%d",
		   &d->pid, &d->ppid, d->comm, flags, &d->adj) != 5)
		return false;
	d->kthread = strstr(flags, "kthread");
	d->has_mm = strstr(line, " rss_anon=");
	d->rss = field_u64(line, " rss_anon=") + field_u64(line, " rss_file=") +
		 field_u64(line, " rss_shmem=");
	d->total_vm = field_u64(line, " total_vm=");
	return true;
}

/* "pid (comm) S ppid ..." -> ppid, vsize (bytes) and rss (pages). */
static bool proc_stat_of(pid_t pid, pid_t *ppid, unsigned long long *vsize,
			 unsigned long long *rss)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return false;
	/* After ')': state ppid ... field 23 vsize, 24 rss. */
	return sscanf(p + 2,
		      "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
		      "%*d %*d %*d %*d %*d %*u %llu %llu",
		      ppid, vsize, rss) == 3;
}

/*
 * Every dumped process against /proc, read just after: a process idle
 * meanwhile must read the same.  The runner and oomqctl itself move, so
 * only processes whose /proc view is the same twice are compared.
 */
static bool compare_dump(struct outcome *o, char *out, unsigned int *n,
			 unsigned int *compared)
{
	char *save, *line;

	*n = *compared = 0;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long vsize, rss, vsize2, rss2;
		struct dumped d;
		pid_t ppid;

		if (!parse_dumped(line, &d))
			return failf(o, "unparsable dump line '%.80s'", line);
		(*n)++;
		/* The runner itself reads the dump into fresh pages. */
		if (d.pid == getpid())
			continue;
		if (!proc_stat_of(d.pid, &ppid, &vsize, &rss))
			continue; /* gone since */
		if (!proc_stat_of(d.pid, &ppid, &vsize2, &rss2) ||
		    vsize != vsize2 || rss != rss2)
			continue; /* busy */
		if (ppid != d.ppid || oom_score_adj(d.pid) != d.adj)
			return failf(
				o, "pid %d: ppid %d adj %d, /proc says %d %ld",
				d.pid, d.ppid, d.adj, ppid,
				oom_score_adj(d.pid));
		if (d.has_mm && (d.rss != rss || d.total_vm * 4096 != vsize))
			return failf(
				o,
				"pid %d (%s): rss %llu total_vm %llu pages, "
				"/proc says %llu, %llu bytes",
				d.pid, d.comm, d.rss, d.total_vm, rss, vsize);
		if (d.kthread == d.has_mm)
			return failf(o, "pid %d (%s): kthread %d but mm %d",
				     d.pid, d.comm, d.kthread, d.has_mm);
		(*compared)++;
	}
	return true;
}

/* Every thread-group leader /proc lists, as the dump must list it. */
static bool dump_lists(const char *out, pid_t pid)
{
	char key[32];

	snprintf(key, sizeof(key), "pid=%d ", pid);
	return !strncmp(out, key, strlen(key)) ||
	       strstr(out, (snprintf(key, sizeof(key), "\npid=%d ", pid), key));
}

/* The PIDs /proc lists now (thread-group leaders); how many. */
static size_t proc_pids(pid_t *pids, size_t max)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	while (proc && n < max && (e = readdir(proc)))
		if (atoi(e->d_name) > 0)
			pids[n++] = atoi(e->d_name);
	if (proc)
		closedir(proc);
	return n;
}

/* Listed by /proc before the dump and alive after it: in the dump. */
static bool all_listed(struct outcome *o, const char *out, const pid_t *before,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!dump_lists(out, before[i]) && is_alive(before[i]))
			return failf(o,
				     "pid %d is in /proc but not in the dump",
				     before[i]);
	return true;
}

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* Forks children that exit at once, so PIDs come and go mid-dump. */
static int churn(void *arg)
{
	(void)arg;
	for (;;) {
		pid_t child = fork();

		if (child == 0)
			_exit(0);
		if (child > 0)
			waitpid(child, NULL, 0);
	}
	return 0;
}

void case_tasks_dump(struct outcome *o)
{
	static char out[DUMP_MAX];
	static pid_t before[4096];
	unsigned int n, compared;
	pid_t holder = spawn_small("dumped"), churner;
	size_t nbefore;
	int st;

	if (access(env.oomqctl_path, X_OK)) {
		skipf(o, "oomqctl not in the image");
		return;
	}
	if (holder <= 0) {
		failf(o, "could not start a holder");
		return;
	}
	for (int i = 0; i < DUMP_SLEEPERS; i++)
		if (spawn_fn(sleeper, NULL) <= 0) {
			failf(o, "could not start sleeper %d", i);
			return;
		}
	nbefore = proc_pids(before, ARRAY_SIZE(before));
	st = ctl(0, out, sizeof(out), "tasks", NULL);
	if (st != CTL_OK) {
		failf(o, "oomqctl tasks: exit %d: %.200s", st, out);
		return;
	}
	if (!all_listed(o, out, before, nbefore) ||
	    !compare_dump(o, out, &n, &compared))
		return;
	if (n < DUMP_SLEEPERS || compared < DUMP_SLEEPERS) {
		failf(o, "only %u of %u processes compared", compared, n);
		return;
	}
	notef(o, "%u processes, %u compared with /proc", n, compared);

	churner = spawn_fn(churn, NULL);
	for (int i = 0; i < CHURN_DUMPS; i++) {
		nbefore = proc_pids(before, ARRAY_SIZE(before));
		st = ctl(0, out, sizeof(out), "tasks", NULL);
		if (st != CTL_OK) {
			failf(o,
			      "dump %d with processes exiting: exit %d: "
			      "%.200s",
			      i, st, out);
			return;
		}
		if (!all_listed(o, out, before, nbefore))
			return;
	}
	kill_reap(churner);
	notef(o, "%d dumps while processes came and went", CHURN_DUMPS);

	st = ctl(1000, out, sizeof(out), "tasks", NULL);
	if (st != CTL_REFUSED || !strstr(out, "Operation not permitted")) {
		failf(o, "uid 1000: exit %d, want %d (EPERM): %.200s", st,
		      CTL_REFUSED, out);
		return;
	}
	notef(o, "uid 1000 refused");
}
