#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compfwctl as an administrator expects it (issue 17, point 5): unique
# prefixes of objects and commands (as ip takes them), an ambiguous one
# refused with what it could be; -p pretty-prints the JSON -j prints;
# monitor -t stamps each event; help after every object and command; a
# missing cgroup controller's hint; nothing on stdout before an error.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 timeout

cgbase=/sys/fs/cgroup/compfw-test/cli-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-cli.XXXXXX")
mon=
cleanup() {
	[ -n "$mon" ] && kill "$mon" 2>/dev/null && wait "$mon" 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rmdir "$cgbase"/web "$cgbase" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

plan 13
modprobe -r compfw 2>/dev/null
modprobe compfw
mkdir -p "$cgbase/web"
"$ctl" component add web cgroup "${cgbase#/sys/fs/cgroup}/web" >/dev/null

expect_eq "a prefix of an object and of a command: comp l is component list" \
	"$("$ctl" comp l)" "$("$ctl" component list)"
expect_fail_msg "an ambiguous prefix names what it could be" \
	'ambiguous object "st": status, stats' "$ctl" st
expect_fail_msg "an ambiguous command too" 'ambiguous command "a": add, activate' \
	"$ctl" persona a web x
expect_eq "-p: the same JSON as -j, indented" \
	"$("$ctl" -p status | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')" \
	"$("$ctl" -j status | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')"
check "-p: one member a line" sh -c "[ \$('$ctl' -p status | wc -l) -gt 3 ]"

missing=""
for words in status "component add" "component del" "component list" "component show" \
	"component rollback" "persona add" "persona activate" apply stats query monitor; do
	# shellcheck disable=SC2086 # the words
	out=$("$ctl" $words help 2>&1) && [[ $out == "usage: compfwctl "* ]] || missing+=" [$words]"
done
expect_eq "help after every object and command prints its usage" "$missing" ""

# The controller's files are there only when the parent enables it.
echo '{ "component": "web", "limits": {"cpu": "50000 100000"} }' >"$tmp/cpu.json"
err=$("$ctl" apply "$tmp/cpu.json" 2>&1 >"$tmp/stdout")
expect_eq "a missing controller: the hint to enable it in the parent" "$err" \
	"compfwctl: $tmp/cpu.json: limits.cpu: cannot read $cgbase/web/cpu.max: No such file or directory (enable the cpu controller: echo +cpu >$cgbase/cgroup.subtree_control)"
expect_eq "nothing on stdout before that error" "$(cat "$tmp/stdout")" ""
# Enabled as it says, from the root down (a cgroup without processes).
enabled=""
for d in /sys/fs/cgroup /sys/fs/cgroup/compfw-test "$cgbase"; do
	grep -qw cpu "$d/cgroup.subtree_control" && continue
	echo +cpu >"$d/cgroup.subtree_control" 2>/dev/null && enabled="$d $enabled"
done
if [ -e "$cgbase/web/cpu.max" ]; then
	check "enabled as it says: the apply works" "$ctl" apply "$tmp/cpu.json"
else
	skip "enabled as it says: the apply works" "no cpu controller in this kernel"
fi
for d in $enabled; do
	echo -cpu >"$d/cgroup.subtree_control" 2>/dev/null
done

"$ctl" -j monitor -t >"$tmp/mon.json" &
mon=$!
"$ctl" monitor -t >"$tmp/mon.txt" &
mon="$mon $!"
# Until both have joined the events group: apply until each shows it.
echo '{ "component": "web", "version": "t" }' >"$tmp/web.json"
check "monitor -t: events arrive" wait_for 120 sh -c \
	"'$ctl' apply '$tmp/web.json' && grep -q web '$tmp/mon.json' && grep -q web '$tmp/mon.txt'"
check "monitor -t: each line begins with its time" \
	grep -Eq '^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\] policy web apply' "$tmp/mon.txt"
check "monitor -j -t: a timestamp member" python3 -c '
import json, re, sys
e = json.loads(open(sys.argv[1]).readline())
sys.exit(0 if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", e["timestamp"]) else 1)' "$tmp/mon.json"
expect_fail_msg "monitor: anything else is refused" "monitor takes only -t" "$ctl" monitor -x
kill $mon 2>/dev/null
wait $mon 2>/dev/null
mon=
finish
