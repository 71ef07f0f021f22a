// SPDX-License-Identifier: GPL-2.0
/* cgroup v2 helpers; /init mounted the hierarchy at /sys/fs/cgroup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmtest.h"

#define CG_ROOT "/sys/fs/cgroup"

int cg_create(const char *name, char *path, size_t size)
{
	snprintf(path, size, CG_ROOT "/%s", name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int cg_set(const char *path, const char *file, const char *value)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", path, file);
	return write_str(p, value);
}

/* "populated 1\nfrozen 1\n" in cgroup.events */
bool cg_wait_frozen(const char *path, int want, unsigned int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	char p[256], buf[256], key[16];

	snprintf(p, sizeof(p), "%s/cgroup.events", path);
	snprintf(key, sizeof(key), "frozen %d", want);
	do {
		if (read_text(p, buf, sizeof(buf)) > 0 && strstr(buf, key))
			return true;
		sleep_ms(10);
	} while (now_ms() < end);
	return false;
}

/*
 * Thaw, kill what is left (cgroup.kill, 5.14+) and remove.  Killed
 * tasks leave the cgroup only once reaped, so the caller reaps first
 * and rmdir retries for a moment.
 */
void cg_remove(const char *path)
{
	cg_set(path, "cgroup.freeze", "0");
	cg_set(path, "cgroup.kill", "1");
	for (int i = 0; i < 200 && rmdir(path) && errno == EBUSY; i++)
		sleep_ms(10);
}
