#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [KERNEL=6.1|6.12]: the data-plane, control-plane and classifier
# benchmark. Builds compfw.ko, compfwctl and the benchmark's helpers, makes
# the rule sets (gen-rules.py), boots the test VM once to run vm-bench.sh
# (every configuration RUNS times, interleaved), boots it again with an
# instruction-counting clock (qemu -icount) for a second, deterministic
# measure of the data plane, runs the callgrind
# classifier benchmark (classify-bench.sh) on the host, and writes
# build/bench/results.json and build/bench/results.md (report.py).
#
# Environment: KERNEL (6.1), RUNS (5), IPERF_SECS (4), ICOUNT_IPERF_SECS (2),
# CONN_SECS (2), CONFIGS ("base ct cf10 cf100k cfsock ipt nft"), CTL_RUNS (5),
# APPLY_100K_RUNS (3), BENCH_TIMEOUT (VM seconds: 1200, 2400 for the icount
# run), CLOCKS ("wall icount": which VM runs), ICOUNT_SHIFT (2: a guest
# instruction is 2^N ns), SKIP_CLASSIFY=1 (no callgrind), SKIP_VM=1 (report
# from the last VM logs), HOST=1 (with SKIP_VM=1: measure the host's side
# again, e.g. after a change to compfwctl).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/bench
kernel=${KERNEL:-6.1}
cd "$top"
mkdir -p "$out/rules"

say() { echo "bench: $*" >&2; }

build() {
	make -s tools/compfwctl
	ko=$(tests/lib/build-module.sh "$kernel" | tail -n 1)
	[ -f "$ko" ] || { say "no compfw.ko for $kernel"; exit 1; }
	local nl
	nl="$(pkg-config --cflags libnl-genl-3.0) -Iuapi"
	gcc -O2 -Wall -Wextra -Werror $nl -o "$out/compfw-bulk" "$here/bulk.c" \
		$(pkg-config --libs libnl-genl-3.0)
	gcc -O2 -Wall -Wextra -Werror -o "$out/connrate" "$here/connrate.c"
	gcc -O2 -Wall -Wextra -Werror -o "$out/execloop" "$here/execloop.c"
	gcc -O2 -Wall -Wextra -Werror -static -nostdlib -fno-stack-protector \
		-o "$out/nothing" "$here/nothing.c"
	gcc -O2 -Wall -Wextra -Werror $nl $(pkg-config --cflags jansson) \
		-o "$out/ctl-cost" "$here/ctl-cost.c" \
		$(ls tools/*.c | grep -v 'tools/compfwctl.c$') \
		$(pkg-config --libs libnl-genl-3.0 jansson)
	make -s -C "$here" OUT="$out" all
}

rules() {	# DIR COMPONENTS RULES_EACH; kept while newer than gen-rules.py
	[ "$out/rules/$1/compfw.json" -nt "$here/gen-rules.py" ] && return
	mkdir -p "$out/rules/$1"
	python3 "$here/gen-rules.py" "$out/rules/$1" "$2" "$3" 198.18.0.2 5201
}

native_calibration() {
	local i t0 t1
	for i in 1 2 3; do
		set -- $("$out/classify-bench" 100000 info)
		printf 'BENCH\tcalibration/native\tclassify_compile_100k\tms\t%s\n' "$3"
	done
	# compfwctl's own share of an apply, natively: exec and dynamic
	# linking, then parsing and encoding the file (ctl-cost.c).
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N)
		for _ in $(seq 20); do tools/compfwctl --version >/dev/null; done
		t1=$(date +%s%N)
		printf 'BENCH\tcontrol/native\texec\tms\t%s\n' \
			"$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 20e6 }')"
	done
	for i in 1 2 3; do
		printf 'BENCH\tcontrol/apply_100000_rules\tuserspace_native\tms\t%s\n' \
			"$("$out/ctl-cost" "$out/rules/100k/compfw.json" 1)"
		printf 'BENCH\tcontrol/apply_1000_rules\tuserspace_native\tms\t%s\n' \
			"$("$out/ctl-cost" "$out/rules/1k/compfw.json" 1)"
		printf 'BENCH\tcontrol/replace_1_of_10000\tuserspace_native\tms\t%s\n' \
			"$("$out/ctl-cost" "$out/rules/100k/replace-a.json" 1)"
	done
}

machine() {
	printf 'INFO\thost_cpu\t%s\n' "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	printf 'INFO\thost_cpus\t%s\n' "$(nproc)"
	printf 'INFO\thost_mem_kb\t%s\n' "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
	printf 'INFO\thost_kernel\t%s\n' "$(uname -r)"
	printf 'INFO\tqemu\t%s\n' "$(qemu-system-x86_64 --version | head -1)"
	printf 'INFO\tcommit\t%s%s\n' "$(git rev-parse --short HEAD 2>/dev/null)" \
		"$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
	printf 'INFO\tdate\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
}

# vm_run wall|icount: one VM run of vm-bench.sh, its log in vm[-icount]-VER.log.
# The icount run has one vCPU: qemu's instruction-counting clock does not
# bring a second one up, and one CPU doing both ends' work is what makes
# the rates work per instruction.
vm_run() {
	local clock=$1 log=$out/vm-$kernel.log rc=0
	local -x COMPFW_QEMU_EXTRA=${COMPFW_QEMU_EXTRA:-}
	local timeout=${BENCH_TIMEOUT:-1200} secs=${IPERF_SECS:-4}
	if [ "$clock" = icount ]; then
		log=$out/vm-icount-$kernel.log
		COMPFW_QEMU_EXTRA+=" -icount shift=${ICOUNT_SHIFT:-2},sleep=off -smp 1"
		# Counted instructions need no long stream to agree; qemu
		# counting them runs slower than plain TCG.
		secs=${ICOUNT_IPERF_SECS:-2} timeout=${BENCH_TIMEOUT:-2400}
	fi
	sed -i '/^CLOCK=\|^ICOUNT_SHIFT=\|^IPERF_SECS=/d' "$out/params.env"
	echo "CLOCK=$clock ICOUNT_SHIFT=${ICOUNT_SHIFT:-2} IPERF_SECS=$secs" >>"$out/params.env"
	say "VM run on $kernel, $clock clock (at most $timeout s)"
	tests/vm/run.sh --kernel "$kernel" --module "$ko" --timeout "$timeout" \
		tests/bench/vm-bench.sh >"$log" 2>&1 || rc=$?
	grep -v $'^# BENCH\t\|^# INFO\t' "$log" | grep -E '^(ok|not ok)|^# (iperf3|connrate|6\.)' >&2 || true
	[ $rc = 0 ] || say "the $clock VM run failed (exit $rc): see $log"
	return $rc
}

if [ "${SKIP_VM:-0}" != 1 ]; then
	build
	say "rule sets"
	rules 100k 10000 10
	rules 10 1 10
	rules 1k 100 10
	rules 1 1 1
	cat >"$out/params.env" <<-EOF2
	RUNS=${RUNS:-5}
	CONN_SECS=${CONN_SECS:-2}
	CONFIGS="${CONFIGS:-base ct cf10 cf100k cfsock ipt nft}"
	CTL_RUNS=${CTL_RUNS:-5}
	APPLY_100K_RUNS=${APPLY_100K_RUNS:-3}
	EOF2
	{ machine; native_calibration; } >"$out/host-$kernel.txt"
	vm_rc=0
	for clock in ${CLOCKS:-wall icount}; do
		vm_run "$clock" || vm_rc=$?
	done
fi
if [ "${SKIP_VM:-0}" = 1 ] && [ "${HOST:-0}" = 1 ]; then
	build
	{ machine; native_calibration; } >"$out/host-$kernel.txt"
fi
if [ "${SKIP_CLASSIFY:-0}" != 1 ]; then
	say "classifier (callgrind)"
	OUT="$out" "$here/classify-bench.sh" >"$out/classify.txt" 2>&1 || say "classify-bench.sh failed: $out/classify.txt"
fi
python3 "$here/report.py" --kernel "$kernel" --vm-log "$out/vm-$kernel.log" \
	--icount-log "$out/vm-icount-$kernel.log" \
	--host "$out/host-$kernel.txt" --classify "$out/classify.txt" \
	--json "$out/results.json" --md "$out/results.md"
cp "$out/results.json" "$out/results-$kernel.json"
cp "$out/results.md" "$out/results-$kernel.md"
say "wrote $out/results.json and $out/results.md"
exit "${vm_rc:-0}"
