// SPDX-License-Identifier: GPL-2.0
/*
 * job_cpus: the CPU a build's jobs can have; see job_cpus.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_mem.h"
#include "job_cpus.h"
#include "pread_whole.h"
#include "proc_parse.h"

void job_cpus_init(struct job_cpus *jc, struct proc_sampler *proc,
		   const char *sys)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	memset(jc, 0, sizeof(*jc));
	jc->proc = proc;
	jc->online_pm = online > 0 ? (uint32_t)online * 1000 : 0;
	snprintf(jc->root, sizeof(jc->root), "%s/fs/cgroup", sys);
	/* cgroup v1 (cpu.cfs_quota_us) is not read: affinity only. */
	if (!cgroup_mem_is_cgroup2(jc->root))
		jc->root[0] = '\0';
}

int job_cpus_parse_max(const char *buf, size_t len, uint32_t *pm)
{
	const char *p = buf, *end = buf + len;
	uint64_t max = 0, period, v;
	bool none = false;

	if (len && end[-1] == '\n')
		end--;
	if (end - p >= 3 && !memcmp(p, "max", 3)) {
		none = true;
		p += 3;
	} else if (proc_parse_u64(&p, end, &max)) {
		return -EINVAL;
	}
	/* The kernel takes periods of 1 ms to 1 s. */
	if (p == end || *p++ != ' ' || proc_parse_u64(&p, end, &period) ||
	    p != end || !period || period > UINT64_MAX / 1000)
		return -EINVAL;
	if (none) {
		*pm = 0;
		return 0;
	}
	if (max / period >= UINT32_MAX / 1000) {
		*pm = UINT32_MAX;
		return 0;
	}
	v = max / period * 1000 + ((max % period) * 1000 + period - 1) / period;
	*pm = v ? (uint32_t)v : 1;
	return 0;
}

#define CPU_MAX "/cpu.max"

/* The smaller of two amounts of CPU, where 0 is "not known". */
static uint32_t tighter(uint32_t a, uint32_t b)
{
	return !a || (b && b < a) ? b : a;
}

/*
 * cpu.max of the @len bytes of @dir, per mille, which has room for its
 * name after them; 0 where it has none or it does not parse.
 */
static uint32_t level_pm(char *dir, size_t len)
{
	char buf[64];
	uint32_t pm = 0;
	ssize_t n;
	int fd;

	memcpy(dir + len, CPU_MAX, sizeof(CPU_MAX));
	fd = open(dir, O_RDONLY | O_CLOEXEC);
	dir[len] = '\0';
	if (fd < 0)
		return 0;
	n = pread_whole(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || (size_t)n == sizeof(buf) ||
	    job_cpus_parse_max(buf, (size_t)n, &pm))
		return 0;
	return pm;
}

/*
 * The tightest cpu.max of cgroup @path (as /proc/PID/cgroup names it)
 * and its ancestors below the root, which has none; 0: none at all.
 */
static uint32_t quota_pm(const struct job_cpus *jc, const char *path)
{
	char dir[PATH_MAX * 2 + sizeof(CPU_MAX)];
	size_t top = strlen(jc->root), len = top + strlen(path);
	uint32_t min = 0;

	/* Outside oomqd's cgroup namespace ("/.."): not under its mount. */
	if (path[0] != '/' || !strncmp(path, "/..", 3))
		return 0;
	memcpy(dir, jc->root, top);
	memcpy(dir + top, path, len - top + 1);
	while (len > top + 1) {
		char *slash;

		min = tighter(min, level_pm(dir, len));
		slash = strrchr(dir + top, '/');
		*slash = '\0';
		len = (size_t)(slash - dir);
	}
	return min;
}

uint32_t job_cpus_pm(struct job_cpus *jc, pid_t pid, uint64_t now_ms)
{
	char path[PATH_MAX];
	uint32_t pm = jc->online_pm;
	cpu_set_t set;

	if (!sched_getaffinity(pid, sizeof(set), &set))
		pm = tighter(pm, (uint32_t)CPU_COUNT(&set) * 1000);
	if (!jc->root[0] || proc_read_cgroup(jc->proc, pid, path, sizeof(path)))
		return pm;
	/* jc->path starts "": never a cgroup's path, which starts '/'. */
	if (strcmp(path, jc->path) ||
	    now_ms - jc->read_ms >= JOB_CPUS_REREAD_MS) {
		jc->quota_pm = quota_pm(jc, path);
		memcpy(jc->path, path, sizeof(jc->path));
		jc->read_ms = now_ms;
	}
	return tighter(pm, jc->quota_pm);
}
