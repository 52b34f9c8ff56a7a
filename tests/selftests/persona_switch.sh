#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# No mixed verdicts (issue 15): a probe sends without pause while 10,000
# persona switches happen, and every verdict it records is one of the two
# personas': never one that only a mix of the two would give.
#
#  init netns, loopback only; component app in its cgroup, two personas:
#    udp_a: egress udp 3306 to 127.0.0.2     udp_b: egress udp 2222 to 127.0.0.3
#
#  cell          udp_a   udp_b   a mix (a's peer, b's port, or the reverse)
#  .2:3306       allow   deny
#  .3:2222       deny    allow
#  .2:2222       deny    deny    allow
#  .3:3306       deny    deny    allow
#
# Every datagram of a local UDP socket is judged, so each send is a verdict.
# The switches are made by one process over the family (the kernel's YNL
# library), so that 10,000 of them take seconds, not 10,000 processes.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3

SWITCHES=${PERSONA_SWITCHES:-10000}
cgbase=/sys/fs/cgroup/compfw-test/pswitch-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-pswitch.XXXXXX")
probe_pid=

cleanup() {
	[ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null && wait "$probe_pid" 2>/dev/null
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

persona() {
	cat >"$tmp/$1.json" <<-EOF
	{ "name": "$1", "network_profile": { "allowed_egress": [
		{"protocol": "udp", "port": $2, "destination": "$3"} ] } }
	EOF
	"$ctl" persona add "$tmp/$1.json"
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw || return 1
	env_cgroups app srv || return 1
	start_server srv host udp:3306@127.0.0.2 udp:2222@127.0.0.3 \
		udp:2222@127.0.0.2 udp:3306@127.0.0.3 || return 1
	"$ctl" component add app cgroup "$(cgpath app)" &&
	persona udp_a 3306 127.0.0.2 && persona udp_b 2222 127.0.0.3 &&
	echo '{ "component": "app", "personas": ["udp_a", "udp_b"] }' >"$tmp/app.json" &&
	"$ctl" apply "$tmp/app.json"
}

# The probe: one connected UDP socket per cell, a datagram on each in turn
# until told to stop; counts "CELL VERDICT" pairs. A verdict is the send's
# result: it passed, or compfw dropped it on output (EPERM).
probe() {
	run_in_exec=1 run_in app host python3 - "$tmp/stop" <<-'EOF' >"$tmp/probe.out" 2>&1 &
	import collections, errno, os, socket, sys
	cells = {"a": ("127.0.0.2", 3306), "b": ("127.0.0.3", 2222),
	         "a_addr_b_port": ("127.0.0.2", 2222), "b_addr_a_port": ("127.0.0.3", 3306)}
	socks = {}
	for name, addr in cells.items():
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.setblocking(False)
	    s.connect(addr)
	    socks[name] = s
	seen = collections.Counter()
	print("ready", flush=True)
	rounds = 0
	while rounds % 64 or not os.path.exists(sys.argv[1]):
	    rounds += 1
	    for name, s in socks.items():
	        try:
	            s.send(b"x")
	            seen[name, "allow"] += 1
	        except PermissionError:
	            seen[name, "deny"] += 1
	        except OSError as e:
	            seen[name, "error-" + errno.errorcode.get(e.errno, str(e.errno))] += 1
	        try:
	            while True:
	                s.recv(64)
	        except OSError:
	            pass
	for (name, verdict), n in sorted(seen.items()):
	    print(name, verdict, n)
	EOF
	probe_pid=$!
	wait_for 60 grep -q ready "$tmp/probe.out"
}

# SWITCHES persona-activate requests from one process, alternating.
switch_many() {
	local tree
	tree=$("$top/tests/lib/ynl.sh" tree) || return 1
	python3 - "$tree/tools/net/ynl" "$top/Documentation/netlink/specs/compfw.yaml" \
		"$tree/Documentation/netlink/genetlink-legacy.yaml" "$SWITCHES" <<-'EOF'
	import sys, time
	sys.path.insert(0, sys.argv[1])
	from lib import YnlFamily
	ynl = YnlFamily(sys.argv[2], sys.argv[3])
	n = int(sys.argv[4])
	t0 = time.monotonic()
	for i in range(n):
	    ynl.do("persona-activate", {"name": "app", "persona": ("udp_b", "udp_a")[i % 2]})
	print("# %d switches in %.1f s" % (n, time.monotonic() - t0))
	EOF
}

# count CELL VERDICT: what the probe recorded.
count() {
	awk -v c="$1" -v v="$2" '$1 == c && $2 == v { n = $3 } END { print n + 0 }' "$tmp/probe.out"
}

plan 9
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
gen0=$("$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
probe
check "the probe runs in app's cgroup" grep -q ready "$tmp/probe.out"
if switch_many >"$tmp/switch.out" 2>&1; then
	pass "$SWITCHES switches by API"
else
	fail "$SWITCHES switches by API" "$(tail -n 5 "$tmp/switch.out")"
fi
cat "$tmp/switch.out"
: >"$tmp/stop"
wait "$probe_pid"
probe_pid=
sed 's/^/# probe: /' "$tmp/probe.out"
gen1=$("$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
expect_eq "each switch moved the generation" "$((gen1 - gen0))" "$SWITCHES"
expect_eq "udp_a's port to udp_b's address: never allowed" "$(count a_addr_b_port allow)" 0
expect_eq "udp_b's port to udp_a's address: never allowed" "$(count b_addr_a_port allow)" 0
check "udp_a's cell was allowed at times (udp_a was in force)" [ "$(count a allow)" -gt 0 ]
check "udp_b's cell was allowed at times (udp_b was in force)" [ "$(count b allow)" -gt 0 ]
expect_eq "no send failed but by compfw" "$(grep -c ' error-' "$tmp/probe.out")" 0
expect_eq "after an even number of switches: udp_a again" \
	"$("$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin)["persona"])')" udp_a
finish
