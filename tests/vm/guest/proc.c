// SPDX-License-Identifier: GPL-2.0
/*
 * Starting, watching and killing the runner's children.  Every child is
 * registered so a case that fails half-way still leaves nothing behind:
 * kill_all() sends SIGKILL before it waits on anything that may survive.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define REPORT_FD 3
#define READY_TIMEOUT_MS 30000
/* The trigger fills the guest's RAM under TCG: allow for a slow host. */
#define TRIGGER_TIMEOUT_MS 90000

static pid_t children[512];
static size_t nchildren;

static void register_child(pid_t pid)
{
	if (nchildren < ARRAY_SIZE(children))
		children[nchildren++] = pid;
}

static bool registered(pid_t pid)
{
	for (size_t i = 0; i < nchildren; i++)
		if (children[i] == pid)
			return true;
	return false;
}

void unregister_child(pid_t pid)
{
	for (size_t i = 0; i < nchildren; i++) {
		if (children[i] == pid) {
			children[i] = children[--nchildren];
			return;
		}
	}
}

/* Only our unreaped children: a reaped PID may belong to someone else. */
void kill_reap(pid_t pid)
{
	if (pid <= 0 || !registered(pid))
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	unregister_child(pid);
}

void kill_all(void)
{
	while (nchildren)
		kill_reap(children[nchildren - 1]);
}

/* Read one line from @fd within @timeout_ms; false on EOF or timeout. */
static bool read_line(int fd, char *buf, size_t size, unsigned int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	size_t len = 0;

	while (len + 1 < size) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		n = read(fd, buf + len, 1);
		if (n <= 0)
			return false;
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return true;
}

/* Exec this binary as a helper; *report_fd reads what it says on fd 3. */
static pid_t spawn_helper(char *const argv[], int *report_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		/* dup2 clears O_CLOEXEC on the copy, so fd 3 survives. */
		if (dup2(fds[1], REPORT_FD) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	register_child(pid);
	*report_fd = fds[0];
	return pid;
}

static pid_t spawn_ready(char *const argv[], char *line, size_t size)
{
	int fd;
	pid_t pid = spawn_helper(argv, &fd);

	if (pid < 0)
		return -1;
	if (!read_line(fd, line, size, scaled_ms(READY_TIMEOUT_MS)) ||
	    strncmp(line, "ready", 5)) {
		close(fd);
		kill_reap(pid);
		return -1;
	}
	close(fd);
	return pid;
}

static pid_t spawn_holder_kind(const char *kind, const struct holder_opts *o,
			       pid_t *tid)
{
	char mib[16], adj[16], line[64];
	char *argv[] = { "oomq-vmtest",
			 (char *)kind,
			 (char *)o->name,
			 mib,
			 adj,
			 (char *)(o->cgroup ? o->cgroup : "-"),
			 (char *)(o->bind ? o->bind : "-"),
			 NULL };
	const char *t;
	pid_t pid;

	snprintf(mib, sizeof(mib), "%u", o->mib);
	snprintf(adj, sizeof(adj), "%d", o->adj);
	pid = spawn_ready(argv, line, sizeof(line));
	t = strstr(line, "tid=");
	if (pid > 0 && tid)
		*tid = t ? atoi(t + 4) : 0;
	return pid;
}

pid_t spawn_holder(const struct holder_opts *opts)
{
	return spawn_holder_kind("holder", opts, NULL);
}

struct holder_opts small_holder(const char *name)
{
	return (struct holder_opts){ .name = name, .mib = 24 };
}

pid_t spawn_small(const char *name)
{
	struct holder_opts o = small_holder(name);

	return spawn_holder(&o);
}

/* The kernel's own choice in every global case: by far the largest. */
struct holder_opts big_holder(void)
{
	return (struct holder_opts){ .name = "big", .mib = 96 };
}

pid_t spawn_big(void)
{
	struct holder_opts o = big_holder();

	return spawn_holder(&o);
}

pid_t spawn_threaded(const char *name, pid_t *tid)
{
	struct holder_opts o = { .name = name, .mib = 1 };

	return spawn_holder_kind("threaded", &o, tid);
}

pid_t spawn_zombie(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		register_child(pid);
		/* Wait until it is a zombie, without reaping it. */
		siginfo_t si = { 0 };

		waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	}
	return pid;
}

pid_t spawn_exec(char *const argv[], const char *out)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		register_child(pid);
	return pid;
}

#define CAPTURE_OUT "/tmp/oomq-vmtest-capture.out"

int caps_keep(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	char buf[16];
	int last = 40;

	if (read_text("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0)
		last = atoi(buf);
	/* uid 0 gets the bounding set at exec: drop from it first. */
	for (int cap = 0; cap <= last; cap++)
		if (!(keep >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return -errno;
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		uint32_t k = keep >> (32 * i);

		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = data[i].permitted;
	}
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

struct capture {
	uid_t uid;
	bool drop_caps;
	uint64_t keep; /* with drop_caps: the capabilities kept */
	const char *const *argv;
};

static int capture_exec(void *arg)
{
	const struct capture *c = arg;
	int fd = open(CAPTURE_OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return 126;
	if (c->drop_caps && caps_keep(c->keep))
		return 126;
	if (c->uid &&
	    (setgroups(0, NULL) || setresgid(c->uid, c->uid, c->uid) ||
	     setresuid(c->uid, c->uid, c->uid)))
		return 126;
	execv(c->argv[0], (char *const *)c->argv);
	return 127;
}

static int capture(const struct capture *c, char *out, size_t size)
{
	pid_t pid = spawn_fn(capture_exec, (void *)c);
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	unregister_child(pid);
	if (read_text(CAPTURE_OUT, out, size) < 0)
		out[0] = '\0';
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_capture(uid_t uid, const char *const argv[], char *out, size_t size)
{
	struct capture c = { .uid = uid, .argv = argv };

	return capture(&c, out, size);
}

int run_capture_caps(uint64_t keep, const char *const argv[], char *out,
		     size_t size)
{
	struct capture c = { .drop_caps = true, .keep = keep, .argv = argv };

	return capture(&c, out, size);
}

int sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

pid_t spawn_fn(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	if (pid > 0)
		register_child(pid);
	return pid;
}

struct trigger_result run_trigger(const char *cgroup, const char *bind,
				  unsigned int max_mib)
{
	struct trigger_result r = { 0 };
	char max[16], line[128];
	char *argv[] = { "oomq-vmtest",
			 "trigger",
			 max,
			 (char *)(cgroup ? cgroup : "-"),
			 (char *)(bind ? bind : "-"),
			 NULL };
	long long t0 = now_ms();
	int fd;
	pid_t pid;

	snprintf(max, sizeof(max), "%u", max_mib);
	pid = spawn_helper(argv, &fd);
	if (pid < 0)
		return r;
	if (read_line(fd, line, sizeof(line), scaled_ms(TRIGGER_TIMEOUT_MS)) &&
	    !strncmp(line, "done ", 5)) {
		const char *p = strstr(line, "oom="), *m = strstr(line, "mib=");

		r.ok = true;
		r.oom = p && p[4] == '1';
		r.mib = m ? strtoul(m + 4, NULL, 10) : 0;
	}
	r.ms = now_ms() - t0;
	close(fd);
	/* Its memory is what made the OOM; give it back for the next one. */
	kill_reap(pid);
	return r;
}

static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

bool wait_killed(pid_t pid, unsigned int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };
	siginfo_t si = { 0 };

	pfd.fd = pidfd_open(pid);
	if (pfd.fd < 0)
		return false;
	poll(&pfd, 1, timeout_ms);
	close(pfd.fd);
	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG) || si.si_pid != pid)
		return false;
	unregister_child(pid);
	return si.si_code == CLD_KILLED && si.si_status == SIGKILL;
}

/* Does /proc/<pid>/status's @field (a hex signal mask) hold SIGKILL? */
static bool mask_has_kill(const char *status, const char *field)
{
	const char *p = strstr(status, field);

	return p && (strtoull(p + strlen(field), NULL, 16) &
		     (1ULL << (SIGKILL - 1)));
}

bool is_dying(pid_t pid)
{
	char path[64], buf[2048];
	const char *p;
	unsigned long flags = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return false;
	if (mask_has_kill(buf, "\nShdPnd:") || mask_has_kill(buf, "\nSigPnd:"))
		return true;
	/* The 9th field of stat, after "pid (comm) state": flags. */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & 0x4; /* PF_EXITING */
}

bool is_alive(pid_t pid)
{
	siginfo_t si = { 0 };
	char path[64], buf[512];
	const char *state;

	if (!waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT))
		return si.si_pid == 0;
	/* Not our child: "pid (comm) S ..." in /proc/<pid>/stat. */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return false;
	state = strrchr(buf, ')');
	return state && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}
