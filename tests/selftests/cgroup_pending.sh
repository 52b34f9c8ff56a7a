#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pending components (issue 15, point 4): `component add` may name a cgroup
# path that does not exist yet. The component is pending (component show
# says so), takes a manifest, and binds when the cgroup appears, before
# mkdir returns: a connect issued right after the mkdir and the move of the
# process is judged, never passed unpoliced. Nested paths whose parents are
# missing too; the path taken by another component, pending or not; a path
# through a file; a pending component's cgroup removed again is absent.
#
#  init netns, loopback only
#    .../pending-$$/later        component later (pending): egress tcp 3306
#    .../pending-$$/a/b/c        component deep (pending, a/ missing too)
#    .../pending-$$/srv          servers 3306, 2222
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe python3 timeout

cgbase=/sys/fs/cgroup/compfw-test/pending-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-pending.XXXXXX")
ROUNDS=${PENDING_ROUNDS:-10}

cleanup() {
	env_cleanup
	rmdir "$cgbase"/a/b/c "$cgbase"/a/b "$cgbase"/a 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

field() {
	"$ctl" -j component show "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin).get(sys.argv[1]))' "$2"
}

# reach CGROUP WANT3306 WANT2222 NAME
reach() {
	expect_verdicts "$4" "$1" host "db:$2" "maint:$3" <<-'EOF'
	db try tcp 127.0.0.1 3306
	maint try tcp 127.0.0.1 2222
	EOF
}

manifest() {
	echo "{ \"component\": \"$1\", \"egress\": [ {\"protocol\": \"tcp\", \"ports\": 3306, \"peer\": {\"cidr\": \"127.0.0.1\"}} ] }" \
		>"$tmp/$1.json"
	"$ctl" apply "$tmp/$1.json"
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw || return 1
	env_cgroups srv || return 1
	start_server srv host tcp:3306@127.0.0.1 tcp:2222@127.0.0.1
}

test_pending() {
	check "component add: a cgroup that does not exist yet" \
		"$ctl" component add later cgroup "$(cgpath later)"
	expect_eq "component show: pending, no cgroup ID" \
		"$(field later cgroup_state) $(field later cgroup_id)" "pending None"
	expect_eq "the text says (pending)" \
		"$("$ctl" component show later | grep '^cgroup  ')" "cgroup        $(cgpath later) (pending)"
	check "apply a manifest to the pending component" manifest later
	mkdir "$cgbase/later"
	expect_eq "mkdir: the component is bound, before anything else" \
		"$(field later cgroup_state)" present
	expect_eq "its cgroup ID is the new cgroup's" "$(field later cgroup_id)" \
		"$(stat -c %i "$cgbase/later")"
	reach later allow deny "its first connections are policed: 3306 allowed, 2222 denied"
	rmdir "$cgbase/later"
	expect_eq "rmdir: absent now, not pending" "$(field later cgroup_state)" absent
}

# mkdir, move a process in, connect at once: denied every time.
test_first_packet() {
	local i denied=0 out
	check "component add fresh (pending)" "$ctl" component add fresh cgroup "$(cgpath fresh)"
	check "apply a manifest to it" manifest fresh
	for i in $(seq 1 "$ROUNDS"); do
		mkdir "$cgbase/fresh"
		out=$(echo "x try tcp 127.0.0.1 2222" | probe_batch fresh host "$PROBE_TIMEOUT")
		[ "${out#x }" != "$out" ] && [ "$(echo "$out" | awk '{ print $2 }')" = 1 ] &&
			denied=$((denied + 1))
		rmdir "$cgbase/fresh"
		"$ctl" component del fresh >/dev/null
		"$ctl" component add fresh cgroup "$(cgpath fresh)" >/dev/null
		manifest fresh >/dev/null
	done
	expect_eq "$ROUNDS times: the first connect after mkdir is denied" "$denied" "$ROUNDS"
}

test_nested() {
	check "component add deep: a/b/c, a missing too" "$ctl" component add deep cgroup "$(cgpath a/b/c)"
	check "apply a manifest to it" manifest deep
	mkdir -p "$cgbase/a/b"
	expect_eq "a/b made: deep still pending" "$(field deep cgroup_state)" pending
	mkdir "$cgbase/a/b/c"
	expect_eq "a/b/c made: deep is bound" "$(field deep cgroup_state)" present
	reach a/b/c allow deny "deep's first connections are policed: 3306 allowed, 2222 denied"
}

test_bad() {
	check "component add one on a missing path" "$ctl" component add one cgroup "$(cgpath missing)"
	expect_fail_msg "the same pending path twice" "the cgroup belongs to another component" \
		"$ctl" component add two cgroup "$(cgpath missing)"
	expect_fail_msg "a path through a file" "a part of the cgroup path is a file, not a cgroup" \
		"$ctl" component add file cgroup "$(cgpath srv)/cgroup.procs/x"
	expect_eq "neither was added" \
		"$("$ctl" -j component show two >/dev/null 2>&1 || echo gone) $("$ctl" -j component show file >/dev/null 2>&1 || echo gone)" \
		"gone gone"
}

plan 20
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
test_pending
test_first_packet
test_nested
test_bad
finish
