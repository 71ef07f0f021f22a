// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink commands through oomqctl, against the real module: status
 * reports what /proc/oom and the parameters say, set-queue and set-config
 * change them, the kernel's own checks refuse bad values with nothing
 * changed, and an unprivileged caller may read but not write
 * (GENL_ADMIN_PERM).
 */
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define CTL_OUT "/tmp/oomqctl.out"
#define CTL_ARGS_MAX 6

/* oomqctl's exit codes (tools/oomqctl.c). */
#define CTL_OK 0
#define CTL_REFUSED 3

struct ctl_run {
	uid_t uid; /* 0: as the runner */
	const char *argv[CTL_ARGS_MAX + 2];
};

static int ctl_exec(void *arg)
{
	const struct ctl_run *run = arg;
	int fd = open(CTL_OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return 126;
	if (run->uid &&
	    (setgroups(0, NULL) || setresgid(run->uid, run->uid, run->uid) ||
	     setresuid(run->uid, run->uid, run->uid)))
		return 126;
	execv(run->argv[0], (char *const *)run->argv);
	return 127;
}

/*
 * Run oomqctl with up to CTL_ARGS_MAX arguments (NULL-terminated) as
 * @uid; its exit status, its output in @out.
 */
static int ctl(uid_t uid, char *out, size_t size, const char *first, ...)
	__attribute__((sentinel));

static int ctl(uid_t uid, char *out, size_t size, const char *first, ...)
{
	struct ctl_run run = { .uid = uid, .argv = { env.oomqctl_path } };
	const char *a = first;
	int n = 1, status;
	va_list ap;
	pid_t pid;

	va_start(ap, first);
	for (; a && n <= CTL_ARGS_MAX; a = va_arg(ap, const char *))
		run.argv[n++] = a;
	va_end(ap);
	pid = spawn_fn(ctl_exec, &run);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	unregister_child(pid);
	if (read_text(CTL_OUT, out, size) < 0)
		out[0] = '\0';
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
