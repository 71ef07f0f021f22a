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
#                      qemu-aarch64
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

.PHONY: agent-static check-cross
agent-static: $(BUILD)/static/oomqd $(BUILD)/static/oomqctl

# The Debian architecture, the GNU triplet and the qemu-user binary of
# the target check-cross builds for.
CROSS_ARCH ?= arm64
CROSS_TRIPLET ?= aarch64-linux-gnu
CROSS_QEMU ?= qemu-$(firstword $(subst -, ,$(CROSS_TRIPLET)))

check-cross:
	scripts/cross-deps.sh $(CROSS_ARCH) $(CROSS_TRIPLET)
	$(MAKE) CROSS_COMPILE=$(CROSS_TRIPLET)- agent tools agent-static
	scripts/check-cross.sh $(CROSS_QEMU) build/$(CROSS_TRIPLET)
