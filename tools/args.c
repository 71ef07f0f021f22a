// SPDX-License-Identifier: GPL-2.0
/*
 * oomqctl's command line.  Pure: fills struct args or says why not, so
 * the unit tests can run it without a socket.
 *
 * set-queue takes PIDs in the /proc/oom grammar (module/parse.c), one or
 * more per argument, so `oomqctl set-queue 1 2 3`, `... 1,2,3` and
 * `... "$(cat /proc/oom)"` all work and mean what a write would mean.
 * --raw sends any u32 as is, for tests of the kernel's own checks.
 */
#include <stdarg.h>
#include <string.h>

#include "oomqctl.h"
#include "../module/parse.h"

static const char *const mode_names[] = {
	[OOMQ_MODE_BADNESS] = "badness",
	[OOMQ_MODE_ORIGIN] = "origin",
	[OOMQ_MODE_AUTO] = "auto",
};

/* The name of @mode, or NULL when this oomqctl does not know it. */
const char *args_mode_name(__u32 mode)
{
	return mode <= OOMQ_MODE_MAX ? mode_names[mode] : NULL;
}

/* Plain decimal, no sign, no space, at most UINT32_MAX. */
int args_parse_u32(const char *s, __u32 *value)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > 0xffffffffull)
			return -ERANGE;
	}
	*value = (__u32)v;
	return 0;
}

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_events(int argc, char **argv, struct args *a, char *why,
			size_t whylen)
{
	for (int i = 0; i < argc; i++) {
		const char *opt = argv[i];
		__u32 v;

		if (strcmp(opt, "--count") && strcmp(opt, "--timeout"))
			return fail(why, whylen, "events: unknown option '%s'",
				    opt);
		if (i + 1 >= argc)
			return fail(why, whylen, "events: %s needs a number",
				    opt);
		if (args_parse_u32(argv[++i], &v) || v == 0)
			return fail(why, whylen,
				    "events: %s '%s': want a number above 0",
				    opt, argv[i]);
		if (!strcmp(opt, "--count"))
			a->count = v;
		else
			a->timeout_s = v;
	}
	return 0;
}

static int parse_set_queue(int argc, char **argv, struct args *a, char *why,
			   size_t whylen)
{
	bool raw = argc > 0 && !strcmp(argv[0], "--raw");

	for (int i = raw; i < argc; i++) {
		unsigned int n;
		int err;

		if (raw) {
			if (a->npids == ARGS_PIDS_MAX)
				return fail(why, whylen,
					    "set-queue: more than %u PIDs",
					    ARGS_PIDS_MAX);
			if (args_parse_u32(argv[i], &a->pids[a->npids]))
				return fail(why, whylen,
					    "set-queue: '%s' is not a u32",
					    argv[i]);
			a->npids++;
			continue;
		}
		err = oomq_parse_pids(argv[i], strlen(argv[i]),
				      a->pids + a->npids,
				      OOMQ_QUEUE_MAX - a->npids, &n);
		if (err == -E2BIG)
			return fail(why, whylen, "set-queue: more than %u PIDs",
				    OOMQ_QUEUE_MAX);
		if (err)
			return fail(why, whylen,
				    "set-queue: '%s' is not a PID list "
				    "(decimal 1..%u, separated by space, tab, "
				    "comma or newline)",
				    argv[i], OOMQ_PID_MAX);
		a->npids += n;
	}
	return 0;
}

static int parse_set_config(int argc, char **argv, struct args *a, char *why,
			    size_t whylen)
{
	if (argc == 0)
		return fail(why, whylen,
			    "set-config: nothing to set (ttl_ms=N, mode=M)");
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!strncmp(arg, "ttl_ms=", 7)) {
			if (a->has_ttl)
				return fail(why, whylen,
					    "set-config: ttl_ms given twice");
			if (args_parse_u32(arg + 7, &a->ttl_ms))
				return fail(why, whylen,
					    "set-config: '%s': want ms, "
					    "0..4294967295",
					    arg);
			a->has_ttl = true;
		} else if (!strncmp(arg, "mode=", 5)) {
			const char *m = arg + 5;
			__u32 mode;

			if (a->has_mode)
				return fail(why, whylen,
					    "set-config: mode given twice");
			/* A number is sent unchecked: the kernel decides. */
			if (args_parse_u32(m, &a->mode)) {
				for (mode = 0; mode <= OOMQ_MODE_MAX; mode++)
					if (!strcmp(m, mode_names[mode]))
						break;
				if (mode > OOMQ_MODE_MAX)
					return fail(why, whylen,
						    "set-config: '%s': want "
						    "badness, origin or auto",
						    arg);
				a->mode = mode;
			}
			a->has_mode = true;
		} else {
			return fail(why, whylen,
				    "set-config: unknown setting '%s'", arg);
		}
	}
	return 0;
}

/**
 * args_parse - parse oomqctl's command line
 * @argc, @argv: as main() got them
 * @args: the result, zeroed first
 * @why: room for a one-line reason when the command line is wrong
 * @whylen: its size
 *
 * Return: 0, or -EINVAL with @why set.
 */
int args_parse(int argc, char **argv, struct args *args, char *why,
	       size_t whylen)
{
	const char *cmd;

	memset(args, 0, sizeof(*args));
	if (argc < 2)
		return fail(why, whylen, "no command");
	cmd = argv[1];
	argc -= 2;
	argv += 2;

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		args->cmd = CMD_HELP;
		return 0;
	}
	if (!strcmp(cmd, "status")) {
		args->cmd = CMD_STATUS;
		if (argc)
			return fail(why, whylen, "status takes no arguments");
		return 0;
	}
	if (!strcmp(cmd, "tasks")) {
		args->cmd = CMD_TASKS;
		if (argc)
			return fail(why, whylen, "tasks takes no arguments");
		return 0;
	}
	if (!strcmp(cmd, "events")) {
		args->cmd = CMD_EVENTS;
		return parse_events(argc, argv, args, why, whylen);
	}
	if (!strcmp(cmd, "set-queue")) {
		args->cmd = CMD_SET_QUEUE;
		return parse_set_queue(argc, argv, args, why, whylen);
	}
	if (!strcmp(cmd, "set-config")) {
		args->cmd = CMD_SET_CONFIG;
		return parse_set_config(argc, argv, args, why, whylen);
	}
	return fail(why, whylen, "unknown command '%s'", cmd);
}
