#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Each network namespace has its own compfw state: a new one starts empty,
# is reached with -n like ip(8), and goes away with its namespace.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe ip python3

ns=compfw-netns-$$
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT

plan 5
modprobe compfw
ip netns add "$ns"

host=$("$ctl" -j status)
inner=$("$ctl" -n "$ns" -j status)
echo "# init: $host"
echo "# $ns: $inner"

hc=$(json_get "$host" netns_cookie)
ic=$(json_get "$inner" netns_cookie)
if [ "$hc" != "$ic" ]; then pass "option -n reaches another namespace's state"; else fail "option -n reaches another namespace's state" "both cookies $hc"; fi
counts=""
for key in components rules; do counts="$counts$(json_get "$inner" $key)"; done
expect_eq "new namespace is empty" "$counts" "00"
via_nsenter=$(nsenter --net=/run/netns/"$ns" "$ctl" -j status)
expect_eq "nsenter and -n agree" "$(json_get "$via_nsenter" netns_cookie)" "$ic"

# Namespaces come and go while the module is loaded; none may leak.
errors=""
for i in $(seq 1 10); do
	ip netns add "$ns-$i"
	"$ctl" -n "$ns-$i" status >/dev/null || errors="$errors status#$i"
	ip netns del "$ns-$i"
done
expect_eq "10 namespaces created, queried and removed" "${errors:-none}" "none"
modprobe -r compfw && pass "module unloads with namespaces gone" || fail "module unloads with namespaces gone"
finish
