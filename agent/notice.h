/* SPDX-License-Identifier: GPL-2.0 */
/*
 * notice: what oomqd did or saw that someone outside may act on (a
 * kill, a pause, a continue, a kernel OOM kill), as one fixed-size
 * record.  The loop fills one where it logs the event and hands it to
 * lognote() (log.h), which logs it (with journal fields under systemd)
 * and passes it to the sinks: the metrics' counters and the hooks.
 *
 * A notice owns no memory: comm is copied, reason points at a string
 * literal.  Posting one allocates nothing.
 */
#ifndef _OOMQ_AGENT_NOTICE_H
#define _OOMQ_AGENT_NOTICE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sample.h"

enum notice_kind {
	NOTICE_KILL, /* proactive kill: SIGTERM or SIGKILL sent */
	NOTICE_KILLED, /* proactive kill: the victim is gone */
	NOTICE_OOM_KILL, /* the kernel killed, as the module reports */
	NOTICE_PAUSE, /* SIGSTOP to a job */
	NOTICE_CONTINUE, /* SIGCONT to a job */
	NOTICE_NKINDS
};

/* Who chose the victim (OOMQ_CHOICE=). */
enum notice_choice {
	NOTICE_CHOICE_NONE, /* a pause or continue: no victim chosen */
	NOTICE_CHOICE_PROACTIVE, /* oomqd's own kill, the queue's head */
	NOTICE_CHOICE_QUEUE, /* the kernel took the queue's head */
	NOTICE_CHOICE_KERNEL, /* the kernel chose on its own */
	NOTICE_NCHOICES
};

#define NOTICE_UID_UNKNOWN ((uid_t)-1)

struct notice {
	enum notice_kind kind;
	enum notice_choice choice;
	pid_t pid; /* the victim, or the stopped job's root */
	uid_t uid; /* or NOTICE_UID_UNKNOWN */
	char comm[SAMPLE_COMM_LEN];
	uint64_t rss_kb; /* the victim's, or the whole job's */
	const char *reason; /* a literal, or NULL */
	const char *scope; /* kernel kills: "global", "memcg", "sysrq" */
	unsigned int jobs; /* jobs stopped after this pause or continue */
	uint64_t stopped_ms; /* continue: how long this stop lasted */
};

const char *notice_kind_name(enum notice_kind k);
const char *notice_choice_name(enum notice_choice c);
/* The entry's MESSAGE_ID, 32 hex digits (dist/oomqd.catalog). */
const char *notice_message_id(enum notice_kind k);

/*
 * The journal fields of @n, logged at @prio with @message (MESSAGE=),
 * as iovecs into @f's own buffers, for sd_journal_sendv().
 */
#define NOTICE_FIELDS_MAX 14
#define NOTICE_FIELD_LEN 96
#define NOTICE_MESSAGE_LEN 560

struct notice_fields {
	char msg[NOTICE_MESSAGE_LEN];
	char buf[NOTICE_FIELDS_MAX][NOTICE_FIELD_LEN];
	struct iovec iov[NOTICE_FIELDS_MAX + 1];
	int n; /* iovecs filled */
};

void notice_journal_fields(const struct notice *n, int prio,
			   const char *message, struct notice_fields *f);

#endif /* _OOMQ_AGENT_NOTICE_H */
