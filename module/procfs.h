/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_PROCFS_H
#define _OOMQ_PROCFS_H

int oomq_procfs_init(void);
void oomq_procfs_uninit(void);

#endif /* _OOMQ_PROCFS_H */
