#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A manifest at the per-component limit (65,536 rules) is applied and shown
# back whole, over many netlink messages; one rule more is refused and the
# installed manifest stays.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

# gen N FILE: N egress rules mixing CIDRs with excepts, ports and ICMP types.
gen() {
	python3 - "$1" >"$2" <<'PY'
import ipaddress, json, sys
n = int(sys.argv[1])
rules = []
for i in range(n):
    k = i % 3
    if k == 0:
        rules.append({"id": i + 1, "peer": {"cidr": "10.%d.%d.0/24" % (i // 256 % 256, i % 256), "except": ["10.%d.%d.128/25" % (i // 256 % 256, i % 256)]}, "protocol": "tcp", "ports": "%d-%d" % (i % 60000, i % 60000 + 5)})
    elif k == 1:
        rules.append({"id": i + 1, "peer": {"cidr": str(ipaddress.ip_network("fd00::%x:%x/128" % (i >> 16, i & 0xffff)))}, "protocol": "udp", "ports": i % 65536})
    else:
        rules.append({"id": i + 1, "peer": "any", "protocol": "icmp", "icmp_type": i % 256})
print(json.dumps({"component": "big", "version": "v%d" % n, "egress": rules}))
PY
}

plan 5
# A fresh module: the counts below are the whole namespace's.
modprobe -r compfw 2>/dev/null
modprobe compfw
"$ctl" component add big
gen 65536 "$tmp/max.json"
gen 65537 "$tmp/over.json"

check "65,536 rules apply" "$ctl" apply "$tmp/max.json"
"$ctl" -j component show big >"$tmp/shown.json"
same=$(python3 - "$tmp/max.json" "$tmp/shown.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))["egress"]
got = json.load(open(sys.argv[2]))["manifest"]["egress"]
norm = lambda r: (r["id"], json.dumps(r["peer"], sort_keys=True), r["protocol"], str(r.get("ports", "")), r.get("icmp_type"))
print(len(got), sum(norm(a) != norm(b) for a, b in zip(want, got)))
PY
)
expect_eq "show returns all 65,536 rules, each as applied" "$same" "65536 0"
expect_eq "status counts them" "$(json_get "$("$ctl" -j status)" rules)" "65536"
expect_fail_msg "65,537 rules are refused" "too many rules in one manifest" "$ctl" apply "$tmp/over.json"
expect_eq "and the installed manifest stays" \
	"$(json_get "$("$ctl" -j status)" rules) $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifest"]["version"])' "$tmp/shown.json")" \
	"65536 v65536"
"$ctl" component del big
finish
