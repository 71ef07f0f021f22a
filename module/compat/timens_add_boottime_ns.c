// SPDX-License-Identifier: GPL-2.0
/* timens_add_boottime_ns(): 5.11; 5.10 has the timespec64 one only. */
#include <linux/time_namespace.h>

u64 oomq_probe(u64 ns);
u64 oomq_probe(u64 ns)
{
	return timens_add_boottime_ns(ns);
}
