#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Histories (issue 15, point 5). A component keeps the last history_depth
# versions of its manifest (default 8, the one in force included);
# "component history" lists them with generation, version, time and who;
# "component rollback NAME --to GEN" puts any of them back in force, as the
# classifier's answers show; plain rollback keeps its meaning (two undo
# each other). A persona keeps its definitions the same way ("persona
# history", "persona rollback"), and a rollback rebuilds the manifest that
# takes it. A generation not kept is refused, with its reason, and nothing
# changes.
#
#   version vN of component app allows egress tcp to 192.0.2.1 port 7000+N
#   definition pN of persona client, which component db takes, allows
#   egress tcp to 192.0.2.2 port 8000+N
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-history.XXXXXX")
cleanup() {
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

apply_v() {	# N: apply version vN
	echo "{\"component\": \"app\", \"version\": \"v$1\",
	       \"egress\": [{\"protocol\": \"tcp\", \"ports\": $((7000 + $1)), \"peer\": {\"cidr\": \"192.0.2.1/32\"}}]}" \
		>"$tmp/v$1.json"
	"$ctl" apply "$tmp/v$1.json"
}

# The versions that "query" finds allowed: which vN is in force.
in_force() {
	local n allowed=
	for n in $(seq 1 12); do
		[ "$("$ctl" query app egress tcp 192.0.2.1 $((7000 + n)) | cut -d' ' -f3)" = accept ] &&
			allowed="$allowed v$n"
	done
	echo "${allowed# }"
}

# define_p N [VERB] [PEER]: persona client's definition pN (persona add or
# replace), with an egress rule to component PEER too when given.
define_p() {
	local peer=
	[ -n "${3:-}" ] && peer=", {\"peer\": {\"component\": \"$3\"}}"
	echo "{\"name\": \"client\", \"version\": \"p$1\", \"network_profile\": {\"allowed_egress\":
	       [{\"protocol\": \"tcp\", \"port\": $((8000 + $1)), \"destination\": \"192.0.2.2/32\"}$peer]}}" \
		>"$tmp/p$1.json"
	"$ctl" persona "${2:-replace}" "$tmp/p$1.json"
}

# The definitions of client that db's answers show in force.
db_in_force() {
	local n allowed=
	for n in $(seq 1 8); do
		[ "$("$ctl" query db egress tcp 192.0.2.2 $((8000 + n)) | cut -d' ' -f3)" = accept ] &&
			allowed="$allowed p$n"
	done
	echo "${allowed# }"
}

# history FIELDS: the JSON history, a line per version of its FIELDS;
# OBJECT=persona NAME=client for a persona's.
history() {
	"$ctl" -j "${OBJECT:-component}" history "${NAME:-app}" | python3 -c '
import json, sys
for v in json.load(sys.stdin):
    print(" ".join(str(v[f]) for f in sys.argv[1:]))' "$@"
}

plan 48
modprobe -r compfw 2>/dev/null
check "load compfw (history_depth by default)" modprobe compfw
expect_eq "history_depth is 8 by default" "$(cat /sys/module/compfw/parameters/history_depth)" 8
"$ctl" component add app >/dev/null
expect_eq "a new component's history: its creation, unmanaged, in force" \
	"$(history generation version change in_force)" "0 None new True"

t0=$(date +%s)
for n in $(seq 1 10); do apply_v "$n" || fail "apply v$n"; done
t1=$(date +%s)
expect_eq "after 10 applies, the last 8 versions, the one in force first" \
	"$(history generation version change in_force | tr '\n' ,)" \
	"10 v10 apply True,9 v9 apply False,8 v8 apply False,7 v7 apply False,6 v6 apply False,5 v5 apply False,4 v4 apply False,3 v3 apply False,"
expect_eq "each made by compfwctl, as uid 0, with its pid" \
	"$(history comm uid | sort -u)" "compfwctl 0"
expect_eq "each pid a process's (8 different ones)" "$(history pid | sort -u | wc -l)" 8
expect_eq "each time within the applies" \
	"$(history time | python3 -c 'import sys; print(all(int(sys.argv[1]) <= int(t) <= int(sys.argv[2]) for t in sys.stdin))' "$t0" "$t1")" True
out=$("$ctl" component history app)
check "the table names its columns" grep -q '^GENERATION  *VERSION  *RULES  *CHANGE  *TIME  *BY$' <<<"$out"
check "and marks the version in force" grep -q '^10 \*  *v10  *1  *apply  *[0-9T:Z-]*  *compfwctl (pid [0-9]*, uid 0)$' <<<"$out"

expect_eq "v10 in force" "$(in_force)" v10
check "component rollback app --to 4" "$ctl" component rollback app --to 4
expect_eq "v4 in force: the classifier answers as v4" "$(in_force)" v4
expect_eq "v4 first now, as generation 11, by a rollback; v10 second" \
	"$(history generation version change | head -n 2 | tr '\n' ,)" "11 v4 rollback,10 v10 apply,"
expect_eq "still 8 versions, v4 once" "$(history version | sort | uniq -c | awk '$1 != 1' | wc -l) $(history version | wc -l)" "0 8"
check "plain rollback: to the version in force before" "$ctl" component rollback app
expect_eq "v10 in force again" "$(in_force)" v10
check "plain rollback again undoes it" "$ctl" component rollback app
expect_eq "v4 in force again" "$(in_force)" v4

before=$(history generation version)
expect_fail_msg "a generation not kept is refused" \
	"compfwctl: component rollback: generation 2 is not in the component's history" \
	"$ctl" component rollback app --to 2
expect_fail_msg "the version in force is refused" \
	"compfwctl: component rollback: generation 13 is the version in force" \
	"$ctl" component rollback app --to 13
expect_fail_msg "a generation that is not a number is refused before the kernel" \
	"compfwctl: component rollback: --to \"x\": a generation is a number from 0 to 4294967295 ('component history NAME' lists them)" \
	"$ctl" component rollback app --to x
expect_eq "nothing changed: v4 in force, the same history" "$(in_force) $(history generation version)" "v4 $before"

# A smaller depth, at run time: the next change keeps only that many.
echo 3 >/sys/module/compfw/parameters/history_depth
apply_v 11
expect_eq "history_depth 3: the next apply keeps 3 versions" \
	"$(history version | tr '\n' ,)" "v11,v4,v10,"
expect_fail_msg "v9, pushed out, can no longer come back" \
	"compfwctl: component rollback: generation 9 is not in the component's history" \
	"$ctl" component rollback app --to 9
modprobe -r compfw
check "reload with history_depth=2" modprobe compfw history_depth=2
"$ctl" component add app >/dev/null
apply_v 1 && apply_v 2
expect_eq "history_depth=2: the version in force and one before" \
	"$(history version | tr '\n' ,)" "v2,v1,"

# A persona's definitions.
modprobe -r compfw
check "reload compfw" modprobe compfw
"$ctl" component add db >/dev/null
"$ctl" component add peer >/dev/null
check "persona add client (p1)" define_p 1 add
for n in 2 3 4; do define_p "$n" || fail "persona replace p$n"; done
echo '{"component": "db", "personas": ["client"], "default_persona": "client"}' >"$tmp/db.json"
check "db takes persona client" "$ctl" apply "$tmp/db.json"
export OBJECT=persona NAME=client
expect_eq "persona history: 4 definitions, the one in force first" \
	"$(history generation version change in_force rules | tr '\n' ,)" \
	"4 p4 replace True 1,3 p3 replace False 1,2 p2 replace False 1,1 p1 new False 1,"
expect_eq "each by compfwctl as uid 0" "$(history comm uid | sort -u)" "compfwctl 0"
expect_eq "persona show: generation 4, version p4" \
	"$("$ctl" -j persona show client | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(j["generation"], j["persona"]["version"])')" "4 p4"
out=$("$ctl" persona history client)
check "the table marks the definition in force" \
	grep -q '^4 \*  *p4  *1  *replace  *[0-9T:Z-]*  *compfwctl (pid [0-9]*, uid 0)$' <<<"$out"
expect_eq "db judges by p4" "$(db_in_force)" p4
check "persona rollback client --to 2" "$ctl" persona rollback client --to 2
expect_eq "db judges by p2 now: its manifest was rebuilt" "$(db_in_force)" p2
expect_eq "p2 first, as generation 5, by a rollback; p4 second" \
	"$(history generation version change | head -n 2 | tr '\n' ,)" "5 p2 rollback,4 p4 replace,"
check "plain persona rollback" "$ctl" persona rollback client
expect_eq "db judges by p4 again" "$(db_in_force)" p4
check "plain persona rollback again undoes it" "$ctl" persona rollback client
expect_eq "db judges by p2 again" "$(db_in_force)" p2

# A definition naming a component deleted since cannot come back.
define_p 5 replace peer || fail "persona replace p5"
define_p 6 || fail "persona replace p6"
check "peer, named by p5 only, is deleted" "$ctl" component del peer
before=$(history generation version)
expect_fail_msg "p5 names a deleted component: refused" \
	"compfwctl: persona rollback: peer \"peer\" was deleted" \
	"$ctl" persona rollback client --to 8
expect_fail_msg "a generation not kept is refused" \
	"compfwctl: persona rollback: generation 42 is not in the persona's history" \
	"$ctl" persona rollback client --to 42
expect_fail_msg "the definition in force is refused" \
	"compfwctl: persona rollback: generation 9 is the definition in force" \
	"$ctl" persona rollback client --to 9
expect_fail_msg "an unknown persona is refused" \
	"compfwctl: persona rollback: unknown persona" \
	"$ctl" persona rollback nosuch
expect_eq "nothing changed: p6 in force, the same history" \
	"$(db_in_force) $(history generation version)" "p6 $before"
expect_eq "six definitions kept, each once (a rollback adds none)" \
	"$(history version | sort | tr '\n' ,)" "p1,p2,p3,p4,p5,p6,"
finish
