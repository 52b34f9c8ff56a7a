#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Classifier benchmark: instructions per lookup under callgrind (only the
# lookups() loop is collected), bytes per rule and compile time (native
# run), for policies of 10, 1,000 and 100,000 rules. Fails if any flow's
# instructions per lookup at 100,000 rules exceed 1.2x those at 10 rules.
#
# Flows: last = matches only the last rule installed (an IPv4 /32),
#        comp = matches only the last peer-component rule,
#        miss = matches nothing (default deny; every prefix length probed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/../../build/bench}
lookups=${LOOKUPS:-10000}
sizes=${SIZES:-"10 1000 100000"}

command -v valgrind >/dev/null || { echo "valgrind missing" >&2; exit 4; }
make -s -C "$here" OUT="$out" all
"$out/classify-unit" >"$out/unit.log" || { cat "$out/unit.log"; exit 1; }

ir() {	# rules flow -> instructions per lookup
	f="$out/callgrind.$1.$2"
	valgrind --tool=callgrind --callgrind-out-file="$f" --collect-atstart=no \
		--toggle-collect=lookups "$out/classify-bench" "$1" "$2" "$lookups" \
		>/dev/null 2>"$f.log" || { cat "$f.log" >&2; exit 1; }
	awk -v n="$lookups" '/^(summary|totals):/ { t = $2 } END { printf "%.0f", t / n }' "$f"
}

printf '%8s %10s %10s %10s %11s %12s\n' rules ir/last ir/comp ir/miss bytes/rule compile_ms
fail=0
for n in $sizes; do
	set -- $("$out/classify-bench" "$n" info)
	bpr=$2 ms=$3
	last=$(ir "$n" last) comp=$(ir "$n" comp) miss=$(ir "$n" miss)
	printf '%8s %10s %10s %10s %11s %12s\n' "$n" "$last" "$comp" "$miss" "$bpr" "$ms"
	if [ -z "${base_last:-}" ]; then
		base_last=$last base_comp=$comp base_miss=$miss
	fi
done
for f in last comp miss; do
	eval b=\$base_$f v=\$$f
	if [ $((v * 10)) -gt $((b * 12)) ]; then
		echo "FAIL: $f: $v instructions/lookup at $n rules > 1.2 x $b" >&2
		fail=1
	fi
done
awk -v b="$bpr" 'BEGIN { exit !(b > 128) }' && { echo "FAIL: $bpr bytes/rule > 128" >&2; fail=1; }
awk -v m="$ms" 'BEGIN { exit !(m > 1000) }' && { echo "FAIL: compile $ms ms > 1 s" >&2; fail=1; }
[ $fail = 0 ] && echo "ok: lookup cost flat within 1.2x, <= 128 bytes/rule, compile < 1 s"
exit $fail
