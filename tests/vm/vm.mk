# The VM bench: Debian's 6.1 and 6.12 kernels booted under QEMU (TCG) with
# an initramfs holding the module, the guest test runner, oomqctl and oomqd.
# Included from the top-level Makefile: paths are relative to the root.
#
#   make vm-kernels	resolve the newest kernels, install headers, fetch images
#   make check-vm-6.1	one kernel (also check-vm-6.12)
#   make check-vm	both, ending with a combined "N passed, N failed" line
#   make check-debug	every case on a KASAN/lockdep build of 6.12 (below)
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
VM_SERIES := 6.1 6.12

# Static: the guest has no libc of its own.
$(VM_RUNNER): $(VM_GUEST_SRCS) $(VM_GUEST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) -static -pthread -Iinclude/uapi \
		-o $@ $(VM_GUEST_SRCS)

.PHONY: vm-kernels vm-guest check-vm $(VM_SERIES:%=check-vm-%)
vm-kernels:
	tests/vm/kernels.sh all

vm-guest: $(VM_RUNNER) $(VM_OOMQCTL) $(VM_OOMQD)

$(VM_SERIES:%=check-vm-%): check-vm-%: vm-guest
	VM_BUILD=$(CURDIR)/$(VM_BUILD) tests/vm/run.sh $* $(VM_RUNNER) \
		$(VM_OOMQCTL) $(VM_OOMQD)

# One kernel after the other: each VM wants both cores.
check-vm: vm-guest
	VM_BUILD=$(CURDIR)/$(VM_BUILD) tests/vm/check-all.sh $(VM_RUNNER) \
		$(VM_OOMQCTL) $(VM_OOMQD) $(VM_SERIES)

# make check-debug: every guest case on a debug build of Debian's 6.12
# source (KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, full preemption,
# kmemleak: tests/vm/debug.config), which tests/vm/debug-kernel.sh builds
# once per machine into build/debugk/.  Not part of make check: the first
# build takes long on two cores.  KASAN's shadow and the detectors' own
# data take memory (512 MiB leave the cases about what 384 leave on
# Debian's kernel), and everything runs 10 to 15 times slower: the cases'
# time limits are stretched tenfold (vmtest.time_scale).
CHECK_DEBUG_MEM := 512
CHECK_DEBUG_TIMEOUT := 5400
CHECK_DEBUG_TIME_SCALE := 10
.PHONY: check-debug
check-debug: deps vm-guest
	k=$$(tests/vm/debug-kernel.sh) && \
	VM_BUILD=$(CURDIR)/$(VM_BUILD) VM_KERNEL_IMAGE=$$k/vmlinuz \
	VM_KDIR=$$k/build VM_MEM=$${VM_MEM:-$(CHECK_DEBUG_MEM)} \
	VM_TIMEOUT=$${VM_TIMEOUT:-$(CHECK_DEBUG_TIMEOUT)} \
	VM_APPEND="vmtest.time_scale=$(CHECK_DEBUG_TIME_SCALE) $${VM_APPEND:-}" \
	tests/vm/run.sh debug $(VM_RUNNER) $(VM_OOMQCTL) $(VM_OOMQD)

# make demo: one real OOM without oomq and one with it, narrated
# (tests/vm/demo.sh); on a fresh Debian 12 machine as root it installs
# what it needs first.  DEMO_SERIES=6.1 boots the other kernel.
.PHONY: demo
demo: deps $(VM_RUNNER) $(VM_OOMQCTL)
	@VM_BUILD=$(CURDIR)/$(VM_BUILD) DEMO_SERIES=$(or $(DEMO_SERIES),6.12) \
		tests/vm/demo.sh $(VM_RUNNER) $(VM_OOMQCTL)
