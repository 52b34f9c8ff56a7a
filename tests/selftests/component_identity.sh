#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Whose traffic is it? The nearest cgroup ancestor that is a component; in
# a container's own network namespace, that namespace's components; and a
# manifest's resource limits land in the component's cgroup files.
#
#   init netns                          netns box-$$
#   /ci/app        component app        /ci/box  component box (defined
#   /ci/app/worker component worker              in box-$$ only)
#   /ci/app/other  (app's)
#   servers 127.0.0.1:7100, :7101       veth 10.66.0.2 <-> 10.66.0.1 (init)
set -u
. "$(dirname "$0")/lib.sh"
require modprobe socat ip nsenter

cg=/sys/fs/cgroup/ci-$$
ns=box-$$
tmp=$(mktemp -d)
cleanup() {
	kill $servers 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rmdir "$cg"/app/worker/deep "$cg"/app/worker "$cg"/app/other "$cg"/app "$cg"/box "$cg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# try CGROUP NETNS ADDR PORT [SECONDS]: does a TCP echo come back within
# SECONDS (10)?
try() {
	local run=() limit=${5:-10}
	[ "$2" = host ] || run=(nsenter --net=/run/netns/"$2")
	out=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg/$1" \
		${run[@]+"${run[@]}"} timeout "$limit" socat -T$((limit / 2)) \
		- TCP:"$3":"$4" <<<ping 2>/dev/null)
	[ "$out" = ping ] && echo allow || echo deny
}

# allowed CGROUP NETNS ADDR PORT: like try, for a connection that should
# pass: one that did not echo in time is tried again, waiting up to two
# minutes, so that a VM too loaded to echo in time is no denial.
allowed() {
	local r
	r=$(try "$@")
	[ "$r" = allow ] || r=$(try "$@" 120)
	echo "$r"
}

plan 9
modprobe compfw
echo "+memory +cpu" >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"/app/worker/deep "$cg"/app/other "$cg"/box
echo "+memory +cpu" >"$cg/cgroup.subtree_control"
servers=""
for port in 7100 7101; do
	socat TCP-LISTEN:$port,fork,reuseaddr EXEC:cat &
	servers="$servers $!"
done
ip netns add "$ns"
ip link add ci0 type veth peer name ci1 netns "$ns"
ip addr add 10.66.0.1/24 dev ci0 && ip link set ci0 up
ip -n "$ns" addr add 10.66.0.2/24 dev ci1 && ip -n "$ns" link set ci1 up
ip -n "$ns" link set lo up
socat TCP-LISTEN:7102,bind=10.66.0.1,fork,reuseaddr EXEC:cat &
servers="$servers $!"
wait_listen tcp 7100 7101 7102

base=${cg#/sys/fs/cgroup}
"$ctl" component add app cgroup "$base/app"
"$ctl" component add worker cgroup "$cg/app/worker"
cat >"$tmp/m.json" <<JSON
[{"component": "app", "egress": [{"peer": "any", "protocol": "tcp", "ports": 7101}],
  "limits": {"memory": "268435456", "cpu": "50000 100000"}},
 {"component": "worker", "egress": [{"peer": "any", "protocol": "tcp", "ports": 7100}]}]
JSON
check "manifests for app and worker apply" "$ctl" apply "$tmp/m.json"

expect_eq "worker's own cgroup: worker's rules" "$(allowed app/worker host 127.0.0.1 7100) $(try app/worker host 127.0.0.1 7101)" "allow deny"
expect_eq "worker's descendant: worker's rules, the nearest" "$(allowed app/worker/deep host 127.0.0.1 7100) $(try app/worker/deep host 127.0.0.1 7101)" "allow deny"
expect_eq "app's other child: app's rules" "$(try app/other host 127.0.0.1 7100) $(allowed app/other host 127.0.0.1 7101)" "deny allow"

expect_eq "memory limit written to memory.max" "$(cat "$cg/app/memory.max")" "268435456"
expect_eq "cpu limit written to cpu.max" "$(cat "$cg/app/cpu.max")" "50000 100000"
shown=$("$ctl" -j component show app | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["limits"]["memory"], d["limits"]["cpu"])')
expect_eq "component show reads the limits back" "$shown" "268435456 50000 100000"

# A container: its namespace has its own components and hooks.
"$ctl" -n "$ns" component add box cgroup "$base/box"
echo '{"component": "box", "egress": [{"peer": {"cidr": "10.66.0.0/24"}, "protocol": "tcp", "ports": 7102}]}' >"$tmp/box.json"
"$ctl" -n "$ns" apply "$tmp/box.json"
expect_eq "in its netns, box's sockets follow box's manifest" \
	"$(allowed box "$ns" 10.66.0.1 7102) $(try box "$ns" 10.66.0.1 7100)" "allow deny"
expect_eq "box's cgroup in the init netns is nobody's" "$(allowed box host 127.0.0.1 7100)" "allow"
finish
