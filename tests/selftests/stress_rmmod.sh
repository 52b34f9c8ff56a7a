#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # functions run by trap, check and wait_for
# rmmod compfw while traffic flows through a managed component and while
# manifests are applied, STRESS_RMMOD_COUNT (100) times (issue 13, 5). Each
# attempt either unloads the module or fails as rmmod fails on a module in
# use, with one line and nothing else; after an unload, modprobe compfw
# and the setup work again; the kernel logs no splat and no leak.
#
# A generic netlink request holds a reference on the module only while a
# dump runs (netlink_dump_start() takes the family's module), so a reader
# lists components and reads stats beside the writer: those dumps are what
# make an attempt busy. kmod 30's rmmod then prints one of
#   rmmod: ERROR: Module compfw is in use
#      (it read a reference count above 0 in /sys/module/compfw/refcnt)
#   rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove 'compfw': Resource temporarily unavailable
#   rmmod: ERROR: could not remove module compfw: Resource temporarily unavailable
#      (the dump began after that read and delete_module() failed with
#      EWOULDBLOCK: libkmod logs it, then rmmod)
#
# The writer's and the reader's compfwctl load the module again through
# the family's alias when an attempt has unloaded it between two of their
# commands: that is expected. After an unload both are stopped (each
# finishes its command), an autoloaded module is unloaded again (nothing
# is in flight then, so that must succeed), and `modprobe compfw` and the
# setup are done afresh.
#
#  cgroup app (component app)              netns peer-$$ (no component)
#  TCP stream + ICMP echo flood            TCP echo 7001 7002 7009
#  10.79.0.1 (init netns) ───── veth ───── 10.79.0.2
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
require modprobe rmmod ip python3 timeout nsenter

count=${STRESS_RMMOD_COUNT:-100}
peer=peer-$$
cgbase=/sys/fs/cgroup/compfw-test/rmmod-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-rmmod.XXXXXX")
stress=$top/tests/selftests/lib/stress.py
writer_pids=()

# The two ways, their lines joined with "|".
INUSE='rmmod: ERROR: Module compfw is in use'
AGAIN="^rmmod: ERROR: [^ ]*libkmod-module.c:[0-9]+ kmod_module_remove_module\(\) could not remove 'compfw': Resource temporarily unavailable\|rmmod: ERROR: could not remove module compfw: Resource temporarily unavailable\$"

cleanup() {
	writer_stop
	env_cleanup
	ip netns del "$peer" 2>/dev/null
	ip link del cfr$$ 2>/dev/null
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

loaded() { grep -q '^compfw ' /proc/modules; }

# loop CMD...: run each compfwctl command line CMD in turn, again and
# again, until $tmp/stop exists (looked at before each command). Errors
# are expected while the module is away, and not looked at.
loop() {
	local cmd
	while :; do
		for cmd in "$@"; do
			[ -e "$tmp/stop" ] && return 0
			# shellcheck disable=SC2086 # the command is words
			"$ctl" $cmd
		done
	done >/dev/null 2>&1
}

# The writer applies v1 and v2 and rolls back; the reader dumps (what
# holds the module) the components and the counters.
writer_start() {
	rm -f "$tmp/stop"
	loop "apply $tmp/v1.json" "apply $tmp/v2.json" "component rollback app" &
	writer_pids=($!)
	loop "component list" "stats" "-j component list" &
	writer_pids+=($!)
}

# writer_stop: each loop ends after its command (it is not killed: a
# command killed could leave its autoload behind).
writer_stop() {
	local pid
	: >"$tmp/stop"
	for pid in ${writer_pids[@]+"${writer_pids[@]}"}; do wait "$pid"; done
	writer_pids=()
}

# setup: the module's part, redone after each unload.
setup() {
	modprobe compfw &&
		"$ctl" component add app cgroup "$(cgpath app)" >/dev/null &&
		"$ctl" apply "$tmp/v1.json" >/dev/null
}

# flood_field KEY: a counter of the flood (tcp_echoed, icmp_replies...).
flood_field() {
	tr ' ' '\n' <"$tmp/flood" | sed -n "s/^$1=//p"
}

# grown KEY VALUE: the flood's counter KEY is above VALUE.
grown() {
	[ "$(flood_field "$1")" -gt "$2" ] 2>/dev/null
}

# rmmod_done PID: the attempt has returned.
rmmod_done() {
	! kill -0 "$1" 2>/dev/null
}

# hung PID: an attempt that did not return within a minute: the blocked
# tasks' stacks, from the kernel, so that the report says where.
hung() {
	echo "# rmmod (pid $1) has not returned after 120 s; blocked tasks:"
	echo w >/proc/sysrq-trigger
	sleep 1
	dmesg | tail -n 200 | sed 's/^/# /'
	echo "# /proc/$1/stack:"
	sed 's/^/# /' "/proc/$1/stack" 2>/dev/null
}

# v1 lets app open TCP 7001 and ping the peer; v2 also TCP 7002.
for v in 1 2; do
	extra=
	[ "$v" = 2 ] && extra='
		{"id": 2, "peer": {"cidr": "10.79.0.2/32"}, "protocol": "tcp", "ports": 7002},'
	cat >"$tmp/v$v.json" <<-EOF
	{ "component": "app", "version": "v$v", "egress": [$extra
		{"id": 1, "peer": {"cidr": "10.79.0.2/32"}, "protocol": "tcp", "ports": 7001},
		{"id": 3, "peer": {"cidr": "10.79.0.2/32"}, "protocol": "icmp", "icmp_type": 8} ] }
	EOF
done

plan 11
modprobe -r compfw 2>/dev/null
dmesg_mark=$(dmesg | wc -l)
ok=1
ip netns add "$peer" &&
	ip link add cfr$$ type veth peer name cfp$$ netns "$peer" &&
	ip addr add 10.79.0.1/24 dev cfr$$ && ip link set cfr$$ up &&
	nsenter --net="/run/netns/$peer" sh -e -c "ip link set lo up; ip link set cfp$$ up
		ip addr add 10.79.0.2/24 dev cfp$$" &&
	env_cgroups app srv &&
	start_server srv "$peer" tcp:7001 tcp:7002 tcp:7009 &&
	setup || ok=0
if [ "$ok" = 1 ]; then
	run_in_exec=1 run_in app host python3 "$stress" flood 10.79.0.2 7001 "$tmp/flood" &
	env_pids+=($!)
	wait_for 60 grown tcp_echoed 5 && wait_for 60 grown icmp_replies 5 || ok=0
fi
if [ "$ok" = 1 ]; then
	pass "setup: component app (v1) and its TCP stream and ICMP flood to the peer"
else
	fail "setup: component app (v1) and its TCP stream and ICMP flood to the peer" \
		"flood: $(cat "$tmp/flood" 2>/dev/null)"
	echo "Bail out! setup failed"
	exit 1
fi
echo "# before: $(cat "$tmp/flood")"
echoed0=$(flood_field tcp_echoed)
replies0=$(flood_field icmp_replies)

writer_start
unloaded=0 busy_inuse=0 busy_again=0 autoloaded=0 unexpected="" reload_errors=""
for i in $(seq 1 "$count"); do
	# Let the writer and the traffic go on for a moment (0 to 0.4 s).
	sleep "0.$((RANDOM % 5))"
	rmmod compfw >"$tmp/rmmod.out" 2>&1 &
	pid=$!
	if ! wait_for 120 rmmod_done "$pid"; then
		fail "every rmmod attempt returned" "attempt $i hung"
		hung "$pid"
		echo "Bail out! rmmod hung"
		exit 1
	fi
	wait "$pid" && rc=0 || rc=$?
	out=$(cat "$tmp/rmmod.out")
	if [ "$rc" = 0 ]; then
		unloaded=$((unloaded + 1))
		[ -z "$out" ] || unexpected+=" #$i: unloaded, yet printed: $out;"
		writer_stop
		if loaded; then
			autoloaded=$((autoloaded + 1))
			out=$(modprobe -r compfw 2>&1) || reload_errors+=" #$i: autoloaded module: modprobe -r: $out;"
		fi
		if ! out=$(setup 2>&1); then
			reload_errors+=" #$i: modprobe and setup: $out;"
			break
		fi
		writer_start
	elif [ "$out" = "$INUSE" ]; then
		busy_inuse=$((busy_inuse + 1))
	elif [[ $(paste -sd'|' "$tmp/rmmod.out") =~ $AGAIN ]]; then
		busy_again=$((busy_again + 1))
	else
		unexpected+=" #$i: exit $rc: $out;"
	fi
done
writer_stop
echo "# $count attempts: $unloaded unloaded, $busy_inuse 'is in use', $busy_again 'Resource temporarily unavailable'; the writer or the reader autoloaded the module after $autoloaded of the unloads"
pass "every rmmod attempt returned ($count)"
expect_eq "each attempt unloaded, or failed only saying the module is in use" \
	"${unexpected:-none}" none
check "at least one attempt unloaded the module ($unloaded of $count)" [ "$unloaded" -gt 0 ]
expect_eq "after every unload, modprobe compfw and the setup worked again" \
	"${reload_errors:-none}" none

# The module of the last reload judges app's flows as v1 says.
"$ctl" apply "$tmp/v1.json" >/dev/null
expect_verdicts "after the attempts, app's v1 is enforced: 7001 allowed, 7002 and 7009 denied" \
	app host t7001:allow t7002:deny t7009:deny <<-'EOF'
	t7001 try tcp 10.79.0.2 7001
	t7002 try tcp 10.79.0.2 7002
	t7009 try tcp 10.79.0.2 7009
	EOF
echo "# after: $(cat "$tmp/flood")"
# The stream and the flood went on through the attempts and still do.
echoed1=$(flood_field tcp_echoed)
replies1=$(flood_field icmp_replies)
check "the TCP stream went on through the attempts ($echoed0 -> $echoed1 bytes echoed) and still does" \
	wait_for 60 grown tcp_echoed "$echoed1"
# Every manifest allows it, and an unload cuts nothing: one connection.
expect_eq "the TCP stream was never cut" \
	"$(flood_field tcp_connects) $(flood_field tcp_errors) $(flood_field tcp_last_error)" "1 0 none"
check "the ICMP flood went on through the attempts ($replies0 -> $replies1 replies) and still does" \
	wait_for 60 grown icmp_replies "$replies1"
env_cleanup
splats=$(dmesg | tail -n +$((dmesg_mark + 1)) |
	grep -E 'WARNING:|BUG:|Oops|blocked for more than|RCU stall|compfw: leaked|refcount_t')
expect_eq "the kernel logged no splat and no leak" "${splats:-none}" none
check "the module unloads at the end" modprobe -r compfw
finish
