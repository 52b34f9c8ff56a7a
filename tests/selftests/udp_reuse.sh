#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A UDP flow's conntrack entry outlives its socket. A socket of another
# component that takes the same port while the entry lives gets no rights
# from it: what it sends, what is sent to it and the late replies to the
# old socket are judged by its own manifest, and dropped.
#
#   /ci-$$/x  component x: egress udp 7002 and 7005, ingress udp 7301
#   /ci-$$/y  component y: egress udp 7003 only
#   netns ur-$$ (10.68.0.2): unmanaged, echo servers on udp 7002 and 7003
#
# Conntrack calls a datagram new until its flow has been answered, and a
# new one is judged anyway; so each flow here is answered before the
# other socket takes its port (the late reply is the answer itself).
set -u
. "$(dirname "$0")/lib.sh"
require modprobe ip nsenter python3

probe=$(dirname "$0")/lib/probe.py
cg=/sys/fs/cgroup/ci-$$
base=${cg#/sys/fs/cgroup}
ns=ur-$$
remote=10.68.0.2
tmp=$(mktemp -d)
pids=""
cleanup() {
	kill $pids 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rmdir "$cg"/x "$cg"/y "$cg" 2>/dev/null
	rm -rf "$tmp"
	modprobe -r compfw 2>/dev/null
}
trap cleanup EXIT

in_ns() {
	nsenter --net=/run/netns/"$ns" "$@"
}

dropped() {
	"$ctl" -j component show "$1" | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["stats"]["dropped_packets"])'
}

# send NAME SPORT DPORT: one datagram from NAME's socket on SPORT to the
# remote's DPORT; "allow" when the echo came back. An allowed one that
# missed its second is tried again with two minutes: a loaded VM is no
# denial. A denied one is refused on output (EPERM), at once.
send() {
	local r
	r=$(in_cgroup "$1" python3 "$probe" try udp "$remote" "$3" --sport "$2") && r=allow ||
		r="deny: $r"
	[ "$r" != "deny: timeout" ] || { in_cgroup "$1" python3 "$probe" try udp "$remote" "$3" \
		--sport "$2" --timeout 120 >/dev/null && r=allow; }
	echo "$r"
}

# moved NAME BEFORE: NAME's dropped counter is above BEFORE.
moved() {
	[ "$(dropped "$1")" -gt "$2" ]
}

# heard FILE: the listener writing FILE has been delivered a datagram.
heard() {
	grep -q '^heard' "$1"
}

# receive NAME PORT SPORT: NAME listens on PORT while the remote sends it a
# datagram from SPORT. "heard" when it was delivered; "dropped" when NAME's
# dropped counter moved first (the drop is counted before delivery would
# be); "neither" when nothing happened in two minutes.
receive() {
	local out=$tmp/hear.$1.$2 before pid r=neither
	before=$(dropped "$1")
	spawn_in_cgroup "$1" "$out" python3 "$probe" hear "$2" --timeout 600
	pid=$!
	wait_for 60 grep -q ready "$out"
	in_ns python3 "$probe" try udp 10.68.0.1 "$2" --sport "$3" --no-wait >/dev/null
	# shellcheck disable=SC2317 # called by wait_for
	either() { heard "$out" || moved "$1" "$before"; }
	if wait_for 120 either "$1"; then
		heard "$out" && r=heard || r=dropped
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$r"
}

plan 8
modprobe compfw
mkdir -p "$cg"/x "$cg"/y
ip netns add "$ns"
ip link add ur0 type veth peer name ur1 netns "$ns"
ip addr add 10.68.0.1/24 dev ur0 && ip link set ur0 up
ip -n "$ns" addr add "$remote"/24 dev ur1 && ip -n "$ns" link set ur1 up
nsenter --net=/run/netns/"$ns" python3 "$probe" serve udp:7002@"$remote" udp:7003@"$remote" \
	>"$tmp/serve" 2>&1 &
pids="$pids $!"
wait_for 60 grep -q ready "$tmp/serve"

"$ctl" component add x cgroup "$base/x"
"$ctl" component add y cgroup "$base/y"
cat >"$tmp/m.json" <<JSON
[{"component": "x",
  "exposure": [{"protocol": "udp", "ports": 7301}],
  "egress": [{"peer": "any", "protocol": "udp", "ports": 7002},
             {"peer": "any", "protocol": "udp", "ports": 7005}],
  "ingress": [{"peer": "any", "protocol": "udp", "ports": 7301}]},
 {"component": "y",
  "egress": [{"peer": "any", "protocol": "udp", "ports": 7003}]}]
JSON
"$ctl" apply "$tmp/m.json"

# Sending: x's flow from port 7303, then y's socket on the same port.
expect_eq "x's datagrams from 7303 to 7002 and their echoes pass" \
	"$(send x 7303 7002) $(send x 7303 7002) $(send x 7303 7002)" "allow allow allow"
before=$(dropped y)
expect_eq "y on x's port 7303, to 7002: refused on output" \
	"$(send y 7303 7002)" "deny: EPERM (dropped on output)"
check "y's dropped counter moved" moved y "$before"
expect_eq "y's own flow to 7003 passes, echoes too" "$(send y 7304 7003)" "allow"

# Receiving: x serves on 7301 and answers (until it does, conntrack calls
# each of the remote's datagrams new), then y listens there.
spawn_in_cgroup x "$tmp/serve.x" python3 "$probe" serve udp:7301@10.68.0.1
server=$!
wait_for 60 grep -q ready "$tmp/serve.x"
r=$(in_ns python3 "$probe" try udp 10.68.0.1 7301 --sport 7100 --timeout 120)
kill "$server"
wait "$server" 2>/dev/null
expect_eq "the remote's datagram from 7100 to x on 7301 is echoed" "$r" "echo"
expect_eq "the same flow to y on 7301: dropped, counted" "$(receive y 7301 7100)" "dropped"

# A late reply: x sends from 7302 to 7005 (nothing listens; the entry
# stays), then y listens on 7302 and the remote answers from 7005.
in_cgroup x python3 "$probe" try udp "$remote" 7005 --sport 7302 --no-wait >/dev/null
expect_eq "a late reply to x's flow, to y on 7302: dropped, counted" \
	"$(receive y 7302 7005)" "dropped"
expect_eq "x on 7302 is delivered the same reply" "$(receive x 7302 7005)" "heard"
finish
