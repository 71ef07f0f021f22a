/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the suite_agent_*.c files. */
#ifndef _OOMQ_TESTS_SUITE_AGENT_H
#define _OOMQ_TESTS_SUITE_AGENT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../agent/policy.h"

/* Table rows leave the fields a failure case does not check at zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* The fake /proc; make check-unit runs from the top of the tree. */
static inline const char *agent_fixture_root(void)
{
	const char *env = getenv("OOMQ_FIXTURES");

	return env ? env : "tests/fixtures/proc";
}

/*
 * A heap copy of exactly @len bytes, not NUL-terminated, so that
 * AddressSanitizer fails a parser that reads one byte too far.
 */
static inline char *agent_exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	return p;
}

/* @text parsed into @p, from the defaults (a test may parse twice). */
static inline int agent_parse_policy(struct policy *p, const char *text)
{
	policy_free(p);
	policy_defaults(p);
	return policy_parse_buf(p, text, strlen(text));
}

/* @text written to @dir/@rel, for the suites' temporary trees. */
static inline void agent_put_file(const char *dir, const char *rel,
				  const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Table rows give string literals; their length without the NUL. */
#define LIT(s) s, sizeof(s) - 1

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* _OOMQ_TESTS_SUITE_AGENT_H */
