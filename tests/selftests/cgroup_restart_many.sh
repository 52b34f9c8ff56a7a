#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Many components follow their cgroups' paths: 40 of them, enough for the
# namespace's cgroup map to grow under traffic, all restarted at once; each
# new cgroup is its component's, and compfw unloads after.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe socat python3

n=40
cg=/sys/fs/cgroup/ci-many-$$
base=${cg#/sys/fs/cgroup}
tmp=$(mktemp -d)
server=""
cleanup() {
	kill $server 2>/dev/null
	for i in $(seq 1 $n); do rmdir "$cg/c$i" 2>/dev/null; done
	rmdir "$cg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# try CGROUP PORT [SECONDS]: does a TCP echo from a process moved into it
# come back within SECONDS (4)? Short: a denial waits all of it, and an
# allowed connection that missed it is tried again with two minutes.
try() {
	local limit=${3:-4}
	out=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg/$1" \
		timeout "$limit" socat -T$((limit / 2)) -t$((limit / 2)) \
		- TCP:127.0.0.1:"$2" <<<ping 2>/dev/null)
	[ "$out" = ping ] && echo allow || echo deny
}

# ids: "NAME CGROUP_ID-or-absent" for every component, from one dump
ids() {
	for i in $(seq 1 $n); do
		"$ctl" -j component show "c$i" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["name"], d["cgroup_id"] if d["cgroup_state"] == "present" else "absent")'
	done
}

want_ids() {
	for i in $(seq 1 $n); do echo "c$i $(stat -c %i "$cg/c$i")"; done
}

plan 7
modprobe compfw
socat TCP-LISTEN:7301,bind=127.0.0.1,fork,reuseaddr EXEC:cat &
server=$!
mkdir -p "$cg"
echo "[" >"$tmp/m.json"
errors=""
for i in $(seq 1 $n); do
	mkdir "$cg/c$i"
	"$ctl" component add "c$i" cgroup "$base/c$i" >/dev/null || errors="$errors add#$i"
	[ "$i" = 1 ] || echo "," >>"$tmp/m.json"
	echo "{\"component\": \"c$i\", \"egress\": [{\"peer\": \"any\", \"protocol\": \"tcp\", \"ports\": 7399}]}" >>"$tmp/m.json"
done
echo "]" >>"$tmp/m.json"
expect_eq "$n components on $n cgroups" "${errors:-none}" "none"
check "their manifests apply" "$ctl" apply "$tmp/m.json"

for i in $(seq 1 $n); do rmdir "$cg/c$i"; done
expect_eq "all removed: every one absent" "$(ids | awk '$2 != "absent"' | wc -l)" "0"
for i in $(seq 1 $n); do mkdir "$cg/c$i"; done
expect_eq "all recreated: every one shows its new cgroup" "$(ids)" "$(want_ids)"
expect_eq "recreated: the first, a middle and the last deny" \
	"$(try c1 7301) $(try c20 7301) $(try c$n 7301)" "deny deny deny"

errors=""
for i in $(seq 1 $n); do "$ctl" component del "c$i" || errors="$errors del#$i"; done
# Not echoed in time is no denial on a loaded VM: again, waiting long.
r=$(try c1 7301)
[ "$r" = allow ] || r=$(try c1 7301 120)
expect_eq "deleted: c1's cgroup unpoliced (the server echoes)" "$r" "allow"
modprobe -r compfw || errors="$errors unload"
expect_eq "all delete, compfw unloads" "${errors:-none}" "none"
finish
