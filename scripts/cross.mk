# Cross and static builds.  Included from the top-level Makefile right
# after CC and BUILD are set: paths are relative to the root.
#
#   make agent tools CROSS_COMPILE=aarch64-linux-gnu-
#                      build/aarch64-linux-gnu/oomqd, .../oomqctl and
#                      .../static/oomqctl for the target
#   make agent-static  static oomqd and oomqctl in $(BUILD)/static (the
#                      host's, or the target's with CROSS_COMPILE=)
#   make check-cross   installs an arm64 cross toolchain and libraries
#                      (Debian multiarch) and qemu-user, builds both
#                      programs for arm64, static, and runs them under
#                      qemu-aarch64; then check-cross-module and
#                      check-cross-vm
#   make check-cross-module
#                      oomq.ko for every arm64 and armhf kernel of
#                      tests/vm/kernels.sh (arm64 6.1, 6.12, 7.x; armhf
#                      6.1 -armmp), W=1, no warnings, from their headers
#                      packages (unpacked, or in the trixie chroot for 7.x)
#   make check-cross-vm
#                      boots the arm64 kernels in qemu-system-aarch64 and
#                      loads and uses the module there (scripts/
#                      check-cross-vm.sh); real OOMs on arm64 are the VM
#                      bench's (make check-vm-arm64-7)
#
# With CROSS_COMPILE set, CC defaults to $(CROSS_COMPILE)gcc, pkg-config
# reads the target's .pc files (Debian multiarch: /usr/lib/TRIPLET/
# pkgconfig; set PKG_CONFIG_LIBDIR for another sysroot), and every
# output goes to build/TRIPLET, so host and target objects never mix.
# TRIPLET is the compiler's multiarch name (its -dumpmachine if it has
# none), which also locates the static libnl for oomqctl.

target_triplet = $(shell t=$$($(CC) -print-multiarch 2>/dev/null); \
	[ -n "$$t" ] || t=$$($(CC) -dumpmachine 2>/dev/null); echo $$t)

ifneq ($(CROSS_COMPILE),)
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
TARGET_TRIPLET := $(target_triplet)
ifeq ($(TARGET_TRIPLET),)
$(error CROSS_COMPILE=$(CROSS_COMPILE): $(CC) does not run; \
	scripts/cross-deps.sh installs the arm64 toolchain)
endif
BUILD := $(BUILD)/$(TARGET_TRIPLET)
PKG_CONFIG_LIBDIR ?= /usr/lib/$(TARGET_TRIPLET)/pkgconfig:/usr/share/pkgconfig
export PKG_CONFIG_LIBDIR
else
# Only the static oomqctl needs it: computed when used.
TARGET_TRIPLET = $(target_triplet)
endif

.PHONY: agent-static check-cross check-cross-module check-cross-vm
agent-static: $(BUILD)/static/oomqd $(BUILD)/static/oomqctl

# The Debian architecture, the GNU triplet and the qemu-user binary of the
# target check-cross builds the programs for; the kernels the module is
# cross-built for (kernel specs of tests/vm/kernels.sh).
CROSS_ARCH ?= arm64
CROSS_TRIPLET ?= aarch64-linux-gnu
CROSS_QEMU ?= qemu-$(firstword $(subst -, ,$(CROSS_TRIPLET)))
CROSS_KERNELS = $(shell tests/vm/kernels.sh list arm64) \
	$(shell tests/vm/kernels.sh list armhf)

check-cross:
	scripts/cross-deps.sh $(CROSS_ARCH) $(CROSS_TRIPLET)
	scripts/install-deps.sh gcc-arm-linux-gnueabihf
	$(MAKE) CROSS_COMPILE=$(CROSS_TRIPLET)- agent tools agent-static
	scripts/check-cross.sh $(CROSS_QEMU) build/$(CROSS_TRIPLET)
	$(MAKE) check-cross-module check-cross-vm

check-cross-module:
	@for s in $(CROSS_KERNELS); do \
		out=$(BUILD)/kbuild/$$s && \
		tests/vm/kernels.sh build $$s $$out W=1 && \
		k=$$(tests/vm/kernels.sh resolve $$s) && \
		modinfo -F vermagic $$out/module/oomq.ko | grep -q "^$$k " && \
		echo "module cross-builds cleanly with W=1 for $$k:" \
			"$$(file -b $$out/module/oomq.ko | cut -d, -f1-2)" || exit 1; \
	done

# insmod and a look around on each arm64 kernel: a few seconds each.
check-cross-vm: check-cross-module
	@for s in $(shell tests/vm/kernels.sh list arm64); do \
		scripts/check-cross-vm.sh $$s build/$(CROSS_TRIPLET) || exit 1; \
	done
