#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Only CAP_NET_ADMIN over the network namespace opens the family; every
# refusal and every missing piece is one clear line and a non-zero exit.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe capsh setpriv unshare

plan 9
modprobe compfw

expect_fail_msg "root without CAP_NET_ADMIN is refused" "permission denied" \
	capsh --drop=cap_net_admin -- -c "exec $ctl status"
expect_fail_msg "unprivileged user is refused" "CAP_NET_ADMIN" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" status

# The events carry addresses, ports and who changed what: joining their
# group needs CAP_NET_ADMIN over the namespace, as every command does.
expect_fail_msg "unprivileged monitor is refused" \
	"compfwctl: monitor: permission denied: joining the events group needs CAP_NET_ADMIN" \
	timeout 300 setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" monitor
expect_eq "unprivileged raw join of the events group: EPERM" \
	"$(setpriv --reuid=65534 --regid=65534 --clear-groups python3 "$top/tests/selftests/lib/join_events.py" 2>&1)" "EPERM"
expect_eq "root may join the events group" \
	"$(python3 "$top/tests/selftests/lib/join_events.py" 2>&1)" "joined"

# An unprivileged user owns the netns of its own user namespace, so it may
# administer compfw there (GENL_UNS_ADMIN_PERM), and only there.
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>/dev/null; then
	check "unprivileged user in its own user+net namespace may query" \
		setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn "$ctl" status
else
	skip "unprivileged user in its own user+net namespace may query" "user namespaces disabled"
fi

# With the module gone and autoload blocked, the CLI says so in words.
modprobe -r compfw
saved=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
expect_fail_msg "module not loaded is said in words" "compfw module not loaded" "$ctl" status
echo "$saved" >/proc/sys/kernel/modprobe
modprobe compfw

expect_fail_msg "unknown object" 'unknown object "frobnicate"' "$ctl" frobnicate
expect_fail_msg "missing netns" 'cannot open network namespace "no-such-ns"' "$ctl" -n no-such-ns status
finish
