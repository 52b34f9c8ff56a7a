# SPDX-License-Identifier: GPL-2.0
# KTAP helpers shared by the compfw selftests (sourced, not run).
#
# A test script calls plan N, then one result helper per check, and ends
# with finish, which exits 0 when all passed, 1 on any failure, 4 when every
# check was skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=${COMPFWCTL:-$top/tools/compfwctl}
ksft_pass=0
ksft_fail=0
ksft_skip=0
ksft_n=0

plan() {
	echo "TAP version 13"
	echo "1..$1"
}

pass() {
	ksft_n=$((ksft_n + 1))
	ksft_pass=$((ksft_pass + 1))
	echo "ok $ksft_n $1"
}

fail() {
	ksft_n=$((ksft_n + 1))
	ksft_fail=$((ksft_fail + 1))
	echo "not ok $ksft_n $1"
	shift
	for line in "$@"; do echo "# $line"; done
}

skip() {
	ksft_n=$((ksft_n + 1))
	ksft_skip=$((ksft_skip + 1))
	echo "ok $ksft_n $1 # SKIP $2"
}

# check NAME CMD...: the command must succeed.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$ out: $*" "$out"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:  $2" "want: $3"; fi
}

# expect_fail_msg NAME WANT_SUBSTRING CMD...: the command must fail, print
# exactly one line on stderr, and that line must contain WANT_SUBSTRING.
expect_fail_msg() {
	local name=$1 want=$2 err rc lines
	shift 2
	err=$("$@" 2>&1 >/dev/null) && rc=0 || rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$want"* ]]; then
		pass "$name"
	else
		fail "$name" "exit $rc, $lines line(s) on stderr: $err" "want: $want"
	fi
}

# json_get JSON KEY: one top-level field of a JSON object.
json_get() {
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# require TOOL...: a missing tool fails the test, loudly: every one is
# installed by tests/lib/deps.sh (tests/host/test_deps.sh checks that).
require() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "not ok 1 - $tool is installed (tests/lib/deps.sh test installs it)"
			exit 1
		fi
	done
}

finish() {
	echo "# $ksft_pass passed, $ksft_fail failed, $ksft_skip skipped"
	[ "$ksft_fail" -eq 0 ] || exit 1
	[ "$ksft_pass" -gt 0 ] || exit 4
	exit 0
}

# wait_for SECONDS CMD...: run CMD (a shell function too, its output
# discarded) until it succeeds; fails if it still fails once SECONDS have
# passed, tried once more after the limit. The limit is for a real failure
# only: under TCG on a busy host a step takes many times what it takes on a
# quiet one, so give a minute, not what a quiet run needs.
wait_for() {
	local end late
	end=$(( ${EPOCHREALTIME//[!0-9]/} + $1 * 1000000 ))
	shift
	while :; do
		late=$(( ${EPOCHREALTIME//[!0-9]/} >= end ))
		"$@" >/dev/null 2>&1 && return 0
		[ "$late" = 1 ] && return 1
		sleep 0.05
	done
}

# monitor_sync FILE: wait until the `compfwctl monitor` writing FILE has
# joined the events group, which it does not say: a component of this
# function's own is applied, again, until FILE shows the change; it is
# deleted, and FILE shows that too. Its events name it (monitor-sync-PID);
# the caller's components see nothing of it.
monitor_sync() {
	local file=$1 name=monitor-sync-$$ ok=0
	echo "{\"component\": \"$name\"}" >"$file.sync.json"
	"$ctl" component add "$name" >/dev/null &&
		wait_for 60 sync_shown "$file" "$name" apply "$ctl" apply "$file.sync.json" &&
		"$ctl" component del "$name" >/dev/null &&
		wait_for 60 sync_shown "$file" "$name" delete true && ok=1
	rm -f "$file.sync.json"
	[ "$ok" = 1 ] || echo "# the monitor writing $file never showed an event"
	[ "$ok" = 1 ]
}

# sync_shown FILE NAME CHANGE CMD...: run CMD; FILE has NAME's CHANGE.
sync_shown() {
	local file=$1 name=$2 change=$3
	shift 3
	"$@" >/dev/null 2>&1
	grep -q "$name.*$change" "$file"
}

# in_cgroup NAME CMD...: run CMD as a process of the cgroup $cg/NAME (the
# test sets cg). In the background, $! would be a subshell, not CMD: use
# spawn_in_cgroup to have a PID that kills CMD.
in_cgroup() {
	local name=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg/$name" "$@"
}

# spawn_in_cgroup NAME OUT CMD...: CMD in $cg/NAME, in the background, its
# output to OUT; $! is CMD's own PID.
spawn_in_cgroup() {
	local name=$1 out=$2
	shift 2
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg/$name" "$@" >"$out" 2>&1 &
}

# listening PROTO PORT: something listens on PORT (tcp) or is bound to it (udp).
listening() {
	[ -n "$(ss -Hln --"$1" "sport = :$2" 2>/dev/null)" ]
}

# wait_listen PROTO PORT...: until each port is listened on (or a minute).
wait_listen() {
	local proto=$1 port
	shift
	for port in "$@"; do
		wait_for 60 listening "$proto" "$port" || return 1
	done
}
