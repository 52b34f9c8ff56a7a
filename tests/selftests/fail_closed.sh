#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Managed traffic fails closed: a packet of a managed component that compfw
# cannot parse (an L4 header cut short, an IPv6 header chain that cannot be
# walked, a fragment reaching the hook) is dropped and counted, even when
# the manifest allows everything; the same packets from an unmanaged
# process pass. In audit mode they pass, counted as audited.
#
#   cgroup closed  component "closed", may send anything anywhere
#   cgroup free    no component
#   both send from raw sockets (lib/rawsend.py) over a veth to a peer
#   namespace, where tcpdump tells what reached the wire (lib/wire.sh).
#
# An IPv4 fragment reaches the hooks from a socket with IP_NODEFRAG. An
# IPv6 fragment is held by nf_defrag_ipv6 unless it is untracked first:
# an nft notrack rule ahead of defrag (priority -500) does that.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
. "$(dirname "$0")/lib/wire.sh"
require modprobe ip python3 nsenter tcpdump
python3 -c 'import scapy' 2>/dev/null ||
	{ echo "not ok 1 - python3-scapy is installed (tests/lib/deps.sh test)"; exit 1; }

cgbase=/sys/fs/cgroup/compfw-test/closed-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-closed.XXXXXX")
rawsend=$top/tests/selftests/lib/rawsend.py
kinds=(v4-short-tcp v4-short-udp v4-frag v6-short-tcp v6-chain v6-frag)
cleanup() {
	nft delete table ip6 compfw_closed 2>/dev/null
	wire_cleanup
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

manifest() {	# manifest MODE
	cat >"$tmp/closed.json" <<-JSON
	{"component": "closed", "version": "t", "mode": "$1",
	 "egress": [{"id": 1, "peer": "any"}]}
	JSON
	"$ctl" apply "$tmp/closed.json"
}

counter() {	# counter NAME: a total of component "closed"
	"$ctl" -j stats closed | python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0]["totals"][sys.argv[1]])' "$1"
}

# on_wire CAPTURE-TEXT KIND TAG: did the packet KIND marked for TAG get out?
on_wire() {
	local mark=$(($3 * 16 + 1))
	local i
	for i in "${!kinds[@]}"; do
		[ "${kinds[$i]}" = "$2" ] && mark=$((mark + i))
	done
	case $2 in
	v4-*) grep -q "id $mark," <<<"$1" ;;
	*) grep -q "flowlabel $(printf '0x%05x' "$mark")" <<<"$1" ;;
	esac
}

# send_all CAPFILE CGROUP TAG...: capture while CGROUP sends every kind
# (with TAG), then print the capture.
send_all() {
	local file=$1 cg tag
	shift
	wire_capture_start "$file" ip or ip6 || return 1
	while [ $# -gt 0 ]; do
		cg=$1 tag=$2
		shift 2
		run_in "$cg" host python3 "$rawsend" "$tag" "${kinds[@]}" | sed 's/^/# /' >&2
	done
	wire_capture_stop "$file"
}

plan 20
modprobe -r compfw 2>/dev/null
check "load compfw" modprobe compfw
check "veth to a peer namespace" wire_setup
env_cgroups closed free
check "component add closed" "$ctl" component add closed cgroup "$(cgpath closed)"
check "apply an allow-all enforce manifest" manifest enforce
if command -v nft >/dev/null; then
	nft -f - <<-'EOF' || echo "# nft: no notrack rule for IPv6 fragments"
	table ip6 compfw_closed {
		chain out { type filter hook output priority -500; exthdr frag exists notrack; }
	}
	EOF
fi

cap=$(send_all "$tmp/a.pcap" closed 1 free 2)
echo "$cap" | sed 's/^/# wire: /'
v6frag_reaches=1
on_wire "$cap" v6-frag 2 || v6frag_reaches=0
dropped=0
for kind in "${kinds[@]}"; do
	if [ "$kind" = v6-frag ] && [ "$v6frag_reaches" = 0 ]; then
		# nf_defrag_ipv6 held it: no nft, or no notrack before defrag.
		skip "$kind from the managed component: dropped" "IPv6 fragments do not reach the hook"
		skip "$kind from an unmanaged process: on the wire" "IPv6 fragments do not reach the hook"
		continue
	fi
	on_wire "$cap" "$kind" 1 && fail "$kind from the managed component: dropped" ||
		pass "$kind from the managed component: dropped"
	on_wire "$cap" "$kind" 2 && pass "$kind from an unmanaged process: on the wire" ||
		fail "$kind from an unmanaged process: on the wire"
	dropped=$((dropped + 1))
done
expect_eq "each drop counted in dropped_packets" "$(counter dropped_packets)" "$dropped"

check "apply the manifest in audit mode" manifest audit
cap=$(send_all "$tmp/b.pcap" closed 3)
passed=0
for kind in "${kinds[@]}"; do
	[ "$kind" = v6-frag ] && [ "$v6frag_reaches" = 0 ] && continue
	on_wire "$cap" "$kind" 3 && passed=$((passed + 1))
done
expect_eq "audit mode lets them through" "$passed" "$dropped"
expect_eq "and counts them as audited" "$(counter audited_packets)" "$dropped"
finish
