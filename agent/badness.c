// SPDX-License-Identifier: GPL-2.0
/*
 * The badness ports.  Each keeps the arithmetic of its kernel exactly:
 * integer division where the kernel divided, the kernel's own integer
 * square root, its shifts and its order of operations, so a result can
 * be checked by hand against the original source.
 */
#include <errno.h>
#include <string.h>

#include "badness.h"

/*
 * lib/int_sqrt.c, Linux 2.6.10 (the version badness() called):
 * bit-by-bit square root, floor(sqrt(x)).  "one" starts at 1 << 30 as in
 * the original, so like the original it is exact only for x < 2^32; the
 * classic port never feeds it anything near that.
 */
unsigned long badness_int_sqrt(unsigned long x)
{
	unsigned long op, res, one;

	op = x;
	res = 0;

	one = 1UL << 30;
	while (one > op)
		one >>= 2;

	while (one != 0) {
		if (op >= res + one) {
			op = op - (res + one);
			res = res + 2 * one;
		}
		res /= 2;
		one /= 4;
	}
	return res;
}

/*
 * fs/proc/base.c, oom_adj_read() (6.12): the oom_adj a process sees when
 * it reads the legacy file, derived from oom_score_adj.  -17 is
 * OOM_DISABLE, which 2.6.11's select_bad_process() skipped.
 */
int badness_oom_adj(int oom_score_adj)
{
	int oom_adj;

	if (oom_score_adj == 1000)
		return 15;
	oom_adj = oom_score_adj * 17 / 1000;
	return oom_adj > 15 ? 15 : oom_adj;
}

static int never_killed(const struct sample *s)
{
	/* Kernel threads and init were never candidates in any version. */
	return (s->flags & (SAMPLE_KTHREAD | SAMPLE_NO_MM)) || s->pid == 1;
}

static int has_cap(const struct sample *s, int cap)
{
	return (s->cap_eff >> cap) & 1;
}

/*
 * 2.6.10's HZ on i386 and its SHIFT_HZ (include/linux/timex.h): utime and
 * stime were jiffies, and cpu_time was (utime + stime) >> (SHIFT_HZ + 3).
 * /proc gives clock ticks at USER_HZ, so convert back to those jiffies.
 */
#define CLASSIC_HZ 1000UL
#define CLASSIC_SHIFT_HZ 10

/*
 * badness() from mm/oom_kill.c of Linux 2.6.10, as the Nokia patch
 * carries it (Mauricio Lin, Edjard Mota, Bruna Moreira, Ilias Biris,
 * INdT; "User space out of memory approach", linux-kernel, 10 Jan 2005,
 * <3f250c71050110134337c08ef0@mail.gmail.com>), checked line by line
 * against that text: total_vm; (utime + stime) >> (SHIFT_HZ + 3);
 * (uptime - start_time.tv_sec) >> 10; int_sqrt() and int_sqrt(int_sqrt());
 * x2 when nice > 0; /4 for CAP_SYS_ADMIN, uid 0 or euid 0; /4 for
 * CAP_SYS_RAWIO.  Two additions the patch's kernel did not have, both
 * asked for by oomq's design: the oomkilladj shift (2.6.11) and half of
 * each child's size in the kernel's own later form (total_vm/2 + 1,
 * 2.6.17), precomputed into s->child_vm_pages by rank_children().
 * PF_MEMDIE is not visible from user space.  Its rationale, verbatim:
 *
 * The formula used is relatively simple and documented inline in the
 * function. The main rationale is that we want to select a good task
 * to kill when we run out of memory.
 *
 * Good in this context means that:
 * 1) we lose the minimum amount of work done
 * 2) we recover a large amount of memory
 * 3) we don't kill anything innocent of eating tons of memory
 * 4) we want to kill the minimum amount of processes (one)
 * 5) we try to kill the process the user expects us to kill, this
 *    algorithm has been meticulously tuned to meet the principle
 *    of least surprise ... (be careful when you change it)
 */
static long classic_points(unsigned long points, const struct sample *s,
			   const struct sample_sys *sys)
{
	unsigned long cpu_time, run_time, jiffies, s_sqrt;
	unsigned long uptime, start;
	int oomkilladj = badness_oom_adj(s->oom_score_adj);

	if (oomkilladj == -17) /* OOM_DISABLE */
		return BADNESS_UNKILLABLE;

	/*
	 * CPU time is in tens of seconds and run time is in thousands
	 * of seconds. There is no particular reason for this other than
	 * that it turned out to work very well in practice.
	 */
	jiffies = s->cpu_ticks * CLASSIC_HZ / sys->clk_tck;
	cpu_time = jiffies >> (CLASSIC_SHIFT_HZ + 3);

	uptime = sys->uptime_ms / 1000;
	start = s->start_ticks / sys->clk_tck; /* start_time.tv_sec */
	if (uptime >= start)
		run_time = (uptime - start) >> 10;
	else
		run_time = 0;

	s_sqrt = badness_int_sqrt(cpu_time);
	if (s_sqrt)
		points /= s_sqrt;
	s_sqrt = badness_int_sqrt(badness_int_sqrt(run_time));
	if (s_sqrt)
		points /= s_sqrt;

	/*
	 * Niced processes are most likely less important, so double
	 * their badness points.
	 */
	if (s->nice > 0)
		points *= 2;

	/*
	 * Superuser processes are usually more important, so we make it
	 * less likely that we kill those.
	 */
	if (has_cap(s, SAMPLE_CAP_SYS_ADMIN) || s->uid == 0 || s->euid == 0)
		points /= 4;

	/*
	 * We don't want to kill a process with direct hardware access.
	 * Not only could that mess up the hardware, but usually users
	 * tend to only have this flag set on applications they think
	 * of as important.
	 */
	if (has_cap(s, SAMPLE_CAP_SYS_RAWIO))
		points /= 4;

	/*
	 * Adjust the score by oomkilladj.
	 */
	if (oomkilladj) {
		if (oomkilladj > 0)
			points <<= oomkilladj;
		else
			points >>= -oomkilladj;
	}
	return points > LONG_MAX ? LONG_MAX : (long)points;
}

long badness_classic(const struct sample *s, const struct sample_sys *sys)
{
	if (never_killed(s))
		return BADNESS_UNKILLABLE;
	/*
	 * The memory size of the process is the basis for the badness.
	 * Processes which fork a lot of child processes are likely
	 * a good choice (2.6.10; halved in 2.6.17).
	 */
	return classic_points(s->total_vm_kb / sys->page_kb + s->child_vm_pages,
			      s, sys);
}

/*
 * Seed 000: the classic formula on resident memory, without the
 * children's share, so a parent is not blamed for what its children
 * hold and a large but mostly unmapped address space counts for nothing.
 */
long badness_rss(const struct sample *s, const struct sample_sys *sys)
{
	if (never_killed(s))
		return BADNESS_UNKILLABLE;
	return classic_points(s->rss_kb / sys->page_kb, s, sys);
}

/*
 * oom_badness() from mm/oom_kill.c, Linux 3.7 onwards (page tables
 * counted since 3.7, checked against 6.12): the proportion of memory the
 * task would free, in pages, plus oom_score_adj in thousandths of all
 * pages.  The kernel divides totalpages by 1000 *before* multiplying.
 * MMF_OOM_SKIP and in_vfork() are not visible in /proc and not ported.
 */
long badness_modern(const struct sample *s, const struct sample_sys *sys)
{
	uint64_t totalpages = sample_sys_totalpages(sys);
	long points, adj;

	if (never_killed(s) || s->oom_score_adj == -1000 ||
	    (s->flags & SAMPLE_UNKILLABLE))
		return BADNESS_UNKILLABLE;

	/*
	 * The baseline for the badness score is the proportion of RAM that each
	 * task's rss, pagetable and swap space use.
	 */
	points = (long)(s->rss_kb / sys->page_kb + s->swap_kb / sys->page_kb +
			s->pgtables_kb / sys->page_kb);

	/* Normalize to oom_score_adj units */
	adj = s->oom_score_adj;
	adj *= (long)(totalpages / 1000);
	points += adj;
	return points;
}

/*
 * proc_oom_score() in fs/proc/base.c (6.12):
 *
 *	if (badness != LONG_MIN)
 *		points = (1000 + badness * 1000 / (long)totalpages) * 2 / 3;
 *
 * "scale the badness value into [0, 2000] range which we have been
 * exporting for a long time so userspace might depend on it."
 */
unsigned long badness_oom_score(long badness, uint64_t totalpages)
{
	if (badness == BADNESS_UNKILLABLE || !totalpages)
		return 0;
	return (unsigned long)((1000 + badness * 1000 / (long)totalpages) * 2 /
			       3);
}

/*
 * The most oom_badness() points a process showing @oom_score can have:
 * badness_oom_score() is monotonic in the points (two truncating
 * divisions of an increasing line), so the largest points it maps to
 * @oom_score or less, searched between -totalpages (oom_score 0; the
 * kernel's points never go below it, since oom_score_adj -1000 is
 * unkillable) and 3 x totalpages (past 2000).
 */
long badness_max_points(unsigned long oom_score, uint64_t totalpages)
{
	long lo = -(long)totalpages, hi = 3 * (long)totalpages;

	if (!totalpages || badness_oom_score(hi, totalpages) <= oom_score)
		return hi;
	/* badness_oom_score(lo) <= oom_score < badness_oom_score(hi) */
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;

		if (badness_oom_score(mid, totalpages) <= oom_score)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

long badness_of(enum badness_port port, const struct sample *s,
		const struct sample_sys *sys)
{
	switch (port) {
	case BADNESS_CLASSIC:
		return badness_classic(s, sys);
	case BADNESS_RSS:
		return badness_rss(s, sys);
	case BADNESS_MODERN:
		return badness_modern(s, sys);
	}
	return BADNESS_UNKILLABLE;
}

static const char *const port_names[] = {
	[BADNESS_CLASSIC] = "classic",
	[BADNESS_RSS] = "rss",
	[BADNESS_MODERN] = "modern",
};

const char *badness_port_name(enum badness_port port)
{
	if ((unsigned int)port >= sizeof(port_names) / sizeof(port_names[0]))
		return "?";
	return port_names[port];
}

int badness_port_parse(const char *name, enum badness_port *port)
{
	for (unsigned int i = 0; i < sizeof(port_names) / sizeof(port_names[0]);
	     i++) {
		if (!strcmp(name, port_names[i])) {
			*port = (enum badness_port)i;
			return 0;
		}
	}
	return -EINVAL;
}
