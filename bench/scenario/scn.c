// SPDX-License-Identifier: GPL-2.0
/*
 * The desktop-meltdown scenarios of issues 6 and 14, scaled down.  One
 * static binary, exec'ed under the name of each role through symlinks in
 * /scenario/bin that PID 1 makes at boot from the kernel command line
 * (scn.name.ROLE=NAME, ROLE one of the keys below).  The bench names the
 * build's workers, the leaking tab and the two apps anew in every run, so
 * no daemon's config can name them.  Every process's text is a
 * file-backed page on the guest's ext4 disk that can be evicted and
 * refaulted like a real one's:
 *
 *	scn run            PID 1 after /scenario/init: starts everything,
 *	                   reaps every orphan, prints the result, powers off
 *	kdeinit            session launcher: forks ksmserver and kwin, and
 *	                   with scn.leak=1 the editor and the browser
 *	ksmserver MIB      session manager (innocent), holds MIB MiB
 *	kwin MIB           window manager (innocent)
 *	terminal MIB       the terminal, reparented to init (innocent)
 *	editor MIB         an idle app (innocent)
 *	browser MIB        an idle app (innocent), parent of the tab
 *	tab                a browser tab (offender) that leaks from the
 *	                   load's start until it dies
 *	make               forks sh, waits
 *	sh                 forks the workers, at most scn.jobs at once
 *	worker             a build job (offender): grows, reads a file, exits
 *	heartbeat          10 ms periodic wakeup + small file read, samples
 *
 * The load (after scn.settle_ms): with scn.build=1 the build (make -jN,
 * N = scn.jobs, 0 for no limit, -1 for the largest that memory holds by
 * the jobs' sizes), with scn.leak=1 the tab's leak; scn.oracle=1 kills
 * the tab as the leak starts, as an oracle would.
 *
 * All share /run/scn.shm (tmpfs): a table of role per PID, the death
 * events with their wait status, and the heartbeat's samples.  Whoever
 * reaps a process logs its death there, so nothing escapes: orphans come
 * to PID 1.  Kernel kills are told from user-space ones by the kernel log
 * ("Killed process PID").
 *
 * Parameters come from the kernel command line (scn.NAME=VALUE); scn.fill
 * says what the workers and the tab write (fill()).
 *
 * In the systemd guest (scn.systemd=1, bench/scenario/systemd/) scn run
 * is a system service, not PID 1, and the session and the build live
 * where a desktop's do: under the user manager of UID 1000
 * (user@1000.service), each in the scope systemd-run --user --scope
 * makes of it (place[] below), run as that user.  They stay scn's
 * descendants (systemd-run --scope execs the command in place), so whoever
 * reaps them still logs their deaths, and scn run is the subreaper that
 * init is in the busybox guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024UL * 1024UL)
#define PAGE 4096UL
#define SHM "/run/scn.shm"
#define WSFILE "/scenario/ws.dat"
#define HBFILE "/scenario/hb.dat"
#define BIN "/scenario/bin/"

enum role {
	R_NONE,
	R_KDEINIT,
	R_KSMSERVER,
	R_KWIN,
	R_TERMINAL,
	R_EDITOR,
	R_BROWSER,
	R_TAB,
	R_MAKE,
	R_SH,
	R_WORKER,
	R_HEARTBEAT,
	R_OTHER,
	R_MAX
};
/* What the result calls each role, whatever it was named. */
static const char *const role_key[R_MAX] = {
	"none",	  "kdeinit",   "ksmserver", "kwin", "terminal",
	"editor", "browser",   "tab",	    "make", "sh",
	"worker", "heartbeat", "other",
};
/* The name each role is exec'ed under (its comm): scn.name.KEY. */
static char role_name[R_MAX][16];

/*
 * The systemd guest: where each role that a desktop starts on its own
 * goes, as Plasma's systemd boot has it: the session's parts in
 * session.slice, apps launched from it in app.slice/app-NAME-PID.scope,
 * and the build in the scope `systemd-run --user --scope make -j` makes
 * (systemd-run's own name and slice).  The others (sh, the workers, the
 * tab) stay in their parent's scope, the heartbeat in scn's service.
 */
#define SESSION_UID 1000
#define USER_MANAGER_CG \
	"/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service"
static const struct {
	const char *slice, *prefix;
} place[R_MAX] = {
	[R_KDEINIT] = { "session.slice", "plasma-" },
	[R_KSMSERVER] = { "session.slice", "plasma-" },
	[R_KWIN] = { "session.slice", "plasma-" },
	[R_TERMINAL] = { "app.slice", "app-" },
	[R_EDITOR] = { "app.slice", "app-" },
	[R_BROWSER] = { "app.slice", "app-" },
	[R_MAKE] = { "", "" },
};
static int in_systemd;

#define MAXP 128
#define MAXEV 256
#define MAXS 8192

struct sample {
	int32_t t_ms, hb_ms, read_ms, avail_kb;
	int32_t some10, full10; /* avg10 x 100 */
	int64_t pgin; /* pswpin + workingset_refault_file, since boot */
};

struct shared {
	int64_t t0_ns;
	volatile int stop;
	volatile int go; /* the load started: the tab leaks */
	volatile int jobs; /* sh's -j, 0 for no limit */
	volatile int np;
	volatile int pid[MAXP];
	volatile int role[MAXP];
	volatile int nev;
	struct {
		int32_t t_ms, pid, role, status;
	} ev[MAXEV];
	char qlock; /* the hand-written queue (scn.queue=1) */
	int nq, q[MAXP];
	volatile int ns;
	struct sample s[MAXS];
	volatile int32_t hb_max_ms, hb_max_at, read_max_ms, read_max_at;
};

static struct shared *S;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int32_t t_ms(void)
{
	return (int32_t)((now_ns() - S->t0_ns) / 1000000);
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A small file (/proc), NUL-terminated in BUF: its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

static char cmdline[4096];

static long param(const char *name, long def)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "scn.%s=", name);
	p = strstr(cmdline, key);
	return p ? strtol(p + strlen(key), NULL, 10) : def;
}

/* A name for a role: 1-15 characters of [A-Za-z0-9._-], else the key. */
static void name_roles(void)
{
	for (int r = 0; r < R_MAX; r++) {
		char key[64];
		const char *p;
		size_t n;

		snprintf(key, sizeof(key), "scn.name.%s=", role_key[r]);
		p = strstr(cmdline, key);
		n = p ? strspn(p + strlen(key), "abcdefghijklmnopqrstuvwxyz"
						"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"0123456789._-") :
			0;
		if (n == 0 || n > 15)
			snprintf(role_name[r], sizeof(role_name[r]), "%s",
				 role_key[r]);
		else
			snprintf(role_name[r], sizeof(role_name[r]), "%.*s",
				 (int)n, p + strlen(key));
	}
}

static void map_shared(int create)
{
	int fd = open(SHM, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);

	/* The systemd guest's session runs as its user. */
	if (fd < 0 || (create && (ftruncate(fd, sizeof(*S)) ||
				  fchmod(fd, in_systemd ? 0666 : 0600))))
		_exit(99);
	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (S == MAP_FAILED)
		_exit(99);
	close(fd);
}

static void reg(int pid, int role)
{
	int i = __atomic_fetch_add(&S->np, 1, __ATOMIC_SEQ_CST);

	if (i < MAXP) {
		S->pid[i] = pid;
		S->role[i] = role;
	}
}

static int role_of(int pid)
{
	for (int i = 0; i < S->np && i < MAXP; i++)
		if (S->pid[i] == pid)
			return S->role[i];
	return R_OTHER;
}

static int pid_of(int role)
{
	for (int i = 0; i < S->np && i < MAXP; i++)
		if (S->role[i] == role)
			return S->pid[i];
	return 0;
}

static void log_death(int pid, int status)
{
	int i = __atomic_fetch_add(&S->nev, 1, __ATOMIC_SEQ_CST);

	if (i < MAXEV) {
		S->ev[i].t_ms = t_ms();
		S->ev[i].pid = pid;
		S->ev[i].role = role_of(pid);
		S->ev[i].status = status;
	}
}

static void set_adj(int adj)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (f) {
		fprintf(f, "%d\n", adj);
		fclose(f);
	}
}

/*
 * The systemd guest: exec PATH as ROLE in its own scope of the user
 * manager, as `systemd-run --user --scope` does it from a terminal.  From
 * root (scn run) the process first joins the user manager's init.scope
 * (root may move it there; the user manager may then move it within its
 * delegated tree, as it moves a terminal's command) with the user
 * manager's oom_score_adj (user@.service's OOMScoreAdjust, which the
 * processes it starts inherit), and becomes the session's user.
 */
static void exec_in_scope(int role, const char *path, const char *arg)
{
	char unit[64], slice[64], *argv[10];
	int n = 0, mgr = 0;

	if (geteuid() == 0) {
		char buf[64], p[64];
		FILE *f;

		read_small(USER_MANAGER_CG "/init.scope/cgroup.procs", buf,
			   sizeof(buf));
		mgr = atoi(buf);
		f = fopen(USER_MANAGER_CG "/init.scope/cgroup.procs", "w");
		if (mgr <= 0 || !f) {
			printf("SCN-EVENT no user manager for %s\n",
			       role_key[role]);
			fflush(stdout);
			_exit(97);
		}
		fprintf(f, "%d\n", getpid());
		if (fclose(f))
			printf("SCN-EVENT %s not moved to the user manager\n",
			       role_key[role]);
		/* Its adj, as it reads: "100\n". */
		snprintf(p, sizeof(p), "/proc/%d/oom_score_adj", mgr);
		read_small(p, buf, sizeof(buf));
		set_adj(atoi(buf));
		if (setgroups(0, NULL) || setgid(SESSION_UID) ||
		    setuid(SESSION_UID))
			_exit(97);
		setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	}
	argv[n++] = "systemd-run";
	argv[n++] = "--user";
	argv[n++] = "--scope";
	argv[n++] = "--quiet";
	if (place[role].slice[0]) {
		snprintf(slice, sizeof(slice), "--slice=%s", place[role].slice);
		snprintf(unit, sizeof(unit), "--unit=%s%s-%d",
			 place[role].prefix, role_name[role], getpid());
		argv[n++] = slice;
		argv[n++] = unit;
	}
	argv[n++] = "--";
	argv[n++] = (char *)path;
	if (arg)
		argv[n++] = (char *)arg;
	argv[n] = NULL;
	execv("/usr/bin/systemd-run", argv);
	_exit(97);
}

/* Fork and exec this binary as ROLE; the role is registered by the parent
 * so a child killed before it ran still counts. */
static int spawn(int role, const char *arg)
{
	char path[128];
	int pid;

	snprintf(path, sizeof(path), BIN "%s", role_name[role]);
	pid = fork();
	if (pid == 0) {
		if (in_systemd && place[role].slice)
			exec_in_scope(role, path, arg);
		execl(path, role_name[role], arg, (char *)NULL);
		_exit(98);
	}
	if (pid > 0)
		reg(pid, role);
	return pid;
}

/* One symlink to scn per role, under its name of this run. */
static void link_roles(void)
{
	for (int r = R_KDEINIT; r < R_OTHER; r++) {
		char path[128];

		snprintf(path, sizeof(path), BIN "%s", role_name[r]);
		if (!strcmp(role_name[r], "scn"))
			continue;
		unlink(path);
		if (symlink("scn", path))
			printf("SCN-EVENT cannot link %s\n", path);
	}
	printf("SCN-EVENT names");
	for (int r = R_KDEINIT; r < R_OTHER; r++)
		printf(" %s=%s", role_key[r], role_name[r]);
	printf("\n");
	fflush(stdout);
}

static void touch(volatile char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off]++;
}

/*
 * Fill memory as the load says (scn.fill): 0 one byte value, which zram
 * stores as a same-filled page at no cost (a 128 MiB zram then adds
 * 128 MiB of room); 1 bytes that do not compress, as media or already
 * compressed data; 2 half of each page such bytes and half zeros, about
 * the 2:1 zram gets on program data.  The bytes differ per process.
 */
static void fill(char *p, size_t len)
{
	static uint64_t x;
	long how = param("fill", 0);

	if (!how) {
		memset(p, 1, len);
		return;
	}
	if (!x)
		x = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid() << 17;
	for (size_t off = 0; off + 8 <= len; off += 8) {
		if (how == 2 && off % PAGE >= PAGE / 2) {
			memset(p + off, 0, 8);
			continue;
		}
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + off, &x, 8);
	}
}

static void reap_now(void)
{
	int st, pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		log_death(pid, st);
}

static int reap_children(void)
{
	int st, pid;

	while ((pid = waitpid(-1, &st, 0)) > 0)
		log_death(pid, st);
	return 0;
}

/* An interactive innocent: holds MIB MiB and uses it twice a second
 * (and reaps its children: the browser's tab). */
static int holder(long mib)
{
	size_t len = mib * MIB;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (;;) {
		touch(p, len);
		reap_now();
		msleep(500);
	}
}

/* /proc/oom holds everything queued so far (scn.queue=1, oomq-hand): the
 * offenders, in the order they started.  Two writers (sh and the
 * browser) take turns; one killed while writing costs the other 1 s. */
static void queue_add(int pid)
{
	char buf[2048];
	int len = 0, fd, tries = 0;

	while (__atomic_test_and_set(&S->qlock, __ATOMIC_ACQUIRE) &&
	       ++tries < 1000)
		msleep(1);
	if (S->nq < MAXP)
		S->q[S->nq++] = pid;
	for (int i = 0; i < S->nq; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%d ", S->q[i]);
	buf[len++] = '\n';
	fd = open("/proc/oom", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, buf, len) != len)
			perror("scn: /proc/oom");
		close(fd);
	}
	__atomic_clear(&S->qlock, __ATOMIC_RELEASE);
}

static int kdeinit(void)
{
	char a[16];

	snprintf(a, sizeof(a), "%ld", param("ksmserver_mib", 30));
	spawn(R_KSMSERVER, a);
	snprintf(a, sizeof(a), "%ld", param("kwin_mib", 20));
	spawn(R_KWIN, a);
	if (param("leak", 0)) {
		snprintf(a, sizeof(a), "%ld", param("editor_mib", 20));
		spawn(R_EDITOR, a);
		snprintf(a, sizeof(a), "%ld", param("browser_mib", 15));
		spawn(R_BROWSER, a);
	}
	reap_children();
	for (;;)
		pause();
	return 0;
}

static int browser(long mib)
{
	int pid = spawn(R_TAB, NULL);

	if (pid > 0 && param("queue", 0))
		queue_add(pid);
	return holder(mib);
}

/*
 * A tab whose script leaks: holds tab_mib, and from the load's start
 * adds leak_mib every 100 ms until it dies, using all it holds twice a
 * second (its heap, walked by the script), like an interactive process.
 */
static int tab(void)
{
	static char *chunk[16384];
	size_t base = param("tab_mib", 30) * MIB;
	size_t step = param("leak_mib", 2) * MIB;
	int n = 0;

	chunk[n] = mmap(NULL, base, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chunk[n] == MAP_FAILED)
		return 1;
	fill(chunk[n++], base);
	for (long i = 0;; i++) {
		if (S->go && n < 16384 && step) {
			char *c = mmap(NULL, step, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (c != MAP_FAILED) {
				fill(c, step);
				chunk[n++] = c;
			}
		}
		if (i % 5 == 0)
			for (int k = 0; k < n; k++)
				touch(chunk[k], k ? step : base);
		msleep(100);
	}
}

static int make(void)
{
	spawn(R_SH, NULL);
	return reap_children();
}

/* make -jN's job slots: start a worker every stagger_ms, at most
 * S->jobs running (0: no limit, make -j). */
static int sh(void)
{
	long n = param("workers", 14), queue = param("queue", 0);
	int jobs = S->jobs, running = 0, st, pid;

	for (int i = 0; i < n && i < MAXP; i++) {
		while (jobs > 0 && running >= jobs &&
		       (pid = waitpid(-1, &st, 0)) > 0) {
			log_death(pid, st);
			running--;
		}
		char idx[16];

		snprintf(idx, sizeof(idx), "%d", i);
		pid = spawn(R_WORKER, idx);
		if (pid > 0) {
			running++;
			if (queue)
				queue_add(pid);
		}
		msleep(param("stagger_ms", 50));
	}
	return reap_children();
}

/*
 * A job's size: the (large_every - 1)-th of every large_every jobs of
 * the build (5: the 4th, the 9th, the 14th; 0: none), and every job
 * from the large_from-th on (counted from 1; 0: none), is a large one,
 * a template-heavy unit or a link among compiles, of large_mib growing
 * over large_grow_ms and working large_work_ms; the others are of
 * worker_mib, grow_ms and work_ms.  One tool's jobs all, as a build's
 * are.
 */
static long job_param(long job, const char *name, const char *large, long def)
{
	long every = param("large_every", 0), from = param("large_from", 0);

	if ((every > 1 && job % every == every - 2) ||
	    (from > 0 && job + 1 >= from))
		return param(large, param(name, def));
	return param(name, def);
}

/*
 * A build job: grows to worker_mib over grow_ms while reading through the
 * file working set (the first ws_mib of ws.dat, read_kib every 100 ms,
 * from a per-worker offset, mapped shared like a tool's data files),
 * then works (touches all of it, reads on) for work_ms.  The defaults
 * (14 x 60 MiB started 50 ms apart, growing over 12 s, a 96 MiB working
 * set read 8 MiB a step) make the kernel alone thrash for tens of
 * seconds in the 512 MiB guest, as in the issue; lighter ones (grow_ms
 * 4000, stagger_ms 200, ws_mib 64, read_kib 4096) hardly stall it.
 */
static int worker(long job)
{
	long mib = job_param(job, "worker_mib", "large_mib", 60);
	long grow = job_param(job, "grow_ms", "large_grow_ms", 12000);
	long work = job_param(job, "work_ms", "large_work_ms", 8000);
	long step_ms = 100;
	size_t ws_step = (size_t)param("read_kib", 8192) * 1024;
	long steps = grow / step_ms, done = 0;
	size_t len = mib * MIB, wslen = 0, wsoff = 0, have = 0;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open(WSFILE, O_RDONLY);
	volatile char *ws = NULL;
	struct stat st;
	int64_t end;
	unsigned sum = 0;

	if (p == MAP_FAILED)
		return 1;
	if (fd >= 0 && !fstat(fd, &st)) {
		wslen = st.st_size;
		if ((size_t)param("ws_mib", 96) * MIB < wslen)
			wslen = param("ws_mib", 96) * MIB;
		ws = mmap(NULL, wslen, PROT_READ, MAP_SHARED, fd, 0);
		if (ws == MAP_FAILED)
			ws = NULL;
		wsoff = (size_t)(getpid() % 16) * (wslen / 16);
	}
	/* read_kib of the file per step, from a per-worker offset. */
#define READ_WS()                                                  \
	do {                                                       \
		for (size_t k = 0; ws && k < ws_step; k += PAGE) { \
			sum += ws[wsoff];                          \
			wsoff = (wsoff + PAGE) % wslen;            \
		}                                                  \
	} while (0)
	for (long i = 1; i <= steps; i++) {
		size_t want = len * i / steps;

		fill(p + have, want - have);
		have = want;
		READ_WS();
		msleep(step_ms);
	}
	end = now_ns() + work * 1000000LL;
	while (now_ns() < end) {
		touch(p, len);
		READ_WS();
		done++;
		msleep(step_ms);
	}
	return sum == 42 && done == 0; /* keep sum alive */
}

/* A /proc/meminfo field in kB, -1 if missing. */
static long meminfo_kb(const char *field)
{
	char buf[4096], *q;

	if (read_small("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	q = strstr(buf, field);
	return q ? atol(q + strlen(field) + 1) : -1;
}

static void read_avail(struct sample *s)
{
	char buf[4096], *q;
	double a;

	static char vm[16384];

	s->avail_kb = meminfo_kb("MemAvailable");
	s->pgin = -1;
	if (read_small("/proc/vmstat", vm, sizeof(vm)) > 0) {
		const char *a = strstr(vm, "\npswpin ");
		const char *b = strstr(vm, "\nworkingset_refault_file ");

		if (a && b)
			s->pgin = atoll(a + 8) + atoll(b + 25);
	}
	s->some10 = s->full10 = -1;
	if (read_small("/proc/pressure/memory", buf, sizeof(buf)) <= 0)
		return;
	q = strstr(buf, "some avg10=");
	if (q && sscanf(q, "some avg10=%lf", &a) == 1)
		s->some10 = (int)(a * 100);
	q = strstr(buf, "full avg10=");
	if (q && sscanf(q, "full avg10=%lf", &a) == 1)
		s->full10 = (int)(a * 100);
}

/* Not locked, not preferred: its own text and the file it reads can be
 * evicted like a desktop program's.  Only oom_score_adj -1000, so the
 * measurement itself is never a victim. */
static int heartbeat(void)
{
	int fd = open(HBFILE, O_RDONLY);
	char buf[4096];
	int64_t next = now_ns(), last_sample = next;
	int32_t win_max = 0;
	off_t off = 0;

	set_adj(-1000);
	while (!S->stop) {
		struct timespec ts;
		int64_t late, t;

		next += 10000000LL;
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		t = now_ns();
		late = (t - next) / 1000000;
		if (late > win_max)
			win_max = late;
		if (late > S->hb_max_ms) {
			S->hb_max_ms = late;
			S->hb_max_at = t_ms();
		}
		if (late > 100)
			next = t; /* no burst of catch-up wakeups */
		if (t - last_sample >= 100000000LL && S->ns < MAXS) {
			struct sample *s = &S->s[S->ns];
			int64_t r0 = now_ns(), rd;

			if (fd >= 0) {
				posix_fadvise(fd, off, sizeof(buf),
					      POSIX_FADV_DONTNEED);
				if (pread(fd, buf, sizeof(buf), off) < 0)
					off = 0;
				off = (off + 65536) % (1024 * 1024);
			}
			rd = (now_ns() - r0) / 1000000;
			if (rd > S->read_max_ms) {
				S->read_max_ms = rd;
				S->read_max_at = t_ms();
			}
			read_avail(s);
			s->t_ms = t_ms();
			s->hb_ms = win_max;
			s->read_ms = rd;
			S->ns++;
			win_max = 0;
			last_sample = t;
		}
	}
	return 0;
}

/* PIDs the kernel's OOM killer killed, from the kernel log. */
static int kernel_killed(int *pids, int max)
{
	static char buf[1 << 20];
	int n = klogctl(3, buf, sizeof(buf) - 1), k = 0;
	char *p = buf;

	if (n < 0)
		return 0;
	buf[n] = 0;
	while ((p = strstr(p, "Killed process ")) && k < max) {
		p += 15;
		pids[k++] = atoi(p);
	}
	return k;
}

/*
 * The largest -j whose jobs fit in what memory holds now: each job peaks
 * at worker_mib of its own, they share the ws_mib working set, and
 * reserve_pct of MemTotal stays free (earlyoom's 10 %, where the kernel
 * starts to thrash).
 */
static int jobs_that_fit(long avail_kb)
{
	long total = meminfo_kb("MemTotal");
	long fit = avail_kb / 1024 - param("ws_mib", 96) -
		   total / 1024 * param("reserve_pct", 10) / 100;
	long j = fit / param("worker_mib", 60);

	return j < 1 ? 1 : j > param("workers", 14) ? param("workers", 14) : j;
}

static int run(void)
{
	long settle = param("settle_ms", 8000);
	long deadline = param("deadline_ms", 480000);
	long nworkers = param("workers", 14);
	int build = param("build", 1), leak = param("leak", 0);
	int kpids[MAXEV], nk, hb_pid, t_load, jobs, fit;
	int inn = 0, off = 0, kern = 0, user = 0, done = 0, other = 0;
	int t_last_kill = -1, t_workers_gone = -1, workers_gone = 0;
	int tab_gone = 0, tab_killed = 0, t_tab = -1, finished = 0;
	int sh_gone, workers_started, build_over;
	long avail_kb;
	const char *tab_how = "-";
	int64_t stop_at = 0;
	char innocents[512] = "", *ip = innocents;

	map_shared(1);
	S->t0_ns = now_ns();
	/* The contenders' logs stamp CLOCK_MONOTONIC: t= is this after it. */
	printf("SCN-EVENT t=0 monotonic_ms=%lld\n",
	       (long long)(S->t0_ns / 1000000));
	link_roles();
	/* Not PID 1 in the systemd guest: the orphans still come here. */
	if (in_systemd && prctl(PR_SET_CHILD_SUBREAPER, 1))
		perror("scn: PR_SET_CHILD_SUBREAPER");
	reg(getpid(), R_OTHER);
	hb_pid = spawn(R_HEARTBEAT, NULL);
	spawn(R_KDEINIT, NULL);
	/* The terminal: its parent exits, init adopts it. */
	if (fork() == 0) {
		char a[16];

		snprintf(a, sizeof(a), "%ld", param("terminal_mib", 10));
		spawn(R_TERMINAL, a);
		_exit(0);
	}
	wait(NULL);
	msleep(settle);
	if (leak && param("oracle", 0) && pid_of(R_TAB) > 0) {
		kill(pid_of(R_TAB), SIGKILL);
		msleep(500);
	}
	avail_kb = meminfo_kb("MemAvailable");
	fit = jobs_that_fit(avail_kb);
	jobs = param("jobs", 0) < 0 ? fit : param("jobs", 0);
	S->jobs = jobs;
	t_load = t_ms();
	printf("SCN-EVENT t=%d load-start build=%d leak=%d jobs=%d "
	       "avail_kb=%ld fit=%d\n",
	       t_load, build, leak, jobs, avail_kb, fit);
	fflush(stdout);
	S->go = 1;
	if (build)
		spawn(R_MAKE, NULL);
	for (;;) {
		int st, pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			log_death(pid, st);
			continue;
		}
		workers_gone = tab_gone = sh_gone = workers_started = 0;
		for (int i = 0; i < S->nev && i < MAXEV; i++) {
			workers_gone += S->ev[i].role == R_WORKER;
			tab_gone += S->ev[i].role == R_TAB;
			sh_gone += S->ev[i].role == R_SH;
		}
		for (int i = 0; i < S->np && i < MAXP; i++)
			workers_started += S->role[i] == R_WORKER;
		/* A dead sh starts no more jobs: the build is over when
		 * those it started are (the rest count as not done). */
		build_over = workers_gone >= nworkers ||
			     (sh_gone && workers_gone >= workers_started);
		if (build && build_over && t_workers_gone < 0)
			t_workers_gone = t_ms();
		finished = (!build || build_over) && (!leak || tab_gone);
		if (finished && !stop_at)
			stop_at = now_ns() + 3000000000LL;
		if (stop_at && now_ns() > stop_at)
			break;
		if (t_ms() - t_load > deadline) {
			printf("SCN-EVENT t=%d deadline\n", t_ms());
			break;
		}
		msleep(50);
	}
	S->stop = 1;
	waitpid(hb_pid, NULL, 0);
	nk = kernel_killed(kpids, MAXEV);
	for (int i = 0; i < S->nev && i < MAXEV; i++) {
		int st = S->ev[i].status, r = S->ev[i].role, by = 0;
		const char *how = "exit";

		if (WIFSIGNALED(st)) {
			how = "user";
			for (int k = 0; k < nk; k++)
				if (kpids[k] == S->ev[i].pid)
					how = "kernel";
			by = 1;
		}
		printf("SCN-DEATH t=%d pid=%d role=%s how=%s status=%d\n",
		       S->ev[i].t_ms - t_load, S->ev[i].pid, role_key[r], how,
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		if (r == R_WORKER && !by)
			done++;
		if (!by || r == R_HEARTBEAT)
			continue;
		if (how[0] == 'k')
			kern++;
		else
			user++;
		if (S->ev[i].t_ms - t_load > t_last_kill)
			t_last_kill = S->ev[i].t_ms - t_load;
		if (r == R_WORKER) {
			off++;
		} else if (r == R_TAB) {
			tab_killed = 1;
			tab_how = how;
			t_tab = S->ev[i].t_ms - t_load;
		} else if (r == R_OTHER) {
			other++;
		} else {
			inn++;
			ip += snprintf(ip, innocents + sizeof(innocents) - ip,
				       "%s%s", ip == innocents ? "" : ",",
				       role_key[r]);
		}
	}
	for (int i = 0; i < S->ns; i++)
		printf("SCN-SAMPLE t=%d avail_kb=%d some10=%d full10=%d "
		       "hb_ms=%d read_ms=%d pgin=%lld\n",
		       S->s[i].t_ms - t_load, S->s[i].avail_kb, S->s[i].some10,
		       S->s[i].full10, S->s[i].hb_ms, S->s[i].read_ms,
		       (long long)S->s[i].pgin);
	printf("SCN-RESULT build=%d leak=%d innocents_killed=%d innocents=%s "
	       "jobs_killed=%d jobs_total=%ld jobs_done=%d jobs=%d fit=%d "
	       "leaker_killed=%d leaker_how=%s t_leaker_ms=%d "
	       "other_killed=%d total_kills=%d kernel_kills=%d "
	       "kernel_log_kills=%d user_kills=%d t_resolved_ms=%d "
	       "t_workers_gone_ms=%d max_stall_ms=%d max_stall_at_ms=%d "
	       "max_read_ms=%d avail_at_load_kb=%ld mem_total_kb=%ld "
	       "swap_total_kb=%ld timed_out=%d\n",
	       build, leak, inn, inn ? innocents : "-", off,
	       build ? nworkers : 0, done, jobs, fit, tab_killed, tab_how,
	       t_tab, other, kern + user, kern, nk, user, t_last_kill,
	       t_workers_gone < 0 ? -1 : t_workers_gone - t_load, S->hb_max_ms,
	       S->hb_max_at - t_load, S->read_max_ms, avail_kb,
	       meminfo_kb("MemTotal"), meminfo_kb("SwapTotal"), !finished);
	fflush(stdout);
	return 0;
}

/* Where a role of the systemd guest landed: its cgroup, user and adj. */
static void print_cgroup(int role)
{
	char cg[256], adj[16];

	read_small("/proc/self/cgroup", cg, sizeof(cg));
	read_small("/proc/self/oom_score_adj", adj, sizeof(adj));
	cg[strcspn(cg, "\n")] = 0;
	printf("SCN-EVENT cgroup role=%s pid=%d uid=%d adj=%d %s\n",
	       role_key[role], getpid(), (int)getuid(), atoi(adj),
	       strncmp(cg, "0::", 3) ? cg : cg + 3);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *me = basename(argv[0]);
	int r;

	read_small("/proc/cmdline", cmdline, sizeof(cmdline));
	name_roles();
	in_systemd = param("systemd", 0) == 1;
	if (!strcmp(me, "scn") && argc > 1 && !strcmp(argv[1], "run")) {
		run();
		system("/scenario/finish");
		sync();
		reboot(RB_POWER_OFF);
		return 0;
	}
	for (r = R_KDEINIT; r < R_OTHER; r++)
		if (!strcmp(me, role_name[r]))
			break;
	map_shared(0);
	if (in_systemd && r < R_OTHER && (place[r].slice || r == R_TAB))
		print_cgroup(r);
	switch (r) {
	case R_KDEINIT:
		return kdeinit();
	case R_KSMSERVER:
	case R_KWIN:
	case R_TERMINAL:
	case R_EDITOR:
		return holder(argc > 1 ? atol(argv[1]) : 10);
	case R_BROWSER:
		return browser(argc > 1 ? atol(argv[1]) : 10);
	case R_TAB:
		return tab();
	case R_MAKE:
		return make();
	case R_SH:
		return sh();
	case R_WORKER:
		return worker(argc > 1 ? atol(argv[1]) : 0);
	case R_HEARTBEAT:
		return heartbeat();
	default:
		fprintf(stderr, "scn: unknown role %s\n", me);
		return 2;
	}
}
