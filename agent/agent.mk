# oomqd, the policy agent: build/oomqd.  Included from the top-level
# Makefile: paths are relative to the root.
#
#   make agent        build/oomqd
#
# AGENT_LIB_SRCS is everything but main.c, so the unit tests link the
# same objects the daemon runs.  The runtime pieces (pressure, PSI,
# netlink, proactive kill, self-protection) join AGENT_RUNTIME_SRCS.

AGENT_LIB_SRCS := agent/proc_parse.c agent/proc_sample.c agent/badness.c \
	agent/policy.c agent/rank.c agent/agent.c
AGENT_RUNTIME_SRCS := agent/pressure.c agent/psi.c agent/nl.c agent/kill.c \
	agent/protect.c
AGENT_SRCS := agent/main.c $(AGENT_LIB_SRCS) $(AGENT_RUNTIME_SRCS)
AGENT_HDRS := $(wildcard agent/*.h) include/uapi/linux/oomq.h
AGENT_CFLAGS = $(CFLAGS) $(WARN_CFLAGS) -Iinclude/uapi \
	-DOOMQ_VERSION='"$(VERSION)"' $$(pkg-config --cflags libnl-genl-3.0)
AGENT_LIBS = -linih $$(pkg-config --libs libnl-genl-3.0)

.PHONY: agent
agent: $(BUILD)/oomqd

$(BUILD)/oomqd: $(AGENT_SRCS) $(AGENT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(AGENT_CFLAGS) -o $@ $(AGENT_SRCS) $(AGENT_LIBS)
