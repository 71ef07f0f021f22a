/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thresholds: the config file's [oomqd] and [thresholds] values mapped
 * onto what the runtime pieces take (struct pressure_config for "when to
 * act", struct kill_config for the proactive kill).  Pure: the daemon at
 * start and on SIGHUP, `oomqd --check` and the config fuzzer all go
 * through thresholds_from_policy(), so a file --check accepts is one the
 * daemon runs with.
 */
#ifndef _OOMQ_AGENT_THRESHOLDS_H
#define _OOMQ_AGENT_THRESHOLDS_H

#include "kill.h"
#include "policy.h"
#include "pressure.h"

/*
 * Fills @pc and @kc from @p on top of pressure_config_default() and
 * KILL_CONFIG_DEFAULT, then runs pressure_config_check().
 *
 * Return: 0, or -EINVAL with *@why naming the problem (static string).
 */
int thresholds_from_policy(const struct policy *p, struct pressure_config *pc,
			   struct kill_config *kc, const char **why);

#endif /* _OOMQ_AGENT_THRESHOLDS_H */
