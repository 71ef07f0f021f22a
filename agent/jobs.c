// SPDX-License-Identifier: GPL-2.0
/*
 * jobs: process trees from /proc; see jobs.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jobs.h"
#include "proc_parse.h"

static int read_file(struct proc_sampler *ps, const char *path, size_t *len)
{
	int ret = proc_read(ps, path, len);

	return ret == -ENOENT ? -ESRCH : ret;
}

int jobs_read_proc(struct proc_sampler *ps, pid_t pid, struct job_proc *p)
{
	struct proc_stat st;
	char path[32];
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	ret = read_file(ps, path, &len);
	if (!ret)
		ret = proc_parse_stat_buf(ps->buf, len, &st);
	if (ret)
		return ret;
	p->pid = pid;
	p->ppid = st.ppid;
	p->pgrp = st.pgrp;
	p->tty_nr = st.tty_nr;
	p->state = st.state;
	p->start_ticks = st.starttime;
	p->rss_kb = st.rss * ps->page_kb;
	p->cpu_ticks = st.utime + st.stime;
	p->threads = st.threads;
	memcpy(p->comm, st.comm, sizeof(p->comm) - 1);
	p->comm[sizeof(p->comm) - 1] = '\0';
	return 0;
}

int jobs_runs(struct proc_sampler *ps, pid_t pid, uint64_t *runs)
{
	struct proc_schedstat ss;
	char path[32];
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%d/schedstat", (int)pid);
	ret = proc_read(ps, path, &len);
	if (!ret)
		ret = proc_parse_schedstat_buf(ps->buf, len, &ss);
	if (!ret)
		*runs = ss.runs;
	return ret;
}

int jobs_blocked(struct proc_sampler *ps, pid_t pid)
{
	char path[32];
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%d/wchan", (int)pid);
	ret = proc_read(ps, path, &len);
	if (ret)
		return ret;
	/* "0": running, or not ours to look at (ptrace access). */
	return len && !(len == 1 && ps->buf[0] == '0');
}

int jobs_traced(struct proc_sampler *ps, pid_t pid)
{
	struct proc_status st;
	char path[32];
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%d/status", (int)pid);
	ret = read_file(ps, path, &len);
	if (!ret)
		ret = proc_parse_status_buf(ps->buf, len, &st);
	return ret ? ret : st.tracer_pid != 0;
}

struct children {
	struct proc_sampler *ps;
	pid_t pid;
	pid_t *out;
	unsigned int n, max;
};

/*
 * /proc/PID/task/TID/children (fs/proc/array.c, children_seq_show()):
 * the children that thread TID forked, "1203 1207 " on one line.
 */
static int thread_children(pid_t tid, void *arg)
{
	struct children *c = arg;
	char path[64];
	size_t len;
	const char *p, *end;
	int ret;

	snprintf(path, sizeof(path), "%d/task/%d/children", (int)c->pid,
		 (int)tid);
	ret = proc_read(c->ps, path, &len);
	if (ret == -EFBIG)
		return -E2BIG; /* filled the buffer: too many to be a job */
	if (ret)
		return 0; /* the thread exited, or no such file (kernel) */
	p = c->ps->buf;
	end = p + len;
	while (p < end) {
		long v = 0;

		while (p < end && (*p < '0' || *p > '9'))
			p++;
		if (p == end)
			break;
		while (p < end && *p >= '0' && *p <= '9' && v <= 4194304)
			v = v * 10 + (*p++ - '0');
		if (v <= 0 || v > 4194304)
			return -EINVAL;
		if (c->n == c->max)
			return -E2BIG;
		c->out[c->n++] = (pid_t)v;
	}
	return 0;
}

int jobs_children(struct proc_sampler *ps, pid_t pid, pid_t *out,
		  unsigned int max)
{
	struct children c = { ps, pid, out, 0, max };
	int ret;

	ret = proc_for_each_tid(ps, pid, thread_children, &c);
	return ret ? ret : (int)c.n;
}

int jobs_children_of(struct proc_sampler *ps, const struct job_proc *p,
		     pid_t *out, unsigned int max)
{
	struct children c = { ps, p->pid, out, 0, max };
	int ret;

	/*
	 * A thread started in the moment since the read, with a child
	 * already, shows at the next read.
	 */
	if (p->threads != 1)
		return jobs_children(ps, p->pid, out, max);
	ret = thread_children(p->pid, &c);
	return ret ? ret : (int)c.n;
}

static bool in_job(const struct job *j, pid_t pid)
{
	for (unsigned int i = 0; i < j->n; i++)
		if (j->p[i].pid == pid)
			return true;
	return false;
}

bool jobs_all_seen(const struct sample *const *pausable, size_t n,
		   const struct jobs_seen *seen, size_t nseen)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < nseen &&
		       (seen[k].pid != pausable[i]->pid ||
			seen[k].start_ticks != pausable[i]->start_ticks))
			k++;
		if (k == nseen)
			return false;
	}
	return true;
}

struct job *jobs_find(const struct jobs *js, pid_t pid)
{
	for (unsigned int i = 0; i < js->n; i++)
		if (in_job(&js->j[i], pid))
			return (struct job *)&js->j[i];
	return NULL;
}

static bool is_pausable(const struct sample *const *pausable, size_t n,
			pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pausable[i]->pid == pid)
			return true;
	return false;
}

/*
 * What @p alone holds: resident less shared (file pages, shmem), from
 * statm; its RSS if that cannot be read.  A tool's mapped data files
 * are in every one of its jobs' RSS, and come back from disk.
 */
static uint64_t anon_kb(struct proc_sampler *ps, const struct job_proc *p)
{
	struct proc_statm sm;
	char path[32];
	size_t len;

	snprintf(path, sizeof(path), "%d/statm", (int)p->pid);
	if (read_file(ps, path, &len) ||
	    proc_parse_statm_buf(ps->buf, len, &sm) || sm.shared > sm.resident)
		return p->rss_kb;
	return (sm.resident - sm.shared) * ps->page_kb;
}

/* Appends @p, whose parent is @parent, and notes what it says of the job. */
static void add_proc(struct proc_sampler *ps, struct job *j,
		     const struct job_proc *p, const struct job_proc *parent,
		     jobs_ours_fn ours, void *arg)
{
	if (j->n == JOB_PROCS) {
		j->flags |= JOB_BIG;
		return;
	}
	j->p[j->n++] = *p;
	j->rss_kb += p->rss_kb;
	j->anon_kb += anon_kb(ps, p);
	j->cpu_ticks += p->cpu_ticks;
	if (ours(p->pid, arg))
		j->flags |= JOB_OURS;
	else if (job_state_stopped(p->state))
		j->flags |= JOB_FOREIGN;
	if (parent && job_shell_sees(p, parent))
		j->flags |= JOB_SHELL;
}

/* Is @pid the build driver of one of @pausable? */
static bool is_driver(const struct sample *const *pausable, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pausable[i]->driver == pid)
			return true;
	return false;
}

/*
 * What fans_out() found in this jobs_build(): a driver's dispatcher is
 * asked about once per job of the build (climb()), each pausable
 * process once more (jobs_build()); its children files are read once,
 * and a job's root with one child or none is not read again below.
 */
struct fan {
	pid_t pid;
	int n; /* children: 0, 1, -E2BIG (two or more) or -errno */
	pid_t kid; /* the one, when n is 1 */
};
static struct fan fan_seen[JOBS_MAX * 2];
static unsigned int nfan_seen;

static const struct fan *fan_find(pid_t pid)
{
	for (unsigned int i = 0; i < nfan_seen; i++)
		if (fan_seen[i].pid == pid)
			return &fan_seen[i];
	return NULL;
}

/* Has @p two children or more: does it run them side by side? */
static bool fans_out(struct proc_sampler *ps, const struct job_proc *p)
{
	const struct fan *f = fan_find(p->pid);
	struct fan now = { .pid = p->pid };

	if (f)
		return f->n == -E2BIG;
	now.n = jobs_children_of(ps, p, &now.kid, 1);
	if (nfan_seen < sizeof(fan_seen) / sizeof(*fan_seen))
		fan_seen[nfan_seen++] = now;
	return now.n == -E2BIG;
}

/* jobs_children_of(), from what fans_out() read of @p if it says all. */
static int children_of(struct proc_sampler *ps, const struct job_proc *p,
		       pid_t *kids, unsigned int max)
{
	const struct fan *f = fan_find(p->pid);

	if (!f || f->n < 0 || (unsigned int)f->n > max)
		return jobs_children_of(ps, p, kids, max);
	if (f->n)
		kids[0] = f->kid;
	return f->n;
}

/*
 * Everything below the job's root, parents first (breadth first), but
 * no build driver and, below a driver, no dispatcher's children.
 */
static void add_descendants(struct proc_sampler *ps, struct job *j,
			    const struct sample *const *pausable, size_t np,
			    jobs_ours_fn ours, void *arg)
{
	pid_t kids[JOB_PROCS + 1];

	for (unsigned int i = 0; i < j->n && !(j->flags & JOB_BIG); i++) {
		int n = children_of(ps, &j->p[i], kids, JOB_PROCS + 1);

		if (n == -E2BIG && !j->driver)
			j->flags |= JOB_BIG;
		if (j->driver && (n >= 2 || n == -E2BIG))
			continue; /* a dispatcher: its children are jobs */
		for (int k = 0; k < n; k++) {
			struct job_proc p;

			if (in_job(j, kids[k]) ||
			    is_driver(pausable, np, kids[k]) ||
			    jobs_read_proc(ps, kids[k], &p) ||
			    job_state_gone(p.state))
				continue;
			add_proc(ps, j, &p, &j->p[i], ours, arg);
		}
	}
}

/* The driver as this jobs_build() read it: every job climbs to it. */
static struct job_proc driver_read;

/*
 * @pid and its ancestors, @pid first: chain[0..*len-1].  Stops at a
 * process with no parent (ppid 0: init, kthreadd), at one already in a
 * job (*in gets that job) and at JOBS_DEPTH; with a build @driver, at
 * the driver or at a dispatcher below it (fans_out()), which end the
 * chain as a parent, never a root.  -EBUSY below a process pause.c
 * stopped: that job takes it (pause_check()).
 */
static int climb(struct jobs *js, struct proc_sampler *ps, pid_t pid,
		 pid_t driver, struct job_proc *chain, unsigned int *len,
		 struct job **in, jobs_ours_fn ours, void *arg)
{
	int ret = jobs_read_proc(ps, pid, &chain[0]);

	*len = 0;
	*in = NULL;
	if (ret)
		return ret;
	*len = 1;
	while (*len < JOBS_DEPTH && chain[*len - 1].ppid > 0) {
		pid_t ppid = chain[*len - 1].ppid;

		if (ours(ppid, arg))
			return -EBUSY;
		*in = jobs_find(js, ppid);
		if (*in)
			return 0;
		if (ppid == driver && driver_read.pid == driver)
			chain[*len] = driver_read;
		else if (jobs_read_proc(ps, ppid, &chain[*len]))
			return 0;
		else if (ppid == driver)
			driver_read = chain[*len];
		(*len)++;
		if (driver &&
		    (ppid == driver || fans_out(ps, &chain[*len - 1])))
			return 0;
	}
	return 0;
}

/*
 * The root for @pid: the topmost of its pausable ancestors (itself
 * included) that a shell would not see stop.  Return: its index in
 * @chain, or -1 when there is none (@pid is a terminal job's leader and
 * no ancestor is pausable).
 */
static int pick_root(const struct job_proc *chain, unsigned int len,
		     const struct sample *const *pausable, size_t n)
{
	int root = -1;

	for (unsigned int i = 0; i + 1 < len; i++)
		if (is_pausable(pausable, n, chain[i].pid) &&
		    !job_shell_sees(&chain[i], &chain[i + 1]))
			root = (int)i;
	return root;
}

void jobs_build(struct jobs *js, struct proc_sampler *ps,
		const struct sample *const *pausable, size_t n,
		jobs_ours_fn ours, void *arg)
{
	static struct job_proc chain[JOBS_DEPTH];

	js->n = 0;
	js->left_out = 0;
	nfan_seen = 0;
	driver_read.pid = 0;
	for (size_t i = 0; i < n; i++) {
		struct job *in, *j;
		unsigned int len;
		int root;

		/* A dispatcher below a driver is no job: its children are. */
		if (jobs_find(js, pausable[i]->pid) ||
		    climb(js, ps, pausable[i]->pid, pausable[i]->driver, chain,
			  &len, &in, ours, arg) ||
		    (pausable[i]->driver && fans_out(ps, &chain[0])))
			continue;
		/*
		 * Below a job already built, which the children files did
		 * not show (a kernel without them, or forked since): it and
		 * the processes between join that job, parents first.
		 */
		if (in) {
			const struct job_proc *parent = &in->p[0];

			for (unsigned int k = 0; k < in->n; k++)
				if (in->p[k].pid == chain[len - 1].ppid)
					parent = &in->p[k];
			for (unsigned int k = len; k-- > 0;) {
				add_proc(ps, in, &chain[k], parent, ours, arg);
				parent = &chain[k];
			}
			continue;
		}
		if (ours(pausable[i]->pid, arg))
			continue; /* one of pause.c's own, in its set */
		root = pick_root(chain, len, pausable, n);
		if (root < 0)
			continue;
		if (js->n == JOBS_MAX) {
			js->left_out++;
			continue;
		}
		j = &js->j[js->n++];
		j->n = 0;
		j->flags = 0;
		j->rss_kb = 0;
		j->driver = pausable[i]->driver;
		j->anon_kb = 0;
		j->cpu_ticks = 0;
		add_proc(ps, j, &chain[root], &chain[root + 1], ours, arg);
		add_descendants(ps, j, pausable, n, ours, arg);
	}
}
