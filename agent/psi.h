/* SPDX-License-Identifier: GPL-2.0 */
/*
 * psi: memory pressure stall information (Documentation/accounting/
 * psi.rst) from /proc/pressure/memory or a cgroup's memory.pressure.
 *
 * One struct psi per file: a descriptor that carries a trigger (poll it
 * for POLLPRI) and is also read for the averages, and a buffer of its
 * own, so reading after psi_open() never allocates.
 *
 *	struct psi psi;
 *	struct psi_trigger trig = PSI_TRIGGER_DEFAULT;
 *
 *	err = psi_open(&psi, PSI_PROC_MEMORY, &trig);
 *	if (err == -ENOENT || err == -EOPNOTSUPP)
 *		... no PSI: sample /proc/meminfo on the timer only ...
 *	pfd = { .fd = psi_fd(&psi), .events = POLLPRI };
 *	poll(...);
 *	n = psi_fired(&psi, pfd.revents);     1: trigger fired
 *	psi_read(&psi, &stats);               avg10 for pressure.c
 */
#ifndef _OOMQ_AGENT_PSI_H
#define _OOMQ_AGENT_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PSI_PROC_MEMORY "/proc/pressure/memory"

/* The kernel's limits on a trigger's window (kernel/sched/psi.c). */
#define PSI_WINDOW_MIN_US 500000u /* 6.1 refuses less; 6.12 allows it */
#define PSI_WINDOW_MAX_US 10000000u
/* Without CAP_SYS_RESOURCE a window must be a multiple of this. */
#define PSI_WINDOW_UNPRIV_US 2000000u

/* One line of a pressure file: percentages of wall time, total in us. */
struct psi_line {
	double avg10; /* percent, over 10 s */
	double avg60; /* percent, over 60 s */
	double avg300; /* percent, over 300 s */
	uint64_t total_us; /* stall time since boot, us */
};

struct psi_stats {
	bool has_full; /* "full" line present (always for memory) */
	struct psi_line some; /* some task stalled */
	struct psi_line full; /* all non-idle tasks stalled */
};

enum psi_kind { PSI_SOME, PSI_FULL };

/*
 * A trigger: wake the poller when the stall time within any window_us
 * exceeds threshold_us.  Notifications come at most once a window.
 */
struct psi_trigger {
	enum psi_kind kind;
	uint32_t threshold_us; /* stall time, us, 1..window_us */
	uint32_t window_us; /* us, see PSI_WINDOW_* */
};

/* 150 ms of "some" stall in a 1 s window, psi.rst's example. */
#define PSI_TRIGGER_DEFAULT                                                    \
	{                                                                      \
		.kind = PSI_SOME, .threshold_us = 150000, .window_us = 1000000 \
	}

#define PSI_BUF_SIZE 256 /* both lines are about 110 bytes */

struct psi {
	int fd; /* -1 when closed */
	bool has_trigger; /* fd carries a trigger: poll it for POLLPRI */
	struct psi_trigger trigger; /* as written, after psi_trigger_fit() */
	char buf[PSI_BUF_SIZE];
};

int psi_parse_buf(const char *buf, size_t len, struct psi_stats *st);
int psi_trigger_fit(struct psi_trigger *t, bool privileged);
int psi_trigger_format(const struct psi_trigger *t, char *buf, size_t size);
bool psi_privileged(void);

int psi_open(struct psi *p, const char *path, const struct psi_trigger *trig);
int psi_fd(const struct psi *p);
int psi_fired(const struct psi *p, short revents);
int psi_read(struct psi *p, struct psi_stats *st);
void psi_close(struct psi *p);

#endif /* _OOMQ_AGENT_PSI_H */
