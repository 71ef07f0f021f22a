// SPDX-License-Identifier: GPL-2.0
/*
 * The helper processes, run by exec'ing this binary again:
 *
 *	oomq-vmtest holder NAME MIB ADJ CGROUP|- [NODES|-]
 *	oomq-vmtest threaded NAME MIB ADJ CGROUP|- [NODES|-]
 *	oomq-vmtest trigger MAX_MIB CGROUP|- [NODES|-]
 *
 * NODES ("1", "0,1"): MPOL_BIND to them before touching any memory;
 * "i:0": MPOL_INTERLEAVE over them instead.
 * Without it (agent_pause_shell's job), no policy.
 *
 * Each reports on fd 3 (a pipe to the runner) once it is set up, then
 * holds its memory until it is killed (a holder exits 0 on SIGUSR1).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"

#define MIB (1024UL * 1024UL)
#define PAGE 4096UL
#define REPORT_FD 3
/* <linux/mempolicy.h>'s MPOL_BIND and MPOL_INTERLEAVE. */
#define MPOL_BIND_MODE 2
#define MPOL_INTERLEAVE_MODE 3

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void report(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(REPORT_FD, line, n) != n)
		_exit(3);
}

/*
 * Map and touch @mib MiB.  The compiler barrier makes the stores
 * observable; without it gcc may drop writes to memory never read.
 */
static bool touch_mib(unsigned int mib)
{
	for (unsigned int i = 0; i < mib; i++) {
		char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return false;
		for (size_t off = 0; off < MIB; off += PAGE) {
			p[off] = 1;
			__asm__ volatile("" ::: "memory");
		}
	}
	return true;
}

/* "0,1" to a node mask; 0 if malformed. */
static unsigned long parse_nodes(const char *list)
{
	unsigned long mask = 0;
	char *end;

	do {
		unsigned long node = strtoul(list, &end, 10);

		if (end == list || node >= 8 * sizeof(mask))
			return 0;
		mask |= 1UL << node;
		list = end + (*end == ',');
	} while (*end);
	return mask;
}

/* set_mempolicy(2) without libnuma, which the static runner lacks. */
static int bind_nodes(const char *list)
{
	int mode = MPOL_BIND_MODE;
	unsigned long mask;

	if (!strncmp(list, "i:", 2)) {
		mode = MPOL_INTERLEAVE_MODE;
		list += 2;
	}
	mask = parse_nodes(list);
	if (!mask)
		return -1;
	return syscall(SYS_set_mempolicy, mode, &mask, 8 * sizeof(mask));
}

static int setup(const char *name, int adj, const char *cgroup,
		 const char *nodes)
{
	char buf[16];

	if (strcmp(cgroup, "-")) {
		char path[256];

		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		if (write_str(path, "0"))
			return -1;
	}
	if (strcmp(nodes, "-") && bind_nodes(nodes))
		return -1;
	snprintf(buf, sizeof(buf), "%d", adj);
	if (write_str("/proc/self/oom_score_adj", buf))
		return -1;
	prctl(PR_SET_NAME, name);
	return 0;
}

static void exit_ok(int sig)
{
	(void)sig;
	_exit(0);
}

/* Until killed; SIGUSR1 ends it with status 0 (a job that succeeds). */
static void hold(void)
{
	close(REPORT_FD);
	signal(SIGUSR1, exit_ok);
	for (;;)
		pause();
}

static void *thread_main(void *arg)
{
	int *fds = arg;
	pid_t tid = gettid();

	if (write(fds[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(4);
	for (;;)
		pause();
	return NULL;
}

static int holder(char **argv, bool threaded)
{
	unsigned int mib = strtoul(argv[1], NULL, 10);
	pid_t tid = 0;

	if (setup(argv[0], atoi(argv[2]), argv[3], argv[4] ? argv[4] : "-") ||
	    !touch_mib(mib))
		return 2;
	if (threaded) {
		pthread_t thread;
		int fds[2];

		if (pipe(fds) ||
		    pthread_create(&thread, NULL, thread_main, fds))
			return 2;
		if (read(fds[0], &tid, sizeof(tid)) != sizeof(tid))
			return 2;
	}
	report("ready tid=%d\n", tid);
	hold();
	return 0;
}

/*
 * Allocate 1 MiB at a time until /proc/vmstat oom_kill goes up, so one
 * OOM kill happens per run; stop there and exit.  The
 * runner made us unkillable (oom_score_adj -1000), so the victim is
 * always someone else.
 */
static int trigger(char **argv)
{
	unsigned int max = strtoul(argv[0], NULL, 10);
	long long start = vmstat_oom_kill(), t0 = now_ms();
	unsigned int mib = 0;
	bool oom = false;

	if (setup("trigger", -1000, argv[1], argv[2] ? argv[2] : "-") ||
	    start < 0)
		return 2;
	while (mib < max && !oom) {
		if (!touch_mib(1))
			break;
		mib++;
		oom = vmstat_oom_kill() > start;
	}
	report("done oom=%d mib=%u ms=%lld\n", oom, mib, now_ms() - t0);
	/*
	 * Give everything back at once: holding it would leave the guest at
	 * the edge while the runner checks the verdict, and any allocation
	 * then (a slow victim still exiting) would kill a second process.
	 */
	return 0;
}

int helper_main(int argc, char **argv)
{
	/* argv[argc] is NULL: an optional last argument reads as NULL. */
	bool holder_args = argc == 6 || argc == 7;

	if (holder_args && !strcmp(argv[1], "holder"))
		return holder(argv + 2, false);
	if (holder_args && !strcmp(argv[1], "threaded"))
		return holder(argv + 2, true);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "trigger"))
		return trigger(argv + 2);
	fprintf(stderr, "oomq-vmtest: bad helper invocation\n");
	return 2;
}
