// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/oom as a file: the grammar through a real write(), what reading
 * shows, who may write, and that queueing leaves oom_score alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
