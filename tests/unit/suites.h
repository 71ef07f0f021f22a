/* SPDX-License-Identifier: GPL-2.0 */
/* One Check suite per area; check_main.c runs them all. */
#ifndef _OOMQ_TESTS_SUITES_H
#define _OOMQ_TESTS_SUITES_H

#include <check.h>

Suite *parse_suite(void);
Suite *oomqctl_args_suite(void);
Suite *oomqctl_msg_suite(void);

#endif /* _OOMQ_TESTS_SUITES_H */
