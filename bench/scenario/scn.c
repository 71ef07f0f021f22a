// SPDX-License-Identifier: GPL-2.0
/*
 * The make -j20 desktop-meltdown scenario, scaled down (issue 6).  One
 * static binary, exec'ed under the name of each role (symlinks in
 * /scenario/bin), so every process's text is a file-backed page on the
 * guest's ext4 disk that can be evicted and refaulted like a real one's:
 *
 *	scn run            PID 1 after /scenario/init: starts everything,
 *	                   reaps every orphan, prints the result, powers off
 *	kdeinit            session launcher: forks ksmserver and kwin
 *	ksmserver MIB      session manager (innocent), holds MIB MiB
 *	kwin MIB           window manager (innocent)
 *	terminal MIB       the terminal, reparented to init (innocent)
 *	make               forks sh, waits
 *	sh                 forks the N doctool workers, waits
 *	doctool            a worker (offender): grows, reads a file, exits
 *	heartbeat          10 ms periodic wakeup + small file read, samples
 *
 * All share /run/scn.shm (tmpfs): a table of role per PID, the death
 * events with their wait status, and the heartbeat's samples.  Whoever
 * reaps a process logs its death there, so nothing escapes: orphans come
 * to PID 1.  Kernel kills are told from user-space ones by the kernel log
 * ("Killed process PID").
 *
 * Parameters come from the kernel command line (scn.NAME=VALUE).
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
#include <sys/klog.h>
#include <sys/mman.h>
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
	R_MAKE,
	R_SH,
	R_WORKER,
	R_HEARTBEAT,
	R_OTHER,
	R_MAX
};
static const char *const role_name[R_MAX] = {
	"none", "kdeinit", "ksmserver", "kwin",	     "terminal",
	"make", "sh",	   "doctool",	"heartbeat", "other",
};

#define MAXP 128
#define MAXEV 256
#define MAXS 4096

struct sample {
	int32_t t_ms, hb_ms, read_ms, avail_kb;
	int32_t some10, full10; /* avg10 x 100 */
};

struct shared {
	int64_t t0_ns;
	volatile int stop;
	volatile int np;
	volatile int pid[MAXP];
	volatile int role[MAXP];
	volatile int nev;
	struct {
		int32_t t_ms, pid, role, status;
	} ev[MAXEV];
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

static char cmdline[4096];

static long param(const char *name, long def)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "scn.%s=", name);
	p = strstr(cmdline, key);
	return p ? strtol(p + strlen(key), NULL, 10) : def;
}

static void map_shared(int create)
{
	int fd = open(SHM, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);

	if (fd < 0 || (create && ftruncate(fd, sizeof(*S))))
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

/* Fork and exec this binary as ROLE; the role is registered by the parent
 * so a child killed before it ran still counts. */
static int spawn(int role, const char *arg)
{
	char path[128];
	int pid;

	snprintf(path, sizeof(path), BIN "%s", role_name[role]);
	pid = fork();
	if (pid == 0) {
		execl(path, role_name[role], arg, (char *)NULL);
		_exit(98);
	}
	if (pid > 0)
		reg(pid, role);
	return pid;
}

static void set_adj(int adj)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (f) {
		fprintf(f, "%d\n", adj);
		fclose(f);
	}
}

static void touch(volatile char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off]++;
}

/* An interactive innocent: holds MIB MiB and uses it twice a second. */
static int holder(long mib)
{
	size_t len = mib * MIB;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (;;) {
		touch(p, len);
		msleep(500);
	}
}

static int reap_children(void)
{
	int st, pid;

	while ((pid = waitpid(-1, &st, 0)) > 0)
		log_death(pid, st);
	return 0;
}

static int kdeinit(void)
{
	char a[16];

	snprintf(a, sizeof(a), "%ld", param("ksmserver_mib", 30));
	spawn(R_KSMSERVER, a);
	snprintf(a, sizeof(a), "%ld", param("kwin_mib", 20));
	spawn(R_KWIN, a);
	reap_children();
	for (;;)
		pause();
	return 0;
}

static int make(void)
{
	spawn(R_SH, NULL);
	return reap_children();
}

static void write_queue(int *pids, int n)
{
	char buf[2048];
	int len = 0, fd;

	for (int i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%d ", pids[i]);
	buf[len++] = '\n';
	fd = open("/proc/oom", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, buf, len) != len)
			perror("scn: /proc/oom");
		close(fd);
	}
}

static int sh(void)
{
	long n = param("workers", 14), queue = param("queue", 0);
	int pids[MAXP];

	for (int i = 0; i < n && i < MAXP; i++) {
		pids[i] = spawn(R_WORKER, NULL);
		if (queue)
			write_queue(pids, i + 1);
		msleep(param("stagger_ms", 50));
	}
	return reap_children();
}

/*
 * A doc-tool: grows to worker_mib over grow_ms while reading through the
 * file working set (the first ws_mib of ws.dat, read_kib every 100 ms,
 * from a per-worker offset, mapped shared like a tool's data files),
 * then works (touches all of it, reads on) for work_ms.  The defaults
 * (14 x 60 MiB started 50 ms apart, growing over 12 s, a 96 MiB working
 * set read 8 MiB a step) make the kernel alone thrash for tens of
 * seconds in the 512 MiB guest, as in the issue; lighter ones (grow_ms
 * 4000, stagger_ms 200, ws_mib 64, read_kib 4096) hardly stall it.
 */
static int doctool(void)
{
	long mib = param("worker_mib", 60), grow = param("grow_ms", 12000);
	long work = param("work_ms", 8000), step_ms = 100;
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

		memset(p + have, 1, want - have);
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

static void read_avail(struct sample *s)
{
	char buf[4096], *q;
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	s->avail_kb = -1;
	if (n > 0) {
		buf[n] = 0;
		q = strstr(buf, "MemAvailable:");
		if (q)
			s->avail_kb = atoi(q + 13);
	}
	fd = open("/proc/pressure/memory", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	s->some10 = s->full10 = -1;
	if (n > 0) {
		double a;

		buf[n] = 0;
		q = strstr(buf, "some avg10=");
		if (q && sscanf(q, "some avg10=%lf", &a) == 1)
			s->some10 = (int)(a * 100);
		q = strstr(buf, "full avg10=");
		if (q && sscanf(q, "full avg10=%lf", &a) == 1)
			s->full10 = (int)(a * 100);
	}
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

static int run(void)
{
	long settle = param("settle_ms", 8000);
	long deadline = param("deadline_ms", 300000);
	long nworkers = param("workers", 14);
	int kpids[MAXEV], nk, kdeinit_pid, make_pid, hb_pid, t_make;
	int inn = 0, off = 0, kern = 0, user = 0, done = 0, other = 0;
	int t_last_kill = -1, t_workers_gone = -1, workers_gone = 0;
	int64_t stop_at = 0;
	char innocents[512] = "", *ip = innocents;

	map_shared(1);
	S->t0_ns = now_ns();
	reg(getpid(), R_OTHER);
	hb_pid = spawn(R_HEARTBEAT, NULL);
	kdeinit_pid = spawn(R_KDEINIT, NULL);
	(void)kdeinit_pid;
	/* The terminal: its parent exits, init adopts it. */
	if (fork() == 0) {
		char a[16];

		snprintf(a, sizeof(a), "%ld", param("terminal_mib", 10));
		spawn(R_TERMINAL, a);
		_exit(0);
	}
	wait(NULL);
	msleep(settle);
	t_make = t_ms();
	printf("SCN-EVENT t=%d make-start\n", t_make);
	fflush(stdout);
	make_pid = spawn(R_MAKE, NULL);
	(void)make_pid;
	for (;;) {
		int st, pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			log_death(pid, st);
			continue;
		}
		workers_gone = 0;
		for (int i = 0; i < S->nev && i < MAXEV; i++)
			workers_gone += S->ev[i].role == R_WORKER;
		if (workers_gone >= nworkers && !stop_at) {
			t_workers_gone = t_ms();
			stop_at = now_ns() + 3000000000LL;
		}
		if (stop_at && now_ns() > stop_at)
			break;
		if (t_ms() - t_make > deadline) {
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
		       S->ev[i].t_ms - t_make, S->ev[i].pid, role_name[r], how,
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		if (r == R_WORKER && !by)
			done++;
		if (!by || r == R_HEARTBEAT)
			continue;
		if (how[0] == 'k')
			kern++;
		else
			user++;
		if (S->ev[i].t_ms - t_make > t_last_kill)
			t_last_kill = S->ev[i].t_ms - t_make;
		if (r == R_WORKER) {
			off++;
		} else if (r == R_OTHER) {
			other++;
		} else {
			inn++;
			ip += snprintf(ip, innocents + sizeof(innocents) - ip,
				       "%s%s", ip == innocents ? "" : ",",
				       role_name[r]);
		}
	}
	/* Kernel kills of processes nobody here reaped (none expected). */
	for (int i = 0; i < S->ns; i++)
		printf("SCN-SAMPLE t=%d avail_kb=%d some10=%d full10=%d "
		       "hb_ms=%d read_ms=%d\n",
		       S->s[i].t_ms - t_make, S->s[i].avail_kb, S->s[i].some10,
		       S->s[i].full10, S->s[i].hb_ms, S->s[i].read_ms);
	printf("SCN-RESULT innocents_killed=%d innocents=%s "
	       "offenders_killed=%d workers=%ld workers_done=%d "
	       "other_killed=%d total_kills=%d kernel_kills=%d "
	       "kernel_log_kills=%d user_kills=%d t_resolved_ms=%d "
	       "t_workers_gone_ms=%d max_stall_ms=%d max_stall_at_ms=%d "
	       "max_read_ms=%d timed_out=%d\n",
	       inn, inn ? innocents : "-", off, nworkers, done, other,
	       kern + user, kern, nk, user, t_last_kill,
	       t_workers_gone < 0 ? -1 : t_workers_gone - t_make, S->hb_max_ms,
	       S->hb_max_at - t_make, S->read_max_ms, workers_gone < nworkers);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *me = basename(argv[0]);
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd >= 0) {
		ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);

		cmdline[n > 0 ? n : 0] = 0;
		close(fd);
	}
	if (!strcmp(me, "scn") && argc > 1 && !strcmp(argv[1], "run")) {
		run();
		system("/scenario/finish");
		sync();
		reboot(RB_POWER_OFF);
		return 0;
	}
	map_shared(0);
	if (!strcmp(me, "kdeinit"))
		return kdeinit();
	if (!strcmp(me, "ksmserver") || !strcmp(me, "kwin") ||
	    !strcmp(me, "terminal"))
		return holder(argc > 1 ? atol(argv[1]) : 10);
	if (!strcmp(me, "make"))
		return make();
	if (!strcmp(me, "sh"))
		return sh();
	if (!strcmp(me, "doctool"))
		return doctool();
	if (!strcmp(me, "heartbeat"))
		return heartbeat();
	fprintf(stderr, "scn: unknown role %s\n", me);
	return 2;
}
