#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Seeing what compfw decides: the compfw_verdict and compfw_policy_change
# tracepoints, the kernel log rate-limited per component, NFLOG, netlink
# events through `compfwctl monitor`, audit mode, per-rule counters.
#
#   cgroup compfw-audit/noisy  component "noisy": may only send UDP to 7000
#   cgroup compfw-audit/quiet  component "quiet": may send nothing
#   a UDP sink on 127.0.0.1:7000 and :7001, unmanaged
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 tcpdump

cg=/sys/fs/cgroup/compfw-audit
tmp=$(mktemp -d)
tracing=/sys/kernel/tracing
cleanup() {
	[ -n "${mon:-}" ] && kill "$mon" 2>/dev/null
	echo 0 >"$tracing/events/compfw/enable" 2>/dev/null
	rm -rf "$tmp"
	rmdir "$cg"/noisy "$cg"/quiet "$cg" 2>/dev/null
}
trap cleanup EXIT

gone() { ! kill -0 "$1" 2>/dev/null; }

# udp_send COUNT PORT: send COUNT datagrams, each from a new socket (a new
# flow); prints how many the kernel accepted.
udp_send() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
n, port, ok = int(sys.argv[1]), int(sys.argv[2]), 0
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b"x", ("127.0.0.1", port)); ok += 1
    except OSError:
        pass
    s.close()
print(ok)
PY
}

# udp_flood COUNT PORT: COUNT datagrams from one socket, as fast as it goes.
udp_flood() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
n, port = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    try:
        s.sendto(b"x", ("127.0.0.1", port))
    except OSError:
        pass
PY
}

manifest() {	# manifest NAME MODE EXTRA-JSON EGRESS-JSON
	cat >"$tmp/$1.json" <<JSON
{"component": "$1", "version": "t", "mode": "$2", $3
 "egress": [$4]}
JSON
	"$ctl" apply "$tmp/$1.json"
}

plan 18
modprobe -r compfw 2>/dev/null
# One window (an hour) for every log line below, however slow the VM.
modprobe compfw log_burst=10 log_interval_ms=3600000
mkdir -p "$cg/noisy" "$cg/quiet"
"$ctl" component add noisy cgroup /compfw-audit/noisy
"$ctl" component add quiet cgroup /compfw-audit/quiet
python3 -c 'import socket,time
a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); a.bind(("127.0.0.1",7000))
b=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); b.bind(("127.0.0.1",7001))
time.sleep(600)' &
sink=$!

"$ctl" -j monitor >"$tmp/monitor" &
mon=$!
wait_listen udp 7000 7001
monitor_sync "$tmp/monitor"
echo 1 >"$tracing/events/compfw/enable"
: >"$tracing/trace"

manifest noisy enforce '"log": "drops", "nflog_group": 5,' \
	'{"id": 7, "peer": "any", "protocol": "udp", "ports": 7000},
	 {"id": 3, "peer": "any", "protocol": "tcp", "ports": 9},
	 {"id": 12, "peer": "any", "protocol": "udp", "ports": 7009}'
manifest quiet enforce '' ''

# Tracepoints, for an allowed and a dropped flow.
sent=$(in_cgroup noisy bash -c "$(declare -f udp_send); udp_send 1 7000; udp_send 1 7001")
expect_eq "allowed flow passes, denied flow fails" "$(echo $sent)" "1 0"
trace=$(cat "$tracing/trace")
echo "$trace" | grep compfw_ | sed 's/^/# /'
grep -q "compfw_verdict: .*component=noisy id=1 dir=egress proto=17 src=::ffff:127.0.0.1 sport=[0-9]* dst=::ffff:127.0.0.1 dport=7000 peer=0 verdict=accept rule=7 generation=1" <<<"$trace" &&
	pass "tracepoint: accepted flow, its rule and generation" ||
	fail "tracepoint: accepted flow, its rule and generation"
grep -q "compfw_verdict: .*component=noisy id=1 dir=egress proto=17 .* dport=7001 peer=0 verdict=drop rule=0 generation=1" <<<"$trace" &&
	pass "tracepoint: dropped flow, default deny" ||
	fail "tracepoint: dropped flow, default deny"
grep -q "compfw_policy_change: component=quiet id=2 change=apply generation=0->1 pid=[0-9]* comm=compfwctl" <<<"$trace" &&
	pass "tracepoint: policy change, who made it" ||
	fail "tracepoint: policy change, who made it"

# NFLOG: the next drop of noisy reaches nfnetlink_log group 5.
tcpdump -i nflog:5 -c 1 -w "$tmp/nflog.pcap" >"$tmp/tcpdump.log" 2>&1 &
dump=$!
wait_for 60 grep -q "listening on" "$tmp/tcpdump.log"
in_cgroup noisy bash -c "$(declare -f udp_send); udp_send 1 7001" >/dev/null
# tcpdump -c 1 ends once it has the packet.
wait_for 60 gone "$dump"
kill "$dump" 2>/dev/null
captured=$(tcpdump -r "$tmp/nflog.pcap" -n -q 2>/dev/null)
echo "# $captured"
[[ "$captured" == *"IP 127.0.0.1."*" > 127.0.0.1.7001: UDP, length 1"* ]] &&
	pass "tcpdump -i nflog:5 captures the dropped packet" ||
	fail "tcpdump -i nflog:5 captures the dropped packet" "$(cat "$tmp/tcpdump.log")"

# The kernel log: a flood from noisy is held to log_burst lines, and a
# single drop by quiet still gets its line.
dmesg -C
in_cgroup noisy bash -c "$(declare -f udp_flood); udp_flood 100000 7001"
in_cgroup quiet bash -c "$(declare -f udp_send); udp_send 1 7000" >/dev/null
noisy_lines=$(dmesg | grep -c "compfw: netns [0-9]* noisy: drop")
quiet_lines=$(dmesg | grep -c "compfw: netns $(stat -L -c %i /proc/self/ns/net) quiet: drop egress rule 0 generation 1 IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 .*PROTO=UDP SPT=[0-9]* DPT=7000 ")
echo "# noisy: $noisy_lines lines, quiet: $quiet_lines"
[ "$noisy_lines" -le 10 ] && [ "$noisy_lines" -ge 1 ] &&
	pass "100,000 drops: at most 10 log lines" || fail "100,000 drops: at most 10 log lines" "got $noisy_lines"
expect_eq "another component's single drop is logged" "$quiet_lines" "1"
echo 1 >/sys/module/compfw/parameters/log_interval_ms
sleep 0.1
in_cgroup noisy bash -c "$(declare -f udp_send); udp_send 1 7001" >/dev/null
suppressed=$(dmesg | grep "compfw: netns [0-9]* noisy: drop" | tail -n 1 | sed -n 's/.* generation 1 (\([0-9]*\) suppressed) IN=.*/\1/p')
echo "# suppressed: $suppressed"
[ "${suppressed:-0}" -ge 99990 ] && pass "the next line counts the suppressed ones" ||
	fail "the next line counts the suppressed ones" "got '${suppressed:-}'"

# log_burst changed at run time applies to the running window (begun by
# the line above, a long one again): lowered to 2, one line is left of it;
# raised to 6, four more go through at once, not at the next window.
noisy_count() { dmesg | grep -c "compfw: netns [0-9]* noisy: drop"; }
echo 600000 >/sys/module/compfw/parameters/log_interval_ms
echo 2 >/sys/module/compfw/parameters/log_burst
dmesg -C
in_cgroup noisy bash -c "$(declare -f udp_flood); udp_flood 1000 7001"
lowered=$(noisy_count)
echo 6 >/sys/module/compfw/parameters/log_burst
dmesg -C
in_cgroup noisy bash -c "$(declare -f udp_flood); udp_flood 1000 7001"
raised=$(noisy_count)
echo "# log_burst 2: $lowered lines; then 6: $raised lines"
[ "$lowered" -le 1 ] && pass "log_burst lowered: the window holds what is left" ||
	fail "log_burst lowered: the window holds what is left" "got $lowered lines, want at most 1"
[ "$raised" -ge 1 ] && [ "$raised" -le 4 ] && pass "log_burst raised: more lines at once" ||
	fail "log_burst raised: more lines at once" "got $raised lines, want 1 to 4"

# Events: the monitor saw the policy changes and drops of other processes
# (drops are sent in batches, a tenth of a second after the first).
wait_for 60 grep -q '"event":"drop","component":"quiet"' "$tmp/monitor"
grep -q '"event":"policy","component":"noisy","change":"apply","old_generation":0,"generation":1,"pid":[0-9]*,"comm":"compfwctl"' "$tmp/monitor" &&
	pass "monitor -j: a policy change by another process" ||
	fail "monitor -j: a policy change by another process" "$(head -n 3 "$tmp/monitor")"
grep -q '"event":"drop","component":"quiet","direction":"egress","proto":17,"src":"127.0.0.1",.*"dport":7000,"rule":0,"generation":1' "$tmp/monitor" &&
	pass "monitor -j: a drop by another process" ||
	fail "monitor -j: a drop by another process" "$(grep -c drop "$tmp/monitor") drop lines"

head -n 2 "$tmp/monitor" | sed 's/^/# /'

# The what-if query answers as the traffic above did, from the same tables.
q_ok=$("$ctl" query noisy egress udp 127.0.0.1 7000)
q_no=$("$ctl" query noisy egress udp 127.0.0.1 7001)
echo "# $q_ok"
echo "# $q_no"
expect_eq "query agrees: 7000 accepted by rule 7, 7001 dropped by default" \
	"$q_ok|$q_no" "noisy egress: accept rule 7 generation 1 mode enforce|noisy egress: drop rule 0 generation 1 mode enforce"

# Audit mode: what enforce mode drops passes, counted and traced as audit.
manifest quiet audit '' ''
: >"$tracing/trace"
sent=$(in_cgroup quiet bash -c "$(declare -f udp_send); udp_send 3 7000")
expect_eq "audit mode lets would-be drops through" "$sent" "3"
audited=$("$ctl" -j stats quiet | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["totals"]["audited_packets"])')
expect_eq "audit mode counts them" "$audited" "3"
traced=$(grep -c "component=quiet .*dport=7000 peer=0 verdict=audit rule=0 generation=2" "$tracing/trace")
expect_eq "audit mode traces them" "$traced" "3"

# Per-rule counters move by exactly the flows sent, and reset.
"$ctl" stats reset noisy
in_cgroup noisy bash -c "$(declare -f udp_send); udp_send 25 7000" >/dev/null
# IDs out of order in the file: the flows land on rule 7, and only there.
hits=$("$ctl" -j stats noisy | python3 -c 'import json,sys; print(" ".join("%d:%d" % (r["id"], r["packets"]) for r in json.load(sys.stdin)[0]["rules"]))')
expect_eq "rule 7 counted exactly 25 flows, rules 3 and 12 none" "$hits" "3:0 7:25 12:0"
"$ctl" stats reset noisy
hits=$("$ctl" -j stats noisy | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print([r["packets"] for r in d["rules"] if r["id"] == 7][0], d["totals"]["accepted_packets"])')
expect_eq "reset zeroes rule and component counters" "$hits" "0 0"

"$ctl" stats noisy | sed 's/^/# /'
dmesg | grep "compfw: " | tail -n 3 | sed 's/^/# /'
kill "$sink"
finish
