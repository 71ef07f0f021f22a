// SPDX-License-Identifier: GPL-2.0
/* regs_get_kernel_argument(): not on 32-bit ARM (6.1). */
#include <linux/ptrace.h>

unsigned long oomq_probe(struct pt_regs *regs);
unsigned long oomq_probe(struct pt_regs *regs)
{
	return regs_get_kernel_argument(regs, 0);
}
