#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exec triggers (issue 15, point 3): a persona that names a program is taken
# when a process of the component's cgroup executes it, before execve
# returns, so that the program's first connection is judged by it; the
# component goes back to its default when the last such process is gone.
# Triggers by process name and by path (a symlink resolved), a forked child
# that outlives its parent, two triggers competing, the API overriding them,
# an apply keeping them, a process outside the cgroup changing nothing, the
# events, the trace and the log line, two personas with one trigger refused,
# and the module unloaded under a running trigger process.
#
#  init netns, loopback only
#  ┌──────────────────────────────────────────────────────────────────────┐
#  │ cgroup .../trigger-$$/app ── tcp 127.0.0.1 ──▶ cgroup .../srv          │
#  │   component app: personas base (default), db, backup  servers 3306, 2222│
#  │ cgroup .../trigger-$$/other: no component                              │
#  └──────────────────────────────────────────────────────────────────────┘
#
#  base:   egress tcp 2222                          -> 3306 deny,  2222 allow
#  db:     egress tcp 3306, trigger process dbtool  -> 3306 allow, 2222 deny
#  backup: egress tcp 3306 and 2222, trigger path $bin/backup-agent (a copy
#          of sleep)                                -> 3306 allow, 2222 allow
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib/compfw_env.sh"
. "$(dirname "$0")/lib/persona_env.sh"
require modprobe python3 timeout

cgbase=/sys/fs/cgroup/compfw-test/trigger-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-trigger.XXXXXX")
tmp=$(realpath "$tmp")
bin=$tmp/bin
mon_pid=
tracing=/sys/kernel/tracing

cleanup() {
	[ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null && wait "$mon_pid" 2>/dev/null
	echo 0 >"$tracing/events/compfw/compfw_persona_switch/enable" 2>/dev/null
	touch "$tmp"/stop.* 2>/dev/null
	env_cleanup
	modprobe -r compfw 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# $bin/dbtool OUT STOP TIMEOUT [fork]: connects to 127.0.0.1:3306 first of
# all and writes "first=allow" (the echo came back) or "first=deny" to OUT;
# with fork, forks a child and exits; the child (or itself) runs until STOP
# exists. Its process name is its file's: dbtool.
write_programs() {
	mkdir -p "$bin"
	cat >"$bin/dbtool" <<-'EOF'
	#!/usr/bin/python3
	import os, socket, sys, time
	out, stop, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
	s = socket.socket()
	s.settimeout(timeout)
	try:
	    s.connect(("127.0.0.1", 3306))
	    s.sendall(b"dbtool\n")
	    first = "allow" if s.recv(64) else "deny"
	except OSError:
	    first = "deny"
	s.close()
	with open(out + ".new", "w") as f:
	    f.write("first=%s\n" % first)
	os.rename(out + ".new", out)
	if len(sys.argv) > 4 and os.fork():
	    sys.exit(0)
	while not os.path.exists(stop):
	    time.sleep(0.05)
	EOF
	chmod +x "$bin/dbtool"
	# The same program under another name: no trigger.
	cp "$bin/dbtool" "$bin/othertool"
	cp "$(command -v sleep)" "$bin/backup-agent"
	ln -s backup-agent "$bin/ba"
}

write_files() {
	cat >"$tmp/base.json" <<-'EOF'
	{ "name": "base",
	  "network_profile": {
	    "allowed_egress": [ {"protocol": "tcp", "port": 2222, "destination": "127.0.0.1"} ] } }
	EOF
	cat >"$tmp/db.json" <<-'EOF'
	{ "name": "db",
	  "network_profile": {
	    "allowed_egress": [ {"protocol": "tcp", "port": 3306, "destination": "127.0.0.1"} ] },
	  "activation_trigger": {"process_name": "dbtool"} }
	EOF
	cat >"$tmp/backup.json" <<-EOF
	{ "name": "backup",
	  "network_profile": {
	    "allowed_egress": [ {"protocol": "tcp", "port": 3306, "destination": "127.0.0.1"},
	                        {"protocol": "tcp", "port": 2222, "destination": "127.0.0.1"} ] },
	  "activation_trigger": {"path": "$bin/backup-agent"} }
	EOF
	cat >"$tmp/db2.json" <<-'EOF'
	{ "name": "db2", "activation_trigger": {"process_name": "dbtool"} }
	EOF
	cat >"$tmp/app.json" <<-'EOF'
	{ "component": "app", "version": "t1",
	  "personas": ["base", "db", "backup"], "default_persona": "base" }
	EOF
	sed 's/"t1"/"t2"/' "$tmp/app.json" >"$tmp/app.t2.json"
	cat >"$tmp/app.dup.json" <<-'EOF'
	{ "component": "app", "version": "dup",
	  "personas": ["base", "db", "db2"], "default_persona": "base" }
	EOF
}

is_active() {
	[ "$(active)" = "$1" ]
}

# start_tool NAME CGROUP TIMEOUT [fork]: $bin/NAME (dbtool or othertool) in
# CGROUP, in the background, its pid in $tool_pid; waits for its first
# connection's verdict, which first NAME prints.
start_tool() {
	local name=$1 cg=$2 timeout=$3
	shift 3
	rm -f "$tmp/first.$name" "$tmp/stop.$name"
	run_in_exec=1 run_in "$cg" host "$bin/$name" "$tmp/first.$name" "$tmp/stop.$name" \
		"$timeout" "$@" &
	tool_pid=$!
	env_pids+=("$tool_pid")
	wait_for 120 test -e "$tmp/first.$name"
}

first() {
	sed -n 's/^first=//p' "$tmp/first.$1" 2>/dev/null
}

# exits: how many returns the monitor has shown so far.
exits() {
	grep -c '"cause":"exit"' "$tmp/monitor"
}

# stop_tool NAME PID: let it end, and wait for PID.
stop_tool() {
	touch "$tmp/stop.$1"
	wait "$2" 2>/dev/null
}

# A check that something did not happen: the exit's work is asynchronous,
# so give it time to have happened (a loaded machine can only hide a bug
# here, never fail a correct module).
settle() {
	sleep 3
}

setup() {
	modprobe -r compfw 2>/dev/null
	modprobe compfw || return 1
	env_cgroups app srv other || return 1
	start_server srv host tcp:3306@127.0.0.1 tcp:2222@127.0.0.1 || return 1
	write_programs
	write_files
	"$ctl" component add app cgroup "$(cgpath app)" >/dev/null || return 1
	local p
	for p in base db backup db2; do
		"$ctl" persona add "$tmp/$p.json" >/dev/null || return 1
	done
	"$ctl" apply "$tmp/app.json" >/dev/null || return 1
	"$ctl" -j monitor >"$tmp/monitor" &
	mon_pid=$!
	monitor_sync "$tmp/monitor" || return 1
	echo 1 >"$tracing/events/compfw/compfw_persona_switch/enable" 2>/dev/null
	echo >"$tracing/trace" 2>/dev/null
	return 0
}

test_exec() {
	expect_eq "before: base is active" "$(active)" base
	reach "base: 3306 denied, 2222 allowed" deny allow
	start_tool othertool app 5
	expect_eq "a program of another name in the cgroup: its first connection is base's" \
		"$(first othertool)" deny
	expect_eq "and the persona is still base" "$(active)" base
	stop_tool othertool "$tool_pid"

	local gen
	gen=$(generation)
	start_tool dbtool app 60
	expect_eq "exec of dbtool in the cgroup: its first connection is judged by db" \
		"$(first dbtool)" allow
	expect_eq "component show: db is active while dbtool runs" "$(active)" db
	expect_eq "the switch bumped the generation once" "$(generation)" $((gen + 1))
	reach "db: the whole component reaches 3306, not 2222" allow deny
	check "monitor: the switch, caused by the exec of dbtool" wait_for 60 grep -q \
		'"component":"app","change":"persona","old_persona":"base","persona":"db","cause":"exec","program":"dbtool"' \
		"$tmp/monitor"
	check "kernel log: the switch and its program" \
		sh -c 'dmesg | grep -q "\] compfw: component app: persona base -> db (exec of dbtool)"'
	if [ -r "$tracing/trace" ]; then
		check "trace: compfw_persona_switch with cause and program" \
			grep -q "component=app .*persona=base->db cause=exec program=dbtool" "$tracing/trace"
	else
		skip "trace: compfw_persona_switch with cause and program" "no tracefs"
	fi

	stop_tool dbtool "$tool_pid"
	check "dbtool exits: the component returns to base" wait_for 60 is_active base
	check "monitor: the return, caused by the exit of dbtool" wait_for 60 grep -q \
		'"old_persona":"db","persona":"base","cause":"exit","program":"dbtool"' "$tmp/monitor"
	reach "base again: 3306 denied, 2222 allowed" deny allow

	gen=$(generation)
	start_tool dbtool other 60
	expect_eq "dbtool outside the cgroup: not a process of app" "$(first dbtool)" allow
	expect_eq "it changes nothing: base is active" "$(active)" base
	expect_eq "it changes nothing: the generation" "$(generation)" "$gen"
	stop_tool dbtool "$tool_pid"
}

# backup-agent by its path, then by a symlink to it: the trigger is a path,
# matched as given or resolved.
test_path() {
	run_in_exec=1 run_in app host "$bin/backup-agent" 1000 &
	local pid=$!
	env_pids+=("$pid")
	check "exec of $bin/backup-agent: backup is active" wait_for 60 is_active backup
	reach "backup: 3306 and 2222" allow allow
	kill "$pid"
	wait "$pid" 2>/dev/null
	check "it exits: base again" wait_for 60 is_active base
	run_in_exec=1 run_in app host "$bin/ba" 1000 &
	pid=$!
	env_pids+=("$pid")
	check "exec through a symlink to it: the resolved path triggers backup" \
		wait_for 60 is_active backup
	kill "$pid"
	wait "$pid" 2>/dev/null
	check "it exits: base again" wait_for 60 is_active base
}

test_fork() {
	start_tool dbtool app 60 fork
	expect_eq "dbtool that forks: its first connection is db's" "$(first dbtool)" allow
	wait "$tool_pid" 2>/dev/null
	settle
	expect_eq "its parent exited, its child runs dbtool: db stays" "$(active)" db
	touch "$tmp/stop.dbtool"
	check "the child exits: base again" wait_for 60 is_active base
}

# Latest exec wins; the exit of its process gives back the persona of the
# latest trigger process still running.
test_compete() {
	start_tool dbtool app 60
	local db_pid=$tool_pid
	check "dbtool runs: db" wait_for 60 is_active db
	run_in_exec=1 run_in app host "$bin/backup-agent" 1000 &
	local pid=$!
	env_pids+=("$pid")
	check "backup-agent starts later: backup wins" wait_for 60 is_active backup
	kill "$pid"
	wait "$pid" 2>/dev/null
	check "backup-agent exits, dbtool still runs: db again" wait_for 60 is_active db
	check "monitor: that return names backup-agent's exit" wait_for 60 grep -q \
		'"old_persona":"backup","persona":"db","cause":"exit","program":"backup-agent"' \
		"$tmp/monitor"
	stop_tool dbtool "$db_pid"
	check "dbtool exits too: base" wait_for 60 is_active base
}

test_api_and_apply() {
	start_tool dbtool app 60
	local db_pid=$tool_pid
	check "dbtool runs: db" wait_for 60 is_active db
	check "apply a new version while it runs" "$ctl" apply "$tmp/app.t2.json"
	expect_eq "the new manifest keeps the trigger's persona" "$(active)" db
	reach "db after the apply: 3306 allowed, 2222 denied" allow deny
	check "persona activate app backup, dbtool still running" "$ctl" persona activate app backup
	local n
	n=$(exits)
	stop_tool dbtool "$db_pid"
	settle
	expect_eq "dbtool's exit does not undo the API's choice" "$(active)" backup
	expect_eq "no switch on that exit" "$(exits)" "$n"
	check "persona activate app base" "$ctl" persona activate app base
}

test_bad() {
	local gen
	gen=$(generation)
	expect_fail_msg "apply: two personas with one trigger" \
		'personas "db" and "db2" have the same trigger' "$ctl" apply "$tmp/app.dup.json"
	expect_eq "nothing changed: the generation" "$(generation)" "$gen"
	expect_eq "nothing changed: the version" \
		"$("$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["version"])')" t2
}

test_unload() {
	start_tool dbtool app 60
	local db_pid=$tool_pid
	check "dbtool runs: db" wait_for 60 is_active db
	kill "$mon_pid" 2>/dev/null && wait "$mon_pid" 2>/dev/null
	mon_pid=
	check "rmmod compfw while a trigger process runs" modprobe -r compfw
	stop_tool dbtool "$db_pid"
	check "the program outlives the module and ends" sh -c "! kill -0 $db_pid 2>/dev/null"
	check "modprobe compfw again" modprobe compfw
}

plan 45
if ! setup; then
	echo "Bail out! setup failed"
	exit 1
fi
test_exec
test_path
test_fork
test_compete
test_api_and_apply
test_bad
test_unload
finish
