// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every unit suite.  Exit status is the number of failed checks,
 * capped, so make stops on any failure; the closing summary line is
 * Check's own ("100%: Checks: N, Failures: 0, Errors: 0").
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(parse_suite());
	srunner_add_suite(sr, oomqctl_args_suite());
	srunner_add_suite(sr, oomqctl_msg_suite());
	srunner_add_suite(sr, agent_pressure_suite());
	srunner_add_suite(sr, agent_swap_suite());
	srunner_add_suite(sr, agent_psi_suite());
	srunner_add_suite(sr, agent_nl_suite());
	srunner_add_suite(sr, agent_kill_suite());
	srunner_add_suite(sr, agent_kill_ctl_suite());
	srunner_add_suite(sr, agent_pause_suite());
	srunner_add_suite(sr, agent_pause_ctl_suite());
	srunner_add_suite(sr, agent_protect_suite());
	srunner_add_suite(sr, agent_proc_suite());
	srunner_add_suite(sr, agent_badness_suite());
	srunner_add_suite(sr, agent_policy_suite());
	srunner_add_suite(sr, agent_rank_suite());
	srunner_add_suite(sr, agent_thresholds_suite());
	srunner_add_suite(sr, agent_pass_suite());
	srunner_add_suite(sr, agent_events_suite());
	srunner_add_suite(sr, agent_log_suite());
	srunner_add_suite(sr, agent_notice_suite());
	srunner_add_suite(sr, agent_notify_suite());
	srunner_add_suite(sr, agent_metrics_suite());
	srunner_add_suite(sr, agent_hooks_suite());
	srunner_add_suite(sr, agent_cgroup_suite());
	srunner_add_suite(sr, agent_classify_suite());
	srunner_add_suite(sr, agent_vcache_suite());
	srunner_add_suite(sr, agent_pidtab_suite());
	srunner_add_suite(sr, agent_job_cpus_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
