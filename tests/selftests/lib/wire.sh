# SPDX-License-Identifier: GPL-2.0
# A veth to a peer network namespace, and a capture on the peer's end, for
# the selftests that assert what reaches the wire (sourced after lib.sh).
#
#  init netns                          netns $wire_ns
#  $wire_if 10.78.0.1/24 fd78::1/64 ── $wire_peer 10.78.0.2/24 fd78::2/64
#           fe80::1                              fe80::2
#
# Link-local addresses are fixed (addrgenmode none), so that a component
# can own the one its kernel sends MLD from.

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
	ip -n "$wire_ns" link set "$wire_peer" up
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

# wire_capture_stop FILE: stop the capture, print it as text (tcpdump -v).
wire_capture_stop() {
	local file=${1:-}
	[ -n "$wire_cap_pid" ] || return 0
	# Let what was sent last reach the capture.
	sleep 1
	kill "$wire_cap_pid" 2>/dev/null
	wait "$wire_cap_pid" 2>/dev/null
	wire_cap_pid=
	[ -n "$file" ] && tcpdump -r "$file" -n -v 2>/dev/null
	return 0
}
