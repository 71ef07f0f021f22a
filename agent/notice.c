// SPDX-License-Identifier: GPL-2.0
/* See notice.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "notice.h"

static const char *const kind_names[NOTICE_NKINDS] = {
	[NOTICE_KILL] = "kill",		[NOTICE_KILLED] = "killed",
	[NOTICE_OOM_KILL] = "oom_kill", [NOTICE_PAUSE] = "pause",
	[NOTICE_CONTINUE] = "continue",
};

/* Made once (random), never changed: journalctl MESSAGE_ID= finds them. */
static const char *const message_ids[NOTICE_NKINDS] = {
	[NOTICE_KILL] = "8bd2646ed6b743e49c3f16703d29052e",
	[NOTICE_KILLED] = "cdfed8686c784bc981ae6f645f2491d6",
	[NOTICE_OOM_KILL] = "f8a18fc55a074c528cf3d08fce59123c",
	[NOTICE_PAUSE] = "f835aad93b954aa68b30abb3edc7c915",
	[NOTICE_CONTINUE] = "043fb93c149e411ba5a7c7e33dcfc0e7",
};

static const char *const choice_names[NOTICE_NCHOICES] = {
	[NOTICE_CHOICE_NONE] = "none",
	[NOTICE_CHOICE_PROACTIVE] = "proactive",
	[NOTICE_CHOICE_QUEUE] = "queue",
	[NOTICE_CHOICE_KERNEL] = "kernel",
};

const char *notice_kind_name(enum notice_kind k)
{
	return (unsigned int)k < NOTICE_NKINDS ? kind_names[k] : "unknown";
}

const char *notice_choice_name(enum notice_choice c)
{
	return (unsigned int)c < NOTICE_NCHOICES ? choice_names[c] : "none";
}

const char *notice_message_id(enum notice_kind k)
{
	return (unsigned int)k < NOTICE_NKINDS ? message_ids[k] :
						 message_ids[NOTICE_KILL];
}

__attribute__((format(printf, 2, 3))) static void field(struct notice_fields *f,
							const char *fmt, ...)
{
	va_list ap;
	int len;

	if (f->n >= NOTICE_FIELDS_MAX)
		return;
	va_start(ap, fmt);
	len = vsnprintf(f->buf[f->n], NOTICE_FIELD_LEN, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len >= NOTICE_FIELD_LEN)
		len = NOTICE_FIELD_LEN - 1;
	f->iov[f->n] = (struct iovec){ .iov_base = f->buf[f->n],
				       .iov_len = (size_t)len };
	f->n++;
}

void notice_journal_fields(const struct notice *n, int prio,
			   const char *message, struct notice_fields *f)
{
	int len;

	f->n = 0;
	field(f, "MESSAGE_ID=%s", notice_message_id(n->kind));
	field(f, "PRIORITY=%d", prio);
	field(f, "SYSLOG_IDENTIFIER=oomqd");
	field(f, "OOMQ_EVENT=%s", notice_kind_name(n->kind));
	field(f, "OOMQ_VICTIM_PID=%d", (int)n->pid);
	field(f, "OOMQ_VICTIM_COMM=%s", n->comm);
	field(f, "OOMQ_RSS_KB=%llu", (unsigned long long)n->rss_kb);
	if (n->uid != NOTICE_UID_UNKNOWN)
		field(f, "OOMQ_VICTIM_UID=%u", (unsigned int)n->uid);
	if (n->choice != NOTICE_CHOICE_NONE)
		field(f, "OOMQ_CHOICE=%s", notice_choice_name(n->choice));
	if (n->scope)
		field(f, "OOMQ_SCOPE=%s", n->scope);
	if (n->reason)
		field(f, "OOMQ_REASON=%s", n->reason);
	if (n->kind == NOTICE_PAUSE || n->kind == NOTICE_CONTINUE)
		field(f, "OOMQ_JOBS_STOPPED=%u", n->jobs);
	if (n->kind == NOTICE_CONTINUE)
		field(f, "OOMQ_STOPPED_MS=%llu",
		      (unsigned long long)n->stopped_ms);
	/* MESSAGE= last, in its own larger buffer. */
	len = snprintf(f->msg, sizeof(f->msg), "MESSAGE=%s", message);
	if (len < 0)
		len = 0;
	if (len >= (int)sizeof(f->msg))
		len = sizeof(f->msg) - 1;
	f->iov[f->n++] =
		(struct iovec){ .iov_base = f->msg, .iov_len = (size_t)len };
}
