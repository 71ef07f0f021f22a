// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/oom as a file: the grammar through a real write(), what reading
 * shows, who may write, and that queueing leaves oom_score alone; one
 * write() is one list; a reader sees what its procfs mount shows it
 * (hidepid=) and PIDs as that mount numbers them.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "../../common/proc_oom_cases.h"

static char big_buf[OOMQ_PROC_WRITE_MAX + 64];

/* The queue of live holders every bad write must leave alone. */
struct baseline {
	pid_t pids[3];
	char text[64];
};

static bool baseline_set(struct outcome *o, struct baseline *b)
{
	int err;

	for (int i = 0; i < 3; i++) {
		b->pids[i] = spawn_small("base");
		if (b->pids[i] <= 0)
			return failf(o, "could not start a holder");
	}
	snprintf(b->text, sizeof(b->text), "%d %d %d", b->pids[0], b->pids[1],
		 b->pids[2]);
	err = write_str("/proc/oom", b->text);
	return err ? failf(o, "baseline write: %s", strerror(-err)) : true;
}

static bool baseline_kept(struct outcome *o, const struct baseline *b,
			  const char *name)
{
	char got[256];

	if (queue_read(got, sizeof(got)))
		return failf(o, "%s: cannot read /proc/oom", name);
	if (strcmp(got, b->text))
		return failf(o, "%s: queue changed to '%s'", name, got);
	return true;
}

/* One write(), one errno; then the queue must still be the baseline. */
static bool bad_write(struct outcome *o, const struct baseline *b,
		      const char *name, const char *buf, size_t len, int want)
{
	int err = write_text("/proc/oom", buf, len);

	if (err != want)
		return failf(o, "'%s': write returned %s, want %s", name,
			     err ? strerror(-err) : "success", strerror(-want));
	return baseline_kept(o, b, name);
}

void case_proc_bad_input(struct outcome *o)
{
	struct baseline b;
	unsigned int bad = 0, good = 0;
	size_t len;

	if (!baseline_set(o, &b))
		return;
	for (size_t i = 0; i < PROC_OOM_NCASES; i++) {
		const struct proc_oom_case *c = &proc_oom_cases[i];
		int err;

		if (c->expect) {
			if (!bad_write(o, &b, c->name, c->input, c->len,
				       c->expect))
				return;
			bad++;
			continue;
		}
		/* Valid lists replace the queue: check, then restore it. */
		err = write_text("/proc/oom", c->input, c->len);
		if (err) {
			failf(o, "valid '%s' refused: %s", c->name,
			      strerror(-err));
			return;
		}
		if (write_str("/proc/oom", b.text)) {
			failf(o, "cannot restore the baseline");
			return;
		}
		good++;
	}

	/* Sizes the table cannot hold as literals. */
	len = proc_oom_gen_list(big_buf, sizeof(big_buf), OOMQ_QUEUE_MAX + 1, 1,
				' ');
	if (!bad_write(o, &b, "4097 pids", big_buf, len, -E2BIG))
		return;
	memset(big_buf, ' ', OOMQ_PROC_WRITE_MAX + 1);
	big_buf[0] = '1';
	if (!bad_write(o, &b, "65537 bytes", big_buf, OOMQ_PROC_WRITE_MAX + 1,
		       -E2BIG))
		return;
	/* Oversize wins even when the list inside is also malformed. */
	big_buf[1] = 'x';
	if (!bad_write(o, &b, "65537 bytes, malformed", big_buf,
		       OOMQ_PROC_WRITE_MAX + 1, -E2BIG))
		return;
	bad += 3;
	notef(o,
	      "%u malformed writes refused with the exact errno, "
	      "queue kept; %u valid table inputs accepted",
	      bad, good);
}

struct valid_case {
	const char *name;
	const char *in; /* a, b, c: holders; t: a thread's TID */
	const char *want; /* the same letters, p: t's process */
};

/* Inputs over live PIDs, and what reading /proc/oom shows after them. */
static const struct valid_case valid_cases[] = {
	{ "spaces", "a b c", "a b c" },
	{ "tab comma newline", "a\tb,c\n", "a b c" },
	{ "mixed runs", " ,\t\nc,,\ta \n\nb, ", "c a b" },
	{ "order kept", "c a b", "c a b" },
	{ "duplicates keep first place", "b a b c a", "b a c" },
	{ "nonexistent skipped", "a 4000000 b 4194304", "a b" },
	{ "thread queues its process", "t a", "p a" },
	{ "newline clears", "\n", "" },
	{ "separators only clear", " ,\t\n", "" },
};

/* Replace each placeholder letter by its PID. */
static void expand(const char *fmt, const pid_t pids[5], char *out, size_t size)
{
	static const char letters[] = "abctp";
	size_t len = 0;

	for (; *fmt && len + 12 < size; fmt++) {
		const char *l = strchr(letters, *fmt);

		if (l && *fmt)
			len += snprintf(out + len, size - len, "%d",
					pids[l - letters]);
		else
			out[len++] = *fmt;
	}
	out[len] = '\0';
}

static bool valid_write(struct outcome *o, const char *name, const char *buf,
			size_t len, const char *want)
{
	char got[256];
	int err = write_text("/proc/oom", buf, len);

	if (err)
		return failf(o, "'%s': write failed: %s", name, strerror(-err));
	if (queue_read(got, sizeof(got)))
		return failf(o, "'%s': cannot read /proc/oom", name);
	if (strcmp(got, want))
		return failf(o, "'%s': reads '%s', want '%s'", name, got, want);
	return true;
}

void case_proc_valid_input(struct outcome *o)
{
	pid_t a = spawn_small("va"), b = spawn_small("vb"),
	      c = spawn_small("vc"), tid = 0, t = spawn_threaded("vt", &tid);
	char in[256], want[256];
	size_t len;

	if (a <= 0 || b <= 0 || c <= 0 || t <= 0 || tid <= 0 || tid == t) {
		failf(o, "could not start the holders");
		return;
	}
	const pid_t pids[5] = { a, b, c, tid, t };

	for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++) {
		const struct valid_case *v = &valid_cases[i];

		expand(v->in, pids, in, sizeof(in));
		expand(v->want, pids, want, sizeof(want));
		if (!valid_write(o, v->name, in, strlen(in), want))
			return;
	}
	/* A zero-byte write is an empty list too. */
	snprintf(in, sizeof(in), "%d %d", a, b);
	if (!valid_write(o, "restore", in, strlen(in), in) ||
	    !valid_write(o, "zero-byte write clears", "", 0, ""))
		return;
	/* The largest write and the longest list are both accepted. */
	memset(big_buf, ' ', OOMQ_PROC_WRITE_MAX);
	len = snprintf(big_buf, 16, "%d", a);
	big_buf[len] = ' ';
	snprintf(want, sizeof(want), "%d", a);
	if (!valid_write(o, "65536 bytes", big_buf, OOMQ_PROC_WRITE_MAX, want))
		return;
	len = proc_oom_gen_list(big_buf, sizeof(big_buf), OOMQ_QUEUE_MAX - 1,
				4000000, ',');
	len += snprintf(big_buf + len, 16, ",%d", b);
	snprintf(want, sizeof(want), "%d", b);
	if (!valid_write(o, "4096 pids", big_buf, len, want))
		return;
	notef(o, "%zu valid forms read back as expected",
	      ARRAY_SIZE(valid_cases) + 4);
}

/* Exit codes of the unprivileged children: what open()/write() said. */
#define OPEN_FAILED(e) (e)
#define WRITE_FAILED(e) (64 + (e))
#define WROTE 200

static int try_write(void)
{
	int fd = open("/proc/oom", O_WRONLY);

	if (fd < 0)
		return OPEN_FAILED(errno);
	if (write(fd, "1\n", 2) < 0)
		return WRITE_FAILED(errno);
	return WROTE;
}

static int as_user(void *arg)
{
	(void)arg;
	if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
	    setresuid(1000, 1000, 1000))
		return 255;
	return try_write();
}

/* Still uid 0, with every capability but CAP_SYS_RESOURCE. */
static int without_sys_resource(void *arg)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int word = CAP_SYS_RESOURCE / 32;
	unsigned int bit = 1U << (CAP_SYS_RESOURCE % 32);

	(void)arg;
	if (syscall(SYS_capget, &hdr, data))
		return 255;
	data[word].effective &= ~bit;
	data[word].permitted &= ~bit;
	data[word].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return 255;
	return try_write();
}

static int child_status(int (*fn)(void *))
{
	int status;
	pid_t pid = spawn_fn(fn, NULL);

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	unregister_child(pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *describe(int st, char *buf, size_t size)
{
	if (st == WROTE)
		return "the write succeeded";
	if (st >= WRITE_FAILED(1) && st < WROTE)
		snprintf(buf, size, "write failed: %s",
			 strerror(st - WRITE_FAILED(0)));
	else if (st > 0 && st < 64)
		snprintf(buf, size, "open failed: %s", strerror(st));
	else
		snprintf(buf, size, "child failed (%d)", st);
	return buf;
}

void case_proc_perm(struct outcome *o)
{
	pid_t a = spawn_small("pa");
	char want[32], got[64], why[64];
	int st;

	if (a <= 0 || write_str("/proc/oom", "1") ||
	    (snprintf(want, sizeof(want), "%d", a),
	     write_str("/proc/oom", want))) {
		failf(o, "setup failed");
		return;
	}
	/* uid 1000: the file is 0644 root, so open() is refused. */
	st = child_status(as_user);
	if (st != OPEN_FAILED(EACCES)) {
		failf(o, "uid 1000: %s, want open() EACCES",
		      describe(st, why, sizeof(why)));
		return;
	}
	if (queue_read(got, sizeof(got)) || strcmp(got, want)) {
		failf(o, "uid 1000 changed the queue to '%s'", got);
		return;
	}
	/*
	 * uid 0 without CAP_SYS_RESOURCE: the module checks the opener's
	 * credentials, so EPERM may come from open() or from write().
	 */
	st = child_status(without_sys_resource);
	if (st != OPEN_FAILED(EPERM) && st != WRITE_FAILED(EPERM)) {
		failf(o, "no CAP_SYS_RESOURCE: %s, want EPERM",
		      describe(st, why, sizeof(why)));
		return;
	}
	if (queue_read(got, sizeof(got)) || strcmp(got, want)) {
		failf(o,
		      "uid 0 without CAP_SYS_RESOURCE changed the queue "
		      "to '%s'",
		      got);
		return;
	}
	notef(o, "uid 1000: open EACCES; no CAP_SYS_RESOURCE: %s EPERM",
	      st == OPEN_FAILED(EPERM) ? "open" : "write");
}

/* Queueing must not show in /proc/<pid>/oom_score (or oom_score_adj). */
void case_oom_score(struct outcome *o)
{
	pid_t a = spawn_small("sa");
	long score, adj;

	if (a <= 0) {
		failf(o, "could not start a holder");
		return;
	}
	score = oom_score(a);
	adj = oom_score_adj(a);
	if (queue_set(&a, 1)) {
		failf(o, "cannot queue");
		return;
	}
	if (oom_score(a) != score || oom_score_adj(a) != adj)
		failf(o, "oom_score %ld -> %ld, oom_score_adj %ld -> %ld",
		      score, oom_score(a), adj, oom_score_adj(a));
	else
		notef(o, "oom_score %ld before and while queued", score);
}

/* ---- one write() is one list ---- */

static bool queue_is_text(struct outcome *o, const char *step, const char *want)
{
	char got[256];

	if (queue_read(got, sizeof(got)))
		return failf(o, "%s: cannot read /proc/oom", step);
	if (strcmp(got, want))
		return failf(o, "%s: queue is '%s', want '%s'", step, got,
			     want);
	return true;
}

/*
 * A list cut in two by a stdio buffer or written by a shell loop reaches
 * the module as two writes on one open file.  The second one must fail
 * (EINVAL) and change nothing: on its own it would name processes nobody
 * named (the tail of a number).
 */
void case_proc_split_write(struct outcome *o)
{
	pid_t a = spawn_small("sa"), b = spawn_small("sb");
	char text[64], want[64], out[256];
	const char *argv[] = { "/bin/sh", "-c", text, NULL };
	size_t cut;
	int fd, st;

	if (a <= 0 || b <= 0) {
		failf(o, "could not start the holders");
		return;
	}
	/* "a b" cut inside b's number, as "1234 56" + "78". */
	snprintf(text, sizeof(text), "%d %d", a, b);
	cut = strlen(text) - 1;
	fd = open("/proc/oom", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, cut) != (ssize_t)cut) {
		failf(o, "first part '%.*s': %s", (int)cut, text,
		      strerror(errno));
		return;
	}
	if (queue_read(want, sizeof(want))) {
		failf(o, "cannot read /proc/oom");
		return;
	}
	errno = 0;
	if (write(fd, text + cut, 1) != -1 || errno != EINVAL) {
		failf(o, "second write '%s' on the same file: %s, want EINVAL",
		      text + cut, errno ? strerror(errno) : "success");
		close(fd);
		return;
	}
	if (!queue_is_text(o, "after the refused second write", want))
		return;
	/* Back at offset 0, a write is a new list (no pwrite: seq_file). */
	snprintf(text, sizeof(text), "%d", b);
	if (lseek(fd, 0, SEEK_SET) ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		failf(o, "write after lseek to 0: %s", strerror(errno));
		return;
	}
	close(fd);
	if (!queue_is_text(o, "after lseek to 0 and a write", text))
		return;
	/* A refused write does not move the offset. */
	fd = open("/proc/oom", O_WRONLY | O_CLOEXEC);
	snprintf(text, sizeof(text), "%d", a);
	if (fd < 0 || write(fd, "x", 1) != -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		failf(o,
		      "a valid write after a refused one on the same file: %s",
		      strerror(errno));
		return;
	}
	close(fd);
	if (!queue_is_text(o, "after a refused then a valid write", text))
		return;
	/* The shell loop: one echo per PID into one redirect. */
	snprintf(text, sizeof(text),
		 "for p in %d %d; do echo $p; done > /proc/oom", b, a);
	st = run_capture(0, argv, out, sizeof(out));
	snprintf(want, sizeof(want), "%d", b);
	if (st == 0) {
		failf(o, "shell loop into /proc/oom exited 0: %s", out);
		return;
	}
	if (!queue_is_text(o, "after the shell loop", want))
		return;
	notef(o,
	      "second write on one file: EINVAL, queue kept; a write "
	      "after lseek to 0 accepted; shell loop fails (exit %d) "
	      "after its first PID",
	      st);
}

/* ---- what /proc shows a reader ---- */

/* A uid-1000 sleeper, dumpable unless @arg is non-NULL. */
static int as_user_sleeper(void *arg)
{
	if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
	    setresuid(1000, 1000, 1000))
		return 255;
	/* setuid() made it non-dumpable: /proc hides it from its owner. */
	if (!arg)
		prctl(PR_SET_DUMPABLE, 1);
	for (;;)
		pause();
	return 0;
}

/* Wait until @pid runs as uid 1000. */
static bool wait_uid_1000(pid_t pid)
{
	char path[64], buf[2048];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (int i = 0; i < 500; i++) {
		if (read_text(path, buf, sizeof(buf)) > 0 &&
		    strstr(buf, "\nUid:\t1000\t1000\t1000\t1000"))
			return true;
		sleep_ms(10);
	}
	return false;
}

/* `cat @path` as @uid, whitespace collapsed. */
static bool cat_as(struct outcome *o, uid_t uid, const char *path, char *out,
		   size_t size)
{
	const char *argv[] = { "/bin/cat", path, NULL };
	int st = run_capture(uid, argv, out, size);

	if (st != 0)
		return failf(o, "uid %u: cat %s: exit %d: %s", uid, path, st,
			     out);
	normalize(out);
	return true;
}

static bool reads_as(struct outcome *o, uid_t uid, const char *path,
		     const char *want)
{
	char got[256];

	if (!cat_as(o, uid, path, got, sizeof(got)))
		return false;
	if (strcmp(got, want))
		return failf(o, "uid %u reads %s as '%s', want '%s'", uid, path,
			     got, want);
	return true;
}

/* Does `ls @dir` as uid 1000 list @pid? */
static bool lists_pid(struct outcome *o, const char *dir, pid_t pid, bool *seen)
{
	const char *argv[] = { "/bin/ls", dir, NULL };
	char out[8192], key[16];

	if (run_capture(1000, argv, out, sizeof(out)))
		return failf(o, "uid 1000: ls %s failed: %s", dir, out);
	normalize(out);
	snprintf(key, sizeof(key), " %d ", pid);
	memmove(out + 1, out, strlen(out) + 1);
	out[0] = ' ';
	strcat(out, " ");
	*seen = strstr(out, key);
	return true;
}

struct proc_mount {
	const char *dir;
	const char *opts;
	bool shows_root; /* to uid 1000 in group 1000 */
};

static const struct proc_mount proc_mounts[] = {
	{ "/tmp/proc-hidepid2", "hidepid=2", false },
	{ "/tmp/proc-hidepid2-gid", "hidepid=2,gid=1000", true },
	{ "/tmp/proc-hidepid4", "hidepid=4", false },
	{ "/tmp/proc-hidepid1", "hidepid=1", true },
};

static void proc_mounts_undo(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(proc_mounts); i++) {
		umount2(proc_mounts[i].dir, MNT_DETACH);
		rmdir(proc_mounts[i].dir);
	}
}

static bool hidepid_mounts(struct outcome *o, pid_t r, pid_t u, pid_t n)
{
	char both[64], own[32], path[96];

	snprintf(both, sizeof(both), "%d %d %d", r, u, n);
	snprintf(own, sizeof(own), "%d", u);
	for (size_t i = 0; i < ARRAY_SIZE(proc_mounts); i++) {
		const struct proc_mount *m = &proc_mounts[i];
		bool seen = false;

		if ((mkdir(m->dir, 0755) && errno != EEXIST) ||
		    mount("proc", m->dir, "proc", 0, m->opts))
			return failf(o, "mount -t proc -o %s: %s", m->opts,
				     strerror(errno));
		snprintf(path, sizeof(path), "%s/oom", m->dir);
		if (!reads_as(o, 1000, path, m->shows_root ? both : own) ||
		    !reads_as(o, 0, path, both))
			return false;
		/* The expectation is what this /proc itself shows. */
		if (!lists_pid(o, m->dir, r, &seen))
			return false;
		if (seen != m->shows_root)
			return failf(o,
				     "%s: ls shows root's %d: %d, expected %d",
				     m->opts, r, seen, m->shows_root);
		if (!lists_pid(o, m->dir, n, &seen))
			return false;
		if (seen != m->shows_root)
			return failf(
				o,
				"%s: ls shows non-dumpable %d: %d, expected %d",
				m->opts, n, seen, m->shows_root);
	}
	return true;
}

/*
 * A queue of a root process r, a uid-1000 process u and a uid-1000
 * process n that made itself non-dumpable (ptrace, and so hidepid=, needs
 * CAP_SYS_PTRACE for it even from its owner).  uid 1000 reads /proc/oom
 * as the procfs mount it reads through would list /proc: all of it under
 * the default mount, only u under hidepid=2 or 4, all again in the
 * mount's gid= group.  The netlink status has no mount and lists only
 * what the strictest hidepid would.
 */
void case_proc_hidepid(struct outcome *o)
{
	pid_t r = spawn_small("hr"), u = spawn_fn(as_user_sleeper, NULL);
	pid_t n = spawn_fn(as_user_sleeper, "non-dumpable");
	char text[64], want[64], out[4096];
	const char *status[] = { env.oomqctl_path, "status", NULL };

	if (r <= 0 || u <= 0 || n <= 0 || !wait_uid_1000(u) ||
	    !wait_uid_1000(n)) {
		failf(o, "could not start the processes");
		return;
	}
	snprintf(text, sizeof(text), "%d %d %d", r, u, n);
	if (write_str("/proc/oom", text)) {
		failf(o, "cannot queue '%s'", text);
		return;
	}
	if (!reads_as(o, 1000, "/proc/oom", text))
		return;
	if (!hidepid_mounts(o, r, u, n)) {
		proc_mounts_undo();
		return;
	}
	proc_mounts_undo();
	notef(o, "uid 1000 reads root's and its own non-dumpable process "
		 "under hidepid=0,1 and 2 with gid=1000, not under hidepid=2 "
		 "or 4; root reads all");
	if (access(env.oomqctl_path, X_OK)) {
		notef(o, "status not checked: no oomqctl");
		return;
	}
	snprintf(want, sizeof(want), "queue=%d", u);
	if (run_capture(1000, status, out, sizeof(out)) || !strstr(out, want) ||
	    strstr(out, "queue=") != strstr(out, want) ||
	    strstr(out, want)[strlen(want)] != '\n') {
		failf(o, "uid 1000 status: want only '%s': %s", want, out);
		return;
	}
	snprintf(want, sizeof(want), "queue=%d,%d,%d\n", r, u, n);
	if (run_capture(0, status, out, sizeof(out)) || !strstr(out, want)) {
		failf(o, "root status: want '%s': %s", want, out);
		return;
	}
	notef(o, "status lists only u to uid 1000, all three to root");
}

/* ---- the PID namespace of the procfs mount ---- */

#define PIDNS_PROC "/tmp/proc-pidns"

struct pidns_pipes {
	int report[2]; /* the namespace's init -> runner */
	int go[2]; /* runner -> init: checked, finish */
	pid_t root_pid; /* a queued process outside the new namespace */
};

static void read_queue_at(const char *path, char *buf, size_t size)
{
	if (read_text(path, buf, size) < 0)
		snprintf(buf, size, "unreadable");
	normalize(buf);
}

/*
 * PID 1 of a new PID namespace, still seeing the runner's /proc mount:
 * that mount numbers PIDs as the runner's namespace does, both ways.
 * Then a procfs mount of its own numbers them as the new namespace does.
 */
static int pidns_init(const struct pidns_pipes *p)
{
	char host_read[64], host_wrote[64], own_read[64], nr[16];
	char line[256];
	pid_t sleeper = fork();

	if (sleeper == 0) {
		for (;;)
			pause();
	}
	if (sleeper != 2)
		return 10;
	read_queue_at("/proc/oom", host_read, sizeof(host_read));
	snprintf(nr, sizeof(nr), "%d", p->root_pid);
	if (write_str("/proc/oom", nr))
		return 11;
	read_queue_at("/proc/oom", host_wrote, sizeof(host_wrote));
	if ((mkdir(PIDNS_PROC, 0755) && errno != EEXIST) ||
	    mount("proc", PIDNS_PROC, "proc", 0, NULL))
		return 12;
	if (write_str(PIDNS_PROC "/oom", "2"))
		return 13;
	read_queue_at(PIDNS_PROC "/oom", own_read, sizeof(own_read));
	snprintf(line, sizeof(line), "host_read=%s;host_wrote=%s;own_read=%s\n",
		 host_read, host_wrote, own_read);
	if (write(p->report[1], line, strlen(line)) < 0)
		return 14;
	/* Keep the sleeper queued until the runner has looked. */
	if (read(p->go[0], line, 1) < 0)
		return 15;
	umount2(PIDNS_PROC, MNT_DETACH);
	return 0;
}

static int pidns_child(void *arg)
{
	const struct pidns_pipes *p = arg;
	int status;
	pid_t init;

	if (unshare(CLONE_NEWPID))
		return 20;
	init = fork();
	if (init == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(pidns_init(p));
	}
	if (init < 0 || waitpid(init, &status, 0) != init)
		return 21;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 22;
}

/* The first child of @pid, by /proc/<pid>/task/<pid>/children. */
static pid_t first_child(pid_t pid)
{
	char path[96], buf[256];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	for (int i = 0; i < 500; i++) {
		if (read_text(path, buf, sizeof(buf)) > 0 && atoi(buf) > 0)
			return atoi(buf);
		sleep_ms(10);
	}
	return -1;
}

void case_proc_pidns(struct outcome *o)
{
	struct pidns_pipes p = { .root_pid = spawn_small("nsroot") };
	char line[256], want[256], got[64];
	pid_t child, init, sleeper;
	int status;
	ssize_t n;

	if (p.root_pid <= 0 || pipe(p.report) || pipe(p.go)) {
		failf(o, "setup failed");
		return;
	}
	snprintf(line, sizeof(line), "%d", p.root_pid);
	if (write_str("/proc/oom", line)) {
		failf(o, "cannot queue %d", p.root_pid);
		return;
	}
	child = spawn_fn(pidns_child, &p);
	close(p.report[1]);
	close(p.go[0]);
	n = read(p.report[0], line, sizeof(line) - 1);
	init = first_child(child);
	sleeper = init > 0 ? first_child(init) : -1;
	if (n <= 0 || sleeper <= 0) {
		waitpid(child, &status, 0);
		unregister_child(child);
		failf(o, "the namespace's init failed (exit %d)",
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	snprintf(want, sizeof(want), "host_read=%d;host_wrote=%d;own_read=2",
		 p.root_pid, p.root_pid);
	if (strcmp(line, want))
		failf(o, "in a new PID namespace: %s, want %s", line, want);
	else if (queue_read(got, sizeof(got)) || atoi(got) != sleeper ||
		 strchr(got, ' '))
		failf(o,
		      "PID 2 written through the namespace's own /proc "
		      "reads here as '%s', want %d",
		      got, sleeper);
	if (write(p.go[1], "x", 1) < 0 || waitpid(child, &status, 0) != child)
		failf(o, "the namespace's init did not finish");
	unregister_child(child);
	close(p.report[0]);
	close(p.go[1]);
	if (o->res == RES_PASS)
		notef(o,
		      "the runner's /proc read and written from a new PID "
		      "namespace speaks the runner's PIDs; the new "
		      "namespace's own /proc its own (2 = %d here)",
		      sleeper);
}

/* ---- the module parameters: a third door ---- */

#define PARAM_TTL_REFUSED 1
#define PARAM_MODE_REFUSED 2

/* uid 0 with every capability but CAP_SYS_RESOURCE. */
static int params_without_sys_resource(void *arg)
{
	int ret = 0;

	(void)arg;
	if (caps_keep(~(1ULL << CAP_SYS_RESOURCE)))
		return 255;
	if (param_set("ttl_ms", "1") == -EPERM)
		ret |= PARAM_TTL_REFUSED;
	if (param_set("mode", "origin") == -EPERM)
		ret |= PARAM_MODE_REFUSED;
	return ret;
}

/*
 * ttl_ms (1 ms turns steering off) and mode are as much the OOM killer's
 * settings as the queue: the files' mode lets any uid 0 write them, the
 * module asks for CAP_SYS_RESOURCE as /proc/oom and set-config do.
 */
void case_param_perm(struct outcome *o)
{
	char ttl[32], mode[32];
	int st = child_status(params_without_sys_resource);

	if (st != (PARAM_TTL_REFUSED | PARAM_MODE_REFUSED)) {
		failf(o, "uid 0 without CAP_SYS_RESOURCE: ttl_ms %s, mode %s",
		      st & PARAM_TTL_REFUSED ? "refused" : "not refused",
		      st & PARAM_MODE_REFUSED ? "refused" : "not refused");
		return;
	}
	if (param_get("ttl_ms", ttl, sizeof(ttl)) || strcmp(ttl, "0") ||
	    param_get("mode", mode, sizeof(mode)) ||
	    strcmp(mode, env.mode_default)) {
		failf(o, "the refused writes changed ttl_ms to %s, mode to %s",
		      ttl, mode);
		return;
	}
	if (param_set("ttl_ms", "0") || param_set("mode", env.mode_default)) {
		failf(o, "root cannot write the parameters");
		return;
	}
	notef(o, "uid 0 without CAP_SYS_RESOURCE: ttl_ms and mode EPERM, "
		 "unchanged; root writes them");
}
