/* SPDX-License-Identifier: GPL-2.0 */
/* A host test is single-threaded: the lock only checks its own pairing. */
#ifndef _KSHIM_LINUX_SPINLOCK_H
#define _KSHIM_LINUX_SPINLOCK_H

#include <assert.h>

typedef struct {
	int held;
} raw_spinlock_t;

#define DEFINE_RAW_SPINLOCK(name) raw_spinlock_t name = { 0 }

#define raw_spin_lock_irqsave(lock, flags) \
	do {                               \
		assert(!(lock)->held);     \
		(lock)->held = 1;          \
		(flags) = 0;               \
	} while (0)
#define raw_spin_unlock_irqrestore(lock, flags) \
	do {                                    \
		assert((lock)->held);           \
		(lock)->held = 0;               \
		(void)(flags);                  \
	} while (0)
#define raw_spin_lock_irq(lock)        \
	do {                           \
		assert(!(lock)->held); \
		(lock)->held = 1;      \
	} while (0)
#define raw_spin_unlock_irq(lock)     \
	do {                          \
		assert((lock)->held); \
		(lock)->held = 0;     \
	} while (0)

#endif
