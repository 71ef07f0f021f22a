# make bench-scenario: issue 14's matrix of desktop-meltdown loads against
# the OOM handlers, in QEMU/TCG on Debian's 6.12 kernel booted from an ext4
# image of a debootstrap'ed bookworm (512 MiB guest, each run a fresh
# boot). Variants of the load (bench/scenario/run.sh): meltdown (a make
# -j of 14 60 MiB workers beside a KDE-like session), big (an 80 MiB
# session manager), leak (a browser tab leaks while two apps idle), swap
# (128 MiB swap disk), zram (128 MiB zram swap), mix (meltdown + leak),
# sizes (a build of 11 jobs of 30 MiB and 3 of 120), late (the same, the 3
# large ones last); on demand only: short (60 short jobs, make -j
# unbounded), spike (jobs that take their memory in half a second), slow
# (jobs growing over 30 s); the workers, the tab and the apps get random
# names every run.
# Contenders: the kernel alone, earlyoom and nohang (Debian's packages,
# packaged defaults), the oracle (the same jobs at the largest -j memory
# holds), oomq with a hand-written queue, oomq + oomqd with the shipped
# agent/oomqd.conf, and oomqd-NAME: that config with the knobs of
# bench/scenario/oomqd/NAME.conf. Not part of make check. Needs root
# (debootstrap); 2-6 min per boot, hours for the whole matrix.
#
#   make bench-scenario               the matrix: 5 runs of the meltdown
#                                     and 2 of every other variant per
#                                     contender, minus what the store
#                                     already holds for this build
#   make bench-scenario SCENARIO_VARIANTS="leak mix" \
#	SCENARIO_CONTENDERS="earlyoom oomqd oomqd-kill" SCENARIO_RUNS=1
#   make bench-scenario-oracle        find the oracle's -j per variant
#                                     (else scn.c estimates it)
#   make bench-scenario-oracle-fit    and oracle-fit's: the largest -j
#                                     that also reads its files back no
#                                     more than SCENARIO_FIT_READ_MIB;
#                                     then SCENARIO_CONTENDERS=oracle-fit
#   make bench-scenario-report        render the store again, no boot
#   make bench-scenario-report SCENARIO_README=README.md
#                                     and put its goals' overview into
#                                     README's Results
#   make bench-startup                the contenders' start and idle CPU,
#                                     cold and warm, in one boot
#
# Every run is appended to build/scenario/runs.jsonl with the commit its
# guest was built from; the report (build/scenario/results.md,
# results.json, plot-*.png) takes for each variant the newest build with
# enough runs of every contender. The consoles are in
# build/scenario/logs/VARIANT/. SCENARIO_RESULTS moves all of it.
#
# SCENARIO_GUEST=systemd runs the same loads in a second guest (its image
# in build/scenario/systemd/): systemd as PID 1, the session in the user
# manager of UID 1000 (session.slice, app.slice scopes), the build in the
# scope `systemd-run --user --scope make -j` makes, and the contender
# systemd-oomd with the defaults Debian's package ships (Fedora's and
# Ubuntu's) beside earlyoom and oomqd. Its runs go to the same store as
# another load (guest=systemd) and to tables of their own:
#   make bench-scenario SCENARIO_GUEST=systemd \
#	SCENARIO_VARIANTS="meltdown leak" SCENARIO_RUNS=2

SCENARIO_BUILD := $(BUILD)/scenario
SCENARIO_SERIES ?= 6.12
SCENARIO_RESULTS ?= $(SCENARIO_BUILD)
SCENARIO_GUEST ?= busybox
# The guest's image: the busybox guest's where it always was.
SCENARIO_IMAGE := $(SCENARIO_BUILD)$(if \
	$(filter-out busybox,$(SCENARIO_GUEST)),/$(SCENARIO_GUEST))
export SCENARIO_VARIANTS SCENARIO_CONTENDERS SCENARIO_RUNS SCENARIO_ARGS \
	SCENARIO_ORACLE_J SCENARIO_ORACLE_FIT_J SCENARIO_FIT_READ_MIB \
	SCENARIO_SESSION_NAMES SCENARIO_MEM \
	SCENARIO_BOOT_TIMEOUT SCENARIO_MIN_RUNS SCENARIO_GUEST

.PHONY: bench-scenario bench-scenario-oracle bench-scenario-oracle-fit \
	bench-scenario-report \
	bench-scenario-image bench-startup
bench-scenario-image: $(BUILD)/static/oomqd
	@command -v qemu-system-x86_64 >/dev/null || \
		scripts/install-deps.sh qemu-system-x86
	@command -v debootstrap >/dev/null || \
		scripts/install-deps.sh debootstrap
	@command -v gnuplot >/dev/null || \
		scripts/install-deps.sh gnuplot-nox || true
	set -e; kver=$$(tests/vm/kernels.sh resolve $(SCENARIO_SERIES)); \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) tests/vm/kernels.sh fetch $$kver; \
	scripts/kbuild.sh $$kver $(SCENARIO_BUILD)/kbuild; \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) bench/scenario/build.sh \
		$(SCENARIO_IMAGE) $$kver \
		$(SCENARIO_BUILD)/kbuild/module/oomq.ko $(BUILD)/static/oomqd

bench-scenario: bench-scenario-image
	kver=$$(tests/vm/kernels.sh resolve $(SCENARIO_SERIES)) && \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) SCENARIO_RESULTS=$(SCENARIO_RESULTS) \
		bench/scenario/run.sh $(SCENARIO_IMAGE) $$kver

bench-scenario-oracle: bench-scenario-image
	kver=$$(tests/vm/kernels.sh resolve $(SCENARIO_SERIES)) && \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) SCENARIO_RESULTS=$(SCENARIO_RESULTS) \
		SCENARIO_SEARCH=1 bench/scenario/run.sh $(SCENARIO_IMAGE) $$kver

bench-scenario-oracle-fit: bench-scenario-image
	kver=$$(tests/vm/kernels.sh resolve $(SCENARIO_SERIES)) && \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) SCENARIO_RESULTS=$(SCENARIO_RESULTS) \
		SCENARIO_SEARCH=fit bench/scenario/run.sh $(SCENARIO_IMAGE) $$kver

# The contenders' start-up and idle CPU, cold and warm, in one boot of
# the scenario guest (bench/scenario/startup.sh; about 3 minutes).
bench-startup: bench-scenario-image
	kver=$$(tests/vm/kernels.sh resolve $(SCENARIO_SERIES)) && \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) bench/scenario/startup.sh \
		$(SCENARIO_BUILD) $$kver

bench-scenario-report:
	bench/scenario/report.py $(SCENARIO_RESULTS)/runs.jsonl \
		$(SCENARIO_RESULTS) \
		$(if $(SCENARIO_README),--readme=$(SCENARIO_README))
