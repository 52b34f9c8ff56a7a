#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every suite, on the host and in the Debian test kernels,
# ending with one line "N passed, N failed" summed over all of them.
#
#   KERNELS="6.1 6.12 sid"   which test kernels to boot (default all three;
#                            sid is the newest Debian ships, resolved now)
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/check
kernels=${KERNELS:-6.1 6.12 sid}
cd "$top"
rm -rf "$out"
mkdir -p "$out"

tests/lib/deps.sh all

# suite NAME CMD...: run one suite, keep its TAP, show it as it comes.
suite() {
	local name=$1
	shift
	echo "# === $name: $*"
	"$@" 2>"$out/$name.stderr" | tee "$out/$name.tap"
	local rc=$?
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
		echo "not ok - $name: exit status $rc" | tee -a "$out/$name.tap"
		tail -n 20 "$out/$name.stderr" | sed 's/^/# /'
	fi
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

# The executable scripts are the tests; lib.sh is only sourced.
selftests() {
	find tests/selftests -maxdepth 1 -name '*.sh' -perm -u+x | sort
}

suite cli tests/tools/run.sh
# Also prepares the ynl tooling the VM suites use (the guest cannot fetch it).
suite host tests/host/run.sh
suite kunit tests/kunit/run.sh
suite lint tests/lib/lint.sh
suite classify bench_classify
suite runner tests/vm/selftest.sh --kernel "${kernels%% *}"
for ver in $kernels; do
	suite "build-$ver" build_module "$ver"
	if [ -s "$out/ko-$ver" ]; then
		# ~15 minutes of TCG on a quiet host (27 suites); room for a loaded one
		suite "vm-$ver" tests/vm/run.sh --kernel "$ver" --timeout 3600 \
			--module "$(cat "$out/ko-$ver")" $(selftests)
	fi
done

summary=$(tests/lib/tap-summary.sh "$out"/*.tap)
echo "$summary"
case "$summary" in
*" 0 failed"*) exit 0 ;;
*) exit 1 ;;
esac
