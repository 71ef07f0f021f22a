# Installing: the user-space tools and their files, and the module
# source for DKMS.  Included from the top-level Makefile: paths are
# relative to the root.
#
#   make install          oomqd, oomqctl, /etc/oomqd.conf (an existing one
#                         is kept), man pages, systemd unit, init script,
#                         modules-load.d snippet
#   make uninstall        removes what install put there
#   make install-dkms     the module source as dkms.conf expects it, in
#                         /usr/src/oomq-VERSION (then: dkms install oomq/VERSION)
#   make uninstall-dkms   removes it (dkms remove oomq/VERSION --all first)
#   make check-package    the .debs built, lintian, installed, dkms-built
#                         for 5.10 to 7.x, purged; install round trips
#   make check-man        man pages lint-clean and in step with --help
#   make check-links      every relative link in the Markdown resolves
#
# DESTDIR stages the tree elsewhere; PREFIX (default /usr/local) places
# everything but /etc and /usr/src.  Debian's packaging uses PREFIX=/usr
# and UNITDIR=/lib/systemd/system.  The config path is not configurable:
# oomqd reads /etc/oomqd.conf unless given --config.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
INITDIR ?= /etc/init.d
CONFFILE := /etc/oomqd.conf
DKMS_SRCDIR := /usr/src/oomq-$(VERSION)
INSTALL ?= install

MAN8 := man/oomqd.8 man/oomqctl.8
MAN4 := man/oomq.4
# The module source dkms.conf builds from, without in-tree build products.
DKMS_MODULE_SRCS := $(sort module/Kbuild \
	$(filter-out %.mod.c,$(wildcard module/*.c)) \
	$(filter-out module/oomq-probes.h,$(wildcard module/*.h)))
# The feature probes (module/compat/Kbuild.include).
DKMS_COMPAT_SRCS := $(sort module/compat/Kbuild.include \
	$(wildcard module/compat/*.c))

# Every directory install writes to; uninstall removes those it emptied,
# but only under a DESTDIR (never /usr/local/sbin or /etc themselves).
INSTALL_DIRS := $(SBINDIR) $(MANDIR)/man8 $(MANDIR)/man4 $(UNITDIR) $(CATALOGDIR) \
	$(MODULESLOADDIR) $(INITDIR) $(dir $(CONFFILE))
DKMS_DIRS := $(dir $(DKMS_SRCDIR))

# rmdir_empty DIRS: remove DIRS and their parents inside $(DESTDIR)
# while they are empty.
rmdir_empty = if [ -n "$(DESTDIR)" ]; then \
	cd "$(DESTDIR)" && for d in $(patsubst /%,%,$(1)); do \
		[ ! -d "$$d" ] || rmdir -p --ignore-fail-on-non-empty "$$d"; \
	done; fi

.PHONY: install uninstall install-dkms uninstall-dkms

install: $(BUILD)/oomqd $(BUILD)/oomqctl
	$(INSTALL) -d $(addprefix "$(DESTDIR)",$(INSTALL_DIRS))
	$(INSTALL) -m 755 $(BUILD)/oomqd $(BUILD)/oomqctl "$(DESTDIR)$(SBINDIR)/"
	$(INSTALL) -m 644 $(MAN8) "$(DESTDIR)$(MANDIR)/man8/"
	$(INSTALL) -m 644 $(MAN4) "$(DESTDIR)$(MANDIR)/man4/"
	sed 's|/usr/sbin/oomqd|$(SBINDIR)/oomqd|' dist/systemd/oomqd.service \
		>"$(DESTDIR)$(UNITDIR)/oomqd.service"
	chmod 644 "$(DESTDIR)$(UNITDIR)/oomqd.service"
	$(INSTALL) -m 644 dist/catalog/oomqd.catalog "$(DESTDIR)$(CATALOGDIR)/"
	sed 's|/usr/sbin/oomqd|$(SBINDIR)/oomqd|' dist/init.d/oomqd \
		>"$(DESTDIR)$(INITDIR)/oomqd"
	chmod 755 "$(DESTDIR)$(INITDIR)/oomqd"
	$(INSTALL) -m 644 dist/modules-load.d/oomq.conf \
		"$(DESTDIR)$(MODULESLOADDIR)/oomq.conf"
	@if [ -e "$(DESTDIR)$(CONFFILE)" ]; then \
		echo "install: keeping the existing $(DESTDIR)$(CONFFILE);" \
			"the default is agent/oomqd.conf"; \
	else \
		echo "$(INSTALL) -m 644 agent/oomqd.conf $(DESTDIR)$(CONFFILE)"; \
		$(INSTALL) -m 644 agent/oomqd.conf "$(DESTDIR)$(CONFFILE)"; \
	fi

# The config goes only if it is still the default: edits are kept.
uninstall:
	rm -f "$(DESTDIR)$(SBINDIR)/oomqd" "$(DESTDIR)$(SBINDIR)/oomqctl" \
		$(foreach m,$(MAN8),"$(DESTDIR)$(MANDIR)/man8/$(notdir $(m))") \
		$(foreach m,$(MAN4),"$(DESTDIR)$(MANDIR)/man4/$(notdir $(m))") \
		"$(DESTDIR)$(UNITDIR)/oomqd.service" \
		"$(DESTDIR)$(CATALOGDIR)/oomqd.catalog" \
		"$(DESTDIR)$(INITDIR)/oomqd" \
		"$(DESTDIR)$(MODULESLOADDIR)/oomq.conf"
	@if cmp -s agent/oomqd.conf "$(DESTDIR)$(CONFFILE)"; then \
		echo "rm -f $(DESTDIR)$(CONFFILE)"; \
		rm -f "$(DESTDIR)$(CONFFILE)"; \
	elif [ -e "$(DESTDIR)$(CONFFILE)" ]; then \
		echo "uninstall: keeping $(DESTDIR)$(CONFFILE): it was edited"; \
	fi
	@$(call rmdir_empty,$(INSTALL_DIRS))

install-dkms:
	@grep -qx 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || { \
		echo "install-dkms: dkms.conf's PACKAGE_VERSION is not" \
			"$(VERSION)" >&2; exit 1; }
	$(INSTALL) -d "$(DESTDIR)$(DKMS_SRCDIR)/module/compat" \
		"$(DESTDIR)$(DKMS_SRCDIR)/include/uapi/linux"
	$(INSTALL) -m 644 Kbuild dkms.conf "$(DESTDIR)$(DKMS_SRCDIR)/"
	$(INSTALL) -m 644 $(DKMS_MODULE_SRCS) "$(DESTDIR)$(DKMS_SRCDIR)/module/"
	$(INSTALL) -m 644 $(DKMS_COMPAT_SRCS) \
		"$(DESTDIR)$(DKMS_SRCDIR)/module/compat/"
	$(INSTALL) -m 644 include/uapi/linux/oomq.h \
		"$(DESTDIR)$(DKMS_SRCDIR)/include/uapi/linux/"

uninstall-dkms:
	rm -rf "$(DESTDIR)$(DKMS_SRCDIR)"
	@$(call rmdir_empty,$(DKMS_DIRS))

# Both .debs built (into build/deb/), lintian, installed with dkms
# building the module for Debian's 5.10 to 7.x headers, purged without
# residue; make install/uninstall round trips.  Root.
.PHONY: check-package check-man check-links
check-package:
	scripts/check-package.sh

# Man pages lint-clean and in step with --help (also in check-package).
check-man: $(BUILD)/oomqd $(BUILD)/oomqctl
	scripts/check-man.sh $(BUILD)

# README.md, docs/ and tests/vm/README.md: link targets and anchors exist.
check-links:
	scripts/check-links.py
