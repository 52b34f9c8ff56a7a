#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the test VM (make demo boots it; tests/selftests/demo.sh
# runs it in make check and checks what it shows). Two components in their
# own cgroups, a manifest each; an allowed connection and a denied one; the
# drop in compfwctl stats, compfwctl monitor, the kernel log and trace-cmd;
# then personas: a switch by API and one by an exec trigger.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH=$top/tools:$PATH
probe=$top/tests/selftests/lib/probe.py
cg=/sys/fs/cgroup/compfw-demo
work=$(mktemp -d "${TMPDIR:-/tmp}/compfw-demo.XXXXXX")
pids=()

cleanup() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	# The servers, whatever shell started them.
	echo 1 >"$cg/cgroup.kill" 2>/dev/null
	wait 2>/dev/null
	until_ok 60 sh -c "! cat $cg/*/cgroup.procs | grep -q ."
	trace-cmd reset >/dev/null 2>&1
	compfwctl component del web >/dev/null 2>&1
	compfwctl component del db >/dev/null 2>&1
	rmdir "$cg"/web "$cg"/db "$cg"/ops "$cg" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
# show CMD...: print the command as typed, then run it.
show() { printf '$ %s\n' "$*"; "$@"; }
# in_cg CGROUP CMD...: run CMD as a process of the cgroup.
in_cg() { sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg/$1" "${@:2}"; }
# until SECONDS CMD...: until CMD succeeds, or SECONDS pass.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
# connect FROM PORT allow|deny: one TCP connection from cgroup FROM to
# 127.0.0.1:PORT. A dropped SYN is only retransmitted, so a denied one is
# given 5 s; an allowed one a minute, for a loaded machine.
connect() {
	local out limit=60
	[ "$3" = deny ] && limit=5
	if out=$(in_cg "$1" timeout "$limit" bash -c '
		exec 3<>/dev/tcp/127.0.0.1/$0 && echo hello >&3 && read -r line <&3 && echo "$line"' "$2" 2>&1); then
		echo "$1 -> 127.0.0.1:$2: connected, the echo says \"$out\""
	else
		echo "$1 -> 127.0.0.1:$2: no answer in $limit s: compfw dropped the SYN"
	fi
}

modprobe compfw || exit 1
mkdir -p "$cg"/web "$cg"/db "$cg"/ops
in_cg db python3 "$probe" serve tcp:5432@127.0.0.1 tcp:6379@127.0.0.1 >"$work/db.out" 2>&1 &
pids+=($!)
in_cg ops python3 "$probe" serve tcp:2222@127.0.0.1 >"$work/ops.out" 2>&1 &
pids+=($!)
until_ok 120 grep -q ready "$work/db.out" && until_ok 120 grep -q ready "$work/ops.out" ||
	{ echo "demo: the servers did not start"; exit 1; }
compfwctl -j monitor >"$work/monitor" &
pids+=($!)

say "1. Two components, each a cgroup of its own"
show compfwctl component add web cgroup /compfw-demo/web
show compfwctl component add db cgroup /compfw-demo/db
cat >"$work/web.json" <<'EOF'
{ "component": "web", "version": "1", "log": "drops",
  "egress": [ {"id": 1, "peer": {"component": "db"}, "protocol": "tcp", "ports": 5432} ] }
EOF
cat >"$work/db.json" <<'EOF'
{ "component": "db", "version": "1",
  "exposure": [ {"protocol": "tcp", "ports": 5432} ],
  "ingress": [ {"id": 1, "peer": {"component": "web"}, "protocol": "tcp", "ports": 5432} ] }
EOF

say "2. A manifest each: web may reach db's port 5432, and nothing else"
cat "$work/web.json" "$work/db.json"
# Until the monitor has joined its group, an event could pass it by.
until_ok 120 eval 'compfwctl apply "$work/web.json" && grep -q "\"component\":\"web\"" "$work/monitor"' ||
	{ echo "demo: the monitor saw nothing"; exit 1; }
show compfwctl apply "$work/db.json"
show compfwctl component list
trace-cmd start -e compfw >/dev/null 2>&1
dmesg -C

say "3. web connects to db on 5432: allowed by both manifests"
connect web 5432 allow
say "4. web connects to db on 6379: no rule allows it"
connect web 6379 deny

say "5. The drop, as compfwctl -j stats web counts it"
show compfwctl -j stats web
say "6. The drop, as compfwctl monitor saw it (with -j)"
until_ok 60 grep -q '"event":"drop"' "$work/monitor"
grep '"event":"drop"' "$work/monitor"
say "7. The drop in the kernel log (\"log\": \"drops\")"
show sh -c 'dmesg | grep "compfw: netns"'
say "8. The drop in trace-cmd"
show sh -c 'trace-cmd show | grep -m 2 "compfw_verdict: .*component=web"'

say "9. Personas: web takes db_client or maintenance, switched atomically"
cat >"$work/db_client.json" <<'EOF'
{ "name": "db_client",
  "network_profile": { "allowed_egress": [ {"peer": {"component": "db"}, "protocol": "tcp", "port": 5432} ] },
  "activation_trigger": {"process_name": "dbcheck"} }
EOF
cat >"$work/maintenance.json" <<'EOF'
{ "name": "maintenance",
  "network_profile": { "allowed_egress": [ {"protocol": "tcp", "port": 2222, "destination": "127.0.0.1"} ] } }
EOF
echo '{ "component": "web", "version": "2", "personas": ["db_client", "maintenance"], "default_persona": "maintenance" }' \
	>"$work/web.v2.json"
cat "$work/db_client.json" "$work/maintenance.json" "$work/web.v2.json"
show compfwctl persona add "$work/db_client.json"
show compfwctl persona add "$work/maintenance.json"
show compfwctl apply "$work/web.v2.json"
show compfwctl persona list
connect web 2222 allow
connect web 5432 deny
show compfwctl persona activate web db_client
connect web 5432 allow
connect web 2222 deny
show compfwctl persona activate web maintenance

say "10. An exec trigger: dbcheck, run in web's cgroup, gets db_client before it starts"
printf '#!/bin/bash\nexec 3<>/dev/tcp/127.0.0.1/5432 && echo hello >&3 && read -r line <&3 && echo "dbcheck: db says \\"$line\\""\n' \
	>"$work/dbcheck"
chmod +x "$work/dbcheck"
echo "\$ echo \$\$ >$cg/web/cgroup.procs; $work/dbcheck"
in_cg web "$work/dbcheck"
until_ok 60 sh -c 'compfwctl -j component show web | grep -q "\"persona\":\"maintenance\""'
echo "dbcheck has exited: web is back to $(compfwctl -j component show web |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["persona"])')"
show sh -c 'dmesg | grep "compfw: component web: persona"'
until_ok 60 grep -q '"cause":"exit"' "$work/monitor"
grep '"change":"persona"' "$work/monitor"
say "The end"
