/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small kernel file (a pressure file, a cgroup's memory files) read
 * whole from offset 0 through a descriptor kept open, without
 * allocating: pread() until end of file or a full buffer.
 */
#ifndef _OOMQ_AGENT_PREAD_WHOLE_H
#define _OOMQ_AGENT_PREAD_WHOLE_H

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

/* The file's length, @size when it filled @buf (more may follow), or -errno. */
static inline ssize_t pread_whole(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n = pread(fd, buf + len, size - len, (off_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

#endif /* _OOMQ_AGENT_PREAD_WHOLE_H */
