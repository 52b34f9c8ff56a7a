#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A client we did not write, at the generic netlink level: python3-pyroute2
# (Debian 12's 0.7.2) sends malformed compfw requests built from the spec,
# and each policy rule (type and length, range, nesting, unknown attribute,
# an attribute the operation does not take, a reply-only attribute, a
# required one missing) is answered with its errno, its extack message and
# the offset of the offending attribute. Then u64 counters, decoded by
# pyroute2's own types, against the datagrams sent (lib/genl_policy.py).
set -u
. "$(dirname "$0")/lib.sh"
require modprobe python3

cg=/sys/fs/cgroup/compfw-test/policy-$$
cleanup() {
	modprobe -r compfw 2>/dev/null
	rmdir "$cg" "$(dirname "$cg")" 2>/dev/null
}
trap cleanup EXIT

modprobe -r compfw 2>/dev/null
if ! modprobe compfw; then
	plan 1
	fail "load compfw"
	finish
fi
mkdir -p "$cg"
echo "# pyroute2 $(python3 -c 'import pyroute2; print(pyroute2.__version__)' 2>&1)" \
	"($(dpkg-query -W -f='${Version}' python3-pyroute2 2>/dev/null))"
python3 "$top/tests/selftests/lib/genl_policy.py" "$cg"
