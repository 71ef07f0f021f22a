// SPDX-License-Identifier: GPL-2.0
/* See metrics.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

static const char *const scope_names[METRICS_NSCOPES] = {
	[METRICS_SCOPE_GLOBAL] = "global",
	[METRICS_SCOPE_MEMCG] = "memcg",
	[METRICS_SCOPE_SYSRQ] = "sysrq",
	[METRICS_SCOPE_UNKNOWN] = "unknown",
};

static enum metrics_scope scope_of(const char *name)
{
	for (int i = 0; name && i < METRICS_SCOPE_UNKNOWN; i++)
		if (!strcmp(name, scope_names[i]))
			return i;
	return METRICS_SCOPE_UNKNOWN;
}

void metrics_note(struct metrics *m, const struct notice *n)
{
	switch (n->kind) {
	case NOTICE_OOM_KILL:
		if ((unsigned int)n->choice < NOTICE_NCHOICES)
			m->oom_kills[n->choice][scope_of(n->scope)]++;
		break;
	case NOTICE_KILL:
		m->proactive_kills++;
		break;
	case NOTICE_KILLED:
		m->proactive_gone++;
		break;
	case NOTICE_PAUSE:
		m->pauses++;
		m->jobs_stopped = n->jobs;
		break;
	case NOTICE_CONTINUE:
		m->continues++;
		m->paused_ms += n->stopped_ms;
		m->jobs_stopped = n->jobs;
		break;
	case NOTICE_NKINDS:
		break;
	}
}

void metrics_pass(struct metrics *m, uint64_t took_us, unsigned int queued,
		  uint64_t now_ms)
{
	m->passes++;
	m->pass_us = took_us;
	m->pass_ms = now_ms;
	m->queued = queued;
}

void metrics_sample(struct metrics *m, const struct pressure_sample *s,
		    enum pressure_level level)
{
	m->last = *s;
	m->level = level;
	m->sampled = true;
}

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

__attribute__((format(printf, 2, 3))) static void emit(struct out *o,
						       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

static void head(struct out *o, const char *name, const char *type,
		 const char *help)
{
	emit(o, "# HELP oomqd_%s %s\n# TYPE oomqd_%s %s\n", name, help, name,
	     type);
}

static void one(struct out *o, const char *name, const char *type,
		const char *help, double v)
{
	head(o, name, type, help);
	emit(o, "oomqd_%s %.15g\n", name, v);
}

int metrics_format(const struct metrics *m, uint64_t now_ms, char *buf,
		   size_t size)
{
	static const enum notice_choice choices[] = { NOTICE_CHOICE_QUEUE,
						      NOTICE_CHOICE_KERNEL };
	struct out o = { .buf = buf, .size = size };
	const struct pressure_sample *s = &m->last;

	head(&o, "oom_kills_total", "counter",
	     "Kernel OOM kills the oomq module reported, by who chose the "
	     "victim (queue: oomqd's queue; kernel: the kernel's own "
	     "choice) and scope.");
	for (size_t c = 0; c < sizeof(choices) / sizeof(*choices); c++)
		for (int sc = 0; sc < METRICS_NSCOPES; sc++)
			emit(&o,
			     "oomqd_oom_kills_total{choice=\"%s\","
			     "scope=\"%s\"} %llu\n",
			     notice_choice_name(choices[c]), scope_names[sc],
			     (unsigned long long)m->oom_kills[choices[c]][sc]);
	one(&o, "proactive_kills_total", "counter",
	    "Proactive kills oomqd started (SIGTERM or SIGKILL sent).",
	    (double)m->proactive_kills);
	one(&o, "proactive_kills_completed_total", "counter",
	    "Victims of proactive kills seen gone.", (double)m->proactive_gone);
	one(&o, "pauses_total", "counter", "Jobs stopped with SIGSTOP.",
	    (double)m->pauses);
	one(&o, "continues_total", "counter", "Jobs continued with SIGCONT.",
	    (double)m->continues);
	one(&o, "paused_seconds_total", "counter",
	    "Time the continued jobs spent stopped, summed over jobs.",
	    (double)m->paused_ms / 1000);
	one(&o, "jobs_stopped", "gauge", "Jobs stopped now.",
	    (double)m->jobs_stopped);
	one(&o, "ranking_passes_total", "counter", "Ranking passes run.",
	    (double)m->passes);
	one(&o, "queue_length", "gauge",
	    "PIDs the last ranking pass queued in /proc/oom.",
	    (double)m->queued);
	one(&o, "queue_age_seconds", "gauge",
	    "Time since the last ranking pass.",
	    m->pass_ms && now_ms >= m->pass_ms ?
		    (double)(now_ms - m->pass_ms) / 1000 :
		    0);
	one(&o, "ranking_pass_duration_seconds", "gauge",
	    "How long the last ranking pass took.", (double)m->pass_us / 1e6);
	if (!m->sampled)
		return o.full ? -ENOSPC : (int)o.len;
	one(&o, "pressure_level", "gauge",
	    "Memory pressure at the last sample: 0 calm, 1 elevated, 2 high, "
	    "3 critical.",
	    (double)m->level);
	one(&o, "memory_total_bytes", "gauge",
	    "MemTotal, or the watched cgroup's limit, at the last sample.",
	    (double)s->mem_total_kb * 1024);
	one(&o, "memory_available_bytes", "gauge",
	    "MemAvailable, or the watched cgroup's, at the last sample.",
	    (double)s->mem_avail_kb * 1024);
	one(&o, "swap_total_bytes", "gauge", "SwapTotal at the last sample.",
	    (double)s->swap_total_kb * 1024);
	one(&o, "swap_free_bytes", "gauge", "SwapFree at the last sample.",
	    (double)s->swap_free_kb * 1024);
	if (s->psi_valid) {
		one(&o, "psi_memory_some_avg10_ratio", "gauge",
		    "Memory PSI some avg10 at the last sample (0 to 1; the "
		    "larger of the system's and psi_cgroup's).",
		    s->psi_some_avg10 / 100);
		one(&o, "psi_memory_full_avg10_ratio", "gauge",
		    "Memory PSI full avg10 at the last sample (0 to 1).",
		    s->psi_full_avg10 / 100);
	}
	return o.full ? -ENOSPC : (int)o.len;
}

int metrics_write(const char *dir, const char *buf, size_t len)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	ssize_t n;
	int fd, ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/" METRICS_TMP_FILE, dir) >=
		    sizeof(tmp) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s/" METRICS_FILE, dir) >=
		    sizeof(dst))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	/* The unit's UMask=0077 would leave it unreadable to node_exporter. */
	if (fchmod(fd, 0644))
		ret = -errno;
	n = ret ? 0 : write(fd, buf, len);
	if (!ret && n < 0)
		ret = -errno;
	else if (!ret && (size_t)n != len)
		ret = -ENOSPC;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

bool metrics_write_due(struct metrics *m, uint64_t now_ms, uint32_t interval_ms,
		       bool killing)
{
	bool busy = killing || (m->sampled && m->level >= PRESSURE_CRITICAL);

	if (now_ms < m->next_write_ms ||
	    (busy && now_ms < m->next_write_ms + METRICS_HOLD_MS))
		return false;
	m->next_write_ms = now_ms + interval_ms;
	return true;
}
