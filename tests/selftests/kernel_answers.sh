#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What the kernel sends on a managed component's behalf: group membership
# reports (IGMP and MLD, the network's own traffic, like ARP and neighbour
# discovery) always leave, and the kernel's answers to packets a manifest
# admitted (a RST for a port with no listener, ICMP port unreachable for a
# UDP port with no socket) get back to the peer.
#
#   cgroup member  component "member", owns 10.78.0.1, fd78::1 and fe80::1
#                  (the veth's addresses, the sources of its reports); may
#                  send TCP and UDP to 7100 of the peer, may be sent TCP and
#                  UDP to 7200; nothing listens on either port
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
. "$(dirname "$0")/lib/wire.sh"
require modprobe ip python3 nsenter tcpdump

cgbase=/sys/fs/cgroup/compfw-test/answers-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-answers.XXXXXX")
answers=$top/tests/selftests/lib/answers.py
cleanup() {
	wire_cleanup
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# reports_seen FILE: the capture so far has both reports, IGMP and MLD.
reports_seen() {
	local cap
	cap=$(tcpdump -r "$1" -n -v 2>/dev/null)
	grep -A1 "10.78.0.1 > 224.0.0.22: igmp v3 report" <<<"$cap" | grep -q 239.1.2.3 &&
		grep -q "ff0e::1:2:3" <<<"$cap"
}

plan 15
modprobe -r compfw 2>/dev/null
check "load compfw" modprobe compfw
check "veth to a peer namespace" wire_setup
env_cgroups member
check "component add member" "$ctl" component add member cgroup "$(cgpath member)" \
	address 10.78.0.1/32 address fd78::1/128 address fe80::1/128
cat >"$tmp/member.json" <<'JSON'
{"component": "member", "version": "t",
 "exposure": [{"protocol": "tcp", "ports": 7200}, {"protocol": "udp", "ports": 7200}],
 "ingress": [{"id": 1, "peer": "any", "protocol": "tcp", "ports": 7200},
             {"id": 2, "peer": "any", "protocol": "udp", "ports": 7200}],
 "egress": [{"id": 10, "peer": "any", "protocol": "tcp", "ports": 7100},
            {"id": 11, "peer": "any", "protocol": "udp", "ports": 7100}]}
JSON
check "apply member's manifest" "$ctl" apply "$tmp/member.json"

# Membership reports: the kernel sends them when a socket joins a group.
# Not "icmp6": an MLD report starts with a hop-by-hop header.
wire_capture_start "$tmp/reports.pcap" igmp or ip6
run_in_exec=1 run_in member host python3 "$answers" join 10.78.0.1 239.1.2.3 \
	"$wire_if" ff0e::1:2:3 >"$tmp/join.out" 2>&1 &
env_pids+=($!)
wait_for 60 grep -q joined "$tmp/join.out" || echo "# join: $(cat "$tmp/join.out")"
# The kernel sends them from a timer, soon after the join.
wait_for 60 reports_seen "$tmp/reports.pcap"
cap=$(wire_capture_stop "$tmp/reports.pcap")
echo "$cap" | sed 's/^/# wire: /'
grep -q "10.78.0.1 > 224.0.0.22: igmp v3 report" <<<"$cap" &&
	grep -A1 "10.78.0.1 > 224.0.0.22" <<<"$cap" | grep -q 239.1.2.3 &&
	pass "IGMP report of the managed component leaves" ||
	fail "IGMP report of the managed component leaves"
grep -q "fe80::1 > ff02::16:.*multicast listener report v2" <<<"$cap" &&
	grep -q "ff0e::1:2:3" <<<"$cap" &&
	pass "MLD report of the managed component leaves" ||
	fail "MLD report of the managed component leaves"
dropped=$("$ctl" -j stats member | python3 -c \
	'import json,sys; print(json.load(sys.stdin)[0]["totals"]["dropped_packets"])')
expect_eq "no report counted as a drop" "$dropped" "0"

# The kernel's answers to what the manifest admitted, both ways.
for addr in 10.78.0.2 fd78::2; do
	for proto in tcp udp; do
		got=$(run_in member host python3 "$answers" refused "$proto" "$addr" 7100)
		expect_eq "$proto to an allowed port of $addr, no listener: the peer kernel's answer gets back" \
			"$got" refused
	done
done
for addr in 10.78.0.1 fd78::1; do
	for proto in tcp udp; do
		got=$(in_peer python3 "$answers" refused "$proto" "$addr" 7200)
		expect_eq "$proto to member's allowed port on $addr, no listener: its kernel's answer gets out" \
			"$got" refused
	done
done
finish
