#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The compfw family under nlfuzz (tests/fuzz/netlink/): valid, mutated and
# random requests built from the YAML spec, from several processes at once,
# while UDP and TCP flow through two managed components that the requests
# also change. Afterwards: every error carried an extack message, the
# module's counts equal what a dump shows, the kernel logged no splat, the
# module unloads without a leak (its own object count, then kmemleak where
# the kernel has it) and loads again.
#
#   FUZZ_COUNT (100000)  messages in all     FUZZ_SEED (1)   the seed
#   FUZZ_PROCS (4)       processes at once
# make fuzz-netlink runs it with 1,000,000 messages and a new seed.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3 nsenter ip socat

nlfuzz=$top/build/fuzz/netlink/nlfuzz
count=${FUZZ_COUNT:-100000}
seed=${FUZZ_SEED:-1}
procs=${FUZZ_PROCS:-4}
ns=compfw-fuzz-$$
cgbase=/sys/fs/cgroup/compfw-test/fuzz-$$
tmp=$(mktemp -d)
traffic=()

cleanup() {
	local pid
	for pid in ${traffic[@]+"${traffic[@]}"}; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	env_cleanup
	ip netns del "$ns" 2>/dev/null
	ip link del fz-host 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# splats: what the kernel logged after the line MARK that a bug prints.
splats() {
	dmesg | sed -n "/$1/,\$p" |
		grep -E 'WARNING:|BUG:|KASAN|UBSAN|KFENCE|possible recursive|circular locking|suspicious RCU|Oops|leaked|refcount_t' || true
}

# stats_moved NAME: the component's counters saw packets.
stats_moved() {
	"$ctl" -j component show "$1" | python3 -c 'import json,sys
s = json.load(sys.stdin)["stats"]
sys.exit(0 if s["accepted_packets"] + s["dropped_packets"] > 0 else 1)'
}

objects() { json_get "$("$ctl" -j status)" objects; }

plan 13
if [ ! -x "$nlfuzz" ]; then
	fail "nlfuzz is built" "make -C tests/fuzz/netlink builds it on the host (make check does)"
	finish
fi
modprobe -r compfw 2>/dev/null
if ! modprobe compfw; then
	fail "load compfw"
	finish
fi
echo "compfw-fuzz-start-$$" >/dev/kmsg


# A peer namespace behind a veth; components fz0 and fz1 send to it.
ip netns add "$ns"
ip link add fz-host type veth peer name fz-peer
ip link set fz-peer netns "$ns"
ip addr add 10.99.0.1/24 dev fz-host
ip link set fz-host up
nsenter --net="/run/netns/$ns" sh -c 'ip addr add 10.99.0.2/24 dev fz-peer &&
	ip link set fz-peer up && ip link set lo up'
env_cgroups fz0 fz1 fz2 fz3
# each namespace has an object of the module's: count with this one
base=$(objects)
start_server fz2 "$ns" tcp:7000
for c in fz0 fz1; do
	"$ctl" component add "$c" cgroup "$(cgpath "$c")" >/dev/null
	printf '{"component": "%s", "egress": [{"peer": {"cidr": "10.99.0.0/24"}}]}\n' "$c" >"$tmp/$c.json"
	"$ctl" apply "$tmp/$c.json" >/dev/null
done

# Traffic: UDP datagrams from fz0, TCP streams from fz1, each restarted
# when a manifest the fuzzer applied cut it.
nsenter --net="/run/netns/$ns" socat -u UDP-RECV:7001 /dev/null &
traffic+=($!)
(
	while :; do
		run_in fz0 host socat -u -b 512 /dev/zero UDP:10.99.0.2:7001 >/dev/null 2>&1
		sleep 0.1
	done
) &
traffic+=($!)
(
	while :; do
		run_in fz1 host timeout 600 python3 "$probe" stream 10.99.0.2 7000 "$tmp/never" 600 \
			>/dev/null 2>&1
		sleep 0.1
	done
) &
traffic+=($!)
expect_eq "--verify counts what is there before the run" "$("$nlfuzz" --verify)" \
	"status: 2 components, 2 rules; dump: 2 components, 2 rules"
check "traffic flows through fz0 before the run" wait_for 60 stats_moved fz0
check "traffic flows through fz1 before the run" wait_for 60 stats_moved fz1

cgs=$(cgpath fz0),$(cgpath fz1),$(cgpath fz2),$(cgpath fz3),/,/compfw-test/none
start=$(date +%s)
if "$nlfuzz" --seed "$seed" --count "$count" --procs "$procs" \
	--names fz0,fz1,fz2,fz3,fz4 --cgroups "$cgs" >"$tmp/fuzz.out" 2>"$tmp/fuzz.err"; then
	pass "$count messages (seed $seed, $procs processes): every error has an extack message"
else
	fail "$count messages (seed $seed, $procs processes): every error has an extack message" \
		"$(head -n 20 "$tmp/fuzz.err")"
fi
sed 's/^/# /' "$tmp/fuzz.out"
echo "# $(( $(date +%s) - start )) s"
# A generator that never gets past the checks reaches nothing behind them.
acked=$(sed -n 's/^valid requests acked: //p' "$tmp/fuzz.out")
never=$(awk '{ for (i = 1; i < NF; i += 2) { split($(i + 1), n, "/"); if (n[1] == 0) print $i } }' \
	<<<"$acked")
if [ -n "$acked" ] && [ -z "$never" ]; then
	pass "every operation took some of its valid requests"
else
	fail "every operation took some of its valid requests" "never: ${never:-no tally}"
fi
check "traffic still ran at the end" kill -0 "${traffic[1]}" "${traffic[2]}"
for pid in "${traffic[@]}"; do kill "$pid" 2>/dev/null; done
wait "${traffic[@]}" 2>/dev/null
traffic=()

# One --verify, both checked and shown: a second could see other counts.
if counts=$("$nlfuzz" --verify 2>&1); then
	pass "the module's counts equal what a dump shows"
else
	fail "the module's counts equal what a dump shows"
fi
echo "# $counts"
expect_eq "the kernel logged no splat" "$(splats "compfw-fuzz-start-$$")" ""
env_cleanup
check "compfw unloads" modprobe -r compfw
expect_eq "the unload found no object left (compfw's own count)" \
	"$(dmesg | sed -n "/compfw-fuzz-start-$$/,\$p" | grep -c 'compfw.*leak')" "0"
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	expect_eq "kmemleak finds nothing of compfw" \
		"$(grep -c compfw /sys/kernel/debug/kmemleak)" "0"
else
	skip "kmemleak finds nothing of compfw" "this kernel has no kmemleak"
fi
check "compfw loads again" modprobe compfw
expect_eq "a fresh module holds what it held before the run" "$(objects)" "$base"
modprobe -r compfw
finish
