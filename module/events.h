/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OOMQ_EVENTS_H
#define _OOMQ_EVENTS_H

#include <linux/sched.h>
#include <linux/types.h>
#include <uapi/linux/oomq.h>

/* A victim as sampled when the OOM killer settled on it. */
struct oomq_victim {
	pid_t pid;			/* initial PID namespace */
	uid_t uid;			/* initial user namespace */
	int oom_score_adj;
	u64 rss_kb;			/* KiB */
	u64 swap_kb;			/* KiB */
	char comm[TASK_COMM_LEN];
};

struct oomq_kill {
	enum oomq_choice choice;
	enum oomq_scope scope;
	u64 cgroup_id;			/* memcg scope only */
	int index;			/* place in the queue, or -1 */
	bool has_queue;			/* a non-empty queue was set */
	unsigned int queue_len;
	u64 queue_age_ms;		/* ms */
	bool has_victim;
	struct oomq_victim victim;
};

struct oomq_event {
	enum oomq_event_type type;
	union {
		struct oomq_kill kill;		/* OOMQ_EVENT_KILL */
		unsigned int queue_len;		/* OOMQ_EVENT_QUEUE_SET */
		enum oomq_mode mode_active;	/* OOMQ_EVENT_PROBE_MISS */
		u32 lost;			/* OOMQ_EVENT_LOST */
	};
};

struct work_struct;

/* Posters: any context. */
void oomq_events_kill(const struct oomq_kill *kill);
void oomq_events_queue_set(unsigned int queue_len);
void oomq_events_probe_miss(enum oomq_mode mode_active);

/* The reader. */
void oomq_events_open(struct work_struct *drain);
void oomq_events_close(void);
bool oomq_events_take(struct oomq_event *event);
void oomq_events_drop(const struct oomq_event *event);
u64 oomq_events_lost(void);

#endif /* _OOMQ_EVENTS_H */
