#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Frames from AF_PACKET sockets are judged like any other flow's first
# packet (kmod/pktsock.c). A SYN injected on lo does not reach a managed
# listener's denied port, with conntrack and with TCP followed by socket,
# through the qdisc or past it (PACKET_QDISC_BYPASS); an allowed port still
# answers. A managed component's own frames do not leave by a veth unless
# its egress allows them; an unmanaged process's frames do.
#
#  netns pk-$$                                   netns pkpeer-$$
#  ┌───────────────────────────────────────┐   ┌──────────────────────┐
#  │ component srv: tcp 8080, 8081 on lo    │   │                      │
#  │   ingress tcp 8080 only                │   │ sniffer on pkp$$     │
#  │ component raw: egress udp 9000 to .2   │   │ 10.78.0.2            │
#  │ pkl$$ 10.78.0.1 ───────────────────────┼───┼─ pkp$$               │
#  └───────────────────────────────────────┘   └──────────────────────┘
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe ip python3 timeout nsenter

ns=pk-$$
peer=pkpeer-$$
cgbase=/sys/fs/cgroup/compfw-test/pktsock-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-pktsock.XXXXXX")
pk=$top/tests/selftests/lib/pktsock.py

cleanup() {
	env_cleanup
	ip netns del "$ns" 2>/dev/null
	ip netns del "$peer" 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

in_ns() {
	local n=$1

	shift
	nsenter --net="/run/netns/$n" "$@"
}

# counter COMPONENT KEY: one of `component show`'s counters.
counter() {
	"$ctl" -n "$ns" -j component show "$1" | python3 -c '
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
print(find(json.load(sys.stdin), sys.argv[1]))' "$2"
}

# setup TCP_BY_SOCKET: a fresh module, namespaces and components.
setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw tcp_by_socket="$1" || return 1
	ip netns add "$ns" && ip netns add "$peer" || return 1
	ip link add pkl$$ netns "$ns" type veth peer name pkp$$ netns "$peer" || return 1
	# route_localnet and accept_local: so that an IPv4 frame from
	# 127.0.0.1 that arrives on lo is not a martian, and the test shows
	# what compfw does with it.
	in_ns "$ns" sh -e -c "ip link set lo up; ip link set pkl$$ up
		ip addr add 10.78.0.1/24 dev pkl$$
		sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.lo.route_localnet=1 \\
			net.ipv4.conf.all.accept_local=1 net.ipv4.conf.lo.accept_local=1" &&
	in_ns "$peer" sh -e -c "ip link set lo up; ip link set pkp$$ up
		ip addr add 10.78.0.2/24 dev pkp$$" || return 1
	env_cgroups srv raw plain || return 1
	start_server srv "$ns" tcp:8080 tcp:8081 || return 1
	echo '{ "component": "srv", "version": "1",
	  "exposure": [ {"protocol": "tcp", "ports": "8080-8081"} ],
	  "ingress": [ {"id": 1, "peer": "any", "protocol": "tcp", "ports": 8080} ] }' \
		>"$tmp/srv.json"
	echo '{ "component": "raw", "version": "1", "egress": [
		{"id": 1, "peer": {"cidr": "10.78.0.2/32"}, "protocol": "udp", "ports": 9000} ] }' \
		>"$tmp/raw.json"
	"$ctl" -n "$ns" component add srv cgroup "$(cgpath srv)" &&
	"$ctl" -n "$ns" component add raw cgroup "$(cgpath raw)" &&
	"$ctl" -n "$ns" apply "$tmp/srv.json" >/dev/null &&
	"$ctl" -n "$ns" apply "$tmp/raw.json" >/dev/null
}

teardown() {
	env_cleanup
	ip netns del "$ns" 2>/dev/null
	ip netns del "$peer" 2>/dev/null
	modprobe -r compfw
}

# syns [--wait S] SPEC...: pktsock.py syn on lo from the unmanaged cgroup
# "plain".
syns() {
	run_in plain "$ns" timeout -k 1 600 python3 "$pk" syn lo "$@" 2>&1
}

# test_lo MODE: SYNs injected on lo from the unmanaged cgroup "plain", in
# each family, through the qdisc and past it. The denied port's SYNs wait 2 s
# for an answer that must not come; an allowed port's SYN that saw none is
# sent again, waiting long, before that counts: the VM may be slow.
test_lo() {
	local mode=$1 drop specs="" sport=41000 fam how port got want again

	for fam in 6 4; do
		for how in qdisc bypass; do
			for port in 8081 8080; do
				sport=$((sport + 1))
				specs="$specs $fam:$port:$sport:$how"
			done
		done
	done
	drop=$(counter srv dropped_packets)
	# shellcheck disable=SC2086
	got=$(syns --wait 2 $specs)
	echo "$got" | sed 's/^/# /'
	for fam in 6 4; do
		for how in qdisc bypass; do
			grep -q "^$fam:8080:$how none$" <<<"$got" || continue
			sport=$((sport + 1))
			again=$(syns --wait 60 "$fam:8080:$sport:$how")
			echo "# again, waiting up to 60 s: $again"
			got=$(grep -v "^$fam:8080:$how none$" <<<"$got"; echo "$again")
		done
	done
	for fam in 6 4; do
		for how in qdisc bypass; do
			want=$(echo "$got" | grep -c "^$fam:8081:$how none$")
			expect_eq "$mode: IPv$fam SYN injected on lo ($how) to a denied port: no answer" \
				"$want" 1
			want=$(echo "$got" | grep -c "^$fam:8080:$how synack$")
			expect_eq "$mode: IPv$fam SYN injected on lo ($how) to an allowed port: answered" \
				"$want" 1
		done
	done
	check "$mode: srv counted a drop for each denied SYN" \
		[ "$(counter srv dropped_packets)" -ge "$((drop + 4))" ]
}

# frames CGROUP HOW: UDP frames to 9999 (denied) and 9000 (allowed) sent
# from CGROUP with an AF_PACKET socket; what a sniffer on the peer saw.
frames() {
	local cg=$1 how=$2 spid

	rm -f "$tmp/ready"
	in_ns "$peer" timeout -k 1 180 python3 "$pk" sniff pkp$$ "$tmp/ready" >"$tmp/sniff" 2>&1 &
	spid=$!
	wait_for 60 test -e "$tmp/ready"
	run_in "$cg" "$ns" python3 "$pk" udp pkl$$ 9999 "$cg-9999" "$how" &&
	run_in "$cg" "$ns" python3 "$pk" udp pkl$$ 9000 "$cg-9000" "$how" &&
	# The end marker, from an unmanaged process: the sniffer stops at it,
	# and whatever was sent before it has arrived by then.
	run_in plain "$ns" python3 "$pk" udp pkl$$ 9999 end qdisc
	wait "$spid"
	cat "$tmp/sniff"
}

test_veth() {
	local how drop

	for how in qdisc bypass; do
		drop=$(counter raw dropped_packets)
		expect_eq "veth ($how): a managed component's frames leave only as its egress allows" \
			"$(frames raw $how)" "raw-9000"
		check "veth ($how): raw counted the drop" \
			[ "$(counter raw dropped_packets)" -gt "$drop" ]
		expect_eq "veth ($how): an unmanaged process's frames leave" \
			"$(frames plain $how)" "plain-9000 plain-9999"
	done
}

plan 26
if setup 0; then
	pass "setup (conntrack)"
	test_lo conntrack
	test_veth
else
	fail "setup (conntrack)"
fi
teardown
if setup 1; then
	pass "setup (tcp_by_socket)"
	test_lo tcp_by_socket
else
	fail "setup (tcp_by_socket)"
fi
finish
