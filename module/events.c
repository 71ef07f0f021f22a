// SPDX-License-Identifier: GPL-2.0
/*
 * Events to user space.  They are raised in probe context, where neither
 * allocating a message nor sending it is allowed, so they go through a
 * small fixed ring, and the reader's work item (netlink.c) drains it from
 * process context.  Of the queue changes not yet sent only the latest
 * is kept; a full ring drops the newest events, and a message that
 * cannot be allocated drops its event; a LOST event says how many.  Posters and
 * the reader only include this file's header: it includes none of
 * theirs.
 */
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "events.h"

#define OOMQ_EVENT_RING_SIZE 32	/* a power of two */

static struct oomq_event oomq_ring[OOMQ_EVENT_RING_SIZE];
static unsigned int oomq_ring_head;	/* free-running: next to write */
static unsigned int oomq_ring_tail;	/* free-running: next to send */
static u32 oomq_ring_lost;		/* dropped since the last LOST event */
static u64 oomq_ring_lost_total;
/* The reader's work item; NULL: nobody reads, drop quietly. */
static struct work_struct *oomq_ring_drain;
/* Raw: taken in probe handlers, where PREEMPT_RT's spinlock_t would sleep. */
static DEFINE_RAW_SPINLOCK(oomq_ring_lock);

/* Drop the unsent event at free-running index @at.  Caller holds the lock. */
static void oomq_ring_remove(unsigned int at)
{
	for (; at + 1 != oomq_ring_head; at++)
		oomq_ring[at % OOMQ_EVENT_RING_SIZE] =
			oomq_ring[(at + 1) % OOMQ_EVENT_RING_SIZE];
	oomq_ring_head--;
}

/* The unsent queue change's index, or the head.  Caller holds the lock. */
static unsigned int oomq_ring_queue_set(void)
{
	unsigned int at;

	for (at = oomq_ring_tail; at != oomq_ring_head; at++)
		if (oomq_ring[at % OOMQ_EVENT_RING_SIZE].type ==
		    OOMQ_EVENT_QUEUE_SET)
			break;
	return at;
}

/* Any context. */
static void oomq_events_post(const struct oomq_event *event)
{
	unsigned long flags;
	unsigned int at;

	raw_spin_lock_irqsave(&oomq_ring_lock, flags);
	if (!oomq_ring_drain)
		goto out;
	if (event->type == OOMQ_EVENT_QUEUE_SET) {
		/*
		 * Only the latest queue matters, told after the events
		 * before it: at most one is pending, so a burst of writes
		 * between kills never crowds a kill out of the ring.
		 */
		at = oomq_ring_queue_set();
		if (at != oomq_ring_head)
			oomq_ring_remove(at);
	}
	if (oomq_ring_head - oomq_ring_tail == OOMQ_EVENT_RING_SIZE) {
		oomq_ring_lost++;
		oomq_ring_lost_total++;
	} else {
		oomq_ring[oomq_ring_head++ % OOMQ_EVENT_RING_SIZE] = *event;
	}
	/* Under the lock, so the reader's cancel cannot miss it. */
	schedule_work(oomq_ring_drain);
out:
	raw_spin_unlock_irqrestore(&oomq_ring_lock, flags);
}

/**
 * oomq_events_take - the next event to send
 * @event: filled in
 *
 * Process context.  Return: false when the ring is empty.
 */
bool oomq_events_take(struct oomq_event *event)
{
	bool taken = true;

	raw_spin_lock_irq(&oomq_ring_lock);
	if (oomq_ring_tail != oomq_ring_head) {
		*event = oomq_ring[oomq_ring_tail++ % OOMQ_EVENT_RING_SIZE];
	} else if (oomq_ring_lost) {
		event->type = OOMQ_EVENT_LOST;
		event->lost = oomq_ring_lost;
		oomq_ring_lost = 0;
	} else {
		taken = false;
	}
	raw_spin_unlock_irq(&oomq_ring_lock);
	return taken;
}

/* No message could be built for a taken @event: count it as dropped. */
void oomq_events_drop(const struct oomq_event *event)
{
	raw_spin_lock_irq(&oomq_ring_lock);
	if (event->type == OOMQ_EVENT_LOST) {
		/* Counted already; still to be reported. */
		oomq_ring_lost += event->lost;
	} else {
		oomq_ring_lost++;
		oomq_ring_lost_total++;
	}
	raw_spin_unlock_irq(&oomq_ring_lock);
}

void oomq_events_kill(const struct oomq_kill *kill)
{
	struct oomq_event event = { .type = OOMQ_EVENT_KILL, .kill = *kill };

	oomq_events_post(&event);
}

void oomq_events_queue_set(unsigned int queue_len)
{
	struct oomq_event event = {
		.type = OOMQ_EVENT_QUEUE_SET,
		.queue_len = queue_len,
	};

	oomq_events_post(&event);
}

void oomq_events_probe_miss(enum oomq_mode mode_active)
{
	struct oomq_event event = {
		.type = OOMQ_EVENT_PROBE_MISS,
		.mode_active = mode_active,
	};

	oomq_events_post(&event);
}

u64 oomq_events_lost(void)
{
	u64 lost;

	raw_spin_lock_irq(&oomq_ring_lock);
	lost = oomq_ring_lost_total;
	raw_spin_unlock_irq(&oomq_ring_lock);
	return lost;
}

/**
 * oomq_events_open - start posting events to a reader
 * @drain: the reader's work item, scheduled when an event comes
 */
void oomq_events_open(struct work_struct *drain)
{
	raw_spin_lock_irq(&oomq_ring_lock);
	oomq_ring_drain = drain;
	raw_spin_unlock_irq(&oomq_ring_lock);
}

/*
 * Stop scheduling the reader: once this returns, a cancel_work_sync() of
 * its work item leaves it neither running nor queued.
 */
void oomq_events_close(void)
{
	raw_spin_lock_irq(&oomq_ring_lock);
	oomq_ring_drain = NULL;
	raw_spin_unlock_irq(&oomq_ring_lock);
}
