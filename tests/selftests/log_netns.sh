#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel log is the host's: a drop in another network namespace reaches
# it only as the kernel's own LOG target would let it (the sysctl
# net.netfilter.nf_log_all_netns), and every line names its namespace, so an
# unprivileged user's component "web" cannot pass for the host's.
#
#   an unprivileged user (65534) in its own user+net namespace defines
#   component "web" owning 127.0.0.2 and sends UDP from it: a default drop
#   root does the same in the host's namespace
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3 setpriv unshare ip dmesg

tmp=$(mktemp -d)
chmod 755 "$tmp"
all_netns=/proc/sys/net/netfilter/nf_log_all_netns
saved=
cleanup() {
	[ -n "$saved" ] && echo "$saved" >"$all_netns"
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/web.json" <<'JSON'
{"component": "web", "version": "t", "log": "drops", "egress": []}
JSON
cat >"$tmp/send.py" <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 0))
try:
    s.sendto(b"x", ("127.0.0.1", 7000))
    print("sent")
except OSError:
    print("dropped")
PY
# The unprivileged user's part: its own namespaces, compfw set up there, one
# drop. Prints the namespace's inode number, then what the send did.
cat >"$tmp/user.sh" <<EOF2
set -e
ip link set lo up
"$ctl" component add web address 127.0.0.2/32
"$ctl" apply "$tmp/web.json" >/dev/null
stat -L -c %i /proc/self/ns/net
python3 "$tmp/send.py"
EOF2

as_user() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn bash "$tmp/user.sh" 2>&1
}

in_log() { dmesg | grep -q -- "$1"; }

# wait_log WANT: wait (generously: the VM is slow) for a kernel log line
# matching WANT; prints the lines.
wait_log() {
	wait_for 60 in_log "$1"
	dmesg | grep -- "$1"
}

plan 8
modprobe -r compfw 2>/dev/null
modprobe compfw
if ! setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>/dev/null; then
	echo "# SKIP: user namespaces disabled"
	exit 4
fi
[ -e "$all_netns" ] || modprobe nf_log_syslog
saved=$(cat "$all_netns")

# The kernel's default: nothing from other namespaces.
echo 0 >"$all_netns"
dmesg -C
out=$(as_user)
echo "$out" | sed 's/^/# /'
expect_eq "nf_log_all_netns=0: the user's drop happened" "$(echo "$out" | tail -n 1)" "dropped"
# Give a line the time to show up before saying there is none.
sleep 2
lines=$(dmesg | grep -c "web")
expect_eq "nf_log_all_netns=0: nothing in the host's log" "$lines" "0"
dmesg | grep "web" | sed 's/^/# /'

# Allowed: the line comes, and names the user's namespace.
echo 1 >"$all_netns"
dmesg -C
out=$(as_user)
ns=$(echo "$out" | head -n 1)
echo "$out" | sed 's/^/# /'
expect_eq "nf_log_all_netns=1: the user's drop happened" "$(echo "$out" | tail -n 1)" "dropped"
line=$(wait_log "web: drop")
echo "# $line"
[[ "$line" == *"compfw: netns $ns web: drop egress rule 0 generation 1 "* ]] &&
	pass "nf_log_all_netns=1: the line names the user's namespace ($ns)" ||
	fail "nf_log_all_netns=1: the line names the user's namespace ($ns)" "got: $line"
[[ "$line" == *"SRC=127.0.0.2 DST=127.0.0.1 "*"PROTO=UDP SPT="*" DPT=7000 "* ]] &&
	pass "the line is in the LOG target's format" ||
	fail "the line is in the LOG target's format" "got: $line"

# The host's own component: always logged, under the host's namespace.
echo 0 >"$all_netns"
dmesg -C
host_ns=$(stat -L -c %i /proc/self/ns/net)
"$ctl" component add web address 127.0.0.2/32
"$ctl" apply "$tmp/web.json" >/dev/null
expect_eq "host: the drop happened" "$(python3 "$tmp/send.py")" "dropped"
line=$(wait_log "web: drop")
echo "# $line"
[[ "$line" == *"compfw: netns $host_ns web: drop egress rule 0 generation 1 "* ]] &&
	pass "host: the line names the host's namespace ($host_ns)" ||
	fail "host: the line names the host's namespace ($host_ns)" "got: $line"
[ "$host_ns" != "$ns" ] && pass "the two namespaces read differently" ||
	fail "the two namespaces read differently" "both $ns"
"$ctl" component del web
finish
