# The VM bench: Debian's kernels (tests/vm/kernels.sh: 5.10 to 7.x, amd64
# and arm64) booted under QEMU (TCG) with an initramfs holding the module,
# the guest test runner, oomqctl and oomqd.
# Included from the top-level Makefile: paths are relative to the root.
#
#   make vm-kernels	resolve the newest kernels, install headers, fetch images
#   make check-vm-SPEC	one kernel, every case (check-vm-6.1, check-vm-7,
#			check-vm-arm64-6.12, ...: tests/vm/kernels.sh list boot)
#   make check-vm	every case on 6.1 and 6.12, then the fast set on every
#			other kernel (but arm64 6.1), ending with one "N passed,
#			N failed" line
#   make check-vm-all	every case on every kernel (about an hour)
#   make check-debug	every case on a KASAN/lockdep build of 6.12 (below)
#   make check-debug-rt	the same with PREEMPT_RT
#
# VM_CASES=steer_order,memcg runs only those cases (plus insmod);
# VM_MEM, VM_TIMEOUT, VM_APPEND and VM_OOMQD_CONF are passed to
# tests/vm/run.sh.

VM_BUILD := $(BUILD)/vm
VM_RUNNER := $(VM_BUILD)/guest/oomq-vmtest
VM_OOMQCTL := $(BUILD)/static/oomqctl
# The rule is in agent/agent.mk.
VM_OOMQD := $(BUILD)/static/oomqd
VM_GUEST_SRCS := $(wildcard tests/vm/guest/*.c)
VM_GUEST_HDRS := $(wildcard tests/vm/guest/*.h) tests/common/proc_oom_cases.h \
	include/uapi/linux/oomq.h
VM_SCRIPTS := $(wildcard tests/vm/*.sh) tests/vm/init
# Every case on these; the fast set on the others but VM_ALL_ONLY, which
# only check-vm-all boots (arm64 6.1: check-cross-vm loads the module
# there; about 3.5 minutes of TCG saved from make check).
VM_FULL := 6.1 6.12
VM_KERNELS := $(shell tests/vm/kernels.sh list boot)
VM_ALL_ONLY := arm64-6.1
# The runner's table of cases, in order (insmod comes with any of them).
VM_TABLE_CASES := $(filter-out insmod,$(shell sed -n \
	's/^[[:space:]]*{ "\([a-z_0-9]*\)", case_.*/\1/p' \
	tests/vm/guest/oomq-vmtest.c))
# The numa_* cases need two memory nodes: a boot of their own, SPEC+numa
# (tests/vm/run.sh's VM_NUMA), on these kernels; 6.12's in check-vm.
VM_NUMA_CASES := $(filter numa_%,$(VM_TABLE_CASES))
VM_NUMA_KERNELS := 5.10 6.12 7
VM_ALL_CASES := $(filter-out $(VM_NUMA_CASES),$(VM_TABLE_CASES))
# All but the two slow ones: 20 load/unload cycles (leak_stress, a minute
# or more) and 20 s waiting for a queue to age (agent_sigkill_ttl).
VM_FAST_CASES := $(filter-out leak_stress agent_sigkill_ttl,$(VM_ALL_CASES))
# Debian's 5.10 inlines oom_badness(), so the module runs there in
# mode=origin (kernels.sh), which sees only the task it marked: a kill
# it did not steer is reported without its victim, and the cases that
# look for those victims' events (stale, netlink_events,
# agent_sigkill_ttl) cannot pass.  A backend that sees the kernel's own
# choice would lift this.
VM_SKIP_5.10 := stale netlink_events agent_sigkill_ttl
comma := ,
# cases KERNEL LIST: LIST less what KERNEL cannot run, comma-separated.
vm_cases = $(subst $(eval) ,$(comma),$(strip \
	$(filter-out $(VM_SKIP_$(1)),$(2))))
# The two-node boots of KERNELS.
vm_numa = $(foreach k,$(1),$(k)+numa:$(call vm_cases,$(k),$(VM_NUMA_CASES)))
# The arm64 guest's runner, oomqctl and oomqd, cross-built.
VM_ARM64_BUILD := build/aarch64-linux-gnu

# Static: the guest has no libc of its own.
$(VM_RUNNER): $(VM_GUEST_SRCS) $(VM_GUEST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) -static -pthread -Iinclude/uapi \
		-o $@ $(VM_GUEST_SRCS)

.PHONY: vm-kernels vm-guest vm-guest-arm64 check-vm check-vm-all check-vm-numa \
	$(VM_KERNELS:%=check-vm-%)
vm-kernels:
	@for k in $(VM_KERNELS); do tests/vm/kernels.sh fetch $$k || exit 1; done

vm-guest: $(VM_RUNNER) $(VM_OOMQCTL) $(VM_OOMQD)

vm-guest-arm64:
	scripts/cross-deps.sh arm64 aarch64-linux-gnu
	$(MAKE) CROSS_COMPILE=aarch64-linux-gnu- vm-guest

VM_RUN = VM_BUILD=$(CURDIR)/$(VM_BUILD) VM_HOST_BIN="$(VM_RUNNER) \
	$(VM_OOMQCTL) $(VM_OOMQD)" VM_ARM64_BIN="$(VM_ARM64_BUILD)/vm/guest/oomq-vmtest \
	$(VM_ARM64_BUILD)/static/oomqctl $(VM_ARM64_BUILD)/static/oomqd" \
	tests/vm/check-all.sh

$(VM_KERNELS:%=check-vm-%): check-vm-%: vm-guest vm-guest-arm64
	$(VM_RUN) $(if $(VM_SKIP_$*),$*:$(call vm_cases,$*,$(or $(subst $(comma), ,$(VM_CASES)),$(VM_ALL_CASES))),$*)

# One kernel after the other: each VM wants both cores.
check-vm: vm-guest vm-guest-arm64
	$(VM_RUN) $(VM_FULL) $(foreach k,$(filter-out $(VM_FULL) $(VM_ALL_ONLY),$(VM_KERNELS)),$(k):$(call vm_cases,$(k),$(VM_FAST_CASES))) \
		$(call vm_numa,6.12)

# The numa_* cases in a two-node boot of each of VM_NUMA_KERNELS.
check-vm-numa: vm-guest
	$(VM_RUN) $(call vm_numa,$(VM_NUMA_KERNELS))

check-vm-all: vm-guest vm-guest-arm64
	$(VM_RUN) $(foreach k,$(VM_KERNELS),$(if $(VM_SKIP_$(k)),$(k):$(call vm_cases,$(k),$(VM_ALL_CASES)),$(k))) \
		$(call vm_numa,$(VM_NUMA_KERNELS))

# make check-debug: every guest case on a debug build of Debian's 6.12
# source (KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, full preemption,
# kmemleak: tests/vm/debug.config), which tests/vm/debug-kernel.sh builds
# once per machine into build/debugk/.  Not part of make check: the first
# build takes long on two cores.  KASAN's shadow and the detectors' own
# data take memory (512 MiB leave the cases about what 384 leave on
# Debian's kernel), and everything runs 10 to 15 times slower: the cases'
# time limits are stretched tenfold (vmtest.time_scale).  Kprobes stay
# unoptimised, so every probe handler runs from the int3 trap, in what
# lockdep checks as NMI context (tests/vm/init).
CHECK_DEBUG_MEM := 512
CHECK_DEBUG_TIMEOUT := 5400
CHECK_DEBUG_TIME_SCALE := 10
# make check-debug-rt: the same with PREEMPT_RT on top
# (tests/vm/debug-rt.config), where a sleeping lock taken in a probe
# handler is a bug lockdep and DEBUG_ATOMIC_SLEEP report.
.PHONY: check-debug check-debug-rt
check-debug-rt: export DEBUGK_RT = 1
check-debug-rt: check-debug
check-debug: deps vm-guest
	k=$$(tests/vm/debug-kernel.sh) && \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) VM_KERNEL_IMAGE=$$k/vmlinuz \
	VM_KDIR=$$k/build VM_MEM=$${VM_MEM:-$(CHECK_DEBUG_MEM)} \
	VM_TIMEOUT=$${VM_TIMEOUT:-$(CHECK_DEBUG_TIMEOUT)} \
	VM_APPEND="vmtest.time_scale=$(CHECK_DEBUG_TIME_SCALE) \
	vmtest.kprobes_optimization=0 $${VM_APPEND:-}" \
	tests/vm/run.sh debug $(VM_RUNNER) $(VM_OOMQCTL) $(VM_OOMQD)

# make demo: one real OOM without oomq and one with it, narrated
# (tests/vm/demo.sh); on a fresh Debian 12 machine as root it installs
# what it needs first.  DEMO_SERIES=6.1 boots the other kernel.
.PHONY: demo
demo: deps $(VM_RUNNER) $(VM_OOMQCTL)
	@VM_BUILD=$(CURDIR)/$(VM_BUILD) DEMO_SERIES=$(or $(DEMO_SERIES),6.12) \
		tests/vm/demo.sh $(VM_RUNNER) $(VM_OOMQCTL)
