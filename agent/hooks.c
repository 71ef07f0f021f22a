// SPDX-License-Identifier: GPL-2.0
/*
 * See hooks.h.  The helper is the top of its own process, so it logs
 * (log.h) what its hooks did: the daemon never waits to hear it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"
#include "notify.h"

#define HOOKS_POLL_MS 10 /* how often the helper looks at a running hook */

static const char *const hook_names[POLICY_NHOOKS] = {
	[POLICY_HOOK_PRE_KILL] = "pre_kill",
	[POLICY_HOOK_POST_KILL] = "post_kill",
	[POLICY_HOOK_PAUSE] = "pause",
	[POLICY_HOOK_CONTINUE] = "continue",
};

int hooks_for(enum notice_kind kind)
{
	switch (kind) {
	case NOTICE_KILL:
		return POLICY_HOOK_PRE_KILL;
	case NOTICE_KILLED:
	case NOTICE_OOM_KILL:
		return POLICY_HOOK_POST_KILL;
	case NOTICE_PAUSE:
		return POLICY_HOOK_PAUSE;
	case NOTICE_CONTINUE:
		return POLICY_HOOK_CONTINUE;
	case NOTICE_NKINDS:
		break;
	}
	return -1;
}

bool hooks_any(const struct policy_hooks *cfg)
{
	for (int i = 0; i < POLICY_NHOOKS; i++)
		if (cfg->cmd[i][0])
			return true;
	return false;
}

bool hooks_record(const struct policy_hooks *cfg, bool notify,
		  const struct notice *n, struct hook_record *r)
{
	int hook = hooks_for(n->kind);
	bool run = hook >= 0 && cfg->cmd[hook][0];

	notify = notify && notify_wants(n->kind);
	if (!run && !notify)
		return false;
	memset(r, 0, sizeof(*r));
	if (run)
		memcpy(r->cmd, cfg->cmd[hook], sizeof(r->cmd));
	snprintf(r->event, sizeof(r->event), "%s", notice_kind_name(n->kind));
	memcpy(r->comm, n->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	snprintf(r->reason, sizeof(r->reason), "%s",
		 n->reason ? n->reason : "");
	snprintf(r->choice, sizeof(r->choice), "%s",
		 notice_choice_name(n->choice));
	r->pid = n->pid;
	r->uid = n->uid;
	r->rss_kb = n->rss_kb;
	r->timeout_ms = cfg->timeout_ms;
	r->hook = run ? (unsigned int)hook : 0;
	r->kind = (unsigned int)n->kind;
	r->jobs = n->jobs;
	r->stopped_ms = n->stopped_ms;
	r->notify = notify;
	return true;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void setenv_u(const char *name, unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	setenv(name, buf, 1);
}

/* In the forked child: never returns. */
static void exec_hook(const void *arg)
{
	const struct hook_record *r = arg;
	int null;

	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	setenv("OOMQ_EVENT", r->event, 1);
	setenv_u("OOMQ_PID", (unsigned long long)r->pid);
	setenv("OOMQ_COMM", r->comm, 1);
	if (r->uid != NOTICE_UID_UNKNOWN)
		setenv_u("OOMQ_UID", r->uid);
	setenv_u("OOMQ_RSS_KB", r->rss_kb);
	setenv("OOMQ_REASON", r->reason, 1);
	setenv("OOMQ_CHOICE", r->choice, 1);
	execl("/bin/sh", "sh", "-c", r->cmd, (char *)NULL);
	_exit(127);
}

int hooks_fork_wait(void (*child)(const void *arg), const void *arg,
		    unsigned int timeout_ms, struct hook_result *res)
{
	const struct timespec tick = { .tv_nsec = HOOKS_POLL_MS * 1000000L };
	uint64_t start = now_ms();
	sigset_t none;
	pid_t pid, w;
	int st = 0;

	memset(res, 0, sizeof(*res));
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		setpgid(0, 0);
		/* The daemon's blocked and ignored signals would outlive exec. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		child(arg);
		_exit(127);
	}
	/* Also here: a kill at the deadline must find the group. */
	setpgid(pid, pid);
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (now_ms() - start >= timeout_ms) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			res->timed_out = true;
			break;
		}
		nanosleep(&tick, NULL);
	}
	res->status = st;
	res->ms = now_ms() - start;
	return 0;
}

int hooks_run(const struct hook_record *r, struct hook_result *res)
{
	return hooks_fork_wait(exec_hook, r, r->timeout_ms, res);
}

static void log_result(const struct hook_record *r, int ret,
		       const struct hook_result *res)
{
	const char *name = hook_names[r->hook % POLICY_NHOOKS];

	if (ret)
		logmsg(LOG_ERR, "hook %s for pid %d (%s): %s", name,
		       (int)r->pid, r->comm, strerror(-ret));
	else if (res->timed_out)
		logmsg(LOG_WARNING,
		       "hook %s for pid %d (%s): still running after %u ms: "
		       "killed",
		       name, (int)r->pid, r->comm, r->timeout_ms);
	else if (WIFSIGNALED(res->status))
		logmsg(LOG_WARNING, "hook %s for pid %d (%s): killed by %s",
		       name, (int)r->pid, r->comm,
		       strsignal(WTERMSIG(res->status)));
	else if (WEXITSTATUS(res->status))
		logmsg(LOG_WARNING, "hook %s for pid %d (%s): exit status %d",
		       name, (int)r->pid, r->comm, WEXITSTATUS(res->status));
	else
		logmsg(LOG_INFO, "hook %s for pid %d (%s): done in %llu ms",
		       name, (int)r->pid, r->comm, (unsigned long long)res->ms);
}

/* Shows what notify.h held back when its turn comes; ms to the next. */
static int notify_due(struct notify_limit *lim)
{
	struct hook_record r;
	unsigned int more;
	int wait_ms;

	while (notify_limit_due(lim, now_ms(), &r, &more, &wait_ms))
		notify_show(&r, more);
	return wait_ms;
}

/* One record: its notification first (bounded), then its hook. */
static void serve(struct notify_limit *lim, struct hook_record *r)
{
	struct hook_result res;
	unsigned int more;

	if (r->notify && notify_limit_offer(lim, r, now_ms(), &more))
		notify_show(r, more);
	if (r->cmd[0] && r->hook < POLICY_NHOOKS) {
		r->cmd[sizeof(r->cmd) - 1] = '\0';
		log_result(r, hooks_run(r, &res), &res);
	}
}

/* The helper process: records one at a time until the daemon goes. */
static void helper(int fd)
{
	static struct notify_limit lim; /* 2 KiB and more: not on the stack */
	struct hook_record r;
	struct pollfd pfd;
	sigset_t none;
	ssize_t n;
	int adj;

	prctl(PR_SET_NAME, "oomqd-hooks");
	/* Killed with the daemon's unit; its SIGTERM handler is not ours. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	log_set_notice_sink(NULL, NULL);
	/* Hooks are ordinary processes: not shielded from the OOM killer. */
	adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (adj >= 0) {
		if (write(adj, "0", 1) < 0)
			logmsg(LOG_INFO, "hooks: oom_score_adj 0: %s",
			       strerror(errno));
		close(adj);
	}
	/* Nothing of the daemon's but the pipe and stdio. */
	if (fd != 3) {
		dup2(fd, 3);
		fd = 3;
	}
	/* dup2() clears it; a hook holding the pipe would hide our death. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
#ifdef SYS_close_range
	syscall(SYS_close_range, 4, ~0U, 0);
#endif
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		if (poll(&pfd, 1, notify_due(&lim)) <= 0)
			continue;
		n = read(fd, &r, sizeof(r));
		if (n == 0)
			_exit(0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		if (n == sizeof(r))
			serve(&lim, &r);
	}
}

int hooks_start(struct hooks *h)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (!pid) {
		close(p[1]);
		helper(p[0]);
		_exit(0);
	}
	close(p[0]);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	h->fd = p[1];
	h->helper = pid;
	return 0;
}

int hooks_post(struct hooks *h, const struct policy_hooks *cfg,
	       const struct notice *n)
{
	struct hook_record r;
	ssize_t w;
	int err;

	if (!hooks_record(cfg, h->notify, n, &r))
		return 0;
	if (h->fd < 0)
		return -ENOTCONN;
	w = write(h->fd, &r, sizeof(r));
	if (w == (ssize_t)sizeof(r))
		return 0;
	if (w < 0 && errno == EAGAIN) {
		h->dropped++;
		return -EAGAIN;
	}
	err = w < 0 ? -errno : -EIO;
	hooks_stop(h);
	return err;
}

void hooks_stop(struct hooks *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	/*
	 * Called at exit, or when the helper is gone (EPIPE): one still
	 * at its last hook then ends on its own, reparented.
	 */
	if (h->helper > 0)
		waitpid(h->helper, NULL, WNOHANG);
	h->helper = 0;
}
