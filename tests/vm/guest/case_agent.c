// SPDX-License-Identifier: GPL-2.0
/*
 * The agent with the module: oomqd (static, in the image) runs as the
 * daemon with the bench's config (tests/vm/oomqd-vmtest.conf), and real
 * OOMs check what it promises:
 *
 *   agent_steers       its ranking decides: the process its policy
 *                      prefers (24 MiB, "victim") dies, not the 96 MiB
 *                      one the kernel alone would take (ranking from
 *                      the dump, it does not listen to process events);
 *   agent_sigkill_ttl  it set the queue TTL; killed with SIGKILL, the
 *                      queue it leaves stops steering once past the TTL;
 *   agent_survives     it set oom_score_adj -1000 for itself, so an OOM
 *                      in its own cgroup, where it is the kernel's first
 *                      choice, takes the other task; it then keeps
 *                      ranking (a new preferred process goes first once
 *                      a SIGHUP asks it to reload and re-rank);
 *   agent_pauses       pause_pct: it stops pausable jobs under pressure
 *                      (never the last one running) and continues them
 *                      when the pressure ends or when it exits; a second
 *                      oomqd refuses to start and leaves them stopped;
 *   agent_pause_shell  a pausable job an interactive shell (busybox sh
 *                      on a pty, job control) started in the foreground
 *                      is never stopped: the shell never says "Stopped"
 *                      and "job && echo" goes on;
 *   agent_events       ranking from /proc, it follows new processes
 *                      through the kernel's process events;
 *   agent_pause_build  with its own config (the shipped rules on build
 *                      drivers: match_ancestor_comm): a "make" whose
 *                      "sh" runs three workers with names no rule
 *                      lists; squeezed, oomqd stops workers, never make
 *                      nor sh, and continues them when it ends;
 *   agent_kill_stuck   kill = on: a victim that SIGKILL does not end
 *                      (held in its exit by a tracer, as D state or a
 *                      cgroup v1 freezer would hold it) does not stop
 *                      the proactive kill: after reap_timeout it goes
 *                      on to the next;
 *   agent_cgroup       [oomqd] cgroup: only that cgroup's processes are
 *                      queued, its limit is the memory, and its
 *                      shortage alone makes the proactive kill take its
 *                      process, not the bigger one outside;
 *   agent_zram         a zram swap nearly three times RAM that a hog's
 *                      incompressible data fills: oomqd (shipped
 *                      thresholds, pausing off) kills hog before the
 *                      kernel OOMs, though SwapFree stays high.
 *
 * The agent is started with oom_score_adj 0 (the runner's -1000 is not
 * inherited), its stdout and stderr in AGENT_LOG; a case that fails
 * because the agent exited quotes the log's last line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oomcheck.h"

#define R(pid, name) ((struct proc_ref){ (pid), (name) })

#define AGENT_LOG "/tmp/oomqd.log"
#define STATUS_OUT "/tmp/oomqctl-status.out"
/* From start to its first queue write, and to its self-protection. */
#define AGENT_START_MS 10000
/* The config's calm refresh (interval_s = 10), and a margin. */
#define AGENT_CALM_MS 15000
/* SIGHUP (reload the config) re-ranks at once. */
#define AGENT_RERANK_MS 5000
/* What the stale queue is left to age beyond the TTL. */
#define TTL_MARGIN_MS 500

/* How to run the agent: NULL members are left to its defaults. */
struct agent_args {
	const char *source; /* --source */
	const char *config; /* the bench's config (env.oomqd_conf) if NULL */
};

/* @arg: struct agent_args, or NULL. */
static int exec_agent(void *arg)
{
	const struct agent_args *a = arg ? arg : &(struct agent_args){ 0 };
	char *argv[6] = { (char *)env.oomqd_path, "--config",
			  (char *)(a->config ? a->config : env.oomqd_conf) };
	int fd;

	if (a->source) {
		argv[3] = "--source";
		argv[4] = (char *)a->source;
	}
	/* Not the runner's -1000: the agent must protect itself. */
	if (write_str("/proc/self/oom_score_adj", "0"))
		return 126;
	fd = open(AGENT_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return 126;
	close(fd);
	execv(argv[0], argv);
	return 127;
}

static bool agent_logged(const char *what)
{
	static char buf[1 << 16];

	return read_text(AGENT_LOG, buf, sizeof(buf)) > 0 && strstr(buf, what);
}

/*
 * agent_logged() within @ms, of @what or, if not NULL, @other: for a line
 * oomqd writes just after the act the case saw (it continues the jobs,
 * then says so).
 */
static bool agent_logs_either(const char *what, const char *other,
			      unsigned int ms)
{
	for (long long end = now_ms() + ms;
	     !agent_logged(what) && !(other && agent_logged(other));
	     sleep_ms(50))
		if (now_ms() > end)
			return false;
	return true;
}

static bool agent_logs(const char *what, unsigned int ms)
{
	return agent_logs_either(what, NULL, ms);
}

/* The last line the agent logged, for a failure's detail. */
static const char *agent_log_tail(void)
{
	static char buf[1 << 16];
	static char line[160];
	ssize_t n = read_text(AGENT_LOG, buf, sizeof(buf));
	char *p;

	if (n <= 0)
		return "(nothing logged)";
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	p = strrchr(buf, '\n');
	p = p ? p + 1 : buf;
	/* Truncated on purpose: one line of a detail. */
	memcpy(line, p, strnlen(p, sizeof(line) - 1));
	line[strnlen(p, sizeof(line) - 1)] = '\0';
	return line;
}

/* The first line the agent logged with @what in it, cut, or "". */
static const char *agent_log_line(const char *what)
{
	static char buf[1 << 16];
	static char line[240];
	const char *p, *e;
	size_t n;

	if (read_text(AGENT_LOG, buf, sizeof(buf)) <= 0 ||
	    !(p = strstr(buf, what)))
		return "";
	while (p > buf && p[-1] != '\n')
		p--;
	e = strchr(p, '\n');
	n = e ? (size_t)(e - p) : strlen(p);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, p, n);
	line[n] = '\0';
	return line;
}

/* Why @pid (a registered child) is gone: "exit 2", "signal 9". */
static const char *exit_how(pid_t pid)
{
	static char how[32];
	siginfo_t si = { 0 };

	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) ||
	    si.si_pid != pid)
		return "gone";
	snprintf(how, sizeof(how), "%s %d",
		 si.si_code == CLD_EXITED ? "exit" : "signal", si.si_status);
	return how;
}

static bool agent_dead(struct outcome *o, pid_t agent, const char *when)
{
	if (is_alive(agent))
		return false;
	failf(o, "oomqd (%d) is gone (%s) %s; its log: %s", agent,
	      exit_how(agent), when, agent_log_tail());
	return true;
}

static pid_t agent_start_from(struct outcome *o, const char *source)
{
	char path[64], comm[32] = "";
	long long end;
	pid_t pid;

	if (access(env.oomqd_path, X_OK)) {
		failf(o, "no oomqd in the image (%s)", env.oomqd_path);
		return -1;
	}
	if (access(env.oomqd_conf, R_OK)) {
		failf(o, "no oomqd config in the image (%s)", env.oomqd_conf);
		return -1;
	}
	pid = spawn_fn(exec_agent, &(struct agent_args){ .source = source });
	if (pid < 0) {
		failf(o, "fork: %s", strerror(errno));
		return -1;
	}
	/*
	 * Until the exec the child is a copy of the runner, oom_score_adj
	 * -1000 included: only after it does the agent's own value show.
	 */
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	end = now_ms() + AGENT_START_MS;
	while (read_text(path, comm, sizeof(comm)) < 0 ||
	       strcmp(comm, "oomqd\n")) {
		if (agent_dead(o, pid, "at start") || now_ms() > end) {
			failf(o, "oomqd (%d) did not start: comm '%s'", pid,
			      comm);
			return -1;
		}
		sleep_ms(10);
	}
	return pid;
}

static pid_t agent_start(struct outcome *o)
{
	return agent_start_from(o, NULL);
}

/* The PID at the head of /proc/oom; 0 when it is empty. */
static pid_t queue_head(void)
{
	char buf[4096];

	if (queue_read(buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/* Wait until the agent has put @pid first in /proc/oom. */
static bool wait_head(struct outcome *o, pid_t agent, pid_t pid,
		      const char *name, unsigned int timeout_ms,
		      const char *when)
{
	long long t0 = now_ms(), end = t0 + timeout_ms;
	pid_t head;

	do {
		head = queue_head();
		if (head == pid) {
			notef(o, "%s first in /proc/oom %lld ms %s", name,
			      now_ms() - t0, when);
			return true;
		}
		if (agent_dead(o, agent, when))
			return false;
		sleep_ms(50);
	} while (now_ms() < end);
	return failf(o, "%s (%d) not first in /proc/oom %u ms %s: head is %d",
		     name, pid, timeout_ms, when, head);
}

static bool spawned(struct outcome *o, pid_t pid, const char *what)
{
	return pid > 0 ? true : failf(o, "could not start %s", what);
}

/* The kill event for @pid must say @want (when netlink is up). */
static void event_is(struct outcome *o, pid_t pid, const char *name,
		     const char *want)
{
	char choice[32];

	if (!events_running()) {
		notef(o, "netlink not checked: no oomqctl events");
		return;
	}
	if (!events_wait_kill(pid, choice, sizeof(choice), 3000))
		failf(o, "no kill event for %s (%d)", name, pid);
	else if (strcmp(choice, want))
		failf(o, "kill event for %s says choice=%s, want %s", name,
		      choice, want);
	else
		notef(o, "event choice=%s", choice);
}

/* "queue_age_ms=1234" from `oomqctl status`; -1 if not known. */
static long long queue_age_ms(void)
{
	char *argv[] = { (char *)env.oomqctl_path, "status", NULL };
	char buf[4096];
	const char *p;
	pid_t pid;

	if (access(env.oomqctl_path, X_OK))
		return -1;
	pid = spawn_exec(argv, STATUS_OUT);
	if (pid < 0)
		return -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	unregister_child(pid);
	if (read_text(STATUS_OUT, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "queue_age_ms=");
	return p ? atoll(p + 13) : -1;
}

/*
 * User-space sockets listening to the proc connector (NETLINK_CONNECTOR,
 * 11, with a group joined), from /proc/net/netlink: "sk Eth Pid Groups
 * ...", the kernel's own (Pid 0) left out.  -1 if unreadable.
 */
static int proc_event_listeners(void)
{
	static char buf[1 << 15];
	int n = 0;

	if (read_text("/proc/net/netlink", buf, sizeof(buf)) < 0)
		return -1;
	for (char *line = strchr(buf, '\n'); line && *++line;
	     line = strchr(line, '\n')) {
		unsigned int eth, portid, groups;

		if (sscanf(line, "%*s %u %u %x", &eth, &portid, &groups) == 3 &&
		    eth == 11 && portid && groups)
			n++;
	}
	return n;
}

/* oomqd listens to the kernel's process events exactly when @want. */
static void listens_is(struct outcome *o, int want, const char *when)
{
	int n = proc_event_listeners();

	if (n != want)
		failf(o, "%d proc connector listeners %s, want %d", n, when,
		      want);
}

/*
 * The policy's choice dies: "victim" (24 MiB) is preferred by the
 * config, "big" (96 MiB) is what the kernel alone would take.
 */
void case_agent_steers(struct outcome *o)
{
	pid_t big = spawn_big(), victim = spawn_small("victim");
	pid_t other = spawn_small("other"), agent;

	if (!spawned(o, big, "big") || !spawned(o, victim, "victim") ||
	    !spawned(o, other, "other"))
		return;
	agent = agent_start(o);
	if (agent < 0 || !wait_head(o, agent, victim, "victim", AGENT_START_MS,
				    "after oomqd started"))
		return;

	const struct proc_ref live[] = { R(big, "big"), R(other, "other"),
					 R(agent, "oomqd") };
	if (!oom_once(o, &(struct oom_expect){ .victim = R(victim, "victim"),
					       .live = live,
					       .nlive = 3,
					       .choices = "queue",
					       .scope = "global" }))
		return;
	event_is(o, victim, "victim", "queue");
	/* With the module there, the daemon ranks from its task dump. */
	if (!agent_logged("ranking from the module's task dump"))
		failf(o, "oomqd did not rank from the task dump: %s",
		      agent_log_tail());
	/* and needs no process events, which cost every fork and exit. */
	listens_is(o, 0, "ranking from the dump");
}

/* MemAvailable, MiB. */
static long mem_available_mib(void)
{
	char buf[4096];
	const char *p;

	if (read_text("/proc/meminfo", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "MemAvailable:")))
		return -1;
	return strtol(p + 13, NULL, 10) / 1024;
}

/*
 * MemAvailable once it has stopped rising or falling (by 1 MiB in
 * 200 ms; 2 s at most): right after a big holder is reaped the figure
 * still moves, and a squeeze sized on it fell short (CI: MemAvailable
 * 25, 32, then 34 MiB under squeezes aimed at 25, and once not below
 * pause_pct at all).
 */
static long settled_mem_available_mib(void)
{
	long prev = mem_available_mib(), cur = prev;

	for (int i = 0; i < 10; i++) {
		sleep_ms(200);
		cur = mem_available_mib();
		if (cur >= prev - 1 && cur <= prev + 1)
			break;
		prev = cur;
	}
	return cur;
}

/*
 * Squeeze MemAvailable to PRESSURE_AVAIL_PCT of RAM (below oomqd's
 * default 10% "high" threshold) and wait until the agent has logged the
 * rise out of "calm".  The holder has oom_score_adj -500, so big stays
 * the kernel's own choice at the next OOM.  Its PID, or -1 (failed).
 */
#define PRESSURE_AVAIL_PCT 8
#define PRESSURE_NOTICE_MS 15000

static pid_t press_agent(struct outcome *o, pid_t agent)
{
	long avail = settled_mem_available_mib();
	long want = (long)mem_total_mib() * PRESSURE_AVAIL_PCT / 100;
	struct holder_opts h = { .name = "pressure", .adj = -500 };
	long long end = now_ms() + PRESSURE_NOTICE_MS;
	pid_t pid;

	if (avail < 0 || avail <= want + 8) {
		failf(o, "MemAvailable %ld MiB: no room to add pressure",
		      avail);
		return -1;
	}
	h.mib = (unsigned int)(avail - want);
	pid = spawn_holder(&h);
	if (pid <= 0) {
		failf(o, "could not start a %u MiB pressure holder", h.mib);
		return -1;
	}
	while (!agent_logged("pressure calm -> ") && now_ms() < end &&
	       !agent_dead(o, agent, "under pressure"))
		sleep_ms(100);
	if (o->res == RES_FAIL)
		return -1;
	if (!agent_logged("pressure calm -> ")) {
		failf(o,
		      "oomqd logged no pressure rise in %d ms (MemAvailable %ld MiB): %s",
		      PRESSURE_NOTICE_MS, mem_available_mib(),
		      agent_log_tail());
		return -1;
	}
	notef(o,
	      "%u MiB more held, MemAvailable %ld MiB, oomqd saw the pressure",
	      h.mib, mem_available_mib());
	return pid;
}

/*
 * SIGKILL leaves the agent's last queue behind; once older than the TTL
 * the agent set, the module ignores it: the kernel's own choice dies and
 * the event says "stale".  The agent is killed mid-pressure, when it is
 * refreshing the queue most often.
 */
void case_agent_sigkill_ttl(struct outcome *o)
{
	pid_t big = spawn_big(), victim = spawn_small("victim"), agent;
	char ttl[32] = "", missing[200] = "";
	long long end, age, wait;

	if (!spawned(o, big, "big") || !spawned(o, victim, "victim"))
		return;
	agent = agent_start(o);
	if (agent < 0 || !wait_head(o, agent, victim, "victim", AGENT_START_MS,
				    "after oomqd started"))
		return;
	/* The agent sets the TTL from its config, over netlink. */
	end = now_ms() + AGENT_START_MS;
	while ((param_get("ttl_ms", ttl, sizeof(ttl)) || !strcmp(ttl, "0")) &&
	       now_ms() < end && !agent_dead(o, agent, "before its TTL"))
		sleep_ms(50);
	if (o->res == RES_FAIL)
		return;
	if (!strcmp(ttl, "0")) {
		/* Go on as if it had, to check the rest; the case fails. */
		snprintf(
			missing, sizeof(missing),
			"oomqd did not set the queue TTL: ttl_ms still 0 %d ms after start (config ttl_ms=20001)",
			AGENT_START_MS);
		param_set("ttl_ms", "20001");
		snprintf(ttl, sizeof(ttl), "20001");
	}
	notef(o, "ttl_ms=%s", ttl);
	if (press_agent(o, agent) < 0)
		return;

	kill_reap(agent);
	if (queue_head() != victim) {
		failf(o, "the dead agent's queue does not start with victim");
		return;
	}
	/* Its last write may be up to half the TTL old already. */
	age = queue_age_ms();
	wait = atoll(ttl) + TTL_MARGIN_MS - (age > 0 ? age : 0);
	notef(o, "queue %lld ms old at SIGKILL, waited %lld ms", age, wait);
	if (wait > 0)
		sleep_ms(wait);

	if (!oom_once(o, &(struct oom_expect){ .victim = R(big, "big"),
					       .live = &R(victim, "victim"),
					       .nlive = 1,
					       .choices = "stale",
					       .scope = "global" }))
		return;
	event_is(o, big, "big", "stale");
	if (missing[0])
		failf(o,
		      "%s; with ttl_ms set through sysfs instead the stale queue was ignored",
		      missing);
}

/*
 * An OOM in the agent's own cgroup, where it is the kernel's first
 * choice: the only other task there is never queued and has
 * oom_score_adj -500 (a negative badness), so only the agent's own
 * -1000 keeps it alive.  Afterwards it must still be ranking.
 */
void case_agent_survives(struct outcome *o)
{
	struct holder_opts uo = { .name = "unqueued", .mib = 4, .adj = -500 };
	char cg[128], pidbuf[16];
	pid_t agent, unq, big, fresh;
	long long end;
	long adj;
	int err;

	err = cg_create("oomq-agent", cg, sizeof(cg));
	if (!err)
		err = cg_set(cg, "memory.max", "64M");
	if (err) {
		failf(o, "cgroup setup: %s", strerror(-err));
		cg_remove(cg);
		return;
	}
	uo.cgroup = cg;
	unq = spawn_holder(&uo);
	if (!spawned(o, unq, "unqueued"))
		goto out;
	agent = agent_start(o);
	if (agent < 0)
		goto out;
	/* Started, and protected itself (it started at 0). */
	end = now_ms() + AGENT_START_MS;
	while ((adj = oom_score_adj(agent)) != -1000 && now_ms() < end &&
	       !agent_dead(o, agent, "after start"))
		sleep_ms(50);
	if (o->res == RES_FAIL)
		goto out;
	if (adj != -1000) {
		failf(o,
		      "oomqd did not protect itself: /proc/%d/oom_score_adj is %ld %d ms after start, want -1000",
		      agent, adj, AGENT_START_MS);
		goto out;
	}
	snprintf(pidbuf, sizeof(pidbuf), "%d", agent);
	err = cg_set(cg, "cgroup.procs", pidbuf);
	if (err) {
		failf(o, "move oomqd into %s: %s", cg, strerror(-err));
		goto out;
	}
	notef(o, "oomqd oom_score_adj -1000");

	if (!oom_once(o, &(struct oom_expect){ .cgroup = cg,
					       .max_mib = 256,
					       .victim = R(unq, "unqueued"),
					       .live = &R(agent, "oomqd"),
					       .nlive = 1,
					       .choices = "dry|kernel",
					       .scope = "memcg" }))
		goto out;
	if (agent_dead(o, agent, "after the OOM"))
		goto out;
	/*
	 * Its calm timer would queue "fresh" within 10 s; a reload is the
	 * documented way to have it re-rank now, and costs the bench less.
	 * "big" would come first if the policy were not applied.
	 */
	big = spawn_big();
	fresh = spawn_small("fresh");
	if (spawned(o, big, "big") && spawned(o, fresh, "fresh") &&
	    !kill(agent, SIGHUP))
		wait_head(o, agent, fresh, "fresh", AGENT_RERANK_MS,
			  "after the OOM and a SIGHUP");
	agent_dead(o, agent, "at the end");
out:
	kill_all();
	cg_remove(cg);
}

/*
 * From /proc with rules on comm only, the daemon listens to the kernel's
 * process events and, after its first pass, reads comm only of new and
 * changed processes (agent/verdicts.h).  "victim" (preferred) is there
 * from the start; "fresh" (preferred too) comes later, a fork the first
 * pass never saw, and must head the queue at the next calm pass once
 * "victim" is gone.  "other" matches nothing: were "fresh" taken for
 * one like it, "other" (older, as big) would head the queue.
 */
void case_agent_events(struct outcome *o)
{
	pid_t victim = spawn_small("victim"), other = spawn_small("other");
	pid_t agent, fresh;

	if (!spawned(o, victim, "victim") || !spawned(o, other, "other"))
		goto out;
	agent = agent_start_from(o, "proc");
	if (agent < 0)
		goto out;
	if (!agent_logs("process events: rules re-read", AGENT_START_MS)) {
		failf(o, "oomqd does not listen to process events: %s",
		      agent_log_tail());
		goto out;
	}
	if (!wait_head(o, agent, victim, "victim", AGENT_START_MS,
		       "after oomqd started from /proc"))
		goto out;
	listens_is(o, 1, "ranking from /proc");
	fresh = spawn_small("fresh");
	if (!spawned(o, fresh, "fresh"))
		goto out;
	kill_reap(victim);
	wait_head(o, agent, fresh, "fresh", AGENT_CALM_MS,
		  "at the next calm pass");
	if (!agent_logged("ranking from /proc"))
		failf(o, "oomqd did not rank from /proc: %s", agent_log_tail());
	agent_dead(o, agent, "at the end");
out:
	kill_all();
}

/*
 * The same processes ranked from /proc and from the module's task dump
 * must give the same queue, for every port.  Two oomqd runs are two
 * moments: classic divides by the square roots of CPU and run time, so a
 * process can cross a rounding step in between.  A difference must
 * therefore persist over SOURCE_TRIES runs to count.
 */
#define SOURCE_TRIES 3

static int run_oomqd(const char *port, const char *source, char *out,
		     size_t size)
{
	const char *argv[] = { env.oomqd_path, "--once",
			       "--dry-run",    "--config",
			       env.oomqd_conf, "--policy",
			       port,	       "--source",
			       source,	       NULL };

	return run_capture(0, argv, out, size);
}

/* The queue line of `oomqd --once` (the last line it printed). */
static const char *queue_of(char *out)
{
	size_t n = strlen(out);
	char *p;

	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	p = strrchr(out, '\n');
	return p ? p + 1 : out;
}

static bool same_queue(struct outcome *o, const char *port, size_t *len)
{
	static char from_proc[8192], from_dump[8192];
	int st;

	for (int i = 0; i < SOURCE_TRIES; i++) {
		st = run_oomqd(port, "proc", from_proc, sizeof(from_proc));
		if (st)
			return failf(o, "%s from /proc: exit %d: %s", port, st,
				     queue_of(from_proc));
		st = run_oomqd(port, "netlink", from_dump, sizeof(from_dump));
		if (st)
			return failf(o, "%s from the dump: exit %d: %s", port,
				     st, queue_of(from_dump));
		if (!strcmp(queue_of(from_proc), queue_of(from_dump))) {
			*len = 1;
			for (const char *p = queue_of(from_dump); *p; p++)
				*len += *p == ' ';
			return true;
		}
	}
	return failf(o, "%s: /proc queues '%.120s', the dump '%.120s'", port,
		     queue_of(from_proc), queue_of(from_dump));
}

void case_agent_sources(struct outcome *o)
{
	static const char *const ports[] = { "modern", "classic", "rss" };
	/* Equal sizes too: ties must break the same way (lower PID). */
	static const unsigned int mib[] = { 1, 2,  3,  4,  4,  4,  6,
					    8, 10, 12, 16, 16, 24, 32 };
	static char out[1 << 16];
	const char *list_argv[] = { env.oomqd_path, "--list", "--source",
				    "netlink", NULL };
	size_t len = 0;

	if (access(env.oomqd_path, X_OK)) {
		skipf(o, "oomqd not in the image");
		return;
	}
	/* Holders of different sizes, so the order means something. */
	for (size_t i = 0; i < ARRAY_SIZE(mib); i++) {
		struct holder_opts h = { .name = "ranked", .mib = mib[i] };

		if (spawn_holder(&h) <= 0) {
			failf(o, "could not start holder %zu", i);
			return;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		if (!same_queue(o, ports[i], &len))
			return;
		notef(o, "%s: same queue (%zu PIDs)", ports[i], len);
	}
	if (run_capture(0, list_argv, out, sizeof(out)) ||
	    !strstr(out, "# source: netlink task dump"))
		failf(o, "oomqd --list --source netlink: %.200s", out);
	else
		notef(o, "--list names the dump");
}

/* The state letter of /proc/PID/stat: 'S' sleeping, 'T' stopped. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return '?';
	return p[2];
}

#define PAUSE_JOBS 3
#define PAUSE_WAIT_MS 15000
/* After the second stop: no third may come. */
#define PAUSE_HOLD_MS 2000

static int stopped_jobs(const pid_t *job)
{
	int n = 0;

	for (int i = 0; i < PAUSE_JOBS; i++)
		n += proc_state(job[i]) == 'T';
	return n;
}

/*
 * The squeeze of a pause phase: press_agent()'s holder and the top-ups.
 * On 6.12 MemAvailable crept back up by ~10 MiB within seconds of a
 * squeeze (CI), and oomqd rightly stops no second job while memory is
 * rising; a top-up takes it below oomqd's last stop again, as a build
 * that keeps allocating would.
 */
#define SQUEEZE_MAX 8

struct squeeze {
	pid_t pid[SQUEEZE_MAX];
	int n;
	off_t log_from; /* the agent's log before the squeeze */
};

static off_t agent_log_size(void)
{
	struct stat st;

	return stat(AGENT_LOG, &st) ? 0 : st.st_size;
}

static bool squeeze_start(struct outcome *o, pid_t agent, struct squeeze *sq)
{
	sq->n = 0;
	sq->log_from = agent_log_size();
	sq->pid[0] = press_agent(o, agent);
	if (sq->pid[0] < 0)
		return false;
	sq->n = 1;
	return true;
}

/*
 * The MemAvailable oomqd logged with its last stop since @from in its
 * log ("pause: SIGSTOP to pid 162 (job2) ...; MemAvailable 23 MiB; ..."),
 * in MiB, or -1 before its first.  The log's last 64 KiB will do: a
 * phase logs a few lines.
 */
static long agent_last_stop_mib(off_t from)
{
	static const char stop[] = "pause: SIGSTOP to pid ";
	static const char with[] = "; MemAvailable ";
	static char buf[1 << 16];
	off_t at = agent_log_size() - (off_t)(sizeof(buf) - 1);
	const char *p, *last = NULL, *avail;
	int fd = open(AGENT_LOG, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf) - 1, at > from ? at : from);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* Only a stop's own line: a process joining a stopped job has none. */
	for (p = buf; (p = strstr(p, stop)); p += sizeof(stop) - 1) {
		const char *eol = strchr(p, '\n');

		avail = strstr(p, with);
		if (avail && (!eol || avail < eol))
			last = avail;
	}
	return last ? strtol(last + sizeof(with) - 1, NULL, 10) : -1;
}

/*
 * MemAvailable back at or above where oomqd made its last stop (it stops
 * again only while memory has not risen since): 3 MiB below that; before
 * its first stop, back above the squeeze's aim: 3 MiB below the aim.
 * The stop's level is oomqd's own, in its whole MiB, so that no rise it
 * sees goes unseen here.  The least MemAvailable the case had seen, with
 * a 1 MiB margin, was not enough: on trixie's 6.12 memory crept from the
 * stop's 24972 KiB to 26528 KiB and sat there, above the stop and below
 * the margin, and no second stop came in 15 s.
 */
static void squeeze_top_up(struct squeeze *sq)
{
	long mark = agent_last_stop_mib(sq->log_from);
	long avail = mem_available_mib();
	struct holder_opts h = { .name = "pressure", .adj = -500 };
	pid_t pid;

	if (sq->n == SQUEEZE_MAX || avail < 0)
		return;
	if (mark < 0) {
		mark = (long)mem_total_mib() * PRESSURE_AVAIL_PCT / 100;
		if (avail <= mark + 1)
			return;
	} else if (avail < mark) {
		return;
	}
	h.mib = (unsigned int)(avail - mark + 3);
	pid = spawn_holder(&h);
	if (pid > 0)
		sq->pid[sq->n++] = pid;
}

static void squeeze_end(struct squeeze *sq)
{
	while (sq->n)
		kill_reap(sq->pid[--sq->n]);
}

/*
 * Wait until @want jobs are stopped; the most seen goes to *@most.  With
 * @sq, the squeeze is topped up every half second it is not there yet.
 */
static bool wait_stopped(struct outcome *o, pid_t agent, const pid_t *job,
			 int want, int *most, unsigned int timeout_ms,
			 const char *when, struct squeeze *sq)
{
	long long end = now_ms() + timeout_ms, top_up = now_ms() + 500;
	int n;

	do {
		n = stopped_jobs(job);
		if (n > *most)
			*most = n;
		if (n == want)
			return true;
		if (agent_dead(o, agent, when))
			return false;
		if (sq && now_ms() >= top_up) {
			squeeze_top_up(sq);
			top_up = now_ms() + 500;
		}
		sleep_ms(50);
	} while (now_ms() < end);
	return failf(
		o,
		"%d of %d jobs stopped %u ms %s, want %d; MemAvailable %ld MiB; oomqd: %s",
		n, PAUSE_JOBS, timeout_ms, when, want, mem_available_mib(),
		agent_log_tail());
}

/* A started agent that has ranked once, or -1 (failed). */
static pid_t agent_ranked(struct outcome *o)
{
	pid_t agent = agent_start(o);

	if (agent < 0)
		return -1;
	for (long long end = now_ms() + AGENT_START_MS;
	     !agent_logged("queue head:"); sleep_ms(50))
		if (agent_dead(o, agent, "at start") || now_ms() > end) {
			failf(o, "oomqd ranked nothing in %d ms: %s",
			      AGENT_START_MS, agent_log_tail());
			return -1;
		}
	return agent;
}

/*
 * A second oomqd while the first holds jobs stopped: it must refuse to
 * start (exit 1), name the first one, and continue none of its jobs.
 */
#define SECOND_AGENT_LOG "/tmp/oomqd-second.log"

static void second_agent_refused(struct outcome *o, pid_t agent,
				 const pid_t *job)
{
	char *argv[] = { (char *)env.oomqd_path, "--config",
			 (char *)env.oomqd_conf, NULL };
	static char out[4096];
	int before = stopped_jobs(job), status = 0;
	long long end = now_ms() + 5000;
	char want[64];
	pid_t pid = spawn_exec(argv, SECOND_AGENT_LOG);

	if (pid < 0) {
		failf(o, "could not start a second oomqd");
		return;
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ms() > end) {
			kill_reap(pid);
			failf(o,
			      "a second oomqd kept running; jobs stopped: "
			      "%d, were %d",
			      stopped_jobs(job), before);
			return;
		}
		sleep_ms(50);
	}
	unregister_child(pid);
	if (read_text(SECOND_AGENT_LOG, out, sizeof(out)) < 0)
		out[0] = '\0';
	snprintf(want, sizeof(want), "locked by another oomqd (pid %d)", agent);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1 ||
	    !strstr(out, want))
		failf(o, "a second oomqd: status %#x, said: %.160s", status,
		      out);
	else if (stopped_jobs(job) != before)
		failf(o, "%d jobs stopped after a second oomqd, were %d",
		      stopped_jobs(job), before);
	else
		notef(o, "a second oomqd refused to start");
}

/*
 * pause_pct (12 % in the bench's config) and the "jobs" rule: with
 * MemAvailable squeezed to 8 %, oomqd stops half of the three jobs, then
 * half of the two left, and never the last one; once the squeeze is
 * gone it continues them; squeezed again and then stopped with SIGTERM,
 * a second oomqd started then refuses to, and leaves them stopped; the
 * first, stopped with SIGTERM, continues what it had stopped before it
 * exits; SIGKILLed instead, it leaves them stopped, and the next oomqd
 * continues them at start.
 */
void case_agent_pauses(struct outcome *o)
{
	struct holder_opts h = { .mib = 8 };
	pid_t job[PAUSE_JOBS], agent;
	struct squeeze sq = { .n = 0 };
	int most = 0;

	for (int i = 0; i < PAUSE_JOBS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "job%d", i);
		h.name = name;
		job[i] = spawn_holder(&h);
		if (!spawned(o, job[i], name))
			return;
	}
	agent = agent_ranked(o);
	if (agent < 0)
		return;
	if (!squeeze_start(o, agent, &sq) ||
	    !wait_stopped(o, agent, job, PAUSE_JOBS - 1, &most, PAUSE_WAIT_MS,
			  "under pressure", &sq))
		return;
	sleep_ms(PAUSE_HOLD_MS);
	if (stopped_jobs(job) > most)
		most = stopped_jobs(job);
	if (most == PAUSE_JOBS)
		failf(o, "all %d jobs stopped: the last must run", PAUSE_JOBS);
	notef(o, "%d of %d jobs stopped at MemAvailable %ld MiB", most,
	      PAUSE_JOBS, mem_available_mib());

	squeeze_end(&sq);
	if (!wait_stopped(o, agent, job, 0, &most, PAUSE_WAIT_MS,
			  "after the pressure ended", NULL))
		return;
	/*
	 * Continued for memory that came back: above the room ("memory is
	 * back") or above watch_at and still ("memory is calm", which
	 * pause_ctl.c asks first, once a horizon has passed since the last
	 * stop: on arm64 under TCG the squeeze can take that long).
	 */
	if (!agent_logs_either("memory is back", "memory is calm", 2000))
		failf(o, "no continue for memory logged: %s", agent_log_tail());
	notef(o, "all continued after the pressure ended");

	if (!squeeze_start(o, agent, &sq) ||
	    !wait_stopped(o, agent, job, PAUSE_JOBS - 1, &most, PAUSE_WAIT_MS,
			  "pressed again", &sq))
		return;
	second_agent_refused(o, agent, job);
	kill(agent, SIGTERM);
	while (waitpid(agent, NULL, 0) < 0 && errno == EINTR)
		;
	unregister_child(agent);
	if (stopped_jobs(job))
		failf(o, "%d jobs still stopped after oomqd exited",
		      stopped_jobs(job));
	else
		notef(o, "oomqd continued the stopped jobs when it exited");
	squeeze_end(&sq);

	agent = agent_ranked(o);
	if (agent < 0)
		return;
	if (!squeeze_start(o, agent, &sq) ||
	    !wait_stopped(o, agent, job, PAUSE_JOBS - 1, &most, PAUSE_WAIT_MS,
			  "pressed a third time", &sq))
		return;
	kill_reap(agent);
	sleep_ms(200);
	if (stopped_jobs(job) != PAUSE_JOBS - 1)
		failf(o, "%d jobs stopped after SIGKILL to oomqd, want %d",
		      stopped_jobs(job), PAUSE_JOBS - 1);
	squeeze_end(&sq);
	agent = agent_start(o);
	if (agent < 0 || !wait_stopped(o, agent, job, 0, &most, PAUSE_WAIT_MS,
				       "after oomqd started again", NULL))
		return;
	if (!agent_logs("an earlier oomqd left stopped", 2000))
		failf(o, "the new oomqd did not say it continued them: %s",
		      agent_log_tail());
	else
		notef(o, "SIGKILLed, the next oomqd continued them at start");
	for (int i = 0; i < PAUSE_JOBS; i++)
		if (!is_alive(job[i]))
			failf(o, "job%d (%d) died: pausing must not kill", i,
			      job[i]);
}

/* The pty the shell case needs: devpts, mounted if /init did not. */
static bool devpts(struct outcome *o)
{
	if (!access("/dev/pts/ptmx", F_OK))
		return true;
	if ((mkdir("/dev/pts", 0755) && errno != EEXIST) ||
	    mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666")) {
		failf(o, "mount devpts: %s", strerror(errno));
		return false;
	}
	return true;
}

/* The shell: a session of its own, the pty its controlling terminal. */
static int exec_shell(void *arg)
{
	int t;

	if (setsid() < 0 || (t = open(arg, O_RDWR)) < 0)
		return 126;
	dup2(t, 0);
	dup2(t, 1);
	dup2(t, 2);
	if (t > 2)
		close(t);
	/* Not the runner's -1000: an ordinary user's shell. */
	write_str("/proc/self/oom_score_adj", "0");
	execl("/bin/sh", "sh", "-i", (char *)NULL);
	return 127;
}

/* Everything the shell wrote so far is appended to @buf. */
static void pty_drain(int m, char *buf, size_t size)
{
	size_t len = strlen(buf);
	ssize_t n;

	while (len + 1 < size && (n = read(m, buf + len, size - len - 1)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
	}
}

/* The last @n bytes of the shell's output on one line, for a detail. */
static const char *pty_tail(const char *buf, size_t n)
{
	static char line[256];
	size_t len = strlen(buf), k = 0;

	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	for (const char *p = buf + (len > n ? len - n : 0); *p; p++)
		if (*p >= ' ' && *p < 127)
			line[k++] = *p;
		else if (k && line[k - 1] != ' ')
			line[k++] = ' ';
	line[k] = '\0';
	return line;
}

/* A child of @parent named @comm, within @ms; 0 if none. */
static pid_t child_named(pid_t parent, const char *comm, unsigned int ms)
{
	char path[64], buf[256], name[32];

	for (long long end = now_ms() + ms; now_ms() < end; sleep_ms(20)) {
		char *p = buf;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
			 parent, parent);
		if (read_text(path, buf, sizeof(buf)) < 0)
			continue;
		for (long pid; (pid = strtol(p, &p, 10)) > 0;) {
			snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
			if (read_text(path, name, sizeof(name)) > 0 &&
			    !strncmp(name, comm, strlen(comm)) &&
			    name[strlen(comm)] == '\n')
				return (pid_t)pid;
		}
	}
	return 0;
}

/*
 * busybox sh -i on a pty, with job control, runs
 *	oomq-vmtest holder job0 4 0 - 3>/dev/null && echo NEXT-$((20+22))
 * in the foreground: job0 (4 MiB, the smallest pausable job, so the one
 * a stop would take first) is the leader of the shell's job.  job1 and
 * job2 (8 MiB) are the runner's.  Squeezed, oomqd stops one of job1 and
 * job2 and never job0: the shell would say "Stopped", take the terminal
 * back and skip the echo.  Once memory is back and job0 ends (SIGUSR1:
 * status 0), the shell prints NEXT-42.
 */
void case_agent_pause_shell(struct outcome *o)
{
	static char out[8192];
	static const char cmd[] = "/bin/oomq-vmtest holder job0 4 0 - "
				  "3>/dev/null && echo NEXT-$((20+22))\n";
	struct holder_opts h = { .mib = 8 };
	pid_t job[PAUSE_JOBS] = { 0 }, agent, shell;
	struct squeeze sq = { .n = 0 };
	char stop0[48];
	int m, most = 0;

	if (!devpts(o))
		return;
	m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (m < 0 || grantpt(m) || unlockpt(m) || !ptsname(m)) {
		failf(o, "pty: %s", strerror(errno));
		return;
	}
	shell = spawn_fn(exec_shell, ptsname(m));
	out[0] = '\0';
	sleep_ms(500);
	if (write(m, cmd, sizeof(cmd) - 1) != (ssize_t)sizeof(cmd) - 1) {
		failf(o, "write to the shell: %s", strerror(errno));
		goto out;
	}
	job[0] = child_named(shell, "job0", 5000);
	if (!job[0]) {
		pty_drain(m, out, sizeof(out));
		failf(o, "the shell started no job0: %s", pty_tail(out, 160));
		goto out;
	}
	for (int i = 1; i < PAUSE_JOBS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "job%d", i);
		h.name = name;
		job[i] = spawn_holder(&h);
		if (!spawned(o, job[i], name))
			goto out;
	}
	agent = agent_ranked(o);
	if (agent < 0)
		goto out;
	if (!squeeze_start(o, agent, &sq) ||
	    !wait_stopped(o, agent, job, 1, &most, PAUSE_WAIT_MS,
			  "under pressure", &sq))
		goto out_squeeze;
	sleep_ms(PAUSE_HOLD_MS);
	snprintf(stop0, sizeof(stop0), "SIGSTOP to pid %d ", job[0]);
	pty_drain(m, out, sizeof(out));
	if (agent_logged(stop0) || strstr(out, "Stopped"))
		failf(o, "oomqd stopped the shell's job%s; the shell: %s",
		      agent_logged(stop0) ? " (logged)" : "",
		      pty_tail(out, 120));
	else
		notef(o, "%d of job1, job2 stopped, job0 (the shell's) runs",
		      stopped_jobs(job));
	squeeze_end(&sq);
	if (!wait_stopped(o, agent, job, 0, &most, PAUSE_WAIT_MS,
			  "after the pressure ended", NULL))
		goto out;
	kill(job[0], SIGUSR1);
	for (long long end = now_ms() + 5000;
	     !strstr(out, "NEXT-42") && now_ms() < end; sleep_ms(50))
		pty_drain(m, out, sizeof(out));
	if (!strstr(out, "NEXT-42") || strstr(out, "Stopped"))
		failf(o, "the shell did not go on: %s", pty_tail(out, 160));
	else
		notef(o, "the shell went on: NEXT-42");
out_squeeze:
	squeeze_end(&sq);
out:
	if (job[0] > 0)
		kill(job[0], SIGKILL);
	kill_reap(shell);
	close(m);
}

/*
 * kill = on, critical at 12 % MemAvailable (the squeeze holds 8 %), no
 * grace: the first victim "stuck", then "next".
 */
#define KILL_CONF "/tmp/oomqd-kill.conf"
#define KILL_CONF_TEXT                                            \
	"[oomqd]\nttl_ms = 20001\n"                               \
	"[thresholds]\nmem_low_pct = 15\nmem_critical_pct = 12\n" \
	"kill = on\nkill_grace_ms = 0\n"                          \
	"[rule stuck]\nmatch_comm = ^stuck$\npriority = 1000\n"   \
	"[rule next]\nmatch_comm = ^next$\npriority = 900\n"
/* reap_timeout_ms (5 s), the kill cooldown (3 s), ticks: 20 s is ample. */
#define KILL_NEXT_MS 20000

/* A new file @path holding @text. */
static bool write_conf(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, len) == (ssize_t)len;
	return !close(fd) && ok;
}

/*
 * The child spawn_unkillable() forks: traced by the runner, it stops in
 * its exit when killed (PTRACE_O_TRACEEXIT) and stays there until let
 * go, its pidfd never readable, as one in D state would be.
 */
static int unkillable(void *arg)
{
	static char mem[1 << 20];

	(void)arg;
	/* Not the runner's -1000, which would keep it off the queue. */
	if (write_str("/proc/self/oom_score_adj", "0") ||
	    ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		return 2;
	raise(SIGSTOP);
	prctl(PR_SET_NAME, "stuck");
	memset(mem, 1, sizeof(mem));
	for (;;)
		pause();
}

static pid_t spawn_unkillable(void)
{
	pid_t pid = spawn_fn(unkillable, NULL);
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_TRACEEXIT) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		kill_reap(pid);
		return -1;
	}
	return pid;
}

/* Is the traced @pid held in its exit stop (killed, not let go)? */
static bool held_at_exit(pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == pid && WIFSTOPPED(status) &&
	       status >> 16 == PTRACE_EVENT_EXIT;
}

/* Let it finish dying, and reap it. */
static void release(pid_t pid)
{
	int status;

	ptrace(PTRACE_CONT, pid, NULL, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	unregister_child(pid);
}

void case_agent_kill_stuck(struct outcome *o)
{
	struct holder_opts h = { .name = "next", .mib = 1 };
	pid_t stuck = spawn_unkillable(), next = spawn_holder(&h), agent;
	struct squeeze sq = { .n = 0 };
	long long end;
	bool held = false;

	if (!spawned(o, stuck, "stuck") || !spawned(o, next, "next"))
		return;
	if (!write_conf(KILL_CONF, KILL_CONF_TEXT)) {
		failf(o, "cannot write %s: %s", KILL_CONF, strerror(errno));
		goto out;
	}
	agent = spawn_fn(exec_agent,
			 &(struct agent_args){ .config = KILL_CONF });
	if (!spawned(o, agent, "oomqd") ||
	    !wait_head(o, agent, stuck, "stuck", AGENT_START_MS,
		       "after oomqd started") ||
	    !squeeze_start(o, agent, &sq))
		goto out;

	/* SIGKILL to stuck, which its tracer holds in its exit. */
	for (end = now_ms() + KILL_NEXT_MS; !held && now_ms() < end;
	     sleep_ms(50)) {
		held = held_at_exit(stuck);
		squeeze_top_up(&sq);
		if (agent_dead(o, agent, "before its first kill"))
			goto out;
	}
	if (!held) {
		failf(o,
		      "stuck was not killed in %d ms (MemAvailable %ld MiB): %s",
		      KILL_NEXT_MS, mem_available_mib(), agent_log_tail());
		goto out;
	}
	notef(o, "stuck SIGKILLed and held in its exit");
	/* It never exits: after reap_timeout_ms, the next victim. */
	for (end = now_ms() + KILL_NEXT_MS; is_alive(next) && now_ms() < end;
	     sleep_ms(100)) {
		squeeze_top_up(&sq);
		if (agent_dead(o, agent, "with a victim that never dies"))
			goto out;
	}
	if (is_alive(next))
		failf(o, "next not killed %d ms after stuck was held: %s",
		      KILL_NEXT_MS, agent_log_tail());
	else if (!wait_killed(next, 1000))
		failf(o, "next died, but not of SIGKILL");
	else if (!agent_logged("not gone 5000 ms after SIGKILL"))
		failf(o, "next killed, but oomqd did not say stuck was stuck");
	else
		notef(o, "next killed after stuck's reap timeout");
	if (!is_alive(agent))
		failf(o, "oomqd died: %s", agent_log_tail());
	kill_reap(agent);
out:
	squeeze_end(&sq);
	if (stuck > 0) {
		kill(stuck, SIGKILL);
		release(stuck);
	}
	kill_reap(next);
}

/*
 * [oomqd] cgroup: oomqd watching a cgroup with memory.max 64 MiB queues
 * only its processes and takes its limit for the memory.  "big" (96
 * MiB, outside: the machine's largest, the head of a queue of the whole
 * machine) is never queued; "hog" (24 MiB) inside is the head.  Then
 * "grow" (20 MiB) joins it: 44 of its 64 MiB used leaves 31 % of the
 * cgroup available, below mem_critical_pct 35 %, while the machine's
 * MemAvailable stays far above 35 % of its RAM (about 160 MiB of 350):
 * kill = on takes hog, and big and grow live.  Without the cgroup's memory nothing is critical, and
 * without the scope the kill would take big.
 */
#define CG_NAME "oomq-agent-cg"
#define CG_CONF "/tmp/oomqd-cgroup.conf"
#define CG_CONF_TEXT                                                     \
	"[oomqd]\nttl_ms = 20001\ncgroup = /sys/fs/cgroup/" CG_NAME "\n" \
	"[thresholds]\nmem_low_pct = 45\nmem_critical_pct = 35\n"        \
	"kill = on\nkill_grace_ms = 0\n"
/* Elevated (5 s refresh), the kill delay (1 s): 20 s is ample. */
#define CG_KILL_MS 20000

/* Is every PID in /proc/oom one of @cg's (its cgroup file says so)? */
static bool queue_in_cgroup(struct outcome *o, const char *cg)
{
	char q[4096], path[64], line[256], want[160];
	char *save = NULL;

	snprintf(want, sizeof(want), "0::/%s\n", cg);
	if (queue_read(q, sizeof(q)))
		return failf(o, "cannot read /proc/oom");
	for (char *t = strtok_r(q, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		snprintf(path, sizeof(path), "/proc/%s/cgroup", t);
		if (read_text(path, line, sizeof(line)) >= 0 &&
		    strcmp(line, want))
			return failf(o, "pid %s in /proc/oom is in %s", t,
				     line);
	}
	return true;
}

void case_agent_cgroup(struct outcome *o)
{
	struct holder_opts hog = { .name = "hog", .mib = 24 };
	struct holder_opts grow = { .name = "grow", .mib = 20 };
	pid_t big = -1, h = -1, g = -1, agent = -1;
	char cg[128];
	int err;

	err = cg_create(CG_NAME, cg, sizeof(cg));
	if (!err)
		err = cg_set(cg, "memory.max", "64M");
	if (err) {
		failf(o, "cgroup setup: %s", strerror(-err));
		goto out;
	}
	hog.cgroup = grow.cgroup = cg;
	big = spawn_big();
	h = spawn_holder(&hog);
	if (!spawned(o, big, "big") || !spawned(o, h, "hog"))
		goto out;
	if (!write_conf(CG_CONF, CG_CONF_TEXT)) {
		failf(o, "cannot write %s: %s", CG_CONF, strerror(errno));
		goto out;
	}
	agent = spawn_fn(exec_agent, &(struct agent_args){ .config = CG_CONF });
	if (!spawned(o, agent, "oomqd") ||
	    !wait_head(o, agent, h, "hog", AGENT_START_MS,
		       "after oomqd started") ||
	    !queue_in_cgroup(o, CG_NAME))
		goto out;
	if (!agent_logs("limit 64 MiB (its own)", 1000)) {
		failf(o, "oomqd did not log the cgroup's limit: %s",
		      agent_log_tail());
		goto out;
	}
	g = spawn_holder(&grow);
	if (!spawned(o, g, "grow"))
		goto out;
	notef(o,
	      "hog and grow hold 44 of the cgroup's 64 MiB; MemAvailable "
	      "%ld MiB",
	      mem_available_mib());
	if (!wait_killed(h, CG_KILL_MS)) {
		failf(o, "hog not killed in %d ms: %s", CG_KILL_MS,
		      agent_log_tail());
		goto out;
	}
	if (!is_alive(big) || !is_alive(g))
		failf(o, "big or grow died too");
	else if (!agent_logged("of 64 MiB"))
		failf(o, "no pressure line with the cgroup's 64 MiB as total");
	else if (agent_dead(o, agent, "after its kill"))
		;
	else
		notef(o, "oomqd killed hog, in the cgroup; big and grow live");
out:
	kill_reap(agent);
	kill_all();
	cg_remove(cg);
}

/*
 * A build whose workers no rule names: the shipped config's build rules
 * (the driver avoided, whatever runs below it pausable), pausing at 12 %
 * as the bench's config does; no proactive kill (on by default): the
 * case is about who is stopped.
 */
#define BUILD_CONF "/tmp/oomqd-build.conf"
#define BUILD_CONF_TEXT                                         \
	"[oomqd]\nttl_ms = 20001\n"                             \
	"[thresholds]\npause_pct = 12\nkill = off\n"            \
	"[rule build-drivers]\nmatch_comm = ^(make|ninja)$\n"   \
	"action = avoid\n"                                      \
	"[rule builds]\nmatch_ancestor_comm = ^(make|ninja)$\n" \
	"pause = yes\n"

struct build_tree {
	int fd; /* the pipe sh writes its workers' pids to */
};

/*
 * "sh": make's job slots, three workers side by side (8 MiB each, named
 * anew from the pid, as the scenario bench names them), their pids to
 * the runner, then wait.
 */
static int build_sh(void *arg)
{
	const struct build_tree *t = arg;
	pid_t w[PAUSE_JOBS];

	prctl(PR_SET_NAME, "sh");
	for (int i = 0; i < PAUSE_JOBS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "w%c%c%d", 'a' + getpid() % 26,
			 'k' + i, (int)(getpid() % 97));
		w[i] = spawn_holder(
			&(struct holder_opts){ .name = name, .mib = 8 });
		if (w[i] <= 0)
			return 2;
	}
	if (write(t->fd, w, sizeof(w)) != (ssize_t)sizeof(w))
		return 2;
	for (;;)
		pause();
}

/* "make": runs sh and waits, as make does for a recipe. */
static int build_make(void *arg)
{
	prctl(PR_SET_NAME, "make");
	/* Not the runner's -1000: an ordinary build. */
	if (write_str("/proc/self/oom_score_adj", "0"))
		return 2;
	if (spawn_fn(build_sh, arg) < 0)
		return 2;
	/* sh holds the pipe: its end reads as EOF should sh fail. */
	close(((const struct build_tree *)arg)->fd);
	for (;;)
		pause();
}

/* @size bytes from @fd within @ms: true when they came. */
static bool read_within(int fd, void *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && read(fd, buf, size) == (ssize_t)size;
}

/* The pid of @pid's only child, within 2 s; 0 if none. */
static pid_t only_child(pid_t pid)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	for (long long end = now_ms() + 2000; now_ms() < end; sleep_ms(20))
		if (read_text(path, buf, sizeof(buf)) > 0 && atoi(buf) > 0)
			return (pid_t)atoi(buf);
	return 0;
}

void case_agent_pause_build(struct outcome *o)
{
	struct build_tree t;
	struct squeeze sq = { .n = 0 };
	pid_t make = -1, sh = 0, w[PAUSE_JOBS] = { 0 }, agent = -1;
	int fds[2], most = 0, n = 0;
	long long end;
	char seen = 0;

	if (pipe2(fds, O_CLOEXEC) || !write_conf(BUILD_CONF, BUILD_CONF_TEXT)) {
		failf(o, "setup: %s", strerror(errno));
		return;
	}
	t.fd = fds[1];
	make = spawn_fn(build_make, &t);
	close(fds[1]);
	if (!spawned(o, make, "make") ||
	    !read_within(fds[0], w, sizeof(w), 5000) ||
	    !(sh = only_child(make))) {
		failf(o, "the build did not start");
		goto out;
	}
	agent = spawn_fn(exec_agent,
			 &(struct agent_args){ .config = BUILD_CONF });
	if (!spawned(o, agent, "oomqd"))
		goto out;
	for (end = now_ms() + AGENT_START_MS; !agent_logged("queue head:");
	     sleep_ms(50))
		if (agent_dead(o, agent, "at start") || now_ms() > end) {
			failf(o, "oomqd ranked nothing: %s", agent_log_tail());
			goto out;
		}
	if (!squeeze_start(o, agent, &sq))
		goto out;
	/* Workers stop; make and sh, the driver and its job slots, never. */
	for (end = now_ms() + PAUSE_WAIT_MS, n = 0; n == 0 && now_ms() < end;
	     sleep_ms(50)) {
		n = stopped_jobs(w);
		if (proc_state(make) == 'T' || proc_state(sh) == 'T')
			seen = proc_state(make) == 'T' ? 'm' : 's';
		if (agent_dead(o, agent, "under pressure"))
			goto out;
		squeeze_top_up(&sq);
	}
	sleep_ms(PAUSE_HOLD_MS);
	most = stopped_jobs(w);
	if (proc_state(make) == 'T' || proc_state(sh) == 'T')
		seen = proc_state(make) == 'T' ? 'm' : 's';
	if (!n)
		failf(o,
		      "no worker stopped in %d ms; MemAvailable %ld MiB; "
		      "oomqd: %s",
		      PAUSE_WAIT_MS, mem_available_mib(), agent_log_tail());
	else if (seen)
		failf(o, "%s was stopped", seen == 'm' ? "make" : "sh");
	else
		notef(o, "%d of %d workers stopped, make and sh running", most,
		      PAUSE_JOBS);
	squeeze_end(&sq);
	if (n && !seen &&
	    wait_stopped(o, agent, w, 0, &most, PAUSE_WAIT_MS,
			 "after the pressure ended", NULL))
		notef(o, "all continued after the pressure ended");
out:
	squeeze_end(&sq);
	close(fds[0]);
	if (agent > 0)
		kill_reap(agent);
	for (int i = 0; i < PAUSE_JOBS; i++)
		if (w[i] > 0)
			kill(w[i], SIGKILL);
	if (sh > 0)
		kill(sh, SIGKILL);
	if (make > 0)
		kill_reap(make);
}

/*
 * zram that "never runs out": a zram swap of 1 GiB (nearly three times
 * the guest's RAM, as Fedora sizes zram to RAM) and a "hog" that fills
 * its memory with bytes that do not compress, 10 MiB a second.  Every
 * page swapped to zram costs a page of RAM, so its SwapFree stays high
 * (the kernel OOMs with most of it free) while RAM runs out: earlyoom's
 * rule (MemAvailable and SwapFree both at 10 %) never holds.  oomqd with
 * the shipped thresholds and pausing off counts zram as the RAM it is,
 * and its proactive kill takes hog before the kernel's OOM killer does.
 */
#define ZRAM_CONF "/tmp/oomqd-zram.conf"
#define ZRAM_CONF_TEXT                                                \
	"[oomqd]\nttl_ms = 20001\nsession = off\n"                    \
	"[thresholds]\npause_pct = 0\nkill = on\nkill_grace_ms = 0\n" \
	"[rule hog]\nmatch_comm = ^hog$\npriority = 1000\n"
#define ZRAM_MODULES "/lib/modules/zram"
#define ZRAM_SYS "/sys/block/zram0"
/* 10 MiB a second fills the guest in about 40 s; hog stops at 1 GiB. */
#define ZRAM_HOG_MS 90000

/* The modules zram needs, in load order; a kernel lacks some of them. */
static const char *const zram_modules[] = {
	"zsmalloc", "lz4_compress", "lz4hc_compress", "lzo-rle", "zram",
};

/* Run busybox with @argv (NULL-terminated, argv[0] the applet). */
static int run_busybox(char *const argv[])
{
	char *args[8] = { "/bin/busybox" };
	pid_t pid;
	int st, n;

	for (n = 0; argv[n] && n < 6; n++)
		args[n + 1] = argv[n];
	pid = fork();
	if (pid == 0) {
		execv(args[0], args);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* zram0 as 1 GiB of lz4 swap: 0, -ENOENT without zram, else -errno. */
static int zram_swap_on(struct outcome *o)
{
	char path[128];
	int err;

	for (size_t i = 0; i < sizeof(zram_modules) / sizeof(*zram_modules);
	     i++) {
		snprintf(path, sizeof(path), ZRAM_MODULES "/%s.ko",
			 zram_modules[i]);
		if (access(path, R_OK))
			continue;
		err = module_load_path(path, "");
		if (err && err != -EEXIST)
			notef(o, "insmod %s: %s", path, strerror(-err));
	}
	if (access(ZRAM_SYS, F_OK))
		return -ENOENT;
	/* lz4 where zram offers it (a choice from the list it reads). */
	write_str(ZRAM_SYS "/comp_algorithm", "lz4");
	err = write_str(ZRAM_SYS "/disksize", "1G");
	if (err)
		return err;
	if (run_busybox((char *[]){ "mkswap", "/dev/zram0", NULL }))
		return -EIO;
	return swapon("/dev/zram0", 0) ? -errno : 0;
}

static void zram_swap_off(void)
{
	swapoff("/dev/zram0");
	write_str(ZRAM_SYS "/reset", "1");
}

/* Fills 1 MiB every 100 ms with xorshift bytes, up to 1 GiB, then waits. */
static int zram_hog(void *arg)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t len = 1024ul << 20, have = 0;
	char *p;

	(void)arg;
	if (write_str("/proc/self/oom_score_adj", "0"))
		return 2;
	prctl(PR_SET_NAME, "hog");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	for (;;) {
		for (size_t end = have + (1u << 20); have < len && have < end;
		     have += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(p + have, &x, 8);
		}
		sleep_ms(100);
	}
}

void case_agent_zram(struct outcome *o)
{
	long long ooms = vmstat_oom_kill();
	pid_t hog = -1, agent = -1;
	int err = zram_swap_on(o);

	if (err == -ENOENT) {
		skipf(o, "no zram in this kernel or image");
		goto out;
	}
	if (err) {
		failf(o, "zram swap: %s", strerror(-err));
		goto out;
	}
	if (!write_conf(ZRAM_CONF, ZRAM_CONF_TEXT)) {
		failf(o, "cannot write %s: %s", ZRAM_CONF, strerror(errno));
		goto out;
	}
	agent = spawn_fn(exec_agent,
			 &(struct agent_args){ .config = ZRAM_CONF });
	if (!spawned(o, agent, "oomqd") || !agent_logs("started", 5000)) {
		failf(o, "oomqd did not start: %s", agent_log_tail());
		goto out;
	}
	hog = spawn_fn(zram_hog, NULL);
	if (!spawned(o, hog, "hog"))
		goto out;
	if (!wait_killed(hog, scaled_ms(ZRAM_HOG_MS))) {
		failf(o, "hog not killed in %d ms: %s", ZRAM_HOG_MS,
		      agent_log_tail());
		goto out;
	}
	if (vmstat_oom_kill() != ooms)
		failf(o, "the kernel OOMed first (oom_kill %lld -> %lld): %s",
		      ooms, vmstat_oom_kill(), agent_log_tail());
	/* oomqd says so after the signal: hog may be dead before the line. */
	else if (!agent_logs("proactive kill: SIGKILL to pid", 2000))
		failf(o, "hog died, but oomqd logged no kill: %s",
		      agent_log_tail());
	else if (!agent_logged(", zram 1023 of them holding"))
		failf(o, "no pressure line counting zram: %s",
		      agent_log_tail());
	else if (!agent_dead(o, agent, "after its kill"))
		notef(o,
		      "oomqd killed hog with zram swap free, no kernel OOM; "
		      "%s",
		      agent_log_line("-> critical"));
out:
	kill_reap(agent);
	kill_all();
	zram_swap_off();
}
