#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tracepoints decode in the standard tools: `trace-cmd report` names
# verdicts, directions and changes as the kernel's own trace file does.
#
#   component "web" owns 127.0.0.2: may send UDP to port 7000 only
#   component "db"  owns 127.0.0.3: may receive UDP on port 7000 only
#   UDP sinks on 127.0.0.3:7000 and :7001, unmanaged
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 trace-cmd

tmp=$(mktemp -d)
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/web.json" <<'JSON'
{"component": "web", "version": "t", "log": "off",
 "egress": [{"id": 7, "peer": "any", "protocol": "udp", "ports": 7000}]}
JSON
cat >"$tmp/db.json" <<'JSON'
{"component": "db", "version": "t", "log": "off",
 "exposure": [{"protocol": "udp", "ports": 7000}],
 "ingress": [{"id": 4, "peer": "any", "protocol": "udp", "ports": 7000}]}
JSON
# Four flows: web's egress accepted and dropped, db's ingress accepted
# (from web) and dropped (from an unmanaged address).
cat >"$tmp/send.sh" <<EOF2
"$ctl" apply "$tmp/db.json" >/dev/null
python3 - <<'PY'
import socket
for src, port in (("127.0.0.2", 7000), ("127.0.0.2", 7001), ("127.0.0.1", 7001)):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    try:
        s.sendto(b"x", ("127.0.0.3", port))
    except OSError:
        pass
    s.close()
PY
EOF2

plan 6
modprobe -r compfw 2>/dev/null
modprobe compfw
python3 -c 'import socket,time
a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); a.bind(("127.0.0.3",7000))
b=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); b.bind(("127.0.0.3",7001))
time.sleep(600)' &
sink=$!
"$ctl" component add web address 127.0.0.2/32
"$ctl" component add db address 127.0.0.3/32
"$ctl" apply "$tmp/web.json" >/dev/null

if ! trace-cmd record -e compfw -o "$tmp/x.dat" -- bash "$tmp/send.sh" >"$tmp/record.log" 2>&1; then
	sed 's/^/# /' "$tmp/record.log"
fi
report=$(trace-cmd report -i "$tmp/x.dat" 2>&1 | grep compfw_)
echo "$report" | sed 's/^/# /'

has() {	# has NAME PATTERN: a line of the report matches
	grep -q -- "$2" <<<"$report" && pass "$1" || fail "$1" "no line matches: $2"
}
has "web egress accepted" "compfw_verdict: .*component=web id=[0-9]* dir=egress proto=17 .* dport=7000 peer=[0-9]* verdict=accept rule=7 generation=1"
has "web egress dropped" "compfw_verdict: .*component=web id=[0-9]* dir=egress proto=17 .* dport=7001 peer=[0-9]* verdict=drop rule=0 generation=1"
has "db ingress accepted" "compfw_verdict: .*component=db id=[0-9]* dir=ingress proto=17 src=::ffff:127.0.0.2 .* dport=7000 peer=[0-9]* verdict=accept rule=4 generation=1"
has "db ingress dropped" "compfw_verdict: .*component=db id=[0-9]* dir=ingress proto=17 src=::ffff:127.0.0.1 .* dport=7001 peer=0 verdict=drop rule=0 generation=1"
has "policy change named" "compfw_policy_change: component=db id=[0-9]* change=apply generation=0->1 pid=[0-9]* comm=compfwctl"
undecoded=$(grep -c -e '0x' -e 'REC->' -e 'FAILED' <<<"$report")
expect_eq "no value left undecoded" "$undecoded" "0"
finish
