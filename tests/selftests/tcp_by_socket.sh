#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP followed by its socket (compfw.tcp_by_socket=1): the SYN is judged,
# later segments of a connection the stack has pass, conntrack keeps no
# entry for it, a segment of no connection is judged like a first packet,
# and a policy that denies a live connection aborts its socket. UDP is
# still tracked, and a namespace whose first component came while the
# parameter was off keeps tracking TCP.
#
#  netns cli-$$ (tcp_by_socket)            netns srv-$$ (tcp_by_socket)
#  ┌───────────────────────────┐          ┌────────────────────────────────┐
#  │ component api (cgroup)    │          │ component web (cgroup)         │
#  │  egress tcp 8080-8082     │          │  servers tcp 8080 8082, udp 8080│
#  │         udp 8080          │          │  exposure tcp 8080-8082, udp 8080│
#  │ cfc$$ 10.77.0.1 fd77::1 ──┼── veth ──┼─ cfs$$ 10.77.0.2 fd77::2       │
#  └───────────────────────────┘          │  ingress tcp 8080, udp 8080    │
#                                         │          from 10.77.0.1, fd77::1│
#                                         └────────────────────────────────┘
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe ip python3 timeout nsenter

cli=cli-$$
srv=srv-$$
cgbase=/sys/fs/cgroup/compfw-test/sockflow-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-sockflow.XXXXXX")
param=/sys/module/compfw/parameters/tcp_by_socket

cleanup() {
	env_cleanup
	ip netns del "$cli" 2>/dev/null
	ip netns del "$srv" 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

in_ns() {
	local ns=$1

	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# ct_count NETNS PROTO: conntrack entries of PROTO (tcp, udp). Not the
# total: the interface's IGMP reports get an entry at a time of their own.
ct_count() {
	in_ns "$1" awk -v p="$2" '$3 == p { n++ } END { print n + 0 }' /proc/net/nf_conntrack
}

# counter NETNS COMPONENT KEY: one of `component show`'s counters.
counter() {
	"$ctl" -n "$1" -j component show "$2" | python3 -c '
import json, sys
def find(o, k):
    if isinstance(o, dict):
        if k in o:
            return o[k]
        for v in o.values():
            r = find(v, k)
            if r is not None:
                return r
    return None
print(find(json.load(sys.stdin), sys.argv[1]))' "$3"
}


# counted NETNS COMPONENT KEY N: the counter has reached N.
counted() {
	[ "$(counter "$1" "$2" "$3")" -ge "$4" ]
}

# bare_segment FLAGS PORT: one TCP segment with FLAGS ("A", "S"...) from
# cli's 10.77.0.1:40000 to web's PORT, sent by a raw socket, which is not a
# connection of the stack's.
bare_segment() {
	in_ns "$cli" python3 - "$1" "$2" <<-'EOF'
	import socket, struct, sys
	flags = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[c] for c in sys.argv[1])
	src, dst, sport, dport = "10.77.0.1", "10.77.0.2", 40000, int(sys.argv[2])
	def csum(b):
	    if len(b) % 2:
	        b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	hdr = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, flags, 65535, 0, 0)
	pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
	hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
	s.sendto(hdr, (dst, 0))
	EOF
}

write_manifest() {	# NAME FILE JSON
	echo "$3" >"$tmp/$2"
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw tcp_by_socket=1 || return 1
	ip netns add "$cli" && ip netns add "$srv" || return 1
	ip link add cfc$$ netns "$cli" type veth peer name cfs$$ netns "$srv" || return 1
	in_ns "$cli" sh -e -c "ip link set lo up; ip link set cfc$$ up
		ip addr add 10.77.0.1/24 dev cfc$$; ip addr add fd77::1/64 dev cfc$$ nodad" &&
	in_ns "$srv" sh -e -c "ip link set lo up; ip link set cfs$$ up
		ip addr add 10.77.0.2/24 dev cfs$$; ip addr add fd77::2/64 dev cfs$$ nodad" ||
		return 1
	env_cgroups api web || return 1
	start_server web "$srv" tcp:8080 tcp:8082 udp:8080 || return 1
	write_manifest api api.json '{ "component": "api", "version": "1", "egress": [
		{"id": 1, "peer": {"cidr": "10.77.0.0/24"}, "protocol": "tcp", "ports": "8080-8082"},
		{"id": 2, "peer": {"cidr": "fd77::/64"}, "protocol": "tcp", "ports": "8080-8082"},
		{"id": 3, "peer": {"cidr": "10.77.0.2/32"}, "protocol": "udp", "ports": 8080} ] }'
	write_manifest api api.v2.json '{ "component": "api", "version": "2", "egress": [
		{"id": 1, "peer": {"cidr": "10.77.0.0/24"}, "protocol": "tcp", "ports": "8081-8082"} ] }'
	write_manifest web web.json '{ "component": "web", "version": "1",
	  "exposure": [ {"protocol": "tcp", "ports": "8080-8082"}, {"protocol": "udp", "ports": 8080} ],
	  "ingress": [
		{"id": 1, "peer": {"cidr": "10.77.0.1/32"}, "protocol": "tcp", "ports": 8080},
		{"id": 2, "peer": {"cidr": "fd77::1/128"}, "protocol": "tcp", "ports": 8080},
		{"id": 3, "peer": {"cidr": "10.77.0.1/32"}, "protocol": "udp", "ports": 8080} ] }'
	"$ctl" -n "$cli" component add api cgroup "$(cgpath api)" &&
	"$ctl" -n "$srv" component add web cgroup "$(cgpath web)" &&
	"$ctl" -n "$cli" apply "$tmp/api.json" >/dev/null &&
	"$ctl" -n "$srv" apply "$tmp/web.json" >/dev/null
}

test_verdicts_without_conntrack() {
	local dropped

	dropped=$(counter "$srv" web dropped_packets)
	expect_verdicts "TCP: SYNs judged at both ends, replies pass" api "$cli" \
		closed:deny v4:allow v6:allow <<-'EOF'
	v4 try tcp 10.77.0.2 8080
	v6 try tcp fd77::2 8080
	closed try tcp 10.77.0.2 8082
	EOF
	check "TCP: web's ingress dropped the SYN to 8082" \
		[ "$(counter "$srv" web dropped_packets)" -gt "$dropped" ]
	expect_eq "TCP: no conntrack entry in either namespace" \
		"$(ct_count "$cli" tcp) $(ct_count "$srv" tcp)" "0 0"
	expect_verdicts "UDP: allowed, as before" api "$cli" udp:allow \
		<<<'udp try udp 10.77.0.2 8080'
	check "UDP: still tracked" [ "$(ct_count "$cli" udp)" -gt 0 ]
}

# Segments no socket of the stack's sent, and that no connection takes.
test_bare_segments() {
	local acc drop

	acc=$(counter "$srv" web accepted_packets)
	drop=$(counter "$srv" web dropped_packets)
	bare_segment A 8082
	wait_for 60 counted "$srv" web dropped_packets $((drop + 1))
	expect_eq "bare ACK to 8082: judged as a first packet and dropped" \
		"$(counter "$srv" web dropped_packets)" "$((drop + 1))"
	bare_segment A 8080
	wait_for 60 counted "$srv" web accepted_packets $((acc + 1))
	expect_eq "bare ACK to 8080: judged as a first packet and accepted" \
		"$(counter "$srv" web accepted_packets) $(counter "$srv" web dropped_packets)" \
		"$((acc + 1)) $((drop + 1))"
}

# A connection exchanging a message every 20 ms; api's v2 no longer lets
# it reach 8080, so its socket is aborted when the apply returns: nothing
# sent after that is echoed. (It was "the last echo within a second of the
# apply": a time, which a slow VM stretches; a count of bytes it cannot.)
test_live_abort() {
	local flowing

	stream_start api "$cli" 10.77.0.2 8080 && flowing=1 || flowing=0
	"$ctl" -n "$cli" apply "$tmp/api.v2.json" >/dev/null
	stream_mark
	check "live abort: the stream was exchanging data before the apply" [ "$flowing" = 1 ]
	expect_eq "live abort: the client's socket was aborted" \
		"$(stream_field error)" "ECONNABORTED"
	check "live abort: nothing sent after the apply returned is echoed" stream_cut
	expect_verdicts "live abort: a new connection follows v2" api "$cli" 8080:deny \
		<<<'8080 try tcp 10.77.0.2 8080'
}

# The parameter is read when a namespace gets its first component.
test_tracked_namespace() {
	local before

	"$ctl" -n "$cli" component del api || { fail "tracked: component del api"; return; }
	echo 0 >"$param"
	"$ctl" -n "$cli" component add api cgroup "$(cgpath api)" &&
		"$ctl" -n "$cli" apply "$tmp/api.json" >/dev/null ||
		{ fail "tracked: api defined again"; return; }
	before=$(ct_count "$cli" tcp)
	expect_verdicts "tracked: TCP allowed" api "$cli" v4:allow \
		<<<'v4 try tcp 10.77.0.2 8080'
	check "tracked: the client's namespace has a conntrack entry more" \
		[ "$(ct_count "$cli" tcp)" -gt "$before" ]
	echo "# TCP conntrack entries: $cli $before -> $(ct_count "$cli" tcp), $srv $(ct_count "$srv" tcp)"
}

plan 13
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
test_verdicts_without_conntrack
test_bare_segments
test_live_abort
test_tracked_namespace
finish
