#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the debug kernel's VM (tests/kunit/run.sh): load the KUnit build of
# compfw.ko, whose suites run while it loads, and turn the results KUnit
# keeps in debugfs into one TAP line per case. Every suite named in a
# kmod/*_test.c must have run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
ktap=/tmp/compfw-kunit.ktap

if ! modprobe compfw; then
	echo "not ok - kunit: the KUnit build of compfw.ko loads"
	exit 1
fi
# (No process substitution: the VM's /dev has no /dev/fd.)
expect=()
for s in $(sed -n '/kunit_suite/,/};/s/.*\.name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$here"/../../kmod/*_test.c); do
	expect+=(--expect "$s")
done
[ ${#expect[@]} -gt 0 ] || { echo "not ok - kunit: no suite found in kmod/*_test.c"; exit 1; }
for d in /sys/kernel/debug/kunit/*/; do
	cat "$d/results"
done >"$ktap"
python3 "$here/ktap2tap.py" "$ktap" "${expect[@]}"
rc=$?
if ! modprobe -r compfw; then
	echo "not ok - kunit: compfw.ko unloads after its suites"
	rc=1
fi
exit $rc
