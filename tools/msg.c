// SPDX-License-Identifier: GPL-2.0
/*
 * oomqctl's messages: build requests, check replies and events against
 * a policy, print them as key=value text.  No socket here, so the unit
 * tests feed these functions messages they built themselves.
 *
 * libnl's policy checks only a minimum length; every fixed-size
 * attribute also gets a maxlen so a u32 that is not 4 bytes is refused
 * rather than half read.  Attributes this oomqctl does not know are
 * skipped by nla_parse(), so a newer module still works with it.
 */
#include <errno.h>

#include <netlink/genl/genl.h>

#include "oomq_nl.h"
#include "oomq_tasks.h"
#include "oomqctl.h"

static const char *const counter_names[OOMQ_C_MAX + 1] = {
	[OOMQ_C_OOMS] = "ooms",
	[OOMQ_C_KILLS] = "kills",
	[OOMQ_C_STEERED] = "steered",
	[OOMQ_C_FALLBACK] = "fallback",
	[OOMQ_C_STALE] = "stale",
	[OOMQ_C_PROBE_MISSES] = "probe_misses",
	[OOMQ_C_KPROBE_MISSED] = "kprobe_missed",
	[OOMQ_C_EVENTS_LOST] = "events_lost",
};

static const char *const event_names[] = {
	[OOMQ_EVENT_KILL] = "kill",
	[OOMQ_EVENT_QUEUE_SET] = "queue_set",
	[OOMQ_EVENT_PROBE_MISS] = "probe_miss",
	[OOMQ_EVENT_LOST] = "lost",
};

static const char *const choice_names[] = {
	[OOMQ_CHOICE_QUEUE] = "queue", [OOMQ_CHOICE_KERNEL] = "kernel",
	[OOMQ_CHOICE_DRY] = "dry",     [OOMQ_CHOICE_STALE] = "stale",
	[OOMQ_CHOICE_OTHER] = "other",
};

static const char *const scope_names[] = {
	[OOMQ_SCOPE_GLOBAL] = "global",
	[OOMQ_SCOPE_MEMCG] = "memcg",
	[OOMQ_SCOPE_SYSRQ] = "sysrq",
};

#define NAMES(a) (a), (sizeof(a) / sizeof((a)[0]))

/* " key=name", or " key=N" for a value this oomqctl has no name for. */
static void print_enum(FILE *out, const char *sep, const char *key,
		       const struct nlattr *attr, const char *const *names,
		       size_t nnames)
{
	__u32 v = nla_get_u32(attr);

	if (v < nnames && names[v])
		fprintf(out, "%s%s=%s", sep, key, names[v]);
	else
		fprintf(out, "%s%s=%u", sep, key, v);
}

static void print_mode(FILE *out, const char *sep, const char *key,
		       const struct nlattr *attr)
{
	const char *name = args_mode_name(nla_get_u32(attr));

	if (name)
		fprintf(out, "%s%s=%s", sep, key, name);
	else
		fprintf(out, "%s%s=%u", sep, key, nla_get_u32(attr));
}

/*
 * A task can name itself anything (prctl(PR_SET_NAME)), spaces and
 * newlines included; escape those so one event stays one line of
 * space-separated key=value words.
 */
static void print_comm(FILE *out, const char *comm)
{
	for (const unsigned char *c = (const unsigned char *)comm; *c; c++) {
		if (*c <= ' ' || *c >= 0x7f || *c == '\\')
			fprintf(out, "\\x%02x", *c);
		else
			fputc(*c, out);
	}
}

/* Parse a genetlink message: -EBADMSG when it breaks the policy. */
static int parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (genlmsg_parse(nlh, 0, tb, OOMQ_A_MAX, oomq_nl_attr_policy) < 0)
		return -EBADMSG;
	if (tb[OOMQ_A_QUEUE] && nla_len(tb[OOMQ_A_QUEUE]) % sizeof(__u32))
		return -EBADMSG;
	return 0;
}

/**
 * msg_print_status - print an OOMQ_CMD_GET_STATUS reply
 * @out: where to
 * @nlh: the reply
 *
 * One key=value line each; absent attributes are left out.  The queue
 * is printed comma separated, which /proc/oom and set-queue take back.
 *
 * Return: 0, or -EBADMSG with nothing printed.
 */
int msg_print_status(FILE *out, struct nlmsghdr *nlh)
{
	struct nlattr *tb[OOMQ_A_MAX + 1];
	struct nlattr *ctb[OOMQ_C_MAX + 1];
	int err;

	err = parse(nlh, tb);
	if (err)
		return err;
	if (tb[OOMQ_A_COUNTERS] &&
	    nla_parse_nested(ctb, OOMQ_C_MAX, tb[OOMQ_A_COUNTERS],
			     oomq_nl_counter_policy) < 0)
		return -EBADMSG;

	if (tb[OOMQ_A_QUEUE]) {
		const __u32 *pids = nla_data(tb[OOMQ_A_QUEUE]);
		int n = nla_len(tb[OOMQ_A_QUEUE]) / (int)sizeof(__u32);

		fputs("queue=", out);
		for (int i = 0; i < n; i++)
			fprintf(out, "%s%u", i ? "," : "", pids[i]);
		fputc('\n', out);
	}
	if (tb[OOMQ_A_QUEUE_LEN])
		fprintf(out, "queue_len=%u\n",
			nla_get_u32(tb[OOMQ_A_QUEUE_LEN]));
	if (tb[OOMQ_A_QUEUE_AGE_MS])
		fprintf(out, "queue_age_ms=%llu\n",
			(unsigned long long)nla_get_u64(
				tb[OOMQ_A_QUEUE_AGE_MS]));
	if (tb[OOMQ_A_TTL_MS])
		fprintf(out, "ttl_ms=%u\n", nla_get_u32(tb[OOMQ_A_TTL_MS]));
	if (tb[OOMQ_A_MODE]) {
		print_mode(out, "", "mode", tb[OOMQ_A_MODE]);
		fputc('\n', out);
	}
	if (tb[OOMQ_A_MODE_ACTIVE]) {
		print_mode(out, "", "mode_active", tb[OOMQ_A_MODE_ACTIVE]);
		fputc('\n', out);
	}
	if (tb[OOMQ_A_COUNTERS]) {
		for (int c = 0; c <= OOMQ_C_MAX; c++)
			if (counter_names[c] && ctb[c])
				fprintf(out, "%s=%llu\n", counter_names[c],
					(unsigned long long)nla_get_u64(
						ctb[c]));
	}
	return 0;
}

/**
 * msg_print_event - print one OOMQ_CMD_EVENT multicast as one line
 * @out: where to
 * @nlh: the message
 *
 *	event=kill choice=queue scope=global pid=123 comm=holder uid=0
 *	rss_kb=1234 swap_kb=0 adj=0 index=0 queue_len=3 age_ms=40
 *
 * (one line), absent attributes left out, in this order whatever the
 * event type, so a new type prints with the keys this oomqctl knows.
 *
 * Return: 0, -ENOMSG for a message that is not an event (nothing
 * printed), -EBADMSG for one that breaks the policy or has no type.
 */
int msg_print_event(FILE *out, struct nlmsghdr *nlh)
{
	struct nlattr *tb[OOMQ_A_MAX + 1];
	int err;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	if (genlmsg_hdr(nlh)->cmd != OOMQ_CMD_EVENT)
		return -ENOMSG;
	err = parse(nlh, tb);
	if (err)
		return err;
	if (!tb[OOMQ_A_EVENT_TYPE])
		return -EBADMSG;

	print_enum(out, "", "event", tb[OOMQ_A_EVENT_TYPE], NAMES(event_names));
	if (tb[OOMQ_A_CHOICE])
		print_enum(out, " ", "choice", tb[OOMQ_A_CHOICE],
			   NAMES(choice_names));
	if (tb[OOMQ_A_SCOPE])
		print_enum(out, " ", "scope", tb[OOMQ_A_SCOPE],
			   NAMES(scope_names));
	if (tb[OOMQ_A_CGROUP_ID])
		fprintf(out, " cgroup_id=%llu",
			(unsigned long long)nla_get_u64(tb[OOMQ_A_CGROUP_ID]));
	if (tb[OOMQ_A_VICTIM_PID])
		fprintf(out, " pid=%u", nla_get_u32(tb[OOMQ_A_VICTIM_PID]));
	if (tb[OOMQ_A_VICTIM_COMM]) {
		fputs(" comm=", out);
		print_comm(out, nla_get_string(tb[OOMQ_A_VICTIM_COMM]));
	}
	if (tb[OOMQ_A_VICTIM_UID])
		fprintf(out, " uid=%u", nla_get_u32(tb[OOMQ_A_VICTIM_UID]));
	if (tb[OOMQ_A_VICTIM_RSS_KB])
		fprintf(out, " rss_kb=%llu",
			(unsigned long long)nla_get_u64(
				tb[OOMQ_A_VICTIM_RSS_KB]));
	if (tb[OOMQ_A_VICTIM_SWAP_KB])
		fprintf(out, " swap_kb=%llu",
			(unsigned long long)nla_get_u64(
				tb[OOMQ_A_VICTIM_SWAP_KB]));
	if (tb[OOMQ_A_VICTIM_OOM_SCORE_ADJ])
		fprintf(out, " adj=%d",
			nla_get_s32(tb[OOMQ_A_VICTIM_OOM_SCORE_ADJ]));
	if (tb[OOMQ_A_QUEUE_INDEX])
		fprintf(out, " index=%u", nla_get_u32(tb[OOMQ_A_QUEUE_INDEX]));
	if (tb[OOMQ_A_QUEUE_LEN])
		fprintf(out, " queue_len=%u",
			nla_get_u32(tb[OOMQ_A_QUEUE_LEN]));
	if (tb[OOMQ_A_QUEUE_AGE_MS])
		fprintf(out, " age_ms=%llu",
			(unsigned long long)nla_get_u64(
				tb[OOMQ_A_QUEUE_AGE_MS]));
	if (tb[OOMQ_A_MODE_ACTIVE])
		print_mode(out, " ", "mode_active", tb[OOMQ_A_MODE_ACTIVE]);
	if (tb[OOMQ_A_LOST])
		fprintf(out, " lost=%u", nla_get_u32(tb[OOMQ_A_LOST]));
	fputc('\n', out);
	return 0;
}

static const char *const task_flag_names[] = {
	"kthread",  "init",  "no_mm",	   "exiting",
	"oom_skip", "vfork", "oom_victim",
};

/**
 * msg_print_task - print one process of a GET_TASKS dump as one line
 * @out: where to
 * @t: the process
 *
 *	pid=1 ppid=0 uid=0 euid=0 comm=init flags=init adj=0 nice=0
 *	cpu_ns=... start_ns=... cap_eff=0x1ffffffffff cgroup_id=1
 *	total_vm=... rss_anon=... rss_file=... rss_shmem=... swap=0
 *	pgtables=... page_size=4096
 *
 * (one line) in the kernel's units: pages, bytes and ns; flags as names
 * joined by commas, "-" when none; no address space, no mm fields.
 */
void msg_print_task(FILE *out, const struct oomq_task *t)
{
	const char *sep = "";

	fprintf(out, "pid=%u ppid=%u uid=%u euid=%u comm=", t->stat.pid,
		t->stat.ppid, t->stat.uid, t->stat.euid);
	print_comm(out, t->comm);
	fputs(" flags=", out);
	for (unsigned int i = 0; i < 32; i++) {
		if (!(t->stat.flags & (1U << i)))
			continue;
		if (i < sizeof(task_flag_names) / sizeof(task_flag_names[0]))
			fprintf(out, "%s%s", sep, task_flag_names[i]);
		else
			fprintf(out, "%s0x%x", sep, 1U << i);
		sep = ",";
	}
	fprintf(out,
		"%s adj=%d nice=%d cpu_ns=%llu start_ns=%llu cap_eff=0x%llx "
		"cgroup_id=%llu",
		*sep ? "" : "-", t->stat.oom_score_adj, t->stat.nice,
		(unsigned long long)t->stat.cpu_ns,
		(unsigned long long)t->stat.start_ns,
		(unsigned long long)t->stat.cap_eff,
		(unsigned long long)t->stat.cgroup_id);
	if (t->has_mm)
		fprintf(out,
			" total_vm=%llu rss_anon=%llu rss_file=%llu "
			"rss_shmem=%llu swap=%llu pgtables=%llu",
			(unsigned long long)t->mm.total_vm,
			(unsigned long long)t->mm.rss_anon,
			(unsigned long long)t->mm.rss_file,
			(unsigned long long)t->mm.rss_shmem,
			(unsigned long long)t->mm.swap,
			(unsigned long long)t->mm.pgtables);
	fprintf(out, " page_size=%u\n", t->stat.page_size);
}

/* A request for @cmd with room for @payload bytes of attributes. */
static struct nl_msg *request(int family, __u8 cmd, size_t payload)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + payload);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_ACK,
			 cmd, OOMQ_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* OOMQ_CMD_SET_QUEUE; no PIDs sends a zero-length OOMQ_A_QUEUE. */
struct nl_msg *msg_set_queue(int family, const __u32 *pids, unsigned int npids)
{
	size_t len = (size_t)npids * sizeof(*pids);
	struct nl_msg *msg = request(family, OOMQ_CMD_SET_QUEUE,
				     (size_t)nla_total_size((int)len));

	if (msg && nla_put(msg, OOMQ_A_QUEUE, (int)len, pids) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* OOMQ_CMD_SET_CONFIG with what @args sets. */
struct nl_msg *msg_set_config(int family, const struct args *args)
{
	struct nl_msg *msg = request(family, OOMQ_CMD_SET_CONFIG,
				     2 * (size_t)nla_total_size(4));

	if (!msg)
		return NULL;
	if ((args->has_ttl &&
	     nla_put_u32(msg, OOMQ_A_TTL_MS, args->ttl_ms) < 0) ||
	    (args->has_mode && nla_put_u32(msg, OOMQ_A_MODE, args->mode) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* OOMQ_CMD_GET_STATUS, no attributes. */
struct nl_msg *msg_get_status(int family)
{
	return request(family, OOMQ_CMD_GET_STATUS, 0);
}
