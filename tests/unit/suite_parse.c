// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/oom grammar, oomq_parse_pids(), against the shared table in
 * tests/common/proc_oom_cases.h plus the limits the table cannot hold.
 *
 * Inputs are copied into heap buffers of exactly their length and PIDs
 * land in arrays of exactly @max entries, so AddressSanitizer fails the
 * test on any read past the input or write past the output.
 */
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "../common/proc_oom_cases.h"
#include "../../module/parse.h"

/* What *count holds when the parser must not have touched it. */
#define COUNT_UNTOUCHED 0xdeadbeefu

struct parsed {
	int ret;
	unsigned int count;
	unsigned int *pids;
};

/* Parse @len bytes of @input into @max PIDs, both on the heap exactly. */
static struct parsed parse(const char *input, size_t len, unsigned int max)
{
	struct parsed p = { .count = COUNT_UNTOUCHED };
	char *buf = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, input, len);
	p.pids = max ? calloc(max, sizeof(*p.pids)) : NULL;
	ck_assert(max == 0 || p.pids != NULL);
	p.ret = oomq_parse_pids(buf, len, p.pids, max, &p.count);
	free(buf);
	return p;
}

START_TEST(test_table)
{
	const struct proc_oom_case *c = &proc_oom_cases[_i];
	struct parsed p = parse(c->input, c->len, OOMQ_QUEUE_MAX);

	ck_assert_msg(p.ret == c->expect, "case \"%s\": returned %d, want %d",
		      c->name, p.ret, c->expect);
	if (c->expect) {
		ck_assert_msg(p.count == COUNT_UNTOUCHED,
			      "case \"%s\": failed parse set count to %u",
			      c->name, p.count);
	} else {
		ck_assert_msg(p.count == c->count,
			      "case \"%s\": count %u, want %u", c->name,
			      p.count, c->count);
		for (unsigned int i = 0; i < c->count; i++)
			ck_assert_msg(p.pids[i] == c->pids[i],
				      "case \"%s\": pid[%u] = %u, want %u",
				      c->name, i, p.pids[i], c->pids[i]);
	}
	free(p.pids);
}
END_TEST

/* The table must keep covering what the grammar forbids. */
START_TEST(test_table_coverage)
{
	unsigned int bad = 0, ok = 0;

	for (size_t i = 0; i < PROC_OOM_NCASES; i++) {
		const struct proc_oom_case *c = &proc_oom_cases[i];

		ck_assert_msg(c->expect == 0 || c->expect == -EINVAL ||
				      c->expect == -E2BIG,
			      "case \"%s\": bad expectation %d", c->name,
			      c->expect);
		ck_assert_msg(c->count <= PROC_OOM_CASE_PIDS,
			      "case \"%s\": count %u", c->name, c->count);
		if (c->expect)
			bad++;
		else
			ok++;
	}
	ck_assert_uint_ge(bad, 25);
	ck_assert_uint_ge(ok, 5);
}
END_TEST

static char *gen(unsigned int n, unsigned int first, char sep, size_t *len)
{
	/* "4194304," is the longest a PID can take. */
	size_t size = (size_t)n * 8 + 1;
	char *buf = malloc(size);

	ck_assert_ptr_nonnull(buf);
	*len = proc_oom_gen_list(buf, size, n, first, sep);
	ck_assert_uint_gt(*len, 0);
	return buf;
}

START_TEST(test_queue_max)
{
	size_t len;
	char *buf = gen(OOMQ_QUEUE_MAX, 1, ' ', &len);
	struct parsed p = parse(buf, len, OOMQ_QUEUE_MAX);

	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.count, OOMQ_QUEUE_MAX);
	for (unsigned int i = 0; i < OOMQ_QUEUE_MAX; i++)
		ck_assert_uint_eq(p.pids[i], i + 1);
	free(p.pids);
	free(buf);
}
END_TEST

/* The longest valid list in bytes: 4096 seven-digit PIDs. */
START_TEST(test_queue_max_widest)
{
	unsigned int first = OOMQ_PID_MAX - OOMQ_QUEUE_MAX + 1;
	size_t len;
	char *buf = gen(OOMQ_QUEUE_MAX, first, '\n', &len);
	struct parsed p = parse(buf, len, OOMQ_QUEUE_MAX);

	ck_assert_uint_lt(len, OOMQ_PROC_WRITE_MAX);
	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.count, OOMQ_QUEUE_MAX);
	ck_assert_uint_eq(p.pids[0], first);
	ck_assert_uint_eq(p.pids[OOMQ_QUEUE_MAX - 1], OOMQ_PID_MAX);
	free(p.pids);
	free(buf);
}
END_TEST

START_TEST(test_queue_max_plus_one)
{
	size_t len;
	char *buf = gen(OOMQ_QUEUE_MAX + 1, 1, ',', &len);
	struct parsed p = parse(buf, len, OOMQ_QUEUE_MAX);

	ck_assert_int_eq(p.ret, -E2BIG);
	ck_assert_uint_eq(p.count, COUNT_UNTOUCHED);
	free(p.pids);
	free(buf);
}
END_TEST

/*
 * The whole buffer is checked before the count: too many PIDs with a
 * malformed one after them is EINVAL, not E2BIG.
 */
START_TEST(test_too_many_then_garbage)
{
	size_t len;
	char *buf = gen(OOMQ_QUEUE_MAX + 2, 1, ' ', &len);
	struct parsed p;

	buf[len - 1] = 'x';
	p = parse(buf, len, OOMQ_QUEUE_MAX);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_uint_eq(p.count, COUNT_UNTOUCHED);
	free(p.pids);
	free(buf);
}
END_TEST

/* @max is honoured whatever it is, and a zero @max needs no array. */
START_TEST(test_small_max)
{
	struct parsed p;

	p = parse(PROC_OOM_IN("1 2 3"), 2);
	ck_assert_int_eq(p.ret, -E2BIG);
	ck_assert_uint_eq(p.count, COUNT_UNTOUCHED);
	free(p.pids);

	p = parse(PROC_OOM_IN("1 2 3"), 3);
	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.count, 3);
	free(p.pids);

	p = parse(PROC_OOM_IN("1"), 0);
	ck_assert_int_eq(p.ret, -E2BIG);
	ck_assert_uint_eq(p.count, COUNT_UNTOUCHED);

	p = parse(PROC_OOM_IN(" \n"), 0);
	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.count, 0);
}
END_TEST

/* Only @len bytes count: what follows them is not looked at. */
START_TEST(test_length_bounds_input)
{
	struct parsed p;

	p = parse("12x", 2, OOMQ_QUEUE_MAX);
	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.count, 1);
	ck_assert_uint_eq(p.pids[0], 12);
	free(p.pids);

	p = parse("4194304", 6, OOMQ_QUEUE_MAX);
	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.pids[0], 419430);
	free(p.pids);

	p = parse("x", 0, OOMQ_QUEUE_MAX);
	ck_assert_int_eq(p.ret, 0);
	ck_assert_uint_eq(p.count, 0);
	free(p.pids);
}
END_TEST

/* Every byte that is neither a digit nor a separator is refused alone. */
START_TEST(test_every_byte)
{
	for (int b = 0; b < 256; b++) {
		char in[3] = { '1', (char)b, '2' };
		int want = (b >= '0' && b <= '9') || b == ' ' || b == '\t' ||
					   b == ',' || b == '\n' ?
				   0 :
				   -EINVAL;
		struct parsed p = parse(in, sizeof(in), OOMQ_QUEUE_MAX);

		ck_assert_msg(p.ret == want, "byte 0x%02x: returned %d", b,
			      p.ret);
		free(p.pids);
	}
}
END_TEST

Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("proc_oom");

	tcase_add_loop_test(tc, test_table, 0, (int)PROC_OOM_NCASES);
	tcase_add_test(tc, test_table_coverage);
	tcase_add_test(tc, test_queue_max);
	tcase_add_test(tc, test_queue_max_widest);
	tcase_add_test(tc, test_queue_max_plus_one);
	tcase_add_test(tc, test_too_many_then_garbage);
	tcase_add_test(tc, test_small_max);
	tcase_add_test(tc, test_length_bounds_input);
	tcase_add_test(tc, test_every_byte);
	suite_add_tcase(s, tc);
	return s;
}
