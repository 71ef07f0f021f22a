// SPDX-License-Identifier: GPL-2.0
/*
 * oomqd-pass: the agent's ranking pass, repeated, for make bench.
 *
 * Runs exactly the daemon's code path (agent_init() once, agent_rank()
 * again and again; the /proc/oom write is left out, there is no module
 * on the host) over the live /proc, and prints one line of key=value
 * pairs that bench/run.sh records:
 *
 *   source=proc events=on classified=2 procs=1003 skipped=0 passes=12
 *   cpu_us=361234 us_per_pass=30102.8 us_per_proc=30.01 hwm_kb=2212
 *   rss_anon_kb=1312 truncated=0
 *
 * events: "on" when it listens to process events as the daemon does
 * (agent_listen(); rules on comm and uid only), "off", or the errno
 * name of why not; classified: processes whose comm (and uid) the last
 * pass read for the rules, every one without events.
 *
 * cpu_us is user+system time of the timed passes only (getrusage
 * around the loop), after one untimed warm-up pass; procs is what the
 * last pass saw (a.nprocs: kernel threads included, as in /proc; the
 * lazy pass fully samples only its top candidates and keeps the
 * queueable ones, a.n).  hwm_kb is
 * VmHWM, the peak resident set of this process over its whole life,
 * warm-up included: the number to hold against oomqd's RSS budget.
 *
 * Exit codes: 0 success, 1 a pass failed, 2 usage or config error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

struct opts {
	const char *config; /* NULL: built-in defaults (modern) */
	const char *port;
	const char *proc_root;
	const char *source; /* NULL: auto */
	int dump_only; /* time the module's dump alone, no ranking */
	int no_events; /* do not listen to process events */
	double seconds; /* at least this much wall time of passes */
	long min_passes; /* and at least this many */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: oomqd-pass [-c CONFIG] [-p PORT] [-t SECONDS] [-n PASSES]\n"
		"                  [-r PROC_ROOT] [-s auto|proc|netlink] [-D] [-E]\n"
		"Repeat oomqd's ranking pass over /proc; print its CPU cost.\n"
		"-D times the oomq module's task dump alone (no ranking).\n"
		"-E does not listen to process events as the daemon does:\n"
		"   rules on comm read every process's comm every pass.\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	char *end;
	int c;

	while ((c = getopt(argc, argv, "c:p:t:n:r:s:DEh")) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'p':
			o->port = optarg;
			break;
		case 't':
			o->seconds = strtod(optarg, &end);
			if (*end || o->seconds < 0)
				return -EINVAL;
			break;
		case 'n':
			o->min_passes = strtol(optarg, &end, 10);
			if (*end || o->min_passes < 1)
				return -EINVAL;
			break;
		case 'r':
			o->proc_root = optarg;
			break;
		case 's':
			o->source = optarg;
			break;
		case 'D':
			o->dump_only = 1;
			break;
		case 'E':
			o->no_events = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

static int load_policy(struct policy *p, const struct opts *o)
{
	int ret;

	policy_defaults(p);
	if (o->config) {
		ret = policy_load(p, o->config);
		if (ret == -EINVAL)
			policy_print_errors(p, o->config, stderr);
		else if (ret)
			fprintf(stderr, "oomqd-pass: %s: %s\n", o->config,
				strerror(-ret));
		if (ret)
			return ret;
	}
	if (o->port && badness_port_parse(o->port, &p->port)) {
		fprintf(stderr, "oomqd-pass: unknown port '%s'\n", o->port);
		return -EINVAL;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/*
 * VmHWM:      2212 kB
 * Read with plain read() into the stack: stdio would allocate a buffer
 * and could raise the very peak being measured.
 */
static long status_kb(const char *key)
{
	size_t klen = strlen(key);
	char buf[4096];
	ssize_t len;
	char *p;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtol(p + klen + 1, NULL, 10);
	return -1;
}

/* "on", "off" (not asked, or not needed), or why not ("EPERM"). */
static const char *events_state(const struct agent *a)
{
	if (a->events.cn.sk)
		return "on";
	if (!a->events.err)
		return "off";
	return strerrorname_np(-a->events.err);
}

/* Processes whose comm (and uid) the last pass read for the rules. */
static unsigned long classified(const struct agent *a)
{
	if (a->events.cn.sk)
		return a->events.verdicts.classified;
	return a->policy.nrules ? (unsigned long)a->nprocs : 0;
}

static int count_task(const struct oomq_task *t, void *ctx)
{
	(void)t;
	++*(size_t *)ctx;
	return 0;
}

/* One dump into the agent's own reader, nothing done with it. */
static int dump_pass(struct agent *a)
{
	a->nprocs = 0;
	return oomq_dump_tasks(a->dump.tasks, count_task, &a->nprocs);
}

int main(int argc, char **argv)
{
	struct opts o = { .proc_root = "/proc",
			  .seconds = 1.0,
			  .min_passes = 5 };
	static struct agent a;
	long long cpu0, cpu1;
	long passes = 0;
	double t0;
	int ret;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (load_policy(&a.policy, &o))
		return 2;
	if (o.source && agent_source_parse(o.source, &a.source)) {
		usage(stderr);
		return 2;
	}
	ret = agent_init(&a, o.proc_root, AGENT_MAX_PROCS);
	if (ret) {
		fprintf(stderr, "oomqd-pass: %s: %s\n", o.proc_root,
			strerror(-ret));
		return 1;
	}
	/* As the daemon: a refusal only means no events. */
	if (!o.no_events)
		agent_listen(&a);
	if (o.dump_only) {
		ret = a.dump.tasks ? oomq_dump_open(a.dump.tasks) : -EINVAL;
		if (ret) {
			fprintf(stderr, "oomqd-pass: -D: no task dump: %s\n",
				strerror(-ret));
			agent_fini(&a);
			return 1;
		}
		a.dump.open = true;
		a.dump.used = true;
	}
	/* Warm-up: faults in the table and the dentries, like a daemon's
	 * first pass; not timed.
	 */
	ret = o.dump_only ? dump_pass(&a) : agent_rank(&a);
	t0 = now_s();
	cpu0 = cpu_us();
	while (!ret && (passes < o.min_passes || now_s() - t0 < o.seconds)) {
		ret = o.dump_only ? dump_pass(&a) : agent_rank(&a);
		passes++;
	}
	cpu1 = cpu_us();
	if (ret) {
		fprintf(stderr, "oomqd-pass: ranking pass failed: %s\n",
			strerror(-ret));
		agent_fini(&a);
		return 1;
	}
	printf("source=%s events=%s classified=%lu procs=%zu skipped=%u "
	       "passes=%ld cpu_us=%lld us_per_pass=%.1f "
	       "us_per_proc=%.2f hwm_kb=%ld rss_anon_kb=%ld truncated=%d\n",
	       a.dump.used ? "netlink" : "proc", events_state(&a),
	       classified(&a), a.nprocs, a.sampler.skipped, passes, cpu1 - cpu0,
	       (double)(cpu1 - cpu0) / (double)passes,
	       a.nprocs ? (double)(cpu1 - cpu0) / (double)passes /
				  (double)a.nprocs :
			  0,
	       status_kb("VmHWM"), status_kb("RssAnon"), a.truncated);
	agent_fini(&a);
	policy_free(&a.policy);
	return 0;
}
