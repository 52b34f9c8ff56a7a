#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changing policy: atomic batches, updates without a reload, rollback, the
# cut of live flows a new policy denies, the module's limits, and bad input,
# each failure checked for its exact one-line error and for nothing having
# changed (status counts, `component show`, `component list`, traffic).
#
#  init netns, loopback only
#  ┌─────────────────────────────────────────────────────────────┐
#  │ cgroup .../update-$$/api  ── tcp 127.0.0.1 ──▶  cgroup .../web │
#  │   component api (client)                  servers tcp 8080, 8081│
#  │                                           component web         │
#  │ component db: no cgroup, only counted                           │
#  └─────────────────────────────────────────────────────────────┘
#
#  api egress: web tcp 8080-8081 (never changes)
#  web v1: exposure tcp 8080-8081, ingress api tcp 8080   -> 8080 allow, 8081 deny
#  web v2: exposure tcp 8080-8081, ingress api tcp 8081   -> 8080 deny,  8081 allow
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3 timeout

cgbase=/sys/fs/cgroup/compfw-test/update-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-update.XXXXXX")

cleanup() {
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

write_manifests() {
	cat >"$tmp/api.json" <<-'EOF'
	{ "component": "api", "version": "a1",
	  "egress": [ {"id": 1, "peer": {"component": "web"}, "protocol": "tcp", "ports": "8080-8081"} ] }
	EOF
	local v port
	for v in 1 2; do
		port=$((8079 + v))
		cat >"$tmp/web.v$v.json" <<-EOF
		{ "component": "web", "version": "v$v",
		  "exposure": [ {"protocol": "tcp", "ports": "8080-8081"} ],
		  "ingress": [ {"id": 1, "peer": {"component": "api"}, "protocol": "tcp", "ports": $port} ] }
		EOF
	done
	# v1 for both, in one batch
	python3 -c 'import json,sys; print(json.dumps([json.load(open(f)) for f in sys.argv[1:]]))' \
		"$tmp/api.json" "$tmp/web.v1.json" >"$tmp/start.json"
}

# reach PORT:WANT...: what api sees of web's two ports, e.g. "8080:allow
# 8081:deny"; a port that WANT says answers is probed again, for long, when
# it did not within PROBE_TIMEOUT.
reach() {
	printf '8080 try tcp 127.0.0.1 8080\n8081 try tcp 127.0.0.1 8081\n' |
		verdicts api host "$@"
}

# snapshot: everything a failed change must leave as it was.
snapshot() {
	local c
	echo "status: $(status_counts)"
	for c in web api db; do
		# without the counters, which traffic moves
		"$ctl" component show "$c" | grep -Ev '^(accepted|dropped|audited|last hit) '
	done
	"$ctl" component list
}

# show_field COMPONENT EXPR: a Python expression over the -j show object d.
show_field() {
	"$ctl" -j component show "$1" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}

# expect_err NAME WANT CMD...: CMD fails, prints nothing on stdout and
# exactly the line WANT on stderr.
expect_err() {
	local name=$1 want=$2 out err rc
	shift 2
	out=$("$@" 2>"$tmp/stderr") && rc=0 || rc=$?
	err=$(cat "$tmp/stderr")
	if [ "$rc" -ne 0 ] && [ -z "$out" ] && [ "$err" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, stdout: ${out:-<empty>}" "stderr: $err" "want:   $want"
	fi
}

# unchanged NAME BEFORE: the snapshot and api's view of web (BEFORE's last
# line) are as before.
unchanged() {
	local now
	# shellcheck disable=SC2086 # the view is a word list
	now="$(snapshot)
$(reach ${2##*$'\n'})"
	if [ "$now" = "$2" ]; then
		pass "$1: nothing changed"
	else
		echo "$2" >"$tmp/before"
		echo "$now" >"$tmp/now"
		fail "$1: nothing changed" "$(diff "$tmp/before" "$tmp/now" | sed -n '2,12p' | tr '\n' '|')"
	fi
}

# bad_apply NAME JSON WANT-AFTER-FILENAME: apply JSON from a file, expect
# "compfwctl: FILE: WANT" and the state to stay $base (traffic is checked
# once for the group, by the caller).
bad_apply() {
	local name=$1 f=$tmp/bad.json
	printf '%s\n' "$2" >"$f"
	expect_err "$name: error" "compfwctl: $f: $3" "$ctl" apply "$f"
	expect_eq "$name: nothing changed" "$(snapshot)" "$base"
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw ${COMPFW_MODPARAMS:-} || return 1
	env_cgroups web api || return 1
	start_server web host tcp:8080@127.0.0.1 tcp:8081@127.0.0.1 || return 1
	"$ctl" component add web cgroup "$(cgpath web)" &&
	"$ctl" component add api cgroup "$(cgpath api)" &&
	"$ctl" component add db || return 1
	write_manifests
}

# ---- the tests -------------------------------------------------------------

test_start() {
	check "apply api and web v1 in one batch" "$ctl" apply "$tmp/start.json"
	expect_eq "v1: api reaches web 8080, not 8081" "$(reach 8080:allow 8081:deny)" "8080:allow 8081:deny"
	expect_eq "v1: show says version v1, generation 1" \
		"$(show_field web '(d["manifest"] or {}).get("version"), d["generation"]')" "('v1', 1)"
	show_field web 'json.dumps(d["manifest"], sort_keys=True)' >"$tmp/web.v1.shown"
}

test_atomic() {
	local before bad
	before="$(snapshot)
$(reach 8080:allow 8081:deny)"
	# First manifest good, second names a peer that does not exist: the
	# kernel refuses the batch, so web must stay at v1.
	bad=$(python3 -c 'import json,sys; web=json.load(open(sys.argv[1])); print(json.dumps([web,
		{"component": "api", "egress": [{"peer": {"component": "nosuch"}, "protocol": "tcp", "ports": 8081}]}]))' \
		"$tmp/web.v2.json")
	printf '%s\n' "$bad" >"$tmp/batch.json"
	expect_err "atomic: batch with one bad manifest is refused" \
		"compfwctl: $tmp/batch.json: [1].egress[0].peer.component: unknown peer component" \
		"$ctl" apply "$tmp/batch.json"
	unchanged "atomic: batch refused" "$before"
	# The same with a manifest for a component that does not exist.
	bad=$(python3 -c 'import json,sys; print(json.dumps([json.load(open(sys.argv[1])), {"component": "nosuch"}]))' \
		"$tmp/web.v2.json")
	printf '%s\n' "$bad" >"$tmp/batch.json"
	expect_err "atomic: batch naming an unknown component is refused" \
		"compfwctl: $tmp/batch.json: [1].component: unknown component" \
		"$ctl" apply "$tmp/batch.json"
	unchanged "atomic: unknown component" "$before"
}

test_bad_input() {
	local before base
	before="$(snapshot)
$(reach 8080:allow 8081:deny)"
	base=$(snapshot)
	bad_apply "bad input: unknown field" \
		'{"component": "web", "version": "v9", "colour": "red"}' \
		'unknown field "colour"'
	bad_apply "bad input: port out of range" \
		'{"component": "web", "ingress": [{"protocol": "tcp", "ports": 70000}]}' \
		'ingress[0].ports: 70000 out of range 0-65535'
	bad_apply "bad input: bad CIDR" \
		'{"component": "web", "ingress": [{"peer": {"cidr": "10.0.0.300/8"}, "protocol": "tcp", "ports": 8080}]}' \
		'ingress[0].peer.cidr: bad CIDR "10.0.0.300/8"'
	bad_apply "bad input: except outside its CIDR" \
		'{"component": "web", "ingress": [{"peer": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}}]}' \
		'ingress[0].peer.except[0]: except 11.0.0.0/16 is not inside 10.0.0.0/8'
	bad_apply "bad input: more excepts in one rule than the kernel takes" \
		"{\"component\": \"web\", \"ingress\": [{\"peer\": {\"cidr\": \"10.0.0.0/8\", \"except\": [$(seq -f '"10.%g.0.0/16"' 0 64 | paste -sd,)]}}]}" \
		'ingress[0].peer.except[64]: too many excepts in one rule (at most 64)'
	bad_apply "bad input: unknown peer component" \
		'{"component": "web", "ingress": [{"peer": {"component": "nosuch"}, "protocol": "tcp", "ports": 8080}]}' \
		'ingress[0].peer.component: unknown peer component'
	bad_apply "bad input: duplicate rule id" \
		'{"component": "web", "ingress": [{"id": 3, "protocol": "tcp"}, {"id": 3, "protocol": "udp"}]}' \
		'ingress[1].id: duplicate rule id 3 (also ingress[0].id)'

	expect_err "bad input: duplicate component name" \
		"compfwctl: component add: a component with this name exists" \
		"$ctl" component add web
	expect_err "bad input: a cgroup path through a file" \
		"compfwctl: component add: a part of the cgroup path is a file, not a cgroup" \
		"$ctl" component add x cgroup /cgroup.procs/x
	expect_err "bad input: component del of a peer names the manifest that names it" \
		'compfwctl: component del: the manifest of component "api" names it as a peer' \
		"$ctl" component del web
	unchanged "bad input: all refused, traffic too" "$before"
}

test_update() {
	local api_gen
	api_gen=$(show_field api 'd["generation"]')
	check "update: apply web v2 (module stays loaded)" "$ctl" apply "$tmp/web.v2.json"
	expect_eq "update: api reaches web 8081, not 8080" "$(reach 8080:deny 8081:allow)" "8080:deny 8081:allow"
	expect_eq "update: web at v2, generation 2, rollback available" \
		"$(show_field web '(d["manifest"] or {}).get("version"), d["generation"], d["rollback_available"]')" \
		"('v2', 2, True)"
	expect_eq "update: api untouched" "$(show_field api 'd["generation"]')" "$api_gen"
	expect_eq "update: same components, same counts" "$(status_counts)" "3 2"
}

test_rollback() {
	check "rollback: component rollback web" "$ctl" component rollback web
	expect_eq "rollback: api reaches web 8080 again, not 8081" "$(reach 8080:allow 8081:deny)" "8080:allow 8081:deny"
	expect_eq "rollback: show says v1, generation 3" \
		"$(show_field web '(d["manifest"] or {}).get("version"), d["generation"]')" "('v1', 3)"
	expect_eq "rollback: the manifest shown is v1's, rule for rule" \
		"$(show_field web 'json.dumps(d["manifest"], sort_keys=True)')" "$(cat "$tmp/web.v1.shown")"
}

# A connection exchanging a message every 20 ms; a policy that denies it
# must stop it when the apply returns: nothing sent after that is echoed.
# (It was "the last echo within 1 s of the apply returning": a time, which a
# slow VM stretches; a count of bytes it cannot.)
test_live_cut() {
	if ! stream_start api host 127.0.0.1 8080; then
		fail "live cut: the stream was exchanging data before the apply" "$(cat "$tmp/stream.out")"
		stream_stop
		return
	fi
	pass "live cut: the stream was exchanging data before the apply"
	"$ctl" apply "$tmp/web.v2.json" >/dev/null 2>&1
	stream_mark
	if stream_cut; then
		pass "live cut: nothing sent after the apply returned is echoed"
	else
		fail "live cut: nothing sent after the apply returned is echoed" "$(cat "$tmp/stream.out")"
	fi
	expect_eq "live cut: a new connection follows v2" "$(reach 8080:deny 8081:allow)" "8080:deny 8081:allow"
}

# Lowered limits: each refusal is one line and changes nothing.
test_limits() {
	local before f
	modprobe -r compfw
	if ! modprobe compfw max_components=3 max_component_rules=4 max_rules=6; then
		fail "limits: module loads with lowered limits"
		return
	fi
	"$ctl" component add web cgroup "$(cgpath web)" &&
	"$ctl" component add api cgroup "$(cgpath api)" &&
	"$ctl" component add db
	before=$(snapshot)
	expect_err "limits: max_components=3 refuses a fourth" \
		"compfwctl: component add: too many components (module parameter max_components)" \
		"$ctl" component add batch
	expect_eq "limits: max_components: nothing changed" "$(snapshot)" "$before"

	f=$tmp/limits.json
	python3 - "$f" <<-'EOF'
	import json, sys
	def m(name, n):
	    return {"component": name, "egress": [{"protocol": "tcp", "ports": p} for p in range(1, n + 1)]}
	json.dump(m("web", 5), open(sys.argv[1] + ".5", "w"))
	json.dump(m("web", 4), open(sys.argv[1] + ".4", "w"))
	json.dump([m("api", 2), m("db", 1)], open(sys.argv[1] + ".batch", "w"))
	EOF
	expect_err "limits: max_component_rules=4 refuses 5 rules" \
		"compfwctl: $f.5: too many rules in one manifest (module parameter max_component_rules)" \
		"$ctl" apply "$f.5"
	expect_eq "limits: max_component_rules: nothing changed" "$(snapshot)" "$before"
	check "limits: 4 rules fit" "$ctl" apply "$f.4"
	before=$(snapshot)
	# 4 in force + 2 + 1 > max_rules=6: the whole batch goes.
	expect_err "limits: max_rules=6 refuses a batch that would make 7" \
		"compfwctl: $f.batch: too many rules in this namespace (module parameter max_rules)" \
		"$ctl" apply "$f.batch"
	expect_eq "limits: max_rules: nothing changed" "$(snapshot)" "$before"
	modprobe -r compfw
}

# ---- main ------------------------------------------------------------------

plan 44
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
test_start
test_atomic
test_bad_input
test_update
test_rollback
test_live_cut
test_limits
finish
