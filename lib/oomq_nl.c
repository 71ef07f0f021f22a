// SPDX-License-Identifier: GPL-2.0
/*
 * The oomq attribute policies, shared by oomqctl and oomqd.
 *
 * libnl's policy checks only a minimum length unless told a maximum, so
 * every fixed-size attribute names both: a longer one is refused rather
 * than read in part.  Unknown attributes (a newer module) are skipped by
 * nla_parse().
 */
#include <errno.h>

#include <netlink/errno.h>

#include "oomq_nl.h"

/* clang-format off */
#define POLICY_U32 { .type = NLA_U32, .minlen = 4, .maxlen = 4 }
#define POLICY_S32 { .type = NLA_S32, .minlen = 4, .maxlen = 4 }
#define POLICY_U64 { .type = NLA_U64, .minlen = 8, .maxlen = 8 }
/* clang-format on */

const struct nla_policy oomq_nl_attr_policy[OOMQ_A_MAX + 1] = {
	[OOMQ_A_QUEUE] = { .type = NLA_UNSPEC,
			   .maxlen = OOMQ_QUEUE_MAX * sizeof(__u32) },
	[OOMQ_A_QUEUE_LEN] = POLICY_U32,
	[OOMQ_A_QUEUE_AGE_MS] = POLICY_U64,
	[OOMQ_A_TTL_MS] = POLICY_U32,
	[OOMQ_A_MODE] = POLICY_U32,
	[OOMQ_A_MODE_ACTIVE] = POLICY_U32,
	[OOMQ_A_COUNTERS] = { .type = NLA_NESTED },
	[OOMQ_A_EVENT_TYPE] = POLICY_U32,
	[OOMQ_A_CHOICE] = POLICY_U32,
	[OOMQ_A_SCOPE] = POLICY_U32,
	[OOMQ_A_CGROUP_ID] = POLICY_U64,
	[OOMQ_A_VICTIM_PID] = POLICY_U32,
	/* TASK_COMM_LEN with its NUL; libnl checks the NUL is there. */
	[OOMQ_A_VICTIM_COMM] = { .type = NLA_STRING, .maxlen = 16 },
	[OOMQ_A_VICTIM_UID] = POLICY_U32,
	[OOMQ_A_VICTIM_RSS_KB] = POLICY_U64,
	[OOMQ_A_VICTIM_SWAP_KB] = POLICY_U64,
	[OOMQ_A_VICTIM_OOM_SCORE_ADJ] = POLICY_S32,
	[OOMQ_A_QUEUE_INDEX] = POLICY_U32,
	[OOMQ_A_LOST] = POLICY_U32,
	[OOMQ_A_TASK] = { .type = NLA_NESTED },
};

const struct nla_policy oomq_nl_counter_policy[OOMQ_C_MAX + 1] = {
	[OOMQ_C_OOMS] = POLICY_U64,	     [OOMQ_C_KILLS] = POLICY_U64,
	[OOMQ_C_STEERED] = POLICY_U64,	     [OOMQ_C_FALLBACK] = POLICY_U64,
	[OOMQ_C_STALE] = POLICY_U64,	     [OOMQ_C_PROBE_MISSES] = POLICY_U64,
	[OOMQ_C_KPROBE_MISSED] = POLICY_U64, [OOMQ_C_EVENTS_LOST] = POLICY_U64,
};

/*
 * The task dump's structs may grow at their end (a newer module): at
 * least the size this build knows, any length above.
 */
const struct nla_policy oomq_nl_task_policy[OOMQ_TASK_A_MAX + 1] = {
	[OOMQ_TASK_A_STAT] = { .type = NLA_UNSPEC,
			       .minlen = sizeof(struct oomq_task_stat) },
	[OOMQ_TASK_A_COMM] = { .type = NLA_STRING, .maxlen = 16 },
	[OOMQ_TASK_A_MM] = { .type = NLA_UNSPEC,
			     .minlen = sizeof(struct oomq_task_mm) },
};

/*
 * libnl reports its own NLE_* codes, which lose the errno; map back the
 * ones a socket can meet.  Kernel replies keep their errno.
 */
int oomq_nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}
