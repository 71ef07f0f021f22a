/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_QUEUE_H
#define _OOMQ_QUEUE_H

#include <linux/types.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

struct pid;
struct pid_namespace;

/*
 * One queue as written: immutable once published.  The OOM path looks a
 * task up in @slots, an open-addressing table over the @pids pointers,
 * so a scan of many tasks stays linear in the number of tasks.
 */
struct oomq_queue {
	refcount_t ref;
	struct rcu_work free_work;
	u64 set_ns;		/* ktime_get_boot_fast_ns() when written */
	unsigned int len;
	unsigned int capacity;	/* room in @pids */
	unsigned int hash_bits;
	u16 *slots;		/* index into @pids plus one; 0 is empty */
	struct pid *pids[];	/* thread-group PIDs, first victim first */
};

int oomq_queue_init(void);
void oomq_queue_uninit(void);

int oomq_queue_set(const u32 *nrs, unsigned int count,
		   struct pid_namespace *ns);
struct oomq_queue *oomq_queue_get(void);
void oomq_queue_put(struct oomq_queue *queue);

int oomq_queue_index(const struct oomq_queue *queue, struct pid *tgid);
u64 oomq_queue_age_ms(const struct oomq_queue *queue);
bool oomq_queue_expired(const struct oomq_queue *queue);

unsigned int oomq_queue_ttl_ms(void);
void oomq_queue_set_ttl_ms(unsigned int ttl_ms);

#endif /* _OOMQ_QUEUE_H */
