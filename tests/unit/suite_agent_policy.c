// SPDX-License-Identifier: GPL-2.0
/*
 * The config file: values that parse, a table of mistakes with the exact
 * line each is reported at, the shipped agent/oomqd.conf, and rule
 * matching on samples.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"
#include "suite_agent.h"
#include "../../agent/policy.h"
#include "../../agent/proc_sample.h"

static struct policy pol;

static int parse(const char *text)
{
	return agent_parse_policy(&pol, text);
}

static void teardown(void)
{
	policy_free(&pol);
}

/*
 * Pausing's default reserve moves above a kill level the file raised
 * (a config from before pausing was on by default still loads); one
 * the file sets is checked instead.
 */
START_TEST(test_pause_default_above_kill)
{
	ck_assert_int_eq(parse("[thresholds]\nmem_low_pct = 45\n"
			       "mem_critical_pct = 35\n"),
			 0);
	ck_assert_uint_eq(pol.th.pause_pct, 40);
	policy_free(&pol);
	ck_assert_int_eq(parse("[thresholds]\nmem_low_pct = 60\n"
			       "mem_critical_pct = 50\n"),
			 0);
	ck_assert_uint_eq(pol.th.pause_pct, 0);
	policy_free(&pol);
	ck_assert_int_eq(parse("[thresholds]\nmem_low_pct = 45\n"
			       "mem_critical_pct = 35\nkill = off\n"),
			 0);
	ck_assert_uint_eq(pol.th.pause_pct, 15);
	policy_free(&pol);
	ck_assert_int_eq(parse("[thresholds]\nmem_low_pct = 45\n"
			       "mem_critical_pct = 35\npause_pct = 20\n"),
			 -EINVAL);
}
END_TEST

START_TEST(test_values)
{
	static const char conf[] = "\xef\xbb\xbf; comment\n"
				   "# another\n"
				   "\n"
				   "[oomqd]\n"
				   "policy = classic\n"
				   "queue_length = 7   \n"
				   "ttl_ms = 0\n"
				   "interval_s = 30\n"
				   "default_priority = 50\n"
				   "[thresholds]\n"
				   "kill = on\n"
				   "mem_low_pct = 20\n"
				   "kill_grace_ms = 500\n"
				   "psi_cgroup = /sys/fs/cgroup/user.slice\n"
				   "[rule web]\n"
				   "match_comm = ^Web\n"
				   "action = prefer\n"
				   "[rule db]\n"
				   "match_cmdline = postgres\n"
				   "action = avoid\n"
				   "adjust = -900\n"
				   "priority = 10\n";

	ck_assert_int_eq(parse(conf), 0);
	ck_assert_uint_eq(pol.nerrors, 0);
	ck_assert_int_eq(pol.port, BADNESS_CLASSIC);
	ck_assert_uint_eq(pol.queue_length, 7);
	ck_assert_uint_eq(pol.ttl_ms, 0);
	ck_assert_uint_eq(pol.interval_s, 30);
	ck_assert_uint_eq(pol.default_priority, 50);
	ck_assert_int_eq(pol.th.kill, 1);
	ck_assert_uint_eq(pol.th.mem_low_pct, 20);
	ck_assert_uint_eq(pol.th.mem_critical_pct, 10);
	ck_assert_uint_eq(pol.th.kill_grace_ms, 500);
	ck_assert_str_eq(pol.th.psi_cgroup, "/sys/fs/cgroup/user.slice");
	ck_assert_uint_eq(pol.nrules, 2);
	ck_assert_str_eq(pol.rules[0].name, "web");
	ck_assert_uint_eq(pol.rules[0].line, 15);
	ck_assert_int_eq(pol.rules[0].action, POLICY_PREFER);
	ck_assert_int_eq(pol.rules[0].adjust, 300); /* prefer's default */
	ck_assert_int_eq(pol.rules[0].priority, -1);
	ck_assert_int_eq(pol.rules[1].action, POLICY_AVOID);
	ck_assert_int_eq(pol.rules[1].adjust, -900);
	ck_assert_int_eq(pol.rules[1].priority, 10);
	/* With the session's recognition (on by default): stat, cgroup. */
	ck_assert_uint_eq(policy_needs(&pol),
			  PROC_NEED_COMM | PROC_NEED_CMDLINE |
				  PROC_NEED_LINEAGE | PROC_NEED_CGROUP);
}
END_TEST

START_TEST(test_empty_is_defaults)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(pol.port, BADNESS_MODERN);
	ck_assert_uint_eq(pol.queue_length, 32);
	ck_assert_uint_eq(pol.nrules, 0);
	ck_assert_int_eq(pol.session, POLICY_PROTECT);
	ck_assert_uint_eq(policy_needs(&pol),
			  PROC_NEED_LINEAGE | PROC_NEED_CGROUP);
	ck_assert_int_eq(parse("[oomqd]\nsession = off\n"), 0);
	ck_assert_int_eq(pol.session, POLICY_NONE);
	ck_assert_uint_eq(policy_needs(&pol), 0);
}
END_TEST

/*
 * What the cost guard must let through: brackets, escapes, bounds that
 * stay small, an unmatched ')' (glibc's plain character), '#' and ';'
 * inside a word.
 */
START_TEST(test_regex_guard_accepts)
{
	ck_assert_int_eq(
		parse("[rule a]\nmatch_comm = ^[+*](a+)+\\+b{2,3}x?$\n"
		      "[rule b]\nmatch_cmdline = [a-z]{1,100}=(x{100}){7}\n"
		      "[rule c]\nmatch_cmdline = (((((((a+)+)+)+)+)+)+)+\n"
		      "[rule d]\nmatch_cmdline = a)b{0,400}\n"
		      "[rule e]\nmatch_cmdline = c#;d[;]e\n"),
		0);
	ck_assert_uint_eq(pol.nrules, 5);
}
END_TEST

struct error_case {
	const char *name;
	const char *conf;
	unsigned int nerrors;
	unsigned int line; /* of the first error */
	const char *msg; /* a part of the first error */
};

static const struct error_case error_cases[] = {
	{ "bad port", "[oomqd]\npolicy = bogus\n", 1, 2,
	  "policy: expected classic, rss or modern, got 'bogus'" },
	{ "unknown key", "[oomqd]\n\nqueue_len = 3\n", 1, 3,
	  "unknown key 'queue_len' in [oomqd]" },
	{ "unknown section", "[oomqd]\n[global]\nx = 1\n", 1, 2,
	  "unknown section [global]" },
	{ "queue_length 0", "[oomqd]\nqueue_length = 0\n", 1, 2,
	  "queue_length: expected an integer from 1 to 4096, got '0'" },
	{ "queue_length too big", "[oomqd]\nqueue_length = 5000\n", 1, 2,
	  "from 1 to 4096, got '5000'" },
	{ "queue_length not a number", "[oomqd]\nqueue_length = 12abc\n", 1, 2,
	  "got '12abc'" },
	{ "empty value", "[oomqd]\nttl_ms =\n", 1, 2, "ttl_ms: expected" },
	{ "bad regex", "[rule a]\nmatch_comm = ([\n", 1, 2,
	  "match_comm: bad regex '(['" },
	{ "repetition of a repetition", "[rule a]\nmatch_comm = go++\n", 1, 2,
	  "regex 'go++' refused: a repetition follows a repetition" },
	{ "large bound", "[rule a]\nmatch_comm = a{2,2000}\n", 1, 2,
	  "refused: its repetitions expand to more than 1000 states" },
	{ "nested +",
	  "[rule a]\nmatch_comm = "
	  "(((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+\n",
	  1, 2, "refused: its repetitions expand to more than 1000 states" },
	/* 200 MiB and seconds in regcomp() before the guard counted. */
	{ "nested bounds", "[rule a]\nmatch_cmdline = ((a{100}){100}){100}\n",
	  1, 2, "refused: its repetitions expand to more than 1000 states" },
	/* glibc reads "{\00}" as "{0}": 2 GiB in regcomp() (fuzz_config). */
	{ "escaped bound", "[rule a]\nmatch_cmdline = ((a{\\00}){100}){100}\n",
	  1, 2, "refused: a '{' that is no bound {n}, {n,}, {n,m} or {,m}" },
	{ "optional copies", "[rule a]\nmatch_cmdline = (.{0,100}){100}\n", 1,
	  2, "refused: its repetitions expand" },
	{ "bound past an unmatched )",
	  "[rule a]\nmatch_cmdline = a)(b{100}){100}\n", 1, 2,
	  "refused: its repetitions expand" },
	{ "back-reference", "[rule a]\nmatch_cmdline = (a*)*\\1\n", 1, 2,
	  "refused: a back-reference" },
	{ "deep groups",
	  "[rule a]\nmatch_cmdline = "
	  "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))\n",
	  1, 2, "refused: groups nested more than 32 deep" },
	{ "inline ';' comment", "[oomqd]\nqueue_length = 7 ; seven\n", 1, 2,
	  "queue_length: ';' after a blank: comments go on a line of their "
	  "own" },
	/* And the rule, its only match refused, has none. */
	{ "';' cut a regex", "[rule a]\nmatch_cmdline = sh -c a ;b\n", 2, 2,
	  "match_cmdline: ';' after a blank" },
	{ "inline '#' comment", "[rule a]\nmatch_comm = ^x$\t# the x\n", 2, 2,
	  "match_comm: '#' after a blank" },
	{ "value starts with ;", "[thresholds]\nkill = ;on\n", 1, 2,
	  "kill: ';' starts the value" },
	{ "[oomqd] twice",
	  "[oomqd]\nqueue_length = 7\n[thresholds]\n[oomqd]\n"
	  "queue_length = 8\n",
	  1, 4, "[oomqd]: given twice, first at line 1" },
	{ "[thresholds] twice",
	  "[thresholds]\nkill = on\n\n[thresholds]\nkill = off\n", 1, 4,
	  "[thresholds]: given twice, first at line 1" },
	{ "text after ]", "[oomqd] ; main\n", 1, 1, "text after ']': ; main" },
	{ "kill never fires", "[thresholds]\nmem_critical_pct = 0\nkill = on\n",
	  1, 3, "kill = on never fires with mem_critical_pct 0" },
	{ "pause below kill", "[thresholds]\nkill = on\npause_pct = 4\n", 1, 3,
	  "pause_pct 4 is not above mem_critical_pct 10" },
	{ "pause at kill",
	  "[thresholds]\npause_pct = 8\nmem_critical_pct = 8\n"
	  "mem_low_pct = 9\nkill = on\n",
	  1, 2, "pause_pct 8 is not above mem_critical_pct 8" },
	{ "rule without match", "[rule a]\naction = prefer\n", 1, 1,
	  "[rule a]: no match_* key" },
	{ "rule defined twice",
	  "[rule a]\nmatch_comm = x\n[rule a]\nmatch_comm = y\n", 1, 3,
	  "[rule a]: defined twice, first at line 1" },
	{ "not a key", "[oomqd]\nthis is not a key\n", 1, 2,
	  "expected 'key = value'" },
	{ "header without ]", "[oomqd\npolicy = rss\n", 1, 1,
	  "section header without ']'" },
	{ "key before section", "policy = rss\n", 1, 1,
	  "'policy' before any section" },
	{ "protect with priority",
	  "[rule p]\nmatch_comm = x\naction = protect\npriority = 5\n", 1, 1,
	  "action protect never queues, priority 5" },
	{ "critical above low",
	  "[thresholds]\nmem_low_pct = 5\nmem_critical_pct = 10\n", 1, 3,
	  "mem_critical_pct 10 is above mem_low_pct 5" },
	{ "key twice", "[oomqd]\npolicy = rss\npolicy = classic\n", 1, 3,
	  "policy: given twice" },
	{ "bad bool", "[thresholds]\nkill = maybe\n", 1, 2,
	  "kill: expected on or off, got 'maybe'" },
	{ "bad session", "[oomqd]\nsession = prefer\n", 1, 2,
	  "session: expected protect, avoid or off, got 'prefer'" },
	{ "bad ancestor regex", "[rule a]\nmatch_ancestor_comm = ^(make\n", 1,
	  2, "match_ancestor_comm: bad regex '^(make'" },
	{ "relative psi_cgroup", "[thresholds]\npsi_cgroup = user.slice\n", 1,
	  2, "psi_cgroup: expected an absolute cgroup directory" },
	{ "psi_cgroup with ..",
	  "[thresholds]\npsi_cgroup = /sys/fs/cgroup/../../etc\n", 1, 2,
	  "psi_cgroup: expected an absolute cgroup directory" },
	{ "psi_cgroup ending in ..",
	  "[thresholds]\npsi_cgroup = /sys/fs/cgroup/..\n", 1, 2,
	  "psi_cgroup: expected an absolute cgroup directory" },
	{ "psi_cgroup too long",
	  "[thresholds]\npsi_cgroup = /sys/fs/cgroup/"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	  1, 2, "psi_cgroup: longer than" },
	{ "bad action", "[rule a]\nmatch_comm = x\naction = kill\n", 1, 3,
	  "action: expected prefer, avoid, protect or none" },
	{ "adjust out of range", "[rule a]\nmatch_comm = x\nadjust = 1001\n", 1,
	  3, "adjust: expected an integer from -1000 to 1000" },
	{ "priority negative", "[rule a]\nmatch_comm = x\npriority = -1\n", 1,
	  3, "priority: expected an integer from 0 to 1000" },
	{ "rule without name", "[rule  ]\n", 1, 1,
	  "the name must have 1 to 47 characters" },
	{ "unknown rule key", "[rule a]\nmatch_comm = x\nmatch_pid = 1\n", 1, 3,
	  "unknown key 'match_pid' in [rule a]" },
	{ "every error is reported",
	  "[oomqd]\nqueue_length = x\nbogus = 1\n[nope]\n[thresholds]\n"
	  "kill = y\n",
	  4, 2, "queue_length" },
	{ "continuation lines are not allowed",
	  "[oomqd]\npolicy = rss\n  classic\n", 1, 3,
	  "expected 'key = value'" },
	{ "NUL byte", "[oomqd]\npolicy = r\0ss\n", 1, 2, "NUL byte" },
	{ "line too long",
	  "[rule a]\nmatch_comm = "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	  2, 2, "line longer than" },
};

START_TEST(test_errors)
{
	const struct error_case *c = &error_cases[_i];
	/* Through a file, so the printed form is checked too. */
	char out[4096] = "", want[256];
	int ret;
	FILE *f;

	/* The "NUL byte" case is 22 bytes: strlen() would stop early. */
	policy_defaults(&pol);
	if (!strcmp(c->name, "NUL byte"))
		ret = policy_parse_buf(&pol, c->conf, 22);
	else
		ret = policy_parse_buf(&pol, c->conf, strlen(c->conf));
	ck_assert_msg(ret == -EINVAL, "%s: returned %d", c->name, ret);
	ck_assert_msg(pol.nerrors == c->nerrors, "%s: %u errors, want %u (%s)",
		      c->name, pol.nerrors, c->nerrors, pol.errors[0].msg);
	ck_assert_msg(pol.errors[0].line == c->line, "%s: line %u, want %u",
		      c->name, pol.errors[0].line, c->line);
	ck_assert_msg(strstr(pol.errors[0].msg, c->msg), "%s: '%s' lacks '%s'",
		      c->name, pol.errors[0].msg, c->msg);

	f = fmemopen(out, sizeof(out) - 1, "w");
	ck_assert_ptr_nonnull(f);
	policy_print_errors(&pol, "x.conf", f);
	fclose(f);
	if (c->line)
		snprintf(want, sizeof(want), "x.conf:%u: ", c->line);
	else
		snprintf(want, sizeof(want), "x.conf: ");
	ck_assert_msg(!strncmp(out, want, strlen(want)), "%s: printed '%s'",
		      c->name, out);
}
END_TEST

/* The lines of the multi-error case, in order. */
START_TEST(test_every_error_line)
{
	static const unsigned int lines[] = { 2, 3, 4, 5, 7 };

	ck_assert_int_eq(parse("[oomqd]\nqueue_length = x\nbogus = 1\n[nope]\n"
			       "[oomqd]\n[thresholds]\nkill = y\n"),
			 -EINVAL);
	ck_assert_uint_eq(pol.nerrors, ARRAY_SIZE(lines));
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		ck_assert_uint_eq(pol.errors[i].line, lines[i]);
}
END_TEST

START_TEST(test_shipped_config)
{
	const char *path = getenv("OOMQD_CONF");

	policy_defaults(&pol);
	ck_assert_int_eq(policy_load(&pol, path ? path : "agent/oomqd.conf"),
			 0);
	ck_assert_uint_eq(pol.nerrors, 0);
	ck_assert_int_eq(pol.port, BADNESS_MODERN);
	/*
	 * Name lists only, but for the batch rule's cgroup pattern: a pass
	 * needs the match cache for that one regex.
	 */
	ck_assert(policy_uses_regex(&pol));
	for (unsigned int i = 0; i < pol.nrules; i++)
		for (int f = 0; f < POLICY_NFIELDS; f++)
			if ((pol.rules[i].fields & (1u << f)) &&
			    !pol.rules[i].names[f])
				ck_assert(!strcmp(pol.rules[i].name, "batch") &&
					  f == POLICY_CGROUP);
}
END_TEST

/*
 * Only a regular file is a config.  A FIFO blocked open() (and SIGHUP
 * with it) until a writer came; a pipe or /dev/null read as an empty,
 * valid config.  Check's timeout fails a test that blocks.
 */
START_TEST(test_load_not_regular)
{
	char dir[] = "/tmp/oomq-conf-XXXXXX", fifo[64], fdpath[64];
	int fds[2];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "[oomqd]\n", 8), 8);
	close(fds[1]);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fds[0]);

	const char *const paths[] = { fifo, fdpath, "/dev/null" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		policy_defaults(&pol);
		ck_assert_msg(policy_load(&pol, paths[i]) == -EINVAL, "%s",
			      paths[i]);
		ck_assert_uint_eq(pol.nerrors, 1);
		ck_assert_uint_eq(pol.errors[0].line, 0);
		ck_assert_str_eq(pol.errors[0].msg, "not a regular file");
	}
	close(fds[0]);
	unlink(fifo);
	rmdir(dir);
}
END_TEST

START_TEST(test_load_missing)
{
	policy_defaults(&pol);
	ck_assert_int_eq(policy_load(&pol, "tests/fixtures/nonexistent.conf"),
			 -ENOENT);
}
END_TEST

static const char rules_conf[] = "[oomqd]\n"
				 "default_priority = 100\n"
				 "[rule ssh]\n" /* rule 0 */
				 "match_comm = ^sshd$\n"
				 "action = protect\n"
				 "[rule firefox]\n" /* rule 1 */
				 "match_exe = /firefox$\n"
				 "match_cgroup = ^/user\\.slice/\n"
				 "action = prefer\n"
				 "[rule builds]\n" /* rule 2 */
				 "match_cmdline = (^| )-j[0-9]+\n"
				 "priority = 200\n"
				 "[rule batch-user]\n" /* rule 3 */
				 "match_user = ^1001$\n"
				 "action = avoid\n"
				 "adjust = -50\n"
				 "[rule root]\n" /* rule 4 */
				 "match_user = ^root$\n"
				 "priority = 0\n";

struct classify_case {
	const char *name;
	struct sample s;
	struct sample_text t;
	int rule;
	int adjust;
	unsigned int priority;
};

static const struct classify_case classify_cases[] = {
	{ "no rule",
	  { .comm = "bash", .uid = 1000 },
	  { .cmdline = "-bash" },
	  SAMPLE_NO_RULE,
	  0,
	  100 },
	{ "protect by comm", { .comm = "sshd", .uid = 0 }, {}, 0, 0, 0 },
	{ "exe and cgroup both match",
	  { .comm = "Web Content", .uid = 1000 },
	  { .exe = "/usr/lib/firefox/firefox",
	    .cgroup = "/user.slice/user-1000.slice/app.slice" },
	  1,
	  300,
	  100 },
	{ "exe matches, cgroup does not (AND)",
	  { .comm = "Web Content", .uid = 1000 },
	  { .exe = "/usr/lib/firefox/firefox", .cgroup = "/system.slice" },
	  SAMPLE_NO_RULE,
	  0,
	  100 },
	{ "unreadable exe matches nothing",
	  { .comm = "Web Content", .uid = 1000 },
	  { .cgroup = "/user.slice/x" },
	  SAMPLE_NO_RULE,
	  0,
	  100 },
	{ "priority group by cmdline",
	  { .comm = "make", .uid = 1000 },
	  { .cmdline = "make -j8" },
	  2,
	  0,
	  200 },
	{ "user by number", { .comm = "run", .uid = 1001 }, {}, 3, -50, 100 },
	{ "user by name", { .comm = "cron", .uid = 0 }, {}, 4, 0, 0 },
	{ "first rule wins",
	  { .comm = "make", .uid = 1001 },
	  { .cmdline = "make -j2" },
	  2,
	  0,
	  200 },
};

START_TEST(test_classify)
{
	const struct classify_case *c = &classify_cases[_i];
	struct sample s = c->s;

	ck_assert_int_eq(parse(rules_conf), 0);
	policy_classify(&s, &c->t, &pol);
	ck_assert_msg(s.rule == c->rule, "%s: rule %d, want %d", c->name,
		      s.rule, c->rule);
	ck_assert_msg(s.adjust == c->adjust, "%s: adjust %d, want %d", c->name,
		      s.adjust, c->adjust);
	ck_assert_msg(s.priority == c->priority, "%s: priority %u, want %u",
		      c->name, s.priority, c->priority);
}
END_TEST

START_TEST(test_needs)
{
	ck_assert_int_eq(parse(rules_conf), 0);
	ck_assert_uint_eq(policy_needs(&pol),
			  PROC_NEED_COMM | PROC_NEED_UID | PROC_NEED_CMDLINE |
				  PROC_NEED_EXE | PROC_NEED_CGROUP |
				  PROC_NEED_LINEAGE);
	/* The lazy pass's first stage reads comm only for comm rules. */
	ck_assert_int_eq(parse("[oomqd]\nsession = off\n"
			       "[rule a]\nmatch_comm = x\n"),
			 0);
	ck_assert_uint_eq(policy_needs(&pol), PROC_NEED_COMM);
	ck_assert_int_eq(parse("[oomqd]\nsession = off\n"
			       "[rule a]\nmatch_ancestor_comm = ^make$\n"),
			 0);
	ck_assert_uint_eq(policy_needs(&pol), PROC_NEED_LINEAGE);
}
END_TEST

/* Any field not matched by names needs regexec(); match_user always. */
START_TEST(test_uses_regex)
{
	static const struct {
		const char *conf;
		bool regex;
	} cases[] = {
		{ "", false },
		{ "[rule a]\nmatch_comm = ^(a|b)$\n"
		  "[rule b]\nmatch_exe = ^/bin/x$\nmatch_cgroup = ^/y$\n",
		  false },
		{ "[rule a]\nmatch_comm = ^(a|b)$\n"
		  "[rule b]\nmatch_comm = ^x$\nmatch_cmdline = -j\n",
		  true },
		{ "[rule a]\nmatch_user = ^(root)$\n", true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(parse(cases[i].conf), 0);
		ck_assert_msg(policy_uses_regex(&pol) == cases[i].regex,
			      "case %zu", i);
	}
}
END_TEST

/*
 * A pattern that is only a list of names is matched by strcmp(), not
 * compiled: it must match exactly what glibc's regex would.
 */
START_TEST(test_name_lists)
{
	static const char *const pats[] = {
		"^(cc1|ld\\.lld|Web Content|go)$", /* names */
		"^sshd$", /* names */
		"^(c\\+\\+|x)$", /* names */
		"^(a|b",
		"^a|b$",
		"^(x)|(y)$",
		"^c.1$",
		"^(go|)$",
		"^(a|b)c$",
		"sshd",
		"^ssh*d$",
		"^(a|(b))$",
	};
	static const bool listed[] = { 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const char *const comms[] = {
		"cc1", "ld.lld", "ldxlld", "Web Content", "sshd", "a",
		"b",   "x",	 "y",	   "c01",	  "go",	  "c++",
		"ac",  "sshhd",	 "cc",	   "xsshd",
	};
	char conf[256];

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		regex_t re;
		int bad = regcomp(&re, pats[i], REG_EXTENDED | REG_NOSUB);

		snprintf(conf, sizeof(conf), "[rule r]\nmatch_comm = %s\n",
			 pats[i]);
		ck_assert_int_eq(parse(conf), bad ? -EINVAL : 0);
		if (bad)
			continue;
		ck_assert_msg(!pol.rules[0].names[POLICY_COMM] == !listed[i],
			      "%s: names %p", pats[i],
			      (void *)pol.rules[0].names[POLICY_COMM]);
		ck_assert_int_eq(policy_uses_regex(&pol), !listed[i]);
		for (size_t j = 0; j < sizeof(comms) / sizeof(comms[0]); j++) {
			struct sample s = { .pid = 2 };
			struct sample_text t = { .cmdline = "" };
			bool want = !regexec(&re, comms[j], 0, NULL, 0);

			snprintf(s.comm, sizeof(s.comm), "%s", comms[j]);
			policy_classify(&s, &t, &pol);
			ck_assert_msg((s.rule == 0) == want, "%s on '%s': %d",
				      pats[i], comms[j], s.rule);
		}
		regfree(&re);
	}
}
END_TEST

/*
 * The comm index gives the verdict strcmp() over each rule's names
 * gives: names shared by rules (the first rule wins), a name list ANDed
 * with a user, regex rules between, names too long to be a comm.
 */
static const char index_conf[] =
	"[rule a]\n"
	"match_comm = ^(cc1|make|shared)$\n"
	"match_user = ^root$\n"
	"priority = 300\n"
	"[rule b]\n"
	"match_comm = ^(shared|ld\\.lld|a-name-longer-than-15)$\n"
	"priority = 200\n"
	"[rule c]\n"
	"match_comm = ^mak.$\n"
	"action = avoid\n"
	"[rule d]\n"
	"match_comm = ^(cc1|a-name-longer-t)$\n"
	"action = protect\n";

START_TEST(test_comm_index)
{
	static const char *const comms[] = {
		"cc1",	  "make", "shared",	     "ld.lld",
		"ldxlld", "makx", "a-name-longer-t", "",
		"other",  "cc",	  "cc1plus",	     "a-name-longer-than-15",
	};
	static const uid_t uids[] = { 0, 1000 };

	ck_assert_int_eq(parse(index_conf), 0);
	ck_assert(pol.comm_indexed);
	for (size_t i = 0; i < ARRAY_SIZE(comms); i++) {
		for (size_t u = 0; u < ARRAY_SIZE(uids); u++) {
			struct sample x = { .pid = 2, .uid = uids[u] };
			struct sample y;
			struct sample_text t = { .cmdline = "" };

			snprintf(x.comm, sizeof(x.comm), "%s", comms[i]);
			y = x;
			policy_classify(&x, &t, &pol);
			pol.comm_indexed = false;
			policy_classify(&y, &t, &pol);
			pol.comm_indexed = true;
			ck_assert_msg(
				x.rule == y.rule && x.priority == y.priority &&
					x.adjust == y.adjust,
				"'%s' uid %u: index rule %d, strcmp %d", x.comm,
				(unsigned int)uids[u], x.rule, y.rule);
		}
	}
	/* A few by hand: the first matching rule decides. */
	{
		struct sample s = { .pid = 2, .uid = 1000, .comm = "cc1" };
		struct sample_text t = { .cmdline = "" };

		policy_classify(&s, &t, &pol);
		ck_assert_int_eq(s.rule, 3); /* not root: a fails, d protects */
		s.uid = 0;
		policy_classify(&s, &t, &pol);
		ck_assert_int_eq(s.rule, 0);
		snprintf(s.comm, sizeof(s.comm), "shared");
		s.uid = 1000;
		policy_classify(&s, &t, &pol);
		ck_assert_int_eq(s.rule, 1);
	}
}
END_TEST

/*
 * More names than the index holds (a line is at most 198 bytes: seven
 * rules of 30): strcmp() them, same verdicts.
 */
START_TEST(test_comm_index_full)
{
	static char conf[8192];
	struct sample s = { .pid = 2 };
	struct sample_text t = { .cmdline = "" };
	int len = 0;

	for (int r = 0; r < 7; r++) {
		len += snprintf(conf + len, sizeof(conf) - len,
				"[rule r%d]\nmatch_comm = ^(", r);
		for (int i = 0; i < 30; i++)
			len += snprintf(conf + len, sizeof(conf) - len, "%sn%d",
					i ? "|" : "", r * 30 + i);
		len += snprintf(conf + len, sizeof(conf) - len,
				")$\nadjust = %d\n", r + 1);
	}
	ck_assert_int_eq(parse(conf), 0);
	ck_assert(pol.rules[6].names[POLICY_COMM]);
	ck_assert(!pol.comm_indexed);
	snprintf(s.comm, sizeof(s.comm), "n209");
	policy_classify(&s, &t, &pol);
	ck_assert_int_eq(s.rule, 6);
	ck_assert_int_eq(s.adjust, 7);
	snprintf(s.comm, sizeof(s.comm), "n210");
	policy_classify(&s, &t, &pol);
	ck_assert_int_eq(s.rule, SAMPLE_NO_RULE);
}
END_TEST

Suite *agent_policy_suite(void)
{
	Suite *s = suite_create("agent_policy");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_pause_default_above_kill);
	tcase_add_test(tc, test_empty_is_defaults);
	tcase_add_test(tc, test_regex_guard_accepts);
	tcase_add_loop_test(tc, test_errors, 0, ARRAY_SIZE(error_cases));
	tcase_add_test(tc, test_every_error_line);
	tcase_add_test(tc, test_shipped_config);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_load_not_regular);
	suite_add_tcase(s, tc);

	tc = tcase_create("classify");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_classify, 0, ARRAY_SIZE(classify_cases));
	tcase_add_test(tc, test_needs);
	tcase_add_test(tc, test_name_lists);
	tcase_add_test(tc, test_comm_index);
	tcase_add_test(tc, test_comm_index_full);
	tcase_add_test(tc, test_uses_regex);
	suite_add_tcase(s, tc);
	return s;
}
