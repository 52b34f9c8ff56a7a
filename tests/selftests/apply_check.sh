#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compfwctl apply --check (issue 17, point 5): a dry run that checks every
# file in the kernel too (MANIFEST_APPLY with CHECK: built, compiled, then
# dropped) and changes nothing; it exits 0 and prints nothing, or prints
# every file's error and exits 1; files that pass one by one are checked
# together too, as the apply would send them.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-check.XXXXXX")
saved_max=
cleanup() {
	[ -n "$saved_max" ] && echo "$saved_max" >/sys/module/compfw/parameters/max_rules
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

state() {
	"$ctl" -j component list | python3 -c '
import json, sys
print(" ".join("%s:%s" % (c["name"], c["generation"]) for c in json.load(sys.stdin)))'
}

rules() {	# NAME N: a manifest of N egress rules
	python3 -c 'import json, sys
n = int(sys.argv[2])
print(json.dumps({"component": sys.argv[1], "version": "v",
                  "egress": [{"protocol": "tcp", "ports": 1000 + i} for i in range(n)]}))' "$1" "$2"
}

plan 12
modprobe -r compfw 2>/dev/null
modprobe compfw
"$ctl" component add web >/dev/null
"$ctl" component add db >/dev/null
rules web 3 >"$tmp/web.json"
rules db 3 >"$tmp/db.json"
echo '{ "component": "web", "egress": [ {"peer": {"component": "nosuch"}, "protocol": "tcp"} ] }' \
	>"$tmp/peer.json"
echo '{ "component": "db", "ingress": [ {"protocol": "tcp", "ports": "1-2-3"} ] }' >"$tmp/syntax.json"
before=$(state)

out=$("$ctl" apply --check "$tmp/web.json" "$tmp/db.json" 2>&1)
expect_eq "good files: exit 0, nothing printed" "$? $out" "0 "
expect_eq "and nothing changed" "$(state)" "$before"

err=$("$ctl" apply --check "$tmp/peer.json" 2>&1 >"$tmp/stdout")
rc=$?
expect_eq "what only the kernel knows (an unknown peer): its error, at its place" "$rc $err" \
	"1 compfwctl: $tmp/peer.json: egress[0].peer.component: unknown peer component"
expect_eq "nothing on stdout" "$(cat "$tmp/stdout")" ""
expect_eq "nothing changed" "$(state)" "$before"

err=$("$ctl" apply --check "$tmp/syntax.json" "$tmp/web.json" "$tmp/peer.json" 2>&1)
rc=$?
expect_eq "two bad files of three: both errors, exit 1" "$rc $(echo "$err" | wc -l)" "1 2"
check "the parser's error" grep -q "^compfwctl: $tmp/syntax.json: ingress\[0\].ports: " <<<"$err"
check "the kernel's error" grep -q "^compfwctl: $tmp/peer.json: egress\[0\].peer.component: unknown peer component$" <<<"$err"
expect_eq "nothing changed" "$(state)" "$before"

# Each fits under max_rules, both together do not: only the whole says so.
saved_max=$(cat /sys/module/compfw/parameters/max_rules)
echo 5 >/sys/module/compfw/parameters/max_rules
err=$("$ctl" apply --check "$tmp/web.json" "$tmp/db.json" 2>&1)
expect_eq "each file passes, together they are over max_rules: the whole's error" "$? $err" \
	"1 compfwctl: apply: too many rules in this namespace (module parameter max_rules)"
echo "$saved_max" >/sys/module/compfw/parameters/max_rules
saved_max=

check "the apply itself then works" "$ctl" apply "$tmp/web.json" "$tmp/db.json"
expect_eq "and changed both" "$(state)" "web:1 db:1"
finish
