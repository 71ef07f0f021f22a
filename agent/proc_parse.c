// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers of /proc files, on buffers.  The input is whatever one read()
 * returned: it may be truncated, it is not NUL-terminated, and a process
 * can put anything in its comm and cmdline, so every step checks bounds
 * and every number checks for overflow.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "proc_parse.h"

/* A read position in a buffer that is not NUL-terminated. */
struct cur {
	const char *p;
	const char *end;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int proc_parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s == end || !is_digit(*s))
		return -EINVAL;
	for (; s < end && is_digit(*s); s++) {
		unsigned int d = *s - '0';

		if (x > (UINT64_MAX - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
	}
	*p = s;
	*v = x;
	return 0;
}

static int cur_u64(struct cur *c, uint64_t *v)
{
	return proc_parse_u64(&c->p, c->end, v);
}

static int cur_s64(struct cur *c, int64_t *v)
{
	uint64_t x;
	int neg = 0, ret;

	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	ret = cur_u64(c, &x);
	if (ret)
		return ret;
	if (x > (uint64_t)INT64_MAX + neg)
		return -ERANGE;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

static int cur_hex64(struct cur *c, uint64_t *v)
{
	uint64_t x = 0;
	int n = 0;

	for (; c->p < c->end; c->p++, n++) {
		char ch = *c->p;
		unsigned int d;

		if (is_digit(ch))
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			break;
		if (x >> 60)
			return -ERANGE;
		x = x << 4 | d;
	}
	if (!n)
		return -EINVAL;
	*v = x;
	return 0;
}

/* Skips one or more blanks; none is malformed. */
static int cur_blanks(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	return c->p == s ? -EINVAL : 0;
}

static void cur_skip_blanks(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Accepts trailing blanks, then a newline or the end of the buffer. */
static int cur_eol(struct cur *c)
{
	cur_skip_blanks(c);
	if (c->p == c->end)
		return 0;
	if (*c->p != '\n')
		return -EINVAL;
	c->p++;
	return 0;
}

/* Moves to the start of the next line, or to the end. */
static void cur_next_line(struct cur *c)
{
	const char *nl = memchr(c->p, '\n', c->end - c->p);

	c->p = nl ? nl + 1 : c->end;
}

/* True when the line at @c starts with @key immediately followed by ':'. */
static int cur_key(struct cur *c, const char *key)
{
	size_t n = strlen(key);

	if ((size_t)(c->end - c->p) <= n || memcmp(c->p, key, n) ||
	    c->p[n] != ':')
		return 0;
	c->p += n + 1;
	return 1;
}

/*
 * /proc/<pid>/stat (fs/proc/array.c, do_task_stat()):
 *
 *   2291 (tmux: server) S 1 2291 2291 0 -1 4194560 3519 0 0 0 85 31 0 0 20 0
 *   1 0 10377 9244672 893 18446744073709551615 ...
 *
 * comm is printed raw and may contain spaces, '(' and ')', so it runs
 * from the first '(' to the *last* ')' and the numbers follow that.
 * Fields after rss (24) are not needed and not checked.
 */
int proc_parse_stat_buf(const char *buf, size_t len, struct proc_stat *st)
{
	struct cur c = { buf, buf + len };
	const char *close;
	uint64_t u = 0;
	int64_t s = 0;
	size_t n;
	int ret;

	ret = cur_u64(&c, &u);
	if (ret)
		return ret;
	if (u > INT32_MAX)
		return -ERANGE;
	st->pid = (int)u;
	if (c.end - c.p < 2 || c.p[0] != ' ' || c.p[1] != '(')
		return -EINVAL;
	c.p += 2;
	close = c.p;
	for (const char *q = c.p; q < c.end; q++)
		if (*q == ')')
			close = q + 1;
	if (close == c.p)
		return -EINVAL;
	close--;
	n = close - c.p;
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, c.p, n);
	st->comm[n] = '\0';
	c.p = close + 1;

	if (cur_blanks(&c) || c.p == c.end || *c.p < 'A' || *c.p > 'z')
		return -EINVAL;
	st->state = *c.p++;

	/* Fields 4..24, numbered as in proc(5). */
	for (int field = 4; field <= 24; field++) {
		if (cur_blanks(&c))
			return -EINVAL;
		switch (field) {
		case 9: /* flags */
		case 14: /* utime */
		case 15: /* stime */
		case 22: /* starttime */
		case 23: /* vsize */
		case 24: /* rss */
			ret = cur_u64(&c, &u);
			break;
		default:
			ret = cur_s64(&c, &s);
			break;
		}
		if (ret)
			return ret;
		switch (field) {
		case 4:
			if (s < 0 || s > INT32_MAX)
				return -ERANGE;
			st->ppid = (int)s;
			break;
		case 5:
		case 6:
			if (s < 0 || s > INT32_MAX)
				return -ERANGE;
			*(field == 5 ? &st->pgrp : &st->session) = (int)s;
			break;
		case 7:
			if (s < INT32_MIN || s > INT32_MAX)
				return -ERANGE;
			st->tty_nr = (int)s;
			break;
		case 9:
			st->flags = u;
			break;
		case 14:
			st->utime = u;
			break;
		case 15:
			st->stime = u;
			break;
		case 19:
			if (s < -20 || s > 19)
				return -ERANGE;
			st->nice = (long)s;
			break;
		case 20:
			if (s < 0 || s > INT32_MAX)
				return -ERANGE;
			st->threads = (int)s;
			break;
		case 22:
			st->starttime = u;
			break;
		case 23:
			st->vsize = u;
			break;
		case 24:
			st->rss = u;
			break;
		}
	}
	/* The next byte must end the number: "893x" is not 893. */
	if (c.p < c.end && *c.p != ' ' && *c.p != '\n')
		return -EINVAL;
	return 0;
}

/*
 * /proc/<pid>/statm (fs/proc/array.c, proc_pid_statm()), in pages:
 *
 *   size resident shared text lib data dt
 *   2257 893 629 211 0 235 0
 */
int proc_parse_statm_buf(const char *buf, size_t len, struct proc_statm *sm)
{
	struct cur c = { buf, buf + len };
	uint64_t v[7];
	int ret;

	for (int i = 0; i < 7; i++) {
		if (i && cur_blanks(&c))
			return -EINVAL;
		ret = cur_u64(&c, &v[i]);
		if (ret)
			return ret;
	}
	ret = cur_eol(&c);
	if (ret || c.p != c.end)
		return -EINVAL;
	sm->size = v[0];
	sm->resident = v[1];
	sm->shared = v[2];
	return 0;
}

static int parse_ids(struct cur *c, unsigned int ids[4])
{
	uint64_t v;
	int ret;

	for (int i = 0; i < 4; i++) {
		if (cur_blanks(c))
			return -EINVAL;
		ret = cur_u64(c, &v);
		if (ret)
			return ret;
		if (v > UINT32_MAX)
			return -ERANGE;
		ids[i] = (unsigned int)v;
	}
	return cur_eol(c);
}

static int parse_kb(struct cur *c, uint64_t *kb)
{
	int ret;

	if (cur_blanks(c))
		return -EINVAL;
	ret = cur_u64(c, kb);
	if (ret)
		return ret;
	if (c->end - c->p < 3 || memcmp(c->p, " kB", 3))
		return -EINVAL;
	c->p += 3;
	return cur_eol(c);
}

/*
 * /proc/<pid>/status (fs/proc/array.c, proc_pid_status(); task_mem() in
 * fs/proc/task_mmu.c for the Vm and Rss lines), one "Key:\tvalue" a line:
 *
 *   Name:	bash
 *   PPid:	1200
 *   TracerPid:	0
 *   Uid:	1000	1000	1000	1000
 *   Gid:	1000	1000	1000	1000
 *   Groups:	4 24 27 1000
 *   VmSize:	    8556 kB
 *   VmRSS:	    5332 kB
 *   RssAnon:	    1716 kB
 *   RssFile:	    3616 kB
 *   RssShmem:	       0 kB
 *   VmPTE:	      56 kB
 *   VmSwap:	       0 kB
 *   Threads:	1
 *   CapEff:	000001ffffffffff
 *
 * Kernel threads and zombies have no Vm and Rss lines (has_mm = 0).
 * Uid, Gid, PPid and Threads are always printed; without them -ENOENT.
 *
 * Line by line, so that a reader can hand over a file larger than its
 * buffer: Groups of a user in thousands of groups (up to 65536, some
 * 700 KiB) and Cpus_allowed_list of a large machine are never needed,
 * and come as @cut prefixes the parser skips.  A cut line it needs is
 * -EFBIG.
 */
void proc_status_init(struct proc_status *ps)
{
	memset(ps, 0, sizeof(*ps));
}

static const char *const status_keys[] = {
	"Uid",	   "Gid",     "PPid",	  "TracerPid", "Threads",
	"CapEff",  "VmSize",  "VmRSS",	  "VmSwap",    "VmPTE",
	"RssAnon", "RssFile", "RssShmem",
};

int proc_status_line(struct proc_status *ps, const char *line, size_t len,
		     bool cut)
{
	struct cur c = { line, line + len };
	uint64_t v = 0;
	int ret = 0;

	if (!memchr(line, ':', len)) /* every status line is "Key:..." */
		return -EINVAL;
	if (cut) {
		for (size_t i = 0;
		     i < sizeof(status_keys) / sizeof(*status_keys); i++)
			if (cur_key(&c, status_keys[i]))
				return -EFBIG;
		return 0;
	}
	if (cur_key(&c, "Uid")) {
		ret = parse_ids(&c, ps->uid);
		ps->seen |= 1;
	} else if (cur_key(&c, "Gid")) {
		ret = parse_ids(&c, ps->gid);
		ps->seen |= 2;
	} else if (cur_key(&c, "PPid")) {
		ret = cur_blanks(&c) ?: cur_u64(&c, &v) ?: cur_eol(&c);
		if (!ret && v > INT32_MAX)
			ret = -ERANGE;
		ps->ppid = (int)v;
		ps->seen |= 4;
	} else if (cur_key(&c, "TracerPid")) {
		ret = cur_blanks(&c) ?: cur_u64(&c, &v) ?: cur_eol(&c);
		if (!ret && v > INT32_MAX)
			ret = -ERANGE;
		ps->tracer_pid = (int)v;
	} else if (cur_key(&c, "Threads")) {
		ret = cur_blanks(&c) ?: cur_u64(&c, &v) ?: cur_eol(&c);
		if (!ret && v > UINT32_MAX)
			ret = -ERANGE;
		ps->threads = (unsigned int)v;
		ps->seen |= 8;
	} else if (cur_key(&c, "CapEff")) {
		ret = cur_blanks(&c)			  ?:
			      cur_hex64(&c, &ps->cap_eff) ?:
							    cur_eol(&c);
	} else if (cur_key(&c, "VmSize")) {
		ret = parse_kb(&c, &ps->vm_size_kb);
		ps->has_mm = 1;
	} else if (cur_key(&c, "VmRSS")) {
		ret = parse_kb(&c, &ps->vm_rss_kb);
	} else if (cur_key(&c, "VmSwap")) {
		ret = parse_kb(&c, &ps->vm_swap_kb);
	} else if (cur_key(&c, "VmPTE")) {
		ret = parse_kb(&c, &ps->vm_pte_kb);
	} else if (cur_key(&c, "RssAnon")) {
		ret = parse_kb(&c, &ps->rss_anon_kb);
	} else if (cur_key(&c, "RssFile")) {
		ret = parse_kb(&c, &ps->rss_file_kb);
	} else if (cur_key(&c, "RssShmem")) {
		ret = parse_kb(&c, &ps->rss_shmem_kb);
	}
	return ret;
}

int proc_status_done(const struct proc_status *ps)
{
	return ps->seen == 15 ? 0 : -ENOENT;
}

/* Calls @fn for each line of @buf, without its newline; stops at an error. */
static int for_each_line(const char *buf, size_t len,
			 int (*fn)(void *ctx, const char *line, size_t len),
			 void *ctx)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		int ret = fn(ctx, p, eol - p);

		if (ret)
			return ret;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int status_line_fn(void *ctx, const char *line, size_t len)
{
	return proc_status_line(ctx, line, len, false);
}

int proc_parse_status_buf(const char *buf, size_t len, struct proc_status *ps)
{
	int ret;

	proc_status_init(ps);
	ret = for_each_line(buf, len, status_line_fn, ps);
	return ret ? ret : proc_status_done(ps);
}

/*
 * /proc/<pid>/oom_score_adj: "-1000\n" .. "1000\n".
 */
int proc_parse_oom_score_adj_buf(const char *buf, size_t len, int *adj)
{
	struct cur c = { buf, buf + len };
	int64_t v;
	int ret;

	ret = cur_s64(&c, &v);
	if (ret)
		return ret;
	if (cur_eol(&c) || c.p != c.end)
		return -EINVAL;
	if (v < -1000 || v > 1000)
		return -ERANGE;
	*adj = (int)v;
	return 0;
}

/*
 * /proc/<pid>/oom_score: "667\n", 0 .. 2000 (fs/proc/base.c).
 */
int proc_parse_oom_score_buf(const char *buf, size_t len, unsigned long *score)
{
	struct cur c = { buf, buf + len };
	uint64_t v;
	int ret;

	ret = cur_u64(&c, &v);
	if (ret)
		return ret;
	if (cur_eol(&c) || c.p != c.end)
		return -EINVAL;
	if (v > 2000)
		return -ERANGE;
	*score = (unsigned long)v;
	return 0;
}

/*
 * /proc/<pid>/cmdline: the arguments, each NUL-terminated:
 *
 *   sleep\0infinity\0
 *
 * Joined with spaces into @out, truncated to fit; empty for kernel
 * threads and zombies.  A process may rewrite its argv ("nginx: worker
 * process"), so this is a hint for matching, never an identity.
 */
int proc_parse_cmdline_buf(const char *buf, size_t len, char *out, size_t size)
{
	size_t n = 0;

	if (!size)
		return -ENOSPC;
	while (len && buf[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < len && n + 1 < size; i++)
		out[n++] = buf[i] ? buf[i] : ' ';
	out[n] = '\0';
	return 0;
}

/*
 * /proc/<pid>/cgroup, "hierarchy-ID:controllers:path" a line; the cgroup
 * v2 line has ID 0 and no controllers:
 *
 *   0::/user.slice/user-1000.slice/session-2.scope
 *
 * On a hybrid system v1 lines ("4:memory:/user.slice") come first and
 * are skipped, whole or @cut (a v1 path may be as long as the v2 one, and
 * a dozen of them outgrow a reader's buffer).  The kernel prints no path
 * of PATH_MAX or more; one that does not fit @out is -ENOSPC, and a cut
 * v2 line -EFBIG, never a shorter path that a rule would match.
 *
 * Return: 1 for the v2 line (@out filled unless NULL), 0 for another,
 * or -errno.
 */
int proc_cgroup_line(const char *line, size_t len, bool cut, char *out,
		     size_t size)
{
	struct cur c = { line, line + len };
	const char *colon;
	uint64_t id;
	size_t n;
	int ret;

	ret = cur_u64(&c, &id);
	if (ret)
		return ret;
	if (c.p == c.end || *c.p != ':')
		return -EINVAL;
	colon = memchr(c.p + 1, ':', c.end - c.p - 1);
	if (!colon || (!cut && (colon + 1 == c.end || colon[1] != '/')))
		return -EINVAL;
	if (id != 0 || colon != c.p + 1)
		return 0; /* a v1 hierarchy */
	if (cut)
		return -EFBIG;
	if (!out)
		return 1;
	n = c.end - colon - 1;
	if (n >= size)
		return -ENOSPC;
	memcpy(out, colon + 1, n);
	out[n] = '\0';
	return 1;
}

struct cgroup_parse {
	char *out; /* NULL once the first v2 line filled it */
	size_t size;
};

static int cgroup_line_fn(void *ctx, const char *line, size_t len)
{
	struct cgroup_parse *cp = ctx;
	int ret = proc_cgroup_line(line, len, false, cp->out, cp->size);

	if (ret == 1)
		cp->out = NULL; /* the first v2 line counts */
	return ret < 0 ? ret : 0;
}

int proc_parse_cgroup_buf(const char *buf, size_t len, char *out, size_t size)
{
	struct cgroup_parse cp = { out, size };
	int ret;

	if (!size)
		return -ENOSPC;
	ret = for_each_line(buf, len, cgroup_line_fn, &cp);
	if (ret)
		return ret;
	return cp.out ? -ENOENT : 0;
}

/*
 * /proc/meminfo (fs/proc/meminfo.c), in KiB:
 *
 *   MemTotal:       24683620 kB
 *   MemFree:        23853432 kB
 *   MemAvailable:   24300288 kB
 *   ...
 *   SwapTotal:             0 kB
 *   SwapFree:              0 kB
 *
 * All four are required (MemAvailable exists since 3.14): -ENOENT.
 */
int proc_parse_meminfo_buf(const char *buf, size_t len, struct proc_meminfo *mi)
{
	struct cur c = { buf, buf + len };
	unsigned int seen = 0;
	int ret = 0;

	/* The four are near the top: the 40 lines below them are skipped. */
	while (c.p < c.end && seen != 15) {
		if (cur_key(&c, "MemTotal")) {
			ret = parse_kb(&c, &mi->mem_total_kb);
			seen |= 1;
		} else if (cur_key(&c, "MemAvailable")) {
			ret = parse_kb(&c, &mi->mem_available_kb);
			seen |= 2;
		} else if (cur_key(&c, "SwapTotal")) {
			ret = parse_kb(&c, &mi->swap_total_kb);
			seen |= 4;
		} else if (cur_key(&c, "SwapFree")) {
			ret = parse_kb(&c, &mi->swap_free_kb);
			seen |= 8;
		} else {
			cur_next_line(&c);
		}
		if (ret)
			return ret;
	}
	return seen == 15 ? 0 : -ENOENT;
}

/* "350735.47": seconds with a fraction of 1 to 9 digits, to ms. */
static int parse_seconds_ms(struct cur *c, uint64_t *ms)
{
	uint64_t sec, frac = 0;
	int digits = 0, ret;

	ret = cur_u64(c, &sec);
	if (ret)
		return ret;
	if (c->p == c->end || *c->p != '.')
		return -EINVAL;
	c->p++;
	for (; c->p < c->end && is_digit(*c->p); c->p++, digits++) {
		if (digits >= 9)
			return -EINVAL;
		frac = frac * 10 + (*c->p - '0');
	}
	if (!digits)
		return -EINVAL;
	while (digits < 3) {
		frac *= 10;
		digits++;
	}
	while (digits > 3) {
		frac /= 10;
		digits--;
	}
	if (sec > (UINT64_MAX - frac) / 1000)
		return -ERANGE;
	*ms = sec * 1000 + frac;
	return 0;
}

/*
 * /proc/uptime (fs/proc/uptime.c): seconds since boot (CLOCK_BOOTTIME,
 * the clock of stat's starttime) and idle seconds summed over CPUs:
 *
 *   350735.47 234388.90
 */
int proc_parse_uptime_buf(const char *buf, size_t len, uint64_t *uptime_ms)
{
	struct cur c = { buf, buf + len };
	uint64_t up, idle;
	int ret;

	ret = parse_seconds_ms(&c, &up);
	if (ret)
		return ret;
	if (cur_blanks(&c))
		return -EINVAL;
	ret = parse_seconds_ms(&c, &idle);
	if (ret)
		return ret;
	if (cur_eol(&c) || c.p != c.end)
		return -EINVAL;
	*uptime_ms = up;
	return 0;
}

/*
 * /proc/<pid>/schedstat (fs/proc/base.c, proc_pid_schedstat()): time on
 * a CPU (ns), time waiting for one (ns), and how many times the thread
 * was switched in (sched_info.pcount):
 *
 *   162202960 48867749 475
 */
int proc_parse_schedstat_buf(const char *buf, size_t len,
			     struct proc_schedstat *ss)
{
	struct cur c = { buf, buf + len };
	int ret;

	ret = cur_u64(&c, &ss->run_ns);
	if (!ret)
		ret = cur_blanks(&c) ?: cur_u64(&c, &ss->wait_ns);
	if (!ret)
		ret = cur_blanks(&c) ?: cur_u64(&c, &ss->runs);
	if (!ret && (cur_eol(&c) || c.p != c.end))
		ret = -EINVAL;
	return ret;
}

/* Moves past one word (no blanks, no newline); an empty one is malformed. */
static int cur_word(struct cur *c, const char **word, size_t *n)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != '\n')
		c->p++;
	*word = s;
	*n = (size_t)(c->p - s);
	return *n ? 0 : -EINVAL;
}

/* "/dev/zram12" into 12; false for any other name. */
static bool zram_name(const char *w, size_t n, unsigned int *id)
{
	static const char pre[] = "/dev/zram";
	size_t k = sizeof(pre) - 1;
	uint64_t v = 0;

	if (n <= k || n > k + 6 || memcmp(w, pre, k))
		return false;
	for (size_t i = k; i < n; i++) {
		if (!is_digit(w[i]))
			return false;
		v = v * 10 + (uint64_t)(w[i] - '0');
	}
	*id = (unsigned int)v;
	return true;
}

/*
 * /proc/swaps (mm/swapfile.c, swap_show()), sizes in KiB:
 *
 *   Filename				Type		Size		Used		Priority
 *   /dev/vdb                                partition	131068		0		-2
 *   /dev/zram0                              partition	131068		1024		100
 *
 * The name is escaped (" \t\n\\" as octal), so it is one word; a deleted
 * swap file shows as "/swapfile\040(deleted)".  A zram device is one
 * named /dev/zramN: its "swap" is RAM (compressed), not a place memory
 * goes when RAM is full.  The header must come first.
 */
int proc_parse_swaps_buf(const char *buf, size_t len, struct proc_swaps *sw)
{
	struct cur c = { buf, buf + len };
	const char *w;
	size_t n;

	memset(sw, 0, sizeof(*sw));
	if ((size_t)(c.end - c.p) < 8 || memcmp(c.p, "Filename", 8))
		return -EINVAL;
	cur_next_line(&c);
	while (c.p < c.end) {
		uint64_t size, used;
		int64_t prio;
		unsigned int id;
		int ret;

		ret = cur_word(&c, &w, &n);
		if (!ret && zram_name(w, n, &id)) {
			if (sw->nzram < PROC_SWAPS_ZRAM_MAX)
				sw->zram[sw->nzram++] = id;
			else
				sw->zram_cut = true;
		} else {
			id = UINT32_MAX;
		}
		if (!ret)
			ret = cur_blanks(&c);
		if (!ret)
			ret = cur_word(&c, &w, &n); /* partition, file */
		if (!ret)
			ret = cur_blanks(&c) ?: cur_u64(&c, &size);
		if (!ret)
			ret = cur_blanks(&c) ?: cur_u64(&c, &used);
		if (!ret)
			ret = cur_blanks(&c) ?: cur_s64(&c, &prio);
		if (!ret)
			ret = cur_eol(&c);
		if (ret)
			return ret;
		if (used > size || sw->total_kb + size < size)
			return -ERANGE;
		sw->total_kb += size;
		sw->used_kb += used;
		if (id != UINT32_MAX) {
			sw->zram_total_kb += size;
			sw->zram_used_kb += used;
		}
	}
	return 0;
}

/*
 * /proc/vmstat (mm/vmstat.c), "name value" a line:
 *
 *   workingset_refault_anon 611061
 *   workingset_refault_file 2943742
 *   ...
 *   pswpin 611062
 *
 * Only the page-in counters are taken; each may be absent (a kernel
 * without CONFIG_VM_EVENT_COUNTERS has no pswpin), which has_* says.
 * The last line may be cut by a short buffer: it is then ignored.
 */
int proc_parse_vmstat_buf(const char *buf, size_t len, struct proc_vmstat *vs)
{
	struct cur c = { buf, buf + len };
	uint64_t legacy = 0;
	bool has_legacy = false;

	memset(vs, 0, sizeof(*vs));
	while (c.p < c.end) {
		const char *eol = memchr(c.p, '\n', (size_t)(c.end - c.p));
		uint64_t *v = NULL;
		bool *has = NULL;
		const char *w;
		size_t n;

		if (!eol)
			break; /* cut */
		if (cur_word(&c, &w, &n))
			return -EINVAL;
		if (n == 6 && !memcmp(w, "pswpin", 6)) {
			v = &vs->pswpin;
			has = &vs->has_pswpin;
		} else if (n == 23 &&
			   !memcmp(w, "workingset_refault_file", 23)) {
			v = &vs->refault_file;
			has = &vs->has_refault;
		} else if (n == 18 && !memcmp(w, "workingset_refault", 18)) {
			v = &legacy;
			has = &has_legacy;
		}
		if (v) {
			int ret = cur_blanks(&c) ?: cur_u64(&c, v);

			if (!ret)
				ret = cur_eol(&c);
			if (ret)
				return ret;
			*has = true;
		} else {
			c.p = eol + 1;
		}
	}
	if (!vs->has_refault && has_legacy) {
		vs->refault_file = legacy;
		vs->has_refault = true;
	}
	return 0;
}

/*
 * /sys/block/zramN/mm_stat (drivers/block/zram/zram_drv.c, mm_stat_show()),
 * bytes or pages, on one line:
 *
 *   orig_data_size compr_data_size mem_used_total mem_limit mem_used_max
 *   same_pages pages_compacted huge_pages huge_pages_since
 *
 * The first four are taken; 4.1 printed seven, 6.x nine: any number
 * from four on is accepted.
 */
int proc_parse_zram_mm_stat_buf(const char *buf, size_t len,
				struct zram_mm_stat *mm)
{
	struct cur c = { buf, buf + len };
	uint64_t *f[] = { &mm->orig_data_size, &mm->compr_data_size,
			  &mm->mem_used_total, &mm->mem_limit };
	int ret = 0;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]) && !ret; i++) {
		cur_skip_blanks(&c);
		ret = cur_u64(&c, f[i]);
	}
	if (ret)
		return ret;
	/* The rest: numbers, each after a blank, to the end of the line. */
	while (!cur_blanks(&c) && c.p < c.end && *c.p != '\n') {
		uint64_t skip;

		ret = cur_u64(&c, &skip);
		if (ret)
			return ret;
	}
	return cur_eol(&c) || c.p != c.end ? -EINVAL : 0;
}

/*
 * /proc/loadavg (fs/proc/loadavg.c): three load averages, running and
 * all threads, and the last PID the reader's namespace gave out (a
 * process's or a thread's):
 *
 *   0.20 0.18 0.12 1/80 11206
 */
int proc_parse_loadavg_last_pid_buf(const char *buf, size_t len,
				    uint64_t *last_pid)
{
	struct cur c = { buf, buf + len };
	const char *w;
	uint64_t pid;
	size_t n;
	int ret = 0;

	for (int i = 0; i < 4 && !ret; i++)
		ret = cur_word(&c, &w, &n) ?: cur_blanks(&c);
	if (!ret)
		ret = cur_u64(&c, &pid);
	if (!ret && (cur_eol(&c) || c.p != c.end))
		ret = -EINVAL;
	if (!ret)
		*last_pid = pid;
	return ret;
}
