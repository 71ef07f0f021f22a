// SPDX-License-Identifier: GPL-2.0
/*
 * Verdicts remembered between passes; see verdicts.h.
 */
#include <errno.h>
#include <string.h>

#include "sample.h"
#include "verdicts.h"
#include "zmem.h"

int verdicts_init(struct verdicts *v)
{
	memset(v, 0, sizeof(*v));
	v->cur = zmem_alloc(VERDICTS_MAX, sizeof(*v->cur));
	v->next = zmem_alloc(VERDICTS_MAX, sizeof(*v->next));
	v->dirty = zmem_alloc(VERDICTS_DIRTY_SLOTS, sizeof(*v->dirty));
	if (!v->cur || !v->next || !v->dirty) {
		verdicts_fini(v);
		return -ENOMEM;
	}
	return 0;
}

void verdicts_fini(struct verdicts *v)
{
	zmem_free(v->cur, VERDICTS_MAX, sizeof(*v->cur));
	zmem_free(v->next, VERDICTS_MAX, sizeof(*v->next));
	zmem_free(v->dirty, VERDICTS_DIRTY_SLOTS, sizeof(*v->dirty));
	memset(v, 0, sizeof(*v));
}

static void clear_dirty(struct verdicts *v)
{
	if (v->ndirty)
		memset(v->dirty, 0, VERDICTS_DIRTY_SLOTS * sizeof(*v->dirty));
	v->ndirty = 0;
}

void verdicts_forget(struct verdicts *v)
{
	v->primed = false;
	v->ncur = 0;
	clear_dirty(v);
}

/* Fibonacci hashing: consecutive pids land far apart. */
static size_t dirty_slot(pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) >> 21; /* 11 bits: 2048 */
}

_Static_assert(VERDICTS_DIRTY_SLOTS == 1 << 11, "dirty_slot()'s shift");

/* Where @pid is, or the empty slot where it would go. */
static pid_t *dirty_find(const struct verdicts *v, pid_t pid)
{
	size_t i = dirty_slot(pid);

	while (v->dirty[i] && v->dirty[i] != pid)
		i = (i + 1) & (VERDICTS_DIRTY_SLOTS - 1);
	return &v->dirty[i];
}

void verdicts_dirty(pid_t pid, void *arg)
{
	struct verdicts *v = arg;
	pid_t *slot;

	if (!v->primed || pid <= 0)
		return; /* the next walk classifies everyone anyway */
	slot = dirty_find(v, pid);
	if (*slot)
		return;
	if (v->ndirty == VERDICTS_DIRTY_MAX) {
		verdicts_forget(v); /* cheaper to read everyone again */
		return;
	}
	*slot = pid;
	v->ndirty++;
}

void verdicts_begin(struct verdicts *v)
{
	v->nnext = v->pos = 0;
	v->prev = 0;
	v->broken = false;
	v->classified = 0;
}

void verdicts_put(struct verdicts *v, pid_t pid, int rule)
{
	if (rule == VERDICT_UNKNOWN)
		v->broken = true; /* unread, it may match next time */
	if (v->broken || rule < 0)
		return;
	if (v->nnext == VERDICTS_MAX) {
		v->broken = true; /* too many to remember */
		return;
	}
	v->next[v->nnext].pid = pid;
	v->next[v->nnext++].rule = (int16_t)rule;
}

int verdicts_get(struct verdicts *v, pid_t pid)
{
	int rule = SAMPLE_NO_RULE;

	if (pid <= v->prev)
		v->broken = true; /* not /proc's order: the cursor is lost */
	v->prev = pid;
	if (!v->primed || v->broken)
		goto unknown;
	while (v->pos < v->ncur && v->cur[v->pos].pid < pid)
		v->pos++;
	if (v->ndirty && *dirty_find(v, pid))
		goto unknown;
	if (v->pos < v->ncur && v->cur[v->pos].pid == pid)
		rule = v->cur[v->pos].rule;
	verdicts_put(v, pid, rule);
	return rule;

unknown:
	v->classified++;
	return VERDICT_UNKNOWN;
}

void verdicts_end(struct verdicts *v, bool complete)
{
	struct verdicts_slot *t = v->cur;

	clear_dirty(v);
	if (v->broken || !complete) {
		verdicts_forget(v);
		return;
	}
	v->cur = v->next;
	v->next = t;
	v->ncur = v->nnext;
	v->primed = true;
}
