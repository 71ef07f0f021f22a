# Host tests: Check unit suites, the /proc/oom fuzzer, oomqctl's CLI.
#
#   make check-unit   unit suites under ASan/UBSan (and the module's
#                     event ring on the host), a FUZZ_SMOKE_TIME
#                     second fuzz run, then check-tools and check-oomqd
#   make check-tools  oomqctl exit codes and messages (no module needed)
#   make check-oomqd  oomqd's stdout, stderr and exit codes on the fake
#                     /proc (no module needed)
#   make check-events a proactive kill as journald (one of its own, in a
#                     private mount namespace), the hooks and the metrics
#                     file see it; skipped without root or journald
#   make fuzz         fuzz the /proc/oom grammar for FUZZ_TIME seconds
#
# Included from the top-level Makefile: paths are relative to the root.

FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ_SMOKE_TIME ?= 15

UNIT_BIN := $(BUILD)/unit/check_unit
# $(sort) also drops the sources that tools and agent share (lib/).
UNIT_SRCS := $(sort tests/unit/check_main.c tests/unit/suite_parse.c \
	tests/unit/suite_oomqctl.c $(OOMQCTL_LIB_SRCS) \
	$(wildcard tests/unit/suite_agent_*.c) \
	$(AGENT_LIB_SRCS) $(AGENT_RUNTIME_SRCS) agent/log.c)
UNIT_HDRS := tests/unit/suites.h tests/unit/suite_agent.h \
	tests/common/proc_oom_cases.h module/parse.h include/uapi/linux/oomq.h \
	$(OOMQCTL_HDRS) $(AGENT_HDRS)
# Sanitizer findings abort the test instead of only printing.
UNIT_CFLAGS := $(WARN_CFLAGS) -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Iinclude/uapi -Ilib

# The module's event ring, built on the host against tests/unit/kshim's
# stand-ins for the kernel headers it uses (a lock and a work item).
MODULE_EVENTS_BIN := $(BUILD)/unit/check_module_events
$(MODULE_EVENTS_BIN): tests/unit/module_events.c module/events.c \
		module/events.h $(wildcard tests/unit/kshim/linux/*.h) \
		include/uapi/linux/oomq.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Itests/unit/kshim -Iinclude -o $@ \
		tests/unit/module_events.c $$(pkg-config --cflags --libs check)

FUZZ_BIN := $(BUILD)/fuzz/fuzz_parse
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# New inputs go to the first directory, so the seeds in the tree stay
# as committed.
FUZZ_RUN = $(FUZZ_BIN) -artifact_prefix=$(BUILD)/fuzz/ \
	$(BUILD)/fuzz/corpus tests/fuzz/corpus

.PHONY: check-unit check-tools check-oomqd check-events \
	check-bench-report fuzz fuzz-smoke

check-unit: $(UNIT_BIN) $(MODULE_EVENTS_BIN) fuzz-smoke fuzz-smoke-agent \
		check-tools check-oomqd check-events check-bench-report
	$(UNIT_BIN)
	$(MODULE_EVENTS_BIN)

$(UNIT_BIN): $(UNIT_SRCS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(AGENT_SD_CFLAGS) -o $@ $(UNIT_SRCS) \
		$$(pkg-config --cflags --libs check libnl-genl-3.0) $(AGENT_LIBS) \
		$(AGENT_SD_LIBS)

$(FUZZ_BIN): tests/fuzz/fuzz_parse.c module/parse.c module/parse.h \
		tests/fuzz/fuzz_assert.h
	@mkdir -p $(@D)/corpus
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_parse.c module/parse.c

# A bounded run for CI: the log is shown only when it finds something.
fuzz-smoke: $(FUZZ_BIN)
	@echo "fuzz: oomq_parse_pids for $(FUZZ_SMOKE_TIME)s"
	@$(FUZZ_RUN) -max_total_time=$(FUZZ_SMOKE_TIME) \
		>$(BUILD)/fuzz/smoke.log 2>&1 || \
		{ cat $(BUILD)/fuzz/smoke.log; exit 1; }
	@grep -E '^Done [0-9]+ runs' $(BUILD)/fuzz/smoke.log

fuzz: $(FUZZ_BIN)
	$(FUZZ_RUN) -max_total_time=$(FUZZ_TIME)

# oomqd's config file, /proc and task-dump parsers: one harness each,
# the seeds in tests/fuzz/corpus_<name>.  The smoke runs go in parallel,
# so all cost AGENT_FUZZ_SMOKE_TIME of wall time in check-unit.
#
#   make fuzz-config / fuzz-proc / fuzz-task   FUZZ_TIME seconds each
AGENT_FUZZ_SMOKE_TIME ?= 10
AGENT_FUZZ_NAMES := config proc task
AGENT_FUZZ_BINS := $(AGENT_FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
AGENT_FUZZ_CFLAGS := $(FUZZ_CFLAGS) -D_GNU_SOURCE -Iinclude/uapi -Ilib
# Every harness: the shared assert, the agent headers.
AGENT_FUZZ_HDRS := tests/fuzz/fuzz_assert.h $(AGENT_HDRS)
AGENT_FUZZ_RUN = $(BUILD)/fuzz/fuzz_$(1) -artifact_prefix=$(BUILD)/fuzz/$(1)- \
	$(BUILD)/fuzz/corpus_$(1) tests/fuzz/corpus_$(1)

$(BUILD)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c agent/policy.c \
		agent/badness.c agent/thresholds.c agent/pressure.c $(AGENT_FUZZ_HDRS)
	@mkdir -p $(@D)/corpus_config
	$(FUZZ_CC) $(AGENT_FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -linih

$(BUILD)/fuzz/fuzz_proc: tests/fuzz/fuzz_proc.c agent/proc_parse.c \
		agent/psi.c agent/cgroup_mem.c $(AGENT_FUZZ_HDRS)
	@mkdir -p $(@D)/corpus_proc
	$(FUZZ_CC) $(AGENT_FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

# The task dump's decoder, on whatever a netlink message may hold.
$(BUILD)/fuzz/fuzz_task: tests/fuzz/fuzz_task.c lib/oomq_tasks.c \
		lib/oomq_nl.c agent/task_sample.c $(AGENT_FUZZ_HDRS)
	@mkdir -p $(@D)/corpus_task
	$(FUZZ_CC) $(AGENT_FUZZ_CFLAGS) \
		$$(pkg-config --cflags libnl-genl-3.0) -o $@ $(filter %.c,$^) \
		$$(pkg-config --libs libnl-genl-3.0)

.PHONY: fuzz-smoke-agent $(AGENT_FUZZ_NAMES:%=fuzz-%)
fuzz-smoke-agent: $(AGENT_FUZZ_BINS)
	@echo "fuzz: oomqd config, /proc and task-dump parsers for $(AGENT_FUZZ_SMOKE_TIME)s"
	@pids=; for n in $(AGENT_FUZZ_NAMES); do \
		$(BUILD)/fuzz/fuzz_$$n -artifact_prefix=$(BUILD)/fuzz/$$n- \
			-max_total_time=$(AGENT_FUZZ_SMOKE_TIME) \
			$(BUILD)/fuzz/corpus_$$n tests/fuzz/corpus_$$n \
			>$(BUILD)/fuzz/smoke_$$n.log 2>&1 & pids="$$pids $$!"; \
	done; fail=0; for p in $$pids; do wait $$p || fail=1; done; \
	for n in $(AGENT_FUZZ_NAMES); do \
		grep -qE '^Done [0-9]+ runs' $(BUILD)/fuzz/smoke_$$n.log || \
			{ cat $(BUILD)/fuzz/smoke_$$n.log; fail=1; }; \
		printf 'fuzz_%s: ' $$n; grep -E '^Done [0-9]+ runs' \
			$(BUILD)/fuzz/smoke_$$n.log || echo FAILED; \
	done; exit $$fail

fuzz-config: $(BUILD)/fuzz/fuzz_config
	$(call AGENT_FUZZ_RUN,config) -max_total_time=$(FUZZ_TIME)

fuzz-proc: $(BUILD)/fuzz/fuzz_proc
	$(call AGENT_FUZZ_RUN,proc) -max_total_time=$(FUZZ_TIME)

fuzz-task: $(BUILD)/fuzz/fuzz_task
	$(call AGENT_FUZZ_RUN,task) -max_total_time=$(FUZZ_TIME)

check-tools: $(BUILD)/oomqctl
	sh tests/unit/oomqctl_cli.sh $(BUILD)/oomqctl

check-oomqd: $(BUILD)/oomqd
	sh tests/unit/oomqd_cli.sh $(BUILD)/oomqd

check-events: $(BUILD)/oomqd
	sh tests/unit/oomqd_events.sh $(BUILD)/oomqd

# The scenario bench's report and README's table made from it.
check-bench-report:
	sh tests/unit/bench_report.sh

# A pause and oomqd's own kill shown by a real notification daemon
# (dunst) on a real session bus under Xvfb, found through a faked
# logind session:
# screenshots in $(BUILD)/desktop.  Needs root, Xvfb, dunst, imagemagick.
NOTIFY_POST := $(BUILD)/desktop/notify_post
$(NOTIFY_POST): tests/desktop/notify_post.c $(AGENT_LIB_SRCS) \
		$(AGENT_RUNTIME_SRCS) agent/log.c $(AGENT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(AGENT_CFLAGS) $(AGENT_SD_CFLAGS) -o $@ $(filter %.c,$^) \
		$(AGENT_LIBS) $(AGENT_SD_LIBS)

.PHONY: check-notify
check-notify: $(NOTIFY_POST) $(BUILD)/oomqd
	sh tests/desktop/notify_screenshot.sh $(NOTIFY_POST) $(BUILD)/oomqd \
		$(BUILD)/desktop
