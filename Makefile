# oomq: the human entry point.  Kbuild is in ./Kbuild and module/Kbuild.
#
#   make                 module (for KVER) and the user-space tools
#   make module KVER=... build oomq.ko against /lib/modules/KVER/build
#   make demo            one real OOM without oomq and one with it, in QEMU
#   make check           host checks, the packages, then the VM bench on
#                        Debian's kernels (tests/vm/kernels.sh list)
#   make check-debug     the VM bench on a KASAN/lockdep build of 6.12
#                        (built once into build/debugk; not in make check)
#   make bench           oomqd's ranking pass against earlyoom, on the host
#                        and in QEMU with the module (bench/bench.mk), then
#                        the make -j desktop meltdown (make bench-scenario)
#   make style           checkpatch --strict and sparse over module/ include/
#   make format          clang-format the C sources in place
#   make install         oomqd, oomqctl, config, man pages, units (DESTDIR,
#                        PREFIX); also uninstall, install-dkms, uninstall-dkms
#   make agent tools CROSS_COMPILE=aarch64-linux-gnu-
#                        oomqd and oomqctl for arm64 in build/aarch64-linux-gnu;
#                        agent-static, check-cross: see scripts/cross.mk
#   make check-package   the .debs built, linted, installed (dkms builds the
#                        module for 5.10 to 7.x) and purged; install round trip

VERSION := 0.1.0

# The kernel to build for: the running one if its headers are installed,
# else the newest installed header tree.
KVER ?= $(shell k=$$(uname -r); \
	if [ -d /lib/modules/$$k/build ]; then echo $$k; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | \
		cut -d/ -f4; fi)
KDIR ?= /lib/modules/$(KVER)/build

CC ?= cc
CFLAGS ?= -O2 -g
WARN_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
BUILD := build
include scripts/cross.mk

.PHONY: all module module-clean clean check style format
all: module tools agent

module:
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR):" \
		"install linux-headers-$(KVER) or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

module-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

include tools/tools.mk
include agent/agent.mk
include tests/unit/unit.mk
include tests/vm/vm.mk
include scripts/style.mk
include bench/bench.mk
include scripts/install.mk

check: deps format-check check-links style check-unit check-cross \
	check-module-build check-package check-vm
	@echo "make check: all passed"

clean: module-clean
	rm -rf $(BUILD)
