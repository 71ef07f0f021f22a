// SPDX-License-Identifier: GPL-2.0
/*
 * Classify: the rules' verdict on a sampled process (through the
 * match cache when they hold regexes), then the session's and the
 * watched cgroup's.
 */
#include <string.h>

#include "cgroup_mem.h"
#include "classify.h"

/*
 * The session's processes (session.h) no rule matched take the policy's
 * session action.  Not remembered with the rules' verdict (mcache,
 * verdicts): it depends on other processes (a terminal on its shells).
 */
static void classify_session(struct classifier *c, struct sample *s,
			     const struct sample_text *text)
{
	enum session_kind k;

	if (c->policy->session == POLICY_NONE)
		return;
	k = session_kind(&c->session, c->sampler, &text->lineage, text->cgroup);
	if (k == SESSION_NONE || s->rule != SAMPLE_NO_RULE)
		return;
	s->flags |= SAMPLE_SESSION;
	if (c->policy->session == POLICY_PROTECT)
		s->priority = 0;
	else
		s->adjust = -300;
}

/*
 * The rules' verdict.  Name lists cost one lookup in the policy's comm
 * index; regexes run only for processes the cache has not seen.
 */
static void classify_rules(struct classifier *c, struct sample *s,
			   const struct sample_text *text)
{
	uint64_t h;

	if (!c->use_cache) {
		policy_classify(s, text, c->policy);
	} else {
		h = mcache_hash(s, text);
		if (!mcache_lookup(&c->cache, s, h))
			policy_classify(s, text, c->policy);
		mcache_add(&c->cache, s, h);
	}
}

/*
 * None but a process of the watched cgroup's subtree is queued: a memcg
 * OOM of that cgroup skips everything else in the queue anyway, and a
 * proactive kill or a pause must not reach outside it.  One whose
 * cgroup did not read is out.
 */
static void scope_apply(const struct classifier *c, struct sample *s,
			const char *cgroup)
{
	if (c->scope[0] && !cgroup_path_within(cgroup, c->scope)) {
		s->priority = 0;
		s->flags |= SAMPLE_OUTSIDE;
	}
}

/* proc_classify_fn: the rules' verdict, then the session's and scope's. */
void classify_one(struct sample *s, const struct sample_text *text, void *ctx)
{
	struct classifier *c = ctx;

	classify_rules(c, s, text);
	classify_session(c, s, text);
	scope_apply(c, s, text->cgroup);
}

/*
 * Does a pass classify processes at all: rules, the session's
 * recognition or a scope?  Each needs something read (agent_rank()).
 */
bool classify_wanted(const struct classifier *c)
{
	return c->need != 0;
}

void classify_begin(struct classifier *c)
{
	if (c->use_cache)
		mcache_begin(&c->cache);
	if (c->use_known)
		vcache_begin(&c->known, c->uptime_ms);
}

void classify_end(struct classifier *c)
{
	if (c->use_cache)
		mcache_end(&c->cache);
	if (c->use_known)
		vcache_end(&c->known);
}

bool classify_known(struct classifier *c, struct sample *s)
{
	if (!c->use_known || !vcache_get(&c->known, s))
		return false;
	/* Its regexes stay matched for when the verdict is made again. */
	if (c->use_cache)
		mcache_keep(&c->cache, s);
	return true;
}

void classify_remember(struct classifier *c, const struct sample *s)
{
	if (!c->use_known)
		return;
	/* A new terminal: the verdicts on it are wrong now. */
	if (c->session.gen != c->known_gen) {
		c->known_gen = c->session.gen;
		vcache_invalidate(&c->known);
	}
	vcache_put(&c->known, s);
}

/*
 * The verdict on the fully sampled @s (its rule, adjust and priority),
 * from what the lazy pass's first stage reads (comm, and uid only when a
 * rule names it), so that the match cache's key is the same in both
 * walks.  Returns the rule.
 */
int classify_as_first_stage(struct classifier *c, struct sample *s,
			    const struct sample_text *text)
{
	struct sample k = { .pid = s->pid, .rule = SAMPLE_NO_RULE };

	memcpy(k.comm, s->comm, sizeof(k.comm));
	if (c->need & PROC_NEED_UID) {
		k.uid = s->uid;
		k.euid = s->euid;
	}
	classify_one(&k, text, c);
	s->rule = k.rule;
	s->adjust = k.adjust;
	s->priority = k.priority;
	s->flags |= k.flags & (SAMPLE_SESSION | SAMPLE_OUTSIDE);
	return k.rule;
}
