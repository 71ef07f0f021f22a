/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels oomq builds for (6.1 to 6.12), in
 * one place, detected by feature rather than by version number.
 */
#ifndef _OOMQ_COMPAT_H
#define _OOMQ_COMPAT_H

#include <linux/capability.h>

/* Capability n in bit n: kernel_cap_t became one u64 in 6.3. */
static inline u64 oomq_cap_bits(kernel_cap_t caps)
{
#ifdef CAP_FOR_EACH_U32
	return caps.cap[0] | (u64)caps.cap[1] << 32;
#else
	return caps.val;
#endif
}

#endif /* _OOMQ_COMPAT_H */
