#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An apply that fails is never seen: when a limit cannot be written, the
# manifest in force stays, no generation is used, no event is sent, and the
# rollback copy is the one it was. When the kernel refuses a manifest, the
# limit files are put back. The limits are not the kernel's: `component
# show` reads them from the cgroup's files, and a rollback leaves them.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 timeout

cg=/sys/fs/cgroup/atomic-$$
tmp=$(mktemp -d)
cleanup() {
	[ -n "${mon:-}" ] && kill "$mon" 2>/dev/null
	rmdir "$cg/app" "$cg" 2>/dev/null
	rm -rf "$tmp"
	modprobe -r compfw 2>/dev/null
}
trap cleanup EXIT

# show: what `component show` says of the policy and the limits.
show() {
	"$ctl" -j component show app | python3 -c 'import json,sys
d = json.load(sys.stdin)
m = d["manifest"] or {}
print(d["generation"], m.get("version", ""), d["rollback_available"],
      [r.get("ports") for r in m.get("egress", [])], d["limits"]["cpu"])'
}

plan 11
modprobe compfw
echo "+cpu" >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg/app"
echo "+cpu" >"$cg/cgroup.subtree_control"
"$ctl" component add app cgroup "${cg#/sys/fs/cgroup}/app"
m() {
	echo "{\"component\": \"app\", \"version\": \"$1\", \"egress\": [{\"peer\": \"any\", \"protocol\": \"tcp\", \"ports\": $2}]$3}"
}
m v0 7000 '' >"$tmp/v0.json"
m v1 7001 ', "limits": {"cpu": "50000 100000"}' >"$tmp/v1.json"
"$ctl" apply "$tmp/v0.json"
"$ctl" apply "$tmp/v1.json"
before=$(show)

"$ctl" monitor >"$tmp/events" 2>&1 &
mon=$!
monitor_sync "$tmp/events"
# The events that count come after the sync's own.
synced=$(wc -l <"$tmp/events")
# cpu.max takes no quota under 1000 us: the file refuses it.
m v2 7002 ', "limits": {"cpu": "500 100000"}' >"$tmp/v2.json"
expect_fail_msg "a limit the cgroup refuses fails the apply" \
	"limits.cpu: cannot write $cg/app/cpu.max: Invalid argument; nothing applied" \
	"$ctl" apply "$tmp/v2.json"
expect_eq "component show: policy, rollback copy and cpu limit as they were" \
	"$(show)" "$before"
expect_eq "the manifest in force still allows 7001, not 7002" \
	"$("$ctl" query app egress tcp 192.0.2.1 7001 | cut -d' ' -f3) $("$ctl" query app egress tcp 192.0.2.1 7002 | cut -d' ' -f3)" \
	"accept drop"
expect_eq "cpu.max is as it was" "$(cat "$cg/app/cpu.max")" "50000 100000"
check "a later rollback installs v0, never the rejected v2" "$ctl" component rollback app
expect_eq "after the rollback v0 is in force: 7000 allowed" \
	"$("$ctl" query app egress tcp 192.0.2.1 7000 | cut -d' ' -f3)" accept
expect_eq "the rollback leaves the limits as the cgroup holds them" \
	"$("$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin)["limits"]["cpu"])')" \
	"50000 100000"
expect_eq "and cpu.max says so" "$(cat "$cg/app/cpu.max")" "50000 100000"
# The rollback sent an event; the failed apply must not have. Events come
# in order, so once the rollback's is in, one of the apply would be too.
wait_for 60 grep -q "^policy app rollback" "$tmp/events"
kill "$mon"
mon=
expect_eq "one event (the rollback), none for the failed apply" \
	"$(tail -n +$((synced + 1)) "$tmp/events" | grep -c .)" 1

# The kernel refuses the manifest after the limits were written: they go back.
cur=$(cat "$cg/app/cpu.max")
before=$(show)
echo '{"component": "app", "egress": [{"peer": {"component": "nosuch"}}], "limits": {"cpu": "20000 100000"}}' >"$tmp/v3.json"
"$ctl" apply "$tmp/v3.json" 2>/dev/null
expect_eq "a refused manifest leaves cpu.max as it was" "$(cat "$cg/app/cpu.max")" "$cur"
expect_eq "component show: policy and limits as they were" "$(show)" "$before"
finish
