#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A rollback copy knows its peers by identity, not by ID or name: when the
# peer it names is deleted, a newcomer that takes its ID or its name does
# not inherit its rights, and the rollback is refused, naming the peer.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	modprobe -r compfw 2>/dev/null
}
trap cleanup EXIT

generation() {
	"$ctl" -j component show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'
}

plan 8
modprobe compfw
"$ctl" component add web address 10.9.0.1/32
"$ctl" component add db id 7 address 10.9.0.2/32
echo '{"component": "web", "exposure": [{"protocol": "tcp", "ports": 5432}], "ingress": [{"id": 1, "peer": {"component": "db"}, "protocol": "tcp", "ports": 5432}]}' >"$tmp/v1.json"
echo '{"component": "web", "exposure": [{"protocol": "tcp", "ports": 5432}], "ingress": [{"id": 1, "peer": {"cidr": "192.0.2.0/24"}, "protocol": "tcp", "ports": 80}]}' >"$tmp/v2.json"
"$ctl" apply "$tmp/v1.json"
"$ctl" apply "$tmp/v2.json"
check "db may go: only web's rollback copy names it" "$ctl" component del db

# A newcomer under db's ID (and another name), then one under db's name.
"$ctl" component add intruder id 7 address 10.9.0.3/32
gen=$(generation web)
expect_fail_msg "rollback refused while db's ID is held by another" \
	'component rollback: peer "db" was deleted' "$ctl" component rollback web
expect_eq "the refused rollback changed nothing" "$(generation web)" "$gen"
expect_eq "the newcomer under db's ID is not admitted" \
	"$("$ctl" query web ingress tcp 10.9.0.3 5432 --peer intruder)" \
	"web ingress: drop rule 0 generation $gen mode enforce"
"$ctl" component del intruder
"$ctl" component add db address 10.9.0.4/32
expect_fail_msg "rollback refused when a newcomer takes db's name" \
	'component rollback: peer "db" was deleted' "$ctl" component rollback web
expect_eq "the newcomer under db's name is not admitted" \
	"$("$ctl" query web ingress tcp 10.9.0.4 5432 --peer db)" \
	"web ingress: drop rule 0 generation $gen mode enforce"

# With its peer alive, a rollback copy is restored as before.
"$ctl" apply "$tmp/v1.json"
"$ctl" apply "$tmp/v2.json"
check "rollback with its peer alive works" "$ctl" component rollback web
expect_eq "and the peer is admitted again" \
	"$("$ctl" query web ingress tcp 10.9.0.4 5432 --peer db)" \
	"web ingress: accept rule 1 generation $(generation web) mode enforce"
finish
