# Kernel-side style and build checks, the dependency installer, formatting.

KERNELS := tests/vm/kernels.sh
# Resolved when a recipe needs them (apt lookups), not on every make.
KVER_6_1 = $(shell $(KERNELS) resolve 6.1)
KVER_6_12 = $(shell $(KERNELS) resolve 6.12)

# User-space C follows the kernel's .clang-format; the module follows
# checkpatch, which is the kernel's own authority on its style.
FORMAT_SRC = $(shell git ls-files '*.c' '*.h' | grep -v -e '^module/' -e '^include/')

.PHONY: deps check-module-build style format format-check

deps:
	scripts/install-deps.sh

# W=1, no warnings, against every amd64 kernel of tests/vm/kernels.sh
# (check-cross-module does the others); each build's feature probes
# are listed.
check-module-build:
	@for s in $$($(KERNELS) list $$(dpkg --print-architecture)); do \
		$(KERNELS) build $$s $(BUILD)/kbuild/$$s W=1 && \
		echo "module builds cleanly with W=1 for $$($(KERNELS) resolve $$s):" \
			$$(sed -n 's/^.define OOMQ_HAVE_\([A-Z_0-9]*\) 1/\1/p' \
			$(BUILD)/kbuild/$$s/module/oomq-probes.h) || exit 1; \
	done

style:
	@for k in $(KVER_6_1) $(KVER_6_12); do \
		$(KERNELS) fetch $$k && scripts/style.sh $$k || exit 1; \
	done

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)
