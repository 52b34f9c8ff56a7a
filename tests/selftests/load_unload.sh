#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compfw loads and unloads cleanly, 20 times, with the CLI querying the
# family in between; and the family autoloads the module on first use.
set -u
. "$(dirname "$0")/lib.sh"
require modprobe

plan 4
modprobe -r compfw 2>/dev/null

loaded() { grep -q '^compfw ' /proc/modules; }

errors=""
for i in $(seq 1 20); do
	modprobe compfw || errors="$errors load#$i"
	loaded || errors="$errors notloaded#$i"
	"$ctl" status >/dev/null || errors="$errors status#$i"
	"$ctl" -j status >/dev/null || errors="$errors jstatus#$i"
	modprobe -r compfw || errors="$errors unload#$i"
	! loaded || errors="$errors stillloaded#$i"
done
expect_eq "20 load, query, unload cycles" "${errors:-none}" "none"

# The first request for the family name loads the module by its alias.
"$ctl" status >/dev/null 2>&1
if loaded; then pass "family request autoloads compfw"; else fail "family request autoloads compfw"; fi

refs=$(awk '$1 == "compfw" { print $3 }' /proc/modules)
expect_eq "no references left after queries" "$refs" "0"

modprobe -r compfw
if ! loaded; then pass "unload after autoload"; else fail "unload after autoload"; fi
finish
