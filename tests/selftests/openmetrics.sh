#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `compfwctl stats --format openmetrics` (issue 17, point 6): the counters
# of two components written for the Prometheus node exporter's textfile
# collector, scraped from Debian's prometheus-node-exporter with curl, and
# the values it serves equal to what `stats -j` says.
#
#  init netns, loopback: cgroup .../om-$$/api ── tcp 127.0.0.1 ──▶ server 7301
#  api: egress tcp 7301 only, so 7302 is dropped; 'odd "one"' is managed,
#  idle, with a name a label must escape.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3 curl prometheus-node-exporter

cgbase=/sys/fs/cgroup/compfw-test/om-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-om.XXXXXX")
ne_pid=

cleanup() {
	[ -n "$ne_pid" ] && kill "$ne_pid" 2>/dev/null && wait "$ne_pid" 2>/dev/null
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# counter COMPONENT KEY: a counter as `stats -j` gives it.
counter() {
	"$ctl" -j stats "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["totals"][sys.argv[1]])' "$2"
}

# scraped NAME COMPONENT OUTCOME: the sample the node exporter serves.
scraped() {
	python3 -c '
import re, sys
text, name, comp, outcome = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4]
label = comp.replace("\\", "\\\\").replace("\"", "\\\"")
for line in text.splitlines():
    m = re.match(r"^(\w+)\{(.*)\} (\S+)$", line)
    if not m or m.group(1) != name:
        continue
    labels = dict(re.findall(r"(\w+)=\"((?:[^\"\\]|\\.)*)\"", m.group(2)))
    if labels.get("component") == label and labels.get("outcome") == outcome:
        print(int(float(m.group(3))))' "$tmp/metrics" "$1" "$2" "$3"
}

up() {
	curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics"
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw || return 1
	env_cgroups api srv || return 1
	start_server srv host tcp:7301@127.0.0.1 tcp:7302@127.0.0.1 || return 1
	"$ctl" component add api cgroup "$(cgpath api)" >/dev/null &&
	"$ctl" component add 'odd "one"' >/dev/null || return 1
	printf '%s\n' '[ { "component": "api", "egress": [ {"peer": {"cidr": "127.0.0.1"}, "protocol": "tcp", "ports": 7301} ] },' \
		'  { "component": "odd \"one\"" } ]' >"$tmp/m.json"
	"$ctl" apply "$tmp/m.json"
}

plan 10
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
expect_verdicts "api: 7301 allowed, 7302 dropped" api host ok:allow no:deny <<'PROBES'
ok try tcp 127.0.0.1 7301
no try tcp 127.0.0.1 7302
PROBES
mkdir "$tmp/textfile"
# Written beside the collector's directory's file and renamed into place, as
# a scrape must never read half a file.
check "stats --format openmetrics writes the file" \
	sh -c "'$ctl' stats --format openmetrics >'$tmp/textfile/compfw.prom.tmp'"
mv "$tmp/textfile/compfw.prom.tmp" "$tmp/textfile/compfw.prom"
check "the file ends with # EOF, as OpenMetrics has it" \
	sh -c "tail -n 1 '$tmp/textfile/compfw.prom' | grep -qx '# EOF'"
echo "# $(grep -c . "$tmp/textfile/compfw.prom") lines; api's:"
grep 'component="api"' "$tmp/textfile/compfw.prom" | sed 's/^/#   /'
port=$((20000 + $$ % 20000))
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tmp/textfile" >"$tmp/ne.log" 2>&1 &
ne_pid=$!
if wait_for 60 up; then
	pass "the node exporter serves /metrics"
else
	fail "the node exporter serves /metrics" "$(tail -n 5 "$tmp/ne.log")"
fi
expect_eq "the textfile collector read the file without an error" \
	"$(sed -n 's/^node_textfile_scrape_error \(.*\)$/\1/p' "$tmp/metrics")" 0
expect_eq "api's dropped packets, scraped, are stats' own" \
	"$(scraped compfw_packets_total api dropped)" "$(counter api dropped_packets)"
expect_eq "api's accepted packets, scraped, are stats' own" \
	"$(scraped compfw_packets_total api accepted)" "$(counter api accepted_packets)"
expect_eq "api's dropped bytes, scraped, are stats' own" \
	"$(scraped compfw_bytes_total api dropped)" "$(counter api dropped_bytes)"
check "api dropped something (7302)" [ "$(counter api dropped_packets)" -gt 0 ]
expect_eq "a name with quotes is one label, escaped, idle" \
	"$(scraped compfw_packets_total 'odd "one"' accepted)" 0
finish
