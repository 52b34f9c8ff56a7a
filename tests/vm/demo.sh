#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a Debian test kernel, load compfw, show compfwctl status.
#   tests/vm/demo.sh [6.1|6.12|sid]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
ver=${1:-6.1}

"$top/tests/lib/deps.sh" cli vm test
ko=$("$top/tests/lib/build-module.sh" "$ver" | tail -n 1)
exec "$top/tests/vm/shell.sh" --kernel "$ver" --module "$ko" -- \
	sh -c 'modprobe compfw && tools/compfwctl status && tools/compfwctl -j status'
