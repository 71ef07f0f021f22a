// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink commands through oomqctl, against the real module: status
 * reports what /proc/oom and the parameters say, set-queue and set-config
 * change them, the kernel's own checks refuse bad values with nothing
 * changed, and an unprivileged caller may read but not write.  Changes
 * take CAP_SYS_RESOURCE as /proc/oom does, the task dump CAP_SYS_PTRACE;
 * CAP_NET_ADMIN alone reaches neither.  Through a raw socket: the header
 * is checked strictly, a queue update does not wait for another family
 * that holds genl_mutex, and a dump keeps the time namespace it started
 * in.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/oomq.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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
/* oomqctl's argv: the NULL-terminated arguments @first and @ap. */
static void ctl_argv(const char **argv, const char *first, va_list ap)
{
	int n = 1;

	argv[0] = env.oomqctl_path;
	for (const char *a = first; a && n <= CTL_ARGS_MAX;
	     a = va_arg(ap, const char *))
		argv[n++] = a;
	argv[n] = NULL;
}

static int ctl(uid_t uid, char *out, size_t size, const char *first, ...)
	__attribute__((sentinel));

static int ctl(uid_t uid, char *out, size_t size, const char *first, ...)
{
	const char *argv[CTL_ARGS_MAX + 2];
	va_list ap;

	va_start(ap, first);
	ctl_argv(argv, first, ap);
	va_end(ap);
	return run_capture(uid, argv, out, size);
}

/* The same as uid 0 with only the capabilities @caps (bit n: cap n). */
static int ctl_caps(uint64_t caps, char *out, size_t size, const char *first,
		    ...) __attribute__((sentinel));

static int ctl_caps(uint64_t caps, char *out, size_t size, const char *first,
		    ...)
{
	const char *argv[CTL_ARGS_MAX + 2];
	va_list ap;

	va_start(ap, first);
	ctl_argv(argv, first, ap);
	va_end(ap);
	return run_capture_caps(caps, argv, out, size);
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
		if (spawn_fn(sleep_forever, NULL) <= 0) {
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

/* ---- who may do what ---- */

#define CAP(c) (1ULL << (c))

struct cap_step {
	const char *who;
	uint64_t caps;
	const char *cmd, *arg; /* oomqctl command and its argument */
	bool allowed;
};

/* set-queue and set-config as /proc/oom, tasks as /proc under hidepid. */
static const struct cap_step cap_steps[] = {
	{ "CAP_NET_ADMIN only", CAP(CAP_NET_ADMIN), "set-queue", "1", false },
	{ "CAP_NET_ADMIN only", CAP(CAP_NET_ADMIN), "set-config", "ttl_ms=1111",
	  false },
	{ "CAP_NET_ADMIN only", CAP(CAP_NET_ADMIN), "tasks", NULL, false },
	{ "CAP_SYS_PTRACE only", CAP(CAP_SYS_PTRACE), "set-queue", "1", false },
	{ "CAP_SYS_PTRACE only", CAP(CAP_SYS_PTRACE), "tasks", NULL, true },
	{ "CAP_SYS_RESOURCE only", CAP(CAP_SYS_RESOURCE), "tasks", NULL,
	  false },
	{ "CAP_SYS_RESOURCE only", CAP(CAP_SYS_RESOURCE), "set-config",
	  "ttl_ms=2222", true },
	{ "CAP_SYS_RESOURCE only", CAP(CAP_SYS_RESOURCE), "set-queue", NULL,
	  true },
	{ "no capability", 0, "status", NULL, true },
};

void case_netlink_caps(struct outcome *o)
{
	static char out[1 << 16];
	pid_t a = spawn_small("capa");
	char want[32], ttl[32];
	unsigned int refused = 0;

	if (access(env.oomqctl_path, X_OK)) {
		skipf(o, "oomqctl not in the image");
		return;
	}
	snprintf(want, sizeof(want), "%d", a);
	if (a <= 0 || write_str("/proc/oom", want)) {
		failf(o, "setup failed");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cap_steps); i++) {
		const struct cap_step *c = &cap_steps[i];
		bool change = !strcmp(c->cmd, "set-queue") ||
			      !strcmp(c->cmd, "set-config");
		/* The allowed set-queue queues a, as it was. */
		const char *arg = c->arg ? c->arg : want;
		char ttl_after[32];
		int st;

		if (param_get("ttl_ms", ttl, sizeof(ttl))) {
			failf(o, "cannot read ttl_ms");
			return;
		}
		st = ctl_caps(c->caps, out, sizeof(out), c->cmd,
			      change ? arg : NULL, NULL);
		if (c->allowed ?
			    st != CTL_OK :
			    st != CTL_REFUSED ||
				    !strstr(out, "Operation not permitted")) {
			failf(o, "%s: %s %s: exit %d, want %s: %.200s", c->who,
			      c->cmd, change ? arg : "", st,
			      c->allowed ? "success" : "EPERM (exit 3)", out);
			return;
		}
		refused += !c->allowed;
		/* A refused change changed nothing. */
		if (!queue_is(want) ||
		    (!c->allowed &&
		     (param_get("ttl_ms", ttl_after, sizeof(ttl_after)) ||
		      strcmp(ttl, ttl_after)))) {
			failf(o,
			      "%s: the refused %s changed the queue or ttl_ms",
			      c->who, c->cmd);
			return;
		}
	}
	if (!param_is("ttl_ms", "2222")) {
		failf(o, "CAP_SYS_RESOURCE set-config did not set ttl_ms");
		return;
	}
	notef(o,
	      "%u steps refused with EPERM and nothing changed: "
	      "CAP_NET_ADMIN alone changes nothing and dumps nothing; "
	      "CAP_SYS_RESOURCE changes, CAP_SYS_PTRACE dumps",
	      refused);
}

/* ---- the genetlink header is checked strictly ---- */

static int status_raw(struct genl_sock *g, int family, uint8_t reserved,
		      uint16_t flags)
{
	static char reply[GENL_MSG_MAX];
	struct genl_req r = {
		.family = family,
		.cmd = OOMQ_CMD_GET_STATUS,
		.reserved = reserved,
		.flags = flags,
	};

	return genl_call(g, &r, reply, sizeof(reply));
}

/* A new family validates every command (resv_start_op 0). */
void case_netlink_strict(struct outcome *o)
{
	struct genl_sock g;
	int family, err;

	if (genl_open(&g) || (family = genl_family(&g, OOMQ_GENL_NAME)) < 0) {
		failf(o, "cannot resolve the family");
		return;
	}
	err = status_raw(&g, family, 0, 0);
	if (err) {
		failf(o, "a plain status request failed: %s", strerror(-err));
		goto out;
	}
	err = status_raw(&g, family, 1, 0);
	if (err != -EINVAL) {
		failf(o, "status with genlmsghdr.reserved 1: %s, want EINVAL",
		      err ? strerror(-err) : "accepted");
		goto out;
	}
	err = status_raw(&g, family, 0, NLM_F_EXCL);
	if (err != -EINVAL) {
		failf(o, "status with NLM_F_EXCL: %s, want EINVAL",
		      err ? strerror(-err) : "accepted");
		goto out;
	}
	notef(o, "reserved header byte and a stray NLM_F_EXCL refused "
		 "(EINVAL), as for the commands of any new family");
out:
	genl_close(&g);
}

/* ---- no waiting for genl_mutex ---- */

#define BLOCK_MODULE "/lib/modules/oomq_genl_block.ko"
#define BLOCK_CMD_SLEEP 1
#define BLOCK_A_MS 1
#define BLOCK_MS 3000

static int block_family;

/* Sleep BLOCK_MS in the test family's doit, under genl_mutex. */
static int block_sleep(void *arg)
{
	uint32_t ms = BLOCK_MS;
	char attrs[16];
	struct genl_req r = {
		.family = block_family,
		.cmd = BLOCK_CMD_SLEEP,
		.attrs = attrs,
	};
	struct genl_sock g;

	(void)arg;
	r.len = genl_put_attr(attrs, 0, BLOCK_A_MS, &ms, sizeof(ms));
	if (genl_open(&g))
		return 1;
	return genl_call(&g, &r, NULL, 0) ? 2 : 0;
}

/*
 * Another family sleeps in its doit, holding genl_mutex.  A set-queue
 * must still complete at once, while a request to nlctrl (which has no
 * parallel ops) shows that the mutex was held all along.
 */
void case_netlink_parallel(struct outcome *o)
{
	pid_t a = spawn_small("para"), blocker;
	long long t0, queue_ms, ctrl_ms;
	struct genl_sock g;
	char want[32];
	int family, err, status;
	uint32_t pid = a;

	err = module_load_path(BLOCK_MODULE, "");
	if (err == -ENOENT) {
		skipf(o, "no oomq_genl_block.ko in the image");
		return;
	}
	if (err || a <= 0 || genl_open(&g)) {
		failf(o, "setup: %s", strerror(-err));
		goto out_module;
	}
	family = genl_family(&g, OOMQ_GENL_NAME);
	block_family = genl_family(&g, "oomq_block");
	if (family < 0 || block_family < 0) {
		failf(o, "cannot resolve the families");
		goto out;
	}
	blocker = spawn_fn(block_sleep, NULL);
	sleep_ms(500);
	t0 = now_ms();
	err = genl_set_queue(&g, family, &pid, 1);
	queue_ms = now_ms() - t0;
	t0 = now_ms();
	genl_family(&g, "oomq_block");
	ctrl_ms = now_ms() - t0;
	if (waitpid(blocker, &status, 0) != blocker || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		failf(o, "the blocking request failed");
		goto out;
	}
	unregister_child(blocker);
	snprintf(want, sizeof(want), "%d", a);
	if (err || !queue_is(want)) {
		failf(o, "set-queue: %s", err ? strerror(-err) : "not set");
		goto out;
	}
	if (queue_ms > 1000) {
		failf(o,
		      "set-queue took %lld ms while another family held "
		      "genl_mutex",
		      queue_ms);
		goto out;
	}
	/* Else the blocker never held the mutex: the case proves nothing. */
	if (ctrl_ms < 1000) {
		failf(o, "nlctrl answered in %lld ms: genl_mutex was not held",
		      ctrl_ms);
		goto out;
	}
	notef(o,
	      "set-queue took %lld ms while another family held genl_mutex "
	      "(nlctrl waited %lld ms)",
	      queue_ms, ctrl_ms);
out:
	genl_close(&g);
out_module:
	kill_all();
	module_unload_name("oomq_genl_block");
}

/* ---- the dump keeps the namespaces it started in ---- */

#define TIMENS_OFFSET_S 100000

struct dump_check {
	uint64_t limit_ns; /* no process started later (the starter's clock) */
	unsigned int tasks, late; /* seen; started after the limit */
};

/* One recv() of the dump: tasks checked; 1 at its end, 0, or -errno. */
static int dump_batch(struct genl_sock *g, int family, struct dump_check *c)
{
	static char buf[GENL_MSG_MAX];
	ssize_t n = genl_recv(g, buf, 4096);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	if (n < 0)
		return n;
	for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		const struct oomq_task_stat *st;
		const void *task;
		size_t len;

		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error ?: 1;
		if (nlh->nlmsg_type != family)
			continue;
		task = genl_attr((char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
				 nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
				 OOMQ_A_TASK, &len);
		st = task ? genl_attr(task, len, OOMQ_TASK_A_STAT, &len) : NULL;
		if (!st || len < sizeof(*st))
			return -EPROTO;
		c->tasks++;
		c->late += st->start_ns > c->limit_ns;
	}
	return 0;
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The rest of the dump, read in a time namespace set 100000 s ahead. */
static int dump_rest(struct genl_sock *g, int family, struct dump_check *c)
{
	int ret;

	while (!(ret = dump_batch(g, family, c)))
		;
	if (ret < 0)
		return 30;
	if (!c->tasks)
		return 31; /* the first batch held it all: nothing shown */
	return c->late ? 32 : 0;
}

static int dump_across_timens(void *arg)
{
	struct dump_check first = { .limit_ns =
					    boottime_ns() + 10000000000ULL };
	struct dump_check rest = first;
	struct genl_req r = { .cmd = OOMQ_CMD_GET_TASKS, .flags = NLM_F_DUMP };
	char offsets[64];
	struct genl_sock g;
	int family, status;
	pid_t child;

	(void)arg;
	if (genl_open(&g) || (family = genl_family(&g, OOMQ_GENL_NAME)) < 0)
		return 20;
	r.family = family;
	if (genl_send(&g, &r) || dump_batch(&g, family, &first) ||
	    !first.tasks || first.late)
		return 21;
	if (unshare(CLONE_NEWTIME))
		return 22;
	snprintf(offsets, sizeof(offsets), "boottime %d 0", TIMENS_OFFSET_S);
	if (write_str("/proc/self/timens_offsets", offsets))
		return 23;
	child = fork();
	if (child == 0)
		_exit(dump_rest(&g, family, &rest));
	if (child < 0 || waitpid(child, &status, 0) != child)
		return 24;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 25;
}

static const char *const timens_failures[] = {
	[20] = "cannot resolve the family",
	[21] = "the first batch failed or was empty",
	[22] = "unshare(CLONE_NEWTIME) failed",
	[23] = "cannot set the time namespace's offset",
	[24] = "fork failed",
	[25] = "the reader died",
	[30] = "the rest of the dump failed",
	[31] = "the first batch held the whole dump",
	[32] = "processes in the later batches started in the future: the "
	       "reader's time namespace, not the caller's",
};

/*
 * A dump's batches after the first run in the task that reads the
 * socket: here a child in a time namespace 100000 s ahead.  Start times
 * must stay in the time namespace of the task that asked.
 */
void case_tasks_dump_timens(struct outcome *o)
{
	pid_t pid;
	int status;

	if (access("/proc/self/timens_offsets", F_OK)) {
		skipf(o, "no time namespaces (CONFIG_TIME_NS)");
		return;
	}
	for (int i = 0; i < DUMP_SLEEPERS; i++)
		if (spawn_fn(sleep_forever, NULL) <= 0) {
			failf(o, "could not start sleeper %d", i);
			return;
		}
	pid = spawn_fn(dump_across_timens, NULL);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		failf(o, "could not run the dump");
		return;
	}
	unregister_child(pid);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (status) {
		failf(o, "%s (%d)",
		      status > 0 && status < (int)ARRAY_SIZE(timens_failures) &&
				      timens_failures[status] ?
			      timens_failures[status] :
			      "failed",
		      status);
		return;
	}
	notef(o,
	      "start times of a dump read on in a time namespace %d s "
	      "ahead stay the caller's",
	      TIMENS_OFFSET_S);
}
