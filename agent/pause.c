// SPDX-License-Identifier: GPL-2.0
/*
 * pause: SIGSTOP and SIGCONT through pidfds; see pause.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pause.h"
#include "pidfd.h"
#include "proc_parse.h"

void pause_init(struct pause_set *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->fd = -1;
}

/* The set into the record file, in place: no allocation. */
static void sync_file(struct pause_set *ps)
{
	unsigned int k = 0;

	if (ps->fd < 0)
		return;
	memset(&ps->table, 0, sizeof(ps->table));
	ps->table.magic = PAUSE_FILE_MAGIC;
	for (unsigned int i = 0; i < ps->n; i++) {
		if (ps->e[i].pidfd < 0) /* a dry run's: nothing stopped */
			continue;
		ps->table.r[k].pid = ps->e[i].pid;
		ps->table.r[k].start_ticks = ps->e[i].start_ticks;
		k++;
	}
	/* A failed write only loses the record; the set in memory is right. */
	(void)!pwrite(ps->fd, &ps->table, sizeof(ps->table), 0);
}

/**
 * pause_due - what the set should do after sample @s
 * @running: pausable processes not stopped, as the last ranking saw them
 *
 * A continue after the expiry of the oldest comes first.  While memory
 * is at pause_at: a stop, at most one every pause_gap_ms, only while
 * MemAvailable has not risen since the last one (the stops so far may
 * be enough) and while more than one pausable process runs (the loop
 * never stops the last: jobs that are all stopped free nothing).  A
 * continue when nothing pausable runs any more (the one left running
 * has finished), whatever memory says, for the same reason; else once
 * memory is above resume_at.  Continues come one every resume_gap_ms
 * after the last stop or continue, so the memory a continued job takes
 * shows before the next goes on.
 */
enum pause_verdict pause_due(const struct pause_set *ps,
			     const struct pressure_config *cfg,
			     const struct pressure_sample *s,
			     unsigned int running, uint64_t now_ms)
{
	uint64_t last;

	if (ps->n && now_ms - ps->e[0].since_ms >= cfg->pause_max_ms)
		return PAUSE_EXPIRED;
	if (!cfg->pause_enabled)
		return ps->n ? PAUSE_CONT : PAUSE_NOTHING;
	if (running && pressure_memory_meets(&cfg->pause_at, s)) {
		if (running < 2 || ps->n == PAUSE_MAX)
			return PAUSE_NOTHING;
		if (ps->stopped_once &&
		    now_ms - ps->stop_ms < cfg->pause_gap_ms)
			return PAUSE_NOTHING;
		if (ps->n && s->mem_avail_kb > ps->stop_avail_kb)
			return PAUSE_NOTHING;
		return PAUSE_STOP;
	}
	if (!ps->n || (running && pressure_memory_meets(&cfg->resume_at, s)))
		return PAUSE_NOTHING;
	last = ps->stop_ms;
	if (ps->cont_once && ps->cont_ms > last)
		last = ps->cont_ms;
	return now_ms - last >= cfg->resume_gap_ms ? PAUSE_CONT : PAUSE_NOTHING;
}

/**
 * pause_wait_ms - how long the loop may sleep and still stop in time
 *
 * pause_sample_ms while someone is stopped or memory is at resume_at;
 * above it, as long as memory filling at PAUSE_FILL_KB_PER_MS would
 * take to reach pause_at (a 512 MiB guest at 30 % samples every 0.1 s,
 * 16 GiB with 8 GiB available every 8 s; the level's own interval caps
 * it).  Without PSI stalls yet, the level may still be calm: this is
 * what notices a build's jobs growing toward pause_at in time.
 *
 * Return: ms, or -1 when pausing is off and nobody is stopped.
 */
int pause_wait_ms(const struct pause_set *ps, const struct pressure_config *cfg,
		  const struct pressure_sample *s)
{
	double at_kb, ms;

	if (ps->n ||
	    (cfg->pause_enabled && pressure_memory_meets(&cfg->resume_at, s)))
		return (int)cfg->pause_sample_ms;
	if (!cfg->pause_enabled || !s->mem_total_kb)
		return -1;
	at_kb = (double)s->mem_total_kb * cfg->pause_at.mem_avail_pct / 100;
	ms = ((double)s->mem_avail_kb - at_kb) / PAUSE_FILL_KB_PER_MS;
	if (ms < cfg->pause_sample_ms)
		return (int)cfg->pause_sample_ms;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

bool pause_has(const struct pause_set *ps, pid_t pid)
{
	for (unsigned int i = 0; i < ps->n; i++)
		if (ps->e[i].pid == pid)
			return true;
	return false;
}

int pause_stop(struct pause_set *ps, const struct sample *v, uint64_t avail_kb,
	       uint64_t now_ms, bool dry_run)
{
	struct pause_entry *e;
	int fd = -1, err;
	size_t len;

	if (ps->n == PAUSE_MAX)
		return -ENOSPC;
	if (!dry_run) {
		fd = sys_pidfd_open(v->pid);
		if (fd < 0)
			return fd;
		err = sys_pidfd_send_signal(fd, SIGSTOP);
		if (err) {
			close(fd);
			return err;
		}
	}
	e = &ps->e[ps->n++];
	e->pid = v->pid;
	e->pidfd = fd;
	e->since_ms = now_ms;
	e->start_ticks = v->start_ticks;
	e->rss_kb = v->rss_kb;
	len = strnlen(v->comm, sizeof(e->comm) - 1);
	memcpy(e->comm, v->comm, len);
	e->comm[len] = '\0';
	ps->stop_ms = now_ms;
	ps->stop_avail_kb = avail_kb;
	ps->stopped_once = true;
	sync_file(ps);
	return 0;
}

/* SIGCONT to entry @i, which leaves the set. */
static int cont_at(struct pause_set *ps, unsigned int i,
		   struct pause_entry *out)
{
	struct pause_entry e = ps->e[i];
	int err = 0;

	if (e.pidfd >= 0) {
		err = sys_pidfd_send_signal(e.pidfd, SIGCONT);
		close(e.pidfd);
		e.pidfd = -1;
	}
	memmove(&ps->e[i], &ps->e[i + 1], (ps->n - i - 1) * sizeof(e));
	ps->n--;
	sync_file(ps);
	if (out)
		*out = e;
	return err;
}

int pause_cont_oldest(struct pause_set *ps, uint64_t now_ms,
		      struct pause_entry *out)
{
	if (!ps->n)
		return -ENOENT;
	ps->cont_ms = now_ms;
	ps->cont_once = true;
	return cont_at(ps, 0, out);
}

void pause_release(struct pause_set *ps, pid_t pid)
{
	for (unsigned int i = 0; i < ps->n; i++)
		if (ps->e[i].pid == pid) {
			cont_at(ps, i, NULL);
			return;
		}
}

unsigned int pause_release_all(struct pause_set *ps)
{
	unsigned int n = ps->n;

	while (ps->n)
		cont_at(ps, 0, NULL);
	return n;
}

unsigned int pause_reap(struct pause_set *ps)
{
	unsigned int gone = 0, i = 0;

	while (i < ps->n) {
		struct pause_entry *e = &ps->e[i];

		if (e->pidfd >= 0 && pidfd_exited(e->pidfd)) {
			close(e->pidfd);
			memmove(e, e + 1, (ps->n - i - 1) * sizeof(*e));
			ps->n--;
			gone++;
		} else {
			i++;
		}
	}
	if (gone)
		sync_file(ps);
	return gone;
}

/* Is @r's process still stopped and still the same?  Through @pidfd,
 * opened first, so the PID cannot be recycled between check and signal. */
static bool still_ours(const char *proc_root, const struct pause_record *r)
{
	char path[PATH_MAX], buf[1024];
	struct proc_stat st;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)r->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0 || proc_parse_stat_buf(buf, (size_t)len, &st))
		return false;
	return st.state == 'T' && st.starttime == r->start_ticks;
}

int pause_file_open(struct pause_set *ps, const char *path,
		    const char *proc_root)
{
	struct pause_table *t = &ps->table;
	int fd, cont = 0;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (pread(fd, t, sizeof(*t), 0) == (ssize_t)sizeof(*t) &&
	    t->magic == PAUSE_FILE_MAGIC) {
		for (unsigned int i = 0; i < PAUSE_MAX; i++) {
			int pidfd;

			if (t->r[i].pid <= 0)
				continue;
			pidfd = sys_pidfd_open(t->r[i].pid);
			if (pidfd < 0)
				continue;
			if (still_ours(proc_root, &t->r[i]) &&
			    !sys_pidfd_send_signal(pidfd, SIGCONT))
				cont++;
			close(pidfd);
		}
	}
	ps->fd = fd;
	sync_file(ps);
	return cont;
}

void pause_file_close(struct pause_set *ps)
{
	if (ps->fd >= 0)
		close(ps->fd);
	ps->fd = -1;
}
