/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session: the user's session, recognised by how its processes were
 * started rather than by their names.  What the machine tells:
 *
 *   SESSION_SCOPE     logind puts each login (a console, ssh, a display
 *                     manager's greeter or session) in a session-N.scope
 *                     cgroup.  Its first process and the two generations
 *                     below it are what the login started (login and the
 *                     shell; sshd's session processes and the shell;
 *                     gdm-x-session and Xorg, sddm-helper and
 *                     startplasma), unless they descend from a shell
 *                     with a terminal in the scope: those the user
 *                     started.
 *   SESSION_SLICE     the systemd user manager's session.slice, which
 *                     systemd.special(7) reserves for what the
 *                     graphical session needs to run: the compositor and
 *                     display server, the session manager (GNOME since
 *                     3.34, Plasma since 5.25 start them so).
 *   SESSION_SHELL     a session leader with a controlling terminal: the
 *                     shell of a terminal tab, of a console or ssh
 *                     login, a getty.
 *   SESSION_TERMINAL  the parent of such a shell: the terminal emulator
 *                     the user types in, tmux's or screen's server,
 *                     sshd's session process, login.  Known from the
 *                     shells seen in earlier passes (the terminal is
 *                     usually met before its shells in a walk), so a
 *                     terminal is recognised from the second pass that
 *                     sees one of its shells.
 *
 * What it cannot tell: a session that runs no logind and no systemd user
 * manager and whose processes have no terminal (the scenario bench's
 * kdeinit, ksmserver and kwin; an X session started by a bare xinit as
 * a child of a shell is covered only through that shell) looks like any
 * other tree of processes: its session manager and its editor have the
 * same parent, the same start time and no terminal, and only names
 * (the shipped "session" rule) tell them apart.  Neither does a display
 * server show itself as one in /proc.
 *
 * The ranking applies the policy's "session" action (protect or avoid)
 * to these processes when no rule matched them: a rule's verdict wins.
 */
#ifndef _OOMQ_AGENT_SESSION_H
#define _OOMQ_AGENT_SESSION_H

#include <stdint.h>
#include <sys/types.h>

#include "proc_sample.h"
#include "sample.h"

enum session_kind {
	SESSION_NONE,
	SESSION_SCOPE,
	SESSION_SLICE,
	SESSION_SHELL,
	SESSION_TERMINAL,
};

#define SESSION_TERMINALS 64 /* terminals remembered */

struct session_terminal {
	pid_t pid; /* 0: free */
	uint64_t start_ticks; /* with the pid, its identity */
};

struct session {
	struct session_terminal term[SESSION_TERMINALS];
	unsigned int next; /* the slot the next new terminal takes */
	unsigned int gen; /* counts the terminals noted: vcache.h */
	char parent_cgroup[SAMPLE_TEXT_LEN]; /* scratch, session_scope() */
};

void session_init(struct session *ss);

/*
 * What the process of @l (read with PROC_NEED_LINEAGE) with the cgroup
 * v2 path @cgroup is to the session; notes a shell's terminal for the
 * passes after.  Reads ancestors' cgroups from @ps's root when @cgroup
 * is a session scope.
 */
enum session_kind session_kind(struct session *ss, struct proc_sampler *ps,
			       const struct sample_lineage *l,
			       const char *cgroup);

#endif /* _OOMQ_AGENT_SESSION_H */
