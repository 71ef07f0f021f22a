// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink events, seen through `oomqctl events` running in the background
 * with its output in a file, one event per line:
 *
 *	event=kill choice=queue scope=global pid=123 comm=holder ... index=0
 *	event=queue_set queue_len=3
 *
 * Cases call expect_kill() for each kill they cause; the netlink case
 * checks every one of them has its event (choice, scope, queue index),
 * and that nothing else was killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define EVENTS_LOG "/tmp/oomq-events.log"

static pid_t events_pid;

/* Copy the value of "key=" in @line (a whole token) into @val. */
static bool token(const char *line, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= size)
				n = size - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = '\0';
			return true;
		}
		p += klen;
	}
	return false;
}

static bool log_has(const char *needle)
{
	static char buf[1 << 16];

	return read_text(EVENTS_LOG, buf, sizeof(buf)) > 0 &&
	       strstr(buf, needle);
}

bool events_running(void)
{
	return events_pid > 0 && is_alive(events_pid);
}

int events_start(void)
{
	char *argv[] = { (char *)env.oomqctl_path, "events", NULL };
	long long end;

	if (access(env.oomqctl_path, X_OK))
		return -ENOENT;
	events_pid = spawn_exec(argv, EVENTS_LOG);
	if (events_pid < 0)
		return -errno;
	/* It outlives the cases; kill_all() after each case spares it. */
	unregister_child(events_pid);
	/*
	 * Subscribed once a queue write shows up as an event.  This also
	 * checks that queue_set events exist at all.
	 */
	end = now_ms() + 10000;
	do {
		queue_clear();
		sleep_ms(100);
		if (log_has("event=queue_set"))
			return 0;
	} while (now_ms() < end && is_alive(events_pid));
	events_stop();
	return -ETIMEDOUT;
}

void events_stop(void)
{
	if (events_pid > 0) {
		kill(events_pid, SIGKILL);
		waitpid(events_pid, NULL, 0);
	}
	events_pid = 0;
}

/* Find the kill event for @pid in the log; copy the whole line. */
static bool find_kill(pid_t pid, char *line, size_t size)
{
	char want[32], val[32];
	char buf[512];
	FILE *f = fopen(EVENTS_LOG, "r");
	bool found = false;

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%d", pid);
	while (!found && fgets(buf, sizeof(buf), f)) {
		if (token(buf, "event", val, sizeof(val)) &&
		    !strcmp(val, "kill") &&
		    token(buf, "pid", val, sizeof(val)) && !strcmp(val, want)) {
			buf[strcspn(buf, "\n")] = '\0';
			snprintf(line, size, "%s", buf);
			found = true;
		}
	}
	fclose(f);
	return found;
}

bool events_wait_kill(pid_t pid, char *choice, size_t size,
		      unsigned int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	char line[512];

	do {
		if (find_kill(pid, line, sizeof(line))) {
			if (!token(line, "choice", choice, size))
				snprintf(choice, size, "(none)");
			return true;
		}
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

struct expected_kill {
	pid_t pid;
	char choices[32]; /* "queue" or alternatives: "dry|kernel" */
	char scope[16];
	int index; /* index=, or -1: must be absent */
	char comm[16]; /* comm=, or empty: not checked */
};

static struct expected_kill expected[64];
static size_t nexpected;

void expect_kill(pid_t pid, const char *choices, const char *scope, int index,
		 const char *comm)
{
	struct expected_kill *e;

	if (nexpected >= ARRAY_SIZE(expected))
		return;
	e = &expected[nexpected++];
	e->pid = pid;
	snprintf(e->choices, sizeof(e->choices), "%s", choices);
	snprintf(e->scope, sizeof(e->scope), "%s", scope);
	e->index = index;
	snprintf(e->comm, sizeof(e->comm), "%s", comm ? comm : "");
}

/* Is @word one of the '|'-separated @alternatives? */
static bool one_of(const char *word, const char *alternatives)
{
	size_t len = strlen(word);
	const char *p = alternatives;

	for (;;) {
		size_t n = strcspn(p, "|");

		if (n == len && !strncmp(p, word, len))
			return true;
		if (!p[n])
			return false;
		p += n + 1;
	}
}

static bool expected_pid(pid_t pid)
{
	for (size_t i = 0; i < nexpected; i++)
		if (expected[i].pid == pid)
			return true;
	return false;
}

/* A queue kill names its place in the queue; other kills have none. */
static bool index_ok(const char *line, int want)
{
	char val[16];
	bool has = token(line, "index", val, sizeof(val));

	if (want == KILL_INDEX_ANY)
		return true;
	return want < 0 ? !has : has && atoi(val) == want;
}

/* Copy the kill events to the console, for whoever reads the log. */
static void dump_kills(void)
{
	char line[512], val[32];
	FILE *f = fopen(EVENTS_LOG, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (token(line, "event", val, sizeof(val)) &&
		    strcmp(val, "queue_set")) {
			line[strcspn(line, "\n")] = '\0';
			kmsgf("oomqctl-event: %s", line);
		}
	}
	if (f)
		fclose(f);
}

void case_netlink_events(struct outcome *o)
{
	char line[512], choice[32], scope[32], val[32];
	size_t kills = 0;
	int lost = 0;
	FILE *f;

	if (!events_running()) {
		skipf(o, "oomqctl events is not running (%s)",
		      access(env.oomqctl_path, X_OK) ?
			      "no oomqctl in the image" :
			      "it exited");
		return;
	}
	if (!nexpected) {
		skipf(o, "no OOM case ran with the listener up");
		return;
	}
	/* Events are sent from a work item: give the last one a moment. */
	sleep_ms(500);
	dump_kills();
	for (size_t i = 0; i < nexpected; i++) {
		const struct expected_kill *e = &expected[i];

		if (!find_kill(e->pid, line, sizeof(line))) {
			failf(o, "no kill event for pid %d (want choice=%s)",
			      e->pid, e->choices);
			return;
		}
		if (!token(line, "choice", choice, sizeof(choice)))
			strcpy(choice, "(none)");
		if (!token(line, "scope", scope, sizeof(scope)))
			strcpy(scope, "(none)");
		if (!one_of(choice, e->choices)) {
			failf(o, "pid %d: choice=%s, want %s", e->pid, choice,
			      e->choices);
			return;
		}
		if (strcmp(scope, e->scope)) {
			failf(o, "pid %d: scope=%s, want %s", e->pid, scope,
			      e->scope);
			return;
		}
		if (e->comm[0] && (!token(line, "comm", val, sizeof(val)) ||
				   strcmp(val, e->comm))) {
			failf(o, "pid %d: want comm=%s: %s", e->pid, e->comm,
			      line);
			return;
		}
		if (!index_ok(line, e->index)) {
			failf(o, "pid %d: want index=%d: %s", e->pid, e->index,
			      line);
			return;
		}
	}
	/*
	 * And no kill we did not cause (a double kill, say), no probe miss
	 * (both Debian builds call oom_badness() out of line).  "lost" is
	 * allowed (a message the module could not allocate during an OOM);
	 * every kill event is checked for above.
	 */
	f = fopen(EVENTS_LOG, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!token(line, "event", val, sizeof(val)))
			continue;
		if (!strcmp(val, "probe_miss")) {
			line[strcspn(line, "\n")] = '\0';
			failf(o, "unexpected event: %s", line);
			break;
		}
		if (!strcmp(val, "lost") &&
		    token(line, "lost", val, sizeof(val)))
			lost += atoi(val);
		if (!token(line, "event", val, sizeof(val)) ||
		    strcmp(val, "kill"))
			continue;
		kills++;
		if (!token(line, "pid", val, sizeof(val)) ||
		    !expected_pid(atoi(val))) {
			line[strcspn(line, "\n")] = '\0';
			failf(o, "unexpected kill event: %s", line);
			break;
		}
	}
	if (f)
		fclose(f);
	notef(o, "%zu kills, each with its event; %d events lost", kills, lost);
}

static long events_log_bytes(void)
{
	FILE *f = fopen(EVENTS_LOG, "r");
	long size = 0;

	if (f && !fseek(f, 0, SEEK_END))
		size = ftell(f);
	if (f)
		fclose(f);
	return size;
}

long events_log_size(void)
{
	long size = events_log_bytes(), last = -1;

	for (int i = 0; i < 50 && size != last; i++) {
		sleep_ms(300);
		last = size;
		size = events_log_bytes();
	}
	return size;
}

size_t events_queue_lens(long from, unsigned int *lens, size_t max)
{
	char line[512], val[32];
	FILE *f = fopen(EVENTS_LOG, "r");
	size_t n = 0;

	if (!f)
		return 0;
	if (!fseek(f, from, SEEK_SET)) {
		while (fgets(line, sizeof(line), f)) {
			if (!token(line, "event", val, sizeof(val)) ||
			    strcmp(val, "queue_set") ||
			    !token(line, "queue_len", val, sizeof(val)))
				continue;
			if (n < max)
				lens[n] = atoi(val);
			n++;
		}
	}
	fclose(f);
	return n;
}
