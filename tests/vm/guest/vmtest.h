/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The oomq guest test runner: shared declarations.  One static binary
 * runs as the test runner (oomq-vmtest --module=... CASE...) and, exec'd
 * again with a helper name as argv[1], as each helper process.
 */
#ifndef OOMQ_VMTEST_H
#define OOMQ_VMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- results (report.c) ---- */

enum result { RES_PASS, RES_FAIL, RES_SKIP };

struct outcome {
	enum result res;
	char detail[512];
};

/* Record a failure (the first one wins) and return false. */
bool failf(struct outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Mark the case skipped with a reason. */
void skipf(struct outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append to the detail of a passing case. */
void notef(struct outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print a line to the console through /dev/kmsg, whole. */
void kmsgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_init(void);
long long now_ms(void);
void sleep_ms(unsigned int ms);
/*
 * A time limit the cases set for Debian's kernels, stretched for a slower
 * one: env.time_scale times @ms (--time-scale, from the kernel command
 * line's vmtest.time_scale; make check-debug's KASAN kernel is ten times
 * slower).
 */
unsigned int scaled_ms(unsigned int ms);

/* ---- the run (oomq-vmtest.c) ---- */

struct vm_env {
	const char *module_path; /* oomq.ko in the guest, may be absent */
	const char *oomqctl_path; /* static oomqctl, may be absent */
	const char *oomqd_path; /* static oomqd, may be absent */
	const char *oomqd_conf; /* its config for the agent_* cases */
	unsigned int time_scale; /* see scaled_ms() */
	/* "mode" every load gets unless it names one (--mode=), or NULL. */
	const char *mode;
	bool module_loaded;
	char mode_default[32]; /* "mode" parameter after insmod */
};

extern struct vm_env env;

/* ---- /proc, /sys (sysfs.c) ---- */

/* Read a whole small file, NUL-terminated; returns bytes or -errno. */
ssize_t read_text(const char *path, char *buf, size_t size);
/* One open + one write() + close; returns 0 or -errno of the failing call. */
int write_text(const char *path, const char *buf, size_t len);
int write_str(const char *path, const char *s);
long long vmstat_oom_kill(void);
long oom_score(pid_t pid);
long oom_score_adj(pid_t pid);
/* Collapse runs of whitespace so "1 2\n" and "1  2" compare equal. */
void normalize(char *s);
/* Read /proc/oom with whitespace collapsed to single spaces, trimmed. */
int queue_read(char *buf, size_t size);
/* Write a queue of PIDs as "a b c\n" in one write(). */
int queue_set(const pid_t *pids, size_t n);
int queue_clear(void);
int param_get(const char *name, char *buf, size_t size);
int param_set(const char *name, const char *value);
/* Active objects of a slab cache after flushing per-CPU slabs. */
long slab_active(const char *cache);

/* ---- processes (proc.c; the helpers' side in helper.c) ---- */

struct holder_opts {
	const char *name; /* comm, at most 15 characters */
	unsigned int mib; /* memory to touch, MiB */
	int adj; /* oom_score_adj */
	const char *cgroup; /* cgroup directory to join, or NULL */
	/* MPOL_BIND to these nodes ("1", "0,1"; "i:0" interleave), or NULL */
	const char *bind;
};

struct trigger_result {
	bool ok; /* the trigger reported at all */
	bool oom; /* oom_kill went up while it allocated */
	unsigned int mib; /* how far it got, MiB */
	long long ms; /* how long it took */
};

/* Start a holder; it has touched all its memory when this returns. */
pid_t spawn_holder(const struct holder_opts *opts);
/*
 * 24 MiB, adj 0, root cgroup: what the cases queue.  One kill must free
 * more than the gap to the high watermark that the allocator retries
 * against before it calls the OOM killer again, or a second victim dies.
 * Their options, for a case that confines them (a cgroup, a node).
 */
struct holder_opts small_holder(const char *name);
pid_t spawn_small(const char *name);
/* 96 MiB, adj 0: the kernel's own choice in every global case. */
struct holder_opts big_holder(void);
pid_t spawn_big(void);
/* A holder with a second thread; *tid gets that thread's TID. */
pid_t spawn_threaded(const char *name, pid_t *tid);
/* A child that exits at once and is left unreaped. */
pid_t spawn_zombie(void);
/*
 * Allocate until one OOM kill happened (or @max_mib), then exit; in
 * @cgroup and bound to the nodes @bind when not NULL.
 */
struct trigger_result run_trigger(const char *cgroup, const char *bind,
				  unsigned int max_mib);
/* Fork+exec argv with stdout to @out (or inherited), registered. */
pid_t spawn_exec(char *const argv[], const char *out);
/*
 * Run @argv (NULL-terminated) as @uid (0: as the runner), wait for it;
 * its exit status (-1: killed), stdout and stderr in @out.
 */
int run_capture(uid_t uid, const char *const argv[], char *out, size_t size);
/*
 * The same as uid 0 with only the capabilities in @keep (bit n is
 * capability n), dropped from the bounding set too so exec keeps them.
 */
int run_capture_caps(uint64_t keep, const char *const argv[], char *out,
		     size_t size);
/* Keep only @keep, in this process and what it execs; 0 or -errno. */
int caps_keep(uint64_t keep);
/* For spawn_fn(): pause() until killed. */
int sleep_forever(void *arg);
/* Fork a registered child running @fn(@arg); its exit status is fn's. */
pid_t spawn_fn(int (*fn)(void *), void *arg);

/* Did @pid die of SIGKILL within @timeout_ms?  Reaps it. */
bool wait_killed(pid_t pid, unsigned int timeout_ms);
/* Is @pid alive and not a zombie?  Never reaps. */
bool is_alive(pid_t pid);
/*
 * Is @pid on its way out: SIGKILL pending, or exiting (PF_EXITING), its
 * memory not yet given back?  An OOM follow-up's victim is, for a while.
 */
bool is_dying(pid_t pid);
/* kill -9 and reap one registered child / all of them. */
void kill_reap(pid_t pid);
void kill_all(void);
/* Forget @pid so kill_all() leaves it (a long-lived background helper). */
void unregister_child(pid_t pid);

/* Entry points of the exec'd helpers (helper.c). */
int helper_main(int argc, char **argv);

/* ---- cgroup v2 (cgroup.c) ---- */

int cg_create(const char *name, char *path, size_t size);
int cg_set(const char *path, const char *file, const char *value);
/* Wait until cgroup.events says frozen @want. */
bool cg_wait_frozen(const char *path, int want, unsigned int timeout_ms);
void cg_remove(const char *path);

/* ---- module (module.c) ---- */

int module_load(const char *params);
int module_unload(void);
/* Any other module: 0 or -errno. */
int module_load_path(const char *path, const char *params);
int module_unload_name(const char *name);

/* ---- netlink events via oomqctl (events.c) ---- */

/* Start `oomqctl events` in the background; 0 or -errno. */
int events_start(void);
void events_stop(void);
bool events_running(void);
/*
 * Wait for a kill event naming @pid; copy its choice= value (e.g.
 * "queue") into @choice.  False on timeout.
 */
bool events_wait_kill(pid_t pid, char *choice, size_t size,
		      unsigned int timeout_ms);
/*
 * Bytes logged so far, to read only what comes after: once the log has
 * not grown for 300 ms, so that events of earlier writes (sent from a
 * work item, late on a slow guest) are not taken for later ones.
 */
long events_log_size(void);
/* queue_len of each queue_set event logged past @from; how many (all). */
size_t events_queue_lens(long from, unsigned int *lens, size_t max);
/* expect_kill()'s @index when any place, or none, will do. */
#define KILL_INDEX_ANY (-2)
/* Remember a kill the runner caused, for the final netlink case. */
void expect_kill(pid_t pid, const char *choices, const char *scope, int index,
		 const char *comm);

/* ---- raw generic netlink (genl.c) ---- */

#define GENL_MSG_MAX 32768

struct genl_sock {
	int fd;
	uint32_t seq; /* of the last request */
};

/* One request: NLM_F_REQUEST | NLM_F_ACK | @flags, attributes as bytes. */
struct genl_req {
	uint16_t family;
	uint8_t cmd;
	uint8_t reserved; /* the genlmsghdr byte that must be 0 */
	uint16_t flags;
	const void *attrs;
	size_t len;
};

int genl_open(struct genl_sock *g);
void genl_close(struct genl_sock *g);
/* The family's id, or -errno. */
int genl_family(struct genl_sock *g, const char *name);
/* Append an attribute at @off of @buf; the new end. */
size_t genl_put_attr(void *buf, size_t off, uint16_t type, const void *data,
		     size_t len);
int genl_send(struct genl_sock *g, const struct genl_req *r);
ssize_t genl_recv(struct genl_sock *g, void *buf, size_t size);
/*
 * Send and wait for the ack: 0 or the kernel's -errno.  The last reply
 * before it, if any, is copied to @reply (when it fits in @size).
 */
int genl_call(struct genl_sock *g, const struct genl_req *r, void *reply,
	      size_t size);
const void *genl_attr(const void *attrs, size_t len, uint16_t type,
		      size_t *plen);
/* OOMQ_CMD_SET_QUEUE with @n PIDs: 0 or the kernel's -errno. */
int genl_set_queue(struct genl_sock *g, int family, const uint32_t *pids,
		   size_t n);

/* ---- the cases ---- */

struct vm_case {
	const char *name;
	void (*run)(struct outcome *o);
	bool needs_module;
};

void case_control(struct outcome *o);
void case_steer_order(struct outcome *o);
void case_skip_ineligible(struct outcome *o);
void case_memcg(struct outcome *o);
void case_pid_reuse(struct outcome *o);
void case_sysrq(struct outcome *o);
void case_frozen(struct outcome *o);
void case_stale(struct outcome *o);
void case_mode_origin(struct outcome *o);
void case_proc_bad_input(struct outcome *o);
void case_proc_valid_input(struct outcome *o);
void case_proc_perm(struct outcome *o);
void case_oom_score(struct outcome *o);
void case_proc_split_write(struct outcome *o);
void case_proc_hidepid(struct outcome *o);
void case_proc_pidns(struct outcome *o);
void case_param_perm(struct outcome *o);
void case_netlink_cmds(struct outcome *o);
void case_tasks_dump(struct outcome *o);
void case_netlink_caps(struct outcome *o);
void case_netlink_strict(struct outcome *o);
void case_netlink_parallel(struct outcome *o);
void case_tasks_dump_timens(struct outcome *o);
void case_agent_steers(struct outcome *o);
void case_agent_sigkill_ttl(struct outcome *o);
void case_agent_survives(struct outcome *o);
void case_agent_sources(struct outcome *o);
void case_agent_events(struct outcome *o);
void case_agent_pauses(struct outcome *o);
void case_agent_pause_shell(struct outcome *o);
void case_agent_kill_stuck(struct outcome *o);
void case_agent_cgroup(struct outcome *o);
void case_agent_zram(struct outcome *o);
void case_agent_pause_build(struct outcome *o);
void case_queue_noalloc(struct outcome *o);
void case_queue_race(struct outcome *o);
void case_netlink_events(struct outcome *o);
void case_queue_writers(struct outcome *o);
void case_unload_storm(struct outcome *o);
void case_leak_stress(struct outcome *o);
void case_numa_cpuset(struct outcome *o);
void case_numa_mbind(struct outcome *o);
void case_numa_controls(struct outcome *o);
void case_numa_interleave(struct outcome *o);

#endif /* OOMQ_VMTEST_H */
