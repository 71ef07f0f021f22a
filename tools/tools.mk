# oomqctl, the admin tool: build/oomqctl (dynamic) and build/static/oomqctl
# (static, for the VM test initramfs).  Included from the top-level
# Makefile: paths are relative to the root.

# The target's static libnl (TARGET_TRIPLET: scripts/cross.mk).
NL_LIBDIR ?= /usr/lib/$(TARGET_TRIPLET)
# The /proc/oom grammar is shared with the module, so set-queue checks
# PIDs exactly as a write to /proc/oom would.
OOMQCTL_LIB_SRCS := tools/args.c tools/msg.c lib/oomq_nl.c lib/oomq_tasks.c \
	module/parse.c
OOMQCTL_SRCS := tools/oomqctl.c $(OOMQCTL_LIB_SRCS)
OOMQCTL_HDRS := tools/oomqctl.h lib/oomq_nl.h lib/oomq_tasks.h module/parse.h \
	include/uapi/linux/oomq.h
TOOLS_CFLAGS = $(CFLAGS) $(WARN_CFLAGS) -Iinclude/uapi -Ilib \
	$$(pkg-config --cflags libnl-genl-3.0)

.PHONY: tools
tools: $(BUILD)/oomqctl $(BUILD)/static/oomqctl

$(BUILD)/oomqctl: $(OOMQCTL_SRCS) $(OOMQCTL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $(OOMQCTL_SRCS) \
		$$(pkg-config --libs libnl-genl-3.0)

$(BUILD)/static/oomqctl: $(OOMQCTL_SRCS) $(OOMQCTL_HDRS)
	@mkdir -p $(@D)
	$(CC) -static $(TOOLS_CFLAGS) -o $@ $(OOMQCTL_SRCS) \
		$(NL_LIBDIR)/libnl-genl-3.a $(NL_LIBDIR)/libnl-3.a -lpthread -lm
