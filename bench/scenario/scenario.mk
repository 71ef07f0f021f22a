# make bench-scenario: the make -j20 desktop-meltdown scenario of issue 6,
# scaled down (512 MiB guest, 14 workers of 60 MiB, no swap), in QEMU/TCG
# on Debian's 6.12 kernel booted from an ext4 image of a debootstrap'ed
# bookworm: the kernel alone, earlyoom and nohang (Debian's packages, their
# packaged defaults), oomq with a hand-written queue, oomq + oomqd
# (agent/oomqd.conf), oomqd with kill = on, and oomqd with pause_pct = 25
# (the doc tool named in the builds rule), each in a fresh boot.
# Not part of make check. Needs root (debootstrap), 1.5-4 min per boot.
#
#   make bench-scenario                    5 runs of each contender
#   make bench-scenario SCENARIO_RUNS=1    one run each (about 10 minutes)
#   make bench-scenario SCENARIO_CONTENDERS="kernel oomqd"
#   make bench-scenario SCENARIO_KSMSERVER_MIB=80 \
#	SCENARIO_RESULTS=build/scenario/big    an innocent larger than any
#                                          worker (size-only picks it)
#   make bench-scenario SCENARIO_SWAP_MIB=128 \
#	SCENARIO_RESULTS=build/scenario/swap   with a 128 MiB swap disk
#
# Results: build/scenario/results.md, results.json, plot-*.png; the
# guests' consoles in build/scenario/logs/ (SCENARIO_RESULTS moves them).

SCENARIO_BUILD := $(BUILD)/scenario
SCENARIO_RUNS ?= 5
SCENARIO_SERIES ?= 6.12
SCENARIO_RESULTS ?= $(SCENARIO_BUILD)

.PHONY: bench-scenario
bench-scenario: $(BUILD)/static/oomqd
	@command -v qemu-system-x86_64 >/dev/null || \
		scripts/install-deps.sh qemu-system-x86
	@command -v debootstrap >/dev/null || \
		scripts/install-deps.sh debootstrap
	@command -v gnuplot >/dev/null || \
		scripts/install-deps.sh gnuplot-nox || true
	set -e; kver=$$(tests/vm/kernels.sh resolve $(SCENARIO_SERIES)); \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) tests/vm/kernels.sh fetch $$kver; \
	scripts/kbuild.sh $$kver $(SCENARIO_BUILD)/kbuild; \
	bench/scenario/build.sh $(SCENARIO_BUILD) $$kver \
		$(SCENARIO_BUILD)/kbuild/module/oomq.ko $(BUILD)/static/oomqd; \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) SCENARIO_RUNS=$(SCENARIO_RUNS) \
		bench/scenario/run.sh $(SCENARIO_BUILD) $$kver $(SCENARIO_RESULTS)
