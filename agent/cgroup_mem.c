// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_mem: a cgroup v2 directory's memory as the pressure watcher's
 * sample (Documentation/admin-guide/cgroup-v2.rst, "Memory").
 *
 * The limit is the smallest memory.max or memory.high of the cgroup and
 * of each ancestor that has them: a parent's limit may be the tighter
 * one, and memory.high is where the kernel starts throttling and
 * reclaiming hard, the stall oomqd is there to prevent.  The headroom is
 * the smallest (limit - memory.current) of those levels, since an
 * ancestor's usage counts its other children too.
 *
 * "Available" follows the kernel's MemAvailable (si_mem_available()):
 * free memory plus what reclaim can take without hurting.  The kernel
 * counts nearly all of the page cache and of the reclaimable slab, less
 * a reserve of the low watermark; a cgroup has no watermark, and in a
 * small cgroup the active file pages are the running programs' text and
 * data, whose reclaim is refaults (thrashing).  So: inactive_file whole,
 * active_file and slab_reclaimable half each.  Anon and shmem are not
 * counted (they only go to swap, which the swap thresholds watch), nor
 * are other cgroups' caches an ancestor's reclaim might take.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup_mem.h"
#include "policy.h"
#include "pread_whole.h"
#include "proc_parse.h"
#include "sample.h"

/* A decimal that is all of [p, end): -EINVAL for anything else. */
static int parse_u64(const char *p, const char *end, uint64_t *v)
{
	uint64_t x;

	if (proc_parse_u64(&p, end, &x) || p != end)
		return -EINVAL;
	*v = x;
	return 0;
}

/**
 * cgroup_mem_parse_limit - memory.max, memory.high or memory.swap.max
 * @bytes: the limit in bytes, or CGROUP_MEM_NO_LIMIT for "max"
 *
 * Return: 0, or -EINVAL for anything but "max" or a decimal, each with
 * or without one newline.
 */
int cgroup_mem_parse_limit(const char *buf, size_t len, uint64_t *bytes)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len == 3 && !memcmp(buf, "max", 3)) {
		*bytes = CGROUP_MEM_NO_LIMIT;
		return 0;
	}
	return parse_u64(buf, buf + len, bytes);
}

/**
 * cgroup_mem_parse_stat - the keys struct cgroup_mem_stat holds
 * @cut: @buf is the start of a longer file: its last line, cut, is
 *	not read
 *
 * Lines are "key value"; other keys are skipped.
 *
 * Return: 0; -EINVAL for a needed key with a malformed value or seen
 * twice; -ENODATA when one of them is missing (or past a cut).
 */
int cgroup_mem_parse_stat(const char *buf, size_t len, bool cut,
			  struct cgroup_mem_stat *st)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "inactive_file",
		  offsetof(struct cgroup_mem_stat, inactive_file) },
		{ "active_file",
		  offsetof(struct cgroup_mem_stat, active_file) },
		{ "slab_reclaimable",
		  offsetof(struct cgroup_mem_stat, slab_reclaimable) },
	};
	const char *p = buf, *end = buf + len;
	unsigned int seen = 0;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol && cut)
			break;
		if (!eol)
			eol = end;
		for (unsigned int i = 0; i < sizeof(keys) / sizeof(*keys);
		     i++) {
			size_t n = strlen(keys[i].key);

			if ((size_t)(eol - p) <= n ||
			    memcmp(p, keys[i].key, n) || p[n] != ' ')
				continue;
			if ((seen & (1u << i)) ||
			    parse_u64(p + n + 1, eol,
				      (uint64_t *)((char *)st + keys[i].off)))
				return -EINVAL;
			seen |= 1u << i;
		}
		p = eol + 1;
	}
	return seen == (1u << (sizeof(keys) / sizeof(*keys))) - 1 ? 0 :
								    -ENODATA;
}

/* Bytes reclaim may take from this cgroup without thrashing; see top. */
uint64_t cgroup_mem_reclaimable(const struct cgroup_mem_stat *st)
{
	return st->inactive_file + st->active_file / 2 +
	       st->slab_reclaimable / 2;
}

/*
 * A regular file of the cgroup, for reading: -ENOENT when absent,
 * -EINVAL when something else (a FIFO must not block the daemon, a
 * directory is no value).
 */
static int open_file(int dfd, const char *name)
{
	struct stat sb;
	int fd = openat(dfd, name,
			O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
				O_CLOEXEC);

	if (fd < 0)
		return errno == ELOOP ? -EINVAL : -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* As open_file(), but absent is fine: -1. */
static int open_optional(int dfd, const char *name, int *fd)
{
	int ret = open_file(dfd, name);

	*fd = ret == -ENOENT ? -1 : ret;
	return ret == -ENOENT ? 0 : ret < 0 ? ret : 0;
}

/*
 * One level's limit files.  The cgroup itself (@self) must have
 * memory.max and memory.high, or its parent does not give it the
 * memory controller; an ancestor without them is the root (or above
 * what this mount shows): -ENOENT ends the walk.
 */
static int open_level(int dfd, struct cgroup_mem_level *lv)
{
	int ret;

	ret = open_file(dfd, "memory.max");
	if (ret < 0)
		return ret;
	lv->max = ret;
	ret = open_file(dfd, "memory.high");
	if (ret < 0)
		return ret;
	lv->high = ret;
	ret = open_file(dfd, "memory.current");
	if (ret < 0)
		return ret;
	lv->current = ret;
	return open_optional(dfd, "memory.swap.max", &lv->swap_max);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_level(struct cgroup_mem_level *lv)
{
	close_fd(&lv->max);
	close_fd(&lv->high);
	close_fd(&lv->current);
	close_fd(&lv->swap_max);
}

void cgroup_mem_close(struct cgroup_mem *cm)
{
	close_fd(&cm->stat);
	close_fd(&cm->swap_current);
	for (unsigned int i = 0; i < CGROUP_MEM_DEPTH; i++)
		close_level(&cm->lv[i]);
	cm->depth = 0;
}

/*
 * The parent of @dfd on the same file system, or -ENOENT at the top:
 * the mount's root ("..", the same directory) or a mount below it.
 */
static int open_parent(int dfd)
{
	struct stat self, up;
	int pfd = openat(dfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (pfd < 0)
		return -errno;
	if (fstat(dfd, &self) || fstat(pfd, &up) || up.st_dev != self.st_dev ||
	    up.st_ino == self.st_ino) {
		close(pfd);
		return -ENOENT;
	}
	return pfd;
}

/* The ancestors' limit files, as far up as they go (see open_level()). */
static int open_ancestors(struct cgroup_mem *cm, int dfd)
{
	int fd = dfd, ret = 0;

	while (cm->depth < CGROUP_MEM_DEPTH) {
		int up = open_parent(fd);

		if (fd != dfd)
			close(fd);
		if (up == -ENOENT)
			return 0;
		if (up < 0)
			return up;
		fd = up;
		ret = open_level(fd, &cm->lv[cm->depth]);
		if (ret) {
			close_level(&cm->lv[cm->depth]);
			close(fd);
			return ret == -ENOENT ? 0 : ret;
		}
		cm->depth++;
	}
	/* A level past the last one read with limits of its own? */
	ret = open_parent(fd);
	close(fd);
	if (ret >= 0) {
		cm->cut = faccessat(ret, "memory.max", F_OK, 0) == 0;
		close(ret);
	}
	return 0;
}

/**
 * cgroup_mem_open - open the cgroup's files and its ancestors' limits
 * @cm: filled; cgroup_mem_close() it
 * @dir: the cgroup's directory
 *
 * Return: 0; -ENOTDIR (or another -errno) when @dir is no directory;
 * -ENOENT when memory.max, memory.high, memory.current or memory.stat
 * is missing (no memory controller here); -EINVAL when one of them is
 * not a regular file.
 */
int cgroup_mem_open(struct cgroup_mem *cm, const char *dir)
{
	int dfd, ret;

	memset(cm, 0, sizeof(*cm));
	cm->stat = cm->swap_current = -1;
	for (unsigned int i = 0; i < CGROUP_MEM_DEPTH; i++)
		cm->lv[i] = (struct cgroup_mem_level){ -1, -1, -1, -1 };
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	ret = open_level(dfd, &cm->lv[0]);
	if (!ret) {
		cm->depth = 1;
		ret = cm->stat = open_file(dfd, "memory.stat");
	}
	if (ret >= 0)
		ret = open_optional(dfd, "memory.swap.current",
				    &cm->swap_current);
	if (!ret)
		ret = open_ancestors(cm, dfd);
	close(dfd);
	if (ret < 0)
		cgroup_mem_close(cm);
	return ret < 0 ? ret : 0;
}

/* Is @dir on a cgroup v2 file system (not a fixture, not v1)? */
bool cgroup_mem_is_cgroup2(const char *dir)
{
	struct statfs sf;

	return !statfs(dir, &sf) && sf.f_type == CGROUP2_SUPER_MAGIC;
}

/*
 * The whole file into cm->buf from offset 0; *@cut when it filled the
 * buffer (more may follow).
 */
static int read_fd(struct cgroup_mem *cm, int fd, size_t *len, bool *cut)
{
	ssize_t n = pread_whole(fd, cm->buf, sizeof(cm->buf));

	*len = 0;
	*cut = false;
	if (n < 0)
		return (int)n;
	*len = (size_t)n;
	*cut = *len == sizeof(cm->buf);
	return 0;
}

/* A one-value file, bytes (or CGROUP_MEM_NO_LIMIT); -EFBIG if cut. */
static int read_value(struct cgroup_mem *cm, int fd, uint64_t *bytes)
{
	size_t len;
	bool cut;
	int ret = read_fd(cm, fd, &len, &cut);

	if (!ret && cut)
		ret = -EFBIG;
	return ret ? ret : cgroup_mem_parse_limit(cm->buf, len, bytes);
}

static uint64_t kib(uint64_t bytes)
{
	return bytes == CGROUP_MEM_NO_LIMIT ? bytes : bytes / 1024;
}

/* One level's limit and headroom, folded into @cs's. */
static int read_level(struct cgroup_mem *cm, const struct cgroup_mem_level *lv,
		      unsigned int i, struct cgroup_mem_sample *cs)
{
	uint64_t max, high, swap = CGROUP_MEM_NO_LIMIT, cur;
	int ret;

	ret = read_value(cm, lv->max, &max);
	if (!ret)
		ret = read_value(cm, lv->high, &high);
	if (!ret && lv->swap_max >= 0)
		ret = read_value(cm, lv->swap_max, &swap);
	if (!ret && (i == 0 || max != CGROUP_MEM_NO_LIMIT ||
		     high != CGROUP_MEM_NO_LIMIT))
		ret = read_value(cm, lv->current, &cur);
	if (ret)
		return ret;
	if (kib(swap) < cs->swap_limit_kb)
		cs->swap_limit_kb = kib(swap);
	if (high < max)
		max = high;
	if (i == 0)
		cs->current_kb = kib(cur);
	if (max == CGROUP_MEM_NO_LIMIT)
		return 0;
	max = kib(max);
	cur = kib(cur);
	if (max < cs->limit_kb) {
		cs->limit_kb = max;
		cs->limit_level = i;
	}
	if (max - (cur < max ? cur : max) < cs->headroom_kb)
		cs->headroom_kb = max - (cur < max ? cur : max);
	return 0;
}

/**
 * cgroup_mem_read - one reading, without allocating
 *
 * An ancestor's memory.current is read only where that ancestor has a
 * limit: its usage counts against that limit alone.
 *
 * Return: 0, -errno from pread, -EINVAL for a malformed value, -EFBIG
 * for a value file that fills the buffer, or cgroup_mem_parse_stat()'s
 * error.
 */
int cgroup_mem_read(struct cgroup_mem *cm, struct cgroup_mem_sample *cs)
{
	struct cgroup_mem_stat st;
	uint64_t v;
	size_t len;
	bool cut;
	int ret;

	memset(cs, 0, sizeof(*cs));
	cs->limit_kb = cs->headroom_kb = CGROUP_MEM_NO_LIMIT;
	cs->swap_limit_kb = CGROUP_MEM_NO_LIMIT;
	for (unsigned int i = 0; i < cm->depth; i++) {
		ret = read_level(cm, &cm->lv[i], i, cs);
		if (ret)
			return ret;
	}
	if (cm->swap_current >= 0) {
		ret = read_value(cm, cm->swap_current, &v);
		if (ret)
			return ret;
		cs->swap_current_kb = kib(v);
	}
	ret = read_fd(cm, cm->stat, &len, &cut);
	if (!ret)
		ret = cgroup_mem_parse_stat(cm->buf, len, cut, &st);
	if (ret)
		return ret;
	cs->reclaimable_kb = cgroup_mem_reclaimable(&st) / 1024;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/**
 * cgroup_mem_apply - the machine's sample @s as the cgroup sees it
 *
 * MemTotal becomes the limit (kept when no level limits or the limit is
 * above it); MemAvailable the headroom plus what reclaim may take of the
 * cgroup's own memory, never more than the limit nor the machine's
 * MemAvailable (other cgroups may have taken the RAM the limit allows).
 * With memory.swap.max, SwapTotal and SwapFree become the swap the
 * cgroup may still use, never more than the machine's.
 */
void cgroup_mem_apply(const struct cgroup_mem_sample *cs,
		      struct pressure_sample *s)
{
	uint64_t avail;

	if (cs->limit_kb != CGROUP_MEM_NO_LIMIT) {
		s->mem_total_kb = min_u64(s->mem_total_kb, cs->limit_kb);
		avail = cs->headroom_kb +
			min_u64(cs->reclaimable_kb, cs->current_kb);
		avail = min_u64(avail, s->mem_total_kb);
		s->mem_avail_kb = min_u64(avail, s->mem_avail_kb);
	}
	if (cs->swap_limit_kb != CGROUP_MEM_NO_LIMIT) {
		avail = cs->swap_limit_kb -
			min_u64(cs->swap_current_kb, cs->swap_limit_kb);
		s->swap_total_kb = min_u64(s->swap_total_kb, cs->swap_limit_kb);
		s->swap_free_kb = min_u64(s->swap_free_kb, avail);
	}
}

/**
 * cgroup_mem_auto - is @root (CGROUP_MEM_ROOT) a cgroup with a limit?
 *
 * The real root cgroup has no memory.max; a container's cgroup
 * namespace mounts its own cgroup at /sys/fs/cgroup, and that one has
 * (with the memory controller delegated to it).  That is the sign that
 * oomqd runs in a container and its limit is the one that counts.
 */
bool cgroup_mem_auto(const char *root)
{
	struct stat sb;
	char path[64];

	if ((size_t)snprintf(path, sizeof(path), "%s/memory.max", root) >=
	    sizeof(path))
		return false;
	return !stat(path, &sb) && S_ISREG(sb.st_mode);
}

/*
 * One space-separated field of a mountinfo line at *@p, unescaped (the
 * kernel writes space, tab, newline and backslash as \ooo) into @out;
 * -EINVAL when missing or longer than @size.
 */
static int mi_field(const char **p, const char *end, char *out, size_t size)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && *s == ' ')
		s++;
	if (s == end)
		return -EINVAL;
	while (s < end && *s != ' ') {
		char c = *s++;

		if (c == '\\' && end - s >= 3 && s[0] >= '0' && s[0] <= '3' &&
		    s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 +
				   (s[2] - '0'));
			s += 3;
		}
		if (n + 1 >= size)
			return -EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	*p = s;
	return 0;
}

/* @dir's part under mount point @mp, or NULL when @mp does not hold it. */
static const char *under(const char *dir, const char *mp)
{
	size_t n = strlen(mp);

	if (!strcmp(mp, "/"))
		return dir;
	if (strncmp(dir, mp, n) || (dir[n] && dir[n] != '/'))
		return NULL;
	return dir + n;
}

/**
 * cgroup_mem_path - @dir as /proc/<pid>/cgroup's "0::" line names it
 * @mountinfo: /proc/self/mountinfo's text
 * @dir: an absolute directory without "." or ".." parts
 * @out: the path, "/" based, relative to oomqd's cgroup namespace
 *
 * The cgroup2 mount with the longest mount point above @dir gives it:
 * the mount's root (as this namespace sees it) plus the rest of @dir.
 *
 * Return: 0; -ENOENT when no cgroup2 mount holds @dir; -EXDEV when that
 * mount's root is outside oomqd's cgroup namespace ("/.."), where no
 * process of ours can be; -ENAMETOOLONG.
 */
int cgroup_mem_path(const char *mountinfo, size_t len, const char *dir,
		    char *out, size_t size)
{
	const char *p = mountinfo, *end = mountinfo + len;
	char root[SAMPLE_TEXT_LEN], mp[SAMPLE_TEXT_LEN], best[SAMPLE_TEXT_LEN];
	size_t best_len = 0;
	const char *rest = NULL;
	bool found = false;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *sep;
		char skip[32];

		if (!eol)
			eol = end;
		sep = memmem(p, (size_t)(eol - p), " - cgroup2 ", 11);
		p = eol + 1;
		/* id, parent, major:minor, root, mount point */
		if (!sep || mi_field(&q, sep, skip, sizeof(skip)) ||
		    mi_field(&q, sep, skip, sizeof(skip)) ||
		    mi_field(&q, sep, skip, sizeof(skip)) ||
		    mi_field(&q, sep, root, sizeof(root)) ||
		    mi_field(&q, sep, mp, sizeof(mp)) || root[0] != '/' ||
		    mp[0] != '/' || !(rest = under(dir, mp)))
			continue;
		if (found && strlen(mp) < best_len)
			continue;
		best_len = strlen(mp);
		found = true;
		if (!strcmp(root, "/"))
			root[0] = '\0';
		if ((size_t)snprintf(best, sizeof(best), "%s%s", root, rest) >=
		    sizeof(best))
			return -ENAMETOOLONG;
	}
	if (!found)
		return -ENOENT;
	if (!best[0])
		strcpy(best, "/");
	if (!strncmp(best, "/..", 3) && (!best[3] || best[3] == '/'))
		return -EXDEV;
	if (strlen(best) >= size)
		return -ENAMETOOLONG;
	strcpy(out, best);
	return 0;
}

/**
 * cgroup_path_within - is cgroup @path in the subtree of @scope?
 *
 * Both as /proc/<pid>/cgroup shows them.  A process outside oomqd's
 * cgroup namespace shows as "/../..": never within.  An empty @path
 * (unreadable) is not within either.
 */
bool cgroup_path_within(const char *path, const char *scope)
{
	size_t n = strlen(scope);

	if (path[0] != '/' ||
	    (!strncmp(path, "/..", 3) && (!path[3] || path[3] == '/')))
		return false;
	if (!strcmp(scope, "/"))
		return true;
	return !strncmp(path, scope, n) && (!path[n] || path[n] == '/');
}

/* /proc/self/mountinfo, whole, in a buffer the caller frees. */
static int read_mountinfo(char **text, size_t *len)
{
	size_t size = 16384, have = 0;
	char *buf = malloc(size), *more;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !buf) {
		n = fd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	while ((n = read(fd, buf + have, size - have)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			goto fail;
		}
		have += (size_t)n;
		if (have == size) {
			more = realloc(buf, size * 2);
			if (!more) {
				n = -ENOMEM;
				goto fail;
			}
			buf = more;
			size *= 2;
		}
	}
	close(fd);
	*text = buf;
	*len = have;
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return (int)n;
}

/**
 * cgroup_mem_resolve - the cgroup [oomqd] cgroup names, checked
 * @conf: POLICY_CGROUP_AUTO, "" (none) or a directory
 * @dir: the directory to watch, "" for none (auto outside a container)
 * @scope: its path as /proc/<pid>/cgroup shows it (cgroup_mem_path())
 * @why: on failure, what is wrong (static string)
 *
 * At start only: it allocates (mountinfo).  Return: 0, or -errno with
 * *@why set.
 */
int cgroup_mem_resolve(const char *conf, char *dir, size_t dsize, char *scope,
		       size_t ssize, const char **why)
{
	struct cgroup_mem cm;
	char *mi = NULL;
	size_t len = 0;
	int ret;

	dir[0] = scope[0] = '\0';
	*why = NULL;
	if (!strcmp(conf, POLICY_CGROUP_AUTO)) {
		if (!cgroup_mem_auto(CGROUP_MEM_ROOT))
			return 0;
		conf = CGROUP_MEM_ROOT;
	}
	if (!conf[0])
		return 0;
	if ((size_t)snprintf(dir, dsize, "%s", conf) >= dsize) {
		*why = "path too long";
		return -ENAMETOOLONG;
	}
	if (!access(dir, F_OK) && !cgroup_mem_is_cgroup2(dir)) {
		*why = "not a directory of a cgroup v2 file system";
		dir[0] = '\0';
		return -EINVAL;
	}
	ret = cgroup_mem_open(&cm, dir);
	if (ret == -ENOENT && !access(dir, F_OK))
		*why = "no memory.max, memory.high, memory.current or "
		       "memory.stat: the memory controller is not enabled for "
		       "it (the parent's cgroup.subtree_control), or it is "
		       "the root cgroup";
	if (ret) {
		if (!*why)
			*why = strerror(-ret);
		dir[0] = '\0';
		return ret;
	}
	cgroup_mem_close(&cm);
	ret = read_mountinfo(&mi, &len);
	if (!ret) {
		ret = cgroup_mem_path(mi, len, dir, scope, ssize);
		free(mi);
	}
	if (ret) {
		*why = ret == -EXDEV ? "outside oomqd's cgroup namespace" :
				       "its cgroup path: not found in "
				       "/proc/self/mountinfo";
		dir[0] = '\0';
	}
	return ret;
}
