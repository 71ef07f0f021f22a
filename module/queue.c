// SPDX-License-Identifier: GPL-2.0
/*
 * The candidate queue: PIDs that user space wants killed first, in order.
 *
 * A queue is built whole, published with rcu_replace_pointer() and never
 * changed afterwards, so the OOM path reads it without locks.  It holds
 * struct pid references, not numbers: a PID number that is recycled by a
 * new process does not match the old entry.  Each user (the current
 * pointer, an OOM in progress, a reader) holds a reference; the last one
 * frees the queue after a grace period from process context, because
 * put_pid() and kvfree() of a large queue do not belong in probe context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <uapi/linux/oomq.h>

#include "events.h"
#include "queue.h"

static unsigned int oomq_ttl_ms;
module_param_named(ttl_ms, oomq_ttl_ms, uint, 0644);
MODULE_PARM_DESC(ttl_ms, "Ignore a queue older than this at OOM time, ms (0: never)");

static struct oomq_queue __rcu *oomq_current;
static DEFINE_MUTEX(oomq_current_lock);
static struct workqueue_struct *oomq_free_wq;

static void oomq_queue_free(struct work_struct *work)
{
	struct oomq_queue *queue = container_of(to_rcu_work(work),
						struct oomq_queue, free_work);
	unsigned int i;

	for (i = 0; i < queue->len; i++)
		put_pid(queue->pids[i]);
	kvfree(queue);
}

static struct oomq_queue *oomq_queue_alloc(unsigned int capacity)
{
	unsigned int hash_bits = order_base_2(max(capacity, 1U) * 2);
	struct oomq_queue *queue;
	size_t size;

	size = struct_size(queue, pids, capacity) +
	       sizeof(u16) * (1UL << hash_bits);
	queue = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!queue)
		return NULL;
	refcount_set(&queue->ref, 1);
	queue->hash_bits = hash_bits;
	queue->slots = (u16 *)&queue->pids[capacity];
	return queue;
}

/* The slot that holds @tgid, or the empty slot where it would go. */
static u16 *oomq_queue_slot(const struct oomq_queue *queue, struct pid *tgid)
{
	unsigned int mask = (1U << queue->hash_bits) - 1;
	unsigned int i = hash_ptr(tgid, queue->hash_bits);

	while (queue->slots[i] && queue->pids[queue->slots[i] - 1] != tgid)
		i = (i + 1) & mask;
	return &queue->slots[i];
}

/* Append @tgid unless it is queued already; the queue takes the reference. */
static bool oomq_queue_append(struct oomq_queue *queue, struct pid *tgid)
{
	u16 *slot = oomq_queue_slot(queue, tgid);

	if (*slot)
		return false;
	queue->pids[queue->len++] = tgid;
	*slot = queue->len;
	return true;
}

/* The thread group of PID @nr in the caller's namespace, referenced. */
static struct pid *oomq_get_tgid(u32 nr)
{
	struct task_struct *task;
	struct pid *tgid = NULL;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		tgid = get_pid(task_tgid(task));
	rcu_read_unlock();
	return tgid;
}

/**
 * oomq_queue_set - replace the queue
 * @nrs: PIDs in the caller's PID namespace, first victim first
 * @count: how many
 *
 * PIDs that name no task are skipped; a thread's PID queues its thread
 * group; a repeated process keeps its first place.
 *
 * Return: 0, -EINVAL for a PID out of range, -E2BIG for too many PIDs,
 * -ENOMEM.  On error the old queue stays in force.
 */
int oomq_queue_set(const u32 *nrs, unsigned int count)
{
	struct oomq_queue *queue, *old;
	unsigned int i;

	if (count > OOMQ_QUEUE_MAX)
		return -E2BIG;
	for (i = 0; i < count; i++)
		if (nrs[i] < 1 || nrs[i] > OOMQ_PID_MAX)
			return -EINVAL;

	queue = oomq_queue_alloc(count);
	if (!queue)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		struct pid *tgid = oomq_get_tgid(nrs[i]);

		if (tgid && !oomq_queue_append(queue, tgid))
			put_pid(tgid);
	}
	queue->set_ns = ktime_get_boottime_ns();

	mutex_lock(&oomq_current_lock);
	old = rcu_replace_pointer(oomq_current, queue,
				  lockdep_is_held(&oomq_current_lock));
	mutex_unlock(&oomq_current_lock);
	oomq_queue_put(old);

	oomq_events_queue_set(queue->len);
	return 0;
}

/**
 * oomq_queue_get - take a reference on the queue in force
 *
 * Safe in any context.  Return: the queue, or NULL if none was ever set.
 */
struct oomq_queue *oomq_queue_get(void)
{
	struct oomq_queue *queue;

	rcu_read_lock();
	do {
		queue = rcu_dereference(oomq_current);
	} while (queue && !refcount_inc_not_zero(&queue->ref));
	rcu_read_unlock();
	return queue;
}

/* Drop a reference; safe in any context. */
void oomq_queue_put(struct oomq_queue *queue)
{
	if (queue && refcount_dec_and_test(&queue->ref)) {
		INIT_RCU_WORK(&queue->free_work, oomq_queue_free);
		queue_rcu_work(oomq_free_wq, &queue->free_work);
	}
}

/* Position of thread group @tgid in @queue, or -1. */
int oomq_queue_index(const struct oomq_queue *queue, struct pid *tgid)
{
	u16 slot = *oomq_queue_slot(queue, tgid);

	return slot ? slot - 1 : -1;
}

u64 oomq_queue_age_ms(const struct oomq_queue *queue)
{
	return div_u64(ktime_get_boottime_ns() - queue->set_ns, NSEC_PER_MSEC);
}

/* Past its TTL: the user space that ranked it may be gone or stuck. */
bool oomq_queue_expired(const struct oomq_queue *queue)
{
	unsigned int ttl_ms = READ_ONCE(oomq_ttl_ms);

	return ttl_ms && oomq_queue_age_ms(queue) > ttl_ms;
}

unsigned int oomq_queue_ttl_ms(void)
{
	return READ_ONCE(oomq_ttl_ms);
}

void oomq_queue_set_ttl_ms(unsigned int ttl_ms)
{
	WRITE_ONCE(oomq_ttl_ms, ttl_ms);
}

int oomq_queue_init(void)
{
	/*
	 * Frees memory, so it must make progress under memory pressure.
	 * Unbound: no CPU matters, and 7.x warns unless one is named.
	 */
	oomq_free_wq = alloc_workqueue("oomq_free",
				       WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return oomq_free_wq ? 0 : -ENOMEM;
}

/* Only once nothing can take a new reference: the hook is gone. */
void oomq_queue_uninit(void)
{
	oomq_queue_put(rcu_replace_pointer(oomq_current, NULL, true));
	rcu_barrier();
	destroy_workqueue(oomq_free_wq);
}
