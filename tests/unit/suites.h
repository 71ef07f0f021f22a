/* SPDX-License-Identifier: GPL-2.0 */
/* One Check suite per area; check_main.c runs them all. */
#ifndef _OOMQ_TESTS_SUITES_H
#define _OOMQ_TESTS_SUITES_H

#include <check.h>

Suite *parse_suite(void);
Suite *oomqctl_args_suite(void);
Suite *oomqctl_msg_suite(void);
Suite *agent_pressure_suite(void);
Suite *agent_swap_suite(void);
Suite *agent_psi_suite(void);
Suite *agent_nl_suite(void);
Suite *agent_kill_suite(void);
Suite *agent_kill_ctl_suite(void);
Suite *agent_pause_suite(void);
Suite *agent_pause_ctl_suite(void);
Suite *agent_protect_suite(void);
Suite *agent_proc_suite(void);
Suite *agent_badness_suite(void);
Suite *agent_policy_suite(void);
Suite *agent_rank_suite(void);
Suite *agent_thresholds_suite(void);
Suite *agent_pass_suite(void);
Suite *agent_events_suite(void);
Suite *agent_log_suite(void);
Suite *agent_notice_suite(void);
Suite *agent_notify_suite(void);
Suite *agent_metrics_suite(void);
Suite *agent_hooks_suite(void);
Suite *agent_cgroup_suite(void);
Suite *agent_classify_suite(void);
Suite *agent_vcache_suite(void);
Suite *agent_pidtab_suite(void);
Suite *agent_job_cpus_suite(void);

#endif /* _OOMQ_TESTS_SUITES_H */
