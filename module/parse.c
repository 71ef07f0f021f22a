// SPDX-License-Identifier: GPL-2.0
/*
 * Parse a PID list written to /proc/oom.
 *
 *	"11 22 33\n"	"11,22,33"	"11\t22\n33\n"	""	"\n"
 *
 * Only digits and separators (space, tab, comma, newline) are allowed.
 * Numbers are plain decimal: no sign, no leading zero (it could be meant
 * as octal), no zero, nothing above OOMQ_PID_MAX.  The whole buffer is
 * checked before the caller changes anything, so a bad list is refused
 * whole.
 */
#include "parse.h"
#include "../include/uapi/linux/oomq.h"

static int is_separator(char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '\n';
}

/**
 * oomq_parse_pids - parse a PID list
 * @buf: the text, not NUL-terminated
 * @len: its length in bytes
 * @pids: where to store the PIDs, room for @max
 * @max: how many PIDs fit
 * @count: how many were stored
 *
 * Return: 0, -EINVAL for a malformed list, else -E2BIG for more than
 * @max PIDs.
 */
int oomq_parse_pids(const char *buf, size_t len, unsigned int *pids,
		    unsigned int max, unsigned int *count)
{
	unsigned int n = 0;
	size_t i = 0;

	while (i < len) {
		unsigned long value = 0;
		size_t start;

		if (is_separator(buf[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && buf[i] >= '0' && buf[i] <= '9') {
			value = value * 10 + (buf[i] - '0');
			if (value > OOMQ_PID_MAX)
				return -EINVAL;
			i++;
		}
		if (i == start || buf[start] == '0')
			return -EINVAL;
		if (i < len && !is_separator(buf[i]))
			return -EINVAL;
		if (n < max)
			pids[n] = value;
		n++;
	}
	if (n > max)
		return -E2BIG;
	*count = n;
	return 0;
}
