# Host tests: Check unit suites, the /proc/oom fuzzer, oomqctl's CLI.
#
#   make check-unit   unit suites under ASan/UBSan, a FUZZ_SMOKE_TIME
#                     second fuzz run, then check-tools
#   make check-tools  oomqctl exit codes and messages (no module needed)
#   make fuzz         fuzz the /proc/oom grammar for FUZZ_TIME seconds
#
# Included from the top-level Makefile: paths are relative to the root.

FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ_SMOKE_TIME ?= 15

UNIT_BIN := $(BUILD)/unit/check_unit
UNIT_SRCS := tests/unit/check_main.c tests/unit/suite_parse.c \
	tests/unit/suite_oomqctl.c $(OOMQCTL_LIB_SRCS) \
	$(wildcard tests/unit/suite_agent_*.c) \
	$(AGENT_LIB_SRCS) $(AGENT_RUNTIME_SRCS)
UNIT_HDRS := tests/unit/suites.h tests/unit/suite_agent.h \
	tests/common/proc_oom_cases.h module/parse.h include/uapi/linux/oomq.h \
	$(OOMQCTL_HDRS) $(AGENT_HDRS)
# Sanitizer findings abort the test instead of only printing.
UNIT_CFLAGS := $(WARN_CFLAGS) -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Iinclude/uapi

FUZZ_BIN := $(BUILD)/fuzz/fuzz_parse
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# New inputs go to the first directory, so the seeds in the tree stay
# as committed.
FUZZ_RUN = $(FUZZ_BIN) -artifact_prefix=$(BUILD)/fuzz/ \
	$(BUILD)/fuzz/corpus tests/fuzz/corpus

.PHONY: check-unit check-tools fuzz fuzz-smoke

check-unit: $(UNIT_BIN) fuzz-smoke check-tools
	$(UNIT_BIN)

$(UNIT_BIN): $(UNIT_SRCS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) \
		$$(pkg-config --cflags --libs check libnl-genl-3.0) $(AGENT_LIBS)

$(FUZZ_BIN): tests/fuzz/fuzz_parse.c module/parse.c module/parse.h
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

check-tools: $(BUILD)/oomqctl
	sh tests/unit/oomqctl_cli.sh $(BUILD)/oomqctl
