/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy: the config file (INI, parsed by libinih) and the rules it
 * defines.  Rules are compiled once at load; classifying a sample is a
 * few regexec() calls on strings already in memory.
 */
#ifndef _OOMQD_POLICY_H
#define _OOMQD_POLICY_H

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "badness.h"
#include "sample.h"

#define POLICY_RULES_MAX 64
#define POLICY_NAME_LEN 48
#define POLICY_UIDS_MAX 64 /* user names a match_user regex selects */
#define POLICY_ERRORS_MAX 64
#define POLICY_ERROR_LEN 200
#define POLICY_PRIORITY_MAX 1000

enum policy_action {
	POLICY_NONE, /* only set a priority */
	POLICY_PREFER, /* kill earlier: adjust defaults to +300 */
	POLICY_AVOID, /* kill later: adjust defaults to -300 */
	POLICY_PROTECT, /* never queue */
};

/* What a rule can match; all given fields must match (AND). */
enum policy_field {
	POLICY_COMM,
	POLICY_CMDLINE,
	POLICY_EXE,
	POLICY_USER,
	POLICY_CGROUP,
	POLICY_ANCESTOR_COMM, /* any ancestor's comm (lineage.h) */
	POLICY_NFIELDS
};

struct policy_rule {
	char name[POLICY_NAME_LEN];
	unsigned int line; /* of its [rule NAME] header */
	unsigned int fields; /* 1 << enum policy_field, compiled in re[] */
	regex_t re[POLICY_NFIELDS];
	/*
	 * Per field, a pattern that is only a list of names (^(a|b\.c)$)
	 * as those names, each NUL-ended, an empty one last: matched with
	 * strcmp() (comm: through comm_index), no regex_t compiled.  NULL:
	 * re[] is compiled.
	 */
	char *names[POLICY_NFIELDS];
	uid_t uids[POLICY_UIDS_MAX]; /* users whose name matched at load */
	unsigned int nuids;
	enum policy_action action;
	int adjust; /* oom_score_adj units, -1000 .. 1000 */
	int priority; /* 0 .. POLICY_PRIORITY_MAX, or -1: the default */
	int pause; /* stop instead of kill while memory is short (pause.c) */
};

#define POLICY_PATH_MAX 128 /* psi_cgroup, with its NUL */
#define POLICY_CGROUP_AUTO "auto"

/*
 * When to act.  oomqd's pressure watcher reads these; the ranking does
 * not.  Percentages are of MemTotal / SwapTotal; PSI values are avg10
 * percentages of /proc/pressure/memory.
 */
struct policy_thresholds {
	unsigned int mem_low_pct; /* MemAvailable below: re-rank often */
	unsigned int mem_critical_pct; /* below: proactive kill, if on */
	unsigned int swap_low_pct; /* SwapFree below counts as low too */
	unsigned int psi_some_pct; /* some avg10 above: pressure */
	unsigned int psi_full_pct; /* full avg10 above: critical */
	int kill; /* proactive kill before the kernel OOMs */
	unsigned int kill_grace_ms; /* SIGTERM to SIGKILL */
	unsigned int pause_pct; /* MemAvailable below: stop pausable; 0 off */
	unsigned int pause_max_s; /* no job stays stopped longer in all */
	/* A cgroup v2 directory whose memory.pressure counts too, or "". */
	char psi_cgroup[POLICY_PATH_MAX];
};

/* [hooks]: shell commands run on events (hooks.c), "" for none. */
enum policy_hook {
	POLICY_HOOK_PRE_KILL,
	POLICY_HOOK_POST_KILL,
	POLICY_HOOK_PAUSE,
	POLICY_HOOK_CONTINUE,
	POLICY_NHOOKS
};

#define POLICY_HOOK_LEN 200 /* a config line is at most 198 bytes */

struct policy_hooks {
	char cmd[POLICY_NHOOKS][POLICY_HOOK_LEN];
	unsigned int timeout_ms; /* then the hook's process group is killed */
};

struct policy_error {
	unsigned int line; /* 0: not tied to a line */
	char msg[POLICY_ERROR_LEN];
};

/*
 * Every name in the rules' match_comm name lists, in one open-addressing
 * table: which rules list it.  A process's comm is then looked up once,
 * instead of strcmp() against each name of each rule (43 names in the
 * shipped config, every process, every pass).
 */
#define POLICY_COMM_SLOTS 256 /* power of two, filled at most 3/4 */

struct policy_comm_name {
	char name[SAMPLE_COMM_LEN]; /* "" marks a free slot */
	uint64_t rules; /* bit i: rules[i] lists the name */
};

struct policy {
	enum badness_port port;
	unsigned int queue_length; /* PIDs written, 1 .. OOMQ_QUEUE_MAX */
	unsigned int ttl_ms; /* module ignores an older queue; 0 never */
	unsigned int interval_s; /* calm re-rank period */
	unsigned int default_priority; /* of processes no rule moves */
	/* node_exporter textfile directory for metrics.c, or "": off */
	char metrics_dir[POLICY_PATH_MAX];
	unsigned int metrics_interval_s; /* between two writes */
	int notify; /* desktop notifications (notify.h): 1 on, 0 off */
	/*
	 * The cgroup whose memory and processes oomqd looks after
	 * (cgroup_mem.h): a directory, POLICY_CGROUP_AUTO (its own
	 * container's, if it runs in one) or "" (none: the machine).
	 */
	char cgroup[POLICY_PATH_MAX];
	/*
	 * What session.c's recognition does to the session's processes no
	 * rule matched: POLICY_PROTECT, POLICY_AVOID, or POLICY_NONE (off).
	 */
	enum policy_action session;
	struct policy_thresholds th;
	struct policy_hooks hooks;
	struct policy_rule rules[POLICY_RULES_MAX];
	unsigned int nrules;
	struct policy_comm_name comm_index[POLICY_COMM_SLOTS];
	bool comm_indexed; /* false: more names than fit, strcmp() each */
	struct policy_error errors[POLICY_ERRORS_MAX];
	unsigned int nerrors; /* of the last parse; may exceed the array */
};

/* On a policy never parsed or already policy_free()d. */
void policy_defaults(struct policy *p);
/* 0, or -EINVAL with every problem in p->errors.  Rules are replaced. */
int policy_parse_buf(struct policy *p, const char *text, size_t len);
/*
 * As policy_parse_buf() on a file: -EINVAL with an error (line 0) for
 * one that is not a regular file or grew while read; -EFBIG over 1 MiB,
 * -errno when it cannot be read.
 */
int policy_load(struct policy *p, const char *path);
void policy_free(struct policy *p);
/* "FILE:LINE: message", one a line. */
void policy_print_errors(const struct policy *p, const char *file, FILE *f);
/* Each of those lines (without a newline) to @fn, for a log. */
void policy_each_error(const struct policy *p, const char *file,
		       void (*fn)(const char *line, void *arg), void *arg);

/* PROC_NEED_* the rules need. */
unsigned int policy_needs(const struct policy *p);

/*
 * Does policy_classify() call regexec(), which allocates?  Not when
 * every field a rule matches is a list of names (match_user never is),
 * nor without rules: then it is a lookup in the comm index (or a few
 * strcmp() on other fields), cheap and allocation-free, and the match
 * cache (mcache.h) is not used.
 */
bool policy_uses_regex(const struct policy *p);

/* proc_classify_fn: sets s->rule, s->adjust, s->priority. */
void policy_classify(struct sample *s, const struct sample_text *text,
		     void *policy);
/*
 * What policy_classify() sets when rule @rule (or SAMPLE_NO_RULE)
 * decides: the verdict again without matching (verdicts.h).
 */
void policy_apply(const struct policy *p, int rule, struct sample *s);

const char *policy_action_name(enum policy_action a);

/*
 * The build driver of a process that rule @rule matched: the nearest
 * ancestor in @l whose comm the rule's match_ancestor_comm matches, or
 * 0 (no such key, or no rule).
 */
pid_t policy_driver(const struct policy *p, int rule,
		    const struct sample_lineage *l);

/*
 * Field matches (regexec() or a name list) made by policy_classify()
 * since start: glibc's regexec() allocates, so the match cache's tests
 * count them.
 */
extern unsigned long policy_regexec_calls;

#endif /* _OOMQD_POLICY_H */
