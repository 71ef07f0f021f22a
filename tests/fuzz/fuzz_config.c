// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for oomqd's config file: the input is the file's
 * text, run through what `oomqd --check` runs (policy_parse_buf(), which
 * policy_load() calls on the file's bytes, then thresholds_from_policy())
 * and the error printer.  Checks the contract, not just "no crash":
 *  - the result is 0 or -EINVAL; -EINVAL exactly when errors were kept;
 *  - every error line is within the input (0: not tied to a line);
 *  - an accepted file has values in range and maps to thresholds that
 *    either pass pressure_config_check() or say why not; its kill can
 *    fire and its pausing comes before the kill;
 *  - its rules classify a process under a build (every match_* key
 *    against fixed strings and ancestors) to a rule in range, and a
 *    driver that is one of those ancestors or none;
 *  - the input is an exact-size heap copy, so ASan sees an over-read.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/oomq.h>

#include "../../agent/thresholds.h"
#include "fuzz_assert.h"

static struct policy pol;

/* A worker three below make, in a batch scope: what every key reads. */
static void classify_worker(void)
{
	static const char *const up[] = { "sh", "make", "bash", "konsole",
					  "systemd" };
	static struct sample_text t = {
		.cmdline = "cc -c x.c -o x.o",
		.exe = "/usr/bin/x86_64-linux-gnu-gcc-12",
		.cgroup = "/user.slice/user-1000.slice/user@1000.service/"
			  "batch.slice/run-r1.scope",
	};
	struct sample s = { .pid = 100, .uid = 1000, .comm = "qzkvw" };
	pid_t driver;

	t.lineage.self.pid = 100;
	for (unsigned int i = 0; i < 5; i++) {
		t.lineage.up[i].pid = 99 - (pid_t)i;
		strcpy(t.lineage.up[i].comm, up[i]);
	}
	t.lineage.n = 5;
	policy_classify(&s, &t, &pol);
	fuzz_assert(s.rule == SAMPLE_NO_RULE ||
		    (s.rule >= 0 && (unsigned int)s.rule < pol.nrules));
	driver = policy_driver(&pol, s.rule, &t.lineage);
	fuzz_assert(!driver || (driver <= 99 && driver >= 95));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct pressure_config pc;
	struct kill_config kc;
	const char *why = NULL;
	unsigned int lines = 1;
	char *text;
	int ret;

	/* A config over 64 KiB is no more interesting, only slower. */
	if (size > 65536)
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	text = malloc(size ? size : 1);
	fuzz_assert(text && null);
	memcpy(text, data, size);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	policy_defaults(&pol);
	ret = policy_parse_buf(&pol, text, size);
	fuzz_assert(ret == 0 || ret == -EINVAL);
	fuzz_assert((ret == 0) == (pol.nerrors == 0));
	for (unsigned int i = 0; i < pol.nerrors && i < POLICY_ERRORS_MAX;
	     i++) {
		fuzz_assert(pol.errors[i].line <= lines);
		fuzz_assert(memchr(pol.errors[i].msg, '\0', POLICY_ERROR_LEN));
	}
	policy_print_errors(&pol, "fuzz.conf", null);
	if (ret == 0) {
		fuzz_assert(pol.nrules <= POLICY_RULES_MAX);
		fuzz_assert(pol.queue_length >= 1 &&
			    pol.queue_length <= OOMQ_QUEUE_MAX);
		fuzz_assert(pol.th.mem_critical_pct <= pol.th.mem_low_pct);
		fuzz_assert(!pol.th.kill || pol.th.mem_critical_pct);
		fuzz_assert(!pol.th.kill || !pol.th.pause_pct ||
			    pol.th.pause_pct > pol.th.mem_critical_pct);
		classify_worker();
		ret = thresholds_from_policy(&pol, &pc, &kc, &why);
		fuzz_assert(ret == 0 || ret == -EINVAL);
		fuzz_assert((ret == 0) == (why == NULL));
	}
	policy_free(&pol);
	free(text);
	return 0;
}
