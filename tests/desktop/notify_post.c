// SPDX-License-Identifier: GPL-2.0
/*
 * notify_post KIND COMM PID RSS_KB [JOBS]: posts one notice the way the
 * loop does (hooks_post() into the helper's pipe, notify = on) and
 * waits for the helper to show it.  For notify_screenshot.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../../agent/hooks.h"

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "kill", "killed", "oom_kill",
					     "pause", "continue" };
	struct policy_hooks cfg = { .timeout_ms = 5000 };
	struct hooks h = { .fd = -1, .notify = true };
	struct notice n = { .uid = NOTICE_UID_UNKNOWN,
			    .choice = NOTICE_CHOICE_PROACTIVE };
	pid_t helper;
	int k;

	if (argc < 5) {
		fprintf(stderr, "usage: %s KIND COMM PID RSS_KB [JOBS]\n",
			argv[0]);
		return 2;
	}
	for (k = 0; k < NOTICE_NKINDS && strcmp(kinds[k], argv[1]); k++)
		;
	if (k == NOTICE_NKINDS) {
		fprintf(stderr, "%s: unknown kind %s\n", argv[0], argv[1]);
		return 2;
	}
	n.kind = (enum notice_kind)k;
	snprintf(n.comm, sizeof(n.comm), "%s", argv[2]);
	n.pid = atoi(argv[3]);
	n.rss_kb = strtoull(argv[4], NULL, 10);
	n.jobs = argc > 5 ? (unsigned int)atoi(argv[5]) : 0;
	if (hooks_start(&h))
		return 1;
	helper = h.helper;
	if (hooks_post(&h, &cfg, &n))
		return 1;
	hooks_stop(&h);
	/* The helper ends when it has read the pipe to its end. */
	return waitpid(helper, NULL, 0) == helper ? 0 : 1;
}
