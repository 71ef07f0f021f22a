// SPDX-License-Identifier: GPL-2.0
/*
 * The oomq module's netlink link: joined at start and on calm
 * wake-ups while it is away, its kill events logged and counted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loop_int.h"

#define NO_MODULE_MSG \
	"oomq module not loaded: kernel OOMs will not follow this ranking"

void loop_module_gone(struct loop_link *k)
{
	if (k->nl_on) {
		nlc_close(&k->nl);
		k->nl_on = false;
	}
	if (!k->no_module) {
		logmsg(LOG_WARNING, NO_MODULE_MSG);
		k->no_module = true;
	}
}

/* A queue written: NO_MODULE_MSG, if it was said, taken back. */
void loop_module_back(struct loop_link *k)
{
	if (k->no_module) {
		logmsg(LOG_NOTICE, "oomq module found: queue written");
		k->no_module = false;
	}
}

/* Join the module's events and set its TTL; quiet when it is absent. */
int loop_module_open(struct loop *l)
{
	struct nlc_status st;
	int ret;

	ret = nlc_open(&l->link.nl);
	if (ret) {
		nlc_close(&l->link.nl);
		return ret;
	}
	l->link.nl_on = true;
	if (l->o->dry_run) {
		logmsg(LOG_INFO, "dry run: the module's TTL is left as it is");
	} else {
		ret = nlc_set_ttl(&l->link.nl, l->pressure.cfg.queue_ttl_ms);
		if (ret)
			logmsg(LOG_WARNING,
			       "setting the queue TTL to %u ms: %s",
			       l->pressure.cfg.queue_ttl_ms, strerror(-ret));
	}
	ret = nlc_get_status(&l->link.nl, &st);
	if (!ret)
		logmsg(LOG_INFO,
		       "oomq module: %u queued, TTL %u ms, %llu OOMs seen, "
		       "%llu steered",
		       st.queue_live, st.ttl_ms,
		       (unsigned long long)st.counters[OOMQ_C_OOMS],
		       (unsigned long long)st.counters[OOMQ_C_STEERED]);
	return 0;
}

static const char *choice_text(uint32_t choice)
{
	switch (choice) {
	case OOMQ_CHOICE_QUEUE:
		return "from the queue";
	case OOMQ_CHOICE_KERNEL:
		return "kernel's choice, queue empty";
	case OOMQ_CHOICE_DRY:
		return "kernel's choice, no queued process eligible";
	case OOMQ_CHOICE_STALE:
		return "kernel's choice, queue older than its TTL";
	case OOMQ_CHOICE_OTHER:
		return "kernel override (oom_kill_allocating_task or an OOM "
		       "origin task)";
	default:
		return "choice not reported";
	}
}

static const char *scope_text(uint32_t scope)
{
	switch (scope) {
	case OOMQ_SCOPE_GLOBAL:
		return "global OOM";
	case OOMQ_SCOPE_MEMCG:
		return "memcg OOM";
	case OOMQ_SCOPE_SYSRQ:
		return "sysrq-f";
	default:
		return "scope not reported";
	}
}

static void log_kill_event(const struct nlc_event *ev)
{
	static const char *const scopes[] = {
		[OOMQ_SCOPE_GLOBAL] = "global",
		[OOMQ_SCOPE_MEMCG] = "memcg",
		[OOMQ_SCOPE_SYSRQ] = "sysrq",
	};
	struct notice n = {
		.kind = NOTICE_OOM_KILL,
		.choice = ev->choice == OOMQ_CHOICE_QUEUE ?
				  NOTICE_CHOICE_QUEUE :
				  NOTICE_CHOICE_KERNEL,
		.pid = (pid_t)ev->pid,
		.uid = (ev->has & NLC_HAS_UID) ? (uid_t)ev->uid :
						 NOTICE_UID_UNKNOWN,
		.rss_kb = ev->rss_kb,
		.reason = choice_text(ev->choice),
		.scope = ev->scope < sizeof(scopes) / sizeof(*scopes) ?
				 scopes[ev->scope] :
				 NULL,
	};
	char index[48] = "";

	if (ev->has & NLC_HAS_COMM)
		memcpy(n.comm, ev->comm, sizeof(ev->comm));
	if (ev->has & NLC_HAS_INDEX)
		snprintf(index, sizeof(index), " at index %u of %u",
			 ev->queue_index, ev->queue_len);
	lognote(&n, LOG_WARNING,
		"OOM kill: pid %u (%s), %s%s, RSS %llu KiB, swap %llu KiB, %s",
		ev->pid, (ev->has & NLC_HAS_COMM) ? ev->comm : "?",
		choice_text(ev->choice), index, (unsigned long long)ev->rss_kb,
		(unsigned long long)ev->swap_kb, scope_text(ev->scope));
}

/*
 * At most LOOP_EVENTS_PER_WAKE events per wake-up: a burst cannot hold
 * the loop away from re-ranking; the socket stays readable and the next
 * ppoll() returns at once for the rest.
 */
void loop_module_drain(struct loop *l)
{
	struct nlc_event ev;

	for (int i = 0; i < LOOP_EVENTS_PER_WAKE; i++) {
		int n = nlc_recv_event(&l->link.nl, &ev);

		if (n == 0)
			return;
		if (n == -EBADMSG) {
			logmsg_limited(&l->link.lim_event, mono_ms(),
				       LOG_WARNING,
				       "malformed oomq event skipped");
			continue;
		}
		if (n == -ENOBUFS) {
			logmsg_limited(&l->link.lim_event, mono_ms(),
				       LOG_WARNING,
				       "oomq events lost (socket overflow): "
				       "re-ranking");
			l->pressure.kills++;
			l->pressure.oom_kills++;
			continue;
		}
		if (n < 0) {
			logmsg(LOG_ERR, "oomq events: %s; reconnecting later",
			       strerror(-n));
			nlc_close(&l->link.nl);
			l->link.nl_on = false;
			return;
		}
		switch (ev.type) {
		case OOMQ_EVENT_KILL:
			log_kill_event(&ev);
			loop_pause_killed(l, (pid_t)ev.pid);
			l->pressure.kills++;
			l->pressure.oom_kills++;
			break;
		case OOMQ_EVENT_PROBE_MISS:
			logmsg(LOG_WARNING,
			       "an OOM kill bypassed the oomq badness hook; "
			       "module mode now %u",
			       ev.mode_active);
			break;
		case OOMQ_EVENT_LOST:
			logmsg_limited(&l->link.lim_event, mono_ms(),
				       LOG_WARNING,
				       "oomq module dropped %u events: "
				       "re-ranking",
				       ev.lost);
			l->pressure.kills++;
			l->pressure.oom_kills++;
			break;
		default: /* QUEUE_SET is our own write; unknown: newer module */
			break;
		}
	}
}
