#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side checks of the sources against their one description, as
# column-0 "ok - NAME" lines for make check:
#   ynl: the spec validates against its protocol's schema, and every
#        generated file is what the spec gives (tests/lib/ynl.sh)
#   files: the admin guide's table of kmod/ files is complete and true
#   deps: every program and Python module the tests need comes from a
#         package tests/lib/deps.sh installs (tests/host/test_deps.sh)
#   docs: every .rst of Documentation/ parses without a warning
#   nlfuzz: the netlink fuzzer's tables are the spec's, and a seed and a
#         count repeat its messages (tests/host/test_nlfuzz.sh)
# Preparing the ynl tooling here also readies it for the VM suites, which
# cannot download (the host's root is read-only there).
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rc=0

tests/lib/deps.sh ynl >&2 || echo "# tests/lib/deps.sh ynl failed"

# run NAME CMD...: one result line for a command, its output as comments.
run() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
	else
		echo "not ok - $name"
		rc=1
	fi
	[ -n "$out" ] && printf '%s\n' "$out" | head -n 60 | sed 's/^/# /'
}

if tree=$(tests/lib/ynl.sh tree 2>&1); then
	echo "# ynl tooling: $tree ($(cat "$tree/.stamp" 2>/dev/null))"
	proto=$(sed -n 's/^protocol: *//p' Documentation/netlink/specs/compfw.yaml)
	run "ynl: the spec validates against the $proto schema" tests/lib/ynl.sh validate
	run "ynl: uapi header, kernel policies and family doc are what the spec gives" \
		tests/lib/ynl.sh check
else
	printf '%s\n' "$tree" | sed 's/^/# /'
	echo "not ok - ynl: the kernel's ynl tooling is prepared"
	rc=1
fi

/usr/bin/python3 tests/host/file_table.py |
	sed -E -e 's/^(not )?ok [0-9]+ (- )?/\1ok - files: /' -e '/^(not )?ok /!s/^/# /' || rc=1
tests/host/test_deps.sh |
	sed -E -e 's/^(not )?ok [0-9]+ (- )?/\1ok - deps: /' -e '/^(not )?ok /!s/^/# /' || rc=1
/usr/bin/python3 tests/host/test_rst.py |
	sed -E -e 's/^(not )?ok [0-9]+ (- )?/\1ok - docs: /' -e '/^(not )?ok /!s/^/# /' || rc=1
tests/host/test_nlfuzz.sh |
	sed -E -e 's/^(not )?ok [0-9]+ (- )?/\1ok - nlfuzz: /' -e '/^(not )?ok /!s/^/# /' || rc=1
exit $rc
