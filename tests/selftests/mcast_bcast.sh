#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Default deny covers multicast and broadcast: a managed component with no
# ingress rule receives no datagram on the groups and ports it bound, until
# a rule allows them. A datagram reaches all its local receivers or none,
# so an unmanaged socket sharing a denied group and port misses it too.
#
#   cgroup rx    component "rx": UDP 7300 joined to 239.1.1.1, 7301 for
#                broadcast, 7302 joined to ff0e::101
#   cgroup free  no component: the same three sockets (shared with rx),
#                and UDP 7310 joined to 239.1.1.2 (its own)
#   the peer namespace sends, over the veth (lib/wire.sh)
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
. "$(dirname "$0")/lib/wire.sh"
require modprobe ip python3 nsenter

cgbase=/sys/fs/cgroup/compfw-test/mcast-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-mcast.XXXXXX")
mcast=$top/tests/selftests/lib/mcast.py
cleanup() {
	wire_cleanup
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

manifest() {	# manifest INGRESS-JSON
	cat >"$tmp/rx.json" <<-JSON
	{"component": "rx", "version": "t",
	 "exposure": [{"protocol": "udp", "ports": "7300-7302"}],
	 "ingress": [$1]}
	JSON
	"$ctl" apply "$tmp/rx.json"
}

receiver() {	# receiver CGROUP OUT SPEC...
	local cg=$1 out=$2
	shift 2
	run_in_exec=1 run_in "$cg" host python3 "$mcast" recv "$@" >"$out" 2>&1 &
	env_pids+=($!)
	wait_for 60 grep -q ready "$out" || { echo "# $cg: $(cat "$out")"; return 1; }
}

# send_round N UNTIL...: every kind of datagram once, payloads suffixed -N;
# waits for the unmanaged control to get its own, and for UNTIL (a command)
# to hold: what the round is to show, once it has happened.
send_round() {
	local n=$1
	shift
	in_peer python3 "$mcast" send 10.78.0.2 239.1.1.1 7300 "m4-$n"
	in_peer python3 "$mcast" send 10.78.0.2 10.78.0.255 7301 "b4-$n"
	in_peer python3 "$mcast" send 10.78.0.2 255.255.255.255 7301 "l4-$n"
	in_peer python3 "$mcast" send fd78::2 ff0e::101 7302 "m6-$n" "$wire_peer"
	in_peer python3 "$mcast" send 10.78.0.2 239.1.1.2 7310 "c4-$n"
	wait_for 60 grep -q "got 7310 c4-$n" "$tmp/free.out" || echo "# control missed c4-$n"
	wait_for 60 "$@" || echo "# round $n: not everything came: $*"
}

got() {	# got FILE PORT PAYLOAD
	grep -q "^got $2 $3\$" "$1"
}

rx_dropped() {
	"$ctl" -j stats rx | python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0]["totals"]["dropped_packets"])'
}

# judged N: rx's drops reached N. A datagram reaches all its local
# receivers or none: once it is counted, no socket can get it any more.
judged() {
	[ "$(rx_dropped)" -ge "$1" ]
}

# all_got N: every receiver got every datagram of round N.
all_got() {
	local f
	for f in "$tmp/rx.out" "$tmp/free.out"; do
		got "$f" 7300 "m4-$1" && got "$f" 7301 "b4-$1" && got "$f" 7301 "l4-$1" &&
			got "$f" 7302 "m6-$1" || return 1
	done
}

plan 17
modprobe -r compfw 2>/dev/null
check "load compfw" modprobe compfw
check "veth to a peer namespace" wire_setup
env_cgroups rx free
check "component add rx" "$ctl" component add rx cgroup "$(cgpath rx)"
check "apply rx's manifest: no ingress rule" manifest ""
receiver rx "$tmp/rx.out" 7300:239.1.1.1:10.78.0.1 7301:-:- \
	"7302:ff0e::101:$wire_if"
receiver free "$tmp/free.out" 7300:239.1.1.1:10.78.0.1 7301:-:- \
	"7302:ff0e::101:$wire_if" 7310:239.1.1.2:10.78.0.1

send_round 1 judged 4
sed "s/^/# rx: /" "$tmp/rx.out"
sed 's/^/# free: /' "$tmp/free.out"
got "$tmp/rx.out" 7300 m4-1 && fail "denied: multicast to 239.1.1.1" ||
	pass "denied: multicast to 239.1.1.1"
got "$tmp/rx.out" 7301 b4-1 && fail "denied: broadcast to 10.78.0.255" ||
	pass "denied: broadcast to 10.78.0.255"
got "$tmp/rx.out" 7301 l4-1 && fail "denied: broadcast to 255.255.255.255" ||
	pass "denied: broadcast to 255.255.255.255"
got "$tmp/rx.out" 7302 m6-1 && fail "denied: multicast to ff0e::101" ||
	pass "denied: multicast to ff0e::101"
got "$tmp/free.out" 7310 c4-1 && pass "unmanaged receiver gets its own group" ||
	fail "unmanaged receiver gets its own group"
got "$tmp/free.out" 7300 m4-1 || got "$tmp/free.out" 7301 b4-1 ||
	got "$tmp/free.out" 7301 l4-1 || got "$tmp/free.out" 7302 m6-1 &&
	fail "unmanaged sockets sharing rx's denied groups and ports miss them" ||
	pass "unmanaged sockets sharing rx's denied groups and ports miss them"
expect_eq "four drops counted for rx" "$(rx_dropped)" "4"

check "allow UDP 7300-7302 in" manifest '{"id": 1, "peer": "any", "protocol": "udp", "ports": "7300-7302"}'
send_round 2 all_got 2
sed "s/^/# rx: /" "$tmp/rx.out"
got "$tmp/rx.out" 7300 m4-2 && pass "allowed: multicast to 239.1.1.1" ||
	fail "allowed: multicast to 239.1.1.1"
got "$tmp/rx.out" 7301 b4-2 && pass "allowed: broadcast to 10.78.0.255" ||
	fail "allowed: broadcast to 10.78.0.255"
got "$tmp/rx.out" 7301 l4-2 && pass "allowed: broadcast to 255.255.255.255" ||
	fail "allowed: broadcast to 255.255.255.255"
got "$tmp/rx.out" 7302 m6-2 && pass "allowed: multicast to ff0e::101" ||
	fail "allowed: multicast to ff0e::101"
got "$tmp/free.out" 7300 m4-2 && got "$tmp/free.out" 7301 b4-2 &&
	got "$tmp/free.out" 7301 l4-2 && got "$tmp/free.out" 7302 m6-2 &&
	pass "and the unmanaged sockets sharing them get them" ||
	fail "and the unmanaged sockets sharing them get them"
finish
