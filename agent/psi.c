// SPDX-License-Identifier: GPL-2.0
/*
 * psi: parse pressure files, set a trigger, tell when it fired.
 *
 * The trigger rules are kernel/sched/psi.c's psi_trigger_create(): the
 * privilege that counts is CAP_SYS_RESOURCE in the credentials that
 * opened the file (not uid 0: a container's root may lack it), an
 * unprivileged window must be a multiple of 2 s, no window may pass
 * 10 s, 6.1 refuses one under 500 ms, and a threshold must be in
 * 1..window.  The kernel reads at most 31 bytes and turns the last byte
 * written into the terminating NUL, so the NUL is written too.
 *
 * PSI may be missing: built without CONFIG_PSI or booted with psi=0 the
 * file is absent (-ENOENT); disabled at run time, or a cgroup file with
 * cgroup.pressure off, reads and trigger writes fail with EOPNOTSUPP.
 * Either way the caller falls back to polling /proc/meminfo.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "pread_whole.h"
#include "proc_parse.h"
#include "psi.h"

/*
 * "12.34" as the kernel prints it ("%lu.%02lu"), into *@v; advances
 * *@p.  Accepts any number of decimals, no sign, no exponent.
 */
static int parse_fixed(const char **p, const char *end, double *v)
{
	const char *s = *p;
	double x = 0, scale = 1;
	bool digits = false;

	while (s < end && *s >= '0' && *s <= '9') {
		x = x * 10 + (*s++ - '0');
		digits = true;
	}
	if (s < end && *s == '.') {
		s++;
		while (s < end && *s >= '0' && *s <= '9') {
			scale /= 10;
			x += (*s++ - '0') * scale;
			digits = true;
		}
	}
	if (!digits)
		return -EINVAL;
	*p = s;
	*v = x;
	return 0;
}

static int expect(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n))
		return -EINVAL;
	*p += n;
	return 0;
}

/* " avg10=0.00 avg60=0.00 avg300=0.00 total=0" up to @end. */
static int parse_line(const char *p, const char *end, struct psi_line *l)
{
	if (expect(&p, end, " avg10=") || parse_fixed(&p, end, &l->avg10) ||
	    expect(&p, end, " avg60=") || parse_fixed(&p, end, &l->avg60) ||
	    expect(&p, end, " avg300=") || parse_fixed(&p, end, &l->avg300) ||
	    expect(&p, end, " total=") || proc_parse_u64(&p, end, &l->total_us))
		return -EINVAL;
	return p == end ? 0 : -EINVAL;
}

/**
 * psi_parse_buf - parse a pressure file
 * @buf: its text, not necessarily NUL-terminated
 * @len: bytes in @buf
 * @st: filled on success
 *
 *	some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *	full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *
 * A line that starts with another word is skipped, so a kernel that adds
 * one does not break the agent.  A "some" or "full" line must be exactly
 * as above, each at most once.
 *
 * Return: 0; -EINVAL for a malformed or repeated line; -ENODATA without
 * a "some" line.
 */
int psi_parse_buf(const char *buf, size_t len, struct psi_stats *st)
{
	const char *p = buf, *end = buf + len;
	bool has_some = false;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		bool *seen = NULL;
		struct psi_line *l = NULL;

		if (!eol)
			eol = end;
		if (eol - p >= 4 && !memcmp(p, "some", 4)) {
			seen = &has_some;
			l = &st->some;
		} else if (eol - p >= 4 && !memcmp(p, "full", 4)) {
			seen = &st->has_full;
			l = &st->full;
		}
		if (l) {
			if (*seen || parse_line(p + 4, eol, l))
				return -EINVAL;
			*seen = true;
		}
		p = eol + 1;
	}
	return has_some ? 0 : -ENODATA;
}

/**
 * psi_trigger_fit - bend a trigger to what the kernel accepts
 * @t: in: what the config asks; out: what to write
 * @privileged: the opener has CAP_SYS_RESOURCE (psi_privileged())
 *
 * The window is raised to PSI_WINDOW_MIN_US, and without privilege to
 * the next multiple of 2 s; the threshold is scaled with it so the stall
 * fraction stays the same.  Nothing is lowered: a too-large window or a
 * zero is the config's error.
 *
 * Return: 0, or -EINVAL for a window above 10 s, a zero threshold, or a
 * threshold above the window.
 */
int psi_trigger_fit(struct psi_trigger *t, bool privileged)
{
	uint64_t window = t->window_us, threshold = t->threshold_us;

	if (!threshold || threshold > window || window > PSI_WINDOW_MAX_US)
		return -EINVAL;
	if (window < PSI_WINDOW_MIN_US)
		window = PSI_WINDOW_MIN_US;
	if (!privileged && window % PSI_WINDOW_UNPRIV_US)
		window = (window / PSI_WINDOW_UNPRIV_US + 1) *
			 PSI_WINDOW_UNPRIV_US;
	threshold = threshold * window / t->window_us;
	if (!threshold)
		threshold = 1;
	t->window_us = (uint32_t)window;
	t->threshold_us = (uint32_t)threshold;
	return 0;
}

/**
 * psi_trigger_format - the text to write, "some 150000 1000000"
 *
 * Return: the length without the NUL, or -ENOSPC.
 */
int psi_trigger_format(const struct psi_trigger *t, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s %u %u",
			 t->kind == PSI_FULL ? "full" : "some", t->threshold_us,
			 t->window_us);

	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* CAP_SYS_RESOURCE in our effective set: what psi_trigger_create() checks. */
bool psi_privileged(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective &
	       CAP_TO_MASK(CAP_SYS_RESOURCE);
}

/* Read the whole file from offset 0 into p->buf; returns its length. */
static ssize_t read_all(struct psi *p)
{
	ssize_t len = pread_whole(p->fd, p->buf, sizeof(p->buf));

	return len == (ssize_t)sizeof(p->buf) ? -EOVERFLOW : len;
}

/**
 * psi_open - open a pressure file, optionally with a trigger on it
 * @p: filled; psi_close() it
 * @path: PSI_PROC_MEMORY or a cgroup's memory.pressure
 * @trig: the trigger, fitted with psi_trigger_fit() to our privilege
 *	here; NULL to only read the averages
 *
 * The file is read once, so a kernel with PSI disabled is found here.
 *
 * Return: 0; -ENOENT (no PSI, or no such cgroup), -EOPNOTSUPP (PSI off),
 * -EINVAL (the kernel or psi_trigger_fit() refused the trigger), another
 * -errno from open/write/read, or psi_parse_buf()'s error.
 */
int psi_open(struct psi *p, const char *path, const struct psi_trigger *trig)
{
	struct psi_stats st;
	char text[32];
	ssize_t n;
	int err;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (trig) {
		p->trigger = *trig;
		err = psi_trigger_fit(&p->trigger, psi_privileged());
		if (err)
			return err;
		err = psi_trigger_format(&p->trigger, text, sizeof(text));
		if (err < 0)
			return err;
	}
	p->fd = open(path, (trig ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0)
		return -errno;
	n = read_all(p);
	if (n < 0) {
		err = (int)n;
		goto err_fd;
	}
	err = psi_parse_buf(p->buf, (size_t)n, &st);
	if (err)
		goto err_fd;
	if (trig) {
		/* With the NUL: the kernel overwrites the last byte with one. */
		if (write(p->fd, text, strlen(text) + 1) < 0) {
			err = -errno;
			goto err_fd;
		}
		p->has_trigger = true;
	}
	return 0;

err_fd:
	close(p->fd);
	p->fd = -1;
	return err;
}

/*
 * The descriptor to poll for POLLPRI, or -1 without a trigger (poll()
 * skips a negative fd; a pressure fd without a trigger would report
 * POLLERR | POLLPRI at once, forever).
 */
int psi_fd(const struct psi *p)
{
	return p->has_trigger ? p->fd : -1;
}

/**
 * psi_fired - what poll() said about psi_fd()
 * @revents: the pollfd's revents
 *
 * Reading the event is poll's job: the kernel clears it as it reports
 * POLLPRI, so there is nothing to acknowledge.
 *
 * Return: 1 when the trigger fired, 0 when not, -ENODEV on POLLERR (the
 * cgroup went away, or no trigger: close and stop polling).
 */
int psi_fired(const struct psi *p, short revents)
{
	if (revents & (POLLERR | POLLNVAL))
		return -ENODEV;
	return p->has_trigger && (revents & POLLPRI) ? 1 : 0;
}

/**
 * psi_read - the current averages, without allocating
 *
 * Return: 0, -EBADF when closed, -errno from pread, or psi_parse_buf()'s
 * error.
 */
int psi_read(struct psi *p, struct psi_stats *st)
{
	ssize_t n;

	if (p->fd < 0)
		return -EBADF;
	n = read_all(p);
	if (n < 0)
		return (int)n;
	return psi_parse_buf(p->buf, (size_t)n, st);
}

/* Close, which also removes the trigger. */
void psi_close(struct psi *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->has_trigger = false;
}
