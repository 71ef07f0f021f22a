// SPDX-License-Identifier: GPL-2.0
/*
 * The candidate queue: PIDs that user space wants killed first, in order.
 *
 * A queue is built whole, published with rcu_replace_pointer() and never
 * changed afterwards, so the OOM path reads it without locks.  It holds
 * struct pid references, not numbers: a PID number that is recycled by a
 * new process does not match the old entry.  Each user (the current
 * pointer, an OOM in progress, a reader) holds a reference; the last one
 * hands the queue to a work item after a grace period, because put_pid()
 * does not belong in probe context.
 *
 * The storage is recycled, so that setting a queue allocates nothing once
 * the first writes have sized it: oomqd rewrites the queue whenever
 * pressure changes, and an allocation then can invoke the very OOM killer
 * it is steering.  A replaced queue drops its PIDs and becomes the spare
 * that the next writer fills; a writer that finds no spare waits for the
 * replaced queue to come back rather than allocate.  So there are at most
 * two queues, the one in force and one replaced or spare, each about 100
 * bytes plus 12 per place (a pid pointer and two u16 hash slots), places
 * rounded up to a power of two of at least OOMQ_QUEUE_MIN: 1.7 KiB for
 * two of 64, 96 KiB for two of OOMQ_QUEUE_MAX.  It only grows, to the
 * longest list written, and is freed at unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <uapi/linux/oomq.h>

#include "events.h"
#include "queue.h"

static unsigned int oomq_ttl_ms;

/*
 * Privilege as for /proc/oom and set-config, not only the uid 0 that the
 * file's mode asks for: a TTL of 1 ms turns steering off.
 */
static int oomq_ttl_param_set(const char *val, const struct kernel_param *kp)
{
	if (!capable(CAP_SYS_RESOURCE))
		return -EPERM;
	return param_set_uint(val, kp);
}

static const struct kernel_param_ops oomq_ttl_param_ops = {
	.set = oomq_ttl_param_set,
	.get = param_get_uint,
};

module_param_cb(ttl_ms, &oomq_ttl_param_ops, &oomq_ttl_ms, 0644);
MODULE_PARM_DESC(ttl_ms, "Ignore a queue older than this at OOM time, ms (0: never)");

/* A slot holds a place in the queue plus one, as a u16. */
static_assert(OOMQ_QUEUE_MAX <= U16_MAX);

#define OOMQ_QUEUE_MIN 64	/* places in the smallest storage */

static struct oomq_queue __rcu *oomq_current;
static DEFINE_MUTEX(oomq_current_lock);	/* serialises writers */
static struct workqueue_struct *oomq_free_wq;

static struct oomq_queue *oomq_spare;	/* replaced, empty, to be filled */
static unsigned int oomq_retiring;	/* replaced, not yet back as spare */
static DEFINE_SPINLOCK(oomq_spare_lock);
static DECLARE_WAIT_QUEUE_HEAD(oomq_spare_wait);

/* The last reference is gone and a grace period passed: keep the storage. */
static void oomq_queue_recycle(struct work_struct *work)
{
	struct oomq_queue *queue = container_of(to_rcu_work(work),
						struct oomq_queue, free_work);
	unsigned int i;

	for (i = 0; i < queue->len; i++)
		put_pid(queue->pids[i]);
	spin_lock(&oomq_spare_lock);
	/* Of two, keep the larger: the next list may be as long. */
	if (!oomq_spare || oomq_spare->capacity < queue->capacity)
		swap(oomq_spare, queue);
	oomq_retiring--;
	spin_unlock(&oomq_spare_lock);
	wake_up(&oomq_spare_wait);
	kvfree(queue);
}

/* A queue no longer in force: its storage comes back as the spare. */
static void oomq_queue_retire(struct oomq_queue *queue)
{
	if (!queue)
		return;
	spin_lock(&oomq_spare_lock);
	oomq_retiring++;
	spin_unlock(&oomq_spare_lock);
	oomq_queue_put(queue);
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
	queue->capacity = capacity;
	queue->hash_bits = hash_bits;
	queue->slots = (u16 *)&queue->pids[capacity];
	return queue;
}

static bool oomq_spare_ready(void)
{
	return READ_ONCE(oomq_spare) || !READ_ONCE(oomq_retiring);
}

/*
 * An empty queue with room for @count places: the spare, or the queue
 * last replaced once it is back (it waits for readers and a grace
 * period, so at most for an OOM in progress), else new storage.
 * Caller holds oomq_current_lock.
 */
static struct oomq_queue *oomq_queue_take(unsigned int count)
{
	struct oomq_queue *queue;

	if (wait_event_killable(oomq_spare_wait, oomq_spare_ready()))
		return ERR_PTR(-EINTR);
	spin_lock(&oomq_spare_lock);
	queue = oomq_spare;
	oomq_spare = NULL;
	spin_unlock(&oomq_spare_lock);
	if (queue && queue->capacity >= count) {
		refcount_set(&queue->ref, 1);
		queue->len = 0;
		memset(queue->slots, 0, sizeof(u16) << queue->hash_bits);
		return queue;
	}
	kvfree(queue);
	count = roundup_pow_of_two(max_t(unsigned int, count, OOMQ_QUEUE_MIN));
	queue = oomq_queue_alloc(min_t(unsigned int, count, OOMQ_QUEUE_MAX));
	return queue ?: ERR_PTR(-ENOMEM);
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

/* The thread group of PID @nr in @ns, referenced. */
static struct pid *oomq_get_tgid(u32 nr, struct pid_namespace *ns)
{
	struct task_struct *task;
	struct pid *tgid = NULL;

	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, ns), PIDTYPE_PID);
	if (task)
		tgid = get_pid(task_tgid(task));
	rcu_read_unlock();
	return tgid;
}

/**
 * oomq_queue_set - replace the queue
 * @nrs: PIDs, first victim first
 * @count: how many
 * @ns: the PID namespace that numbers them
 *
 * PIDs that name no task are skipped; a thread's PID queues its thread
 * group; a repeated process keeps its first place.
 *
 * Return: 0, -EINVAL for a PID out of range, -E2BIG for too many PIDs,
 * -ENOMEM, -EINTR when killed while waiting.  On error the old queue
 * stays in force.
 */
int oomq_queue_set(const u32 *nrs, unsigned int count,
		   struct pid_namespace *ns)
{
	struct oomq_queue *queue, *old;
	unsigned int i;

	if (count > OOMQ_QUEUE_MAX)
		return -E2BIG;
	for (i = 0; i < count; i++)
		if (nrs[i] < 1 || nrs[i] > OOMQ_PID_MAX)
			return -EINVAL;

	if (mutex_lock_killable(&oomq_current_lock))
		return -EINTR;
	queue = oomq_queue_take(count);
	if (IS_ERR(queue)) {
		mutex_unlock(&oomq_current_lock);
		return PTR_ERR(queue);
	}
	for (i = 0; i < count; i++) {
		struct pid *tgid = oomq_get_tgid(nrs[i], ns);

		if (tgid && !oomq_queue_append(queue, tgid))
			put_pid(tgid);
	}
	queue->set_ns = ktime_get_boot_fast_ns();
	old = rcu_replace_pointer(oomq_current, queue,
				  lockdep_is_held(&oomq_current_lock));
	/*
	 * Once published, @queue is the next writer's to replace and free:
	 * read it only under the lock.  The event goes out under it too, so
	 * events follow the order in which queues were set.
	 */
	oomq_events_queue_set(queue->len);
	/* Counted before the next writer looks for a spare. */
	oomq_queue_retire(old);
	mutex_unlock(&oomq_current_lock);
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
		INIT_RCU_WORK(&queue->free_work, oomq_queue_recycle);
		queue_rcu_work(oomq_free_wq, &queue->free_work);
	}
}

/* Position of thread group @tgid in @queue, or -1. */
int oomq_queue_index(const struct oomq_queue *queue, struct pid *tgid)
{
	u16 slot = *oomq_queue_slot(queue, tgid);

	return slot ? slot - 1 : -1;
}

/*
 * The OOM probe reads it from the int3 trap, which is NMI context (on
 * arm64 always, on x86 until the probe is optimised): the fast clock's
 * NMI-safe read, which may run a little behind during a clock update.
 */
u64 oomq_queue_age_ms(const struct oomq_queue *queue)
{
	u64 now = ktime_get_boot_fast_ns();

	return now > queue->set_ns ?
	       div_u64(now - queue->set_ns, NSEC_PER_MSEC) : 0;
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
	oomq_queue_retire(rcu_replace_pointer(oomq_current, NULL, true));
	rcu_barrier();
	destroy_workqueue(oomq_free_wq);
	kvfree(oomq_spare);
}
