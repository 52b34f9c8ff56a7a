#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The compfw family as a client we did not write sees it: iproute2's genl.
set -u
. "$(dirname "$0")/lib.sh"
require genl modprobe

plan 4
modprobe compfw
out=$(genl ctrl get name compfw 2>&1)
echo "$out" | sed 's/^/# /'

if [[ "$out" == *"Name: compfw"* ]]; then pass "genl resolves the family"; else fail "genl resolves the family"; fi
# The version the spec (and the generated header) says.
want=$(awk '$2 == "COMPFW_GENL_VERSION" { print $3 }' "$top/uapi/linux/compfw.h")
if [[ "$out" =~ Version:\ 0x0*$want[[:space:]] ]]; then pass "family version $want"; else fail "family version $want"; fi
if [[ "$out" == *"events"* ]]; then pass "multicast group events"; else fail "multicast group events"; fi
# GET_STATUS is op 1; GENL_UNS_ADMIN_PERM shows as the admin capability flag.
if [[ "$out" =~ ID-0x1[^0-9a-f] ]]; then pass "GET_STATUS op listed"; else fail "GET_STATUS op listed"; fi
finish
