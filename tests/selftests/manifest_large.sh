#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A manifest at the per-component limit (65,536 rules) is applied and shown
# back whole, over many netlink messages; one rule more is refused and the
# installed manifest stays. A persona of as many rules is shown whole too,
# and what persona show prints is a file persona replace takes.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

# gen N FILE [persona]: N egress rules mixing CIDRs with excepts, ports and
# ICMP types, in a manifest (or a persona's profile).
gen() {
	python3 - "$1" ${3:+"$3"} >"$2" <<'PY'
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
if len(sys.argv) > 2:
    print(json.dumps({"name": "big", "version": "p%d" % n, "network_profile": {"allowed_egress": rules}}))
else:
    print(json.dumps({"component": "big", "version": "v%d" % n, "egress": rules}))
PY
}

plan 9
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

# The same rules as a persona's profile: over 1 MiB of attributes.
gen 65536 "$tmp/persona.json" persona
check "a persona of 65,536 rules is added" "$ctl" persona add "$tmp/persona.json"
check "persona show -j prints it" sh -c '"$0" -j persona show big >"$1"' "$ctl" "$tmp/pshown.json"
same=$(python3 - "$tmp/persona.json" "$tmp/pshown.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))["network_profile"]["allowed_egress"]
got = json.load(open(sys.argv[2]))["persona"]["network_profile"]["allowed_egress"]
norm = lambda r: (r["id"], json.dumps(r["peer"], sort_keys=True), r["protocol"], str(r.get("ports", "")), r.get("icmp_type"))
print(len(got), sum(norm(a) != norm(b) for a, b in zip(want, got)))
PY
)
expect_eq "all 65,536 rules, each as added" "$same" "65536 0"
python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["persona"], open(sys.argv[2], "w"))' \
	"$tmp/pshown.json" "$tmp/again.json"
check "what show printed is a file persona replace takes" "$ctl" persona replace "$tmp/again.json"
finish
