#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compfw.service (issue 17, point 3): its command lines, as the unit file
# gives them, on a configuration directory like /etc/compfw: the module
# loaded, the components of DIR/components added (one on a cgroup that
# does not exist yet), every DIR/*.json applied in one all-or-nothing apply;
# a bad file refused with its name and nothing changed; run again (a
# restart, or ExecReload) with the components in place.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

unit=$top/tools/systemd/compfw.service.in
cgbase=/sys/fs/cgroup/compfw-test/unit-$$
base=${cgbase#/sys/fs/cgroup}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-unit.XXXXXX")
etc=$tmp/etc/compfw
trap 'modprobe -r compfw 2>/dev/null; rmdir "$cgbase"/* "$cgbase" 2>/dev/null; rm -rf "$tmp"' EXIT

# line KEY: the unit's KEY= command, for this tree and $etc.
line() {
	sed -n "s/^$1=//p" "$unit" | sed -e "s|@LIBEXECDIR@|$top/tools/systemd|g" \
		-e "s|@SBINDIR@|$top/tools|g" -e "s|/etc/compfw|$etc|g"
}

# run KEY: the unit's command, with its Environment=.
run() {
	local env
	env=$(line Environment)
	# shellcheck disable=SC2046 # the unit's words
	env "$env" $(line "$1")
}

generations() {
	"$ctl" -j component list | python3 -c '
import json, sys
print(" ".join("%s:%s" % (c["name"], c["generation"]) for c in json.load(sys.stdin)))'
}

mkdir -p "$etc" "$cgbase/web"
cat >"$etc/components" <<EOF2
# the components, as compfwctl component add takes them
web cgroup $base/web
db cgroup $base/db   # not created yet
EOF2
echo '{ "component": "web", "version": "w1", "egress": [ {"protocol": "tcp", "ports": 5432} ] }' \
	>"$etc/10-web.json"
echo '[ { "component": "db", "version": "d1", "ingress": [ {"protocol": "tcp", "ports": 5432} ] } ]' \
	>"$etc/20-db.json"
echo 'not a manifest' >"$etc/README"

plan 12
modprobe -r compfw 2>/dev/null
check "ExecStart, as the unit gives it" run ExecStart
check "it loaded the module" test -d /sys/module/compfw
expect_eq "the components it added, each file's manifest applied" "$(generations)" "web:1 db:1"
expect_eq "db waits for its cgroup" \
	"$("$ctl" -j component show db | python3 -c 'import json,sys; print(json.load(sys.stdin)["cgroup_state"])')" \
	pending
expect_eq "the versions are the files'" \
	"$("$ctl" -j component show web | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["version"])')" \
	w1

sed -i 's/w1/w2/' "$etc/10-web.json"
echo '{ "component": "db", "version": "d2", "ingress": [ {"protocol": "tcp", "ports": "x"} ] }' \
	>"$etc/30-bad.json"
out=$(run ExecStart 2>&1)
rc=$?
expect_eq "a bad file: refused with its name and where" "$rc $out" \
	"1 compfwctl: $etc/30-bad.json: ingress[0].ports: bad port range \"x\""
expect_eq "and nothing changed" "$(generations)" "web:1 db:1"
echo '{ "component": "db", "version": "d2" }' >"$etc/30-bad.json"
out=$(run ExecStart 2>&1)
expect_eq "db named in two files: refused, naming both" "$out" \
	"compfwctl: $etc/30-bad.json: component: component \"db\" appears twice (also $etc/20-db.json: [0].component)"
rm "$etc/30-bad.json"
check "ExecStart again, the components in place" run ExecStart
expect_eq "every manifest applied once more, web's new version" \
	"$(generations) $("$ctl" -j component show web | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["version"])')" \
	"web:2 db:2 w2"
check "ExecReload, as the unit gives it" run ExecReload
expect_eq "it applied them again" "$(generations)" "web:3 db:3"
finish
