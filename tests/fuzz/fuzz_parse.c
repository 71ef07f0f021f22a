// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the /proc/oom grammar.  The first input byte
 * picks @max (0 .. OOMQ_QUEUE_MAX, biased to small values so E2BIG is
 * reached), the rest is the write.  Checks the contract, not just "no
 * crash":
 *  - the result is 0, -EINVAL or -E2BIG and nothing else;
 *  - on success every PID is in 1..OOMQ_PID_MAX, count <= max, and the
 *    list re-parses to itself when printed back with other separators;
 *  - on failure *count is untouched;
 *  - nothing is written past @max PIDs (the array is exactly @max long
 *    on the heap, so ASan sees an overflow).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../module/parse.h"
#include "../../include/uapi/linux/oomq.h"
#include "fuzz_assert.h"

#define UNTOUCHED 0xdeadbeefu

/* Print @pids back as "a,b\tc..." and check the parser agrees. */
static void check_roundtrip(const unsigned int *pids, unsigned int n)
{
	static const char seps[] = { ',', ' ', '\t', '\n' };
	char *buf = malloc((size_t)n * 8 + 1);
	unsigned int *again = malloc(((size_t)n + 1) * sizeof(*again));
	unsigned int count = UNTOUCHED;
	size_t len = 0;

	fuzz_assert(buf && again);
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "%u%c", pids[i], seps[i % 4]);
	fuzz_assert(oomq_parse_pids(buf, len, again, n, &count) == 0);
	fuzz_assert(count == n);
	fuzz_assert(n == 0 || memcmp(pids, again, n * sizeof(*pids)) == 0);
	free(again);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int max, count = UNTOUCHED;
	unsigned int *pids;
	char *buf;
	int ret;

	if (size < 1)
		return 0;
	max = data[0] < 0xf0 ? data[0] % 16 : OOMQ_QUEUE_MAX;
	data++;
	size--;

	/* Exactly @size bytes, not NUL-terminated, like a write(). */
	buf = malloc(size ? size : 1);
	pids = malloc((max ? max : 1) * sizeof(*pids));
	fuzz_assert(buf && pids);
	memcpy(buf, data, size);

	ret = oomq_parse_pids(buf, size, max ? pids : NULL, max, &count);
	fuzz_assert(ret == 0 || ret == -EINVAL || ret == -E2BIG);
	if (ret == 0) {
		fuzz_assert(count <= max);
		for (unsigned int i = 0; i < count; i++)
			fuzz_assert(pids[i] >= 1 && pids[i] <= OOMQ_PID_MAX);
		check_roundtrip(pids, count);
	} else {
		fuzz_assert(count == UNTOUCHED);
	}
	free(pids);
	free(buf);
	return 0;
}
