// SPDX-License-Identifier: GPL-2.0
/*
 * The config file.  libinih does the INI syntax; this file knows the
 * sections and keys, checks every value, compiles the regexes, and
 * reports every problem with its line (libinih itself tells only the
 * first bad line, so lines are fed to it by our own reader, which
 * counts them and notices lines that libinih silently refused).
 *
 *   [oomqd]            policy, queue_length, ttl_ms, interval_s,
 *                      metrics_dir, metrics_interval_s, notify,
 *                      default_priority, cgroup, session
 *   [hooks]            pre_kill, post_kill, pause, continue, timeout_ms
 *   [thresholds]       mem_low_pct, mem_critical_pct, swap_low_pct,
 *                      psi_some_pct, psi_full_pct, kill, kill_grace_ms,
 *                      psi_cgroup, pause_pct, pause_max_s
 *   [rule NAME]        match_comm, match_cmdline, match_exe, match_user,
 *                      match_cgroup, match_ancestor_comm, action, adjust,
 *                      priority, pause
 */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "proc_sample.h"
#include <linux/oomq.h>

#define POLICY_FILE_MAX (1 << 20) /* a config larger than this is a mistake */

enum section { SEC_NONE, SEC_MAIN, SEC_THRESH, SEC_HOOKS, SEC_RULE, SEC_BAD };

struct parse_ctx {
	struct policy *p;
	const char *pos;
	const char *end;
	unsigned int lineno;
	bool want_handler; /* the current line is "key = value" */
	bool handled; /* and libinih passed it to handler() */
	enum section sec;
	struct policy_rule *rule;
	unsigned int seen; /* keys seen in this section, bit per key */
	unsigned int main_line, thresh_line, hooks_line; /* headers, or 0 */
	unsigned int thresh_lines[10]; /* of each thresh_keys[] key, or 0 */
};

static const char *const action_names[] = {
	[POLICY_NONE] = "none",
	[POLICY_PREFER] = "prefer",
	[POLICY_AVOID] = "avoid",
	[POLICY_PROTECT] = "protect",
};

const char *policy_action_name(enum policy_action a)
{
	return (unsigned int)a < 4 ? action_names[a] : "?";
}

__attribute__((format(printf, 3, 4))) static void
add_error(struct policy *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (p->nerrors < POLICY_ERRORS_MAX) {
		struct policy_error *e = &p->errors[p->nerrors];

		e->line = line;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	p->nerrors++;
}

void policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->port = BADNESS_MODERN;
	p->queue_length = 32;
	p->ttl_ms = 60000;
	p->interval_s = 10;
	p->default_priority = 100;
	p->metrics_interval_s = 15;
	p->notify = 1;
	strcpy(p->cgroup, POLICY_CGROUP_AUTO);
	p->session = POLICY_PROTECT;
	p->hooks.timeout_ms = 5000;
	p->th.mem_low_pct = 10;
	p->th.mem_critical_pct = 10;
	p->th.swap_low_pct = 10;
	p->th.psi_some_pct = 10;
	p->th.psi_full_pct = 5;
	p->th.kill = 1;
	p->th.kill_grace_ms = 2000;
	p->th.pause_pct = 15;
	p->th.pause_max_s = 300;
}

void policy_free(struct policy *p)
{
	for (unsigned int i = 0; i < p->nrules; i++) {
		struct policy_rule *r = &p->rules[i];

		for (int f = 0; f < POLICY_NFIELDS; f++) {
			if (r->names[f])
				free(r->names[f]);
			else if (r->fields & (1u << f))
				regfree(&r->re[f]);
			r->names[f] = NULL;
		}
	}
	p->nrules = 0;
	p->comm_indexed = false;
}

/* A whole decimal integer in [min, max], or an error naming the key. */
static int parse_int(struct parse_ctx *c, const char *key, const char *value,
		     long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (!*value || *end || errno || v < min || v > max) {
		add_error(c->p, c->lineno,
			  "%s: expected an integer from %ld to %ld, got '%s'",
			  key, min, max, value);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_uint(struct parse_ctx *c, const char *key, const char *value,
		      long min, long max, unsigned int *out)
{
	long v;
	int ret = parse_int(c, key, value, min, max, &v);

	if (!ret)
		*out = (unsigned int)v;
	return ret;
}

static int parse_bool(struct parse_ctx *c, const char *key, const char *value,
		      int *out)
{
	if (!strcmp(value, "on") || !strcmp(value, "yes") ||
	    !strcmp(value, "true") || !strcmp(value, "1")) {
		*out = 1;
	} else if (!strcmp(value, "off") || !strcmp(value, "no") ||
		   !strcmp(value, "false") || !strcmp(value, "0")) {
		*out = 0;
	} else {
		add_error(c->p, c->lineno, "%s: expected on or off, got '%s'",
			  key, value);
		return -EINVAL;
	}
	return 0;
}

/* Index of @key in @keys, or -1. */
#define NKEYS(keys) ((int)(sizeof(keys) / sizeof((keys)[0])))

static int key_index(const char *const *keys, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (keys[i] && !strcmp(keys[i], key))
			return i;
	return -1;
}

static bool first_time(struct parse_ctx *c, int bit, const char *key)
{
	if (c->seen & (1u << bit)) {
		add_error(c->p, c->lineno, "%s: given twice in this section",
			  key);
		return false;
	}
	c->seen |= 1u << bit;
	return true;
}

static const char *const main_keys[] = {
	"policy",
	"queue_length",
	"ttl_ms",
	"interval_s",
	"default_priority",
	"metrics_dir",
	"metrics_interval_s",
	"notify",
	"cgroup",
	"session",
};

/*
 * A directory oomqd opens files in (@room bytes of name more, with the
 * NUL): absolute, without "." or ".." parts, as a cgroup's path is and
 * as the unit's ReadWritePaths= must name it.  @what and @example for
 * the error.
 */
static void parse_dir(struct parse_ctx *c, const char *key, const char *value,
		      char *dst, size_t size, size_t room, const char *what,
		      const char *example)
{
	size_t len = strlen(value);

	if (value[0] != '/' || strstr(value, "/./") || strstr(value, "/../") ||
	    (len >= 2 && !strcmp(value + len - 2, "/.")) ||
	    (len >= 3 && !strcmp(value + len - 3, "/.."))) {
		add_error(c->p, c->lineno,
			  "%s: expected an absolute %s such as %s, got '%s'",
			  key, what, example, value);
		return;
	}
	if (len + room >= size) {
		add_error(c->p, c->lineno, "%s: longer than %zu bytes", key,
			  size - room - 1);
		return;
	}
	memcpy(dst, value, len + 1);
}

/* [oomqd] session's values, each as the action it takes. */
static const char *const session_names[] = {
	[POLICY_NONE] = "off",
	[POLICY_AVOID] = "avoid",
	[POLICY_PROTECT] = "protect",
};

static void main_key(struct parse_ctx *c, const char *key, const char *value)
{
	struct policy *p = c->p;
	int i = key_index(main_keys, NKEYS(main_keys), key);

	if (i < 0) {
		add_error(p, c->lineno, "unknown key '%s' in [oomqd]", key);
		return;
	}
	if (!first_time(c, i, key))
		return;
	switch (i) {
	case 0:
		if (badness_port_parse(value, &p->port))
			add_error(
				p, c->lineno,
				"policy: expected classic, rss or modern, got '%s'",
				value);
		break;
	case 1:
		parse_uint(c, key, value, 1, OOMQ_QUEUE_MAX, &p->queue_length);
		break;
	case 2:
		parse_uint(c, key, value, 0, 86400000, &p->ttl_ms);
		break;
	case 3:
		parse_uint(c, key, value, 1, 3600, &p->interval_s);
		break;
	case 4:
		parse_uint(c, key, value, 0, POLICY_PRIORITY_MAX,
			   &p->default_priority);
		break;
	case 5:
		parse_dir(c, key, value, p->metrics_dir, sizeof(p->metrics_dir),
			  sizeof("/.oomqd.prom.tmp"), "directory",
			  "/var/lib/prometheus/node-exporter");
		break;
	case 6:
		parse_uint(c, key, value, 1, 3600, &p->metrics_interval_s);
		break;
	case 7:
		parse_bool(c, key, value, &p->notify);
		break;
	case 8:
		if (!strcmp(value, POLICY_CGROUP_AUTO))
			strcpy(p->cgroup, value);
		else if (!strcmp(value, "none"))
			p->cgroup[0] = '\0';
		else
			parse_dir(c, key, value, p->cgroup, sizeof(p->cgroup),
				  sizeof("/memory.swap.current"),
				  "cgroup directory, auto or none",
				  "/sys/fs/cgroup/build.slice");
		break;
	case 9:
		i = key_index(session_names, NKEYS(session_names), value);
		if (i < 0)
			add_error(p, c->lineno,
				  "session: expected protect, avoid or off, "
				  "got '%s'",
				  value);
		else
			p->session = (enum policy_action)i;
		break;
	}
}

static const char *const thresh_keys[] = {
	"mem_low_pct",	 "mem_critical_pct", "swap_low_pct",
	"psi_some_pct",	 "psi_full_pct",     "kill",
	"kill_grace_ms", "psi_cgroup",	     "pause_pct",
	"pause_max_s",
};

static void thresh_key(struct parse_ctx *c, const char *key, const char *value)
{
	struct policy_thresholds *th = &c->p->th;
	int i = key_index(thresh_keys, NKEYS(thresh_keys), key);
	unsigned int *pct[] = { &th->mem_low_pct, &th->mem_critical_pct,
				&th->swap_low_pct, &th->psi_some_pct,
				&th->psi_full_pct };

	if (i < 0) {
		add_error(c->p, c->lineno, "unknown key '%s' in [thresholds]",
			  key);
		return;
	}
	if (!first_time(c, i, key))
		return;
	c->thresh_lines[i] = c->lineno;
	if (i < 5)
		parse_uint(c, key, value, 0, 100, pct[i]);
	else if (i == 5)
		parse_bool(c, key, value, &th->kill);
	else if (i == 6)
		parse_uint(c, key, value, 0, 60000, &th->kill_grace_ms);
	else if (i == 8)
		parse_uint(c, key, value, 0, 50, &th->pause_pct);
	else if (i == 9)
		parse_uint(c, key, value, 1, 3600, &th->pause_max_s);
	else
		parse_dir(c, key, value, th->psi_cgroup, sizeof(th->psi_cgroup),
			  sizeof("/memory.pressure"), "cgroup directory",
			  "/sys/fs/cgroup/user.slice");
}

/* In enum policy_hook's order, then the timeout. */
static const char *const hooks_keys[] = {
	"pre_kill", "post_kill", "pause", "continue", "timeout_ms",
};

static void hooks_key(struct parse_ctx *c, const char *key, const char *value)
{
	struct policy_hooks *h = &c->p->hooks;
	int i = key_index(hooks_keys, POLICY_NHOOKS + 1, key);

	if (i < 0) {
		add_error(c->p, c->lineno, "unknown key '%s' in [hooks]", key);
		return;
	}
	if (!first_time(c, i, key))
		return;
	if (i == POLICY_NHOOKS) {
		parse_uint(c, key, value, 100, 600000, &h->timeout_ms);
		return;
	}
	/* libinih's line limit keeps it shorter than the buffer. */
	if (!*value || strlen(value) >= sizeof(h->cmd[i])) {
		add_error(c->p, c->lineno,
			  "%s: expected a shell command of 1 to %zu bytes", key,
			  sizeof(h->cmd[i]) - 1);
		return;
	}
	memcpy(h->cmd[i], value, strlen(value) + 1);
}

/* Users are resolved once, here, so classifying never calls NSS. */
static void resolve_users(struct parse_ctx *c, struct policy_rule *r)
{
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent())) {
		if (regexec(&r->re[POLICY_USER], pw->pw_name, 0, NULL, 0))
			continue;
		if (r->nuids == POLICY_UIDS_MAX) {
			add_error(c->p, c->lineno,
				  "match_user: matches more than %d users",
				  POLICY_UIDS_MAX);
			break;
		}
		r->uids[r->nuids++] = pw->pw_uid;
	}
	endpwent();
}

/* The match_* keys in enum policy_field's order, then the others. */
enum rule_key {
	RULE_ACTION = POLICY_NFIELDS,
	RULE_ADJUST,
	RULE_PRIORITY,
	RULE_PAUSE,
	RULE_NKEYS
};

static const char *const rule_keys[RULE_NKEYS] = {
	[POLICY_COMM] = "match_comm",
	[POLICY_CMDLINE] = "match_cmdline",
	[POLICY_EXE] = "match_exe",
	[POLICY_USER] = "match_user",
	[POLICY_CGROUP] = "match_cgroup",
	[POLICY_ANCESTOR_COMM] = "match_ancestor_comm",
	[RULE_ACTION] = "action",
	[RULE_ADJUST] = "adjust",
	[RULE_PRIORITY] = "priority",
	[RULE_PAUSE] = "pause",
};

/*
 * glibc's regcomp() copies the operand of every '+' and '{n,m}', so
 * nested repetition grows the compiled pattern exponentially:
 * "((a{100}){100}){100}" took 200 MiB and seconds, "(((a+)+)+...)" 45
 * MiB, "(.{0,100}){100}" 18 MiB (measured, glibc 2.36), and a config
 * line could make oomqd take that at start or on SIGHUP.  Before
 * regcomp(), count the states the pattern expands to as glibc expands
 * it: an atom 1; a group or an alternative what it holds plus 1; X* and
 * X? X plus 1; X+ is XX*; X{n} n copies; X{n,} n + 1 copies; X{n,m} n
 * copies and m - n optional ones.  1,000 of them compile in a few ms to
 * at most 2 MiB ("[a-z]{0,499}", the optional copies costing most), far
 * more than any rule on a process name or path needs.
 */
#define REGEX_MAX_LEN 512
#define REGEX_MAX_STATES 1000
#define REGEX_MAX_DEPTH 32 /* nested groups */
#define REGEX_DUP_MAX 32767 /* glibc's RE_DUP_MAX: regcomp refuses more */

/* @s times @n plus @plus, saturated well above REGEX_MAX_STATES. */
static uint64_t states_mul(uint64_t s, uint64_t n, uint64_t plus)
{
	const uint64_t cap = (uint64_t)REGEX_MAX_STATES << 20;

	return s > cap / (n ? n : 1) ? cap : s * n + plus;
}

/*
 * "{n}", "{n,}", "{n,m}" or "{,m}" at @p: the states of its operand
 * @s repeated; *@end after the '}'.  -1: not a bound regcomp takes.
 */
static int64_t bound_states(const char *p, uint64_t s, const char **end)
{
	unsigned long n = 0, m;
	char *q;

	if (p[1] != ',') {
		n = strtoul(p + 1, &q, 10);
		if (q == p + 1)
			return -1;
	} else {
		q = (char *)p + 1;
	}
	m = n;
	if (*q == ',') {
		if (q[1] == '}') {
			m = n + 1; /* {n,}: n copies and a starred one */
			q++;
		} else {
			m = strtoul(q + 1, &q, 10);
		}
	}
	if (*q != '}' || n > REGEX_DUP_MAX || m > REGEX_DUP_MAX || m < n)
		return -1;
	*end = q + 1;
	return (int64_t)states_mul(s, m ? m : 1, m - n);
}

/*
 * Return: NULL, or why the pattern is refused.  What this stops at (an
 * unterminated '[') regcomp() refuses too, and says why.  A '{' that is
 * no bound read here is refused, not left to regcomp(): glibc takes
 * escaped digits in one ("a{\\00}" is "a{0}"), whose repetition this
 * count would then miss.
 */
static const char *regex_too_costly(const char *re)
{
	/* Per open group: the finished alternatives, the current one. */
	uint64_t alts[REGEX_MAX_DEPTH + 1], seq[REGEX_MAX_DEPTH + 1];
	uint64_t last = 0; /* the states of what a quantifier repeats */
	bool quantified = false; /* the last thing was a quantifier */
	int depth = 0;

	if (strlen(re) > REGEX_MAX_LEN)
		return "longer than 512 bytes";
	alts[0] = seq[0] = 0;
	for (const char *p = re; *p;) {
		uint64_t atom = 1;

		switch (*p) {
		case '(':
			if (depth == REGEX_MAX_DEPTH)
				return "groups nested more than 32 deep";
			depth++;
			alts[depth] = seq[depth] = 0;
			last = 0;
			quantified = false;
			p++;
			continue;
		case ')':
			/* Unmatched, glibc takes it for a plain ')'. */
			if (depth) {
				atom = alts[depth] + seq[depth] + 1;
				depth--;
			}
			p++;
			break;
		case '|':
			alts[depth] += seq[depth] + 1;
			seq[depth] = last = 0;
			quantified = false;
			p++;
			continue;
		case '*':
		case '?':
		case '+':
		case '{': {
			int64_t rep;

			if (quantified)
				return "a repetition follows a repetition";
			if (*p == '{') {
				rep = bound_states(p, last, &p);
				if (rep < 0)
					return "a '{' that is no bound {n}, "
					       "{n,}, {n,m} or {,m} (\\{ for "
					       "the character)";
			} else {
				rep = (int64_t)states_mul(last,
							  *p == '+' ? 2 : 1, 1);
				p++;
			}
			seq[depth] = seq[depth] - last + (uint64_t)rep;
			last = (uint64_t)rep;
			quantified = true;
			if (seq[depth] + alts[depth] > REGEX_MAX_STATES)
				return "its repetitions expand to more than "
				       "1000 states";
			continue;
		}
		case '[':
			/* A bracket expression: "[]+*]" holds no repetition. */
			p += p[1] == '^' ? 2 : 1;
			p += *p == ']';
			p += strcspn(p, "]");
			if (!*p)
				return NULL; /* unterminated: regcomp will say */
			p++;
			break;
		case '\\':
			/* Matching with one can take exponential time. */
			if (p[1] >= '1' && p[1] <= '9')
				return "a back-reference (\\N) is not supported";
			p += p[1] ? 2 : 1;
			break;
		default:
			p++;
			break;
		}
		seq[depth] = states_mul(seq[depth], 1, atom);
		last = atom;
		quantified = false;
		if (seq[depth] + alts[depth] > REGEX_MAX_STATES)
			return "its repetitions expand to more than 1000 "
			       "states";
	}
	return NULL;
}

/* A name's characters that mean themselves in an extended regex. */
static bool plain_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || (ch && strchr(" _-:/@,=%", ch));
}

/*
 * "^name$" or "^(name|name|...)$" whose names are plain characters and
 * escaped dots or pluses: the names, NUL-ended, an empty one last (a
 * buffer to free()).  NULL when @re is anything else, or out of memory:
 * then it is compiled as a regex.  The shipped rules are all such lists;
 * glibc's regex would take some 20 KiB of heap for each, and allocate
 * in regexec().
 */
static char *literal_names(const char *re)
{
	size_t len = strlen(re);
	bool group;
	char *out, *o;
	const char *p, *end;

	if (len < 3 || re[0] != '^' || re[len - 1] != '$' ||
	    (len >= 2 && re[len - 2] == '\\'))
		return NULL;
	p = re + 1;
	end = re + len - 1;
	group = *p == '(';
	if (group) {
		if (end - p < 3 || end[-1] != ')')
			return NULL;
		p++;
		end--;
	}
	out = malloc(len + 2);
	if (!out)
		return NULL;
	o = out;
	for (bool empty = true;; p++) {
		if (p == end || *p == '|') {
			if (empty || (*p == '|' && !group))
				break;
			*o++ = '\0';
			empty = true;
			if (p == end) {
				*o = '\0';
				return out;
			}
			continue;
		}
		if (*p == '\\' && p + 1 < end && (p[1] == '.' || p[1] == '+'))
			p++;
		else if (!plain_char(*p))
			break;
		*o++ = *p;
		empty = false;
	}
	free(out);
	return NULL;
}

static void rule_key(struct parse_ctx *c, const char *key, const char *value)
{
	struct policy_rule *r = c->rule;
	int i = key_index(rule_keys, RULE_NKEYS, key);
	long v;
	int ret;

	if (i < 0) {
		add_error(c->p, c->lineno, "unknown key '%s' in [rule %s]", key,
			  r->name);
		return;
	}
	if (!first_time(c, i, key))
		return;
	if (i < POLICY_NFIELDS) {
		const char *why = regex_too_costly(value);
		char msg[128];

		if (why) {
			add_error(c->p, c->lineno, "%s: regex '%s' refused: %s",
				  key, value, why);
			return;
		}
		/* Users are matched by regex at load (resolve_users()). */
		if (i != POLICY_USER)
			r->names[i] = literal_names(value);
		if (r->names[i]) {
			r->fields |= 1u << i;
			return;
		}
		ret = regcomp(&r->re[i], value, REG_EXTENDED | REG_NOSUB);
		if (ret) {
			regerror(ret, &r->re[i], msg, sizeof(msg));
			add_error(c->p, c->lineno, "%s: bad regex '%s': %s",
				  key, value, msg);
			return;
		}
		r->fields |= 1u << i;
		if (i == POLICY_USER)
			resolve_users(c, r);
		return;
	}
	switch (i) {
	case RULE_ACTION:
		ret = key_index(action_names, 4, value);
		if (ret < 0)
			add_error(
				c->p, c->lineno,
				"action: expected prefer, avoid, protect or none, got '%s'",
				value);
		else
			r->action = (enum policy_action)ret;
		break;
	case RULE_ADJUST:
		if (!parse_int(c, key, value, -1000, 1000, &v))
			r->adjust = (int)v;
		break;
	case RULE_PRIORITY:
		if (!parse_int(c, key, value, 0, POLICY_PRIORITY_MAX, &v))
			r->priority = (int)v;
		break;
	case RULE_PAUSE:
		parse_bool(c, key, value, &r->pause);
		break;
	}
}

/*
 * libinih would end a value at a ';' after a blank, silently: a regex
 * "a ;b" became "a", "kill = on ; x" became "on".  Its inline comments
 * are off (policy_parse_buf()), and a ';' or '#' at the start of a value
 * or after a blank, which reads as a comment to a person and to other
 * INI parsers, is an error: comments go on their own line.
 */
static bool inline_comment(struct parse_ctx *c, const char *key,
			   const char *value)
{
	for (const char *p = value; *p; p++) {
		if ((*p != ';' && *p != '#') ||
		    (p > value && p[-1] != ' ' && p[-1] != '\t'))
			continue;
		add_error(c->p, c->lineno,
			  "%s: '%c' %s: comments go on a line of their own "
			  "(in a regex, write [%c])",
			  key, *p,
			  p == value ? "starts the value" : "after a blank",
			  *p);
		return true;
	}
	return false;
}

#if INI_HANDLER_LINENO
static int handler(void *user, const char *section, const char *key,
		   const char *value, int lineno)
#else
static int handler(void *user, const char *section, const char *key,
		   const char *value)
#endif
{
	struct parse_ctx *c = user;

	(void)section; /* the reader tracked it, with its line */
	c->handled = true;
	if (!value) /* only with INI_ALLOW_NO_VALUE */
		value = "";
	if (inline_comment(c, key, value))
		return 1;
	switch (c->sec) {
	case SEC_NONE:
		add_error(c->p, c->lineno,
			  "'%s' before any section: put it under [oomqd]", key);
		break;
	case SEC_MAIN:
		main_key(c, key, value);
		break;
	case SEC_THRESH:
		thresh_key(c, key, value);
		break;
	case SEC_HOOKS:
		hooks_key(c, key, value);
		break;
	case SEC_RULE:
		rule_key(c, key, value);
		break;
	case SEC_BAD:
		break; /* the header was reported */
	}
	return 1;
}

/* Checks a finished rule; the defaults that depend on the action. */
static void finish_rule(struct parse_ctx *c)
{
	struct policy_rule *r = c->rule;

	if (!r)
		return;
	c->rule = NULL;
	if (!(c->seen & ((1u << POLICY_NFIELDS) - 1)))
		add_error(
			c->p, r->line,
			"[rule %s]: no match_* key, it would match everything",
			r->name);
	if (r->action == POLICY_PROTECT && r->pause)
		add_error(c->p, r->line,
			  "[rule %s]: action protect is never queued, so never "
			  "paused: drop pause = yes",
			  r->name);
	if (r->action == POLICY_PROTECT && r->priority > 0)
		add_error(
			c->p, r->line,
			"[rule %s]: action protect never queues, priority %d contradicts it",
			r->name, r->priority);
	if (!(c->seen & (1u << RULE_ADJUST))) {
		if (r->action == POLICY_PREFER)
			r->adjust = 300;
		else if (r->action == POLICY_AVOID)
			r->adjust = -300;
	}
}

/*
 * A second [oomqd] or [thresholds] would set its keys again where the
 * first set them, the later silently winning: an error, as a key given
 * twice in one section is.
 */
static bool section_once(struct parse_ctx *c, unsigned int *line,
			 const char *name)
{
	if (*line) {
		add_error(c->p, c->lineno, "%s: given twice, first at line %u",
			  name, *line);
		return false;
	}
	*line = c->lineno;
	return true;
}

static void section_header(struct parse_ctx *c, const char *s, size_t n)
{
	const char *close = memchr(s, ']', n);
	struct policy *p = c->p;
	struct policy_rule *r;
	size_t len;

	finish_rule(c);
	c->seen = 0;
	c->sec = SEC_BAD;
	if (!close) {
		add_error(p, c->lineno, "section header without ']'");
		return;
	}
	for (const char *t = close + 1; t < s + n; t++) {
		if (*t != ' ' && *t != '\t') {
			add_error(p, c->lineno, "text after ']': %.*s",
				  (int)(s + n - t), t);
			return;
		}
	}
	s++;
	len = close - s;
	if (len == 5 && !memcmp(s, "oomqd", 5)) {
		if (!section_once(c, &c->main_line, "[oomqd]"))
			return;
		c->sec = SEC_MAIN;
	} else if (len == 10 && !memcmp(s, "thresholds", 10)) {
		if (!section_once(c, &c->thresh_line, "[thresholds]"))
			return;
		c->sec = SEC_THRESH;
	} else if (len == 5 && !memcmp(s, "hooks", 5)) {
		if (!section_once(c, &c->hooks_line, "[hooks]"))
			return;
		c->sec = SEC_HOOKS;
	} else if (len > 5 && !memcmp(s, "rule ", 5)) {
		s += 5;
		len -= 5;
		while (len && *s == ' ') {
			s++;
			len--;
		}
		if (!len || len >= POLICY_NAME_LEN) {
			add_error(
				p, c->lineno,
				"[rule NAME]: the name must have 1 to %d characters",
				POLICY_NAME_LEN - 1);
			return;
		}
		for (unsigned int i = 0; i < p->nrules; i++) {
			if (strlen(p->rules[i].name) == len &&
			    !memcmp(p->rules[i].name, s, len)) {
				add_error(
					p, c->lineno,
					"[rule %.*s]: defined twice, first at line %u",
					(int)len, s, p->rules[i].line);
				return;
			}
		}
		if (p->nrules == POLICY_RULES_MAX) {
			add_error(p, c->lineno, "more than %d rules",
				  POLICY_RULES_MAX);
			return;
		}
		r = &p->rules[p->nrules++];
		memset(r, 0, sizeof(*r));
		memcpy(r->name, s, len);
		r->line = c->lineno;
		r->priority = -1;
		c->rule = r;
		c->sec = SEC_RULE;
	} else {
		add_error(
			p, c->lineno,
			"unknown section [%.*s]: expected [oomqd], [thresholds], [hooks] or [rule NAME]",
			(int)len, s);
	}
}

/* The line libinih just parsed should have reached handler(). */
static void check_handled(struct parse_ctx *c)
{
	if (c->want_handler && !c->handled)
		add_error(c->p, c->lineno,
			  "expected 'key = value', '[section]' or a comment");
	c->want_handler = false;
	c->handled = false;
}

/* ini_reader: one line of the buffer at a time, counting lines. */
static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	const char *nl, *s;
	size_t len, n;

	check_handled(c);
	if (c->pos >= c->end)
		return NULL;
	nl = memchr(c->pos, '\n', c->end - c->pos);
	len = nl ? (size_t)(nl - c->pos) + 1 : (size_t)(c->end - c->pos);
	s = c->pos;
	c->pos += len;
	c->lineno++;

	n = len;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (memchr(s, '\0', n)) {
		add_error(c->p, c->lineno, "NUL byte in line");
		n = 0;
	} else if (n + 2 > (size_t)num) {
		add_error(c->p, c->lineno, "line longer than %d bytes",
			  num - 2);
		n = 0;
	}
	memcpy(str, s, n);
	str[n] = '\n';
	str[n + 1] = '\0';

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (!n || *s == ';' || *s == '#')
		return str;
	if (*s == '[')
		section_header(c, s, n);
	else
		c->want_handler = true;
	return str;
}

_Static_assert(POLICY_RULES_MAX <= 64, "a rule is a bit of uint64_t");

/* FNV-1a: comm is at most 15 bytes, the table at most 256 slots. */
static unsigned int comm_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (POLICY_COMM_SLOTS - 1);
}

/* @name's slot, or the free slot where it would go (never full). */
static unsigned int comm_slot(const struct policy *p, const char *name)
{
	unsigned int i = comm_hash(name);

	while (p->comm_index[i].name[0] && strcmp(p->comm_index[i].name, name))
		i = (i + 1) & (POLICY_COMM_SLOTS - 1);
	return i;
}

/*
 * The comm index of the rules' name lists.  A name of 16 bytes or more
 * can never equal a comm (TASK_COMM_LEN - 1 at most) and is left out,
 * as strcmp() would never have matched it either.
 */
static void index_comm_names(struct policy *p)
{
	unsigned int used = 0;

	memset(p->comm_index, 0, sizeof(p->comm_index));
	p->comm_indexed = false;
	for (unsigned int i = 0; i < p->nrules; i++) {
		const char *n = p->rules[i].names[POLICY_COMM];

		for (; n && *n; n += strlen(n) + 1) {
			struct policy_comm_name *slot;

			if (strlen(n) >= SAMPLE_COMM_LEN)
				continue;
			slot = &p->comm_index[comm_slot(p, n)];
			if (!slot->name[0]) {
				if (++used > POLICY_COMM_SLOTS / 4 * 3)
					return;
				strcpy(slot->name, n);
			}
			slot->rules |= 1ull << i;
		}
	}
	p->comm_indexed = true;
}

/* The line of thresh_keys[@i] if given, else of @j, else of [thresholds]. */
static unsigned int thresh_line(const struct parse_ctx *c, int i, int j)
{
	if (c->thresh_lines[i])
		return c->thresh_lines[i];
	return c->thresh_lines[j] ? c->thresh_lines[j] : c->thresh_line;
}

/* Values that are each fine but together mean something never happens. */
static void check_thresholds(struct parse_ctx *c)
{
	struct policy_thresholds *th = &c->p->th;

	if (th->mem_critical_pct > th->mem_low_pct)
		add_error(c->p, thresh_line(c, 1, 0),
			  "[thresholds]: mem_critical_pct %u is above "
			  "mem_low_pct %u",
			  th->mem_critical_pct, th->mem_low_pct);
	/* pressure.c: MemAvailable is never at or below 0 %. */
	if (th->kill && !th->mem_critical_pct)
		add_error(c->p, thresh_line(c, 5, 1),
			  "[thresholds]: kill = on never fires with "
			  "mem_critical_pct 0: set it above 0, or kill = off");
	/*
	 * The default reserve under a kill level the file raised moves
	 * above it: a config written before pausing was on by default
	 * still loads, and pauses before it kills.
	 */
	if (!c->thresh_lines[8] && th->kill &&
	    th->pause_pct <= th->mem_critical_pct)
		th->pause_pct = th->mem_critical_pct + 5 <= 50 ?
					th->mem_critical_pct + 5 :
					0;
	/* The kill comes at the same sample as the stop, or first. */
	if (th->kill && th->pause_pct && th->pause_pct <= th->mem_critical_pct)
		add_error(c->p, thresh_line(c, 8, 1),
			  "[thresholds]: pause_pct %u is not above "
			  "mem_critical_pct %u, where kill = on kills first: "
			  "nothing would ever be paused",
			  th->pause_pct, th->mem_critical_pct);
}

int policy_parse_buf(struct policy *p, const char *text, size_t len)
{
	struct parse_ctx c = { .p = p, .pos = text, .end = text + len };
	int ret;

	policy_free(p);
	p->nerrors = 0;
	/* A UTF-8 byte order mark is not part of the first line. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		c.pos += 3;
	/* One key per line: a continuation line is a mistake here. */
	ini_allow_multiline = false;
	ini_stop_on_first_error = false;
	/* A value is the whole rest of its line (inline_comment()). */
	ini_allow_inline_comments = false;
	ret = ini_parse_stream(reader, &c, handler, &c);
	check_handled(&c);
	finish_rule(&c);
	index_comm_names(p);
	if (ret > 0 && !p->nerrors)
		add_error(p, (unsigned int)ret, "syntax error");
	else if (ret < 0)
		add_error(p, 0, "out of memory");
	check_thresholds(&c);
	return p->nerrors ? -EINVAL : 0;
}

/*
 * The config is a regular file, read whole.  O_NONBLOCK: a FIFO put
 * there would block open() until a writer came (and SIGHUP with it,
 * for good); fstat() then refuses it, a pipe that would read as an
 * empty and valid config, a device, a socket.  The file is read to its
 * end, not only st_size bytes of it: one that grows meanwhile is being
 * written, and refused rather than parsed half.
 */
int policy_load(struct policy *p, const char *path)
{
	struct stat st;
	size_t n = 0;
	char *text;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		policy_free(p);
		p->nerrors = 0;
		add_error(p, 0, "not a regular file");
		ret = -EINVAL;
		goto err_close;
	}
	if (st.st_size > POLICY_FILE_MAX) {
		ret = -EFBIG;
		goto err_close;
	}
	/* One byte more than its size, to see it grow. */
	text = malloc(st.st_size + 1);
	if (!text) {
		ret = -ENOMEM;
		goto err_close;
	}
	for (;;) {
		ssize_t r = read(fd, text + n, st.st_size + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto err_free;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > (size_t)st.st_size) {
			policy_free(p);
			p->nerrors = 0;
			add_error(p, 0, "grew while read: being written?");
			ret = -EINVAL;
			goto err_free;
		}
	}
	ret = policy_parse_buf(p, text, n);
err_free:
	free(text);
err_close:
	close(fd);
	return ret;
}

void policy_each_error(const struct policy *p, const char *file,
		       void (*fn)(const char *line, void *arg), void *arg)
{
	unsigned int n = p->nerrors < POLICY_ERRORS_MAX ? p->nerrors :
							  POLICY_ERRORS_MAX;
	char line[POLICY_ERROR_LEN + PATH_MAX + 16];

	for (unsigned int i = 0; i < n; i++) {
		if (p->errors[i].line)
			snprintf(line, sizeof(line), "%s:%u: %s", file,
				 p->errors[i].line, p->errors[i].msg);
		else
			snprintf(line, sizeof(line), "%s: %s", file,
				 p->errors[i].msg);
		fn(line, arg);
	}
	if (p->nerrors > n) {
		snprintf(line, sizeof(line), "%s: %u more errors", file,
			 p->nerrors - n);
		fn(line, arg);
	}
}

static void print_line(const char *line, void *f)
{
	fprintf(f, "%s\n", line);
}

void policy_print_errors(const struct policy *p, const char *file, FILE *f)
{
	policy_each_error(p, file, print_line, f);
}

unsigned int policy_needs(const struct policy *p)
{
	unsigned int need = 0;

	for (unsigned int i = 0; i < p->nrules; i++) {
		unsigned int f = p->rules[i].fields;

		if (f & (1u << POLICY_COMM))
			need |= PROC_NEED_COMM;
		if (f & (1u << POLICY_USER))
			need |= PROC_NEED_UID;
		if (f & (1u << POLICY_CMDLINE))
			need |= PROC_NEED_CMDLINE;
		if (f & (1u << POLICY_EXE))
			need |= PROC_NEED_EXE;
		if (f & (1u << POLICY_CGROUP))
			need |= PROC_NEED_CGROUP;
		if (f & (1u << POLICY_ANCESTOR_COMM))
			need |= PROC_NEED_LINEAGE;
	}
	/* session.c reads a process's stat, parents and cgroup. */
	if (p->session != POLICY_NONE)
		need |= PROC_NEED_LINEAGE | PROC_NEED_CGROUP;
	return need;
}

bool policy_uses_regex(const struct policy *p)
{
	for (unsigned int i = 0; i < p->nrules; i++)
		for (int f = 0; f < POLICY_NFIELDS; f++)
			if ((p->rules[i].fields & (1u << f)) &&
			    !p->rules[i].names[f])
				return true;
	return false;
}

unsigned long policy_regexec_calls;

/* One field of a rule against @s, counted (see policy.h); 0: a match. */
static int match(const struct policy_rule *r, int f, const char *s)
{
	policy_regexec_calls++;
	if (r->names[f]) {
		for (const char *n = r->names[f]; *n; n += strlen(n) + 1)
			if (!strcmp(n, s))
				return 0;
		return REG_NOMATCH;
	}
	return regexec(&r->re[f], s, 0, NULL, 0);
}

static bool match_user(const struct policy_rule *r, uid_t uid)
{
	char num[16];

	for (unsigned int i = 0; i < r->nuids; i++)
		if (r->uids[i] == uid)
			return true;
	/* A uid without a passwd entry can still match by number. */
	snprintf(num, sizeof(num), "%u", (unsigned int)uid);
	return !match(r, POLICY_USER, num);
}

/*
 * The nearest of @l's ancestors whose comm @r's match_ancestor_comm
 * matches: its index in l->up[], or -1.
 */
static int match_ancestor(const struct policy_rule *r,
			  const struct sample_lineage *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (!match(r, POLICY_ANCESTOR_COMM, l->up[i].comm))
			return (int)i;
	return -1;
}

pid_t policy_driver(const struct policy *p, int rule,
		    const struct sample_lineage *l)
{
	const struct policy_rule *r;
	int i;

	if (rule < 0 || (unsigned int)rule >= p->nrules)
		return 0;
	r = &p->rules[rule];
	if (!(r->fields & (1u << POLICY_ANCESTOR_COMM)))
		return 0;
	i = match_ancestor(r, l);
	return i < 0 ? 0 : l->up[i].pid;
}

/*
 * @listed: the comm index's verdict for this rule, when @r's comm is a
 * name list and the policy has the index (then no strcmp() here).
 */
static bool rule_matches(const struct policy_rule *r, const struct sample *s,
			 const struct sample_text *t, int listed)
{
	const char *str[POLICY_NFIELDS] = {
		[POLICY_COMM] = s->comm,
		[POLICY_CMDLINE] = t->cmdline,
		[POLICY_EXE] = t->exe,
		[POLICY_CGROUP] = t->cgroup,
	};

	for (int f = 0; f < POLICY_NFIELDS; f++) {
		if (!(r->fields & (1u << f)))
			continue;
		if (f == POLICY_COMM && listed >= 0 && r->names[f]) {
			if (!listed)
				return false;
		} else if (f == POLICY_USER) {
			if (!match_user(r, s->uid))
				return false;
		} else if (f == POLICY_ANCESTOR_COMM) {
			if (match_ancestor(r, &t->lineage) < 0)
				return false;
		} else if (!*str[f] || match(r, f, str[f])) {
			/* An unreadable exe or cgroup matches nothing. */
			return false;
		}
	}
	return true;
}

void policy_classify(struct sample *s, const struct sample_text *text,
		     void *policy)
{
	const struct policy *p = policy;
	uint64_t listed = 0;

	if (p->comm_indexed && p->nrules)
		listed = p->comm_index[comm_slot(p, s->comm)].rules;
	for (unsigned int i = 0; i < p->nrules; i++) {
		int in_list = p->comm_indexed ? (int)((listed >> i) & 1) : -1;

		/* The first matching rule decides, in file order. */
		if (rule_matches(&p->rules[i], s, text, in_list)) {
			policy_apply(p, (int)i, s);
			return;
		}
	}
	policy_apply(p, SAMPLE_NO_RULE, s);
}

void policy_apply(const struct policy *p, int rule, struct sample *s)
{
	const struct policy_rule *r;

	s->rule = (int16_t)rule;
	s->adjust = 0;
	s->priority = (uint16_t)p->default_priority;
	if (rule < 0)
		return;
	r = &p->rules[rule];
	s->adjust = (int16_t)r->adjust;
	if (r->action == POLICY_PROTECT)
		s->priority = 0;
	else if (r->priority >= 0)
		s->priority = (uint16_t)r->priority;
}
