// SPDX-License-Identifier: GPL-2.0
/*
 * oomqd: keeps the oomq kernel module's OOM victim queue ranked.
 *
 * This file is the command line and the one-shot modes (--list,
 * --once, --check); loop*.c are the daemon.  Only these log (log.c);
 * everything they call returns 0 or -errno.
 *
 * Exit codes (also in --help):
 *   0  success; the daemon stopped on SIGTERM or SIGINT
 *   1  runtime failure: the /proc root cannot be opened or read, the
 *      /proc/oom write failed (--once), what --list or --once printed
 *      did not reach stdout, or the daemon's ppoll() failed
 *   2  usage error, or the config file is invalid (--check found errors,
 *      or the daemon's config did not load at start), or the daemon
 *      cannot watch its psi_cgroup (read-only: ProtectControlGroups=yes)
 *   3  --once without the oomq module: the ranking was printed but the
 *      kernel will not follow it
 *
 * The daemon never exits because the module is missing or goes away:
 * it says so, keeps ranking (and killing, when configured), and looks
 * for the module again while memory is calm.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <linux/oomq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "cgroup_mem.h"
#include "log.h"
#include "loop.h"
#include "prof.h"
#include "rank.h"
#include "thresholds.h"

#ifndef OOMQ_VERSION
#define OOMQ_VERSION "unknown"
#endif

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_NO_MODULE 3

#define DEFAULT_CONFIG "/etc/oomqd.conf"
#define NO_MODULE_MSG \
	"oomq module not loaded: kernel OOMs will not follow this ranking"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: oomqd [OPTION]...\n"
		"Keep the oomq module's OOM victim queue (/proc/oom) ranked.\n"
		"\n"
		"Without --list, --once or --check, run as a daemon: rank and\n"
		"write /proc/oom at start, then again whenever memory pressure\n"
		"(/proc/meminfo, PSI triggers on /proc/pressure/memory) changes\n"
		"level, after every OOM kill the module reports, and at least\n"
		"every interval_s seconds when calm (more often under pressure,\n"
		"always within half the queue TTL, which it sets in the module).\n"
		"With kill = on in [thresholds] it also kills the first queued\n"
		"process itself at critical memory shortage (SIGTERM, then SIGKILL),\n"
		"one at a time.  Without the module it says so once and keeps\n"
		"ranking.  SIGHUP reloads the config (a bad one is refused and\n"
		"the old one kept); SIGTERM or SIGINT stop it.\n"
		"\n"
		"  -l, --list             print the ranking table and exit\n"
		"  -a, --all              with --list: also the processes never queued\n"
		"  -1, --once             rank, write /proc/oom once, print the queue\n"
		"  -n, --dry-run          never write /proc/oom, set the TTL or kill;\n"
		"                         the daemon prints each queue to stdout\n"
		"  -p, --policy PORT      badness port: classic, rss or modern\n"
		"  -q, --queue-length N   PIDs to queue (1-4096)\n"
		"  -c, --config FILE      config file (default " DEFAULT_CONFIG
		" if present)\n"
		"  -C, --check FILE       validate FILE, print every error as\n"
		"                         FILE:LINE: message, and exit\n"
		"  -r, --proc-root DIR    read DIR instead of /proc (tests)\n"
		"  -s, --source SOURCE    where to read the processes: auto (the\n"
		"                         oomq module's task dump when it answers,\n"
		"                         else /proc; the default), proc, or\n"
		"                         netlink (the dump only)\n"
		"  -t, --timestamps       start each log line with the seconds\n"
		"                         since boot (CLOCK_MONOTONIC), as the\n"
		"                         kernel's log does\n"
		"  -V, --version          print the version and exit\n"
		"  -h, --help             print this help and exit\n"
		"\n"
		"Logs go to stderr, one line each, with <N> syslog priorities\n"
		"when stderr is the journal (JOURNAL_STREAM names it).\n"
		"\n"
		"Exit status:\n"
		"  0  success; the daemon stopped on SIGTERM or SIGINT\n"
		"  1  runtime failure (/proc unreadable, /proc/oom write failed,\n"
		"     stdout not written, the daemon's ppoll() failed)\n"
		"  2  usage error or invalid config file (--check, or at start),\n"
		"     or psi_cgroup's memory.pressure not writable\n"
		"  3  --once without the oomq module: ranking printed, not applied\n");
}

struct opts {
	int list, all, once, dry_run;
	const char *config;
	const char *check;
	const char *proc_root;
	const char *port;
	const char *source;
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
		{ "source", required_argument, NULL, 's' },
		{ "timestamps", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "la1np:q:c:C:r:s:tVh", longopts,
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
		case 's':
			o->source = optarg;
			break;
		case 't':
			log_timestamps(true);
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

/*
 * The same checks the daemon makes at start and on SIGHUP: the file's
 * own (policy.c), then the thresholds as pressure.c will use them.
 */
static int check_config(struct policy *p, const char *file)
{
	struct pressure_config pc;
	struct kill_config kc;
	const char *why;
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
	if (thresholds_from_policy(p, &pc, &kc, &why)) {
		printf("%s: %s\n", file, why);
		policy_free(p);
		return EXIT_USAGE;
	}
	printf("%s: ok (%u rules, policy %s, queue_length %u)\n", file,
	       p->nrules, badness_port_name(p->port), p->queue_length);
	policy_free(p);
	return 0;
}

/* policy_each_error()'s callback: the daemon logs what --check prints. */
static void log_error_line(const char *line, void *arg)
{
	(void)arg;
	logmsg(LOG_ERR, "%s", line);
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
			policy_each_error(p, file, log_error_line, NULL);
			policy_free(p);
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
	else if (s->flags & SAMPLE_SESSION)
		snprintf(rule, sizeof(rule), "session(%s)",
			 policy_action_name(a->policy.session));
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

static void print_list(const struct agent *a, const char *root, int all)
{
	const struct policy *p = &a->policy;
	char pos[16];

	printf("# source: %s\n", a->dump.used ? agent_source_used(a) : root);
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

static void log_pass(const struct agent *a, int ret)
{
	char why[160];

	if (a->truncated)
		logmsg(LOG_WARNING,
		       "more than %zu processes: ranked the first %zu", a->cap,
		       a->cap);
	if (ret)
		logmsg(LOG_ERR, "ranking pass failed: %s",
		       agent_strerror(a, ret, why, sizeof(why)));
	else if (a->sampler.malformed)
		logmsg(LOG_WARNING, "%u processes skipped, unreadable: %s",
		       a->sampler.malformed,
		       agent_strerror(a, 0, why, sizeof(why)));
	else if (a->sampler.fail_err)
		logmsg(LOG_WARNING, "%s",
		       agent_strerror(a, 0, why, sizeof(why)));
}

static int reload_policy(struct policy *p, void *arg)
{
	return load_policy(p, arg);
}

static int run_daemon(struct agent *a, const struct opts *o,
		      const char *cgroup_dir)
{
	struct loop_opts lo = {
		.dry_run = o->dry_run,
		.cgroup_dir = cgroup_dir,
		.proc_root = o->proc_root,
		.reload = reload_policy,
		.run_dir = LOOP_RUN_DIR,
		.reload_arg = (void *)o,
	};
	int ret = loop_run(a, &lo);

	if (ret == -EINVAL)
		return EXIT_USAGE;
	return ret ? EXIT_RUNTIME : 0;
}

int main(int argc, char **argv)
{
	static struct agent a;
	static char cgroup_dir[PATH_MAX];
	struct opts o = { .proc_root = "/proc" };
	const char *why;
	int ret, status = 0;

	log_init();
	/*
	 * A reader that went away (a closed pipe on stdout or stderr) is a
	 * failed write, not a reason to die: the daemon must outlive the
	 * journal restarting, and --list its pager.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (parse_args(argc, argv, &o))
		return EXIT_USAGE;
	if (o.check)
		return check_config(&a.policy, o.check);
	prof_mark("main");
	if (load_policy(&a.policy, &o))
		return EXIT_USAGE;
	prof_mark("policy");

	if (o.source && agent_source_parse(o.source, &a.source)) {
		logmsg(LOG_ERR,
		       "--source: expected auto, proc or netlink, got '%s'",
		       o.source);
		status = EXIT_USAGE;
		goto out_policy;
	}
	/* A fake /proc tree has no cgroups to go with it. */
	if (!strcmp(o.proc_root, "/proc") &&
	    cgroup_mem_resolve(a.policy.cgroup, cgroup_dir, sizeof(cgroup_dir),
			       a.scope, sizeof(a.scope), &why)) {
		logmsg(LOG_ERR, "[oomqd] cgroup = %s: %s", a.policy.cgroup,
		       why);
		status = EXIT_USAGE;
		goto out_policy;
	}
	ret = agent_init(&a, o.proc_root, AGENT_MAX_PROCS);
	if (ret) {
		logmsg(LOG_ERR, "%s: %s", o.proc_root, strerror(-ret));
		return EXIT_RUNTIME;
	}
	prof_mark("agent_init");
	/* The table shows every process, not only the candidates. */
	a.full = o.list;
	if (!o.list && !o.once) {
		status = run_daemon(&a, &o, cgroup_dir);
		goto out;
	}

	ret = agent_rank(&a);
	log_pass(&a, ret);
	if (ret) {
		status = EXIT_RUNTIME;
		goto out;
	}
	if (o.list) {
		if (cgroup_dir[0])
			printf("# cgroup %s (%s): its processes alone are "
			       "queued\n",
			       cgroup_dir, a.scope);
		print_list(&a, o.proc_root, o.all);
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
out_policy:
	policy_free(&a.policy);
	/* What --list and --once printed must have reached the reader. */
	if (fflush(stdout) || ferror(stdout)) {
		logmsg(LOG_ERR, "stdout: %s", strerror(errno));
		if (!status)
			status = EXIT_RUNTIME;
	}
	return status;
}
