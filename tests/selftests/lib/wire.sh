# SPDX-License-Identifier: GPL-2.0
# A veth to a peer network namespace, and a capture on the peer's end, for
# the selftests that assert what reaches the wire (sourced after lib.sh).
#
#  init netns                          netns $wire_ns
#  $wire_if 10.78.0.1/24 fd78::1/64 ── $wire_peer 10.78.0.2/24 fd78::2/64
#           fe80::1                              fe80::2
#
# Link-local addresses are fixed (addrgenmode none), so that a component
# can own the one its kernel sends MLD from. fd78::3 is a neighbour of the
# peer's that is no one: a frame to it leaves the peer (and is captured) and
# is dropped by the other end as another host's, before any hook.

wire_ns=wire-$$
wire_if=cfwv$$
wire_peer=cfwp$$
wire_cap_pid=

wire_setup() {
	ip netns add "$wire_ns" &&
	ip link add "$wire_if" type veth peer name "$wire_peer" &&
	ip link set "$wire_peer" netns "$wire_ns" &&
	ip link set "$wire_if" addrgenmode none &&
	ip -n "$wire_ns" link set "$wire_peer" addrgenmode none &&
	ip addr add 10.78.0.1/24 brd + dev "$wire_if" &&
	ip addr add fd78::1/64 dev "$wire_if" nodad &&
	ip addr add fe80::1/64 dev "$wire_if" nodad &&
	ip link set "$wire_if" up &&
	ip -n "$wire_ns" link set lo up &&
	ip -n "$wire_ns" addr add 10.78.0.2/24 brd + dev "$wire_peer" &&
	ip -n "$wire_ns" addr add fd78::2/64 dev "$wire_peer" nodad &&
	ip -n "$wire_ns" addr add fe80::2/64 dev "$wire_peer" nodad &&
	ip -n "$wire_ns" link set "$wire_peer" up &&
	ip -n "$wire_ns" neigh add fd78::3 lladdr 02:00:00:00:00:03 dev "$wire_peer" nud permanent
}

wire_cleanup() {
	wire_capture_stop >/dev/null 2>&1
	ip netns del "$wire_ns" 2>/dev/null
	ip link del "$wire_if" 2>/dev/null
	return 0
}

# in_peer CMD...: run CMD in the peer namespace.
in_peer() {
	nsenter --net="/run/netns/$wire_ns" "$@"
}

# capturing LOG PID: tcpdump said it listens, or it is gone.
capturing() {
	grep -q "listening on" "$1" || ! kill -0 "$2" 2>/dev/null
}

# wire_capture_start FILE [FILTER...]: capture on the peer's end, waited for.
wire_capture_start() {
	local file=$1
	shift
	in_peer tcpdump -i "$wire_peer" -U -n -s 256 -w "$file" "$@" \
		>"$file.log" 2>&1 &
	wire_cap_pid=$!
	wait_for 60 capturing "$file.log" "$wire_cap_pid"
	grep -q "listening on" "$file.log" && return 0
	echo "# tcpdump did not start: $(cat "$file.log")"
	return 1
}

# wire_marked FILE: the capture in FILE has the end marker.
wire_marked() {
	tcpdump -r "$1" -n 2>/dev/null | grep -q " > fd78::3\.9: UDP"
}

# wire_capture_stop FILE: stop the capture once what was sent before is in
# it, print it as text (tcpdump -v). What was sent before is in the capture
# once the end marker, sent after it, is in FILE (tcpdump -U writes each
# packet as it reads it, in order): the peer sends it to fd78::3 from a
# socket without a flow label, so that none of a test's flow labels shows.
wire_capture_stop() {
	local file=${1:-}
	[ -n "$wire_cap_pid" ] || return 0
	if [ -n "$file" ]; then
		# 70: IPV6_AUTOFLOWLABEL, missing from Python's socket module.
		in_peer python3 -c 'import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, 70, 0)
s.sendto(b"compfw-wire-end", ("fd78::3", 9))'
		wait_for 60 wire_marked "$file" ||
			echo "# the capture's end marker never showed: it may miss packets" >&2
	fi
	kill "$wire_cap_pid" 2>/dev/null
	wait "$wire_cap_pid" 2>/dev/null
	wire_cap_pid=
	[ -n "$file" ] && tcpdump -r "$file" -n -v 2>/dev/null
	return 0
}
