# oomqd, the policy agent: build/oomqd.  Included from the top-level
# Makefile: paths are relative to the root.
#
#   make agent        build/oomqd
#
# AGENT_LIB_SRCS and AGENT_RUNTIME_SRCS are everything but the top
# (main.c, loop*.c, log.c: the only code that logs), so the unit tests
# link the same objects the daemon runs.

AGENT_LIB_SRCS := agent/proc_parse.c agent/proc_sample.c agent/lineage.c \
	agent/task_sample.c agent/badness.c agent/policy.c agent/session.c \
	agent/heap.c agent/rank.c agent/pidtab.c agent/mcache.c agent/vcache.c \
	agent/agent.c agent/source_dump.c agent/source_proc.c \
	agent/source_lazy.c agent/proc_events.c agent/classify.c \
	agent/queued.c agent/verdicts.c agent/cn_proc.c agent/notice.c \
	agent/metrics.c agent/cgroup_mem.c lib/oomq_tasks.c
AGENT_RUNTIME_SRCS := agent/pressure.c agent/psi.c agent/swap_mem.c agent/nl.c \
	agent/kill.c agent/kill_ctl.c agent/jobs.c agent/job_cpus.c agent/pause.c \
	agent/pause_ctl.c \
	agent/protect.c agent/thresholds.c agent/hooks.c agent/notify.c \
	lib/oomq_nl.c
AGENT_TOP_SRCS := agent/main.c agent/loop.c agent/loop_pass.c \
	agent/loop_sense.c agent/loop_module.c agent/loop_kill.c \
	agent/loop_pause.c agent/loop_start.c agent/loop_reload.c agent/log.c \
	agent/prof.c
AGENT_SRCS := $(AGENT_TOP_SRCS) $(AGENT_LIB_SRCS) $(AGENT_RUNTIME_SRCS)
AGENT_HDRS := $(wildcard agent/*.h) lib/oomq_nl.h lib/oomq_tasks.h \
	include/uapi/linux/oomq.h
AGENT_CFLAGS = $(CFLAGS) $(WARN_CFLAGS) -Iinclude/uapi -Ilib \
	-DOOMQ_VERSION='"$(VERSION)"' $$(pkg-config --cflags libnl-genl-3.0) \
	$(if $(OOMQD_PROF),-DOOMQD_PROF)
AGENT_LIBS = -linih $$(pkg-config --libs libnl-genl-3.0)

# Structured journal entries (log.c) and desktop notifications
# (notify.c: sd-login, sd-bus) need libsystemd: used when
# pkg-config finds it, unless OOMQD_SYSTEMD=0.  The static oomqd never
# links it (embedded systems have no journald): its events stay lines
# and it notifies no desktop.  Asked of the target's pkg-config
# directory when cross-compiling ($(shell) does not see exports).
OOMQD_SYSTEMD ?= $(shell $(if $(PKG_CONFIG_LIBDIR),PKG_CONFIG_LIBDIR=$(PKG_CONFIG_LIBDIR)) \
	pkg-config --exists libsystemd && echo 1 || echo 0)
ifeq ($(OOMQD_SYSTEMD),1)
AGENT_SD_CFLAGS = -DOOMQD_SYSTEMD $$(pkg-config --cflags libsystemd)
AGENT_SD_LIBS = $$(pkg-config --libs libsystemd)
endif

# OOMQD_PROF=1 builds prof.h's sums in; a change of it rebuilds.
AGENT_FLAGS_STAMP := $(BUILD)/agent-flags
$(shell mkdir -p $(BUILD); [ "$$(cat $(AGENT_FLAGS_STAMP) 2>/dev/null)" = \
	'prof=$(OOMQD_PROF)' ] || echo 'prof=$(OOMQD_PROF)' >$(AGENT_FLAGS_STAMP))

.PHONY: agent
agent: $(BUILD)/oomqd

$(BUILD)/oomqd: $(AGENT_SRCS) $(AGENT_HDRS) $(AGENT_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(AGENT_CFLAGS) $(AGENT_SD_CFLAGS) -o $@ $(AGENT_SRCS) \
		$(AGENT_LIBS) $(AGENT_SD_LIBS)

# Static, for the VM test initramfs (the guest has no libc of its own)
# and small images.  agent/oomqd-static.ld puts the code it runs together:
# its resident set is that, not all of the static glibc's text.
AGENT_STATIC_LDFLAGS := -Wl,-T,agent/oomqd-static.ld
$(BUILD)/static/oomqd: $(AGENT_SRCS) $(AGENT_HDRS) agent/oomqd-static.ld \
		$(AGENT_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) -static $(AGENT_CFLAGS) $(AGENT_STATIC_LDFLAGS) -o $@ \
		$(AGENT_SRCS) -linih $$(pkg-config --static --libs libnl-genl-3.0)
