// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the /proc parsers oomqd runs in its pressure
 * path (agent/proc_parse.c, psi_parse_buf() for /proc/pressure, and
 * agent/cgroup_mem.c's for a cgroup's memory files and mountinfo, and
 * /proc/swaps, /proc/vmstat and zram's mm_stat for swap_mem.c).
 * The first byte picks the parser (and, for the string parsers, the
 * output size), the rest is the file.  Checks:
 *  - each parser returns 0 or one of its documented -errno values;
 *  - string outputs are NUL-terminated within their size, and a guard
 *    past the end is untouched;
 *  - the input is an exact-size heap copy, not NUL-terminated, so ASan
 *    sees a read past the end (the parsers take a length, not a string).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/cgroup_mem.h"
#include "../../agent/proc_parse.h"
#include "../../agent/psi.h"
#include "fuzz_assert.h"

static int documented(int ret)
{
	return ret == 0 || ret == -EINVAL || ret == -ERANGE || ret == -ENOENT ||
	       ret == -ENOSPC || ret == -EFBIG;
}

/* A string parser into @size bytes, with a guard after them. */
static int string_parser(int (*fn)(const char *, size_t, char *, size_t),
			 const char *buf, size_t len, size_t size)
{
	char out[300];
	int ret;

	memset(out, 0x5a, sizeof(out));
	ret = fn(buf, len, out, size);
	if (ret == 0)
		fuzz_assert(memchr(out, '\0', size) != NULL);
	for (size_t i = size; i < sizeof(out); i++)
		fuzz_assert(out[i] == 0x5a);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct proc_stat st;
		struct proc_statm sm;
		struct proc_status ps;
		struct proc_meminfo mi;
		struct proc_schedstat ss;
		struct psi_stats psi;
		struct proc_swaps sw;
		struct proc_vmstat vs;
		struct zram_mm_stat mm;
		struct cgroup_mem_stat cs;
		uint64_t u64;
		unsigned long ul;
		int i;
	} out;
	size_t len, outsize;
	char *buf;
	int ret;

	if (size < 1)
		return 0;
	/*
	 * Low nibble: the parser; high nibble: the string output size, and
	 * its lowest bit a cut line for the line parsers (9, 10); for 15,
	 * its low two bits pick PSI, swaps, vmstat or mm_stat.
	 */
	outsize = 1 + (size_t)(data[0] >> 4) * 16;
	len = size - 1;
	buf = malloc(len ? len : 1);
	fuzz_assert(buf);
	memcpy(buf, data + 1, len);

	switch (data[0] & 0x0f) {
	case 0:
		ret = proc_parse_stat_buf(buf, len, &out.st);
		if (!ret)
			fuzz_assert(
				memchr(out.st.comm, '\0', sizeof(out.st.comm)));
		break;
	case 1:
		ret = proc_parse_statm_buf(buf, len, &out.sm);
		break;
	case 2:
		ret = proc_parse_status_buf(buf, len, &out.ps);
		break;
	case 3:
		ret = proc_parse_oom_score_adj_buf(buf, len, &out.i);
		if (!ret)
			fuzz_assert(out.i >= -1000 && out.i <= 1000);
		break;
	case 4:
		ret = proc_parse_oom_score_buf(buf, len, &out.ul);
		break;
	case 5:
		ret = string_parser(proc_parse_cmdline_buf, buf, len, outsize);
		break;
	case 6:
		ret = string_parser(proc_parse_cgroup_buf, buf, len, outsize);
		break;
	case 7:
		ret = proc_parse_meminfo_buf(buf, len, &out.mi);
		break;
	case 8:
		ret = proc_parse_uptime_buf(buf, len, &out.u64);
		break;
	case 9: /* one status line, whole or cut (the reader's view) */
		proc_status_init(&out.ps);
		ret = proc_status_line(&out.ps, buf, len, data[0] & 0x10);
		break;
	case 10: { /* one cgroup line, whole or cut */
		char path[300];

		memset(path, 0x5a, sizeof(path));
		ret = proc_cgroup_line(buf, len, data[0] & 0x10, path, outsize);
		if (ret == 1)
			fuzz_assert(memchr(path, '\0', outsize) != NULL);
		for (size_t i = outsize; i < sizeof(path); i++)
			fuzz_assert(path[i] == 0x5a);
		ret = ret == 1 ? 0 : ret;
		break;
	}
	case 11:
		ret = proc_parse_schedstat_buf(buf, len, &out.ss);
		break;
	case 12:
		ret = cgroup_mem_parse_limit(buf, len, &out.u64);
		break;
	case 13: /* memory.stat, whole or the start of a longer one */
		ret = cgroup_mem_parse_stat(buf, len, data[0] & 0x10, &out.cs);
		ret = ret == -ENODATA ? 0 : ret;
		break;
	case 14: { /* mountinfo, for a directory with a space in it */
		char path[300];

		memset(path, 0x5a, sizeof(path));
		ret = cgroup_mem_path(buf, len, "/sys/fs/cgroup/a b/c", path,
				      outsize);
		if (!ret)
			fuzz_assert(path[0] == '/' &&
				    memchr(path, '\0', outsize) != NULL);
		for (size_t i = outsize; i < sizeof(path); i++)
			fuzz_assert(path[i] == 0x5a);
		ret = ret == -EXDEV || ret == -ENAMETOOLONG ? 0 : ret;
		break;
	}
	default: /* 15: the high nibble's low two bits pick */
		switch ((data[0] >> 4) & 3) {
		case 0:
			ret = psi_parse_buf(buf, len, &out.psi);
			if (!ret)
				fuzz_assert(out.psi.some.avg10 >= 0);
			ret = ret == -ENODATA ? 0 : ret;
			break;
		case 1:
			ret = proc_parse_swaps_buf(buf, len, &out.sw);
			if (!ret)
				fuzz_assert(out.sw.nzram <=
						    PROC_SWAPS_ZRAM_MAX &&
					    out.sw.used_kb <= out.sw.total_kb &&
					    out.sw.zram_total_kb <=
						    out.sw.total_kb &&
					    out.sw.zram_used_kb <=
						    out.sw.zram_total_kb);
			break;
		case 2:
			ret = proc_parse_vmstat_buf(buf, len, &out.vs);
			break;
		default:
			ret = proc_parse_zram_mm_stat_buf(buf, len, &out.mm);
			break;
		}
		break;
	}
	fuzz_assert(documented(ret));
	free(buf);
	return 0;
}
