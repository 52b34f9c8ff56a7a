#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo's content (issue 17, point 1): tests/vm/demo-guest.sh, run as
# make demo runs it, must show each thing it promises: an allowed and a
# denied connection, the drop in compfwctl -j stats, in compfwctl monitor,
# in the kernel log and in trace-cmd, and a persona switch by API and by an
# exec trigger, with the return on exit.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 trace-cmd timeout

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-demo-test.XXXXXX")
trap 'modprobe -r compfw 2>/dev/null; rm -rf "$tmp"' EXIT

plan 11
modprobe -r compfw 2>/dev/null
"$top/tests/vm/demo-guest.sh" >"$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
has() { grep -q -- "$1" "$tmp/out"; }

expect_eq "the demo ran to its end" "$rc $(tail -n 1 "$tmp/out")" "0 == The end"
check "an allowed connection: web reaches db on 5432" \
	has 'web -> 127.0.0.1:5432: connected, the echo says "hello"'
check "a denied one: 6379, dropped by compfw" \
	has 'web -> 127.0.0.1:6379: no answer in 5 s: compfw dropped the SYN'
check "compfwctl -j stats counts the drop" \
	python3 -c '
import json, re, sys
text = open(sys.argv[1]).read()
i = text.index("$ compfwctl -j stats web\n") + len("$ compfwctl -j stats web\n")
stats, _ = json.JSONDecoder().raw_decode(text[i:])
sys.exit(0 if stats[0]["totals"]["dropped_packets"] >= 1 else 1)' "$tmp/out"
check "compfwctl monitor shows the drop" has '"event":"drop","component":"web"'
check "the kernel log has it" has 'compfw: netns [0-9]* web: drop egress rule 0 generation 1'
check "trace-cmd has it" has 'compfw_verdict: .*component=web .*verdict=drop'
check "personas: maintenance reaches 2222 and not 5432" \
	sh -c "grep -q 'web -> 127.0.0.1:2222: connected' '$tmp/out' &&
	       grep -q 'web -> 127.0.0.1:5432: no answer in 5 s' '$tmp/out'"
check "a switch by API, in the log" has 'persona maintenance -> db_client (api)'
check "an exec trigger: dbcheck reaches db under db_client" has 'dbcheck: db says "hello"'
check "the exec and the exit, in the log" \
	sh -c "grep -q 'persona maintenance -> db_client (exec of dbcheck)' '$tmp/out' &&
	       grep -q 'persona db_client -> maintenance (exit of dbcheck)' '$tmp/out'"
finish
