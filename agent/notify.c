// SPDX-License-Identifier: GPL-2.0
/* See notify.h. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

#ifdef OOMQD_SYSTEMD
#include <systemd/sd-bus.h>
#include <systemd/sd-login.h>
#endif

bool notify_wants(enum notice_kind kind)
{
	return kind == NOTICE_KILL || kind == NOTICE_OOM_KILL ||
	       kind == NOTICE_PAUSE || kind == NOTICE_CONTINUE;
}

bool notify_available(void)
{
#ifdef OOMQD_SYSTEMD
	return true;
#else
	return false;
#endif
}

void notify_size(uint64_t kb, char *buf, size_t size)
{
	/* Tenths of a GiB, rounded. */
	unsigned long long tenths = (kb * 10 + (1 << 19)) >> 20;

	if (kb >= 1024 * 1024)
		snprintf(buf, size, "%llu.%llu GiB", tenths / 10, tenths % 10);
	else if (kb >= 1024)
		snprintf(buf, size, "%llu MiB", (unsigned long long)(kb >> 10));
	else
		snprintf(buf, size, "%llu KiB", (unsigned long long)kb);
}

static void duration(uint64_t ms, char *buf, size_t size)
{
	if (ms >= 120000)
		snprintf(buf, size, "%llu min", (unsigned long long)ms / 60000);
	else
		snprintf(buf, size, "%llu s", (unsigned long long)ms / 1000);
}

void notify_text(const struct hook_record *r, unsigned int more, char *summary,
		 size_t ssize, char *body, size_t bsize)
{
	char size[24], took[24], also[48] = "";
	const char *comm = r->comm[0] ? r->comm : "a process";

	notify_size(r->rss_kb, size, sizeof(size));
	if (more)
		snprintf(also, sizeof(also), " (and %u more since)", more);
	switch (r->kind) {
	case NOTICE_KILL:
		snprintf(summary, ssize, "Memory low: killed %s", comm);
		snprintf(body, bsize, "Killed %s %d (%s) to prevent a freeze%s",
			 comm, (int)r->pid, size, also);
		break;
	case NOTICE_OOM_KILL:
		snprintf(summary, ssize, "Out of memory: %s was killed", comm);
		snprintf(body, bsize, "The kernel killed %s %d (%s)%s%s", comm,
			 (int)r->pid, size,
			 !strcmp(r->choice, "queue") ?
				 ", first in oomq's queue" :
				 "",
			 also);
		break;
	case NOTICE_PAUSE:
		snprintf(summary, ssize, "Memory low: paused %s", comm);
		snprintf(
			body, bsize,
			"Paused %u job%s of %s to keep the desktop responsive; "
			"they continue when memory is back",
			r->jobs, r->jobs == 1 ? "" : "s", comm);
		break;
	case NOTICE_CONTINUE:
		duration(r->stopped_ms, took, sizeof(took));
		snprintf(summary, ssize, "Memory is back: %s continues", comm);
		if (r->jobs)
			snprintf(body, bsize,
				 "Continued %s %d after %s paused; %u job%s "
				 "still paused",
				 comm, (int)r->pid, took, r->jobs,
				 r->jobs == 1 ? "" : "s");
		else
			snprintf(body, bsize,
				 "Continued %s %d after %s paused; no job is "
				 "paused now",
				 comm, (int)r->pid, took);
		break;
	default:
		snprintf(summary, ssize, "oomqd");
		snprintf(body, bsize, "%s %d", r->event, (int)r->pid);
		break;
	}
}

static void drop(struct notify_limit *l, enum notice_kind k)
{
	l->pending[k] = false;
	l->held_count[k] = 0;
}

bool notify_limit_offer(struct notify_limit *l, const struct hook_record *r,
			uint64_t now, unsigned int *more)
{
	enum notice_kind k = (enum notice_kind)r->kind;

	if (r->kind >= NOTICE_NKINDS || !notify_wants(k))
		return false;
	if (k == NOTICE_PAUSE)
		drop(l, NOTICE_CONTINUE);
	if (k == NOTICE_CONTINUE && !r->jobs)
		drop(l, NOTICE_PAUSE);
	if (!l->shown[k] || now - l->last_ms[k] >= NOTIFY_INTERVAL_MS) {
		*more = l->held_count[k];
		drop(l, k);
		l->shown[k] = true;
		l->last_ms[k] = now;
		return true;
	}
	/* It stands for the one it replaces and those that one stood for. */
	if (l->pending[k])
		l->held_count[k]++;
	l->held[k] = *r;
	l->pending[k] = true;
	return false;
}

bool notify_limit_due(struct notify_limit *l, uint64_t now,
		      struct hook_record *r, unsigned int *more, int *wait_ms)
{
	bool found = false;

	*wait_ms = -1;
	for (int k = 0; k < NOTICE_NKINDS; k++) {
		uint64_t due;

		if (!l->pending[k])
			continue;
		due = l->last_ms[k] + NOTIFY_INTERVAL_MS;
		if (!found && now >= due) {
			*r = l->held[k];
			*more = l->held_count[k];
			drop(l, k);
			l->last_ms[k] = now;
			found = true;
			continue;
		}
		if (now >= due)
			due = now;
		if (*wait_ms < 0 || due - now < (uint64_t)*wait_ms)
			*wait_ms = (int)(due - now);
	}
	return found;
}

int notify_pick_users(const struct notify_session *s, int n, uid_t *uids,
		      int max)
{
	int found = 0;

	for (int i = 0; i < n && found < max; i++) {
		bool seen = false;

		if (!s[i].active ||
		    (strcmp(s[i].type, "x11") && strcmp(s[i].type, "wayland")))
			continue;
		for (int j = 0; j < found; j++)
			seen |= uids[j] == s[i].uid;
		if (!seen)
			uids[found++] = s[i].uid;
	}
	return found;
}

#ifdef OOMQD_SYSTEMD

int notify_users(uid_t *uids, int max)
{
	struct notify_session s[NOTIFY_USERS_MAX * 2];
	char **ids = NULL;
	int n, got = 0;

	n = sd_get_sessions(&ids);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		char *type = NULL;

		if (got < (int)(sizeof(s) / sizeof(*s)) &&
		    sd_session_get_uid(ids[i], &s[got].uid) >= 0 &&
		    sd_session_get_type(ids[i], &type) >= 0) {
			snprintf(s[got].type, sizeof(s[got].type), "%s", type);
			s[got].active = sd_session_is_active(ids[i]) > 0;
			got++;
		}
		free(type);
		free(ids[i]);
	}
	free(ids);
	return notify_pick_users(s, got, uids, max);
}

struct notify_call {
	const char *address;
	uid_t uid; /* to become, or (uid_t)-1 to stay */
	const char *summary, *body;
	unsigned char urgency; /* 0 low, 1 normal, 2 critical */
};

/* The D-Bus call itself: 0 or -errno. */
static int call_notify(const struct notify_call *c)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus *bus = NULL;
	int ret;

	ret = sd_bus_new(&bus);
	if (ret < 0)
		return ret;
	ret = sd_bus_set_address(bus, c->address);
	if (ret >= 0)
		ret = sd_bus_set_bus_client(bus, 1);
	if (ret >= 0)
		ret = sd_bus_start(bus);
	if (ret >= 0)
		ret = sd_bus_message_new_method_call(
			bus, &m, "org.freedesktop.Notifications",
			"/org/freedesktop/Notifications",
			"org.freedesktop.Notifications", "Notify");
	/* app_name, replaces_id, app_icon, summary, body, actions, hints,
	 * expire_timeout (-1: the server's default). */
	if (ret >= 0)
		ret = sd_bus_message_append(m, "susssasa{sv}i", "oomqd", 0,
					    "dialog-warning", c->summary,
					    c->body, 0, 1, "urgency", "y",
					    c->urgency, -1);
	if (ret >= 0)
		ret = sd_bus_call(bus, m, NOTIFY_TIMEOUT_MS * 1000ULL / 2, &err,
				  &reply);
	if (ret < 0 && sd_bus_error_is_set(&err))
		fprintf(stderr, "oomqd-hooks: notify: %s: %s\n", err.name,
			err.message);
	sd_bus_error_free(&err);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return ret < 0 ? ret : 0;
}

/*
 * In the forked child: become c->uid (its /run/user directory's group
 * as the only group: no NSS look-up in the daemon), call, exit with the
 * error number.
 */
static void notify_child(const void *arg)
{
	const struct notify_call *c = arg;

	if (c->uid != (uid_t)-1) {
		char dir[32];
		struct stat st;

		snprintf(dir, sizeof(dir), "/run/user/%u",
			 (unsigned int)c->uid);
		if (stat(dir, &st) || st.st_uid != c->uid)
			_exit(ENOENT);
		if (setgroups(1, &st.st_gid) ||
		    setresgid(st.st_gid, st.st_gid, st.st_gid) ||
		    setresuid(c->uid, c->uid, c->uid))
			_exit(errno);
	}
	_exit(-call_notify(c) & 0xff);
}

static void send_to(struct notify_call *c)
{
	struct hook_result res;
	int ret;

	ret = hooks_fork_wait(notify_child, c, NOTIFY_TIMEOUT_MS, &res);
	if (!ret && res.timed_out)
		ret = -ETIMEDOUT;
	else if (!ret && WIFEXITED(res.status))
		ret = -WEXITSTATUS(res.status);
	else if (!ret)
		ret = -EINTR;
	if (ret)
		logmsg(LOG_WARNING, "notify: %s: %s", c->address,
		       strerror(-ret));
}

void notify_show(const struct hook_record *r, unsigned int more)
{
	char summary[NOTIFY_SUMMARY_LEN], body[NOTIFY_BODY_LEN];
	char address[NOTIFY_ADDRESS_LEN];
	struct notify_call c = { .summary = summary, .body = body };
	const char *env = getenv(NOTIFY_ADDRESS_ENV);
	uid_t uids[NOTIFY_USERS_MAX];
	int n;

	notify_text(r, more, summary, sizeof(summary), body, sizeof(body));
	c.urgency = r->kind == NOTICE_KILL || r->kind == NOTICE_OOM_KILL ? 2 :
									   1;
	if (env && env[0]) {
		c.address = env;
		c.uid = (uid_t)-1;
		send_to(&c);
		return;
	}
	n = notify_users(uids, NOTIFY_USERS_MAX);
	if (n < 0)
		logmsg(LOG_INFO, "notify: logind sessions: %s", strerror(-n));
	for (int i = 0; i < n; i++) {
		snprintf(address, sizeof(address), "unix:path=/run/user/%u/bus",
			 (unsigned int)uids[i]);
		c.address = address;
		c.uid = uids[i];
		send_to(&c);
	}
}

#else /* !OOMQD_SYSTEMD */

int notify_users(uid_t *uids, int max)
{
	(void)uids;
	(void)max;
	return -ENOTSUP;
}

void notify_show(const struct hook_record *r, unsigned int more)
{
	(void)r;
	(void)more;
}

#endif
