#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-VM half of `make bench` (tests/bench/bench.sh runs it with
# tests/vm/run.sh). Prints one line per measurement,
#   BENCH <config> <metric> <unit> <value>        (tab-separated)
# and INFO lines; bench.sh turns them into build/bench/results.{json,md}.
#
# Topology: for each data-plane configuration K a sender netns s-K and a
# receiver netns r-K joined by a veth pair (198.18.0.1 <-> 198.18.0.2/24,
# RFC 2544's benchmarking range), so that every configuration is set up
# once and the runs of all of them can be interleaved. The sender runs in
# cgroup /bench/c9999, the last of 10,000 components (/bench/c0000 for the
# one-component configuration); only the sender's netns filters (egress,
# OUTPUT / LOCAL_OUT). Configurations:
#   base    no filter, no conntrack
#   ct      conntrack only: nft "ct state established,related accept"
#   cf10    compfw, 1 component, 10 rules, the flow matches the 10th
#   cf100k  compfw, 10,000 components x 10 rules, the flow matches the
#           last rule of the last component
#   cfsock  cf100k with compfw.tcp_by_socket=1: TCP followed by the
#           socket, not conntrack
#   ipt     iptables-legacy, the same 100,000 rules, one per compfw rule
#   nft     nftables, the same policy in two hashed sets
# Rule files come from gen-rules.py, made on the host in build/bench/rules.
#
# CLOCK=icount (bench.sh's second VM run, qemu -icount, one vCPU): the
# guest's clock is its instruction count, so a rate measured against it is
# work per instruction, whatever else the host is doing. That run sets the
# configurations up and measures the data plane only.
set -u
cd "$(dirname "$0")/../.."
top=$PWD
ctl=$top/tools/compfwctl
bulk=$top/build/bench/compfw-bulk
connrate=$top/build/bench/connrate
rules=$top/build/bench/rules
RUNS=5 IPERF_SECS=4 CONN_SECS=2 CONFIGS="base ct cf10 cf100k cfsock ipt nft" CTL_RUNS=5 APPLY_100K_RUNS=3 CLOCK=wall
[ -f build/bench/params.env ] && . build/bench/params.env
wall() { [ "$CLOCK" = wall ]; }
DEST=198.18.0.2 PORT=5201

echo "TAP version 13"
out() { local IFS=$'\t'; echo "BENCH	$*"; }
info() { local IFS=$'\t'; echo "INFO	$*"; }
now() { date +%s%N; }
die() { echo "not ok 1 vm-bench # $*"; echo "1..1"; exit 1; }

meminfo_kb() {	# Slab + VmallocUsed + Percpu, kB
	awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}
status_field() {	# NETNS KEY
	"$ctl" -n "$1" -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
# in_cg NETNS CGROUP CMD...: run CMD in the netns and in /sys/fs/cgroup/CGROUP.
in_cg() {
	local ns=$1 cg=$2
	shift 2
	nsenter --net=/run/netns/"$ns" -- sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' \
		/sys/fs/cgroup/"$cg" "$@"
}
sender_cg() { [ "$1" = cf10 ] && echo bench/c0000 || echo bench/c9999; }

# ---- kernel-side time of the apply handler (function_graph, depth 1) ----
T=/sys/kernel/tracing
ftrace_on() {
	[ -w $T/set_graph_function ] || return 1
	echo compfw_nl_manifest_apply_doit >$T/set_graph_function 2>/dev/null || return 1
	echo compfw_nl_persona_activate_doit >>$T/set_graph_function 2>/dev/null || return 1
	echo 1 >$T/max_graph_depth
	echo 1 >$T/options/funcgraph-tail 2>/dev/null
	echo 16384 >$T/buffer_size_kb
	echo function_graph >$T/current_tracer || return 1
	echo >$T/trace
}
ftrace_take() {	# [HANDLER]: its last duration in ns; clears the buffer
	awk -v f="${1:-compfw_nl_manifest_apply_doit}" '$0 ~ f && match($0, /[0-9]+(\.[0-9]+)? us/) {
		v = substr($0, RSTART, RLENGTH - 3) } END { if (v != "") printf "%.0f\n", v * 1000 }' $T/trace
	echo >$T/trace
}
FTRACE=0
# apply_timed NETNS FILE CONFIG: one apply, wall and kernel time.
apply_timed() {
	local t0 t1 k
	t0=$(now)
	"$ctl" -n "$1" apply "$2" || die "apply $2 in $1 failed"
	t1=$(now)
	out "$3" apply_wall ms $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e6 }')
	if [ $FTRACE = 1 ]; then
		k=$(ftrace_take)
		[ -n "$k" ] && out "$3" apply_kernel ms $(awk -v d="$k" 'BEGIN { printf "%.3f", d / 1e6 }')
	fi
}

# persona_switches: a component taking two personas of N rules each, N =
# 10, 1,000 and 100,000, switched back and forth CTL_RUNS times; the
# kernel's PERSONA_ACTIVATE handler timed by ftrace (the cut of live flows
# included: there are none here).
persona_switches() {
	local n i k saved
	saved=$(cat /sys/module/compfw/parameters/max_component_rules)
	echo 100000 >/sys/module/compfw/parameters/max_component_rules
	for n in 10 1000 100000; do
		ip netns add ctlp$n
		nsenter --net=/run/netns/ctlp$n "$bulk" c 0 1 /bench >/dev/null || die "add a component in ctlp$n"
		for k in a b; do
			python3 - "$n" "$k" >/tmp/persona-$k.json <<-'PY'
			import json, sys
			n, k = int(sys.argv[1]), sys.argv[2]
			base = 10 if k == "a" else 11
			rules = [{"protocol": "tcp", "port": 1 + i % 60000,
			          "destination": "%d.%d.%d.%d" % (base, i >> 16 & 255, i >> 8 & 255, i & 255)}
			         for i in range(n)]
			json.dump({"name": "p" + k, "network_profile": {"allowed_egress": rules}}, sys.stdout)
			PY
			"$ctl" -n ctlp$n persona add /tmp/persona-$k.json || die "persona add p$k ($n rules)"
		done
		echo '{ "component": "c0000", "personas": ["pa", "pb"] }' >/tmp/persona-m.json
		"$ctl" -n ctlp$n apply /tmp/persona-m.json || die "apply a manifest taking pa and pb ($n rules)"
		[ $FTRACE = 1 ] && ftrace_take >/dev/null
		for i in $(seq 1 "$CTL_RUNS"); do
			for k in b a; do
				"$ctl" -n ctlp$n persona activate c0000 p$k || die "activate p$k ($n rules)"
				[ $FTRACE = 1 ] || continue
				t=$(ftrace_take compfw_nl_persona_activate_doit)
				[ -n "$t" ] && out control/persona_switch_$n switch_kernel ms \
					$(awk -v d="$t" 'BEGIN { printf "%.4f", d / 1e6 }')
			done
		done
		ip netns del ctlp$n
	done
	rm -f /tmp/persona-[abm].json
	echo "$saved" >/sys/module/compfw/parameters/max_component_rules
}

# Exec with 1,000 triggers installed against none (issue 15): one component
# whose manifest takes one persona without a trigger, then that persona and
# 1,000 more, each triggered by a program name; the same fork/exec loop of
# a program that is none of them, in the component's cgroup, interleaved.
# What the triggers cost an exec is the probe's lookup: the program must
# not be one, or the loop would measure switches.
exec_rates() {
	local i n=${EXEC_LOOPS:-2000} prog=/tmp/bench-nothing
	cp "$top/build/bench/nothing" $prog || die "copy nothing to the tmpfs"
	ip netns add execb
	nsenter --net=/run/netns/execb "$bulk" c 0 1 /bench >/dev/null || die "add a component in execb"
	echo '{ "name": "quiet" }' >/tmp/exec-quiet.json
	"$ctl" -n execb persona add /tmp/exec-quiet.json || die "persona add quiet"
	for i in $(seq -w 0 999); do
		echo "{ \"name\": \"t$i\", \"activation_trigger\": {\"process_name\": \"trig$i\"} }" \
			>/tmp/exec-t.json
		"$ctl" -n execb persona add /tmp/exec-t.json || die "persona add t$i"
	done
	echo '{ "component": "c0000", "personas": ["quiet"] }' >/tmp/exec-none.json
	python3 -c 'import json; print(json.dumps({"component": "c0000", "default_persona": "quiet",
		"personas": ["quiet"] + ["t%03d" % i for i in range(1000)]}))' >/tmp/exec-1000.json
	for i in $(seq 1 "$RUNS"); do
		for k in none 1000; do
			"$ctl" -n execb apply /tmp/exec-$k.json || die "apply exec-$k"
			set -- $(in_cg execb bench/c0000 "$top/build/bench/execloop" "$n" $prog) ||
				die "execloop ($k)"
			[ "$k" = none ] && c=control/exec_triggers_0 || c=control/exec_triggers_1000
			out $c exec_rate per_s "$3"
		done
	done
	[ "$("$ctl" -n execb -j component show c0000 |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get("persona"))')" = quiet ] ||
		die "an exec of the loop switched the persona"
	ip netns del execb
	rm -f /tmp/exec-*.json $prog
}

# ---- setup -------------------------------------------------------------
modprobe compfw || die "modprobe compfw"
for m in nf_conntrack xt_cgroup xt_conntrack nft_socket; do modprobe $m 2>/dev/null; done
info kernel "$(uname -r)"
info cpus "$(nproc)"
info cpu_model "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
info mem_total_kb "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
info iptables "$(iptables-legacy --version)"
info nft "$(nft --version)"
info iperf3 "$(iperf3 --version | head -1)"
info clock "$CLOCK"
wall || info icount_shift "${ICOUNT_SHIFT:-2}"
# TCG slowdown: the classifier's compile of 100,000 rules, natively on the
# host (bench.sh) and here; the ratio scales the control-plane times.
wall && for i in 1 2 3 4 5; do
	set -- $("$top/build/bench/classify-bench" 100000 info)
	out calibration classify_compile_100k ms "$3"
done

mkdir -p /sys/fs/cgroup/bench
mkdir /sys/fs/cgroup/bench/c{0000..9999} || die "mkdir cgroups"
for k in $CONFIGS; do
	ip netns add s-$k && ip netns add r-$k || die "netns $k"
	ip link add v0 netns s-$k type veth peer name v1 netns r-$k || die "veth $k"
	ip -n s-$k addr add 198.18.0.1/24 dev v0
	ip -n r-$k addr add $DEST/24 dev v1
	ip -n s-$k link set lo up; ip -n r-$k link set lo up
	ip -n s-$k link set v0 up; ip -n r-$k link set v1 up
done
ok=1

# ---- control plane -------------------------------------------------------
wall && [ $FTRACE = 0 ] && ftrace_on && FTRACE=1
info ftrace_apply_handler $FTRACE
for k in $CONFIGS; do
	case $k in
	ct)
		nsenter --net=/run/netns/s-ct nft -f - <<-'NFT' || die "nft ct"
		table inet ctonly {
			chain out {
				type filter hook output priority filter; policy accept;
				ct state established,related accept
			}
		}
		NFT
		;;
	cf10)
		nsenter --net=/run/netns/s-cf10 "$bulk" c 0 1 /bench >/dev/null || die "add component in s-cf10"
		"$ctl" -n s-cf10 apply "$rules/10/compfw.json" || die "apply cf10"
		echo >$T/trace 2>/dev/null
		;;
	cf100k)
		if ! wall; then
			nsenter --net=/run/netns/s-cf100k "$bulk" c 0 10000 /bench >/dev/null || die "bulk add 10,000 components"
			"$ctl" -n s-cf100k apply "$rules/100k/compfw.json" || die "apply cf100k"
			continue
		fi
		m0=$(status_field s-cf100k memory_bytes) s0=$(meminfo_kb)
		t=$(nsenter --net=/run/netns/s-cf100k "$bulk" c 0 10000 /bench) || die "bulk add 10,000 components"
		out control add_10000_components ms $(awk -v d="$t" 'BEGIN { printf "%.3f", d / 1e6 }')
		sleep 1
		m1=$(status_field s-cf100k memory_bytes)
		# An empty manifest each first, twice: what a managed component
		# costs apart from its rules, with an empty rollback copy too,
		# as it will have when the rules come.
		for i in 1 2; do
			"$ctl" -n s-cf100k apply "$rules/100k/compfw-empty.json" || die "apply empty manifests"
		done
		sleep 2
		me=$(status_field s-cf100k memory_bytes) o1=$(status_field s-cf100k objects) se=$(meminfo_kb)
		apply_timed s-cf100k "$rules/100k/compfw.json" control/apply_100000_rules
		sleep 2	# old objects go after a grace period
		m2=$(status_field s-cf100k memory_bytes) o2=$(status_field s-cf100k objects) s2=$(meminfo_kb)
		info cf100k_status "$("$ctl" -n s-cf100k -j status)"
		out control memory_per_component bytes $(( (me - m0) / 10000 ))
		out control memory_per_component_unmanaged bytes $(( (m1 - m0) / 10000 ))
		out control memory_per_rule bytes $(awk -v a=$me -v b=$m2 'BEGIN { printf "%.1f", (b - a) / 100000 }')
		out control memory_per_rule_average bytes $(awk -v a=$m1 -v b=$m2 'BEGIN { printf "%.1f", (b - a) / 100000 }')
		out control objects_per_rule count $(awk -v a=$o1 -v b=$o2 'BEGIN { printf "%.3f", (b - a) / 100000 }')
		out control slab_per_component bytes $(( (se - s0) * 1024 / 10000 ))
		out control slab_per_rule bytes $(awk -v a=$se -v b=$s2 'BEGIN { printf "%.1f", (b - a) * 1024 / 100000 }')
		for i in $(seq 2 "$APPLY_100K_RUNS"); do
			apply_timed s-cf100k "$rules/100k/compfw.json" control/apply_100000_rules
		done
		sleep 2
		m3=$(status_field s-cf100k memory_bytes)
		out control memory_rollback_copy_per_rule bytes $(awk -v a=$m2 -v b=$m3 'BEGIN { printf "%.1f", (b - a) / 100000 }')
		for i in $(seq 1 $((CTL_RUNS + 1))); do
			[ $((i % 2)) = 1 ] && f=b || f=a
			apply_timed s-cf100k "$rules/100k/replace-$f.json" control/replace_1_of_10000
		done
		;;
	cfsock)
		# The parameter counts when the namespace gets its first component.
		echo 1 >/sys/module/compfw/parameters/tcp_by_socket
		nsenter --net=/run/netns/s-cfsock "$bulk" c 0 10000 /bench >/dev/null || die "bulk add 10,000 components (cfsock)"
		echo 0 >/sys/module/compfw/parameters/tcp_by_socket
		"$ctl" -n s-cfsock apply "$rules/100k/compfw.json" || die "apply cfsock"
		wall || continue
		# A change also walks the namespace's TCP sockets here.
		for i in $(seq 1 $((CTL_RUNS + 1))); do
			[ $((i % 2)) = 1 ] && f=b || f=a
			apply_timed s-cfsock "$rules/100k/replace-$f.json" control/replace_1_of_10000_by_socket
		done
		;;
	ipt)
		t0=$(now)
		nsenter --net=/run/netns/s-ipt iptables-legacy-restore <"$rules/100k/iptables.rules" || die "iptables-legacy-restore"
		t1=$(now)
		out control/iptables apply_100000_rules ms $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e6 }')
		;;
	nft)
		t0=$(now)
		nsenter --net=/run/netns/s-nft nft -f "$rules/100k/nft.rules" || die "nft -f"
		t1=$(now)
		out control/nft apply_100000_rules ms $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e6 }')
		;;
	esac
done
# 1 and 1,000 rules, each in a namespace of its own (one namespace for
# both would shrink c0000 from 10 rules to 1 and back: see the report).
wall && {
	ip netns add ctl1
	ip netns add ctl1k
	nsenter --net=/run/netns/ctl1 "$bulk" c 0 1 /bench >/dev/null || die "bulk add 1 component"
	nsenter --net=/run/netns/ctl1k "$bulk" c 0 100 /bench >/dev/null || die "bulk add 100 components"
	for i in $(seq 1 "$CTL_RUNS"); do
		apply_timed ctl1 "$rules/1/compfw.json" control/apply_1_rule
		apply_timed ctl1k "$rules/1k/compfw.json" control/apply_1000_rules
	done
	# What a CLI call costs here without any work: exec, connect, one request.
	for i in $(seq 1 "$CTL_RUNS"); do
		t0=$(now); "$ctl" -n ctl1 status >/dev/null; t1=$(now)
		out control/cli_status status_wall ms $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e6 }')
	done
	persona_switches
}
[ $FTRACE = 1 ] && echo nop >$T/current_tracer
exec_rates

# ---- sanity: the filters filter, and the flow under test passes -----------
# A dropped SYN is retransmitted (connect() sees no EPERM), so a filtered
# port is one whose connect is still waiting after 3 s. Not on the
# instruction clock: while the guest waits for the host (reading programs
# over 9p), its clock jumps to the next timer, the timeout's.
wall && for k in $CONFIGS; do
	err=$(in_cg s-$k "$(sender_cg $k)" timeout 3 bash -c "exec 3<>/dev/tcp/$DEST/5299" 2>&1)
	rc=$?
	case $k in base|ct) want="Connection refused" got=$err ;; *) want="timed out" got="rc $rc $err" ;; esac
	[ $rc = 124 ] && got="timed out"
	if [[ $got == *"$want"* ]]; then echo "ok - $k: a port the rules do not allow: $want"
	else echo "not ok - $k: a port the rules do not allow: got \"$got\", want \"$want\""; ok=0; fi
done

# ---- data plane: throughput ----------------------------------------------
iperf_once() {	# CONFIG -> BENCH lines
	local k=$1 j
	j=$(in_cg s-$k "$(sender_cg $k)" iperf3 -c $DEST -p $PORT -t "$IPERF_SECS" -O 1 -J 2>&1)
	python3 - "$k" "$j" <<-'PY'
	import json, sys
	k, raw = sys.argv[1], sys.argv[2]
	try:
	    e = json.loads(raw)["end"]
	except Exception:
	    print("# iperf3 %s failed: %s" % (k, raw[-400:].replace("\n", " ")))
	    sys.exit(0)
	secs = e["sum_sent"]["seconds"]
	gb = e["sum_sent"]["bytes"] / 1e9
	cpu = e["cpu_utilization_percent"]["host_total"] / 100 * secs
	print("BENCH\t%s\tthroughput\tGbit/s\t%.4f" % (k, e["sum_received"]["bits_per_second"] / 1e9))
	print("BENCH\t%s\tsender_cpu_per_gb\ts/GB\t%.4f" % (k, cpu / gb))
	PY
}
conn_once() {
	local k=$1 r
	r=$(in_cg s-$k "$(sender_cg $k)" "$connrate" client $DEST $PORT "$CONN_SECS") ||
		{ echo "# connrate $k failed: $r"; return; }
	set -- $r
	out "$k" connection_rate conn/s "$3"
	out "$k" client_cpu_per_connection us "$4"
}
# rotate N WORDS...: the words rotated left by N, so each round starts
# with another configuration.
rotate() { local n=$1; shift; local a=("$@"); n=$((n % ${#a[@]})); echo "${a[@]:n} ${a[@]:0:n}"; }

for k in $CONFIGS; do nsenter --net=/run/netns/r-$k iperf3 -s -D -p $PORT -I /tmp/iperf-$k.pid; done
sleep 1
for k in $CONFIGS; do iperf_once "$k" >/dev/null; done	# warm-up, not counted
for r in $(seq 1 "$RUNS"); do
	for k in $(rotate $((r - 1)) $CONFIGS); do iperf_once "$k"; done
done
for k in $CONFIGS; do kill "$(cat /tmp/iperf-$k.pid)"; done
sleep 1

# ---- data plane: connection rate ------------------------------------------
pids=()
for k in $CONFIGS; do
	nsenter --net=/run/netns/r-$k "$connrate" server 0.0.0.0 $PORT & pids+=($!)
done
sleep 1
for k in $CONFIGS; do in_cg s-$k "$(sender_cg $k)" "$connrate" client $DEST $PORT 0.5 >/dev/null; done
for r in $(seq 1 "$RUNS"); do
	for k in $(rotate $((r - 1)) $CONFIGS); do conn_once "$k"; done
done
kill "${pids[@]}"
wait 2>/dev/null

# ---- teardown --------------------------------------------------------------
t0=$(now)
for k in $CONFIGS; do
	ip netns del s-$k 2>/dev/null
	ip netns del r-$k 2>/dev/null
done
ip netns del ctl1 2>/dev/null
ip netns del ctl1k 2>/dev/null
sleep 3	# namespaces go in a workqueue
rmdir /sys/fs/cgroup/bench/c* /sys/fs/cgroup/bench 2>/dev/null
[ $ok = 1 ] && echo "ok - vm-bench" || echo "not ok - vm-bench"
exit $((1 - ok))
