// SPDX-License-Identifier: GPL-2.0
/*
 * Small readers and writers of /proc and /sys files.  Writers use exactly
 * one write() so the errno the module returns is the one we see.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmtest.h"

ssize_t read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			int err = errno;

			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int write_text(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO; /* a short write would split the list */
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int write_str(const char *path, const char *s)
{
	return write_text(path, s, strlen(s));
}

/* "oom_kill 3" in /proc/vmstat: global and memcg OOM kills since boot. */
long long vmstat_oom_kill(void)
{
	static char buf[16384];
	const char *p;

	if (read_text("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\noom_kill ");
	return p ? atoll(p + 10) : -1;
}

static long read_long(const char *path)
{
	char buf[64];

	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1000000;
	return strtol(buf, NULL, 10);
}

long oom_score(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	return read_long(path);
}

long oom_score_adj(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	return read_long(path);
}

void normalize(char *s)
{
	char *out = s;
	const char *in = s;
	bool space = false;

	for (; *in; in++) {
		if (*in == ' ' || *in == '\n' || *in == '\t') {
			space = out != s;
			continue;
		}
		if (space)
			*out++ = ' ';
		space = false;
		*out++ = *in;
	}
	*out = '\0';
}

int queue_read(char *buf, size_t size)
{
	ssize_t n = read_text("/proc/oom", buf, size);

	if (n < 0)
		return n;
	normalize(buf);
	return 0;
}

int queue_set(const pid_t *pids, size_t n)
{
	char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(buf) - 16; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d",
				i ? " " : "", pids[i]);
	buf[len++] = '\n';
	return write_text("/proc/oom", buf, len);
}

int queue_clear(void)
{
	return write_text("/proc/oom", "\n", 1);
}

int param_get(const char *name, char *buf, size_t size)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/oomq/parameters/%s", name);
	n = read_text(path, buf, size);
	if (n < 0)
		return n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int param_set(const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/oomq/parameters/%s", name);
	return write_str(path, value);
}

/*
 * /proc/slabinfo counts objects in per-CPU slabs as active, so flush them
 * first (kmem_cache_shrink) to make the number mean "allocated".
 *
 * "pid  1234  1300  128  32  1 : tunables 0 0 0 : slabdata 40 40 0"
 */
long slab_active(const char *cache)
{
	static char buf[65536];
	char path[128], key[64];
	const char *p;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	write_str(path, "1");
	if (read_text("/proc/slabinfo", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "\n%s ", cache);
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}
