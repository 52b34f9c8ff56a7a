#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module parameter max_netns_memory caps the bytes one namespace's
# components and manifests take: a change over it fails with a message and
# changes nothing; another namespace has its own budget; the count the cap
# judges goes back to zero when everything is deleted.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 nsenter ip

tmp=$(mktemp -d)
ns=compfw-memcap-$$
cleanup() {
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

param=/sys/module/compfw/parameters/max_netns_memory
status() { json_get "$("$ctl" -j status)" "$1"; }
used() { status netns_memory_bytes; }
version() {
	"$ctl" -j component show "$1" >"$tmp/show.json" &&
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifest"]["version"])' \
			"$tmp/show.json"
}

# manifest COMP N: apply N egress rules to COMP, as version vN.
manifest() {
	python3 -c 'import json,sys
c, n = sys.argv[1], int(sys.argv[2])
print(json.dumps({"component": c, "version": "v%d" % n,
                  "egress": [{"peer": {"cidr": "10.%d.%d.0/24" % (i >> 8, i & 255)}, "protocol": "tcp",
                              "ports": 1 + i % 60000} for i in range(n)]}))' "$1" "$2" >"$tmp/$1-$2.json"
	"$ctl" apply "$tmp/$1-$2.json"
}

plan 13
modprobe -r compfw 2>/dev/null
modprobe compfw
expect_eq "the cap is on by default (512 MiB)" "$(status netns_memory_max_bytes)" "$((512 << 20))"
expect_eq "an empty namespace takes nothing" "$(used)" "0"

"$ctl" component add a
empty=$(used)
manifest a 2000
with2000=$(used)
check "a manifest takes memory ($empty -> $with2000 bytes)" test "$with2000" -gt "$empty"

# Room for a bit more, not for twice the rules (the manifest in force is
# kept, without its tables, for a rollback: that counts too).
echo $((with2000 + 4096)) >"$param"
expect_eq "status shows the cap set at run time" "$(status netns_memory_max_bytes)" "$((with2000 + 4096))"
expect_fail_msg "a manifest over the cap is refused" "(max_netns_memory)" manifest a 4000
expect_eq "the refused manifest changed nothing: version" "$(version a)" "v2000"
expect_eq "the refused manifest changed nothing: rules" "$(status rules)" "2000"
expect_eq "the refused manifest changed nothing: memory" "$(used)" "$with2000"
echo 0 >"$param"
check "without the cap (0) the same manifest applies" manifest a 4000

echo $(($(used) + 16)) >"$param"
expect_fail_msg "a component over the cap is refused" "(max_netns_memory)" "$ctl" component add b
expect_eq "the refused component does not exist" "$(status components)" "1"

# Another namespace is not charged for this one's manifests.
ip netns add "$ns"
check "another namespace has its own budget" \
	nsenter --net="/run/netns/$ns" "$ctl" component add a
"$ctl" component del a
expect_eq "deleting everything gives it all back" "$(used)" "0"
nsenter --net="/run/netns/$ns" "$ctl" component del a
modprobe -r compfw
finish
