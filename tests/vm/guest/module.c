// SPDX-License-Identifier: GPL-2.0
/* Loading and unloading oomq.ko with the raw syscalls, for exact errnos. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"

int module_load(const char *params)
{
	int fd = open(env.module_path, O_RDONLY | O_CLOEXEC);
	char with_mode[256];
	int err = 0;

	if (fd < 0)
		return -errno;
	if (env.mode && !strstr(params, "mode=")) {
		snprintf(with_mode, sizeof(with_mode), "mode=%s %s", env.mode,
			 params);
		params = with_mode;
	}
	if (syscall(SYS_finit_module, fd, params, 0))
		err = -errno;
	close(fd);
	if (!err)
		env.module_loaded = true;
	return err;
}

int module_unload(void)
{
	if (syscall(SYS_delete_module, "oomq", O_NONBLOCK))
		return -errno;
	env.module_loaded = false;
	return 0;
}
