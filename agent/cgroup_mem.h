/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup_mem: one cgroup v2 directory as the memory oomqd watches, for
 * oomqd in a container or told to look after one cgroup ([oomqd]
 * cgroup).  Its limits, usage and reclaimable memory turn the machine's
 * MemTotal/MemAvailable sample (struct pressure_sample) into the
 * cgroup's, and the path /proc/<pid>/cgroup shows for it keeps the
 * ranking to the processes of its subtree (classify.c).
 *
 * Every file is opened once in cgroup_mem_open() and read with pread()
 * into a buffer of the struct's own: reading never allocates.
 *
 *	struct cgroup_mem cm;
 *	struct cgroup_mem_sample cs;
 *
 *	err = cgroup_mem_open(&cm, "/sys/fs/cgroup/build");
 *	...
 *	err = cgroup_mem_read(&cm, &cs);
 *	if (!err)
 *		cgroup_mem_apply(&cs, &sample);   MemTotal -> the limit, ...
 */
#ifndef _OOMQ_AGENT_CGROUP_MEM_H
#define _OOMQ_AGENT_CGROUP_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pressure.h"

#define CGROUP_MEM_ROOT "/sys/fs/cgroup"
/*
 * Levels whose limits count: the cgroup and its ancestors up to the
 * root (which has no limit files) or the top of what this mount shows.
 * systemd nests five or six deep; a deeper tree's upper limits are not
 * read (said at open).
 */
#define CGROUP_MEM_DEPTH 16
/*
 * memory.stat is about 1.5 KiB on 6.12 (60 lines); what is needed is in
 * its first lines.  A longer file is read to this many bytes: the keys
 * past them are not found (cgroup_mem_parse_stat()).
 */
#define CGROUP_MEM_BUF 4096

#define CGROUP_MEM_NO_LIMIT UINT64_MAX

/* The limit files of one level; -1 where absent. */
struct cgroup_mem_level {
	int max; /* memory.max */
	int high; /* memory.high */
	int current; /* memory.current */
	int swap_max; /* memory.swap.max: only with swap accounting */
};

struct cgroup_mem {
	int stat; /* memory.stat */
	int swap_current; /* memory.swap.current, or -1 */
	struct cgroup_mem_level lv[CGROUP_MEM_DEPTH]; /* [0]: the cgroup */
	unsigned int depth; /* levels opened */
	bool cut; /* more ancestors with limits than CGROUP_MEM_DEPTH */
	char buf[CGROUP_MEM_BUF];
};

/* From memory.stat, bytes; see cgroup_mem_apply() for their use. */
struct cgroup_mem_stat {
	uint64_t inactive_file;
	uint64_t active_file;
	uint64_t slab_reclaimable;
};

/* One reading, KiB; CGROUP_MEM_NO_LIMIT where no level limits. */
struct cgroup_mem_sample {
	uint64_t limit_kb; /* min of memory.max and memory.high, all levels */
	uint64_t headroom_kb; /* min of (limit - memory.current) */
	uint64_t current_kb; /* memory.current of the cgroup */
	uint64_t reclaimable_kb; /* counted of memory.stat */
	uint64_t swap_limit_kb; /* min of memory.swap.max, all levels */
	uint64_t swap_current_kb; /* memory.swap.current, or 0 */
	unsigned int limit_level; /* the level the limit is of, 0: itself */
};

int cgroup_mem_parse_limit(const char *buf, size_t len, uint64_t *bytes);
int cgroup_mem_parse_stat(const char *buf, size_t len, bool cut,
			  struct cgroup_mem_stat *st);
uint64_t cgroup_mem_reclaimable(const struct cgroup_mem_stat *st);

int cgroup_mem_open(struct cgroup_mem *cm, const char *dir);
bool cgroup_mem_is_cgroup2(const char *dir);
int cgroup_mem_read(struct cgroup_mem *cm, struct cgroup_mem_sample *cs);
void cgroup_mem_apply(const struct cgroup_mem_sample *cs,
		      struct pressure_sample *s);
void cgroup_mem_close(struct cgroup_mem *cm);

bool cgroup_mem_auto(const char *root);
int cgroup_mem_path(const char *mountinfo, size_t len, const char *dir,
		    char *out, size_t size);
bool cgroup_path_within(const char *path, const char *scope);
int cgroup_mem_resolve(const char *conf, char *dir, size_t dsize, char *scope,
		       size_t ssize, const char **why);

#endif /* _OOMQ_AGENT_CGROUP_MEM_H */
