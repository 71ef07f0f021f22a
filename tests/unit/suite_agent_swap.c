// SPDX-License-Identifier: GPL-2.0
/*
 * Swap and zram as pressure.c counts them: the parsers of /proc/swaps,
 * /proc/vmstat and zram's mm_stat (agent/proc_parse.c), zram counted as
 * RAM and thrashing with free swap (agent/pressure.c), and the reader
 * (agent/swap_mem.c) on tests/fixtures/swap and on files the test
 * rewrites between reads.
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
#include "../../agent/kill_ctl.h"
#include "../../agent/pressure.h"
#include "../../agent/proc_parse.h"
#include "../../agent/swap_mem.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FIXTURE "tests/fixtures/swap"

#define SWAPS_HEAD "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
#define SWAPS_DISK \
	"/dev/vdb                                partition\t131068\t\t20480\t\t-2\n"
#define SWAPS_ZRAM \
	"/dev/zram0                              partition\t131068\t\t65536\t\t100\n"

struct swaps_case {
	const char *name;
	const char *in;
	size_t len;
	int ret;
	uint64_t total, used, ztotal, zused;
	unsigned int nzram;
};

static const struct swaps_case swaps_cases[] = {
	{ "disk and zram", LIT(SWAPS_HEAD SWAPS_DISK SWAPS_ZRAM), 0, 262136,
	  86016, 131068, 65536, 1 },
	{ "none", LIT(SWAPS_HEAD), 0, 0, 0, 0, 0, 0 },
	{ "file, deleted, last line unterminated",
	  LIT(SWAPS_HEAD "/swap\\040file\\040(deleted) file\t4096\t0\t-3"), 0,
	  4096, 0, 0, 0, 0 },
	/* Not zram: a name that only starts like one. */
	{ "zram lookalikes",
	  LIT(SWAPS_HEAD "/dev/zram0p1 partition 100 1 5\n"
			 "/dev/zram partition 100 1 5\n"
			 "/dev/zramx partition 100 1 5\n"),
	  0, 300, 3, 0, 0, 0 },
	{ "no header", LIT(SWAPS_ZRAM), -EINVAL },
	{ "empty", LIT(""), -EINVAL },
	{ "used > size", LIT(SWAPS_HEAD "/dev/vdb partition 10 11 -2\n"),
	  -ERANGE },
	{ "no priority", LIT(SWAPS_HEAD "/dev/vdb partition 10 1\n"), -EINVAL },
	{ "junk after", LIT(SWAPS_HEAD "/dev/vdb partition 10 1 -2 x\n"),
	  -EINVAL },
	{ "overflow",
	  LIT(SWAPS_HEAD "/dev/vdb partition 18446744073709551615 0 1\n"
			 "/dev/vdc partition 1 0 1\n"),
	  -ERANGE },
};

START_TEST(test_swaps)
{
	const struct swaps_case *c = &swaps_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_swaps sw;
	int ret = proc_parse_swaps_buf(buf, c->len, &sw);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_uint_eq(sw.total_kb, c->total);
	ck_assert_uint_eq(sw.used_kb, c->used);
	ck_assert_uint_eq(sw.zram_total_kb, c->ztotal);
	ck_assert_uint_eq(sw.zram_used_kb, c->zused);
	ck_assert_uint_eq(sw.nzram, c->nzram);
}
END_TEST

START_TEST(test_swaps_many_zram)
{
	char text[1024] = SWAPS_HEAD;
	struct proc_swaps sw;

	for (int i = 0; i < PROC_SWAPS_ZRAM_MAX + 2; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "/dev/zram%d partition 10 1 100\n", i + 10);
	ck_assert_int_eq(proc_parse_swaps_buf(text, strlen(text), &sw), 0);
	ck_assert_uint_eq(sw.nzram, PROC_SWAPS_ZRAM_MAX);
	ck_assert(sw.zram_cut);
	ck_assert_uint_eq(sw.zram[0], 10);
	/* The sizes count every device, followed or not. */
	ck_assert_uint_eq(sw.zram_total_kb, 10 * (PROC_SWAPS_ZRAM_MAX + 2));
}
END_TEST

struct vmstat_case {
	const char *name;
	const char *in;
	size_t len;
	int ret;
	bool has_pswpin, has_refault;
	uint64_t pswpin, refault;
};

static const struct vmstat_case vmstat_cases[] = {
	{ "6.x",
	  LIT("nr_free_pages 3159775\nworkingset_refault_anon 7\n"
	      "workingset_refault_file 13214443\npswpin 611062\n"
	      "pswpout 715924\n"),
	  0, true, true, 611062, 13214443 },
	{ "5.8 and before: one workingset_refault",
	  LIT("workingset_refault 42\npswpin 1\n"), 0, true, true, 1, 42 },
	{ "both: the _file one counts",
	  LIT("workingset_refault 42\nworkingset_refault_file 9\n"), 0, false,
	  true, 0, 9 },
	{ "none of them", LIT("nr_free_pages 1\n"), 0, false, false },
	{ "a cut last line is ignored", LIT("pswpin 5\nworkingset_ref"), 0,
	  true, false, 5 },
	{ "cut inside the number", LIT("pswpin 5\nworkingset_refault_file 12"),
	  0, true, false, 5 },
	{ "bad number", LIT("pswpin x\n"), -EINVAL },
	{ "overflow", LIT("pswpin 99999999999999999999\n"), -ERANGE },
	{ "empty", LIT(""), 0, false, false },
};

START_TEST(test_vmstat)
{
	const struct vmstat_case *c = &vmstat_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct proc_vmstat vs;
	int ret = proc_parse_vmstat_buf(buf, c->len, &vs);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_msg(vs.has_pswpin == c->has_pswpin, "%s", c->name);
	ck_assert_msg(vs.has_refault == c->has_refault, "%s", c->name);
	ck_assert_uint_eq(vs.pswpin, c->pswpin);
	ck_assert_uint_eq(vs.refault_file, c->refault);
}
END_TEST

struct mm_case {
	const char *name;
	const char *in;
	size_t len;
	int ret;
	uint64_t orig, used;
};

static const struct mm_case mm_cases[] = {
	{ "6.12: nine, in columns",
	  LIT("67108864 15728640 16777216        0 16777216     1024        0"
	      "        0        0\n"),
	  0, 67108864, 16777216 },
	{ "4.x: seven, leading blanks",
	  LIT("    4096       74    12288        0    12288        0        0\n"),
	  0, 4096, 12288 },
	{ "four, no newline", LIT("1 2 3 4"), 0, 1, 3 },
	{ "three", LIT("1 2 3\n"), -EINVAL },
	{ "junk", LIT("1 2 3 4 x\n"), -EINVAL },
	{ "a second line", LIT("1 2 3 4\n5\n"), -EINVAL },
	{ "empty", LIT(""), -EINVAL },
};

START_TEST(test_mm_stat)
{
	const struct mm_case *c = &mm_cases[_i];
	char *buf = agent_exact_copy(c->in, c->len);
	struct zram_mm_stat mm;
	int ret = proc_parse_zram_mm_stat_buf(buf, c->len, &mm);

	free(buf);
	ck_assert_msg(ret == c->ret, "%s: returned %d, want %d", c->name, ret,
		      c->ret);
	if (ret)
		return;
	ck_assert_uint_eq(mm.orig_data_size, c->orig);
	ck_assert_uint_eq(mm.mem_used_total, c->used);
}
END_TEST

#define TOTAL_KB 1000000ull /* 1 % of RAM is 10000 KiB */
#define PCT(x) ((uint64_t)((x)*TOTAL_KB / 100))

/*
 * zram only, @zfree % of RAM of its swap free, holding @orig KiB in @ram
 * KiB, MemAvailable @avail %.
 */
static struct pressure_sample zram_sample(double avail, double zsize,
					  double zfree, uint64_t orig,
					  uint64_t ram)
{
	return (struct pressure_sample){
		.mem_total_kb = TOTAL_KB,
		.mem_avail_kb = PCT(avail),
		.swap_total_kb = PCT(zsize),
		.swap_free_kb = PCT(zfree),
		.zram_swap_total_kb = PCT(zsize),
		.zram_swap_free_kb = PCT(zfree),
		.zram_orig_kb = orig,
		.zram_ram_kb = ram,
	};
}

/*
 * zram that "never runs out": data that does not compress, four fifths
 * of its swap free, MemAvailable at 5 %.  /proc/meminfo alone says swap
 * is 80 % free (earlyoom's rule: no kill); each page swapped there
 * costs as much RAM as it frees, so memory is what is left: kill.
 */
START_TEST(test_zram_incompressible)
{
	struct pressure_config cfg;
	struct pressure_sample s = zram_sample(5, 50, 40, 100000, 100000), e;

	pressure_config_default(&cfg);
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.swap_total_kb, 0);
	ck_assert_uint_eq(e.swap_free_kb, 0);
	ck_assert_uint_eq(e.mem_avail_kb, s.mem_avail_kb);
	ck_assert(kill_ctl_due_now(&cfg, &s));
	/* More RAM used by zram than it holds (overhead): still none. */
	s.zram_ram_kb = 120000;
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, s.mem_avail_kb);
	ck_assert(kill_ctl_due_now(&cfg, &s));
}
END_TEST

/* 4:1 data: the free zram swap is worth three quarters of it in RAM. */
START_TEST(test_zram_compressible)
{
	struct pressure_config cfg;
	struct pressure_sample s = zram_sample(5, 50, 40, 100000, 25000), e;

	pressure_config_default(&cfg);
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, PCT(5) + PCT(40) * 3 / 4);
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	/* Too little in it to tell: it wins nothing yet. */
	s = zram_sample(5, 50, 50, 1000, 10);
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, PCT(5));
	ck_assert(kill_ctl_due_now(&cfg, &s));
	/* Never more than MemTotal. */
	s = zram_sample(90, 400, 400, 100000, 1);
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, TOTAL_KB);
}
END_TEST

/*
 * A mem_limit 10 MiB above what zram takes: 40 MiB more of 4:1 data
 * fit, worth 30 MiB of RAM, whatever SwapFree says; at the limit, none.
 */
START_TEST(test_zram_mem_limit)
{
	struct pressure_config cfg;
	struct pressure_sample s = zram_sample(5, 50, 40, 100000, 25000), e;

	pressure_config_default(&cfg);
	s.zram_limit_kb = 35000;
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, PCT(5) + 30000);
	ck_assert_uint_eq(e.swap_free_kb, 0);
	s.zram_limit_kb = 25000;
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, PCT(5));
	ck_assert(kill_ctl_due_now(&cfg, &s));
	/* No ratio known yet: what it stores costs as much, as without. */
	s = zram_sample(5, 50, 50, 1000, 10);
	s.zram_limit_kb = 100000;
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.mem_avail_kb, PCT(5));
}
END_TEST

/*
 * Never later than earlyoom: zram nearly full of 4:1 data and memory at
 * 8 %, what zram still wins keeps the counted memory above 10 %, but
 * /proc/meminfo's both-below-10 % holds, and that kills.
 */
START_TEST(test_zram_not_later_than_earlyoom)
{
	struct pressure_config cfg;
	struct pressure_sample s = zram_sample(8, 50, 4, 100000, 25000), e;

	pressure_config_default(&cfg);
	cfg.enter[PRESSURE_CRITICAL].mem_avail_pct = 10; /* -m 10 -s 10 */
	pressure_effective(&s, &e);
	ck_assert_uint_gt(e.mem_avail_kb, PCT(10));
	ck_assert(kill_ctl_due_now(&cfg, &s));
}
END_TEST

/* zram beside a disk: only the disk's swap is swap. */
START_TEST(test_zram_and_disk)
{
	struct pressure_config cfg;
	struct pressure_sample s = zram_sample(5, 50, 0, 100000, 100000), e;

	pressure_config_default(&cfg);
	s.swap_total_kb += PCT(100); /* a disk as large as RAM, half free */
	s.swap_free_kb += PCT(50);
	pressure_effective(&s, &e);
	ck_assert_uint_eq(e.swap_total_kb, PCT(100));
	ck_assert_uint_eq(e.swap_free_kb, PCT(50));
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	s.swap_free_kb = PCT(5); /* the disk's full too */
	ck_assert(kill_ctl_due_now(&cfg, &s));
	/* No zram: nothing changes. */
	s = (struct pressure_sample){ .mem_total_kb = TOTAL_KB,
				      .mem_avail_kb = PCT(5),
				      .swap_total_kb = PCT(50),
				      .swap_free_kb = PCT(40) };
	pressure_effective(&s, &e);
	ck_assert_mem_eq(&s, &e, sizeof(s));
	ck_assert(!kill_ctl_due_now(&cfg, &s));
}
END_TEST

/* A disk swap 80 % free, MemAvailable at 8 %, the machine stalled. */
static struct pressure_sample thrash_sample(void)
{
	return (struct pressure_sample){
		.mem_total_kb = TOTAL_KB,
		.mem_avail_kb = PCT(8),
		.swap_total_kb = PCT(25),
		.swap_free_kb = PCT(20),
		.psi_valid = true,
		.psi_some_avg10 = 60,
		.psi_full_avg10 = 40,
		.pagein_valid = true,
		.pagein_per_s = 5000,
	};
}

START_TEST(test_thrash)
{
	struct pressure_config cfg;
	struct pressure_sample s = thrash_sample();

	pressure_config_default(&cfg);
	ck_assert(pressure_thrashing(&cfg, &s));
	ck_assert(kill_ctl_due_now(&cfg, &s));
	/* Pages not coming back now: the stalls were before (avg10's tail). */
	s.pagein_per_s = PRESSURE_THRASH_PAGEIN_PER_S - 1;
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	s = thrash_sample();
	s.pagein_valid = false;
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	/* Room in memory: a burst of I/O, not a shortage. */
	s = thrash_sample();
	s.mem_avail_kb = PCT(30);
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	/* Few stalls. */
	s = thrash_sample();
	s.psi_full_avg10 = 9;
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	s.psi_valid = false;
	s.psi_full_avg10 = 40;
	ck_assert(!kill_ctl_due_now(&cfg, &s));
	/* Off. */
	s = thrash_sample();
	cfg.thrash_full_pct = 0;
	ck_assert(!kill_ctl_due_now(&cfg, &s));
}
END_TEST

/*
 * Pages come back at the thrashing rate from thrash_pagein_per_s on,
 * and only as far as a sample read the rate: one that did not (away
 * from thrashing) says nothing comes back, whatever the field holds.
 */
START_TEST(test_pages_coming_back)
{
	struct pressure_config cfg;
	struct pressure_sample s = thrash_sample();

	pressure_config_default(&cfg);
	s.pagein_per_s = cfg.thrash_pagein_per_s;
	ck_assert(pressure_pages_coming_back(&cfg, &s));
	s.pagein_per_s = cfg.thrash_pagein_per_s - 1;
	ck_assert(!pressure_pages_coming_back(&cfg, &s));
	s.pagein_per_s = cfg.thrash_pagein_per_s * 10;
	s.pagein_valid = false;
	ck_assert(!pressure_pages_coming_back(&cfg, &s));
	/* The rest of thrashing does not enter into it. */
	s = thrash_sample();
	s.psi_valid = false;
	s.mem_avail_kb = PCT(90);
	ck_assert(pressure_pages_coming_back(&cfg, &s));
	ck_assert(!pressure_thrashing(&cfg, &s));
}
END_TEST

/*
 * The page-in rate is read only where it may soon count: PSI full at
 * half its line, or MemAvailable at twice its; never without PSI.
 */
START_TEST(test_thrash_wants_pagein)
{
	struct pressure_config cfg;
	struct pressure_sample s = thrash_sample();

	pressure_config_default(&cfg);
	ck_assert(pressure_wants_pagein(&cfg, &s));
	/* Calm: plenty of memory, no full stall. */
	s.mem_avail_kb = PCT(60);
	s.psi_full_avg10 = 0;
	ck_assert(!pressure_wants_pagein(&cfg, &s));
	s.psi_full_avg10 = cfg.thrash_full_pct / 2;
	ck_assert(pressure_wants_pagein(&cfg, &s));
	s.psi_full_avg10 = 0;
	s.mem_avail_kb = (uint64_t)(TOTAL_KB * 2 * cfg.thrash_mem_pct / 100);
	ck_assert(pressure_wants_pagein(&cfg, &s));
	s.mem_avail_kb += PCT(1);
	ck_assert(!pressure_wants_pagein(&cfg, &s));
	/* Without PSI, thrashing is never seen: no rate either. */
	s.psi_valid = false;
	s.mem_avail_kb = PCT(1);
	ck_assert(!pressure_wants_pagein(&cfg, &s));
	s = thrash_sample();
	cfg.thrash_full_pct = 0;
	ck_assert(!pressure_wants_pagein(&cfg, &s));
}
END_TEST

/*
 * Through pressure_update(), with PSI not raising the level on its own:
 * thrashing takes it to the kill level, and the kill comes after the
 * kill delay, as for memory.
 */
START_TEST(test_thrash_update)
{
	struct pressure_config cfg;
	struct pressure_state st;
	struct pressure_sample s = thrash_sample();
	struct pressure_action a;
	struct kill_ctl kc;

	pressure_config_default(&cfg);
	cfg.kill_enabled = true;
	for (int l = PRESSURE_ELEVATED; l < PRESSURE_NR_LEVELS; l++)
		cfg.enter[l].psi_some_pct = cfg.enter[l].psi_full_pct = 0;
	pressure_init(&st, &cfg, 0);
	kill_ctl_init(&kc);
	a = pressure_update(&st, &cfg, &s, 0);
	ck_assert_int_eq(a.level, PRESSURE_CRITICAL);
	ck_assert_int_eq(
		kill_ctl_decide(&kc, &cfg, a.level, &s, false, 0).verdict,
		KILL_CTL_NOT_YET);
	a = pressure_update(&st, &cfg, &s, cfg.kill_delay_ms);
	ck_assert_int_eq(kill_ctl_decide(&kc, &cfg, a.level, &s, false,
					 cfg.kill_delay_ms)
				 .verdict,
			 KILL_CTL_NOW);
	s.pagein_per_s = 0;
	a = pressure_update(&st, &cfg, &s, cfg.kill_delay_ms + 1);
	ck_assert_int_ne(kill_ctl_decide(&kc, &cfg, a.level, &s, false,
					 cfg.kill_delay_ms + 1)
				 .verdict,
			 KILL_CTL_NOW);
}
END_TEST

START_TEST(test_thrash_config)
{
	struct pressure_config cfg;
	const char *why;

	pressure_config_default(&cfg);
	cfg.thrash_mem_pct = 101;
	ck_assert_int_eq(pressure_config_check(&cfg, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "thrash"));
}
END_TEST

/* What a sample reads when the rate is wanted, after meminfo's swap. */
static void read_both(struct swap_mem *sm, uint64_t now_ms,
		      struct pressure_sample *s)
{
	s->swap_total_kb = 2 * 131068;
	swap_mem_read_zram(sm, s);
	swap_mem_read_pagein(sm, now_ms, s);
}

/* The fixture: a disk and a zram of 128 MiB, zram holding 64 MiB in 16. */
START_TEST(test_reader_fixture)
{
	struct swap_mem sm;
	struct pressure_sample s = { 0 };

	swap_mem_open(&sm, FIXTURE, FIXTURE "/sys");
	read_both(&sm, 1000, &s);
	ck_assert_uint_eq(s.zram_swap_total_kb, 131068);
	ck_assert_uint_eq(s.zram_swap_free_kb, 131068 - 65536);
	ck_assert_uint_eq(s.zram_orig_kb, 65536);
	ck_assert_uint_eq(s.zram_ram_kb, 16384);
	/* One reading is no rate. */
	ck_assert(!s.pagein_valid);
	/* With no swap in meminfo (all swapped off) no zram swap is read. */
	memset(&s, 0, sizeof(s));
	swap_mem_read_zram(&sm, &s);
	ck_assert_uint_eq(s.zram_swap_total_kb, 0);
	ck_assert_uint_eq(s.zram_orig_kb, 0);
	memset(&s, 0, sizeof(s));
	read_both(&sm, 1000, &s);
	ck_assert_uint_eq(s.zram_orig_kb, 65536);
	ck_assert(!s.pagein_valid);
	memset(&s, 0, sizeof(s));
	read_both(&sm, 2000, &s);
	ck_assert(s.pagein_valid);
	ck_assert_uint_eq(s.pagein_per_s, 0);
	swap_mem_close(&sm);
	ck_assert_int_eq(sm.swaps, -1);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w"); /* the same inode: the reader keeps its fd */
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Files rewritten between reads: the rate, a zram that comes and goes. */
START_TEST(test_reader_changes)
{
	char dir[] = "/tmp/oomq-swap-XXXXXX", path[600];
	struct swap_mem sm;
	struct pressure_sample s = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/block", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/block/zram3", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	write_file(dir, "block/zram3/mm_stat", "8192 100 4096 0 4096 0 0\n");
	write_file(dir, "swaps", SWAPS_HEAD SWAPS_DISK);
	write_file(dir, "vmstat", "pswpin 1000\nworkingset_refault_file 5\n");

	swap_mem_open(&sm, dir, dir);
	read_both(&sm, 0, &s);
	ck_assert_uint_eq(s.zram_swap_total_kb, 0);
	ck_assert(!s.pagein_valid);

	/* zram3 swapped on; 3000 pages in within half a second: no rate yet. */
	write_file(dir, "swaps",
		   SWAPS_HEAD "/dev/zram3 partition 1000 10 100\n" SWAPS_DISK);
	write_file(dir, "vmstat",
		   "pswpin 3000\nworkingset_refault_file 1005\n");
	memset(&s, 0, sizeof(s));
	read_both(&sm, 500, &s);
	ck_assert_uint_eq(s.zram_swap_total_kb, 1000);
	ck_assert_uint_eq(s.zram_orig_kb, 8);
	ck_assert_uint_eq(s.zram_ram_kb, 4);
	ck_assert(!s.pagein_valid);
	/* What came back so far in the window: 3000 pages in 500 ms. */
	ck_assert_uint_eq(s.pagein_part, 3000);
	ck_assert_uint_eq(s.pagein_part_ms, 500);
	/* Over the second since the first reading: 3000 pages/s. */
	memset(&s, 0, sizeof(s));
	read_both(&sm, 1000, &s);
	ck_assert(s.pagein_valid);
	ck_assert_uint_eq(s.pagein_per_s, 3000);
	ck_assert_uint_eq(s.pagein_part, 0); /* a new window */
	ck_assert_uint_eq(s.pagein_part_ms, 0);
	/* A fast tick keeps the last rate. */
	memset(&s, 0, sizeof(s));
	read_both(&sm, 1200, &s);
	ck_assert(s.pagein_valid);
	ck_assert_uint_eq(s.pagein_per_s, 3000);
	/* zram3 swapped off: its descriptor closed, nothing counted. */
	write_file(dir, "swaps", SWAPS_HEAD SWAPS_DISK);
	memset(&s, 0, sizeof(s));
	read_both(&sm, 2000, &s);
	ck_assert_uint_eq(sm.nzram, 0);
	ck_assert_uint_eq(s.zram_swap_total_kb, 0);
	ck_assert_uint_eq(s.zram_orig_kb, 0);
	/* Counters that went back (a wrap, a new boot's file): no rate. */
	write_file(dir, "vmstat", "pswpin 1\n");
	memset(&s, 0, sizeof(s));
	read_both(&sm, 3000, &s);
	ck_assert(!s.pagein_valid);
	swap_mem_close(&sm);

	/* Missing files: no signals, no error. */
	snprintf(path, sizeof(path), "%s/nothing", dir);
	swap_mem_open(&sm, path, path);
	memset(&s, 0, sizeof(s));
	read_both(&sm, 0, &s);
	read_both(&sm, 5000, &s);
	ck_assert(!s.pagein_valid);
	ck_assert_uint_eq(s.zram_swap_total_kb, 0);
	swap_mem_close(&sm);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

Suite *agent_swap_suite(void)
{
	Suite *s = suite_create("agent_swap");
	TCase *tc = tcase_create("swap");

	tcase_add_loop_test(tc, test_swaps, 0, N(swaps_cases));
	tcase_add_test(tc, test_swaps_many_zram);
	tcase_add_loop_test(tc, test_vmstat, 0, N(vmstat_cases));
	tcase_add_loop_test(tc, test_mm_stat, 0, N(mm_cases));
	tcase_add_test(tc, test_zram_incompressible);
	tcase_add_test(tc, test_zram_compressible);
	tcase_add_test(tc, test_zram_mem_limit);
	tcase_add_test(tc, test_zram_not_later_than_earlyoom);
	tcase_add_test(tc, test_zram_and_disk);
	tcase_add_test(tc, test_thrash);
	tcase_add_test(tc, test_thrash_wants_pagein);
	tcase_add_test(tc, test_pages_coming_back);
	tcase_add_test(tc, test_thrash_update);
	tcase_add_test(tc, test_thrash_config);
	tcase_add_test(tc, test_reader_fixture);
	tcase_add_test(tc, test_reader_changes);
	suite_add_tcase(s, tc);
	return s;
}
