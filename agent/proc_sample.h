/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampler: reads /proc (or a fake tree: the root is a parameter)
 * into a preallocated table of struct sample.  It reads only what the
 * active policy needs and allocates nothing after proc_sampler_open(),
 * so it can run in the pressure path.
 */
#ifndef _OOMQD_PROC_SAMPLE_H
#define _OOMQD_PROC_SAMPLE_H

#include <stddef.h>
#include <sys/types.h>

#include "proc_parse.h"
#include "sample.h"

/* What to read beyond stat, status and oom_score_adj. */
#define PROC_NEED_CMDLINE 0x1
#define PROC_NEED_EXE 0x2
#define PROC_NEED_CGROUP 0x4
/*
 * What the lazy pass's first stage must read for the rules: the full
 * sample has comm (stat) and uid (status) anyway, the first stage only
 * when a rule matches them.
 */
#define PROC_NEED_COMM 0x8
#define PROC_NEED_UID 0x10
/* Its stat and its ancestors' (lineage.h), into sample_text.lineage. */
#define PROC_NEED_LINEAGE 0x20

/* Files read and not yet closed: proc_sampler_flush() closes them. */
#define PROC_DEFER_FDS 32

/* Processes whose stat a pass remembers for lineage.c: 2^PROC_KIN_BITS. */
#define PROC_KIN_BITS 9

struct proc_kin_slot {
	struct sample_kin kin;
	unsigned int gen; /* the pass that read it */
};

struct proc_sampler {
	int root_fd; /* the /proc root, O_DIRECTORY */
	int meminfo_fd; /* its meminfo, kept open: proc_read_meminfo() */
	int loadavg_fd; /* its loadavg, kept open: proc_read_last_pid() */
	pid_t self; /* flagged SAMPLE_SELF, never queued */
	unsigned int page_kb; /* stat's rss is in pages */
	unsigned int skipped; /* last pass: processes that vanished */
	unsigned int malformed; /* last pass: files that did not parse */
	int fail_err; /* the first failure since proc_sampler_reset(), or 0 */
	char fail_path[64]; /* its file, under the root: "1234/status" */
	unsigned int ndeferred; /* fds in deferred[] */
	int deferred[PROC_DEFER_FDS]; /* per-process files read, to close */
	int no_close_range; /* the kernel has none (before 5.9) */
	unsigned int gen; /* the pass: proc_sampler_reset() counts it */
	struct proc_kin_slot kin[1u << PROC_KIN_BITS]; /* 28 KiB, lineage.c */
	_Alignas(8) char dents[32768]; /* getdents64 records, 8-aligned */
	/*
	 * One /proc file at a time.  A file that fills it is -EFBIG, never
	 * parsed cut; status and cgroup are read a line at a time, since
	 * lines nobody needs can make them larger (Groups, v1 paths).
	 */
	char buf[8192];
};

/*
 * Called for every sampled process with the strings the policy asked
 * for (empty when not read or not readable), before the next process
 * overwrites them.  This is where policy rules are matched.
 */
typedef void (*proc_classify_fn)(struct sample *s,
				 const struct sample_text *text, void *ctx);

int proc_sampler_open(struct proc_sampler *ps, const char *root);
void proc_sampler_close(struct proc_sampler *ps);

/*
 * Reads one file of the root ("meminfo", "1/stat") into ps->buf: 0,
 * -EFBIG when it does not fit, or -errno.
 */
int proc_read(struct proc_sampler *ps, const char *path, size_t *len);
/* meminfo, read and parsed: 0, or -errno as proc_read() and the parse. */
int proc_read_meminfo(struct proc_sampler *ps, struct proc_meminfo *mi);
/*
 * The last PID given out (loadavg's last field): when it moved, a
 * process or a thread was created since.  0, or -errno.
 */
int proc_read_last_pid(struct proc_sampler *ps, uint64_t *last_pid);
/*
 * Zeroes the counts of a pass and forgets its first failure.  A failure
 * (not a process that vanished) leaves its file and error in fail_path
 * and fail_err until then, so the top can name it.
 */
void proc_sampler_reset(struct proc_sampler *ps);
/*
 * Closes the files of processes read since the last call.  The walks
 * below call it before they return; whoever reads a process's files
 * outside them (proc_sample_one(), proc_read_*()) calls it after.
 */
void proc_sampler_flush(struct proc_sampler *ps);

int proc_sample_sys(struct proc_sampler *ps, struct sample_sys *sys);

/*
 * The lazy pass's first stage: one small file each.  0, -ESRCH when
 * the process went away, or -errno (-EINVAL: did not parse; -EFBIG: too
 * large for the buffer).
 */
/* /proc/<pid>/oom_score, the kernel's normalised oom_badness(). */
int proc_read_oom_score(struct proc_sampler *ps, pid_t pid,
			unsigned long *score);
/* /proc/<pid>/comm into @comm (SAMPLE_COMM_LEN), without the newline. */
int proc_read_comm(struct proc_sampler *ps, pid_t pid, char *comm);
/* /proc/<pid>/stat, parsed. */
int proc_read_stat(struct proc_sampler *ps, pid_t pid, struct proc_stat *st);
/* The real and effective uid, from /proc/<pid>/status. */
int proc_read_uid(struct proc_sampler *ps, pid_t pid, uid_t *uid, uid_t *euid);
/*
 * The cgroup v2 path into @out (@size bytes): 0, -ESRCH, or -errno
 * (then @out is empty).
 */
int proc_read_cgroup(struct proc_sampler *ps, pid_t pid, char *out,
		     size_t size);
/* cmdline, exe and cgroup as @need asks; empty when unreadable. */
void proc_read_text(struct proc_sampler *ps, pid_t pid, unsigned int need,
		    struct sample_text *text);

/* Called for every pid of the root; a non-zero return stops the walk. */
typedef int (*proc_pid_fn)(pid_t pid, void *ctx);
/* 0, the first non-zero return of @fn, or -errno of getdents64. */
int proc_for_each_pid(struct proc_sampler *ps, proc_pid_fn fn, void *ctx);
/*
 * The same for the threads of @pid (its task directory): -ESRCH when it
 * is gone.  Not from inside proc_for_each_pid(): both list into dents.
 */
int proc_for_each_tid(struct proc_sampler *ps, pid_t pid, proc_pid_fn fn,
		      void *ctx);

/*
 * 0, or -ESRCH when the process went away, or -errno.  @text may be
 * NULL: the strings are then not read (the lazy pass matched the rules
 * in its first stage).
 */
int proc_sample_one(struct proc_sampler *ps, pid_t pid, unsigned int need,
		    struct sample *s, struct sample_text *text);

/*
 * Samples every process into @tab (at most @cap), calling @classify for
 * each.  Processes that vanish or whose files do not parse are skipped
 * and counted.  -ENOSPC when there were more than @cap processes (the
 * first @cap are in the table), else 0 or -errno.
 */
int proc_sample_all(struct proc_sampler *ps, unsigned int need,
		    struct sample *tab, size_t cap, size_t *n,
		    proc_classify_fn classify, void *ctx);

#endif /* _OOMQD_PROC_SAMPLE_H */
