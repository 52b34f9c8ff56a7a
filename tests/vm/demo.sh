#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a Debian test kernel, load compfw and run the demo
# (tests/vm/demo-guest.sh): two components, an allowed and a denied
# connection, the drop in stats, monitor, the kernel log and trace-cmd, and
# a persona switch by API and by an exec trigger.
#   tests/vm/demo.sh [6.1|6.12|sid]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
ver=${1:-6.1}

"$top/tests/lib/deps.sh" cli vm test
ko=$("$top/tests/lib/build-module.sh" "$ver" | tail -n 1)
exec "$top/tests/vm/shell.sh" --kernel "$ver" --module "$ko" -- tests/vm/demo-guest.sh
