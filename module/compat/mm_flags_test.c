// SPDX-License-Identifier: GPL-2.0
/* mm_flags_test(): mm_struct's flags became a bitmap type in 6.18. */
#include <linux/mm.h>

bool oomq_probe(const struct mm_struct *mm);
bool oomq_probe(const struct mm_struct *mm)
{
	return mm_flags_test(MMF_OOM_SKIP, mm);
}
