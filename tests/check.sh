#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every suite, on the host and in each test kernel, ending with
# one line "N passed, N failed" summed over all of them.
#
#   KERNELS="6.1 debug"   which test kernels run every selftest (default
#                         6.1 6.12 sid; sid is the newest Debian ships);
#                         the KUnit suites always run on the debug kernel,
#                         and so do the selftests of tests/selftests/debug.list
#   CHECK_JOBS=N          suites run at once (default: nproc); each VM
#                         is one host thread, so two cores run two
#
# The suites run as independent jobs, longest first; each one's TAP is
# printed whole when it ends, and kept in build/check/NAME.tap.
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/check
kernels=${KERNELS:-6.1 6.12 sid}
jobs=${CHECK_JOBS:-$(nproc)}
cd "$top"
rm -rf "$out"
mkdir -p "$out"

tests/lib/deps.sh all

# run_suite NAME CMD...: one suite; its TAP in $out/NAME.tap, printed when
# it ends (under a lock, so that two suites' output never interleaves).
run_suite() {
	local name=$1 rc t0
	shift
	t0=$(date +%s)
	"$@" >"$out/$name.tap" 2>"$out/$name.stderr"
	rc=$?
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
		{
			echo "not ok - $name: exit status $rc"
			tail -n 20 "$out/$name.stderr" | sed 's/^/# /'
		} >>"$out/$name.tap"
	fi
	(
		flock 8
		echo "# === $name ($(( $(date +%s) - t0 )) s): $*"
		cat "$out/$name.tap"
	) 8>"$out/.print"
}

# slot: wait until a job slot is free.
slot() {
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
}

# suite NAME CMD...: start it once a job slot is free.
suite() {
	slot
	run_suite "$@" &
}

# build_module VER: compfw.ko for VER, which must build without a warning.
build_module() {
	local ver=$1 log=$out/build-$1.log ko
	if ko=$(tests/lib/build-module.sh "$ver" 2>"$log" | tail -n 1) && [ -f "$ko" ]; then
		if grep -q 'warning:' "$log"; then
			echo "not ok - build:$ver: compfw.ko builds with W=1 without warnings"
			grep 'warning:' "$log" | sed 's/^/# /'
		else
			echo "ok - build:$ver: compfw.ko builds with W=1 without warnings"
		fi
		echo "$ko" >"$out/ko-$ver"
		tests/lib/layers.sh "$(dirname "$ko")" | sed "s/^\(\(not \)\{0,1\}ok - \)layers:/\1layers:$ver:/"
	else
		echo "not ok - build:$ver: compfw.ko builds"
		tail -n 30 "$log" | sed 's/^/# /'
	fi
}

# The classifier's cost, counted with callgrind: flat in the number of rules.
bench_classify() {
	local out rc
	out=$(tests/bench/classify-bench.sh 2>&1) && rc=0 || rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ]; then
		echo "ok - bench: classify() instructions grow < 20% from 10 to 100,000 rules"
	else
		echo "not ok - bench: classify() instructions grow < 20% from 10 to 100,000 rules"
	fi
}

# The executable scripts are the tests; lib.sh is only sourced. Those of
# tests/selftests/check-skip.list are left to make stress.
selftests() {
	find tests/selftests -maxdepth 1 -name '*.sh' -perm -u+x | sort |
		grep -v -x -F -f <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
			-e 's|^|tests/selftests/|' tests/selftests/check-skip.list)
}

# The selftests that also run on the debug kernel when it is not in
# KERNELS, and the environment they get there: tests/selftests/debug.list.
debug_list() {
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' tests/selftests/debug.list
}
debug_selftests() {
	local t
	for t in $(debug_list | grep -v =); do
		echo "tests/selftests/$t"
	done
}
debug_env() {
	local e
	for e in $(debug_list | grep =); do
		printf -- '--env\n%s\n' "$e"
	done
}

# The stress selftests' counts in make check: a tenth of the issue's, half
# its time (they took 330 s, 97 s and 468 s on 6.1 at full counts, over
# CI's time on three kernels); make stress runs them at full counts.
stress_env=(--env STRESS_RMMOD_COUNT=10 --env STRESS_SECONDS=30
	--env STRESS_NETNS_COUNT=10 --env STRESS_CGROUP_COUNT=10)

# kernel VER [TEST...]: build the module, then the TESTs (default: every
# selftest) in one VM.
kernel() {
	local ver=$1 t envs=("${stress_env[@]}")
	shift
	build_module "$ver"
	[ -s "$out/ko-$ver" ] || return 1
	if [ $# -eq 0 ]; then
		# shellcheck disable=SC2046 # one path per test
		set -- $(selftests)
	else
		for t in "$@"; do
			[ -x "$t" ] || echo "not ok - $ver: $t (tests/selftests/debug.list) exists"
		done
		mapfile -t -O "${#envs[@]}" envs < <(debug_env)
	fi
	# ~20 minutes of TCG on a quiet core for a distro kernel, several
	# times that for the debug kernel; room for a loaded host.
	tests/vm/run.sh --kernel "$ver" --timeout 10800 --module "$(cat "$out/ko-$ver")" \
		${envs[@]+"${envs[@]}"} "$@"
}

# The ynl tooling and the netlink fuzzer the VM suites use are prepared on
# the host (the guest cannot fetch or build them), before any VM starts;
# netlink_fuzz.sh fails if nlfuzz is missing.
tests/lib/ynl.sh tree >/dev/null 2>&1
make -s -C tests/fuzz/netlink >"$out/nlfuzz-build.log" 2>&1

# debug_lane: KUnit, then the selftests, on the debug kernel, one after
# the other in one job slot (both wait for its build): every selftest when
# KERNELS names it, else those of tests/selftests/debug.list.
debug_lane() {
	run_suite kunit tests/kunit/run.sh
	case " $kernels " in
	*" debug "*) run_suite kernel-debug kernel debug ;;
	# shellcheck disable=SC2046 # one path per test
	*) run_suite kernel-debug kernel debug $(debug_selftests) ;;
	esac
}

# Longest first: the debug kernel (a build, then the slowest VMs).
slot
debug_lane &
for ver in $kernels; do
	[ "$ver" = debug ] || suite "kernel-$ver" kernel "$ver"
done
# The runner's own checks boot a distro kernel: quick, and always there.
suite runner tests/vm/selftest.sh --kernel 6.1
suite cli tests/tools/run.sh
suite fuzz-user tests/fuzz/user/run.sh replay
suite host tests/host/run.sh
suite pkg tests/pkg/run.sh
suite lint tests/lib/lint.sh
suite classify bench_classify
wait

# The failures again, last: CI shows only the end of a long output.
if grep -q '^not ok' "$out"/*.tap; then
	echo "# === the failures"
	grep -H '^not ok' "$out"/*.tap | sed "s|^$out/|# |"
fi
summary=$(tests/lib/tap-summary.sh "$out"/*.tap)
echo "$summary"
case "$summary" in
*" 0 failed"*) exit 0 ;;
*) exit 1 ;;
esac
