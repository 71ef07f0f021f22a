// SPDX-License-Identifier: GPL-2.0
/* mempolicy.nodes: 5.14; before, the union mempolicy.v held it. */
#include <linux/mempolicy.h>

const nodemask_t *oomq_probe(const struct mempolicy *pol);
const nodemask_t *oomq_probe(const struct mempolicy *pol)
{
	return &pol->nodes;
}
