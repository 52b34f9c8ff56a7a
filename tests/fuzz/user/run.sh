#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The userspace fuzz targets (libFuzzer, ASan, UBSan), on the host:
#
#   run.sh replay              every corpus input once; TAP lines for make check
#   run.sh fuzz [TARGET...]    fuzz each target FUZZ_SECONDS (300), one at a
#                              time; fails on a finding, leaving its input in
#                              build/fuzz/user/findings/
#   run.sh merge [TARGET...]   add what the fuzz runs found that covers
#                              something new to corpus/TARGET (-merge=1)
#
# Targets: classify (kmod/compile.c + classify.c), manifest (compfwctl's
# manifest reader). FUZZ_ARGS: more libFuzzer options for fuzz.
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=$top/build/fuzz/user
targets="classify manifest"
mode=${1:-replay}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && targets="$*"

# Per target: the inputs it takes, and what helps it along.
opts() {
	case $1 in
	classify) echo "-max_len=1024" ;;
	# Past 4 KiB, jansson's allocations under ASan make it 30 times
	# slower. The seeds of two parts and of a rule too large for one
	# attribute are bigger: the replay runs them whole, fuzzing cut short.
	manifest) echo "-max_len=4096 -dict=$here/manifest.dict" ;;
	*) echo "run.sh: unknown target $1" >&2; return 1 ;;
	esac
}

build() {
	"$top/tests/lib/deps.sh" fuzz
	mkdir -p "$out"
	make -s -C "$here" OUT="$out" >"$out/build.log" 2>&1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# replay TARGET: each input of corpus/TARGET once, in one process.
replay() {
	local t=$1 log n start ms
	local -a files=("$here/corpus/$t"/*)

	log=$out/replay-$t.log
	n=${#files[@]}
	start=$(date +%s%N)
	if "$out/$t" "${files[@]}" >"$log" 2>&1; then
		ms=$((($(date +%s%N) - start) / 1000000))
		echo "ok - fuzz-user:$t: corpus of $n inputs replays clean"
		echo "# $t: $n inputs in $ms ms"
	else
		echo "not ok - fuzz-user:$t: corpus of $n inputs replays clean"
		grep '^Running:' "$log" | tail -n 1 | sed 's/^/# /'
		grep -E '^(fuzz_|==[0-9]+== ?ERROR|SUMMARY)|runtime error' "$log" | head -n 10 | sed 's/^/# /'
		return 1
	fi
}

# fuzz TARGET: FUZZ_SECONDS of it from its corpus; new inputs in new/TARGET.
fuzz() {
	local t=$1 secs=${FUZZ_SECONDS:-300} log rate o

	log=$out/fuzz-$t.log
	o=$(opts "$t") || return 1
	mkdir -p "$out/new/$t" "$out/findings"
	echo "# $t: fuzzing for $secs s (log: $log)"
	# one process (no -jobs: the machine is shared)
	# shellcheck disable=SC2086 # the options are words
	if "$out/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/findings/$t-" $o ${FUZZ_ARGS:-} \
		"$out/new/$t" "$here/corpus/$t" >"$log" 2>&1; then
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		echo "ok - fuzz-user:$t: $secs s without a finding, ${rate:-?} execs/s"
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)|DONE' "$log" |
			sed 's/^/# /'
	else
		echo "not ok - fuzz-user:$t: a finding in $secs s"
		grep -E '^(fuzz_|==[0-9]+== ?ERROR|SUMMARY)|runtime error|Test unit written' "$log" |
			head -n 10 | sed 's/^/# /'
		echo "# reproduce: $out/$t INPUT (the file named above)"
		return 1
	fi
}

# merge TARGET: the inputs of new/TARGET that add coverage, into the corpus.
merge() {
	local t=$1 before after o

	o=$(opts "$t") || return 1
	before=$(find "$here/corpus/$t" -type f | wc -l)
	# shellcheck disable=SC2086
	"$out/$t" -merge=1 -use_counters=0 $o "$here/corpus/$t" "$out/new/$t" >"$out/merge-$t.log" 2>&1 ||
		{ tail -n 5 "$out/merge-$t.log"; return 1; }
	after=$(find "$here/corpus/$t" -type f | wc -l)
	echo "# $t: corpus $before -> $after inputs"
}

if ! build; then
	echo "not ok - fuzz-user: targets build"
	sed 's/^/# /' "$out/build.log" | tail -n 30
	exit 1
fi
rc=0
for t in $targets; do
	case $mode in
	replay) replay "$t" || rc=1 ;;
	fuzz) fuzz "$t" || rc=1 ;;
	merge) merge "$t" || rc=1 ;;
	*) echo "usage: run.sh replay|fuzz|merge [TARGET...]" >&2; exit 2 ;;
	esac
done
exit $rc
