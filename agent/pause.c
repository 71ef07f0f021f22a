// SPDX-License-Identifier: GPL-2.0
/*
 * pause: SIGSTOP and SIGCONT to process trees through pidfds; see pause.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pause.h"
#include "pidfd.h"
#include "proc_parse.h"

void pause_init(struct pause_set *ps, struct proc_sampler *proc, bool dry_run)
{
	memset(ps, 0, sizeof(*ps));
	ps->proc = proc;
	ps->dry_run = dry_run;
	ps->send = sys_pidfd_send_signal;
	ps->fd = -1;
}

/*
 * Jobs @from to @to (not included) into the record file's rows, in
 * place: no allocation.  Only the rows that changed: the first wave of
 * a build's stops writes a row twice a process, and the whole table is
 * 16 KiB.
 */
static void sync_rows(struct pause_set *ps, unsigned int from, unsigned int to)
{
	struct pause_table *t = &ps->table;

	if (ps->fd < 0 || from >= to)
		return;
	memset(t->r[from], 0, (to - from) * sizeof(t->r[0]));
	for (unsigned int i = from; i < to && i < ps->n; i++)
		for (unsigned int k = 0; k < ps->j[i].n; k++) {
			const struct pause_proc *p = &ps->j[i].p[k];

			t->r[i][k] = (struct pause_record){
				.pid = p->pid,
				.pgrp = p->pgrp,
				.start_ticks = p->start_ticks,
				.runs = p->runs,
				.flags = (p->sent ? PAUSE_RECORD_SENT : 0) |
					 (p->confirmed ?
						  PAUSE_RECORD_CONFIRMED :
						  0),
			};
		}
	/* A failed write only loses the record; the set in memory is right. */
	(void)!pwrite(ps->fd, t->r[from], (to - from) * sizeof(t->r[0]),
		      (off_t)offsetof(struct pause_table, r[from]));
}

/* Job @j's row. */
static void sync_job(struct pause_set *ps, const struct pause_job *j)
{
	unsigned int i = (unsigned int)(j - ps->j);

	sync_rows(ps, i, i + 1);
}

static struct pause_seen *seen_find(const struct pause_set *ps, pid_t pid,
				    uint64_t start_ticks)
{
	for (unsigned int i = 0; i < ps->nseen; i++)
		if (ps->seen[i].pid == pid &&
		    ps->seen[i].start_ticks == start_ticks)
			return (struct pause_seen *)&ps->seen[i];
	return NULL;
}

/* Found or made; when full, the one stopped or continued longest ago goes. */
static struct pause_seen *seen_get(struct pause_set *ps, pid_t pid,
				   uint64_t start_ticks, uint64_t now_ms)
{
	struct pause_seen *s = seen_find(ps, pid, start_ticks);

	if (!s) {
		s = &ps->seen[0];
		if (ps->nseen < PAUSE_SEEN)
			s = &ps->seen[ps->nseen++];
		else
			for (unsigned int i = 1; i < PAUSE_SEEN; i++)
				if (ps->seen[i].last_ms < s->last_ms)
					s = &ps->seen[i];
		*s = (struct pause_seen){ .pid = pid,
					  .start_ticks = start_ticks };
	}
	s->last_ms = now_ms;
	return s;
}

/* Job @j's stop ends now: its time goes to its account. */
static struct pause_seen *account(struct pause_set *ps,
				  const struct pause_job *j, uint64_t now_ms)
{
	struct pause_seen *s = seen_get(ps, j->root, j->root_start, now_ms);

	s->used_ms = j->used_ms + (now_ms - j->since_ms);
	return s;
}

static uint64_t used_by(const struct pause_job *j, uint64_t now_ms)
{
	return j->used_ms + (now_ms - j->since_ms);
}

/**
 * pause_wait_ms - how long the loop may sleep and still stop in time
 *
 * pause_sample_ms while someone is stopped; else a quarter of the time
 * memory filling at PAUSE_FILL_KB_PER_MS would take to reach the
 * reserve (pause_at), so that a fall toward it is sampled a few times
 * before (16 GiB with 8 GiB available and a 15 % reserve: every 1.4 s;
 * the level's own interval caps it), and never more often than
 * pause_sample_ms.  Without PSI stalls yet, the level may still be
 * calm: this is what notices a build's jobs growing in time.
 *
 * Return: ms, or -1 when pausing is off and nobody is stopped.
 */
int pause_wait_ms(const struct pause_set *ps, const struct pressure_config *cfg,
		  const struct pressure_sample *s)
{
	double at_kb, ms;

	if (ps->n)
		return (int)cfg->pause_sample_ms;
	if (!cfg->pause_enabled || !s->mem_total_kb)
		return -1;
	at_kb = (double)s->mem_total_kb * cfg->pause_at.mem_avail_pct / 100;
	ms = ((double)s->mem_avail_kb - at_kb) / PAUSE_FILL_KB_PER_MS / 4;
	if (ms < cfg->pause_sample_ms)
		return (int)cfg->pause_sample_ms;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static int job_holding(const struct pause_set *ps, pid_t pid)
{
	for (unsigned int i = 0; i < ps->n; i++)
		for (unsigned int k = 0; k < ps->j[i].n; k++)
			if (ps->j[i].p[k].pid == pid)
				return (int)i;
	return -1;
}

bool pause_has(const struct pause_set *ps, pid_t pid)
{
	return job_holding(ps, pid) >= 0;
}

bool pause_may_stop(const struct pause_set *ps,
		    const struct pressure_config *cfg, const struct job *j)
{
	const struct pause_seen *s;

	/* The set full, a stop would be refused: none is ordered. */
	if (ps->n == PAUSE_MAX || !job_stoppable(j) || !j->n)
		return false;
	s = seen_find(ps, j->p[0].pid, j->p[0].start_ticks);
	return !s || (!s->hands_off && s->used_ms < cfg->pause_max_ms);
}

/*
 * A pidfd of @pid if it is the process born at *@start (any when NULL),
 * with its stat as read after the pidfd was opened: the pidfd pins the
 * process, the start time read after it says the PID still names that
 * process, so the pair is right.  Never init nor oomqd.  -ESRCH: gone.
 */
static int pin(struct pause_set *ps, pid_t pid, const uint64_t *start,
	       struct job_proc *now)
{
	int fd, ret;

	if (pid <= 1 || pid == ps->proc->self)
		return -EPERM;
	fd = sys_pidfd_open(pid);
	if (fd < 0)
		return fd;
	ret = jobs_read_proc(ps->proc, pid, now);
	if (!ret && ((start && now->start_ticks != *start) ||
		     job_state_gone(now->state) || pidfd_exited(fd)))
		ret = -ESRCH;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * The leaders pause_check() read, by group: the jobs of one build share
 * one (make's), read once a check, not once a process.
 */
struct leaders {
	pid_t pgrp[PAUSE_MAX];
	bool stopped[PAUSE_MAX];
	unsigned int n;
};

/* Is the leader of group @pgrp stopped?  Remembered in @seen if given. */
static bool leader_stopped(struct pause_set *ps, pid_t pgrp,
			   struct leaders *seen)
{
	struct job_proc leader;
	bool stopped;

	for (unsigned int i = 0; seen && i < seen->n; i++)
		if (seen->pgrp[i] == pgrp)
			return seen->stopped[i];
	stopped = !jobs_read_proc(ps->proc, pgrp, &leader) &&
		  job_state_stopped(leader.state);
	if (seen && seen->n < PAUSE_MAX) {
		seen->pgrp[seen->n] = pgrp;
		seen->stopped[seen->n++] = stopped;
	}
	return stopped;
}

/*
 * Has someone else stopped process group @pgrp (the shell's Ctrl-Z
 * stops the whole job, its leader included)?  @pid is the member asking.
 */
static bool group_stopped(struct pause_set *ps, pid_t pgrp, pid_t pid,
			  struct leaders *seen)
{
	return pgrp > 1 && pgrp != pid && !pause_has(ps, pgrp) &&
	       leader_stopped(ps, pgrp, seen);
}

/*
 * Would a shell see @now stop?  @parent is its parent in the job, or
 * NULL for the root, whose parent is read.
 */
static bool shell_sees(struct pause_set *ps, const struct job_proc *now,
		       const struct pause_proc *parent)
{
	struct job_proc up;

	if (parent)
		return now->tty_nr && now->pgrp != parent->pgrp;
	return jobs_read_proc(ps->proc, now->ppid, &up) ||
	       job_shell_sees(now, &up);
}

/*
 * SIGSTOP to @pid, into job @j once it is checked and recorded.  @parent
 * (NULL for the root) is its parent in the job.  -EBUSY: stopped by
 * someone else, traced, or a shell would see it; -E2BIG: @j is full.
 */
static int stop_one(struct pause_set *ps, struct pause_job *j, pid_t pid,
		    const uint64_t *start, const struct pause_proc *parent)
{
	struct pause_proc *p;
	struct job_proc now;
	int fd, err = 0;

	fd = pin(ps, pid, start, &now);
	if (fd < 0)
		return fd;
	if (job_state_stopped(now.state) || shell_sees(ps, &now, parent) ||
	    jobs_traced(ps->proc, pid))
		err = -EBUSY;
	else if (j->n == JOB_PROCS)
		err = -E2BIG;
	if (!err) {
		p = &j->p[j->n++];
		*p = (struct pause_proc){ .pid = pid,
					  .pgrp = now.pgrp,
					  .start_ticks = now.start_ticks };
		/*
		 * Recorded first: a crash after this leaves no secret; and
		 * that it went out, since a process recorded but never sent
		 * a stop and found stopped is someone else's.
		 */
		sync_job(ps, j);
		err = ps->send(fd, SIGSTOP);
		if (err)
			j->n--;
		else
			p->sent = true;
		sync_job(ps, j);
	}
	close(fd);
	return err;
}

/* Without schedstat (no CONFIG_SCHED_INFO) every count reads 0. */
static uint64_t runs_of(struct pause_set *ps, pid_t pid)
{
	uint64_t runs = 0;

	jobs_runs(ps->proc, pid, &runs);
	return runs;
}

/*
 * @p seen stopped (@state) and off its CPU: its count of runs from now
 * on.  Without a wchan file (no CONFIG_KALLSYMS), T must do.
 */
static bool confirm(struct pause_set *ps, struct pause_proc *p, char state)
{
	int blocked;

	if (p->confirmed || state != 'T')
		return false;
	blocked = jobs_blocked(ps->proc, p->pid);
	if (!blocked || (blocked < 0 && blocked != -ENOENT))
		return false;
	p->runs = runs_of(ps, p->pid);
	p->confirmed = true;
	return true;
}

/*
 * A SIGSTOP is taken when its process next runs and leaves the kernel:
 * at once on an idle CPU, later on a busy one or in D state under
 * reclaim.  Up to 15 ms for the whole job, then pause_check() confirms
 * the rest; the record holds the counts either way.
 */
static void confirm_job(struct pause_set *ps, struct pause_job *j)
{
	struct timespec delay = { 0, 1000000 };
	bool changed = false;

	for (int round = 0; round < 5; round++) {
		unsigned int left = 0;

		for (unsigned int k = 0; k < j->n; k++) {
			struct job_proc now;

			if (j->p[k].confirmed ||
			    jobs_read_proc(ps->proc, j->p[k].pid, &now))
				continue;
			if (confirm(ps, &j->p[k], now.state))
				changed = true;
			else
				left++;
		}
		if (!left || round == 4)
			break;
		nanosleep(&delay, NULL);
		delay.tv_nsec *= 2;
	}
	if (changed)
		sync_job(ps, j);
}

static bool job_has(const struct pause_job *j, pid_t pid)
{
	for (unsigned int k = 0; k < j->n; k++)
		if (j->p[k].pid == pid)
			return true;
	return false;
}

/*
 * Stops every process below @j's that it does not hold yet: forked
 * since the tree was read, or while the stop of its parent was on its
 * way.  Return: how many, or -EBUSY/-E2BIG as stop_one().
 */
static int stop_below(struct pause_set *ps, struct pause_job *j)
{
	unsigned int before = j->n;

	for (unsigned int i = 0; i < j->n; i++) {
		pid_t kids[JOB_PROCS + 1];
		int n = jobs_children(ps->proc, j->p[i].pid, kids,
				      JOB_PROCS + 1);

		if (n == -E2BIG)
			return -E2BIG;
		for (int k = 0; k < n; k++) {
			int ret;

			if (job_has(j, kids[k]))
				continue;
			ret = stop_one(ps, j, kids[k], NULL, &j->p[i]);
			if (ret && ret != -ESRCH && ret != -EPERM)
				return ret;
		}
	}
	return (int)(j->n - before);
}

/* SIGCONT to @p if it is still the one stopped and nobody else's now. */
static void cont_one(struct pause_set *ps, const struct pause_proc *p)
{
	struct job_proc now;
	int fd = pin(ps, p->pid, &p->start_ticks, &now);

	if (fd < 0)
		return;
	/*
	 * Not T: continued already; t: a debugger's; having run since it
	 * was seen stopped: stopped again by someone else; a group stopped
	 * by someone else is continued by them (the shell's fg).
	 */
	if (now.state == 'T' &&
	    (!p->confirmed || runs_of(ps, p->pid) == p->runs) &&
	    !group_stopped(ps, now.pgrp, now.pid, NULL))
		ps->send(fd, SIGCONT);
	close(fd);
}

static void drop_job(struct pause_set *ps, unsigned int i)
{
	memmove(&ps->j[i], &ps->j[i + 1], (ps->n - i - 1) * sizeof(ps->j[i]));
	ps->n--;
	sync_rows(ps, i, ps->n + 1);
}

/* SIGCONT to job @i, children first, which leaves the set. */
static void cont_job(struct pause_set *ps, unsigned int i, uint64_t now_ms,
		     struct pause_job *out)
{
	const struct pause_job *j = &ps->j[i];

	if (!ps->dry_run)
		for (unsigned int k = j->n; k-- > 0;)
			cont_one(ps, &j->p[k]);
	account(ps, j, now_ms);
	if (out)
		*out = *j;
	drop_job(ps, i);
}

int pause_stop(struct pause_set *ps, const struct job *src, uint64_t now_ms)
{
	const struct job_proc *root = &src->p[0];
	const struct pause_seen *s;
	struct pause_job *j;
	size_t len;
	int ret;

	if (ps->n == PAUSE_MAX)
		return -ENOSPC;
	if (!src->n)
		return -ESRCH;
	j = &ps->j[ps->n++];
	memset(j, 0, sizeof(*j));
	j->root = root->pid;
	j->root_start = root->start_ticks;
	j->since_ms = now_ms;
	j->rss_kb = src->rss_kb;
	j->anon_kb = src->anon_kb;
	s = seen_find(ps, root->pid, root->start_ticks);
	j->used_ms = s ? s->used_ms : 0;
	len = strnlen(root->comm, sizeof(j->comm) - 1);
	memcpy(j->comm, root->comm, len);
	if (ps->dry_run) {
		ret = 0;
		for (unsigned int k = 0; k < src->n && !ret; k++) {
			j->p[j->n++] = (struct pause_proc){
				.pid = src->p[k].pid,
				.pgrp = src->p[k].pgrp,
				.start_ticks = src->p[k].start_ticks,
			};
			if (jobs_traced(ps->proc, src->p[k].pid) > 0)
				ret = -EBUSY; /* as stop_one() would say */
		}
		if (ret)
			ps->n--;
	} else {
		ret = stop_one(ps, j, root->pid, &root->start_ticks, NULL);
		if (!ret) {
			ret = stop_below(ps, j);
			if (ret < 0)
				cont_job(ps, ps->n - 1, now_ms, NULL);
			else
				confirm_job(ps, j);
		} else {
			ps->n--;
		}
	}
	/*
	 * Traced (jobs_build() does not look: a status read per process
	 * per read), or stopped by someone since the read: never tried
	 * again, or every tick would try it.
	 */
	if (ret == -EBUSY)
		seen_get(ps, root->pid, root->start_ticks, now_ms)->hands_off =
			true;
	return ret < 0 ? ret : 0;
}

int pause_cont(struct pause_set *ps, unsigned int i, uint64_t now_ms,
	       struct pause_job *out)
{
	if (i >= ps->n)
		return -ENOENT;
	cont_job(ps, i, now_ms, out);
	return 0;
}

int pause_cont_expired(struct pause_set *ps, const struct pressure_config *cfg,
		       uint64_t now_ms, struct pause_job *out)
{
	for (unsigned int i = 0; i < ps->n; i++)
		if (used_by(&ps->j[i], now_ms) >= cfg->pause_max_ms) {
			cont_job(ps, i, now_ms, out);
			return 0;
		}
	return -ENOENT;
}

void pause_release(struct pause_set *ps, pid_t pid, uint64_t now_ms)
{
	int i = job_holding(ps, pid);

	if (i >= 0)
		cont_job(ps, (unsigned int)i, now_ms, NULL);
}

unsigned int pause_release_all(struct pause_set *ps, uint64_t now_ms)
{
	unsigned int n = ps->n;

	while (ps->n)
		cont_job(ps, 0, now_ms, NULL);
	return n;
}

enum verdict { KEEP, THEIRS_CONT, THEIRS_STOP };

/*
 * Job @j after its stop: its exited processes dropped; THEIRS_CONT when
 * someone else continued (or a debugger took) one of them, THEIRS_STOP
 * when someone else stopped a group of it, *@who the process.  A
 * process not confirmed yet may still be on its way to the stop (in D
 * state under reclaim, a SIGSTOP is taken only on the way back to user
 * space): only a confirmed one that runs, or that ran and is stopped
 * again, was continued by someone else.  *@changed: record again.
 */
static enum verdict look(struct pause_set *ps, struct pause_job *j, pid_t *who,
			 bool *changed, struct leaders *leaders)
{
	enum verdict v = KEEP;

	for (unsigned int k = 0; k < j->n;) {
		struct pause_proc *p = &j->p[k];
		struct job_proc now;

		if (jobs_read_proc(ps->proc, p->pid, &now) ||
		    now.start_ticks != p->start_ticks ||
		    job_state_gone(now.state)) {
			memmove(p, p + 1, (j->n - k - 1) * sizeof(*p));
			j->n--;
			*changed = true;
			continue;
		}
		k++;
		if (ps->dry_run || v != KEEP)
			continue;
		if (!p->confirmed && now.state != 't') {
			if (!confirm(ps, p, now.state))
				continue; /* on its way */
			*changed = true;
		}
		if (now.state == 'T' && runs_of(ps, p->pid) == p->runs) {
			if (group_stopped(ps, now.pgrp, now.pid, leaders)) {
				v = THEIRS_STOP;
				*who = now.pgrp;
			}
		} else {
			/* Running, ran and stopped again, or a tracer's. */
			v = THEIRS_CONT;
			*who = p->pid;
		}
	}
	return v;
}

static void tell(pause_note_fn note, void *arg, enum pause_note_kind kind,
		 pid_t pid, const struct pause_job *j)
{
	struct pause_note nt = { kind, pid, j };

	if (note)
		note(&nt, arg);
}

/* Has every process of @j been seen stopped (and not run since)? */
static bool all_confirmed(const struct pause_job *j)
{
	for (unsigned int k = 0; k < j->n; k++)
		if (!j->p[k].confirmed)
			return false;
	return true;
}

unsigned int pause_check(struct pause_set *ps, uint64_t now_ms,
			 pause_note_fn note, void *arg)
{
	struct leaders leaders = { .n = 0 };
	unsigned int left = 0;

	for (unsigned int i = 0; i < ps->n;) {
		struct pause_job *j = &ps->j[i];
		bool changed = false;
		pid_t who = 0;
		enum verdict v = look(ps, j, &who, &changed, &leaders);
		int ret;

		if (!j->n) {
			tell(note, arg, PAUSE_NOTE_GONE, j->root, j);
			drop_job(ps, i);
			left++;
			continue;
		}
		if (v == THEIRS_STOP) {
			/* Theirs now: their fg or bg continues it. */
			tell(note, arg, PAUSE_NOTE_SUSPENDED, who, j);
			account(ps, j, now_ms)->hands_off = true;
			drop_job(ps, i);
			left++;
			continue;
		}
		ret = v == KEEP && !ps->dry_run && !j->settled ?
			      stop_below(ps, j) :
			      0;
		/*
		 * Its children read once all are stopped: a stopped process
		 * forks none, and one that ran is someone else's doing.
		 */
		if (v == KEEP && !ret && all_confirmed(j))
			j->settled = true;
		if (v == KEEP && ret >= 0) {
			if (ret > 0)
				tell(note, arg, PAUSE_NOTE_JOINED,
				     j->p[j->n - 1].pid, j);
			else if (changed)
				sync_job(ps, j);
			i++;
			continue;
		}
		/* Continued whole: half a tree stopped wedges it. */
		tell(note, arg,
		     v == THEIRS_CONT ? PAUSE_NOTE_CONTINUED :
					PAUSE_NOTE_UNHELD,
		     v == THEIRS_CONT ? who : j->root, j);
		seen_get(ps, j->root, j->root_start, now_ms)->hands_off =
			v == THEIRS_CONT;
		cont_job(ps, i, now_ms, NULL);
		left++;
	}
	return left;
}

/*
 * A process of the record an earlier oomqd left: continued only if it
 * is still stopped as that oomqd left it.  The record is oomqd's own
 * (pause_file_open() checked who can write it), yet it may be stale (a
 * crash between a continue and its record) or name a process someone
 * else continued and stopped again since: hence a stop that went out,
 * T (not a tracer's t), the same start time and group, no run since
 * the stop was seen, no tracer, and a group leader that is not stopped
 * (the shell's Ctrl-Z stops the whole group).  A stop not seen yet
 * (oomqd died within milliseconds of it, or while its process was in
 * D state) is taken as oomqd's: the run count is not known, and a
 * process left stopped for good is the worse wrong.
 * Return: 1 continued, 0 gone or not stopped, -EBUSY someone else's.
 */
static int resume_recorded(struct pause_set *ps, const struct pause_record *r)
{
	bool seen = r->flags & PAUSE_RECORD_CONFIRMED;
	struct job_proc now;
	uint64_t start = r->start_ticks;
	int fd = pin(ps, r->pid, &start, &now), ret;

	if (fd < 0)
		return 0;
	if (now.state != 'T' && now.state != 't')
		ret = 0;
	else if (!(r->flags & PAUSE_RECORD_SENT) || now.state == 't' ||
		 now.pgrp != r->pgrp ||
		 (seen && runs_of(ps, r->pid) != r->runs) ||
		 jobs_traced(ps->proc, r->pid) ||
		 group_stopped(ps, now.pgrp, now.pid, NULL))
		ret = -EBUSY;
	else
		ret = ps->send(fd, SIGCONT) ? 0 : 1;
	close(fd);
	return ret;
}

/* Ours alone: owned by us, writable by nobody else, not linked twice. */
static bool private_to_us(int fd, bool dir)
{
	struct stat st;

	if (fstat(fd, &st) || st.st_uid != geteuid())
		return false;
	if (dir)
		return S_ISDIR(st.st_mode) && !(st.st_mode & 022);
	return S_ISREG(st.st_mode) && !(st.st_mode & 077) && st.st_nlink == 1;
}

static void read_boot_id(struct pause_set *ps, char *id, size_t size)
{
	size_t len = 0;

	memset(id, 0, size);
	if (proc_read(ps->proc, "sys/kernel/random/boot_id", &len))
		return;
	while (len && (ps->proc->buf[len - 1] == '\n'))
		len--;
	memcpy(id, ps->proc->buf, len < size - 1 ? len : size - 1);
}

/*
 * Every row the record at @fd holds, a job's JOB_PROCS at a time,
 * continued as resume_recorded() says: as many as the file has, so a
 * record of an oomqd built with a smaller PAUSE_MAX (32 before) is read
 * whole.  Return: how many were continued.
 */
static int resume_file(struct pause_set *ps, int fd, pause_note_fn note,
		       void *arg)
{
	struct pause_record row[JOB_PROCS];
	off_t off = offsetof(struct pause_table, r);
	ssize_t got;
	int cont = 0;

	while ((got = pread(fd, row, sizeof(row), off)) > 0) {
		for (size_t k = 0; k < (size_t)got / sizeof(*row); k++) {
			int ret;

			if (row[k].pid <= 0)
				continue;
			ret = resume_recorded(ps, &row[k]);
			if (ret > 0)
				cont++;
			else if (ret < 0)
				tell(note, arg, PAUSE_NOTE_KEPT, row[k].pid,
				     NULL);
		}
		off += got;
	}
	return cont;
}

int pause_file_open(struct pause_set *ps, int dir_fd, const char *name,
		    pid_t *holder, pause_note_fn note, void *arg)
{
	struct pause_table *t = &ps->table;
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char boot_id[sizeof(t->boot_id)];
	int fd, cont = 0;

	*holder = 0;
	if (!private_to_us(dir_fd, true))
		return -EPERM;
	fd = openat(dir_fd, name,
		    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return -errno;
	if (!private_to_us(fd, false)) {
		close(fd);
		return -EPERM;
	}
	/* An open file description's lock: held as long as the file is. */
	if (fcntl(fd, F_OFD_SETLK, &lk)) {
		int err = errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;

		if (pread(fd, t, sizeof(*t), 0) >=
			    (ssize_t)sizeof(t->magic) +
				    (ssize_t)sizeof(t->holder) &&
		    t->magic == PAUSE_FILE_MAGIC)
			*holder = t->holder;
		close(fd);
		return err;
	}
	read_boot_id(ps, boot_id, sizeof(boot_id));
	if (pread(fd, t, offsetof(struct pause_table, r), 0) ==
		    (ssize_t)offsetof(struct pause_table, r) &&
	    t->magic == PAUSE_FILE_MAGIC &&
	    !memcmp(t->boot_id, boot_id, sizeof(boot_id)))
		cont = resume_file(ps, fd, note, arg);
	memset(t, 0, sizeof(*t));
	t->magic = PAUSE_FILE_MAGIC;
	t->holder = getpid();
	memcpy(t->boot_id, boot_id, sizeof(boot_id));
	ps->fd = fd;
	/* Whole, once: later writes are of the rows that change. */
	(void)!pwrite(fd, t, sizeof(*t), 0);
	return cont;
}

void pause_file_close(struct pause_set *ps)
{
	if (ps->fd >= 0)
		close(ps->fd);
	ps->fd = -1;
}
