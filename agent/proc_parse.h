/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers of /proc files.  Each takes the bytes read from one file (not
 * necessarily NUL-terminated) and fills a struct; none reads a file, logs
 * or allocates, so they run in the pressure path and under a fuzzer.
 * status and cgroup also parse a line at a time (proc_status_line(),
 * proc_cgroup_line()), for a reader whose buffer the file outgrows.
 *
 * Return 0, -EINVAL for malformed input (the struct is then undefined),
 * -ERANGE for a number that does not fit, -ENOENT when a required line is
 * absent, -ENOSPC when an output buffer is too small, -EFBIG when a line
 * the parser needs was cut.
 */
#ifndef _OOMQD_PROC_PARSE_H
#define _OOMQD_PROC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROC_PF_KTHREAD 0x00200000UL /* include/linux/sched.h */

/*
 * The decimal at *@p, before @end: *@p moves past its digits.  -EINVAL
 * when no digit is there, -ERANGE above UINT64_MAX.  For the other
 * files' parsers too (PSI, cgroup's memory files).
 */
int proc_parse_u64(const char **p, const char *end, uint64_t *v);

struct proc_stat {
	int pid;
	char comm[64]; /* kthread names may be longer than TASK_COMM_LEN */
	char state;
	int ppid;
	int pgrp; /* process group */
	int session;
	int tty_nr; /* controlling terminal's device number, 0: none */
	unsigned long flags; /* PF_* */
	uint64_t utime; /* clock ticks */
	uint64_t stime; /* clock ticks */
	long nice;
	int threads; /* num_threads */
	uint64_t starttime; /* clock ticks after boot */
	uint64_t vsize; /* bytes */
	uint64_t rss; /* pages, get_mm_rss() as oom_badness() reads it */
};

struct proc_statm {
	uint64_t size; /* pages (total_vm) */
	uint64_t resident; /* pages */
	uint64_t shared; /* pages */
};

struct proc_status {
	unsigned int uid[4]; /* real, effective, saved, fs */
	unsigned int gid[4];
	int ppid;
	int tracer_pid; /* the ptrace()ing process, 0: none */
	unsigned int threads;
	uint64_t cap_eff;
	int has_mm; /* Vm* lines present: not a kthread or zombie */
	uint64_t vm_size_kb;
	uint64_t vm_rss_kb;
	uint64_t vm_swap_kb;
	uint64_t vm_pte_kb;
	uint64_t rss_anon_kb;
	uint64_t rss_file_kb;
	uint64_t rss_shmem_kb;
	unsigned int seen; /* of the lines proc_status_done() requires */
};

struct proc_schedstat {
	uint64_t run_ns; /* on a CPU */
	uint64_t wait_ns; /* runnable, waiting for a CPU */
	uint64_t runs; /* times switched in */
};

struct proc_meminfo {
	uint64_t mem_total_kb;
	uint64_t mem_available_kb;
	uint64_t swap_total_kb;
	uint64_t swap_free_kb;
};

int proc_parse_stat_buf(const char *buf, size_t len, struct proc_stat *st);
int proc_parse_statm_buf(const char *buf, size_t len, struct proc_statm *sm);
int proc_parse_status_buf(const char *buf, size_t len, struct proc_status *ps);
/*
 * The same, a line at a time: init, every line (without its newline;
 * @cut: only the first @len bytes of a longer line), done.
 */
void proc_status_init(struct proc_status *ps);
int proc_status_line(struct proc_status *ps, const char *line, size_t len,
		     bool cut);
int proc_status_done(const struct proc_status *ps);
int proc_parse_oom_score_adj_buf(const char *buf, size_t len, int *adj);
int proc_parse_oom_score_buf(const char *buf, size_t len, unsigned long *score);
int proc_parse_cmdline_buf(const char *buf, size_t len, char *out, size_t size);
int proc_parse_cgroup_buf(const char *buf, size_t len, char *out, size_t size);
/* One line of it: 1 for the v2 line (into @out unless NULL), 0 for another. */
int proc_cgroup_line(const char *line, size_t len, bool cut, char *out,
		     size_t size);
int proc_parse_meminfo_buf(const char *buf, size_t len,
			   struct proc_meminfo *mi);

/* zram devices /proc/swaps lists that are followed (mm_stat each). */
#define PROC_SWAPS_ZRAM_MAX 8

/* /proc/swaps: every swap device and file, and which are zram. */
struct proc_swaps {
	uint64_t total_kb; /* all devices: SwapTotal as /proc/swaps adds */
	uint64_t used_kb;
	uint64_t zram_total_kb; /* the /dev/zramN ones among them */
	uint64_t zram_used_kb;
	unsigned int nzram; /* entries of zram[] */
	unsigned int zram[PROC_SWAPS_ZRAM_MAX]; /* their N, in file order */
	bool zram_cut; /* more zram devices than PROC_SWAPS_ZRAM_MAX */
};

/* /proc/vmstat's page-in counters, pages since boot. */
struct proc_vmstat {
	uint64_t pswpin; /* pages read from swap (zram too) */
	uint64_t refault_file; /* workingset_refault_file, or the 4.x-5.8
				* workingset_refault (file only then) */
	bool has_pswpin;
	bool has_refault;
};

/*
 * /sys/block/zramN/mm_stat, bytes
 * (Documentation/admin-guide/blockdev/zram.rst).
 */
struct zram_mm_stat {
	uint64_t orig_data_size; /* what was swapped to it, uncompressed */
	uint64_t compr_data_size;
	uint64_t mem_used_total; /* RAM it holds, allocator overhead too */
	uint64_t mem_limit; /* 0: none */
};

int proc_parse_swaps_buf(const char *buf, size_t len, struct proc_swaps *sw);
int proc_parse_vmstat_buf(const char *buf, size_t len, struct proc_vmstat *vs);
int proc_parse_zram_mm_stat_buf(const char *buf, size_t len,
				struct zram_mm_stat *mm);
int proc_parse_schedstat_buf(const char *buf, size_t len,
			     struct proc_schedstat *ss);
int proc_parse_uptime_buf(const char *buf, size_t len, uint64_t *uptime_ms);
int proc_parse_loadavg_last_pid_buf(const char *buf, size_t len,
				    uint64_t *last_pid);

#endif /* _OOMQD_PROC_PARSE_H */
