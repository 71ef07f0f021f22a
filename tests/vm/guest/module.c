// SPDX-License-Identifier: GPL-2.0
/* Loading and unloading oomq.ko with the raw syscalls, for exact errnos. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"

int module_load_path(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = -errno;
	close(fd);
	return err;
}

int module_unload_name(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/*
 * oomq.ko, in the hook mode the kernel spec asks for unless @params does;
 * for auto, the default, by saying nothing.
 */
int module_load(const char *params)
{
	char with_mode[256];
	int err;

	if (env.mode && strcmp(env.mode, "auto") && !strstr(params, "mode=")) {
		snprintf(with_mode, sizeof(with_mode), "mode=%s %s", env.mode,
			 params);
		params = with_mode;
	}
	err = module_load_path(env.module_path, params);

	if (!err)
		env.module_loaded = true;
	return err;
}

int module_unload(void)
{
	int err = module_unload_name("oomq");

	if (!err)
		env.module_loaded = false;
	return err;
}
