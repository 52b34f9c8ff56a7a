#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2015 # functions run by trap, check, wait_for; A && B || C: C on any failure
# Namespaces and cgroups go away under live flows (issue 13, 5).
#
# Part 1, STRESS_NETNS_COUNT (100) times: a network namespace, a veth to
# it, a component with a manifest in it, and a flow from that component's
# cgroup to the init namespace: `busybox ping -i 0.02 | socat` makes one
# ICMP echo flow and, of its lines, one TCP stream that the server echoes;
# then `ip netns del` while they flow, and the flow's processes killed
# (they hold the namespace: it exits after them, with its component,
# manifest, hooks and the flows' conntrack entries). Namespaces exit
# asynchronously; once they have, the module holds as many objects
# (`compfwctl -j status`) as before. (No Python in the loop: under TCG a
# Python start costs seconds.)
#
#   netns sn-$$-I, cgroup nI                    init netns
#   component c: egress tcp 7101, icmp echo     TCP echo 7101 (no component)
#   10.80.X.2 ────────────── veth ───────────── 10.80.X.1
#
# Part 2, STRESS_CGROUP_COUNT (100) times: a cgroup with a process holding a
# TCP connection, a component on the cgroup whose manifest allows it; the
# processes are moved out and the cgroup removed while the socket lives.
# The component then shows its cgroup absent, the connection goes on, and
# a manifest that denies it (not the ping) still cuts it: socat reads
# ECONNABORTED, so the socket is still the component's. Then the component
# is deleted.
#
#   cgroup gJ (component gJ)                     netns peer-$$
#   10.81.0.1 (init netns) ─────── veth ─────── 10.81.0.2, TCP echo 7102
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe ip python3 timeout nsenter socat busybox

netns_count=${STRESS_NETNS_COUNT:-100}
cgroup_count=${STRESS_CGROUP_COUNT:-100}
peer=peer-$$
cgbase=/sys/fs/cgroup/compfw-test/netns-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-netns.XXXXXX")
flow=

cleanup() {
	[ -n "$flow" ] && kill -9 "$flow" 2>/dev/null && wait "$flow" 2>/dev/null
	env_cleanup
	ip netns list | awk -v p="sn-$$-" 'index($1, p) == 1 { print $1 }' |
		while read -r ns; do ip netns del "$ns"; done
	ip netns del "$peer" 2>/dev/null
	ip link del cfn$$ 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

objects() { json_get "$("$ctl" -j status)" objects; }

# objects_back N: the module holds N objects.
objects_back() { [ "$(objects)" = "$1" ]; }

# lines_above FILE N: FILE has more than N lines.
lines_above() { [ "$(wc -l <"$1" 2>/dev/null)" -gt "$2" ] 2>/dev/null; }

# show NETNS NAME: `component show` as text; NETNS "host" for the init
# namespace.
show() {
	local n=()
	[ "$1" = host ] || n=(-n "$1")
	"$ctl" ${n[@]+"${n[@]}"} component show "$2"
}

# flow_start CGROUP NETNS ADDR PORT OUT: the ping and socat pipeline, in
# the background ($flow), the echoed lines in OUT, socat's errors in OUT.err.
flow_start() {
	# shellcheck disable=SC2016 # the inner shell expands them
	run_in_exec=1 run_in "$1" "$2" sh -c \
		'busybox ping -i 0.02 "$0" | socat - "TCP:$0:$1"' "$3" "$4" >"$5" 2>"$5.err" &
	flow=$!
}

# emptied CGROUP: no process is left in it.
emptied() { grep -q '^populated 0' "$cgbase/$1/cgroup.events"; }

# one_netns I: part 1, once; prints what went wrong, if anything.
one_netns() {
	local i=$1 ns=sn-$$-$1 net=10.80.$(($1 / 64)).$(($1 % 64 * 4)) out=$tmp/flood.$1 acc
	local host=${net%.*}.$((${net##*.} + 1)) inner=${net%.*}.$((${net##*.} + 2))

	ip netns add "$ns" &&
		ip link add "cfa$i-$$" type veth peer name cfb netns "$ns" &&
		ip addr add "$host/30" dev "cfa$i-$$" && ip link set "cfa$i-$$" up &&
		nsenter --net="/run/netns/$ns" sh -e -c "ip link set lo up; ip link set cfb up
			ip addr add $inner/30 dev cfb" &&
		mkdir "$cgbase/n$i" || { echo "#$i: setup"; return; }
	cat >"$tmp/c.json" <<-EOF
	{ "component": "c", "version": "$i", "egress": [
		{"id": 1, "peer": {"cidr": "$host/32"}, "protocol": "tcp", "ports": 7101},
		{"id": 2, "peer": {"cidr": "$host/32"}, "protocol": "icmp", "icmp_type": 8} ] }
	EOF
	"$ctl" -n "$ns" component add c cgroup "$(cgpath "n$i")" >/dev/null &&
		"$ctl" -n "$ns" apply "$tmp/c.json" || { echo "#$i: component"; return; }
	flow_start "n$i" "$ns" "$host" 7101 "$out"
	# Five echoed lines: the ping's replies, sent on the stream and back.
	wait_for 60 lines_above "$out" 5 || echo "#$i: no flow ($(cat "$out.err"))"
	acc=$(show "$ns" c | awk '$1 == "accepted" { print $2 }')
	# The echo request's and the stream's first packets, at least.
	[ "${acc:-0}" -ge 2 ] 2>/dev/null || echo "#$i: accepted $acc packets"
	# The flow goes on while the name goes; its processes are the
	# namespace's last users, and it exits after them.
	ip netns del "$ns" || echo "#$i: ip netns del"
	kill -0 "$flow" 2>/dev/null || echo "#$i: the flow ended before it was killed"
	echo 1 >"$cgbase/n$i/cgroup.kill"
	wait "$flow" 2>/dev/null
	flow=
	wait_for 60 emptied "n$i" && rmdir "$cgbase/n$i" || echo "#$i: rmdir"
	rm -f "$out" "$out.err"
}

# one_cgroup J: part 2, once; prints what went wrong, as "what:#J" words.
one_cgroup() {
	local j=$1 out=$tmp/hold.$1 n pids pid text

	mkdir "$cgbase/g$j" || { echo "setup:#$j"; return; }
	for v in allow deny; do
		sed "s/\"app\"/\"g$j\"/" "$tmp/$v.json" >"$tmp/g.$v.json"
	done
	"$ctl" component add "g$j" cgroup "$(cgpath "g$j")" >/dev/null &&
		"$ctl" apply "$tmp/g.allow.json" || { echo "component:#$j"; return; }
	flow_start "g$j" host 10.81.0.2 7102 "$out"
	wait_for 60 lines_above "$out" 5 || echo "flow:#$j"
	pids=$(cat "$cgbase/g$j/cgroup.procs")
	for pid in $pids; do echo "$pid" >"$cgbase/out/cgroup.procs"; done
	rmdir "$cgbase/g$j" || echo "rmdir:#$j"
	text=$(show host "g$j")
	grep -q "^cgroup  *$(cgpath "g$j") (absent)$" <<<"$text" &&
		grep -q '^cgroup id  *-$' <<<"$text" || echo "absent:#$j"
	n=$(awk '$1 == "accepted" { print $2 }' <<<"$text")
	# The echo request's and the stream's first packets, at least.
	[ "${n:-0}" -ge 2 ] 2>/dev/null || echo "accepted:#$j"
	wait_for 60 lines_above "$out" "$(wc -l <"$out")" || echo "goes-on:#$j"
	"$ctl" apply "$tmp/g.deny.json" >/dev/null || echo "apply-deny:#$j"
	wait_for 60 grep -q 'Software caused connection abort' "$out.err" ||
		echo "cut:#$j($(tr '\n' ' ' <"$out.err"))"
	"$ctl" component del "g$j" || echo "del:#$j"
	# shellcheck disable=SC2086 # a list of PIDs
	kill -9 $pids 2>/dev/null
	wait "$flow" 2>/dev/null
	flow=
	rm -f "$out" "$out.err"
}

plan 12
modprobe compfw
dmesg_mark=$(dmesg | wc -l)
objects0=$(objects)
status0=$(status_counts)
echo "# at the start: $objects0 objects"
env_cgroups srv out || { echo "Bail out! cgroups"; exit 1; }
start_server srv host tcp:7101 || { echo "Bail out! server"; exit 1; }

errors=""
for i in $(seq 1 "$netns_count"); do
	errors+=$(one_netns "$i")
done
expect_eq "$netns_count namespaces: component, manifest, flow judged, then deleted under it" \
	"${errors:-none}" none
if wait_for 300 objects_back "$objects0"; then
	pass "once the namespaces have exited, the module holds $objects0 objects again"
else
	fail "once the namespaces have exited, the module holds $objects0 objects again" \
		"it holds $(objects)" "namespaces left: $(ip netns list | grep -c "sn-$$-")"
fi
expect_eq "the init namespace's components and rules are as they were" "$(status_counts)" "$status0"
left=$(ip -br link | grep -c "^cfa[0-9]*-$$")
expect_eq "the namespaces' veths are gone" "$left" 0

# Part 2.
ip netns add "$peer" &&
	ip link add cfn$$ type veth peer name cfm$$ netns "$peer" &&
	ip addr add 10.81.0.1/24 dev cfn$$ && ip link set cfn$$ up &&
	nsenter --net="/run/netns/$peer" sh -e -c "ip link set lo up; ip link set cfm$$ up
		ip addr add 10.81.0.2/24 dev cfm$$" &&
	start_server srv "$peer" tcp:7102 || { echo "Bail out! part 2 setup"; exit 1; }
# Both let the ping out; the second denies the stream.
for v in allow:7102 deny:7103; do
	cat >"$tmp/${v%:*}.json" <<-EOF
	{ "component": "app", "version": "${v%:*}", "egress": [
		{"id": 1, "peer": {"cidr": "10.81.0.2/32"}, "protocol": "tcp", "ports": ${v#*:}},
		{"id": 2, "peer": {"cidr": "10.81.0.2/32"}, "protocol": "icmp", "icmp_type": 8} ] }
	EOF
done
errors=$(for j in $(seq 1 "$cgroup_count"); do one_cgroup "$j"; done)
# pick WHAT: the cgroups for which WHAT went wrong.
pick() { tr ' ' '\n' <<<"$errors" | sed -n "s/^$1:#//p" | paste -sd' '; }
echo "# part 2: ${errors:-no errors}"
expect_eq "$cgroup_count cgroups removed while a socket of theirs lived" \
	"$(pick setup) $(pick component) $(pick flow) $(pick rmdir)" "   "
expect_eq "component show says their cgroups are absent" "$(pick absent)" ""
expect_eq "the connections went on after their cgroup was removed" "$(pick goes-on)" ""
expect_eq "their flows were judged: the components accepted their first packets" "$(pick accepted)" ""
expect_eq "a manifest denying them still cut them: the client reads ECONNABORTED" \
	"$(pick apply-deny) $(pick cut)" " "
expect_eq "and their components deleted" "$(pick del)" ""
env_cleanup
ip netns del "$peer"
splats=$(dmesg | tail -n +$((dmesg_mark + 1)) |
	grep -E 'WARNING:|BUG:|Oops|blocked for more than|RCU stall|compfw: leaked|refcount_t')
[ -z "$splats" ] || echo "# kernel: $splats"
if wait_for 300 objects_back "$objects0"; then
	pass "with the components deleted, the module holds $objects0 objects again"
else
	fail "with the components deleted, the module holds $objects0 objects again" "it holds $(objects)"
fi
check "the module unloads at the end" modprobe -r compfw
finish
