#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compfwctl's unit tests and the spec/header agreement, on the host.
# Results as column-0 "ok - cli: NAME" lines, as make check counts them.
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/tools
mkdir -p "$out"
cd "$top"

CFLAGS="-O1 -g -Wall -Wextra -Werror -std=gnu11 -Iuapi $(pkg-config --cflags libnl-genl-3.0 jansson)"
srcs=$(ls tools/*.c | grep -v 'tools/compfwctl.c')
rc=0

# tap_rename PREFIX: turn a script's TAP into counted lines for make check.
tap_rename() {
	sed -E -e "s/^(not )?ok [0-9]+ (- )?/\1ok - $1: /" -e '/^(not )?ok /!s/^/# /'
}

if gcc $CFLAGS -o "$out/test_cli" tests/tools/test_*.c $srcs \
	$(pkg-config --libs libnl-genl-3.0 jansson) 2>"$out/build.log"; then
	"$out/test_cli" tests/tools/manifests | tap_rename cli || rc=1
else
	echo "not ok - cli: unit tests build"
	sed 's/^/# /' "$out/build.log"
	rc=1
fi
/usr/bin/python3 tests/tools/test_spec.py | tap_rename spec || rc=1
python3 tests/tools/test_schema.py | tap_rename schema || rc=1
exit $rc
