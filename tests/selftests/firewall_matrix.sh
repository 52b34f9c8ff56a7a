#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reachability matrix: real connect()/send() calls, from processes in the
# cgroups of managed components, an unmanaged process and a second network
# namespace, compared cell by cell with the allow/deny table below.
#
#  init netns (compfw loaded, five components)            netns peer-$$
#  ┌──────────────────────────────────────────────┐   ┌──────────────────────┐
#  │ cgroups under /sys/fs/cgroup/compfw-test/..  │   │ no compfw state      │
#  │  web   servers tcp 8080 8081 9001-3 9007-9    │   │ servers tcp 7000 7001│
#  │        udp 8080, sctp 8080                   │   │  udp 7000 7001       │
#  │  api   servers tcp/udp/sctp 8000             │   │  sctp 7000           │
#  │  db    servers tcp/udp 5432                  │   │ (udp 7009: closed)   │
#  │  batch client only                           │   │ clients from .2 / .3 │
#  │  free  unmanaged, servers tcp/udp/sctp 6000  │   │                      │
#  │  remote: no cgroup, owns 10.77.0.2, fd77::2  │   │                      │
#  │                                              │   │                      │
#  │  lo      127.0.0.1  ::1                      │   │                      │
#  │  cfwd$$  10.99.0.1/24  fd99::1/64 (dummy)    │   │                      │
#  │  cfwv$$  10.77.0.1/24  fd77::1/64 ──veth────────── cfwp$$               │
#  │          10.77.0.10/32 fd77::10   (web's)    │   │  10.77.0.2/24 fd77::2│
#  │                                              │   │  10.77.0.3/24 fd77::3│
#  └──────────────────────────────────────────────┘   └──────────────────────┘
#
# Servers listen on the wildcard addresses (0.0.0.0 and ::), so each is
# reached on loopback, on the local dummy address and over the veth. web owns
# 10.77.0.10 and fd77::10: that is how SCTP and ICMP, which have no socket
# lookup, find web as their receiver. remote names the peer's .2/::2
# addresses in the init namespace; .3/::3 belong to no component.
#
# Every cell is one probe.py run (allow = the echo came back, deny = it did
# not, refused = a RST, SCTP ABORT or an ICMP error came back). The cells run
# in parallel; the reverse-direction ICMP cases run one after the other. A
# cell that got no answer where one was expected is probed again with a long
# timeout before it fails (lib/compfw_env.sh: inconclusive).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe ip python3 nsenter

peerns=peer-$$
dummy=cfwd$$
veth=cfwv$$
vpeer=cfwp$$
cgbase=/sys/fs/cgroup/compfw-test/matrix-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-matrix.XXXXXX")

cleanup() {
	env_cleanup
	ip netns del "$peerns" 2>/dev/null
	ip link del "$dummy" 2>/dev/null
	ip link del "$veth" 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- the policy ------------------------------------------------------------

write_manifests() {
	cat >"$tmp/policy.json" <<-'EOF'
	[
	{ "component": "web", "version": "matrix-1",
	  "exposure": [ {"protocol": "tcp", "ports": 8080}, {"protocol": "udp", "ports": 8080},
	                {"protocol": "sctp", "ports": 8080}, {"protocol": "tcp", "ports": "9000-9010"} ],
	  "ingress": [
	    {"id": 1, "peer": {"component": "api"}, "protocol": "tcp", "ports": 8080},
	    {"id": 2, "peer": {"component": "api"}, "protocol": "udp", "ports": 8080},
	    {"id": 3, "peer": "any", "protocol": "tcp", "ports": 8081},
	    {"id": 4, "peer": "any", "protocol": "tcp", "ports": "9002-9008"},
	    {"id": 5, "peer": {"cidr": "10.77.0.0/24", "except": ["10.77.0.2/32"]}, "protocol": "tcp", "ports": 8080},
	    {"id": 6, "peer": {"cidr": "fd77::/64", "except": ["fd77::2/128"]}, "protocol": "tcp", "ports": 8080},
	    {"id": 7, "peer": {"component": "remote"}, "protocol": "sctp", "ports": 8080},
	    {"id": 8, "peer": {"component": "api"}, "protocol": "sctp", "ports": 8080} ],
	  "egress": [
	    {"id": 10, "peer": {"component": "remote"}, "protocol": "icmp", "icmp_type": 8},
	    {"id": 11, "peer": {"component": "remote"}, "protocol": "icmpv6", "icmp_type": 128},
	    {"id": 12, "peer": {"component": "remote"}, "protocol": "udp", "ports": "7000-7010"},
	    {"id": 13, "peer": {"component": "api"}, "protocol": "tcp", "ports": 8000},
	    {"id": 14, "peer": {"cidr": "10.77.0.0/24", "except": ["10.77.0.2/32"]}, "protocol": "tcp", "ports": 7000},
	    {"id": 15, "peer": {"cidr": "fd77::/64", "except": ["fd77::2/128"]}, "protocol": "tcp", "ports": 7000},
	    {"id": 16, "peer": {"component": "remote"}, "protocol": "sctp", "ports": 7000} ] },
	{ "component": "api", "version": "matrix-1",
	  "exposure": [ {"protocol": "tcp", "ports": 8000}, {"protocol": "udp", "ports": 8000},
	                {"protocol": "sctp", "ports": 8000} ],
	  "ingress": [
	    {"id": 1, "peer": {"component": "web"}, "protocol": "tcp", "ports": 8000},
	    {"id": 2, "peer": {"component": "batch"}} ],
	  "egress": [
	    {"id": 10, "peer": {"component": "web"}, "protocol": "tcp", "ports": 8080},
	    {"id": 11, "peer": {"component": "web"}, "protocol": "udp", "ports": 8080},
	    {"id": 12, "peer": {"component": "web"}, "protocol": "tcp", "ports": 8081},
	    {"id": 13, "peer": {"component": "web"}, "protocol": "sctp", "ports": 8080},
	    {"id": 14, "peer": "any", "protocol": "tcp", "ports": "9000-9010"},
	    {"id": 15, "peer": {"component": "db"}, "protocol": "tcp", "ports": 5432},
	    {"id": 16, "peer": {"cidr": "10.77.0.0/24"}, "protocol": "tcp", "ports": "7000-7001"},
	    {"id": 17, "peer": {"cidr": "fd77::/64"}, "protocol": "tcp", "ports": "7000-7001"} ] },
	{ "component": "db", "version": "matrix-1",
	  "exposure": [ {"protocol": "tcp", "ports": 5432}, {"protocol": "udp", "ports": 5432} ],
	  "ingress": [ {"id": 1, "peer": {"component": "api"}, "protocol": "tcp", "ports": 5432} ] },
	{ "component": "batch", "version": "matrix-1",
	  "egress": [
	    {"id": 1, "peer": "any", "protocol": "tcp", "ports": "9003-9007"},
	    {"id": 2, "peer": {"component": "api"}},
	    {"id": 3, "peer": {"cidr": "10.99.0.0/24"}, "protocol": "udp", "ports": 6000},
	    {"id": 4, "peer": {"cidr": "fd99::/64"}, "protocol": "tcp", "ports": 6000} ] },
	{ "component": "remote", "version": "matrix-1",
	  "exposure": [ {"protocol": "tcp", "ports": "7000-7010"}, {"protocol": "udp", "ports": "7000-7010"},
	                {"protocol": "sctp", "ports": "7000-7010"}, {"protocol": "icmp", "icmp_type": 8},
	                {"protocol": "icmpv6", "icmp_type": 128} ],
	  "ingress": [
	    {"id": 1, "peer": {"component": "web"}},
	    {"id": 2, "peer": {"component": "api"}, "protocol": "tcp", "ports": 7000},
	    {"id": 3, "peer": "any", "protocol": "udp", "ports": 7000} ],
	  "egress": [
	    {"id": 10, "peer": {"component": "web"}},
	    {"id": 11, "peer": "any", "protocol": "tcp", "ports": 6000},
	    {"id": 12, "peer": "any", "protocol": "udp", "ports": 6000} ] }
	]
	EOF
}

# ---- the expected table ----------------------------------------------------
# NAME EXPECT CLIENT-CGROUP CLIENT-NETNS PROTO ADDR PORT [probe options]
# (host = the init namespace, peer = netns peer-$$; proto icmp = echo request)
CELLS=$(cat <<'EOF'
# managed to managed, on loopback and on the local address: decided at
# LOCAL_OUT with both ends known (sender's egress AND receiver's ingress)
api-web-tcp-lo4            allow   api   host tcp  127.0.0.1   8080   # web in 1, api eg 10
api-web-tcp-lo6            allow   api   host tcp  ::1         8080
api-web-tcp-local4         allow   api   host tcp  10.99.0.1   8080
api-web-tcp-local6         allow   api   host tcp  fd99::1     8080
api-web-udp-lo4            allow   api   host udp  127.0.0.1   8080   # web in 2, api eg 11
api-web-udp-local6         allow   api   host udp  fd99::1     8080
api-web-tcp-not-exposed    deny    api   host tcp  127.0.0.1   8081   # web in 3 allows, exposure not
api-web-tcp-range-lo-1     deny    api   host tcp  127.0.0.1   9001   # web in 4 is 9002-9008
api-web-tcp-range-lo       allow   api   host tcp  127.0.0.1   9002
api-web-tcp-range-hi       allow   api   host tcp  ::1         9008
api-web-tcp-range-hi+1     deny    api   host tcp  ::1         9009
batch-web-tcp-eg-lo-1      deny    batch host tcp  127.0.0.1   9002   # batch eg 1 is 9003-9007
batch-web-tcp-eg-lo        allow   batch host tcp  127.0.0.1   9003
batch-web-tcp-eg-hi        allow   batch host tcp  10.99.0.1   9007
batch-web-tcp-eg-hi+1      deny    batch host tcp  10.99.0.1   9008   # web in 4 would allow
web-api-tcp                allow   web   host tcp  127.0.0.1   8000   # web eg 13, api in 1
web-api-udp                deny    web   host udp  127.0.0.1   8000   # no web egress rule
db-api-tcp                 deny    db    host tcp  10.99.0.1   8000   # db has no egress
api-db-tcp6                allow   api   host tcp  ::1         5432   # api eg 15, db in 1
api-db-udp                 deny    api   host udp  127.0.0.1   5432
web-db-tcp                 deny    web   host tcp  127.0.0.1   5432
batch-api-udp-local6       allow   batch host udp  fd99::1     8000   # batch eg 2, api in 2 (any protocol)
batch-api-tcp              allow   batch host tcp  127.0.0.1   8000
# the unmanaged process: never touched itself, but managed ends still judge
free-free-tcp              allow   free  host tcp  127.0.0.1   6000
free-free-sctp             allow   free  host sctp 127.0.0.1   6000
free-web-tcp               deny    free  host tcp  127.0.0.1   8080   # web in 1 is api only
free-web-tcp-range         allow   free  host tcp  10.99.0.1   9002   # web in 4, peer any
free-api-tcp               deny    free  host tcp  127.0.0.1   8000
free-db-tcp6               deny    free  host tcp  ::1         5432
web-free-tcp               deny    web   host tcp  127.0.0.1   6000
db-free-udp                deny    db    host udp  127.0.0.1   6000
batch-free-udp-cidr        allow   batch host udp  10.99.0.1   6000   # batch eg 3, 10.99.0.0/24
batch-free-udp-not-cidr    deny    batch host udp  127.0.0.1   6000
batch-free-tcp-cidr6       allow   batch host tcp  fd99::1     6000   # batch eg 4, fd99::/64
batch-free-tcp-not-cidr    deny    batch host tcp  10.99.0.1   6000
# SCTP has no socket lookup: the receiver is whoever owns the address
api-web-sctp-owned         allow   api   host sctp 10.77.0.10  8080   # api eg 13, web in 8
db-web-sctp-owned          deny    db    host sctp 10.77.0.10  8080
free-web-sctp-owned        deny    free  host sctp 10.77.0.10  8080   # web in 7, 8: remote, api
batch-api-sctp-lo          deny    batch host sctp 127.0.0.1   8000   # api unknown at 127.0.0.1: batch eg 2 does not match
free-api-sctp-lo           allow   free  host sctp 127.0.0.1   8000   # api unknown at 127.0.0.1: unmanaged
# out over the veth; remote is managed by address in this namespace
web-remote-udp4            allow   web   host udp  10.77.0.2   7000   # web eg 12, remote in 1
web-remote-udp6            allow   web   host udp  fd77::2     7000
web-remote-udp4-closed     refused web   host udp  10.77.0.2   7009   # ICMP port unreachable is RELATED
web-remote-udp6-closed     refused web   host udp  fd77::2     7009
web-peer3-udp4             deny    web   host udp  10.77.0.3   7000
web-peer3-tcp4-cidr        allow   web   host tcp  10.77.0.3   7000   # web eg 14
web-remote-tcp4-except     deny    web   host tcp  10.77.0.2   7000   # web eg 14 except
web-peer3-tcp6-cidr        allow   web   host tcp  fd77::3     7000   # web eg 15
web-remote-tcp6-except     deny    web   host tcp  fd77::2     7000
web-remote-sctp4           allow   web   host sctp 10.77.0.2   7000   # web eg 16, remote in 1
api-remote-tcp4            allow   api   host tcp  10.77.0.2   7000   # api eg 16, remote in 2
api-remote-tcp4-7001       deny    api   host tcp  10.77.0.2   7001   # api eg 16 allows, remote in 2 not
api-peer3-tcp4-7001        allow   api   host tcp  10.77.0.3   7001
api-remote-tcp6-7001       deny    api   host tcp  fd77::2     7001
free-remote-udp4           allow   free  host udp  10.77.0.2   7000   # remote in 3
free-remote-tcp4           deny    free  host tcp  10.77.0.2   7000
free-peer3-tcp4            allow   free  host tcp  10.77.0.3   7000
free-peer3-tcp6            allow   free  host tcp  fd77::3     7000
free-remote-sctp6          deny    free  host sctp fd77::2     7000
db-peer3-tcp4              deny    db    host tcp  10.77.0.3   7000
# in over the veth
remote-web-tcp4-except     deny    free  peer tcp  10.77.0.10  8080 --from 10.77.0.2   # web in 5 except
peer3-web-tcp4-cidr        allow   free  peer tcp  10.77.0.10  8080 --from 10.77.0.3   # web in 5
peer3-web-tcp4-hostaddr    allow   free  peer tcp  10.77.0.1   8080 --from 10.77.0.3   # web found by socket
remote-web-tcp6-except     deny    free  peer tcp  fd77::1     8080 --from fd77::2     # web in 6 except
peer3-web-tcp6-cidr        allow   free  peer tcp  fd77::10    8080 --from fd77::3
remote-web-tcp-not-exposed deny    free  peer tcp  10.77.0.1   8081 --from 10.77.0.2
peer3-web-tcp-range        allow   free  peer tcp  10.77.0.1   9002 --from 10.77.0.3
peer3-web-tcp-range-hi+1   deny    free  peer tcp  10.77.0.1   9009 --from 10.77.0.3
remote-web-sctp4           allow   free  peer sctp 10.77.0.10  8080 --from 10.77.0.2   # web in 7, remote eg 10
remote-web-sctp6           allow   free  peer sctp fd77::10    8080 --from fd77::2
peer3-web-sctp4            deny    free  peer sctp 10.77.0.10  8080 --from 10.77.0.3
peer3-web-udp4             deny    free  peer udp  10.77.0.1   8080 --from 10.77.0.3   # web in 2 is api only
remote-free-tcp4           allow   free  peer tcp  10.77.0.1   6000 --from 10.77.0.2   # remote eg 11
remote-free-udp6           allow   free  peer udp  fd77::1     6000 --from fd77::2     # remote eg 12
remote-free-sctp4          deny    free  peer sctp 10.77.0.1   6000 --from 10.77.0.2
peer3-free-sctp4           allow   free  peer sctp 10.77.0.1   6000 --from 10.77.0.3
remote-api-tcp4            deny    free  peer tcp  10.77.0.1   8000 --from 10.77.0.2
peer3-db-tcp6              deny    free  peer tcp  fd77::1     5432 --from fd77::3
# ICMP echo (IDs distinct per cell)
web-remote-ping4           allow   web   host icmp 10.77.0.2   -    --id 1001   # web eg 10, remote in 1
web-remote-ping6           allow   web   host icmp fd77::2     -    --id 1002   # web eg 11
web-peer3-ping4            deny    web   host icmp 10.77.0.3   -    --id 1003
api-remote-ping4           deny    api   host icmp 10.77.0.2   -    --id 1004
free-remote-ping4          deny    free  host icmp 10.77.0.2   -    --id 1005   # remote in 1 is web only
free-peer3-ping4           allow   free  host icmp 10.77.0.3   -    --id 1006
free-peer3-ping6           allow   free  host icmp fd77::3     -    --id 1007
peer3-web-ping4            deny    free  peer icmp 10.77.0.10  -    --id 1008 --from 10.77.0.3   # web exposes no ICMP
peer3-web-ping6            deny    free  peer icmp fd77::10    -    --id 1009 --from fd77::3
peer3-host-ping4           allow   free  peer icmp 10.77.0.1   -    --id 1010 --from 10.77.0.3
remote-host-ping4          deny    free  peer icmp 10.77.0.1   -    --id 1011 --from 10.77.0.2   # remote eg 10 is web only
EOF
)

# ---- topology --------------------------------------------------------------

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw ${COMPFW_MODPARAMS:-} || return 1
	env_cgroups web api db batch free || return 1
	ip netns add "$peerns" || return 1
	ip link add "$dummy" type dummy &&
	ip link set "$dummy" up &&
	ip addr add 10.99.0.1/24 dev "$dummy" &&
	ip addr add fd99::1/64 dev "$dummy" nodad || return 1
	ip link add "$veth" type veth peer name "$vpeer" &&
	ip link set "$vpeer" netns "$peerns" &&
	ip addr add 10.77.0.1/24 dev "$veth" &&
	ip addr add 10.77.0.10/32 dev "$veth" &&
	ip addr add fd77::1/64 dev "$veth" nodad &&
	# deprecated: web's address is a source only for sockets bound to it
	ip addr add fd77::10/128 dev "$veth" nodad preferred_lft 0 &&
	ip link set "$veth" up || return 1
	ip -n "$peerns" link set lo up &&
	ip -n "$peerns" addr add 10.77.0.2/24 dev "$vpeer" &&
	ip -n "$peerns" addr add 10.77.0.3/24 dev "$vpeer" &&
	ip -n "$peerns" addr add fd77::2/64 dev "$vpeer" nodad &&
	ip -n "$peerns" addr add fd77::3/64 dev "$vpeer" nodad &&
	ip -n "$peerns" link set "$vpeer" up || return 1

	local sctp=()
	# web serves SCTP on its own addresses only: SCTP is multi-homed and
	# would otherwise answer from addresses that are not web's.
	[ "$have_sctp" = 1 ] && sctp=(sctp:8080@10.77.0.10,fd77::10)
	start_server web host tcp:8080 tcp:8081 tcp:9001 tcp:9002 tcp:9003 \
		tcp:9007 tcp:9008 tcp:9009 udp:8080 ${sctp[@]+"${sctp[@]}"} || return 1
	[ "$have_sctp" = 1 ] && sctp=(sctp:8000)
	start_server api host tcp:8000 udp:8000 ${sctp[@]+"${sctp[@]}"} || return 1
	start_server db host tcp:5432 udp:5432 || return 1
	[ "$have_sctp" = 1 ] && sctp=(sctp:6000)
	start_server free host tcp:6000 udp:6000 ${sctp[@]+"${sctp[@]}"} || return 1
	[ "$have_sctp" = 1 ] && sctp=(sctp:7000)
	start_server free "$peerns" tcp:7000 tcp:7001 udp:7000 udp:7001 \
		${sctp[@]+"${sctp[@]}"} || return 1
}

# Components come after the servers: the sockets are already in their cgroups.
define_components() {
	check "component add web" "$ctl" component add web cgroup "$(cgpath web)" \
		address 10.77.0.10/32 address fd77::10/128
	check "component add api" "$ctl" component add api cgroup "$(cgpath api)"
	check "component add db" "$ctl" component add db cgroup "$(cgpath db)"
	check "component add batch" "$ctl" component add batch cgroup "$(cgpath batch)"
	check "component add remote" "$ctl" component add remote \
		address 10.77.0.2/32 address fd77::2/128
	write_manifests
	check "apply the matrix policy" "$ctl" apply "$tmp/policy.json"
}

# ---- cells -----------------------------------------------------------------

names=() expects=() argv=()

load_cells() {
	local line name expect cg ns proto addr port rest
	while read -r line; do
		line=${line%%#*}
		[ -n "${line// }" ] || continue
		read -r name expect cg ns proto addr port rest <<<"$line"
		[ "$ns" = peer ] && ns=$peerns
		names+=("$name")
		expects+=("$expect")
		if [ "$proto" = icmp ]; then
			argv+=("$cg $ns ping $addr $rest")
		else
			argv+=("$cg $ns try $proto $addr $port $rest")
		fi
	done <<<"$CELLS"
}

observed() {
	case $1 in 0) echo allow ;; 1) echo deny ;; 2) echo refused ;; *) echo "error($1)" ;; esac
}

report_cell() {
	local name=$1 want=$2 file=$3 rc out got
	read -r rc out <"$file" || rc=none out="no result (probe killed?)"
	got=$(observed "$rc")
	rev_got=$got
	if [ "$got" = "$want" ]; then
		pass "$name: expect $want, got $got"
	else
		fail "$name: expect $want, got $got" "probe said: $out"
	fi
}

# probe_cells TIMEOUT INDEX...: the cells' probes, one probe.py batch per
# client cgroup and namespace, all at once (a cell is a thread in the right
# cgroup, not a Python start, slow under TCG); cell INDEX's "RC MESSAGE" goes
# to $tmp/cell.INDEX.
probe_cells() {
	local timeout=$1 i group pids=() line
	local -A input=()
	shift
	for i in "$@"; do
		rm -f "$tmp/cell.$i"
		# shellcheck disable=SC2086 # argv entries are word lists
		set -- ${argv[$i]}
		input["$1 $2"]+="$i ${*:3}"$'\n'
	done
	rm -f "$tmp"/batch.*
	for group in "${!input[@]}"; do
		# shellcheck disable=SC2086
		printf '%s' "${input[$group]}" | probe_batch $group "$timeout" \
			>"$tmp/batch.${group// /.}" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	cat "$tmp"/batch.* | while read -r i line; do
		[[ $i =~ ^[0-9]+$ ]] && echo "$line" >"$tmp/cell.$i" || echo "# $i $line"
	done
}

run_cells() {
	local i rc out cells=() again=()
	for i in "${!names[@]}"; do
		if [ "$have_sctp" = 0 ] && [[ " ${argv[$i]} " == *" sctp "* ]]; then
			echo "skip" >"$tmp/cell.$i"
		else
			cells+=("$i")
		fi
	done
	probe_cells "$PROBE_TIMEOUT" "${cells[@]}"
	for i in "${cells[@]}"; do
		rc='' out=''
		read -r rc out <"$tmp/cell.$i" 2>/dev/null
		if inconclusive "${expects[$i]}" "$rc" "$out"; then
			echo "# ${names[$i]}: ${out:-no result} after $PROBE_TIMEOUT s; again, waiting up to $PROBE_RETRY_TIMEOUT s"
			again+=("$i")
		fi
	done
	[ ${#again[@]} -eq 0 ] || probe_cells "$PROBE_RETRY_TIMEOUT" "${again[@]}"
	for i in "${!names[@]}"; do
		if [ "$(cat "$tmp/cell.$i" 2>/dev/null)" = skip ]; then
			skip "${names[$i]}" "sctp module not available"
		else
			report_cell "${names[$i]}" "${expects[$i]}" "$tmp/cell.$i"
		fi
	done
}

# ---- replies never open the reverse direction ------------------------------
# web pings remote (allowed); remote then sends web an echo request reusing
# that ICMP ID, and an unsolicited echo reply: both must be dropped. A raw
# ICMP listener in the init namespace sees a packet only if it was delivered.
# The controls send the same to unmanaged addresses and must get through.

# sniff_once SNIFF-SRC ID TIMEOUT PING-ARGS...: "RC MESSAGE" of the listener
# while the peer sends an unsolicited echo reply.
sniff_once() {
	local src=$1 id=$2 timeout=$3 out=$tmp/sniff.$2 pid rc
	shift 3
	run_in free host timeout -k 1 $((timeout + 600)) python3 "$probe" sniff "$src" "$id" \
		--timeout "$timeout" >"$out" 2>&1 &
	pid=$!
	wait_for 60 grep -q ready "$out"
	run_in free "$peerns" timeout -k 1 600 python3 "$probe" ping "$@" --reply --no-wait >/dev/null 2>&1
	wait "$pid" && rc=0 || rc=$?
	echo "$rc $(tail -n1 "$out")"
}

# rev_sniff NAME EXPECT SNIFF-SRC ID -- PING-ARGS...: the verdict of the
# listener while the peer sends an unsolicited echo reply. Its window opens
# before the peer's Python starts: one that sees nothing where the reply
# should pass listens again, for long.
rev_sniff() {
	local name=$1 want=$2 src=$3 id=$4 res
	shift 5
	res=$(sniff_once "$src" "$id" $((PROBE_TIMEOUT + 3)) "$@")
	if [ "$want" = allow ] && [ "${res%% *}" = 1 ]; then
		echo "# $name: ${res#* } in $((PROBE_TIMEOUT + 3)) s; again, listening up to $PROBE_RETRY_TIMEOUT s"
		res=$(sniff_once "$src" "$id" "$PROBE_RETRY_TIMEOUT" "$@")
	fi
	echo "$res" >"$tmp/sniff.$id.res"
	report_cell "$name" "$want" "$tmp/sniff.$id.res"
}

# ping_once CGROUP NETNS TIMEOUT PING-ARGS...: "RC MESSAGE" of one ping.
ping_once() {
	local cg=$1 ns=$2 timeout=$3 out rc
	shift 3
	out=$(run_in "$cg" "$ns" timeout -k 1 $((timeout + 600)) python3 "$probe" ping "$@" \
		--timeout "$timeout" 2>&1) && rc=0 || rc=$?
	echo "$rc ${out//$'\n'/ }"
}

# rev_ping NAME EXPECT CGROUP NETNS PING-ARGS...
rev_ping() {
	local name=$1 want=$2 cg=$3 ns=$4 res
	shift 4
	res=$(ping_once "$cg" "$ns" "$PROBE_TIMEOUT" "$@")
	if inconclusive "$want" "${res%% *}" "${res#* }"; then
		echo "# $name: ${res#* } after $PROBE_TIMEOUT s; again, waiting up to $PROBE_RETRY_TIMEOUT s"
		res=$(ping_once "$cg" "$ns" "$PROBE_RETRY_TIMEOUT" "$@")
	fi
	echo "$res" >"$tmp/rev.res"
	report_cell "$name" "$want" "$tmp/rev.res"
}

run_reverse() {
	local fam id a what
	for fam in 4 6; do
		# remote, web's address, unowned peer address, unowned host address
		if [ $fam = 4 ]; then
			a=(10.77.0.2 10.77.0.10 10.77.0.3 10.77.0.1)
		else
			a=(fd77::2 fd77::10 fd77::3 fd77::1)
		fi
		id=$((4000 + fam * 100))
		rev_ping "rev$fam-web-pings-remote" allow web host \
			"${a[0]}" --from "${a[1]}" --id $id
		if [ "$rev_got" != allow ]; then
			# A drop proves nothing when the allowed ping did not pass.
			for what in remote-echo-request-same-id remote-unsolicited-echo-reply \
				    control-echo-reply-unmanaged; do
				skip "rev$fam-$what" "inconclusive: rev$fam-web-pings-remote failed"
			done
			continue
		fi
		rev_ping "rev$fam-remote-echo-request-same-id" deny free "$peerns" \
			"${a[1]}" --from "${a[0]}" --id $id
		rev_sniff "rev$fam-remote-unsolicited-echo-reply" deny "${a[0]}" $((id + 1)) -- \
			"${a[1]}" --from "${a[0]}" --id $((id + 1))
		rev_sniff "rev$fam-control-echo-reply-unmanaged" allow "${a[2]}" $((id + 2)) -- \
			"${a[3]}" --from "${a[2]}" --id $((id + 2))
	done
}

# ---- the what-if query agrees with the packet path --------------------------
# Every decision the hooks made above (the compfw_verdict tracepoint names
# the component, side, tuple and peer), asked again through `compfwctl
# query`: the same verdict from the same rule, for every cell.

tracing=/sys/kernel/tracing

trace_on() {
	echo 8192 >"$tracing/buffer_size_kb"
	echo 1 >"$tracing/events/compfw/compfw_verdict/enable"
	: >"$tracing/trace"
}

check_query() {
	echo 0 >"$tracing/events/compfw/compfw_verdict/enable"
	"$ctl" -j component list >"$tmp/components.json"
	python3 - "$tracing/trace" "$tmp/components.json" "$tmp/queries" "$tmp/expected" <<'PY'
import json, re, sys
names = {c["id"]: c["name"] for c in json.load(open(sys.argv[2]))}
protos = {"6": "tcp", "17": "udp", "132": "sctp", "1": "icmp", "58": "icmpv6"}
pat = re.compile(r"component=(\S+) id=\d+ dir=(\S+) proto=(\d+) src=(\S+) sport=\d+ "
                 r"dst=(\S+) dport=(\d+) peer=(\d+) verdict=(\S+) rule=(\d+)")
seen = {}
for line in open(sys.argv[1]):
    m = pat.search(line)
    if not m or m.group(3) not in protos:
        continue
    comp, side, proto, src, dst, port, peer, verdict, rule = m.groups()
    addr = dst if side == "egress" else src
    addr = addr[7:] if addr.startswith("::ffff:") and "." in addr else addr
    q = "%s %s %s %s %s" % (comp, side, protos[proto], addr, port)
    if peer != "0":
        q += " --peer " + names[int(peer)]
    seen[q] = "%s rule %s" % ("accept" if verdict == "accept" else "drop", rule)
with open(sys.argv[3], "w") as qf, open(sys.argv[4], "w") as ef:
    for q, want in sorted(seen.items()):
        qf.write(q + "\n")
        ef.write(want + "\n")
PY
	"$ctl" query --batch "$tmp/queries" | sed -E 's/^[^:]*: //; s/ \(not exposed\)//; s/ generation.*//' >"$tmp/answers"
	local n differ bad=()
	n=$(wc -l <"$tmp/queries")
	# No process substitution: the VM has no /dev/fd.
	differ=$(paste -d'|' "$tmp/queries" "$tmp/expected" "$tmp/answers" |
		 awk -F'|' '$2 != $3')
	[ -z "$differ" ] || mapfile -t bad <<<"$differ"
	if [ "$n" -gt 50 ] && [ -z "$differ" ]; then
		pass "query agrees with the packet path on all $n decisions of the matrix"
	else
		fail "query agrees with the packet path on all $n decisions of the matrix" \
			"query | packet path | query said" ${bad[@]+"${bad[@]}"}
	fi
}

# ---- main ------------------------------------------------------------------

have_sctp=1
modprobe sctp 2>/dev/null || have_sctp=0
load_cells
plan $((6 + ${#names[@]} + 8 + 1))
t0=$(date +%s)
if ! setup; then
	echo "Bail out! topology setup failed"
	exit 1
fi
define_components
trace_on
run_cells
run_reverse
check_query
echo "# matrix: ${#names[@]} cells + 8 reverse cases in $(($(date +%s) - t0)) s"
finish
