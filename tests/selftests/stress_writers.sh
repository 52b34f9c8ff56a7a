#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # functions run by trap
# Four writers change their components for STRESS_SECONDS (60) while TCP,
# UDP and ICMP cross them (issue 13, 5). Each writer applies (one of three
# manifests, with a new version each time), rolls back, and deletes and
# adds its component again, at random, and logs each command with its
# CLOCK_MONOTONIC start and end. A probe in each component's cgroup opens
# a new flow at a time to every destination and logs each verdict with its
# send and answer times. Afterwards lib/stress.py check proves:
#
#  - each command succeeded or failed as the model of a component says
#    (apply on a component, rollback when there is a previous state,
#    delete, add when deleted), and each component's final state
#    (`compfwctl -j component show`: its version, unmanaged, or no
#    component) is its writer's last successful change;
#  - every flow that passed was allowed by a state that may have been in
#    force while it was judged: the state before a change until the change
#    ended, the state after it from its start; no manifest, or no
#    component, allows everything. Port 7009, which no manifest allows, is
#    there to show a violation. A denied flow proves nothing (a slow VM
#    loses answers) and is only counted.
#
# Each component's UDP probes use source ports of its own, 400 of them
# over and over, so that it reuses a tuple of its own closed flows within
# conntrack's 30 s: an entry a change leaves behind would let one pass.
# With STRESS_UDP_PORTS=any the kernel picks them, and a component then
# gets a port another one's closed socket had, to the same server port:
# that new socket's datagram matches the other component's conntrack
# entry. compfw judges every UDP datagram of a local socket for that
# reason (tests/selftests/udp_reuse.sh); before it did, such a datagram
# passed unjudged, and this mode showed it.
#
#  cgroups w0..w3 (components w0..w3)        netns peer-$$ (no component)
#  probes: tcp, udp 7001 7002 7003 7009      TCP and UDP echo on each port
#          icmp echo                         10.79.0.2
#  10.79.0.1 (init netns) ─────────── veth ───────────┘
#
#  manifests (lib/stress.py KINDS), egress to 10.79.0.2 only:
#   a: tcp 7001, udp 7001, icmp echo   b: tcp 7002, udp 7002
#   c: tcp 7001 and 7003, udp 7003, icmp echo
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe ip python3 timeout nsenter

seconds=${STRESS_SECONDS:-60}
# Whose UDP source ports: see lib/stress.py probe.
export UDP_PORTS=${STRESS_UDP_PORTS:-own}
names=(w0 w1 w2 w3)
peer=peer-$$
cgbase=/sys/fs/cgroup/compfw-test/writers-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-writers.XXXXXX")
stress=$top/tests/selftests/lib/stress.py
jobs_pids=()

cleanup() {
	local pid
	for pid in ${jobs_pids[@]+"${jobs_pids[@]}"}; do kill "$pid" 2>/dev/null; done
	for pid in ${jobs_pids[@]+"${jobs_pids[@]}"}; do wait "$pid" 2>/dev/null; done
	env_cleanup
	ip netns del "$peer" 2>/dev/null
	ip link del cfw$$ 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

setup() {
	local n
	modprobe compfw || return 1
	ip netns add "$peer" &&
		ip link add cfw$$ type veth peer name cfq$$ netns "$peer" &&
		ip addr add 10.79.0.1/24 dev cfw$$ && ip link set cfw$$ up &&
		nsenter --net="/run/netns/$peer" sh -e -c "ip link set lo up; ip link set cfq$$ up
			ip addr add 10.79.0.2/24 dev cfq$$" || return 1
	env_cgroups "${names[@]}" srv || return 1
	start_server srv "$peer" tcp:7001 tcp:7002 tcp:7003 tcp:7009 \
		udp:7001 udp:7002 udp:7003 udp:7009 || return 1
	for n in "${names[@]}"; do
		python3 "$stress" manifest "$n" a a.0 >"$tmp/$n.a.0.json" &&
			"$ctl" component add "$n" cgroup "$(cgpath "$n")" >/dev/null &&
			"$ctl" apply "$tmp/$n.a.0.json" || return 1
	done
}

plan 11
dmesg_mark=$(dmesg | wc -l)
if setup; then
	pass "setup: components w0..w3 with manifest a.0, echo servers in the peer"
else
	fail "setup: components w0..w3 with manifest a.0, echo servers in the peer"
	echo "Bail out! setup failed"
	exit 1
fi
# a.0 is in force everywhere: the probes' view of it, before the storm.
expect_verdicts "before the writers: a.0 lets w0 open tcp and udp 7001 and ping, not 7002 or 7009" \
	w0 host t1:allow u1:allow i:allow t2:deny u9:deny <<-'EOF'
	t1 try tcp 10.79.0.2 7001
	u1 try udp 10.79.0.2 7001
	i ping 10.79.0.2
	t2 try tcp 10.79.0.2 7002
	u9 try udp 10.79.0.2 7009
	EOF

i=0
for n in "${names[@]}"; do
	run_in_exec=1 run_in "$n" host timeout -k 1 $((seconds + 600)) \
		python3 "$stress" probe "$n" 10.79.0.2 "$tmp/$n.probes" "$seconds" "$i" \
		2>"$tmp/$n.probe.err" &
	jobs_pids+=($!)
	i=$((i + 1))
done
i=0
for n in "${names[@]}"; do
	python3 "$stress" writer "$n" "$(cgpath "$n")" "$tmp/$n.ops" "$seconds" "$ctl" "$tmp" \
		"$((i + $$))" 2>"$tmp/$n.writer.err" &
	jobs_pids+=($!)
	i=$((i + 1))
done
errs=""
for pid in "${jobs_pids[@]}"; do
	wait "$pid" || errs+=" $pid:$?"
done
jobs_pids=()
for n in "${names[@]}"; do
	[ -s "$tmp/$n.probe.err" ] && errs+=" $n probe: $(head -c 300 "$tmp/$n.probe.err")"
	[ -s "$tmp/$n.writer.err" ] && errs+=" $n writer: $(head -c 300 "$tmp/$n.writer.err")"
done
expect_eq "the probes and the writers ran $seconds s and ended cleanly" "${errs:-none}" none

# What each component is now, as a user sees it.
for n in "${names[@]}"; do
	if ! "$ctl" -j component show "$n" >"$tmp/$n.final" 2>"$tmp/$n.show.err"; then
		if grep -q "unknown component" "$tmp/$n.show.err"; then
			echo "absent: $(cat "$tmp/$n.show.err")" >"$tmp/$n.final"
		else
			echo "error: $(cat "$tmp/$n.show.err")" >"$tmp/$n.final"
		fi
	fi
done
python3 "$stress" check "$tmp" "${names[@]}" >"$tmp/check.out" 2>&1
# Its "ok TEXT" and "fail TEXT" lines are results; the "#:" lines after
# a failure say why.
grep '^# ' "$tmp/check.out"
checks=0 failed='' why=()
flush() {
	[ -n "$failed" ] && fail "$failed" ${why[@]+"${why[@]}"}
	failed='' why=()
}
while read -r word text; do
	case $word in
	ok) flush; pass "$text"; checks=$((checks + 1)) ;;
	fail) flush; failed=$text; checks=$((checks + 1)) ;;
	'#:') why+=("$text") ;;
	esac
done <"$tmp/check.out"
flush
[ "$checks" = 7 ] || { fail "the checker ran" "$(tail -n 20 "$tmp/check.out")"; exit 1; }

splats=$(dmesg | tail -n +$((dmesg_mark + 1)) |
	grep -E 'WARNING:|BUG:|Oops|blocked for more than|RCU stall|compfw: leaked|refcount_t')
[ -z "$splats" ] || echo "# kernel: $splats"
env_cleanup
for n in "${names[@]}"; do "$ctl" component del "$n" >/dev/null 2>&1; done
check "the module unloads at the end" modprobe -r compfw
finish
