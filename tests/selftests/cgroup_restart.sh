#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A component is bound to its cgroup's path, not to one cgroup: removed and
# created again (what `systemctl restart` does to a unit's cgroup), the new
# cgroup is policed from its first packet, in every network namespace that
# has a component on the path; while it is gone, `component show` says so.
#
#   /ci-$$/svc        component svc: egress tcp 7201 only
#   /ci-$$/svc/inner  component inner: egress tcp 7202 only (the nearest)
#   netns box-$$: component boxsvc on /ci-$$/svc too: egress 10.67.0.1:7203
set -u
. "$(dirname "$0")/lib.sh"
require modprobe socat ip nsenter python3

cg=/sys/fs/cgroup/ci-$$
base=${cg#/sys/fs/cgroup}
ns=box-$$
tmp=$(mktemp -d)
servers=""
cleanup() {
	kill $servers 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rmdir "$cg"/svc/inner "$cg"/svc "$cg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# try CGROUP NETNS ADDR PORT [SECONDS]: a process moved into the cgroup
# connects at once; does a TCP echo come back within SECONDS (4)? Short: a
# denial waits all of it, and allowed() tries a miss again with two minutes.
try() {
	local run=() limit=${5:-4}
	[ "$2" = host ] || run=(nsenter --net=/run/netns/"$2")
	out=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg/$1" \
		${run[@]+"${run[@]}"} timeout "$limit" socat -T$((limit / 2)) -t$((limit / 2)) \
		- TCP:"$3":"$4" <<<ping 2>/dev/null)
	[ "$out" = ping ] && echo allow || echo deny
}

# allowed CGROUP NETNS ADDR PORT: like try, for a connection that should
# pass: one that did not echo in time is tried again, waiting up to two
# minutes, so that a VM too loaded to echo in time is no denial. (A denial
# is never retried: the first connection is the one that counts.)
allowed() {
	local r
	r=$(try "$@")
	[ "$r" = allow ] || r=$(try "$@" 120)
	echo "$r"
}

# show NAME KEY [NETNS]: one field of `component show`, JSON
show() {
	local n=()
	[ -z "${3:-}" ] || n=(-n "$3")
	"$ctl" ${n[@]+"${n[@]}"} -j component show "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = sys.argv[1]
print(d["stats"][k[6:]] if k.startswith("stats.") else d.get(k))' "$2"
}

# The cgroup's ID is its inode number in cgroupfs.
cgid() { stat -c %i "$cg/$1"; }

plan 22
modprobe compfw
mkdir -p "$cg"/svc/inner
for port in 7201 7202; do
	socat TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr EXEC:cat &
	servers="$servers $!"
done
ip netns add "$ns"
ip link add cr0 type veth peer name cr1 netns "$ns"
ip addr add 10.67.0.1/24 dev cr0 && ip link set cr0 up
ip -n "$ns" addr add 10.67.0.2/24 dev cr1 && ip -n "$ns" link set cr1 up
ip -n "$ns" link set lo up
for port in 7203 7204; do
	socat TCP-LISTEN:$port,bind=10.67.0.1,fork,reuseaddr EXEC:cat &
	servers="$servers $!"
done
wait_listen tcp 7203 7204

"$ctl" component add svc cgroup "$base/svc"
"$ctl" component add inner cgroup "$base/svc/inner"
"$ctl" -n "$ns" component add boxsvc cgroup "$base/svc"
cat >"$tmp/m.json" <<JSON
[{"component": "svc", "egress": [{"peer": "any", "protocol": "tcp", "ports": 7201}]},
 {"component": "inner", "egress": [{"peer": "any", "protocol": "tcp", "ports": 7202}]}]
JSON
echo '{"component": "boxsvc", "egress": [{"peer": {"cidr": "10.67.0.0/24"}, "protocol": "tcp", "ports": 7203}]}' >"$tmp/box.json"
"$ctl" apply "$tmp/m.json"
"$ctl" -n "$ns" apply "$tmp/box.json"
expect_eq "before: svc allowed 7201, denied 7202" \
	"$(allowed svc host 127.0.0.1 7201) $(try svc host 127.0.0.1 7202)" "allow deny"

# Gone: show says so, and gives no stale cgroup ID.
rmdir "$cg/svc/inner" "$cg/svc"
expect_eq "removed: show gives the cgroup as absent" \
	"$(show svc cgroup_state) $(show svc cgroup_id)" "absent None"
expect_eq "removed: the text says (absent)" \
	"$("$ctl" component show svc | grep '^cgroup  ')" "cgroup        $base/svc (absent)"
expect_eq "removed: nested inner absent too" "$(show inner cgroup_state)" "absent"
expect_eq "removed: boxsvc absent in its netns" "$(show boxsvc cgroup_state "$ns")" "absent"

# Back: bound before mkdir returns, so the first process's first packet is
# policed.
dropped=$(show svc stats.dropped_packets)
mkdir "$cg/svc"
expect_eq "recreated: denied port denied at once" "$(try svc host 127.0.0.1 7202)" "deny"
moved=$(show svc stats.dropped_packets)
if [ "$moved" -gt "$dropped" ]; then pass "recreated: svc's dropped counter moved"; else
	fail "recreated: svc's dropped counter moved" "before $dropped, after $moved"; fi
expect_eq "recreated: allowed port allowed" "$(allowed svc host 127.0.0.1 7201)" "allow"
expect_eq "recreated: show gives the new cgroup's ID, present" \
	"$(show svc cgroup_id) $(show svc cgroup_state)" "$(cgid svc) present"
expect_eq "recreated: inner still absent" "$(show inner cgroup_state)" "absent"
expect_eq "recreated: in box's netns, boxsvc polices the new cgroup" \
	"$(try svc "$ns" 10.67.0.1 7204) $(allowed svc "$ns" 10.67.0.1 7203)" "deny allow"
expect_eq "recreated: boxsvc shows the new cgroup's ID" \
	"$(show boxsvc cgroup_id "$ns")" "$(cgid svc)"

# Nested: inner comes back under the new svc, with its own rules.
mkdir "$cg/svc/inner"
expect_eq "nested recreated: inner's rules, the nearest" \
	"$(try svc/inner host 127.0.0.1 7201) $(allowed svc/inner host 127.0.0.1 7202)" "deny allow"
expect_eq "nested recreated: inner shows its new cgroup's ID" \
	"$(show inner cgroup_id)" "$(cgid svc/inner)"

# Many restarts: each new cgroup is policed.
errors=""
for i in 1 2 3 4 5; do
	rmdir "$cg/svc/inner" "$cg/svc" || errors="$errors rmdir#$i"
	[ "$(show svc cgroup_state)" = absent ] || errors="$errors present#$i"
	mkdir -p "$cg/svc/inner" || errors="$errors mkdir#$i"
	[ "$(try svc host 127.0.0.1 7202)" = deny ] || errors="$errors svc-passed#$i"
	[ "$(try svc/inner host 127.0.0.1 7201)" = deny ] || errors="$errors inner-passed#$i"
	[ "$(show svc cgroup_id)" = "$(cgid svc)" ] || errors="$errors svc-id#$i"
	[ "$(show inner cgroup_id)" = "$(cgid svc/inner)" ] || errors="$errors inner-id#$i"
done
expect_eq "5 restarts: every new cgroup policed, IDs shown" "${errors:-none}" "none"
expect_eq "after restarts: allowed ports still pass" \
	"$(allowed svc host 127.0.0.1 7201) $(allowed svc/inner host 127.0.0.1 7202)" "allow allow"

# A cgroup of the same path created after the component is gone is nobody's.
check "inner deletes" "$ctl" component del inner
rmdir "$cg/svc/inner"
mkdir "$cg/svc/inner"
expect_eq "deleted inner: its path is svc's again" \
	"$(allowed svc/inner host 127.0.0.1 7201) $(try svc/inner host 127.0.0.1 7202)" "allow deny"

# An unbound cgroup path stays unpoliced.
mkdir "$cg/other"
dropped=$(show svc stats.dropped_packets)
expect_eq "unrelated new cgroup: unpoliced, not svc's" \
	"$(allowed other host 127.0.0.1 7202) $(show svc stats.dropped_packets)" "allow $dropped"
rmdir "$cg/other"

check "svc deletes" "$ctl" component del svc
check "boxsvc deletes" "$ctl" -n "$ns" component del boxsvc
ip netns del "$ns"
check "compfw unloads after restarts" modprobe -r compfw
finish
