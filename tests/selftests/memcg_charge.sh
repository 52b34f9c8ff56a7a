#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compfw's tables are charged to the memory cgroup of whoever applies them:
# a large manifest applied from a cgroup whose memory.max it exceeds fails
# with a clear message, and nothing changes.
#
#   /sys/fs/cgroup/memcg-$$/roomy   memory.max max: measures the apply
#   /sys/fs/cgroup/memcg-$$/small   memory.max 1 MiB: the apply's kernel
#                                   side runs here
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 strace pgrep

cg=/sys/fs/cgroup/memcg-$$
tmp=$(mktemp -d)
cleanup() {
	rmdir "$cg/roomy" "$cg/small" "$cg" 2>/dev/null
	rm -rf "$tmp"
	modprobe -r compfw 2>/dev/null
}
trap cleanup EXIT

memory() {
	"$ctl" -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)["memory_bytes"])'
}

generation() {
	"$ctl" -j component show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'
}

plan 5
modprobe compfw
echo "+memory" >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg/roomy" "$cg/small"
echo "+memory" >"$cg/cgroup.subtree_control"
"$ctl" component add probe address 10.77.0.1/32
"$ctl" component add big address 10.77.0.2/32
echo '{"component": "big", "egress": [{"peer": "any", "protocol": "tcp", "ports": 80}]}' >"$tmp/small.json"
"$ctl" apply "$tmp/small.json"
python3 - "$tmp/large.json" <<'PY'
import json, sys
rules = [{"id": i + 1, "peer": {"cidr": "10.%d.%d.%d/32" % (i >> 16 & 255, i >> 8 & 255, i & 255)},
          "protocol": "tcp", "ports": 1 + i % 60000} for i in range(60000)]
json.dump({"component": "%s", "egress": rules}, open(sys.argv[1], "w"))
PY
sed 's/"component": "%s"/"component": "probe"/' "$tmp/large.json" >"$tmp/probe.json"
sed 's/"component": "%s"/"component": "big"/' "$tmp/large.json" >"$tmp/big.json"

# A process's pages stay charged where they were faulted in: compfwctl
# builds its request in roomy, and is moved to small while strace holds it
# at the entry of the sendmsg() that carries the manifest (its last one, as
# counted on the first apply), so that only the kernel's tables meet
# small's limit, far below what they need.
before=$(memory)
check "the large manifest applies in a cgroup without a limit" \
	in_cgroup roomy strace -qq -f -o "$tmp/trace" -e trace=sendmsg "$ctl" apply "$tmp/probe.json"
nsend=$(grep -c sendmsg "$tmp/trace")
tables=$(( $(memory) - before ))
echo "# compfw's tables for the large manifest: $tables bytes; small's memory.max 1 MiB"
echo $((1 << 20)) >"$cg/small/memory.max"

# held PID: PID stopped by strace at the entry of its last sendmsg(), the
# one strace holds: $nsend calls in the trace, the last one unfinished.
held() {
	[ "$(cut -d' ' -f1 "/proc/$1/syscall")" = 46 ] &&
		grep -q '^State:.*tracing stop' "/proc/$1/status" &&
		[ "$(grep -c 'sendmsg(' "$tmp/held.trace")" = "$nsend" ] &&
		! grep 'sendmsg(' "$tmp/held.trace" | tail -n 1 | grep -q ') = '
}

# held_apply FILE: compfwctl apply FILE, its last sendmsg() held on entry;
# once it is held there, it moves to small, and the hold ends. The hold is
# not a time (a fixed one was a race with this shell on a loaded VM): strace
# would hold it ten minutes, and is killed instead, which lets the call go
# on. compfwctl's exit status comes from a shell of its own, since strace's
# is gone with it.
held_apply() {
	local pid strace rc
	rm -f "$tmp/rc"
	in_cgroup roomy strace -qq -f -o "$tmp/held.trace" -e trace=sendmsg \
		-e inject=sendmsg:delay_enter=600000000:when="$nsend" \
		sh -c '"$0" apply "$1"; echo $? >"$2"' "$ctl" "$1" "$tmp/rc" 2>"$tmp/err" &
	strace=$!
	wait_for 60 pgrep -x compfwctl
	pid=$(pgrep -n -x compfwctl)
	# Building 60,000 rules takes a while under TCG.
	if [ -z "$pid" ] || ! wait_for 600 held "$pid"; then
		pkill -9 -P "$strace" 2>/dev/null
		kill -9 "$strace" ${pid:+"$pid"} 2>/dev/null
		wait "$strace" 2>/dev/null
		echo "compfwctl was never held at its last sendmsg()" >&2
		return 1
	fi
	echo "$pid" >"$cg/small/cgroup.procs"
	# $! is the subshell that runs in_cgroup; strace is its child, and killing
	# strace itself is what ends the hold (killing only the subshell left
	# it to run out its ten minutes).
	pkill -9 -P "$strace"
	kill -9 "$strace" 2>/dev/null
	wait "$strace" 2>/dev/null
	wait_for 600 test -s "$tmp/rc"
	rc=$(cat "$tmp/rc" 2>/dev/null)
	# compfwctl's message, without the subshell's report of strace killed
	grep -v '^[^:]*: line [0-9]*: *[0-9]* Killed ' "$tmp/err" >&2
	return "${rc:-1}"
}

gen=$(generation big)
mem=$(memory)
expect_fail_msg "over memory.max the apply fails with a clear message" \
	"out of memory (the caller's memory cgroup, memory.max, is charged for compfw's tables)" \
	held_apply "$tmp/big.json"
expect_eq "nothing changed: generation" "$(generation big)" "$gen"
expect_eq "nothing changed: the manifest in force" \
	"$("$ctl" query big egress tcp 192.0.2.1 80 | cut -d' ' -f3)" accept
expect_eq "nothing is left allocated" "$(memory)" "$mem"
finish
