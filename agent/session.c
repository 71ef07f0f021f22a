// SPDX-License-Identifier: GPL-2.0
/*
 * session: the session's processes by their place; see session.h.
 */
#include <stdbool.h>
#include <string.h>

#include "session.h"

void session_init(struct session *ss)
{
	memset(ss->term, 0, sizeof(ss->term));
	ss->next = 0;
	ss->gen = 0;
}

static bool is_shell(const struct sample_kin *k)
{
	return k->pid == k->sid && k->tty_nr != 0;
}

static bool is_terminal(const struct session *ss, const struct sample_kin *k)
{
	for (unsigned int i = 0; i < SESSION_TERMINALS; i++)
		if (ss->term[i].pid == k->pid &&
		    ss->term[i].start_ticks == k->start_ticks)
			return true;
	return false;
}

/* @k remembered as a terminal (the oldest replaced). */
static void note_terminal(struct session *ss, const struct sample_kin *k)
{
	if (is_terminal(ss, k))
		return;
	ss->term[ss->next].pid = k->pid;
	ss->term[ss->next].start_ticks = k->start_ticks;
	ss->next = (ss->next + 1) % SESSION_TERMINALS;
	ss->gen++;
}

/* What follows @path's last '/'. */
static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* logind's "session-2.scope", "session-c1.scope" (a greeter's). */
static bool session_scope(const char *cgroup)
{
	const char *name = last_component(cgroup);
	size_t len = strlen(name);

	return len > 14 && !strncmp(name, "session-", 8) &&
	       !strcmp(name + len - 6, ".scope");
}

/* ".../user@1000.service/session.slice/..." */
static bool session_slice(const char *cgroup)
{
	const char *p = strstr(cgroup, ".service/session.slice/");

	while (p && p > cgroup && p[-1] != '@' && p[-1] != '/')
		p--;
	return p && p > cgroup && p[-1] == '@';
}

/*
 * Is the process of @l among what its login started: no more than two
 * generations below the scope's first process, with no shell with a
 * terminal between?  Its ancestors in the scope are found by reading
 * their cgroups, at most three.
 */
static bool scope_started(struct session *ss, struct proc_sampler *ps,
			  const struct sample_lineage *l, const char *cgroup)
{
	for (unsigned int i = 0; i < l->n && i < 3; i++) {
		if (proc_read_cgroup(ps, l->up[i].pid, ss->parent_cgroup,
				     sizeof(ss->parent_cgroup)) ||
		    strcmp(ss->parent_cgroup, cgroup))
			return true; /* up[i] is outside: i generations in */
		if (is_shell(&l->up[i]))
			return false; /* the user's command */
	}
	/* The scope's first process is further up, or unreadable. */
	return false;
}

enum session_kind session_kind(struct session *ss, struct proc_sampler *ps,
			       const struct sample_lineage *l,
			       const char *cgroup)
{
	const struct sample_kin *k = &l->self;

	if (!k->pid)
		return SESSION_NONE;
	if (is_shell(k)) {
		/* Its parent is its terminal; init only for a getty. */
		if (l->n && l->up[0].pid > 1)
			note_terminal(ss, &l->up[0]);
		return SESSION_SHELL;
	}
	if (is_terminal(ss, k))
		return SESSION_TERMINAL;
	if (cgroup[0] && session_slice(cgroup))
		return SESSION_SLICE;
	if (cgroup[0] && session_scope(cgroup) &&
	    scope_started(ss, ps, l, cgroup))
		return SESSION_SCOPE;
	return SESSION_NONE;
}
