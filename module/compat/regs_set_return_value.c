// SPDX-License-Identifier: GPL-2.0
/* regs_set_return_value(): not on 32-bit ARM (6.1). */
#include <linux/ptrace.h>

void oomq_probe(struct pt_regs *regs);
void oomq_probe(struct pt_regs *regs)
{
	regs_set_return_value(regs, 0);
}
