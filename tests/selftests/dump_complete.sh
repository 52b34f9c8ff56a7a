#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Dumps return every object, however large, and status counts what a dump
# shows: components with hundreds of owned addresses, many of them, some
# with manifests, listed across as many messages as it takes.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3

tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	modprobe -r compfw 2>/dev/null
}
trap cleanup EXIT

# addrs N BASE: N owned /32 addresses under 10.BASE.0.0/16, as arguments.
addrs() {
	python3 -c 'import sys
n, b = int(sys.argv[1]), int(sys.argv[2])
print(" ".join("address 10.%d.%d.%d/32" % (b, i // 250, i % 250 + 1) for i in range(n)))' "$1" "$2"
}

listed() {
	"$ctl" -j component list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

plan 7
modprobe compfw
# Other tests may have left components of their own.
base=$(listed)

# quiet NAME CMD...: like check, without echoing a command this long.
quiet() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# shellcheck disable=SC2046
quiet "a component with 256 owned addresses is added" \
	"$ctl" component add big256 $(addrs 256 1)
# shellcheck disable=SC2046
quiet "a component with 2000 owned addresses is added" \
	"$ctl" component add big2000 $(addrs 2000 2)
expect_eq "show answers for the component larger than one message" \
	"$("$ctl" -j component show big2000 | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" big2000
expect_eq "a dump lists the component larger than one message" "$(listed)" $((base + 2))

ok=1
for i in $(seq 1 60); do
	# shellcheck disable=SC2046
	"$ctl" component add "c$i" $(addrs 40 $((10 + i % 200))) >/dev/null || { ok=0; break; }
done
expect_eq "60 more components with 40 addresses each are added" "$ok" 1
for i in $(seq 1 60 | awk 'NR % 3 == 0'); do
	echo "{\"component\": \"c$i\", \"egress\": [{\"peer\": \"any\", \"protocol\": \"tcp\", \"ports\": $((1000 + i))}]}"
done | python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin]))' >"$tmp/m.json"
"$ctl" apply "$tmp/m.json"
expect_eq "the dump lists all 62 components, manifests and all" "$(listed)" $((base + 62))
status=$(status_counts)
expect_eq "status counts what the dump shows" "${status%% *}" "$(listed)"
finish
