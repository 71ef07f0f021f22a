// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the task dump's decoder (lib/oomq_tasks.c), which
 * oomqd runs on every message of every pass, and the conversion into a
 * sample (agent/task_sample.c).  The input is one netlink message; its
 * header's length is set to the input's, as recvmsg() framing would
 * guarantee.  Checks:
 *  - oomq_task_parse() returns 0, -ENOMSG or -EBADMSG;
 *  - on 0, comm is NUL-terminated and the sample is filled without
 *    undefined behaviour (UBSan) for any numbers;
 *  - the message is an exact-size heap copy, so ASan sees any read
 *    past its end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "oomq_tasks.h"
#include "../../agent/task_sample.h"
#include "fuzz_assert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sample_sys sys = { .page_kb = 4, .clk_tck = 100 };
	struct nlmsghdr *nlh;
	struct oomq_task t;
	struct sample s;
	int ret;

	if (size < NLMSG_HDRLEN || size > 65536)
		return 0;
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	nlh->nlmsg_len = (uint32_t)size;
	ret = oomq_task_parse(nlh, &t);
	fuzz_assert(ret == 0 || ret == -ENOMSG || ret == -EBADMSG);
	if (!ret) {
		fuzz_assert(memchr(t.comm, '\0', sizeof(t.comm)));
		task_sample(&t, &sys, 1, &s);
		fuzz_assert(memchr(s.comm, '\0', sizeof(s.comm)));
	}
	free(nlh);
	return 0;
}
