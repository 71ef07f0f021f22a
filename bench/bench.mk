# make bench: oomqd's ranking pass against earlyoom's victim search, both
# measured in the same run over the same live population of processes.
# Included from the top-level Makefile: paths are relative to the root.
# Not part of make check: it reports ratios, it does not pass or fail on
# them (a failed measurement still fails).
#
#   make bench                      1,000 and 10,000 processes, 3 rounds
#                                   on the host, then make bench-vm, then
#                                   make bench-scenario (bench/scenario/,
#                                   hours: issue 14's matrix, resumable)
#   make bench BENCH_SIZES=1000 BENCH_ROUNDS=1
#   make bench-host / bench-vm      one of the two
#
# bench-vm runs the same script in a QEMU guest (Debian's 6.12 kernel,
# tests/vm/kernels.sh) with oomq.ko loaded, one round by default
# (BENCH_VM_ROUNDS), so the pass is measured from /proc and from the
# module's task dump, each next to earlyoom in the same boot.
#
# Results: build/bench/results.md and results.json (host) and
# build/bench/vm/KVER/results.md and results.json (also printed).
# Needs root (pid_max, and earlyoom reading every process) and installs
# earlyoom (Debian package) if it is missing.

BENCH_BUILD := $(BUILD)/bench
BENCH_SIZES ?= 1000 10000
BENCH_ROUNDS ?= 3
BENCH_CFLAGS = $(CFLAGS) $(WARN_CFLAGS) -Iinclude/uapi -Iagent -Ilib \
	$$(pkg-config --cflags libnl-genl-3.0)
# The pass may read the module's task dump: libnl, as oomqd links it.
BENCH_SRCS := bench/oomqd_pass.c $(AGENT_LIB_SRCS) lib/oomq_nl.c

BENCH_VM_ROUNDS ?= 1

.PHONY: bench bench-host bench-vm bench-deps bench-build
bench: bench-host bench-vm bench-scenario

# Only here: on a systemd machine the package also starts its daemon.
bench-deps:
	@command -v earlyoom >/dev/null || scripts/install-deps.sh earlyoom

bench-host: bench-deps bench-build
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_ROUNDS="$(BENCH_ROUNDS)" \
		bench/run.sh $(BENCH_BUILD)

bench-vm: bench-deps bench-build
	VM_BUILD=$(CURDIR)/$(VM_BUILD) BENCH_SIZES="$(BENCH_SIZES)" \
		BENCH_ROUNDS="$(BENCH_VM_ROUNDS)" bench/vm.sh $(BENCH_BUILD)

bench-build: $(BENCH_BUILD)/oomqd-pass $(BENCH_BUILD)/oomqd-pass-static \
	$(BENCH_BUILD)/bench-spawn

# The agent's own objects, as the daemon links them.
$(BENCH_BUILD)/oomqd-pass: bench/oomqd_pass.c $(AGENT_LIB_SRCS) $(AGENT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_SRCS) -linih \
		$$(pkg-config --libs libnl-genl-3.0)

# Static, as $(BUILD)/static/oomqd (same layout: agent/oomqd-static.ld):
# the RSS floor without ld.so and the shared libc's pages (about 1.2 MiB
# of a dynamic binary's VmHWM).
$(BENCH_BUILD)/oomqd-pass-static: bench/oomqd_pass.c $(AGENT_LIB_SRCS) \
		$(AGENT_HDRS) agent/oomqd-static.ld
	@mkdir -p $(@D)
	$(CC) -static $(BENCH_CFLAGS) $(AGENT_STATIC_LDFLAGS) -o $@ \
		$(BENCH_SRCS) -linih $$(pkg-config --static --libs libnl-genl-3.0)

# Static: each of the 10,000 forked children maps as little as possible.
$(BENCH_BUILD)/bench-spawn: bench/spawn.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) -static -o $@ bench/spawn.c
include bench/scenario/scenario.mk
