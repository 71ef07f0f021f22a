// SPDX-License-Identifier: GPL-2.0
/*
 * Classify: the rules' verdict on a sampled process (through the
 * match cache when they hold regexes), then the session's and the
 * watched cgroup's.
 */
#include <string.h>

#include "agent_int.h"
#include "cgroup_mem.h"

/*
 * The session's processes (session.h) no rule matched take the policy's
 * session action.  Not remembered with the rules' verdict (mcache,
 * verdicts): it depends on other processes (a terminal on its shells).
 */
static void classify_session(struct agent *a, struct sample *s,
			     const struct sample_text *text)
{
	enum session_kind k;

	if (a->policy.session == POLICY_NONE)
		return;
	k = session_kind(&a->session, &a->sampler, &text->lineage,
			 text->cgroup);
	if (k == SESSION_NONE || s->rule != SAMPLE_NO_RULE)
		return;
	s->flags |= SAMPLE_SESSION;
	if (a->policy.session == POLICY_PROTECT)
		s->priority = 0;
	else
		s->adjust = -300;
}

/*
 * The rules' verdict.  Name lists cost one lookup in the policy's comm
 * index; regexes run only for processes the cache has not seen.
 */
static void classify_rules(struct agent *a, struct sample *s,
			   const struct sample_text *text)
{
	uint64_t h;

	if (!a->use_cache) {
		policy_classify(s, text, &a->policy);
	} else {
		h = mcache_hash(s, text);
		if (!mcache_lookup(&a->cache, s, h))
			policy_classify(s, text, &a->policy);
		mcache_add(&a->cache, s, h);
	}
}

/*
 * None but a process of the watched cgroup's subtree is queued: a memcg
 * OOM of that cgroup skips everything else in the queue anyway, and a
 * proactive kill or a pause must not reach outside it.  One whose
 * cgroup did not read is out.
 */
static void scope_apply(const struct agent *a, struct sample *s,
			const char *cgroup)
{
	if (a->scope[0] && !cgroup_path_within(cgroup, a->scope)) {
		s->priority = 0;
		s->flags |= SAMPLE_OUTSIDE;
	}
}

/* proc_classify_fn: the rules' verdict, then the session's and scope's. */
void classify_one(struct sample *s, const struct sample_text *text, void *ctx)
{
	struct agent *a = ctx;

	classify_rules(a, s, text);
	classify_session(a, s, text);
	scope_apply(a, s, text->cgroup);
}

/*
 * Does a pass classify processes at all: rules, the session's
 * recognition or a scope?  Each needs something read (agent_rank()).
 */
bool classify_wanted(const struct agent *a)
{
	return a->need != 0;
}

void classify_begin(struct agent *a)
{
	if (a->use_cache)
		mcache_begin(&a->cache);
}

void classify_end(struct agent *a)
{
	if (a->use_cache)
		mcache_end(&a->cache);
}

/*
 * The verdict on the fully sampled @s (its rule, adjust and priority),
 * from what the lazy pass's first stage reads (comm, and uid only when a
 * rule names it), so that the match cache's key is the same in both
 * walks.  Returns the rule.
 */
int classify_as_first_stage(struct agent *a, struct sample *s,
			    const struct sample_text *text)
{
	struct sample k = { .pid = s->pid, .rule = SAMPLE_NO_RULE };

	memcpy(k.comm, s->comm, sizeof(k.comm));
	if (a->need & PROC_NEED_UID) {
		k.uid = s->uid;
		k.euid = s->euid;
	}
	classify_one(&k, text, a);
	s->rule = k.rule;
	s->adjust = k.adjust;
	s->priority = k.priority;
	s->flags |= k.flags & (SAMPLE_SESSION | SAMPLE_OUTSIDE);
	return k.rule;
}
