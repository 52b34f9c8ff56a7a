#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compfwctl status in text and in JSON says the same, and says it right.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe modinfo python3

plan 8
modprobe compfw
text=$("$ctl" status)
json=$("$ctl" -j status)
echo "$text" | sed 's/^/# /'
echo "# $json"

modver=$(modinfo -F version compfw)
# The family's version is the spec's (the uapi header is generated from it).
famver=$(sed -n 's/^version: *//p' "$top/Documentation/netlink/specs/compfw.yaml")
expect_eq "text: module version" "$(awk '/^module version/ { print $3 }' <<<"$text")" "$modver"
expect_eq "text: family version" "$(awk '/^family version/ { print $3 }' <<<"$text")" "$famver"
expect_eq "json: module version" "$(json_get "$json" module_version)" "$modver"
expect_eq "json: family version" "$(json_get "$json" family_version)" "$famver"
counts=""
for key in components rules; do
	counts="$counts $key=$(json_get "$json" $key)/$(awk -v k=$key '$1 == k { print $2 }' <<<"$text")"
done
expect_eq "all counts zero, text and json" "$counts" " components=0/0 rules=0/0"
expect_eq "json: netns cookie matches text" "$(json_get "$json" netns_cookie)" \
	"$(awk '/^netns cookie/ { print $3 }' <<<"$text")"
"$ctl" -j status | python3 -c 'import json,sys; json.load(sys.stdin)' &&
	pass "json output parses" || fail "json output parses"
expect_fail_msg "status rejects arguments" "status takes no arguments" "$ctl" status extra
finish
