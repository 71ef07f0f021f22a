/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /proc/oom grammar as a table, shared by the host unit tests
 * (tests/unit/suite_parse.c, against oomq_parse_pids()) and the VM
 * tests (a static guest program writing each input to /proc/oom).
 *
 * Plain C11 with no libc beyond <stddef.h> and <errno.h>, so a static
 * guest program can use it as is.
 *
 * What the table states is the grammar only.  Through /proc/oom the
 * kernel adds to it:
 *  - a valid list may queue fewer PIDs than parsed: PIDs that do not
 *    exist are skipped and duplicates keep their first place, so a VM
 *    test should compare the errno, and compare `cat /proc/oom` only
 *    for PIDs it knows to be alive;
 *  - a write of more than OOMQ_PROC_WRITE_MAX bytes fails with E2BIG
 *    whatever it holds;
 *  - every failure leaves the previous queue as it was.
 * Lists longer than the table can hold in a literal (4096 and 4097
 * PIDs) are generated with proc_oom_gen_list().
 */
#ifndef _OOMQ_TESTS_PROC_OOM_CASES_H
#define _OOMQ_TESTS_PROC_OOM_CASES_H

#include <stddef.h>
#include <errno.h>

#include "../../include/uapi/linux/oomq.h"

/* Most PIDs a valid case in the table lists. */
#define PROC_OOM_CASE_PIDS 8

struct proc_oom_case {
	const char *name;
	const char *input; /* not NUL-terminated: may hold NUL bytes */
	size_t len; /* bytes of @input to write */
	int expect; /* 0, -EINVAL or -E2BIG */
	unsigned int count; /* PIDs parsed when @expect is 0 */
	unsigned int pids[PROC_OOM_CASE_PIDS];
};

/*
 * A string literal and its length without the terminating NUL, so that
 * "1\0002" is three bytes.
 */
#define PROC_OOM_IN(s) (s), (sizeof(s) - 1)

/* clang-format off */
#define PROC_OOM_OK(name, s, n, ...) { (name), PROC_OOM_IN(s), 0, (n), { __VA_ARGS__ } }
#define PROC_OOM_BAD(name, s, err) { (name), PROC_OOM_IN(s), (err), 0, { 0 } }
/* clang-format on */

static const struct proc_oom_case proc_oom_cases[] = {
	/* Valid lists. */
	PROC_OOM_OK("empty", "", 0, 0),
	PROC_OOM_OK("newline only", "\n", 0, 0),
	PROC_OOM_OK("separators only", " ,\t\n", 0, 0),
	PROC_OOM_OK("one", "1", 1, 1),
	PROC_OOM_OK("one newline", "1\n", 1, 1),
	PROC_OOM_OK("echo style", "11 22 33\n", 3, 11, 22, 33),
	PROC_OOM_OK("commas", "11,22,33", 3, 11, 22, 33),
	PROC_OOM_OK("tabs newlines", "11\t22\n33\n", 3, 11, 22, 33),
	PROC_OOM_OK("mixed separators", " ,\t\n7 ,\t\n8 ,\t\n9 ,\t\n", 3, 7, 8,
		    9),
	PROC_OOM_OK("repeated separators", "1,,,2  \t\t3\n\n", 3, 1, 2, 3),
	PROC_OOM_OK("leading trailing space", "   42   ", 1, 42),
	PROC_OOM_OK("zero inside number", "10 100 1000000", 3, 10, 100,
		    1000000),
	PROC_OOM_OK("max pid", "4194304", 1, 4194304),
	PROC_OOM_OK("max pid and below", "4194303,4194304\n", 2, 4194303,
		    4194304),
	/* The grammar keeps duplicates; the kernel drops the later ones. */
	PROC_OOM_OK("duplicates parse", "5 5 6 5", 4, 5, 5, 6, 5),
	PROC_OOM_OK("eight", "1 2 3 4 5 6 7 8", 8, 1, 2, 3, 4, 5, 6, 7, 8),

	/* Not a number at all. */
	PROC_OOM_BAD("garbage", "abc", -EINVAL),
	PROC_OOM_BAD("garbage after list", "1 2 x", -EINVAL),
	PROC_OOM_BAD("garbage before list", "x 1 2", -EINVAL),
	PROC_OOM_BAD("only punctuation", "$%&", -EINVAL),
	PROC_OOM_BAD("high byte", "\xff", -EINVAL),
	PROC_OOM_BAD("bracketed", "[1]", -EINVAL),
	/* Signs. */
	PROC_OOM_BAD("plus", "+1", -EINVAL),
	PROC_OOM_BAD("minus", "-1", -EINVAL),
	PROC_OOM_BAD("minus second", "1 -2", -EINVAL),
	PROC_OOM_BAD("lone minus", "-", -EINVAL),
	/* Range. */
	PROC_OOM_BAD("max pid plus one", "4194305", -EINVAL),
	PROC_OOM_BAD("max plus one after valid", "4194304 4194305", -EINVAL),
	PROC_OOM_BAD("u32 wraps to 1", "4294967297", -EINVAL),
	PROC_OOM_BAD("u64 wraps to 1", "18446744073709551617", -EINVAL),
	PROC_OOM_BAD("twenty digits", "99999999999999999999", -EINVAL),
	PROC_OOM_BAD("zero", "0", -EINVAL),
	PROC_OOM_BAD("zero in list", "1 0 2", -EINVAL),
	PROC_OOM_BAD("double zero", "00", -EINVAL),
	/* Other spellings of a number. */
	PROC_OOM_BAD("leading zero", "007", -EINVAL),
	PROC_OOM_BAD("leading zero second", "7 07", -EINVAL),
	PROC_OOM_BAD("hex", "0x10", -EINVAL),
	PROC_OOM_BAD("float", "1.5", -EINVAL),
	PROC_OOM_BAD("exponent", "1e3", -EINVAL),
	PROC_OOM_BAD("digit group", "1_000", -EINVAL),
	/* Partial numbers. */
	PROC_OOM_BAD("trailing letter", "12x", -EINVAL),
	PROC_OOM_BAD("trailing letter last", "1 2 3a", -EINVAL),
	/* NUL bytes: a C string's terminator written along with it. */
	PROC_OOM_BAD("embedded nul", "1\0002", -EINVAL),
	PROC_OOM_BAD("trailing nul", "1 2\000", -EINVAL),
	PROC_OOM_BAD("nul only", "\000", -EINVAL),
	/* Digits outside ASCII: ARABIC-INDIC ONE, FULLWIDTH ONE. */
	PROC_OOM_BAD("arabic-indic digit", "\xd9\xa1", -EINVAL),
	PROC_OOM_BAD("fullwidth digit", "1 \xef\xbc\x91", -EINVAL),
	/* Whitespace that is not a separator. */
	PROC_OOM_BAD("carriage return", "1\r\n", -EINVAL),
	PROC_OOM_BAD("vertical tab", "1\v2", -EINVAL),
	PROC_OOM_BAD("form feed", "1\f2", -EINVAL),
	PROC_OOM_BAD("no-break space",
		     "1\xc2\xa0"
		     "2",
		     -EINVAL),
	/* Separators that are not ours. */
	PROC_OOM_BAD("semicolon", "1;2", -EINVAL),
	PROC_OOM_BAD("trailing semicolon", "1 2;", -EINVAL),
	PROC_OOM_BAD("colon", "1:2", -EINVAL),
	PROC_OOM_BAD("pipe", "1|2", -EINVAL),
};

#define PROC_OOM_NCASES (sizeof(proc_oom_cases) / sizeof(proc_oom_cases[0]))

/*
 * Write @n PIDs first, first + 1, ... separated by @sep into @buf, which
 * holds @size bytes, no NUL appended.  PIDs past OOMQ_PID_MAX wrap to 1.
 * Returns the length, or 0 when it does not fit.
 *
 * proc_oom_gen_list(buf, sizeof(buf), OOMQ_QUEUE_MAX, 1, ' ') is the
 * longest valid list (0, 4096 PIDs); one PID more fails with -E2BIG.
 */
static inline size_t proc_oom_gen_list(char *buf, size_t size, unsigned int n,
				       unsigned int first, char sep)
{
	unsigned int pid = first;
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++) {
		char digits[10];
		int d = 0;
		unsigned int v;

		if (pid < 1 || pid > OOMQ_PID_MAX)
			pid = 1;
		for (v = pid; v; v /= 10)
			digits[d++] = (char)('0' + v % 10);
		if (len + (size_t)d + (i > 0) > size)
			return 0;
		if (i > 0)
			buf[len++] = sep;
		while (d > 0)
			buf[len++] = digits[--d];
		pid++;
	}
	return len;
}

#endif /* _OOMQ_TESTS_PROC_OOM_CASES_H */
