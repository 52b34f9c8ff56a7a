#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Personas (issue 15, points 1, 2, 7 and 8 so far): named profiles in the
# kernel, a manifest that lets its component take two of them, the switch
# by API flipping what the component reaches, the cut of a stream the new
# persona denies, a persona's change recompiling its users, the switch's
# event, trace and log line, and bad input refused with its message and
# nothing changed.
#
#  init netns, loopback only
#  ┌──────────────────────────────────────────────────────────────────┐
#  │ cgroup .../persona-$$/app ── tcp 127.0.0.1 ──▶ cgroup .../srv      │
#  │   component app: personas db_client, maintenance   servers 3306, 2222│
#  └──────────────────────────────────────────────────────────────────┘
#
#  db_client:   egress tcp 3306 to 127.0.0.1      -> 3306 allow, 2222 deny
#  maintenance: egress tcp 2222 to 127.0.0.0/8    -> 3306 deny,  2222 allow
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
. "$(dirname "$0")/lib/persona_env.sh"
require modprobe python3 timeout ss

cgbase=/sys/fs/cgroup/compfw-test/persona-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-persona.XXXXXX")
mon_pid=

cleanup() {
	[ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null && wait "$mon_pid" 2>/dev/null
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

write_files() {
	cat >"$tmp/db_client.json" <<-'EOF'
	{ "name": "db_client",
	  "network_profile": {
	    "allowed_egress": [ {"protocol": "tcp", "port": 3306, "destination": "127.0.0.1"} ] },
	  "security_profile": {"level": "high", "encryption_required": true},
	  "activation_trigger": {"process_name": "mysql"},
	  "communication_mode": "unicast", "allowed_protocols": ["tcp", "udp"],
	  "priority": 4, "qos_parameters": {"dscp": 46, "rate": "10mbit", "burst": "64kb"},
	  "resource_limits": {"memory": "512M"} }
	EOF
	cat >"$tmp/maintenance.json" <<-'EOF'
	{ "name": "maintenance",
	  "network_profile": {
	    "allowed_egress": [ {"protocol": "tcp", "port": 2222, "destination": "127.0.0.0/8"} ] },
	  "security_profile": {"level": "medium"} }
	EOF
	# The same persona, changed: 3306 too.
	cat >"$tmp/maintenance.v2.json" <<-'EOF'
	{ "name": "maintenance",
	  "network_profile": {
	    "allowed_egress": [ {"protocol": "tcp", "ports": "2222", "destination": "127.0.0.0/8"},
	                        {"protocol": "tcp", "port": 3306, "destination": "127.0.0.1"} ] } }
	EOF
	cat >"$tmp/app.json" <<-'EOF'
	{ "component": "app", "version": "p1",
	  "personas": ["db_client", "maintenance"], "default_persona": "db_client" }
	EOF
}

# Established to 3306, as the client's side shows it.
no_estab() {
	[ "$(ss -tnH state established dst 127.0.0.1:3306 | grep -c .)" -eq 0 ]
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw || return 1
	env_cgroups app srv || return 1
	start_server srv host tcp:3306@127.0.0.1 tcp:2222@127.0.0.1 || return 1
	write_files
	"$ctl" component add app cgroup "$(cgpath app)" >/dev/null || return 1
	"$ctl" -j monitor >"$tmp/monitor" &
	mon_pid=$!
	monitor_sync "$tmp/monitor"
}

test_objects() {
	check "persona add db_client" "$ctl" persona add "$tmp/db_client.json"
	check "persona add maintenance" "$ctl" persona add "$tmp/maintenance.json"
	expect_eq "persona list names both, no users yet" \
		"$("$ctl" persona list | awk 'NR > 1 { print $1 ":" $2 ":" $3 ":" $4 }' | paste -sd' ')" \
		"db_client:0:high:mysql maintenance:0:medium:api"
	# Every field comes back as it was given, in the file's own form.
	expect_eq "persona show gives back every field" \
		"$("$ctl" -j persona show db_client | python3 -c '
import json, sys
p = json.load(sys.stdin)["persona"]
print(json.dumps(p, sort_keys=True))')" \
		'{"activation_trigger": {"process_name": "mysql"}, "allowed_protocols": ["tcp", "udp"], "communication_mode": "unicast", "name": "db_client", "network_profile": {"allowed_egress": [{"id": 1, "peer": {"cidr": "127.0.0.1/32"}, "ports": 3306, "protocol": "tcp"}], "allowed_ingress": [], "exposure": []}, "priority": 4, "qos_parameters": {"burst": 65536, "dscp": 46, "rate": "10mbit"}, "resource_limits": {"memory": "512M"}, "security_profile": {"encryption_required": true, "level": "high"}}'
	"$ctl" -j persona show db_client | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["persona"]))' \
		>"$tmp/db_client.shown.json"
	sed -i 's/"db_client"/"db_client_copy"/' "$tmp/db_client.shown.json"
	check "what persona show prints is a persona file" "$ctl" persona add "$tmp/db_client.shown.json"
	check "persona del of an unused persona" "$ctl" persona del db_client_copy
}

test_switch() {
	check "apply: a manifest that takes two personas" "$ctl" apply "$tmp/app.json"
	expect_eq "component show: the default persona is active" "$(active)" db_client
	expect_eq "status: one component, the active persona's rule" "$(status_counts)" "1 1"
	expect_eq "component show: the manifest as applied, its personas and no rules of its own" \
		"$("$ctl" -j component show app | python3 -c '
import json, sys
m = json.load(sys.stdin)["manifest"]
print(m["personas"], m["default_persona"], m["active_persona"], "egress" in m)')" \
		"['db_client', 'maintenance'] db_client db_client False"
	reach "db_client: 3306 allowed, 2222 denied" allow deny
	check "persona activate app maintenance" "$ctl" persona activate app maintenance
	expect_eq "component show: maintenance is active" "$(active)" maintenance
	reach "maintenance: 3306 denied, 2222 allowed" deny allow
	check "persona activate app db_client" "$ctl" persona activate app db_client
	reach "db_client again: 3306 allowed, 2222 denied" allow deny
	expect_eq "persona list: each has one user" \
		"$("$ctl" persona list | awk 'NR > 1 { print $1 ":" $2 }' | paste -sd' ')" \
		"db_client:1 maintenance:1"
	wait_for 60 grep -q '"change":"persona","old_persona":"maintenance","persona":"db_client","cause":"api"' \
		"$tmp/monitor"
	check "monitor: the switch, its personas and its cause" \
		grep -q '"component":"app","change":"persona","old_persona":"maintenance","persona":"db_client","cause":"api"' \
		"$tmp/monitor"
	check "kernel log: the switch" \
		sh -c 'dmesg | grep -q "compfw: component app: persona maintenance -> db_client (api)"'
}

# A stream the new persona denies is cut by the time activate returns.
test_cut() {
	local flowing

	stream_start app host 127.0.0.1 3306 && flowing=1 || flowing=0
	check "a stream to 3306 flows under db_client" [ "$flowing" = 1 ]
	"$ctl" persona activate app maintenance
	if no_estab; then
		pass "maintenance: the stream's socket is not ESTAB once activate has returned"
	else
		fail "maintenance: the stream's socket is not ESTAB once activate has returned" \
			"$(ss -tn)"
	fi
	stream_mark
	expect_eq "the client application gets ECONNABORTED" "$(stream_field error)" ECONNABORTED
}

# Changing a persona recompiles its user; the active persona stays.
test_replace() {
	local gen

	gen=$(generation)
	check "persona replace maintenance" "$ctl" persona replace "$tmp/maintenance.v2.json"
	expect_eq "the user's manifest is rebuilt: a new generation" "$(generation)" $((gen + 1))
	expect_eq "and maintenance is still active" "$(active)" maintenance
	reach "the new maintenance: 3306 and 2222 allowed" allow allow
	expect_fail_msg "rollback to a manifest of the old maintenance" \
		'persona "maintenance" was deleted or changed' "$ctl" component rollback app
}

# bad NAME WANT CMD...: refused with WANT, and app's generation unchanged.
bad() {
	local name=$1 want=$2 gen
	shift 2
	gen=$(generation)
	expect_fail_msg "$name" "$want" "$@"
	expect_eq "$name: nothing changed" "$(generation)" "$gen"
}

test_bad() {
	echo '{ "component": "app", "personas": ["db_client", "nope"] }' >"$tmp/unknown.json"
	bad "apply: an unknown persona" 'unknown persona "nope"' "$ctl" apply "$tmp/unknown.json"
	bad "activate: a persona the manifest does not name" \
		"does not name this persona" "$ctl" persona activate app db_client_copy
	"$ctl" component add other >/dev/null
	bad "activate: an unmanaged component" "takes no personas" \
		"$ctl" persona activate other db_client
	bad "persona add: a name in use" "a persona with this name exists" \
		"$ctl" persona add "$tmp/db_client.json"
	bad "persona del: a persona a manifest may take" \
		'the manifest of component "app" may take it' "$ctl" persona del maintenance
	bad "persona replace: no such persona" "no persona of this name to replace" \
		"$ctl" persona replace "$tmp/db_client.shown.json"
	echo '{ "name": "rel", "activation_trigger": {"path": "bin/mysql"} }' >"$tmp/rel.json"
	bad "persona add: a trigger on a relative path" \
		'activation_trigger.path: "bin/mysql" is not an absolute path' \
		"$ctl" persona add "$tmp/rel.json"
	echo '{ "name": "r", "qos_parameters": {"rate": "10 furlongs"} }' >"$tmp/rate.json"
	bad "persona add: a rate in an unknown unit" 'qos_parameters.rate: bad rate "10 furlongs"' \
		"$ctl" persona add "$tmp/rate.json"
	echo '{ "name": "d", "qos_parameters": {"dscp": 64} }' >"$tmp/dscp.json"
	bad "persona add: a DSCP over 63" 'qos_parameters.dscp: 64 out of range 0-63' \
		"$ctl" persona add "$tmp/dscp.json"
	echo '{ "name": "p", "allowed_protocols": ["tcp", "carrier-pigeon"] }' >"$tmp/proto.json"
	bad "persona add: an unknown protocol" 'allowed_protocols[1]: unknown protocol "carrier-pigeon"' \
		"$ctl" persona add "$tmp/proto.json"
	echo '{ "component": "app", "personas": ["db_client"], "egress": [{"protocol": "tcp"}] }' \
		>"$tmp/both.json"
	bad "apply: personas and rules of its own" "takes its rules from them" \
		"$ctl" apply "$tmp/both.json"
	echo '{ "component": "app", "personas": ["db_client", "db_client"] }' >"$tmp/twice.json"
	bad "apply: a persona named twice" 'personas[1]: persona "db_client" is named twice' \
		"$ctl" apply "$tmp/twice.json"
	echo '{ "component": "app", "personas": ["db_client"], "default_persona": "maintenance" }' \
		>"$tmp/dflt.json"
	bad "apply: a default that is not among the personas" \
		'default_persona: "maintenance" is not among the personas' "$ctl" apply "$tmp/dflt.json"
	echo '{ "name": "peer", "network_profile": {"allowed_egress": [{"peer": {"component": "other"}}]} }' \
		>"$tmp/peer.json"
	check "persona add: a persona naming component other" "$ctl" persona add "$tmp/peer.json"
	bad "component del: a component a persona names" 'persona "peer" names it as a peer' \
		"$ctl" component del other
	expect_eq "after all that: the personas are the three added" \
		"$("$ctl" persona list | awk 'NR > 1 { print $1 }' | paste -sd' ')" \
		"db_client maintenance peer"
}

plan 57
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
test_objects
test_switch
test_cut
test_replace
test_bad
finish
