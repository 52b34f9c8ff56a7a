#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites of kmod/ (*_test.c: classifier, manifests, components),
# built into compfw.ko with CONFIG_COMPFW_KUNIT_TEST=y against the debug
# kernel (tests/vm/debug-kernel.sh, which has KUnit, KASAN and lockdep) and
# run by loading it in that kernel's VM (tests/kunit/suites.sh).
#
# Output (for `make check`): one `ok - debug:suites.sh: kunit:<suite>.<case>`
# or `not ok - ...` per case, from tests/vm/run.sh; `not ok - kunit: build`
# when the module does not build. Exit 0 when all are ok, else 1.
# Logs: build/kunit/build.log; the VM's under build/vm/debug/.
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
LOGS=$REPO/build/kunit
mkdir -p "$LOGS"

if ! ko=$(COMPFW_MOD_OUT=$REPO/build/debug/kunit \
	  "$REPO/tests/lib/build-module.sh" debug CONFIG_COMPFW_KUNIT_TEST=y \
	  2>"$LOGS/build.log" | tail -n 1) || ! [ -f "$ko" ]; then
	echo "not ok - kunit: build"
	tail -n 40 "$LOGS/build.log" | sed 's/^/#   /'
	exit 1
fi
grep 'warning:' "$LOGS/build.log" | sed 's/^/# /'
exec "$REPO/tests/vm/run.sh" --kernel debug --timeout 1800 --module "$ko" tests/kunit/suites.sh
