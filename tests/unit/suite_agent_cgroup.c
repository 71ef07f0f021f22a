// SPDX-License-Identifier: GPL-2.0
/*
 * agent/cgroup_mem.c: the limit and memory.stat parsers on buffers, the
 * cgroup files and their ancestors on trees built in a temporary
 * directory (a FIFO cannot be committed), the sample it turns into,
 * mountinfo to a cgroup path, and the subtree test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suite_agent.h"
#include "suites.h"
#include "../../agent/agent.h"
#include "../../agent/cgroup_mem.h"

#define MIB (1024ull * 1024)

struct limit_case {
	const char *text;
	int err;
	uint64_t bytes;
};

static const struct limit_case limit_cases[] = {
	{ "max\n", 0, CGROUP_MEM_NO_LIMIT },
	{ "max", 0, CGROUP_MEM_NO_LIMIT },
	{ "67108864\n", 0, 64 * MIB },
	{ "0\n", 0, 0 },
	{ "9223372036854771712\n", 0,
	  9223372036854771712ull }, /* PAGE_COUNTER_MAX */
	{ "18446744073709551616\n", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "\n", -EINVAL, 0 },
	{ "-1\n", -EINVAL, 0 },
	{ " 1\n", -EINVAL, 0 },
	{ "1 \n", -EINVAL, 0 },
	{ "12a\n", -EINVAL, 0 },
	{ "maxx\n", -EINVAL, 0 },
	{ "max\n\n", -EINVAL, 0 },
};

START_TEST(test_parse_limit)
{
	const struct limit_case *c = &limit_cases[_i];
	uint64_t v = 42;
	int err = cgroup_mem_parse_limit(c->text, strlen(c->text), &v);

	ck_assert_msg(err == c->err, "case %d '%s': got %d", _i, c->text, err);
	if (!err)
		ck_assert_uint_eq(v, c->bytes);
}
END_TEST

#define STAT_OK                                                     \
	"anon 1000\nfile 9000\ninactive_anon 0\nactive_anon 1000\n" \
	"inactive_file 4096\nactive_file 2048\nunevictable 0\n"     \
	"slab_reclaimable 1024\nslab_unreclaimable 7\n"

struct stat_case {
	const char *text;
	bool cut;
	int err;
};

static const struct stat_case stat_cases[] = {
	{ STAT_OK, false, 0 },
	/* no final newline */
	{ "inactive_file 1\nactive_file 2\nslab_reclaimable 3", false, 0 },
	/* the same, as the start of a longer file: the last line is cut */
	{ "inactive_file 1\nactive_file 2\nslab_reclaimable 3", true,
	  -ENODATA },
	{ "inactive_file 1\nactive_file 2\n", false, -ENODATA },
	{ "", false, -ENODATA },
	{ "inactive_file 1\nactive_file 2\nslab_reclaimable x\n", false,
	  -EINVAL },
	{ "inactive_file 1\nactive_file 2\nslab_reclaimable\n", false,
	  -ENODATA },
	{ "inactive_file 1\nactive_file 2\nslab_reclaimable \n", false,
	  -EINVAL },
	{ "inactive_file 1\ninactive_file 1\nactive_file 2\n"
	  "slab_reclaimable 3\n",
	  false, -EINVAL },
	/* a longer key that starts with a needed one is another key */
	{ "inactive_file_x 1\nactive_file 2\nslab_reclaimable 3\n", false,
	  -ENODATA },
};

START_TEST(test_parse_stat)
{
	const struct stat_case *c = &stat_cases[_i];
	struct cgroup_mem_stat st;
	int err = cgroup_mem_parse_stat(c->text, strlen(c->text), c->cut, &st);

	ck_assert_msg(err == c->err, "case %d: got %d, want %d", _i, err,
		      c->err);
}
END_TEST

START_TEST(test_reclaimable)
{
	struct cgroup_mem_stat st;

	ck_assert_int_eq(
		cgroup_mem_parse_stat(STAT_OK, strlen(STAT_OK), false, &st), 0);
	ck_assert_uint_eq(st.inactive_file, 4096);
	ck_assert_uint_eq(st.active_file, 2048);
	ck_assert_uint_eq(st.slab_reclaimable, 1024);
	/* inactive whole, active and slab half */
	ck_assert_uint_eq(cgroup_mem_reclaimable(&st), 4096 + 1024 + 512);
}
END_TEST

/* A temporary tree: root/ (no limits), root/a, root/a/b, root/a/b/c. */
static char tree[64];

static void put(const char *rel, const char *text)
{
	agent_put_file(tree, rel, text);
}

static void level(const char *dir, const char *max, const char *high,
		  const char *current)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "%s/memory.max", dir);
	put(rel, max);
	snprintf(rel, sizeof(rel), "%s/memory.high", dir);
	put(rel, high);
	snprintf(rel, sizeof(rel), "%s/memory.current", dir);
	put(rel, current);
}

static const char *at(const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", tree, rel);
	return buf;
}

static void tree_setup(void)
{
	char p[256];

	strcpy(tree, "/tmp/oomq-cgroup-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	ck_assert_int_eq(mkdir(at("a", p, sizeof(p)), 0700), 0);
	ck_assert_int_eq(mkdir(at("a/b", p, sizeof(p)), 0700), 0);
	ck_assert_int_eq(mkdir(at("a/b/c", p, sizeof(p)), 0700), 0);
	/* The root cgroup has memory.stat but no limits. */
	put("memory.stat", STAT_OK);
	level("a", "max\n", "max\n", "300000000\n");
	level("a/b", "max\n", "max\n", "200000000\n");
	level("a/b/c", "max\n", "max\n", "10485760\n");
	put("a/b/c/memory.stat", STAT_OK);
}

static void tree_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	ck_assert_int_eq(system(cmd), 0);
}

static int read_c(struct cgroup_mem_sample *cs)
{
	struct cgroup_mem cm;
	char p[256];
	int ret = cgroup_mem_open(&cm, at("a/b/c", p, sizeof(p)));

	if (ret)
		return ret;
	ck_assert_uint_eq(cm.depth, 3);
	ret = cgroup_mem_read(&cm, cs);
	cgroup_mem_close(&cm);
	return ret;
}

START_TEST(test_tree_unlimited)
{
	struct cgroup_mem_sample cs;

	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.limit_kb, CGROUP_MEM_NO_LIMIT);
	ck_assert_uint_eq(cs.headroom_kb, CGROUP_MEM_NO_LIMIT);
	ck_assert_uint_eq(cs.swap_limit_kb, CGROUP_MEM_NO_LIMIT);
	ck_assert_uint_eq(cs.current_kb, 10240);
	ck_assert_uint_eq(cs.reclaimable_kb, (4096 + 1024 + 512) / 1024);
}
END_TEST

START_TEST(test_tree_own_limit)
{
	struct cgroup_mem_sample cs;

	level("a/b/c", "67108864\n", "max\n", "10485760\n");
	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.limit_kb, 64 * 1024);
	ck_assert_uint_eq(cs.limit_level, 0);
	ck_assert_uint_eq(cs.headroom_kb, 54 * 1024);
	/* memory.high below memory.max is the limit */
	level("a/b/c", "67108864\n", "33554432\n", "10485760\n");
	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.limit_kb, 32 * 1024);
	ck_assert_uint_eq(cs.headroom_kb, 22 * 1024);
	/* above it, usage leaves no headroom, never a negative one */
	level("a/b/c", "67108864\n", "33554432\n", "40000000\n");
	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.headroom_kb, 0);
}
END_TEST

START_TEST(test_tree_nested_limit)
{
	struct cgroup_mem_sample cs;

	/* The grandparent's high is tighter than the cgroup's own max. */
	level("a/b/c", "268435456\n", "max\n", "10485760\n");
	level("a", "max\n", "134217728\n", "125829120\n");
	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.limit_kb, 128 * 1024);
	ck_assert_uint_eq(cs.limit_level, 2);
	/* Its usage (120 MiB, siblings too) leaves 8 MiB, not 118. */
	ck_assert_uint_eq(cs.headroom_kb, 8 * 1024);
	ck_assert_uint_eq(cs.current_kb, 10 * 1024);
}
END_TEST

START_TEST(test_tree_swap)
{
	struct cgroup_mem_sample cs;

	put("a/b/c/memory.swap.max", "max\n");
	put("a/b/c/memory.swap.current", "1048576\n");
	put("a/b/memory.swap.max", "8388608\n");
	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.swap_limit_kb, 8 * 1024);
	ck_assert_uint_eq(cs.swap_current_kb, 1024);
}
END_TEST

/* Files a cgroup must have; an ancestor without them ends the walk. */
START_TEST(test_tree_missing)
{
	static const char *const need[] = { "a/b/c/memory.max",
					    "a/b/c/memory.high",
					    "a/b/c/memory.current",
					    "a/b/c/memory.stat" };
	struct cgroup_mem_sample cs;
	char p[256];

	ck_assert_int_eq(unlink(at(need[_i], p, sizeof(p))), 0);
	ck_assert_int_eq(read_c(&cs), -ENOENT);
}
END_TEST

START_TEST(test_tree_ancestor_ends)
{
	struct cgroup_mem_sample cs;
	struct cgroup_mem cm;
	char p[256];

	/* b without limit files: the walk stops there, a is not read. */
	ck_assert_int_eq(unlink(at("a/b/memory.max", p, sizeof(p))), 0);
	level("a", "1048576\n", "max\n", "0\n");
	ck_assert_int_eq(cgroup_mem_open(&cm, at("a/b/c", p, sizeof(p))), 0);
	ck_assert_uint_eq(cm.depth, 1);
	ck_assert_int_eq(cgroup_mem_read(&cm, &cs), 0);
	ck_assert_uint_eq(cs.limit_kb, CGROUP_MEM_NO_LIMIT);
	cgroup_mem_close(&cm);
	/* and a directory that is not there, or a file for one */
	ck_assert_int_eq(cgroup_mem_open(&cm, at("nope", p, sizeof(p))),
			 -ENOENT);
	ck_assert_int_eq(cgroup_mem_open(&cm, at("memory.stat", p, sizeof(p))),
			 -ENOTDIR);
}
END_TEST

/* A FIFO must not block the daemon; a directory or a link is no value. */
START_TEST(test_tree_not_regular)
{
	struct cgroup_mem_sample cs;
	char p[256], q[256];

	at("a/b/c/memory.max", p, sizeof(p));
	ck_assert_int_eq(unlink(p), 0);
	if (_i == 0)
		ck_assert_int_eq(mkfifo(p, 0600), 0);
	else if (_i == 1)
		ck_assert_int_eq(mkdir(p, 0700), 0);
	else
		ck_assert_int_eq(symlink(at("a/memory.max", q, sizeof(q)), p),
				 0);
	ck_assert_int_eq(read_c(&cs), -EINVAL);
	/* The same one level up: refused, not taken for the top. */
	if (_i == 1)
		return;
	ck_assert_int_eq(unlink(p), 0);
	put("a/b/c/memory.max", "max\n");
	at("a/b/memory.high", p, sizeof(p));
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(read_c(&cs), -EINVAL);
}
END_TEST

START_TEST(test_tree_big_files)
{
	static char text[3 * CGROUP_MEM_BUF];
	struct cgroup_mem_sample cs;
	size_t n = 0;

	/* memory.stat past the buffer, the keys in its first lines: read */
	n += (size_t)snprintf(text, sizeof(text), "%s", STAT_OK);
	while (n < sizeof(text) - 32)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "some_future_key %zu\n", n);
	put("a/b/c/memory.stat", text);
	ck_assert_int_eq(read_c(&cs), 0);
	ck_assert_uint_eq(cs.reclaimable_kb, (4096 + 1024 + 512) / 1024);
	/* the keys past it: not found, never a number cut in two */
	memmove(text, text + strlen(STAT_OK), n - strlen(STAT_OK));
	memcpy(text + n - strlen(STAT_OK), STAT_OK, strlen(STAT_OK));
	put("a/b/c/memory.stat", text);
	ck_assert_int_eq(read_c(&cs), -ENODATA);
	put("a/b/c/memory.stat", STAT_OK);
	/* a value file that fills the buffer is refused */
	memset(text, '1', CGROUP_MEM_BUF + 10);
	text[CGROUP_MEM_BUF + 10] = '\0';
	put("a/b/c/memory.max", text);
	ck_assert_int_eq(read_c(&cs), -EFBIG);
	put("a/b/c/memory.max", "1x\n");
	ck_assert_int_eq(read_c(&cs), -EINVAL);
}
END_TEST

START_TEST(test_not_cgroup2)
{
	ck_assert(!cgroup_mem_is_cgroup2(tree));
	ck_assert(!cgroup_mem_is_cgroup2("/nonexistent"));
}
END_TEST

START_TEST(test_auto)
{
	char p[256];

	/* The real root has no memory.max: not a container. */
	ck_assert(!cgroup_mem_auto(tree));
	ck_assert(cgroup_mem_auto(at("a", p, sizeof(p))));
	ck_assert(!cgroup_mem_auto("/nonexistent"));
}
END_TEST

static struct pressure_sample machine(void)
{
	return (struct pressure_sample){ .mem_total_kb = 4096 * 1024,
					 .mem_avail_kb = 2048 * 1024,
					 .swap_total_kb = 1024 * 1024,
					 .swap_free_kb = 512 * 1024 };
}

/* The machine's sample as @cs turns it. */
static struct pressure_sample applied(const struct cgroup_mem_sample *cs)
{
	struct pressure_sample s = machine();

	cgroup_mem_apply(cs, &s);
	return s;
}

START_TEST(test_apply)
{
	struct cgroup_mem_sample cs = {
		.limit_kb = 64 * 1024,
		.headroom_kb = 10 * 1024,
		.current_kb = 54 * 1024,
		.reclaimable_kb = 6 * 1024,
		.swap_limit_kb = CGROUP_MEM_NO_LIMIT,
	};
	struct pressure_sample s = applied(&cs);

	ck_assert_uint_eq(s.mem_total_kb, 64 * 1024);
	ck_assert_uint_eq(s.mem_avail_kb, 16 * 1024);
	ck_assert_uint_eq(s.swap_total_kb, 1024 * 1024);
	ck_assert_uint_eq(s.swap_free_kb, 512 * 1024);

	/* the machine has less than the limit allows: the machine's */
	s = machine();
	s.mem_avail_kb = 5 * 1024;
	cgroup_mem_apply(&cs, &s);
	ck_assert_uint_eq(s.mem_avail_kb, 5 * 1024);

	/* reclaimable above usage (a stale stat) counts as usage at most */
	cs.reclaimable_kb = 100 * 1024;
	ck_assert_uint_eq(applied(&cs).mem_avail_kb, 64 * 1024);

	/* a limit above RAM: MemTotal stays */
	cs.limit_kb = 8192 * 1024;
	cs.headroom_kb = 8000 * 1024;
	s = applied(&cs);
	ck_assert_uint_eq(s.mem_total_kb, 4096 * 1024);
	ck_assert_uint_eq(s.mem_avail_kb, 2048 * 1024);

	/* no limit anywhere: the machine's sample unchanged */
	cs.limit_kb = cs.headroom_kb = CGROUP_MEM_NO_LIMIT;
	s = applied(&cs);
	ck_assert_uint_eq(s.mem_total_kb, 4096 * 1024);
	ck_assert_uint_eq(s.mem_avail_kb, 2048 * 1024);

	/* swap: the cgroup's own, used up past its limit is none */
	cs.swap_limit_kb = 256 * 1024;
	cs.swap_current_kb = 200 * 1024;
	s = applied(&cs);
	ck_assert_uint_eq(s.swap_total_kb, 256 * 1024);
	ck_assert_uint_eq(s.swap_free_kb, 56 * 1024);
	cs.swap_current_kb = 300 * 1024;
	cgroup_mem_apply(&cs, &s);
	ck_assert_uint_eq(s.swap_free_kb, 0);
}
END_TEST

#define MI_HOST                                                             \
	"22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"                     \
	"30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 " \
	"rw,nsdelegate\n"
#define MI_V1                                                               \
	"31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"                 \
	"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n" \
	"41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"

struct path_case {
	const char *mountinfo;
	const char *dir;
	int err;
	const char *path;
};

static const struct path_case path_cases[] = {
	{ MI_HOST, "/sys/fs/cgroup/oomq-test", 0, "/oomq-test" },
	{ MI_HOST, "/sys/fs/cgroup", 0, "/" },
	{ MI_HOST, "/sys/fs/cgroup/a/b", 0, "/a/b" },
	/* a prefix that is not a whole component is not under it */
	{ MI_HOST, "/sys/fs/cgroupx/a", -ENOENT, NULL },
	{ MI_HOST, "/srv", -ENOENT, NULL },
	/* hybrid: only the cgroup2 mount counts */
	{ MI_V1, "/sys/fs/cgroup/unified/x", 0, "/x" },
	{ MI_V1, "/sys/fs/cgroup/memory/x", -ENOENT, NULL },
	/* a container's own cgroup mounted, seen from a bind mount */
	{ "40 30 0:26 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
	  "/sys/fs/cgroup/app", 0, "/lxc/c1/app" },
	/* a mount of a cgroup outside our namespace */
	{ "40 30 0:26 /../other /mnt/cg rw - cgroup2 cgroup2 rw\n", "/mnt/cg/x",
	  -EXDEV, NULL },
	/* the longest mount point wins, and \040 is a space */
	{ MI_HOST "50 30 0:26 /deep /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n"
		  "51 30 0:26 /deeper /mnt/my\\040cg/sub rw - cgroup2 "
		  "cgroup2 rw\n",
	  "/mnt/my cg/sub/x", 0, "/deeper/x" },
	{ "garbage\n\n - cgroup2 \n", "/sys/fs/cgroup", -ENOENT, NULL },
	/* a root or mount point that is no path (fuzz_proc found it) */
	{ "40 30 0:26 0b /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
	  "/sys/fs/cgroup/c", -ENOENT, NULL },
	{ "40 30 0:26 / sys rw - cgroup2 cgroup2 rw\n", "sys/c", -ENOENT,
	  NULL },
	{ "", "/sys/fs/cgroup", -ENOENT, NULL },
};

START_TEST(test_path)
{
	const struct path_case *c = &path_cases[_i];
	char out[256] = "";
	int err = cgroup_mem_path(c->mountinfo, strlen(c->mountinfo), c->dir,
				  out, sizeof(out));

	ck_assert_msg(err == c->err, "case %d: got %d, want %d", _i, err,
		      c->err);
	if (!err)
		ck_assert_str_eq(out, c->path);
}
END_TEST

START_TEST(test_path_too_long)
{
	char out[8];

	ck_assert_int_eq(cgroup_mem_path(MI_HOST, strlen(MI_HOST),
					 "/sys/fs/cgroup/a-long-name", out,
					 sizeof(out)),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(test_within)
{
	ck_assert(cgroup_path_within("/oomq-test", "/oomq-test"));
	ck_assert(cgroup_path_within("/oomq-test/job", "/oomq-test"));
	ck_assert(!cgroup_path_within("/oomq-testx", "/oomq-test"));
	ck_assert(!cgroup_path_within("/", "/oomq-test"));
	ck_assert(!cgroup_path_within("/other", "/oomq-test"));
	ck_assert(!cgroup_path_within("", "/oomq-test"));
	ck_assert(cgroup_path_within("/", "/"));
	ck_assert(cgroup_path_within("/a/b", "/"));
	ck_assert(cgroup_path_within("/..x", "/"));
	/* outside the cgroup namespace */
	ck_assert(!cgroup_path_within("/../../system.slice", "/"));
	ck_assert(!cgroup_path_within("/..", "/"));
	ck_assert(!cgroup_path_within("", "/"));
}
END_TEST

/*
 * The queue of a pass with a scope holds only processes of that
 * subtree, from the lazy pass (modern), the whole table (classic) and
 * --list (which shows those outside, excluded, with the reason).
 */
static void scoped_pass(enum badness_port port, int full, const char *scope,
			const pid_t *want, size_t nwant)
{
	static struct agent ag;
	bool seen[4] = { false };

	memset(&ag, 0, sizeof(ag));
	policy_defaults(&ag.policy);
	ag.policy.port = port;
	ag.policy.session = POLICY_NONE; /* the scope alone decides */
	ck_assert_int_eq(agent_init(&ag, agent_fixture_root(), 64), 0);
	ag.sampler.self = 0;
	ag.full = full;
	strcpy(ag.scope, scope);
	ck_assert_int_eq(agent_rank(&ag), 0);
	ck_assert_uint_eq(ag.nranked, nwant);
	for (size_t i = 0; i < ag.nranked; i++) {
		pid_t pid = ag.tab[ag.order[i]].pid;
		size_t j = 0;

		while (j < nwant && want[j] != pid)
			j++;
		ck_assert_msg(j < nwant, "pid %d queued, outside %s", (int)pid,
			      scope);
		seen[j] = true;
	}
	for (size_t j = 0; j < nwant; j++)
		ck_assert_msg(seen[j], "pid %d not queued", (int)want[j]);
	if (full && !strncmp(scope, "/user", 5))
		for (size_t i = 0; i < ag.n; i++)
			if (ag.tab[i].pid == 800)
				ck_assert_str_eq(rank_excluded(&ag.tab[i]),
						 "outside the watched cgroup");
	agent_fini(&ag);
	policy_free(&ag.policy);
}

START_TEST(test_scope)
{
	static const pid_t user[] = { 200, 300, 400 };
	static const pid_t batch[] = { 800 };
	static const struct {
		enum badness_port port;
		int full;
	} how[] = {
		{ BADNESS_MODERN, 0 },
		{ BADNESS_CLASSIC, 0 },
		{ BADNESS_MODERN, 1 },
	};

	scoped_pass(how[_i].port, how[_i].full, "/user.slice/user-1000.slice",
		    user, 3);
	scoped_pass(how[_i].port, how[_i].full, "/system.slice/batch.service",
		    batch, 1);
	/* a name that only starts like the cgroup's is another cgroup */
	scoped_pass(how[_i].port, how[_i].full, "/system.slice/batch", batch,
		    0);
}
END_TEST

/*
 * What main.c resolves at start: none, a directory that is not cgroup2,
 * one that is not there, and (where this machine has one) a cgroup2
 * root, which has no limit files.
 */
START_TEST(test_resolve)
{
	static const char *const roots[] = { "/sys/fs/cgroup",
					     "/sys/fs/cgroup/unified" };
	char dir[256] = "x", scope[256] = "x", path[300];
	const char *why;

	ck_assert_int_eq(cgroup_mem_resolve("", dir, sizeof(dir), scope,
					    sizeof(scope), &why),
			 0);
	ck_assert_str_eq(dir, "");
	ck_assert_str_eq(scope, "");
	ck_assert_int_eq(cgroup_mem_resolve(tree, dir, sizeof(dir), scope,
					    sizeof(scope), &why),
			 -EINVAL);
	ck_assert_str_eq(why, "not a directory of a cgroup v2 file system");
	ck_assert_str_eq(dir, "");
	ck_assert_int_eq(cgroup_mem_resolve("/nonexistent/cg", dir, sizeof(dir),
					    scope, sizeof(scope), &why),
			 -ENOENT);
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++) {
		snprintf(path, sizeof(path), "%s/memory.max", roots[i]);
		if (!cgroup_mem_is_cgroup2(roots[i]) || !access(path, F_OK))
			continue;
		ck_assert_int_eq(cgroup_mem_resolve(roots[i], dir, sizeof(dir),
						    scope, sizeof(scope), &why),
				 -ENOENT);
		ck_assert_ptr_nonnull(strstr(why, "memory controller"));
	}
}
END_TEST

struct key_case {
	const char *conf;
	int err;
	const char *cgroup;
};

static const struct key_case key_cases[] = {
	{ "", 0, POLICY_CGROUP_AUTO },
	{ "[oomqd]\ncgroup = auto\n", 0, POLICY_CGROUP_AUTO },
	{ "[oomqd]\ncgroup = none\n", 0, "" },
	{ "[oomqd]\ncgroup = /sys/fs/cgroup/build.slice\n", 0,
	  "/sys/fs/cgroup/build.slice" },
	{ "[oomqd]\ncgroup = sys/fs/cgroup\n", -EINVAL, NULL },
	{ "[oomqd]\ncgroup = /sys/fs/cgroup/../etc\n", -EINVAL, NULL },
	{ "[oomqd]\ncgroup =\n", -EINVAL, NULL },
	{ "[oomqd]\ncgroup = none\ncgroup = auto\n", -EINVAL, NULL },
	/* room for "/memory.swap.current" after it */
	{ "[oomqd]\ncgroup = /sys/fs/cgroup/"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  -EINVAL, NULL },
};

START_TEST(test_key)
{
	const struct key_case *c = &key_cases[_i];
	static struct policy p;
	int err;

	policy_defaults(&p);
	err = policy_parse_buf(&p, c->conf, strlen(c->conf));
	ck_assert_msg(err == c->err, "case %d: got %d", _i, err);
	if (!err)
		ck_assert_str_eq(p.cgroup, c->cgroup);
	policy_free(&p);
}
END_TEST

Suite *agent_cgroup_suite(void)
{
	Suite *s = suite_create("agent_cgroup");
	TCase *tc = tcase_create("parse");
	TCase *tt = tcase_create("tree");

	tcase_add_loop_test(tc, test_parse_limit, 0,
			    sizeof(limit_cases) / sizeof(*limit_cases));
	tcase_add_loop_test(tc, test_parse_stat, 0,
			    sizeof(stat_cases) / sizeof(*stat_cases));
	tcase_add_test(tc, test_reclaimable);
	tcase_add_test(tc, test_apply);
	tcase_add_loop_test(tc, test_path, 0,
			    sizeof(path_cases) / sizeof(*path_cases));
	tcase_add_test(tc, test_path_too_long);
	tcase_add_test(tc, test_within);
	tcase_add_loop_test(tc, test_scope, 0, 3);
	tcase_add_loop_test(tc, test_key, 0,
			    sizeof(key_cases) / sizeof(*key_cases));
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tt, tree_setup, tree_teardown);
	tcase_add_test(tt, test_tree_unlimited);
	tcase_add_test(tt, test_tree_own_limit);
	tcase_add_test(tt, test_tree_nested_limit);
	tcase_add_test(tt, test_tree_swap);
	tcase_add_loop_test(tt, test_tree_missing, 0, 4);
	tcase_add_test(tt, test_tree_ancestor_ends);
	tcase_add_loop_test(tt, test_tree_not_regular, 0, 3);
	tcase_add_test(tt, test_tree_big_files);
	tcase_add_test(tt, test_not_cgroup2);
	tcase_add_test(tt, test_auto);
	tcase_add_test(tt, test_resolve);
	suite_add_tcase(s, tt);
	return s;
}
