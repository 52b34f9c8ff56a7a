#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The namespace's rule count follows every apply, shrink, rollback and
# delete, and the max_rules limit is judged on it.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

rules() { json_get "$("$ctl" -j status)" rules; }

# manifest N: component c with N egress rules.
manifest() {
	python3 -c 'import json,sys
n = int(sys.argv[1])
print(json.dumps({"component": "c", "egress": [{"peer": "any", "protocol": "tcp", "ports": 1000 + i} for i in range(n)]}))' "$1" >"$tmp/m$1.json"
	"$ctl" apply "$tmp/m$1.json"
}

plan 6
modprobe -r compfw 2>/dev/null
modprobe compfw max_rules=12
"$ctl" component add c
manifest 10
expect_eq "10 rules applied" "$(rules)" "10"
manifest 1 && pass "a manifest may shrink" || fail "a manifest may shrink"
expect_eq "1 rule after shrinking" "$(rules)" "1"
"$ctl" component rollback c
expect_eq "10 rules after rollback" "$(rules)" "10"
expect_fail_msg "13 rules exceed max_rules=12" "too many rules in this namespace" manifest 13
"$ctl" component del c
expect_eq "0 rules after delete" "$(rules)" "0"
modprobe -r compfw
finish
