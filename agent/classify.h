/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classify: a pass's second stage.  Every sampled process gets the
 * rules' verdict (policy_classify(), through the match cache when the
 * rules hold regexes: glibc's regexec() allocates), then the session's
 * (session.h) and the watched cgroup's: its rule, priority group and
 * adjust, which the score (badness.c, rank.c) then uses.
 */
#ifndef _OOMQD_CLASSIFY_H
#define _OOMQD_CLASSIFY_H

#include <stdbool.h>

#include "mcache.h"
#include "policy.h"
#include "proc_sample.h"
#include "sample.h"
#include "session.h"
#include "vcache.h"

struct classifier {
	struct policy *policy; /* the agent's, reloads included */
	struct proc_sampler *sampler; /* the session's ancestry reads */
	const char *scope; /* the watched cgroup, or "" (struct agent) */
	struct mcache cache; /* rule matches of the last pass */
	struct vcache known; /* verdicts of earlier passes (dump) */
	struct session session; /* the session's terminals (session.h) */
	unsigned int need; /* PROC_NEED_* of the policy, per pass */
	bool use_cache; /* the policy has regex rules, per pass */
	bool use_known; /* this pass keeps verdicts in known */
	unsigned int known_gen; /* session.gen as known last saw it */
	uint64_t uptime_ms; /* this pass's, for known */
};

/* proc_classify_fn, @ctx a struct classifier. */
void classify_one(struct sample *s, const struct sample_text *text, void *ctx);
bool classify_wanted(const struct classifier *c);
void classify_begin(struct classifier *c);
void classify_end(struct classifier *c);
/*
 * A pass from the module's dump (use_known): @s's verdict from an
 * earlier pass, or false: read its strings, classify_one() it and
 * classify_remember() it.
 */
bool classify_known(struct classifier *c, struct sample *s);
void classify_remember(struct classifier *c, const struct sample *s);
int classify_as_first_stage(struct classifier *c, struct sample *s,
			    const struct sample_text *text);

#endif /* _OOMQD_CLASSIFY_H */
