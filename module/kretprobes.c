// SPDX-License-Identifier: GPL-2.0
/*
 * The kretprobe backend: a kretprobe on out_of_memory() brackets each OOM,
 * one on oom_badness() passes each score through the bookkeeping, which
 * may change it.  Handlers run with preemption off: nothing below sleeps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/oom.h>

#include "compat.h"
#include "oom.h"

static int oomq_kp_oom_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	oomq_oom_begin((struct oom_control *)oomq_regs_arg0(regs));
	return 0;
}

static int oomq_kp_oom_return(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	oomq_oom_end();
	return 0;
}

static int oomq_kp_badness_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	if (!oomq_oom_is_current())
		return 1;	/* no return handler for this call */
	*(struct task_struct **)ri->data =
		(struct task_struct *)oomq_regs_arg0(regs);
	return 0;
}

static int oomq_kp_badness_return(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct task_struct *p = *(struct task_struct **)ri->data;
	long points = regs_return_value(regs);
	long steered = oomq_oom_scored(p, points);

	if (steered != points)
		oomq_regs_set_return(regs, steered);
	return 0;
}

static struct kretprobe oomq_kp_oom = {
	.kp.symbol_name = "out_of_memory",
	.entry_handler = oomq_kp_oom_entry,
	.handler = oomq_kp_oom_return,
	/* oom_lock serialises callers; spare instances cost little. */
	.maxactive = 4,
};

static struct kretprobe oomq_kp_badness = {
	.kp.symbol_name = "oom_badness",
	.entry_handler = oomq_kp_badness_entry,
	.handler = oomq_kp_badness_return,
	.data_size = sizeof(struct task_struct *),
};

/*
 * Registered in this order: an OOM between the two registrations must not
 * find out_of_memory() probed and oom_badness() not yet, which looks like
 * an inlined oom_badness() and would make auto mark for good.
 */
static struct kretprobe *oomq_kps[] = {
	&oomq_kp_badness,
	&oomq_kp_oom,
};

static int oomq_kp_attach(void)
{
	int ret;

	/* Each reader of an oom_score holds one instance for a moment. */
	oomq_kp_badness.maxactive = 16 + 4 * num_possible_cpus();
	ret = register_kretprobes(oomq_kps, ARRAY_SIZE(oomq_kps));
	if (ret)
		pr_err("cannot probe out_of_memory() and oom_badness(): %d\n",
		       ret);
	return ret;
}

static void oomq_kp_detach(void)
{
	/* Waits for running handlers; later returns skip them. */
	unregister_kretprobes(oomq_kps, ARRAY_SIZE(oomq_kps));
}

static u64 oomq_kp_missed(void)
{
	return oomq_kp_oom.nmissed + oomq_kp_oom.kp.nmissed +
	       oomq_kp_badness.nmissed + oomq_kp_badness.kp.nmissed;
}

const struct oomq_backend oomq_kprobe_backend = {
	.name = "kretprobes",
	.attach = oomq_kp_attach,
	.detach = oomq_kp_detach,
	.missed = oomq_kp_missed,
};
