/* SPDX-License-Identifier: GPL-2.0 */
/* What every harness checks with: a failed invariant is a crash. */
#ifndef OOMQ_FUZZ_ASSERT_H
#define OOMQ_FUZZ_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define fuzz_assert(cond)                                                \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

#endif /* OOMQ_FUZZ_ASSERT_H */
