# SPDX-License-Identifier: GPL-2.0
#
#   make                  compfwctl, and compfw.ko against KDIR when it exists
#   make module KERNEL=6.1|6.12|sid  compfw.ko against a cached Debian test kernel
#   make check            every test suite; ends with "N passed, N failed"
#   make demo             boot a VM and show compfw at work (tests/vm/demo-guest.sh)
#   make lint             checkpatch --strict, sparse and W=1 on every test kernel
#   make bench [KERNEL=6.12]  throughput, connection rate, control plane, classifier
#   make fuzz             the long fuzz runs: compfwctl's manifest reader and the
#                         classifier in userspace (FUZZ_SECONDS each), then
#                         1,000,000 netlink messages on the debug kernel
#   make stress           the stress selftests at full counts (100 rmmods, 60 s of
#                         writers, 100 namespaces and cgroups) on KERNEL
#   make install          compfw.ko (then depmod for the kernel it was built
#                         against), compfwctl, its man pages, bash completion,
#                         the schemas and compfw.service (with compfw-boot);
#                         DESTDIR, PREFIX, INSTALL_MOD_PATH, UNITDIR
#   make uninstall        remove what make install installed (same variables)
#   make dkms-source      the module's sources for DKMS, in
#                         $(DESTDIR)/usr/src/compfw-VERSION (README.md)
#
# make never installs packages: tests/lib/deps.sh does, called by make check,
# make demo and .ci/run (as root). A release build warns; make check and
# .ci/run build compfwctl with WERROR=1 (-Werror).

VERSION := $(shell sed -n 's/^\#define COMPFW_VERSION "\(.*\)"/\1/p' kmod/version.h)
KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= 6.1
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/compfw
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
LIBEXECDIR ?= $(PREFIX)/libexec/compfw
UNITDIR ?= $(PREFIX)/lib/systemd/system
# Where under /lib/modules/KERNELRELEASE/ the module goes (kbuild's name).
INSTALL_MOD_DIR ?= extra
INSTALL_MOD_PATH ?=
CFLAGS ?= -O2 -g
WERROR ?=

CTL_PKGS = libnl-genl-3.0 jansson
CTL_CFLAGS = -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -std=gnu11 -Iuapi \
	$(shell pkg-config --cflags $(CTL_PKGS) 2>/dev/null)
CTL_LIBS = $(shell pkg-config --libs $(CTL_PKGS) 2>/dev/null)
CTL_SRCS := $(filter-out tools/main.c,$(wildcard tools/*.c))
CTL_HDRS := $(wildcard tools/*.h) uapi/linux/compfw.h

MANPAGES := Documentation/man/compfw.7 Documentation/man/compfw.json.5 \
	Documentation/man/compfwctl.8
SCHEMAS := Documentation/userspace-api/compfw-manifest.schema.json \
	Documentation/netlink/specs/compfw.yaml
COMPLETION := tools/bash-completion/compfwctl

# The modules tree make install writes to, and the release of the kernel
# compfw.ko is built against, as kbuild itself names it (Debian's headers
# override KERNELRELEASE, so `make kernelrelease` is not it).
MODROOT = $(DESTDIR)$(INSTALL_MOD_PATH)
KREL = $(shell $(MAKE) -s --no-print-directory -C "$(KDIR)" M="$(CURDIR)/kmod" \
	--eval='compfw-krel: ; @echo $$(KERNELRELEASE)' compfw-krel 2>/dev/null)
DEPMOD = PATH="$$PATH:/sbin:/usr/sbin" depmod

# The module is built in kmod/ itself (M=kmod/), so that it installs as
# INSTALL_MOD_DIR/compfw.ko; tests/lib/build-module.sh and DKMS build
# through the top Kbuild instead.
all: tools/compfwctl
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)/kmod" modules; \
	else echo "make: no kernel build tree at $(KDIR): compfw.ko not built" \
		"(set KDIR=, or 'make module KERNEL=6.1' for a test kernel)"; fi

# The flags compfwctl was built with: a change (WERROR=1) rebuilds it.
tools/.cflags: FORCE
	@echo '$(CC) $(CFLAGS) $(CTL_CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(CTL_CFLAGS)' >$@

tools/compfwctl: $(CTL_SRCS) $(CTL_HDRS) tools/.cflags
	@pkg-config --exists $(CTL_PKGS) 2>/dev/null || { \
		echo "make: compfwctl needs pkg-config, libnl-genl-3-dev and" \
			"libjansson-dev; as root, tests/lib/deps.sh cli installs them" >&2; \
		exit 1; }
	$(CC) $(CFLAGS) $(CTL_CFLAGS) -o $@ $(CTL_SRCS) $(CTL_LIBS)

module:
	tests/lib/build-module.sh $(KERNEL)

check:
	tests/lib/deps.sh all
	$(MAKE) WERROR=1 tools/compfwctl
	tests/check.sh

demo:
	tests/lib/deps.sh cli vm test
	$(MAKE) tools/compfwctl
	tests/vm/demo.sh $(KERNEL)

lint:
	tests/lib/lint.sh

bench-classify:
	tests/bench/classify-bench.sh

bench: tools/compfwctl
	KERNEL=$(KERNEL) tests/bench/bench.sh

fuzz: fuzz-user fuzz-netlink

# The stress selftests at the issue's counts (make check runs a tenth),
# in one VM on KERNEL (6.1)
stress: tools/compfwctl
	tests/lib/deps.sh vm test
	tests/vm/run.sh --kernel $(KERNEL) --timeout 36000 \
		--module "$$(tests/lib/build-module.sh $(KERNEL) | tail -n 1)" \
		tests/selftests/stress_rmmod.sh tests/selftests/stress_writers.sh \
		tests/selftests/stress_netns.sh

# FUZZ_SECONDS per target (300), one after the other; fails on a finding
fuzz-user:
	tests/fuzz/user/run.sh fuzz

# FUZZ_COUNT netlink messages (1,000,000) on FUZZ_KERNEL (debug), from
# FUZZ_PROCS processes (4); FUZZ_SEED repeats a run (default: a new seed)
fuzz-netlink:
	tests/fuzz/netlink/run.sh

install: tools/compfwctl
	@if [ -d "$(KDIR)" ]; then $(MAKE) install-module; \
	else echo "make install: no kernel build tree at $(KDIR):" \
		"compfw.ko not installed (set KDIR=, or use DKMS)"; fi
	install -D -m 0755 tools/compfwctl "$(DESTDIR)$(SBINDIR)/compfwctl"
	install -D -m 0644 Documentation/man/compfwctl.8 "$(DESTDIR)$(MANDIR)/man8/compfwctl.8"
	install -D -m 0644 Documentation/man/compfw.json.5 "$(DESTDIR)$(MANDIR)/man5/compfw.json.5"
	install -D -m 0644 Documentation/man/compfw.7 "$(DESTDIR)$(MANDIR)/man7/compfw.7"
	install -D -m 0644 $(COMPLETION) "$(DESTDIR)$(BASHCOMPDIR)/compfwctl"
	install -D -m 0644 -t "$(DESTDIR)$(DATADIR)" $(SCHEMAS)
	install -D -m 0755 tools/systemd/compfw-boot "$(DESTDIR)$(LIBEXECDIR)/compfw-boot"
	install -d "$(DESTDIR)$(UNITDIR)"
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		tools/systemd/compfw.service.in >"$(DESTDIR)$(UNITDIR)/compfw.service"

# kmod/compfw.ko, built here if it is not yet, into MODROOT; then depmod for
# the kernel it is built against (kbuild's own depmod needs a System.map,
# which a headers package does not have).
install-module:
	@[ -f kmod/compfw.ko ] || $(MAKE) -C "$(KDIR)" M="$(CURDIR)/kmod" modules
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)/kmod" INSTALL_MOD_PATH="$(MODROOT)" \
		INSTALL_MOD_DIR="$(INSTALL_MOD_DIR)" modules_install
	$(DEPMOD) $(if $(MODROOT),-b "$(MODROOT)") "$(KREL)"

uninstall:
	@if [ -d "$(KDIR)" ]; then $(MAKE) uninstall-module; fi
	rm -f "$(DESTDIR)$(SBINDIR)/compfwctl" "$(DESTDIR)$(MANDIR)/man8/compfwctl.8" \
		"$(DESTDIR)$(MANDIR)/man5/compfw.json.5" "$(DESTDIR)$(MANDIR)/man7/compfw.7" \
		"$(DESTDIR)$(BASHCOMPDIR)/compfwctl" \
		"$(DESTDIR)$(LIBEXECDIR)/compfw-boot" "$(DESTDIR)$(UNITDIR)/compfw.service" \
		$(addprefix "$(DESTDIR)$(DATADIR)/,$(addsuffix ",$(notdir $(SCHEMAS))))
	@[ -z "$(DESTDIR)" ] || $(MAKE) prune-destdir

# Under DESTDIR, the directories make install made that are now empty, each
# up to (not including) DESTDIR itself.
prune-destdir:
	@for d in "$(DESTDIR)$(SBINDIR)" "$(DESTDIR)$(MANDIR)"/man5 "$(DESTDIR)$(MANDIR)"/man7 \
		"$(DESTDIR)$(MANDIR)"/man8 "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(DATADIR)" \
		"$(DESTDIR)$(LIBEXECDIR)" "$(DESTDIR)$(UNITDIR)" \
		$(if $(wildcard $(KDIR)),"$(MODROOT)/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)"); do \
		while [ "$${d#$(DESTDIR)/}" != "$$d" ]; do \
			if [ -d "$$d" ]; then rmdir "$$d" 2>/dev/null || break; fi; \
			d=$${d%/*}; \
		done; \
	done

# The module, then depmod for its kernel; a modules tree left without any
# module (one under DESTDIR) loses depmod's indexes instead.
uninstall-module:
	@krel="$(KREL)"; dir="$(MODROOT)/lib/modules/$$krel"; \
	[ -n "$$krel" ] || { echo "make uninstall: no kernel release from $(KDIR)" >&2; exit 1; }; \
	echo "rm -f $$dir/$(INSTALL_MOD_DIR)/compfw.ko*"; \
	rm -f "$$dir/$(INSTALL_MOD_DIR)"/compfw.ko*; \
	[ ! -d "$$dir" ] || \
	if [ -z "$$(find "$$dir" -name '*.ko*' -print -quit)" ]; then \
		echo "rm -f $$dir/modules.*"; rm -f "$$dir"/modules.*; \
	else echo "$(DEPMOD) $(if $(MODROOT),-b $(MODROOT)) $$krel"; \
		$(DEPMOD) $(if $(MODROOT),-b "$(MODROOT)") "$$krel"; fi

# What DKMS builds from (dkms.conf): the module's sources and the uapi header.
DKMS_SRC = $(DESTDIR)/usr/src/compfw-$(VERSION)
dkms-source:
	install -D -m 0644 -t "$(DKMS_SRC)" kmod/dkms.conf Kbuild
	install -D -m 0644 -t "$(DKMS_SRC)/kmod" kmod/Kbuild kmod/Kconfig \
		$(wildcard kmod/*.[ch])
	install -D -m 0644 -t "$(DKMS_SRC)/uapi/linux" uapi/linux/compfw.h

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)/kmod" clean; fi
	rm -f tools/compfwctl tools/.cflags
	rm -rf build/[0-9]* build/check build/vm build/kunit

FORCE:

.PHONY: all module check demo lint bench-classify bench fuzz fuzz-user fuzz-netlink stress \
	install install-module uninstall prune-destdir uninstall-module dkms-source clean FORCE
