# SPDX-License-Identifier: GPL-2.0
#
#   make                  compfwctl, and compfw.ko against KDIR when it exists
#   make module KERNEL=6.1|6.12|sid  compfw.ko against a cached Debian test kernel
#   make check            every test suite; ends with "N passed, N failed"
#   make demo             boot a VM, load compfw, show `compfwctl status`
#   make lint             checkpatch --strict, sparse and W=1 on every test kernel
#   make bench [KERNEL=6.12]  throughput, connection rate, control plane, classifier
#   make fuzz             the long fuzz runs (today: compfwctl's manifest reader and
#                         the classifier, in userspace; FUZZ_SECONDS each)
#   make install          install compfw.ko and compfwctl on this host

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= 6.1
PREFIX ?= /usr/local
CFLAGS ?= -O2 -g

CTL_CFLAGS = -Wall -Wextra -Werror -std=gnu11 -Iuapi \
	$(shell pkg-config --cflags libnl-genl-3.0 jansson 2>/dev/null)
CTL_LIBS = $(shell pkg-config --libs libnl-genl-3.0 jansson)
CTL_SRCS := $(filter-out tools/main.c,$(wildcard tools/*.c))
CTL_HDRS := $(wildcard tools/*.h) uapi/linux/compfw.h

all: tools/compfwctl
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules; \
	else echo "make: no kernel build tree at $(KDIR): compfw.ko not built" \
		"(set KDIR=, or 'make module KERNEL=6.1' for a test kernel)"; fi

deps-cli:
	@tests/lib/deps.sh cli

tools/compfwctl: $(CTL_SRCS) $(CTL_HDRS) | deps-cli
	$(CC) $(CFLAGS) $(CTL_CFLAGS) -o $@ $(CTL_SRCS) $(CTL_LIBS)

module:
	tests/lib/build-module.sh $(KERNEL)

check: tools/compfwctl
	tests/check.sh

demo: tools/compfwctl
	tests/vm/demo.sh $(KERNEL)

lint:
	tests/lib/lint.sh

bench-classify:
	tests/bench/classify-bench.sh

bench: tools/compfwctl
	KERNEL=$(KERNEL) tests/bench/bench.sh

fuzz: fuzz-user

# FUZZ_SECONDS per target (300), one after the other; fails on a finding
fuzz-user:
	tests/fuzz/user/run.sh fuzz

install: tools/compfwctl
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules_install
	depmod -a
	install -D -m 0755 tools/compfwctl $(DESTDIR)$(PREFIX)/sbin/compfwctl

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi
	rm -f tools/compfwctl
	rm -rf build/[0-9]* build/check build/vm build/kunit

.PHONY: all deps-cli module check demo lint bench-classify bench fuzz fuzz-user \
	install clean
