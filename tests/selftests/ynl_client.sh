#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A client we did not write: the kernel's own ynl (tools/net/ynl/cli.py from
# linux-source-6.12) with Documentation/netlink/specs/compfw.yaml drives every
# operation of the family, each do and each dump, a batch apply and the events
# group. What is asserted is what a user of ynl sees: the values it decodes.
#
#   cgroup web  component "web", ID 7, owns 10.81.0.1/32 and fd81::1/128;
#               exposes tcp 8080 and udp 53: ingress tcp 8080 from
#               10.81.0.0/24 (rule 1), udp 53 from component db (rule 2);
#               later also exposes tcp 9090 to 10.81.0.0/24 (rule 3)
#   cgroup db   component "db"; egress tcp 8080 to web only, so a datagram
#               to 127.0.0.1:7999 is dropped
#   cgroup spare  component "spare", created and deleted
#
# The ynl tooling is prepared on the host (tests/vm/run.sh does it when a
# test uses tests/lib/ynl.sh): the guest cannot fetch it.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3

cgbase=/sys/fs/cgroup/compfw-test/ynl-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-ynl.XXXXXX")
cleanup() {
	[ -n "${sub:-}" ] && kill "$sub" 2>/dev/null
	[ -n "${ynl_srv:-}" ] && kill "$ynl_srv" 2>/dev/null
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The kernel's client, started once (tests/selftests/lib/ynl_server.py):
# each call below is what one run of its cli.py --output-json would print,
# with cli.py's exit status; a Python start under TCG costs seconds.
ynl_cli() {
	"$top/tests/lib/ynl.sh" cli --output-json "$@"
}
ynl_start() {
	local spec=$top/Documentation/netlink/specs/compfw.yaml line
	mkfifo "$tmp/req" "$tmp/resp" || return 1
	exec {ynl_req}<>"$tmp/req" {ynl_resp}<>"$tmp/resp"
	python3 "$top/tests/selftests/lib/ynl_server.py" "$tree/tools/net/ynl" "$spec" \
		"$tree/Documentation/netlink/$(sed -n 's/^protocol: *//p' "$spec").yaml" \
		"$tmp" 2>"$tmp/server.err" &
	ynl_srv=$!
	ynl_read line && [ "$line" = ready ]
}
# ynl_read VAR: a line of the server's into VAR; fails once it is gone.
ynl_read() {
	until IFS= read -r -t 10 "$1" <&"$ynl_resp"; do
		kill -0 "$ynl_srv" 2>/dev/null && continue
		cat "$tmp/server.err"
		return 1
	done
}
# ynl_call REQUEST: the server's answer printed; its status returned.
ynl_call() {
	local head rc n line
	printf '%s\n' "$1" >&"$ynl_req"
	ynl_read head || return 1
	read -r rc n <<<"$head"
	while [ "$n" -gt 0 ] && ynl_read line; do
		printf '%s\n' "$line"
		n=$((n - 1))
	done
	return "$rc"
}
json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

# ynl --do|--dump OP [--json ATTRS]: as cli.py would; other arguments go to
# cli.py itself.
ynl() {
	case "$1 ${3:-}" in
	"--do "|"--dump "|"--do --json"|"--dump --json")
		[ $# -le 4 ] || { ynl_cli "$@"; return; }
		# JSON: its line breaks are blanks; a request is one line.
		local attrs=${4:-'{}'}
		ynl_call "{\"${1#--}\": $(json_str "$2"), \"attrs\": ${attrs//$'\n'/ }}" ;;
	*)	ynl_cli "$@" ;;
	esac
}

# jget JSON EXPR: EXPR (python, over the decoded JSON as r) printed.
# manifest(r): the manifest parts of a component reply (a dict, or a list
# if the spec makes them multi-attr), merged as a user would read them.
jget() {
	ynl_call "{\"eval\": $(json_str "$2"), \"json\": $(json_str "$1")}" 2>&1
}

# ynl_ok NAME OUTVAR ARGS...: the call must succeed; its output in OUTVAR.
ynl_ok() {
	local _name=$1 _var=$2 _out
	shift 2
	if _out=$(ynl "$@" 2>&1); then
		pass "$_name"
	else
		fail "$_name" "ynl $*" "$_out"
	fi
	printf -v "$_var" '%s' "$_out"
}

# A datagram from the db cgroup to 127.0.0.1:7999 every 0.2 s, each from a
# new socket (a new flow), for $1 seconds; db's manifest denies it.
send_drops() {
	run_in db host python3 -c '
import socket, sys, time
end = time.time() + float(sys.argv[1])
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b"x", ("127.0.0.1", 7999))
    except OSError:
        pass
    s.close()
    time.sleep(0.2)
' "$1"
}

ip4() { python3 -c 'import ipaddress, sys; print(int(ipaddress.IPv4Address(sys.argv[1])))' "$1"; }
ip6() { python3 -c 'import ipaddress, sys; print(ipaddress.IPv6Address(sys.argv[1]).packed.hex())' "$1"; }

plan 57
modprobe -r compfw 2>/dev/null
check "load compfw" modprobe compfw
env_cgroups web db spare
tree=$("$top/tests/lib/ynl.sh" tree 2>&1) && [ -f "$tree/tools/net/ynl/cli.py" ] &&
	pass "ynl tooling prepared on the host: $tree" ||
	fail "ynl tooling prepared on the host" "$tree"

# get-status through cli.py itself, once, with its schema check; the rest
# through one long-lived client.
out=$(ynl_cli --do get-status 2>&1) && pass "cli.py --do get-status" ||
	fail "cli.py --do get-status" "$out"
expect_eq "cli.py: get-status: no components yet" "$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["components"])' "$out" 2>&1)" 0
ynl_start && pass "ynl's YnlFamily started once for the test" ||
	fail "ynl's YnlFamily started once for the test" "$(cat "$tmp/server.err")"

# get-status: a do with no request attributes.
ynl_ok "ynl --do get-status" out --do get-status
expect_eq "get-status: family-version is the spec's" \
	"$(jget "$out" 'r["family-version"]')" \
	"$(sed -n 's/^version: *//p' "$top/Documentation/netlink/specs/compfw.yaml")"
expect_eq "get-status: no components yet" "$(jget "$out" 'r["components"]')" 0
expect_eq "get-status: module-version and netns-cookie decode" \
	"$(jget "$out" 'bool(r["module-version"]) and r["netns-cookie"] > 0')" True

# component-new, its reply decoded from the spec.
web4=$(ip4 10.81.0.1) web6=$(ip6 fd81::1) net4=$(ip4 10.81.0.0)
ynl_ok "ynl --do component-new web (id, cgroup, two addresses)" out --do component-new --json \
	"{\"name\": \"web\", \"id\": 7, \"cgroup\": \"$(cgpath web)\",
	  \"address\": [{\"addr4\": $web4, \"prefix-len\": 32},
	               {\"addr6\": \"$web6\", \"prefix-len\": 128}]}"
ynl_ok "ynl --do component-new db" out2 --do component-new --json \
	"{\"name\": \"db\", \"cgroup\": \"$(cgpath db)\"}"
ynl_ok "ynl --do component-new spare" out3 --do component-new --json \
	"{\"name\": \"spare\", \"cgroup\": \"$(cgpath spare)\"}"

ynl_ok "ynl --do component-get web" out --do component-get --json '{"name": "web"}'
expect_eq "component-get web: name, id, cgroup" \
	"$(jget "$out" '(r["name"], r["id"], r["cgroup"])')" "('web', 7, '$(cgpath web)')"
expect_eq "component-get web: its addresses, as ynl prints them" \
	"$(jget "$out" 'sorted((a.get("addr4") or a.get("addr6"), a["prefix-len"]) for a in r["address"])')" \
	"[('10.81.0.1', 32), ('fd81::1', 128)]"
expect_eq "component-get web: the cgroup's ID is that of $(cgpath web)" \
	"$(jget "$out" 'r["cgroup-id"]')" "$(stat -c %i "$cgbase/web")"
expect_eq "component-get web: unmanaged, generation 0, no rules" \
	"$(jget "$out" '(r.get("generation", 0), r.get("rules", 0), "has-previous" in r)')" "(0, 0, False)"

ynl_ok "ynl --dump component-get" out --dump component-get
expect_eq "dump: the three components, with IDs" \
	"$(jget "$out" 'sorted(set((m["name"], m["id"] == 7) for m in r))')" \
	"[('db', False), ('spare', False), ('web', True)]"
ynl_ok "ynl --dump component-get name db" out --dump component-get --json '{"name": "db"}'
expect_eq "dump by name: only db's messages" "$(jget "$out" 'sorted(set(m["name"] for m in r))')" "['db']"

# One MANIFEST_APPLY: db's manifest, and web's in two parts (header and
# rule 1 in one, rule 2 in the other), the parts not even adjacent.
ynl_ok "ynl --do manifest-apply: a batch of db and web, web in two parts" out --do manifest-apply --json "
{\"manifest\": [
  {\"component\": \"web\", \"version\": \"v1\", \"mode\": \"enforce\", \"log\": \"drops\",
   \"exposure\": [{\"proto\": 6, \"port-min\": 8080}],
   \"ingress\": [{\"id\": 1, \"peer-cidr\": {\"addr4\": $net4, \"prefix-len\": 24},
                \"l4\": {\"proto\": 6, \"port-min\": 8080}}]},
  {\"component\": \"db\", \"version\": \"d1\", \"log\": \"off\",
   \"egress\": [{\"id\": 1, \"peer-component\": \"web\", \"l4\": {\"proto\": 6, \"port-min\": 8080}}]},
  {\"component\": \"web\", \"exposure\": [{\"proto\": 17, \"port-min\": 53}],
   \"ingress\": [{\"id\": 2, \"peer-component\": \"db\", \"l4\": {\"proto\": 17, \"port-min\": 53}}]}]}"
ynl_ok "ynl --do component-get web after the batch" out --do component-get --json '{"name": "web"}'
expect_eq "web: generation 1, both parts' rules in force" \
	"$(jget "$out" '(r["generation"], r["rules"])')" "(1, 2)"
expect_eq "web: its manifest as ynl decodes it (version, mode, exposure and rules of both parts)" \
	"$(jget "$out" '(manifest(r).get("version"), manifest(r).get("mode"), sorted(e["port-min"] for e in manifest(r).get("exposure", [])), sorted(i["id"] for i in manifest(r).get("ingress", [])))')" \
	"('v1', 'enforce', [53, 8080], [1, 2])"
ynl_ok "ynl --do component-get db after the batch" out --do component-get --json '{"name": "db"}'
expect_eq "db: applied in the same request" "$(jget "$out" '(r["generation"], r["rules"], manifest(r).get("version"), manifest(r).get("log"))')" \
	"(1, 1, 'd1', 'off')"

# query: the classifier's answer, before and after a change.
q8080="{\"component\": \"web\", \"direction\": \"ingress\", \"proto\": 6, \"addr4\": $(ip4 10.81.0.2), \"port\": 8080}"
q9090=${q8080/8080/9090}
ynl_ok "ynl --do query web tcp 8080 from 10.81.0.2" out --do query --json "$q8080"
expect_eq "query 8080: allowed by rule 1, generation 1" \
	"$(jget "$out" '(r["allow"], r["rule-id"], r["generation"], r["mode"])')" "(1, 1, 1, 'enforce')"
ynl_ok "ynl --do query web tcp 9090 from 10.81.0.2" out --do query --json "$q9090"
expect_eq "query 9090: denied by default (rule 0)" \
	"$(jget "$out" '(r["allow"], r.get("rule-id", 0))')" "(0, 0)"

# Subscribed to the events group, apply web's v2 (adds rule 3): the
# apply's event-policy comes to the subscriber. Through the ynl library, a
# subscriber and a client on two sockets: cli.py cannot do both on one
# (6.12's ynl.py fails on a notification read before the reply: "'NoneType'
# object has no attribute 'attr_set'" in _ops).
v2="{\"manifest\": [
  {\"component\": \"web\", \"version\": \"v2\",
   \"exposure\": [{\"proto\": 6, \"port-min\": 8080}, {\"proto\": 17, \"port-min\": 53},
                {\"proto\": 6, \"port-min\": 9090}],
   \"ingress\": [{\"id\": 1, \"peer-cidr\": {\"addr4\": $net4, \"prefix-len\": 24},
                \"l4\": {\"proto\": 6, \"port-min\": 8080}},
               {\"id\": 2, \"peer-component\": \"db\", \"l4\": {\"proto\": 17, \"port-min\": 53}},
               {\"id\": 3, \"peer-cidr\": {\"addr4\": $net4, \"prefix-len\": 24},
                \"l4\": {\"proto\": 6, \"port-min\": 9090}}]}]}"
spec=$top/Documentation/netlink/specs/compfw.yaml
schema=$tree/Documentation/netlink/$(sed -n 's/^protocol: *//p' "$spec").yaml
if out=$(python3 - "$tree/tools/net/ynl" "$spec" "$schema" "$v2" 2>&1 <<'PY'
import json, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily
listener = YnlFamily(sys.argv[2], sys.argv[3])
listener.ntf_subscribe("events")
YnlFamily(sys.argv[2], sys.argv[3]).do("manifest-apply", json.loads(sys.argv[4]))
end = time.time() + 60
while not listener.async_msg_queue and time.time() < end:
    listener.check_ntf()
    time.sleep(0.1)
print(json.dumps(listener.async_msg_queue))
PY
); then
	pass "ynl: subscribed to events, apply web v2 from another socket"
else
	fail "ynl: subscribed to events, apply web v2 from another socket" "$out"
fi
events=$(printf '%s\n' "$out" | tail -n 1)
expect_eq "event-policy: web, apply, generation 1 -> 2, by the ynl process" \
	"$(jget "$events" '[(e["msg"]["component"], e["msg"]["change"], e["msg"]["old-generation"], e["msg"]["generation"], e["msg"]["comm"]) for e in r if e["name"] == "event-policy"]')" \
	"[('web', 'apply', 1, 2, 'python3')]"
ynl_ok "ynl --do query web tcp 9090 after v2" out --do query --json "$q9090"
expect_eq "query 9090 after v2: allowed by rule 3, generation 2" \
	"$(jget "$out" '(r["allow"], r["rule-id"], r["generation"])')" "(1, 3, 2)"
ynl_ok "ynl --do component-get web after v2" out --do component-get --json '{"name": "web"}'
expect_eq "web after v2: 3 rules, a previous manifest" \
	"$(jget "$out" '(r["rules"], r.get("has-previous", False), manifest(r).get("version"))')" "(3, True, 'v2')"

# component-rollback: back to v1, and the answer with it.
ynl_ok "ynl --do component-rollback web" out --do component-rollback --json '{"name": "web"}'
ynl_ok "ynl --do query web tcp 9090 after the rollback" out --do query --json "$q9090"
expect_eq "query 9090 after the rollback: denied again" "$(jget "$out" '(r["allow"], r.get("rule-id", 0))')" "(0, 0)"
ynl_ok "ynl --do component-get web after the rollback" out --do component-get --json '{"name": "web"}'
expect_eq "web after the rollback: v1's 2 rules" \
	"$(jget "$out" '(r["rules"], manifest(r).get("version"))')" "(2, 'v1')"

# A dropped datagram: db's counters move, and a listener on the events
# group gets an event-drop. The listener subscribes at some point during
# its start (a Python start: long on a loaded VM); datagrams are sent for
# as long as it runs, and stop when it ends.
ynl --subscribe events --sleep 20 >"$tmp/events" 2>&1 &
sub=$!
run_in_exec=1 send_drops 3600 &
drops=$!
env_pids+=("$drops")
wait "$sub"; rc=$?
sub=
kill "$drops" 2>/dev/null; wait "$drops" 2>/dev/null
expect_eq "ynl --subscribe events --sleep 20 ends well" "$rc" 0
expect_eq "event-drop: db, egress, udp to 127.0.0.1:7999, by the default deny" \
	"$(jget "$(tail -n 1 "$tmp/events")" 'sorted(set((e["msg"]["component"], e["msg"]["direction"], e["msg"]["proto"], e["msg"]["daddr4"], e["msg"]["dport"], e["msg"]["rule-id"]) for e in r if e["name"] == "event-drop"))')" \
	"[('db', 'egress', 17, '127.0.0.1', 7999, 0)]"
ynl_ok "ynl --do component-get db after the drops" out --do component-get --json '{"name": "db"}'
expect_eq "db's dropped-packets (u64) moved" "$(jget "$out" 'r["stats"]["dropped-packets"] > 0 and r["stats"]["dropped-bytes"] > 0')" True

# stats-reset: one component's counters, then all.
ynl_ok "ynl --do stats-reset db" out --do stats-reset --json '{"name": "db"}'
ynl_ok "ynl --do component-get db after the reset" out --do component-get --json '{"name": "db"}'
expect_eq "db's dropped-packets back to 0" "$(jget "$out" 'r["stats"].get("dropped-packets", 0)')" 0
ynl_ok "ynl --do stats-reset (all components)" out --do stats-reset

# component-del: refused while a manifest names the component, done for one
# that none names.
if out=$(ynl --do component-del --json '{"name": "db"}' 2>&1); then
	fail "component-del db, which web's manifest names, is refused" "$out"
else
	pass "component-del db, which web's manifest names, is refused"
	printf '%s\n' "$out" | sed 's/^/# /'
fi
out=$(ynl --do component-del --json '{}' 2>&1) && rc=0 || rc=$?
if [ "$rc" != 0 ] && [[ "$out" == *"Invalid argument"* ]] && [[ "$out" == *"'miss-type': 'name'"* ]]; then
	pass "component-del without a name: ynl shows EINVAL and the missing attribute, name"
else
	fail "component-del without a name: ynl shows EINVAL and the missing attribute, name" "$out"
fi
ynl_ok "ynl --do component-del spare" out --do component-del --json '{"name": "spare"}'
ynl_ok "ynl --dump component-get after the delete" out --dump component-get
expect_eq "dump after the delete: spare is gone" "$(jget "$out" 'sorted(set(m["name"] for m in r))')" "['db', 'web']"
ynl_ok "ynl --do get-status at the end" out --do get-status
expect_eq "get-status: 2 components, 1 + 2 rules" "$(jget "$out" '(r["components"], r["rules"])')" "(2, 3)"
finish
