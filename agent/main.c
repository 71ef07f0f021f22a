// SPDX-License-Identifier: GPL-2.0
/*
 * oomqd: keeps the oomq kernel module's OOM victim queue ranked.
 *
 * This file is the command line, the log, and the loop; everything it
 * calls returns 0 or -errno and only this file prints.
 *
 * Exit codes (also in --help):
 *   0  success
 *   1  runtime failure: /proc unreadable, /proc/oom write failed
 *   2  usage error, or the config file is invalid (--check found errors)
 *   3  --once without the oomq module: the ranking was printed but the
 *      kernel will not follow it
 */
#include <errno.h>
#include <getopt.h>
#include <linux/oomq.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "rank.h"

#ifndef OOMQ_VERSION
#define OOMQ_VERSION "unknown"
#endif

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_NO_MODULE 3

#define DEFAULT_CONFIG "/etc/oomqd.conf"
#define NO_MODULE_MSG \
	"oomq module not loaded: kernel OOMs will not follow this ranking"

static int journal; /* stderr goes to the journal: use <N> prefixes */
static volatile sig_atomic_t stop;

__attribute__((format(printf, 2, 3))) static void logmsg(int prio,
							 const char *fmt, ...)
{
	va_list ap;

	if (journal)
		fprintf(stderr, "<%d>", prio);
	fputs("oomqd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: oomqd [OPTION]...\n"
		"Keep the oomq module's OOM victim queue (/proc/oom) ranked.\n"
		"\n"
		"Without --list or --once, run as a daemon: re-rank and rewrite\n"
		"/proc/oom every interval_s seconds.\n"
		"\n"
		"  -l, --list             print the ranking table and exit\n"
		"  -a, --all              with --list: also the processes never queued\n"
		"  -1, --once             rank, write /proc/oom once, print the queue\n"
		"  -n, --dry-run          never write /proc/oom\n"
		"  -p, --policy PORT      badness port: classic, rss or modern\n"
		"  -q, --queue-length N   PIDs to queue (1-4096)\n"
		"  -c, --config FILE      config file (default " DEFAULT_CONFIG
		" if present)\n"
		"  -C, --check FILE       validate FILE, print every error as\n"
		"                         FILE:LINE: message, and exit\n"
		"  -r, --proc-root DIR    read DIR instead of /proc (tests)\n"
		"  -V, --version          print the version and exit\n"
		"  -h, --help             print this help and exit\n"
		"\n"
		"Exit status:\n"
		"  0  success\n"
		"  1  runtime failure (/proc unreadable, /proc/oom write failed)\n"
		"  2  usage error or invalid config file\n"
		"  3  --once without the oomq module: ranking printed, not applied\n");
}

struct opts {
	int list, all, once, dry_run;
	const char *config;
	const char *check;
	const char *proc_root;
	const char *port;
	long queue_length; /* 0: from the config */
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "once", no_argument, NULL, '1' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "policy", required_argument, NULL, 'p' },
		{ "queue-length", required_argument, NULL, 'q' },
		{ "config", required_argument, NULL, 'c' },
		{ "check", required_argument, NULL, 'C' },
		{ "proc-root", required_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "la1np:q:c:C:r:Vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'l':
			o->list = 1;
			break;
		case 'a':
			o->all = 1;
			break;
		case '1':
			o->once = 1;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'p':
			o->port = optarg;
			break;
		case 'q':
			o->queue_length = strtol(optarg, &end, 10);
			if (*end || o->queue_length < 1 ||
			    o->queue_length > OOMQ_QUEUE_MAX) {
				logmsg(LOG_ERR,
				       "--queue-length: expected 1 to %d, got '%s'",
				       OOMQ_QUEUE_MAX, optarg);
				return -EINVAL;
			}
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'C':
			o->check = optarg;
			break;
		case 'r':
			o->proc_root = optarg;
			break;
		case 'V':
			printf("oomqd %s\n", OOMQ_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		logmsg(LOG_ERR, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (o->list && o->once) {
		logmsg(LOG_ERR, "--list and --once exclude each other");
		return -EINVAL;
	}
	return 0;
}

static int check_config(struct policy *p, const char *file)
{
	int ret;

	policy_defaults(p);
	ret = policy_load(p, file);
	if (ret == -EINVAL) {
		policy_print_errors(p, file, stdout);
		policy_free(p);
		return EXIT_USAGE;
	}
	if (ret) {
		printf("%s: %s\n", file, strerror(-ret));
		return EXIT_USAGE;
	}
	printf("%s: ok (%u rules, policy %s, queue_length %u)\n", file,
	       p->nrules, badness_port_name(p->port), p->queue_length);
	policy_free(p);
	return 0;
}

/* Defaults, then the file, then the command line on top. */
static int load_policy(struct policy *p, const struct opts *o)
{
	const char *file = o->config;
	int ret;

	policy_defaults(p);
	if (!file && access(DEFAULT_CONFIG, R_OK) == 0)
		file = DEFAULT_CONFIG;
	if (file) {
		ret = policy_load(p, file);
		if (ret == -EINVAL) {
			policy_print_errors(p, file, stderr);
			return ret;
		}
		if (ret) {
			logmsg(LOG_ERR, "%s: %s", file, strerror(-ret));
			return ret;
		}
	}
	if (o->port && badness_port_parse(o->port, &p->port)) {
		logmsg(LOG_ERR,
		       "--policy: expected classic, rss or modern, got '%s'",
		       o->port);
		return -EINVAL;
	}
	if (o->queue_length)
		p->queue_length = (unsigned int)o->queue_length;
	return 0;
}

static const char *rule_name(const struct agent *a, const struct sample *s)
{
	if (s->rule == SAMPLE_NO_RULE)
		return "-";
	return a->policy.rules[s->rule].name;
}

static void print_row(const struct agent *a, const struct sample *s,
		      const char *pos)
{
	uint64_t tp = sample_sys_totalpages(&a->sys);
	const char *why = rank_excluded(s);
	char rule[POLICY_NAME_LEN + 16];

	if (s->rule != SAMPLE_NO_RULE)
		snprintf(rule, sizeof(rule), "%s(%s)", rule_name(a, s),
			 policy_action_name(a->policy.rules[s->rule].action));
	else
		snprintf(rule, sizeof(rule), "-");
	printf("%5s %7d %-15s %9llu %9llu %7llu %6llu %7llu %3d %5d %4u ", pos,
	       (int)s->pid, s->comm, (unsigned long long)s->total_vm_kb,
	       (unsigned long long)s->rss_kb, (unsigned long long)s->swap_kb,
	       (unsigned long long)s->pgtables_kb,
	       (unsigned long long)(s->cpu_ticks / a->sys.clk_tck), s->nice,
	       s->oom_score_adj, s->priority);
	if (s->badness == BADNESS_UNKILLABLE)
		printf("%9s %9s %5s ", "-", "-", "-");
	else
		printf("%9ld %9ld %5lu ", s->badness, s->score,
		       badness_oom_score(s->score, tp));
	printf("%s%s%s\n", rule, why ? "  never: " : "", why ? why : "");
}

static void print_list(const struct agent *a, int all)
{
	const struct policy *p = &a->policy;
	char pos[16];

	printf("# policy %s, %zu processes, %zu queueable, queue %u; "
	       "MemTotal %llu MiB, MemAvailable %llu MiB, SwapFree %llu MiB\n",
	       badness_port_name(p->port), a->n, a->nranked, p->queue_length,
	       (unsigned long long)a->sys.mem_total_kb / 1024,
	       (unsigned long long)a->sys.mem_available_kb / 1024,
	       (unsigned long long)a->sys.swap_free_kb / 1024);
	printf("# BADNESS is the %s port's value (%s); SCORE adds the rule's "
	       "adjust; SCALED is SCORE as /proc/<pid>/oom_score scales it\n",
	       badness_port_name(p->port),
	       p->port == BADNESS_MODERN ? "pages" : "points");
	printf("%5s %7s %-15s %9s %9s %7s %6s %7s %3s %5s %4s %9s %9s %5s %s\n",
	       "QPOS", "PID", "COMM", "VM_KB", "RSS_KB", "SWAP_KB", "PTE_KB",
	       "CPU_S", "NI", "ADJ", "PRIO", "BADNESS", "SCORE", "SCALED",
	       "RULE");
	for (size_t i = 0; i < a->nranked; i++) {
		if (i < p->queue_length)
			snprintf(pos, sizeof(pos), "%zu", i + 1);
		else
			snprintf(pos, sizeof(pos), "-");
		print_row(a, &a->tab[a->order[i]], pos);
	}
	if (!all)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (rank_excluded(&a->tab[i]))
			print_row(a, &a->tab[i], "x");
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void log_pass(const struct agent *a, int ret)
{
	if (a->truncated)
		logmsg(LOG_WARNING,
		       "more than %zu processes: ranked the first %zu", a->cap,
		       a->cap);
	if (a->sampler.malformed)
		logmsg(LOG_WARNING,
		       "%u processes skipped: unparsable /proc files",
		       a->sampler.malformed);
	if (ret && ret != -ENOENT)
		logmsg(LOG_ERR, "ranking pass failed: %s", strerror(-ret));
}

/*
 * The daemon until the runtime's pressure watcher takes over: a plain
 * timer.  The watcher replaces this loop and calls agent_pass() when the
 * pressure level changes, after a kill, and on its own refresh timer.
 */
static int run_daemon(struct agent *a, int dry_run)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int said_no_module = 0;
	struct timespec ts;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	logmsg(LOG_INFO, "started: policy %s, queue %u, every %us%s",
	       badness_port_name(a->policy.port), a->policy.queue_length,
	       a->policy.interval_s, dry_run ? ", dry run" : "");
	while (!stop) {
		int ret = agent_rank(a);

		if (!ret && !dry_run)
			ret = agent_write_queue(a);
		if (ret == -ENOENT && !said_no_module) {
			logmsg(LOG_WARNING, NO_MODULE_MSG);
			said_no_module = 1;
		} else if (!ret && said_no_module && !dry_run) {
			logmsg(LOG_NOTICE, "oomq module found: queue written");
			said_no_module = 0;
		}
		log_pass(a, ret);
		if (dry_run && !ret) {
			fputs(a->queue, stdout);
			fflush(stdout);
		}
		/* One wake-up per interval; SIGTERM interrupts the sleep. */
		ts.tv_sec = a->policy.interval_s;
		ts.tv_nsec = 0;
		while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	logmsg(LOG_INFO, "stopped");
	return 0;
}

int main(int argc, char **argv)
{
	static struct agent a;
	struct opts o = { .proc_root = "/proc" };
	int ret, status = 0;

	journal = getenv("JOURNAL_STREAM") != NULL;
	if (parse_args(argc, argv, &o))
		return EXIT_USAGE;
	if (o.check)
		return check_config(&a.policy, o.check);
	if (load_policy(&a.policy, &o))
		return EXIT_USAGE;

	ret = agent_init(&a, o.proc_root, AGENT_MAX_PROCS);
	if (ret) {
		logmsg(LOG_ERR, "%s: %s", o.proc_root, strerror(-ret));
		return EXIT_RUNTIME;
	}
	if (!o.list && !o.once) {
		status = run_daemon(&a, o.dry_run);
		goto out;
	}

	ret = agent_rank(&a);
	log_pass(&a, ret);
	if (ret) {
		status = EXIT_RUNTIME;
		goto out;
	}
	if (o.list) {
		print_list(&a, o.all);
		goto out;
	}
	/* --once */
	if (!o.dry_run) {
		ret = agent_write_queue(&a);
		if (ret == -ENOENT) {
			logmsg(LOG_WARNING, NO_MODULE_MSG);
			status = EXIT_NO_MODULE;
		} else if (ret) {
			logmsg(LOG_ERR, "%s/oom: %s", o.proc_root,
			       strerror(-ret));
			status = EXIT_RUNTIME;
		}
	}
	fputs(a.queue, stdout);
out:
	agent_fini(&a);
	policy_free(&a.policy);
	return status;
}
