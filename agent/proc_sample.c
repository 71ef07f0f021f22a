// SPDX-License-Identifier: GPL-2.0
/*
 * Reading /proc into samples.  Files are opened relative to a directory
 * fd of the /proc root, read with plain read() into one fixed buffer and
 * parsed by proc_parse.c; the directory is listed with getdents64 into a
 * fixed buffer, because opendir() would allocate on every pass.
 *
 * A pass opens, reads and closes one or two small files per process, and
 * the syscalls' entry and exit are much of what that costs (a third of a
 * pass under perf on a PVM guest).  So the files of processes are closed
 * in batches: their fds are kept until PROC_DEFER_FDS are open, then
 * closed a run of consecutive numbers at a time with close_range(2).
 * Reading two files per process, that is two syscalls each instead of
 * three, and a pass measured 15-20 % cheaper.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_parse.h"
#include "lineage.h"
#include "proc_sample.h"

int proc_sampler_open(struct proc_sampler *ps, const char *root)
{
	ps->meminfo_fd = ps->loadavg_fd = -1;
	ps->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ps->root_fd < 0)
		return -errno;
	ps->self = getpid();
	ps->page_kb = (unsigned int)(sysconf(_SC_PAGESIZE) / 1024);
	memset(ps->kin, 0, sizeof(ps->kin));
	ps->gen = 0;
	proc_sampler_reset(ps);
	ps->ndeferred = 0;
	ps->no_close_range = 0;
	return 0;
}

void proc_sampler_close(struct proc_sampler *ps)
{
	proc_sampler_flush(ps);
	if (ps->meminfo_fd >= 0)
		close(ps->meminfo_fd);
	if (ps->loadavg_fd >= 0)
		close(ps->loadavg_fd);
	ps->meminfo_fd = ps->loadavg_fd = -1;
	if (ps->root_fd >= 0)
		close(ps->root_fd);
	ps->root_fd = -1;
}

/* A process that exits between readdir and read shows as ENOENT/ESRCH. */
static int vanished(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* close(first) .. close(last), in one syscall where the kernel can. */
static void close_run(struct proc_sampler *ps, int first, int last)
{
#ifdef SYS_close_range
	if (!ps->no_close_range) {
		if (!syscall(SYS_close_range, first, last, 0))
			return;
		ps->no_close_range = errno == ENOSYS;
	}
#endif
	for (int fd = first; fd <= last; fd++)
		close(fd);
}

/*
 * The deferred fds are in the order they were opened, and open() takes
 * the lowest free number: consecutive runs, broken only where a number
 * was already taken by a descriptor that is not ours (never closed).
 */
void proc_sampler_flush(struct proc_sampler *ps)
{
	unsigned int i = 0;

	while (i < ps->ndeferred) {
		unsigned int j = i;

		while (j + 1 < ps->ndeferred &&
		       ps->deferred[j + 1] == ps->deferred[j] + 1)
			j++;
		close_run(ps, ps->deferred[i], ps->deferred[j]);
		i = j + 1;
	}
	ps->ndeferred = 0;
}

static void close_later(struct proc_sampler *ps, int fd)
{
	ps->deferred[ps->ndeferred++] = fd;
	if (ps->ndeferred == PROC_DEFER_FDS)
		proc_sampler_flush(ps);
}

/*
 * Remembers the first file of a pass that did not read or parse (not
 * one that vanished with its process), for the log; returns @err.
 */
static int failed(struct proc_sampler *ps, const char *path, int err)
{
	if (err && !ps->fail_err && err != -ESRCH) {
		ps->fail_err = err;
		snprintf(ps->fail_path, sizeof(ps->fail_path), "%s", path);
	}
	return err;
}

void proc_sampler_reset(struct proc_sampler *ps)
{
	ps->skipped = 0;
	ps->malformed = 0;
	ps->fail_err = 0;
	ps->fail_path[0] = '\0';
	/* What lineage.c remembers is of one pass: pids are reused. */
	if (!++ps->gen)
		memset(ps->kin, 0, sizeof(ps->kin));
}

/*
 * Reads the file open at @fd, from its start, into ps->buf.  Leave one
 * byte so a full buffer is seen: a file that fills it is -EFBIG
 * (@prefix: only its first bytes are wanted, and they are there).
 * procfs files are single_open() seq_files: one read returns all of a
 * file that fits, so a short read is the end and the usual second read
 * that returns 0 is a syscall saved (one per file per process).  Only a
 * read that filled the room loops.  pread(), so a descriptor kept open
 * (meminfo's) reads the file again.
 */
static int read_fd(struct proc_sampler *ps, int fd, size_t *len, bool prefix)
{
	size_t n = 0, room = sizeof(ps->buf) - 1;

	while (n < room) {
		ssize_t r = pread(fd, ps->buf + n, room - n, (off_t)n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n += r;
		if (r == 0 || n < room)
			break;
	}
	if (n == room && !prefix)
		return -EFBIG;
	ps->buf[n] = '\0';
	*len = n;
	return 0;
}

/* Reads @path into ps->buf, as read_fd(); @defer: close it at the flush. */
static int read_file(struct proc_sampler *ps, const char *path, size_t *len,
		     bool defer, bool prefix)
{
	int fd, err;

	fd = openat(ps->root_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	err = read_fd(ps, fd, len, prefix);
	if (defer)
		close_later(ps, fd);
	else
		close(fd);
	return err;
}

/* Called with each line of a file, without its newline; see read_lines(). */
typedef int (*line_fn)(void *ctx, const char *line, size_t len, bool cut);

/*
 * Reads @path a line at a time through ps->buf, for files that may
 * outgrow it with lines nobody needs (status, cgroup).  A line longer
 * than the buffer is handed over once, its first bytes with @cut set,
 * and the rest of it skipped; @fn says whether that will do.  A short
 * read is the end, as in read_file().
 */
static int read_lines(struct proc_sampler *ps, const char *path, line_fn fn,
		      void *ctx)
{
	size_t have = 0, room = sizeof(ps->buf) - 1;
	bool skip = false; /* in the rest of a cut line */
	int fd, ret = 0;

	fd = openat(ps->root_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, ps->buf + have, room - have);
		bool end = r == 0 || (r > 0 && (size_t)r < room - have);
		char *p = ps->buf, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			break;
		}
		have += (size_t)r;
		if (skip) {
			nl = memchr(p, '\n', have);
			skip = !nl;
			p = nl ? nl + 1 : p + have;
		}
		while (!ret && (nl = memchr(p, '\n', ps->buf + have - p))) {
			ret = fn(ctx, p, (size_t)(nl - p), false);
			p = nl + 1;
		}
		have -= (size_t)(p - ps->buf);
		if (ret)
			break;
		if (have == room) { /* one line fills the buffer */
			ret = fn(ctx, ps->buf, have, true);
			skip = true;
			have = 0;
		} else {
			memmove(ps->buf, p, have);
		}
		if (ret)
			break;
		if (end) {
			if (have && !skip) /* a last line without newline */
				ret = fn(ctx, ps->buf, have, false);
			break;
		}
	}
	close_later(ps, fd);
	return ret;
}

int proc_read(struct proc_sampler *ps, const char *path, size_t *len)
{
	return failed(ps, path, read_file(ps, path, len, false, false));
}

/*
 * @name, read again and again (meminfo every tick and pass, loadavg
 * every tick that searches for jobs), into ps->buf through *@fd: kept
 * open from the first read (an open and a close saved each time) and
 * opened again after a read or a parse that failed (@parse's -errno).
 */
static int read_kept(struct proc_sampler *ps, int *fd, const char *name,
		     size_t *len)
{
	if (*fd < 0)
		*fd = openat(ps->root_fd, name,
			     O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return -errno;
	return read_fd(ps, *fd, len, false);
}

static int kept_done(struct proc_sampler *ps, int *fd, const char *name,
		     int ret)
{
	if (ret && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return failed(ps, name, ret);
}

int proc_read_meminfo(struct proc_sampler *ps, struct proc_meminfo *mi)
{
	size_t len = 0;
	int ret = read_kept(ps, &ps->meminfo_fd, "meminfo", &len);

	if (!ret)
		ret = proc_parse_meminfo_buf(ps->buf, len, mi);
	return kept_done(ps, &ps->meminfo_fd, "meminfo", ret);
}

int proc_read_last_pid(struct proc_sampler *ps, uint64_t *last_pid)
{
	size_t len = 0;
	int ret = read_kept(ps, &ps->loadavg_fd, "loadavg", &len);

	if (!ret)
		ret = proc_parse_loadavg_last_pid_buf(ps->buf, len, last_pid);
	return kept_done(ps, &ps->loadavg_fd, "loadavg", ret);
}

int proc_sample_sys(struct proc_sampler *ps, struct sample_sys *sys)
{
	struct proc_meminfo mi;
	long page, tck;
	size_t len;
	int ret;

	ret = proc_read_meminfo(ps, &mi);
	if (ret)
		return ret;
	sys->mem_total_kb = mi.mem_total_kb;
	sys->mem_available_kb = mi.mem_available_kb;
	sys->swap_total_kb = mi.swap_total_kb;
	sys->swap_free_kb = mi.swap_free_kb;

	ret = proc_read(ps, "uptime", &len);
	if (!ret)
		ret = failed(ps, "uptime",
			     proc_parse_uptime_buf(ps->buf, len,
						   &sys->uptime_ms));
	if (ret)
		return ret;

	page = sysconf(_SC_PAGESIZE);
	tck = sysconf(_SC_CLK_TCK);
	if (page < 1024 || tck <= 0)
		return -EINVAL;
	sys->page_kb = (unsigned int)(page / 1024);
	sys->clk_tck = (unsigned int)tck;
	return 0;
}

/*
 * "<pid>/<name>" into @path (64 bytes; names are short literals): what
 * snprintf("%d/%s") gives, without its format parsing, once or twice per
 * process per pass.
 */
static void pid_path(char *path, pid_t pid, const char *name)
{
	char digits[12];
	size_t n = 0, len = strlen(name);
	unsigned int v = (unsigned int)pid;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*path++ = digits[--n];
	*path++ = '/';
	memcpy(path, name, len + 1);
}

/*
 * A process's file failed: -ESRCH when the process is gone (a read
 * error that says so), else @err, the first of a pass kept for the log.
 */
static int pid_failed(struct proc_sampler *ps, pid_t pid, const char *name,
		      int err, bool reading)
{
	char path[64];

	if (reading && vanished(err))
		return -ESRCH;
	if (!ps->fail_err) {
		pid_path(path, pid, name);
		failed(ps, path, err);
	}
	return err;
}

static int read_pid_file(struct proc_sampler *ps, pid_t pid, const char *name,
			 size_t *len, bool prefix)
{
	char path[64];
	int ret;

	pid_path(path, pid, name);
	ret = read_file(ps, path, len, true, prefix);
	return ret ? pid_failed(ps, pid, name, ret, true) : 0;
}

static int status_line(void *ctx, const char *line, size_t len, bool cut)
{
	return proc_status_line(ctx, line, len, cut);
}

/* /proc/<pid>/status, line by line: a user's thousands of Groups fit. */
static int read_status(struct proc_sampler *ps, pid_t pid,
		       struct proc_status *status)
{
	char path[64];
	int ret;

	pid_path(path, pid, "status");
	proc_status_init(status);
	ret = read_lines(ps, path, status_line, status);
	if (ret)
		return pid_failed(ps, pid, "status", ret, true);
	ret = proc_status_done(status);
	return ret ? pid_failed(ps, pid, "status", ret, false) : 0;
}

struct cgroup_read {
	char *out; /* NULL once the v2 line filled it */
	size_t size;
};

static int cgroup_line(void *ctx, const char *line, size_t len, bool cut)
{
	struct cgroup_read *cr = ctx;
	int ret = proc_cgroup_line(line, len, cut, cr->out, cr->size);

	if (ret == 1)
		cr->out = NULL;
	return ret < 0 ? ret : 0;
}

/* /proc/<pid>/cgroup's v2 path, line by line past long v1 ones. */
int proc_read_cgroup(struct proc_sampler *ps, pid_t pid, char *out, size_t size)
{
	struct cgroup_read cr = { out, size };
	char path[64];
	int ret;

	pid_path(path, pid, "cgroup");
	ret = read_lines(ps, path, cgroup_line, &cr);
	if (!ret && cr.out)
		ret = -ENOENT; /* no v2 line: no unified hierarchy */
	if (ret) {
		out[0] = '\0';
		return pid_failed(ps, pid, "cgroup", ret, true);
	}
	return 0;
}

int proc_read_stat(struct proc_sampler *ps, pid_t pid, struct proc_stat *st)
{
	size_t len;
	int ret;

	ret = read_pid_file(ps, pid, "stat", &len, false);
	if (ret)
		return ret;
	ret = proc_parse_stat_buf(ps->buf, len, st);
	return ret ? pid_failed(ps, pid, "stat", ret, false) : 0;
}

void proc_read_text(struct proc_sampler *ps, pid_t pid, unsigned int need,
		    struct sample_text *t)
{
	char path[64];
	size_t len;
	ssize_t r;

	sample_text_clear(t);
	if (need & PROC_NEED_LINEAGE)
		lineage_read(ps, pid, &t->lineage);
	/* Only the first bytes of a cmdline are matched (sample.h). */
	if ((need & PROC_NEED_CMDLINE) &&
	    !read_pid_file(ps, pid, "cmdline", &len, true))
		proc_parse_cmdline_buf(ps->buf, len, t->cmdline,
				       sizeof(t->cmdline));
	if (need & PROC_NEED_CGROUP)
		proc_read_cgroup(ps, pid, t->cgroup, sizeof(t->cgroup));
	if (need & PROC_NEED_EXE) {
		/*
		 * Others' exe needs ptrace access: empty when denied.  A
		 * link that fills the buffer may be longer: empty too.
		 */
		pid_path(path, pid, "exe");
		r = readlinkat(ps->root_fd, path, t->exe, sizeof(t->exe));
		if (r == (ssize_t)sizeof(t->exe))
			pid_failed(ps, pid, "exe", -ENAMETOOLONG, false);
		t->exe[r > 0 && r < (ssize_t)sizeof(t->exe) ? r : 0] = '\0';
	}
}

int proc_sample_one(struct proc_sampler *ps, pid_t pid, unsigned int need,
		    struct sample *s, struct sample_text *text)
{
	struct proc_status status;
	struct proc_stat st;
	size_t len;
	int adj, ret;

	memset(s, 0, sizeof(*s));
	ret = proc_read_stat(ps, pid, &st);
	if (ret)
		return ret;

	if (need & PROC_NEED_LINEAGE)
		lineage_note(ps, pid,
			     &st); /* its lineage reads no stat again */
	s->pid = pid;
	s->ppid = st.ppid;
	s->nice = (int8_t)st.nice;
	s->cpu_ticks = st.utime + st.stime;
	s->start_ticks = st.starttime;
	s->rule = SAMPLE_NO_RULE;
	/* Kernel threads may have longer names; TASK_COMM_LEN is enough. */
	len = strnlen(st.comm, sizeof(s->comm) - 1);
	memcpy(s->comm, st.comm, len);
	s->comm[len] = '\0';
	if (pid == ps->self)
		s->flags |= SAMPLE_SELF;
	/* Kernel threads are never victims: nothing more to read. */
	if (st.flags & PROC_PF_KTHREAD) {
		s->flags |= SAMPLE_KTHREAD | SAMPLE_NO_MM;
		if (text)
			sample_text_clear(text);
		return 0;
	}

	ret = read_status(ps, pid, &status);
	if (ret)
		return ret;
	s->uid = status.uid[0];
	s->euid = status.uid[1];
	s->cap_eff = status.cap_eff;
	if (!status.has_mm) {
		s->flags |= SAMPLE_NO_MM;
	} else {
		s->total_vm_kb = status.vm_size_kb;
		s->swap_kb = status.vm_swap_kb;
		s->pgtables_kb = status.vm_pte_kb;
		/*
		 * stat's rss is get_mm_rss(), the per-CPU approximation that
		 * oom_badness() reads; status sums the counters exactly.
		 * Using stat's keeps the modern port equal to oom_score.
		 */
		s->rss_kb = st.rss * ps->page_kb;
	}

	ret = read_pid_file(ps, pid, "oom_score_adj", &len, false);
	if (ret)
		return ret;
	ret = proc_parse_oom_score_adj_buf(ps->buf, len, &adj);
	if (ret)
		return pid_failed(ps, pid, "oom_score_adj", ret, false);
	s->oom_score_adj = (int16_t)adj;

	if (text)
		proc_read_text(ps, pid, need, text);
	return 0;
}

/* "666\n" */
int proc_read_oom_score(struct proc_sampler *ps, pid_t pid,
			unsigned long *score)
{
	size_t len;
	int ret = read_pid_file(ps, pid, "oom_score", &len, false);

	if (ret)
		return ret;
	ret = proc_parse_oom_score_buf(ps->buf, len, score);
	return ret ? pid_failed(ps, pid, "oom_score", ret, false) : 0;
}

/*
 * "Web Content\n": the task's comm as stat shows it between the
 * parentheses, at most TASK_COMM_LEN - 1 bytes; a kernel thread's may be
 * longer (workqueue names), cut as proc_sample_one() cuts stat's.
 */
int proc_read_comm(struct proc_sampler *ps, pid_t pid, char *comm)
{
	size_t len;
	int ret = read_pid_file(ps, pid, "comm", &len, false);

	if (ret)
		return ret;
	if (len && ps->buf[len - 1] == '\n')
		len--;
	if (len > SAMPLE_COMM_LEN - 1)
		len = SAMPLE_COMM_LEN - 1;
	memcpy(comm, ps->buf, len);
	comm[len] = '\0';
	return 0;
}

int proc_read_uid(struct proc_sampler *ps, pid_t pid, uid_t *uid, uid_t *euid)
{
	struct proc_status status;
	int ret = read_status(ps, pid, &status);

	if (ret)
		return ret;
	*uid = status.uid[0];
	*euid = status.uid[1];
	return 0;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static pid_t dirent_pid(const char *name)
{
	long v = 0;

	if (!*name || *name == '0')
		return 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > 4194304)
			return 0;
		v = v * 10 + (*name - '0');
	}
	return (pid_t)v;
}

/* The numeric entries of the directory @dir_fd, read from its start. */
static int walk_pids(struct proc_sampler *ps, int dir_fd, proc_pid_fn fn,
		     void *ctx)
{
	if (lseek(dir_fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		long nread = syscall(SYS_getdents64, dir_fd, ps->dents,
				     sizeof(ps->dents));

		if (nread < 0)
			return -errno;
		if (nread == 0)
			return 0;
		for (long off = 0; off < nread;) {
			struct linux_dirent64 *d =
				(struct linux_dirent64 *)(ps->dents + off);
			pid_t pid = dirent_pid(d->d_name);
			int ret;

			off += d->d_reclen;
			if (!pid)
				continue;
			ret = fn(pid, ctx);
			if (ret)
				return ret;
		}
	}
}

int proc_for_each_pid(struct proc_sampler *ps, proc_pid_fn fn, void *ctx)
{
	int ret = walk_pids(ps, ps->root_fd, fn, ctx);

	proc_sampler_flush(ps);
	return ret;
}

int proc_for_each_tid(struct proc_sampler *ps, pid_t pid, proc_pid_fn fn,
		      void *ctx)
{
	char path[32];
	int fd, ret;

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	fd = openat(ps->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vanished(-errno) ? -ESRCH : -errno;
	ret = walk_pids(ps, fd, fn, ctx);
	close(fd);
	return ret;
}

struct sample_all {
	struct proc_sampler *ps;
	unsigned int need;
	struct sample *tab;
	size_t cap, used;
	int full;
	proc_classify_fn classify;
	void *ctx;
};

/* proc_pid_fn: one process of proc_sample_all(). */
static int sample_all_one(pid_t pid, void *arg)
{
	struct sample_all *sa = arg;
	struct sample_text text;
	int ret;

	if (sa->used == sa->cap) {
		sa->full = 1;
		return 0;
	}
	ret = proc_sample_one(sa->ps, pid, sa->need, &sa->tab[sa->used], &text);
	if (ret == -ESRCH) {
		sa->ps->skipped++;
		return 0;
	}
	if (ret) {
		sa->ps->malformed++;
		return 0;
	}
	if (sa->classify)
		sa->classify(&sa->tab[sa->used], &text, sa->ctx);
	sa->used++;
	return 0;
}

int proc_sample_all(struct proc_sampler *ps, unsigned int need,
		    struct sample *tab, size_t cap, size_t *n,
		    proc_classify_fn classify, void *ctx)
{
	struct sample_all sa = {
		.ps = ps,
		.need = need,
		.tab = tab,
		.cap = cap,
		.classify = classify,
		.ctx = ctx,
	};
	int ret;

	proc_sampler_reset(ps);
	ret = proc_for_each_pid(ps, sample_all_one, &sa);
	*n = sa.used;
	if (ret)
		return ret;
	return sa.full ? -ENOSPC : 0;
}
