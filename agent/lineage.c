// SPDX-License-Identifier: GPL-2.0
/*
 * lineage: ancestors from /proc; see lineage.h.
 */
#include <errno.h>
#include <string.h>

#include "lineage.h"
#include "proc_parse.h"

/* Fibonacci hashing: a parent and its children land apart. */
static struct proc_kin_slot *slot_of(struct proc_sampler *ps, pid_t pid)
{
	uint32_t h = (uint32_t)pid * 2654435769u;

	return &ps->kin[h >> (32 - PROC_KIN_BITS)];
}

const struct sample_kin *lineage_note(struct proc_sampler *ps, pid_t pid,
				      const struct proc_stat *st)
{
	struct proc_kin_slot *slot = slot_of(ps, pid);
	struct sample_kin *k = &slot->kin;
	size_t n = strnlen(st->comm, sizeof(k->comm) - 1);

	k->pid = pid;
	k->ppid = st->ppid;
	k->pgrp = st->pgrp;
	k->sid = st->session;
	k->tty_nr = st->tty_nr;
	k->start_ticks = st->starttime;
	memcpy(k->comm, st->comm, n);
	memset(k->comm + n, 0, sizeof(k->comm) - n);
	slot->gen = ps->gen;
	return k;
}

int lineage_kin(struct proc_sampler *ps, pid_t pid, struct sample_kin *k)
{
	const struct proc_kin_slot *slot = slot_of(ps, pid);
	struct proc_stat st;
	int ret;

	if (slot->gen == ps->gen && slot->kin.pid == pid) {
		*k = slot->kin;
		return 0;
	}
	ret = proc_read_stat(ps, pid, &st);
	if (ret)
		return ret;
	*k = *lineage_note(ps, pid, &st);
	return 0;
}

int lineage_read(struct proc_sampler *ps, pid_t pid, struct sample_lineage *l)
{
	const struct sample_kin *child = &l->self;
	int ret;

	l->n = 0;
	ret = lineage_kin(ps, pid, &l->self);
	if (ret) {
		l->self.pid = 0;
		return ret;
	}
	while (l->n < SAMPLE_LINEAGE_DEPTH && child->ppid > 0) {
		struct sample_kin *up = &l->up[l->n];

		if (lineage_kin(ps, child->ppid, up) ||
		    up->start_ticks > child->start_ticks)
			break; /* gone, or its pid reused: no ancestor */
		l->n++;
		child = up;
	}
	return 0;
}
