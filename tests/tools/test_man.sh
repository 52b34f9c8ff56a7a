#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man pages (Documentation/man/) render without a warning, by man-db as
# Debian's man does and by groff -ww; compfwctl(8)'s SYNOPSIS lists exactly
# the commands compfwctl's help lists, each with the same arguments.
#   tests/tools/test_man.sh COMPFWCTL     TAP on stdout
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=${1:-$top/tools/compfwctl}
. "$top/tests/tools/tap.sh"

for page in "$top"/Documentation/man/*.[0-9]; do
	name=$(basename "$page")
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null) ||
		warn="man exited $?: $warn"
	[ -z "$warn" ] && ok "$name: man --warnings renders it without a warning" ||
		not_ok "$name: man --warnings renders it without a warning" "$warn"
	warn=$(groff -ww -man -z "$page" 2>&1) || warn="groff exited $?: $warn"
	[ -z "$warn" ] && ok "$name: groff -ww -man without a warning" ||
		not_ok "$name: groff -ww -man without a warning" "$warn"
done

# norm: one usage per line, without "usage:", "compfwctl", the global
# options and a trailing "(comment)", spaces squeezed.
norm() {
	sed -E -e 's/^usage://' -e 's/[‐−]/-/g' -e 's/^ *compfwctl +//' \
		-e 's/\[-j\] *//' -e 's/\[-n NETNS\] *//' -e 's/ +\(.*\) *$//' \
		-e 's/  +/ /g' -e 's/ +$//'
}

# help_usages: each command's own usage lines ("compfwctl OBJECT help",
# "compfwctl OBJECT COMMAND help"), for the objects of "compfwctl help".
help_usages() {
	local obj cmd
	for obj in $("$ctl" help | sed -n '/^objects:/,$p' | sed -n 's/^  \([a-z]*\).*/\1/p'); do
		if "$ctl" help | grep -q "^  $obj COMMAND"; then
			for cmd in $("$ctl" "$obj" help | sed -n '/^commands:/,$p' |
				sed -n "s/^  $obj \\([a-z]*\\).*/\\1/p"); do
				"$ctl" "$obj" "$cmd" help || echo "compfwctl $obj $cmd help: exit $?"
			done
		else
			"$ctl" "$obj" help || echo "compfwctl $obj help: exit $?"
		fi
	done | grep -E '^(usage: )?compfwctl|^ +compfwctl|exit' | norm | sort
}

# man_usages: the SYNOPSIS of compfwctl(8), as man renders it.
man_usages() {
	LC_ALL=C.UTF-8 MANWIDTH=250 man -E UTF-8 --nh --nj -l "$top/Documentation/man/compfwctl.8" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^[A-Z]/p' | grep '^ *compfwctl' | grep -v -- '--version' |
		norm | sort
}

h=$(help_usages)
m=$(man_usages)
if [ -n "$h" ] && [ "$h" = "$m" ]; then
	ok "compfwctl(8)'s SYNOPSIS and compfwctl's help list the same $(wc -l <<<"$h") commands"
else
	not_ok "compfwctl(8)'s SYNOPSIS and compfwctl's help list the same commands" \
		"help (<) against the man page (>):" "$(diff <(echo "$h") <(echo "$m"))"
fi
# Every object "compfwctl help" lists has an entry in COMMANDS as well.
objs=$("$ctl" help | sed -n '/^objects:/,$p' | sed -n 's/^  \([a-z]*\).*/\1/p')
body=$(LC_ALL=C.UTF-8 MANWIDTH=250 man -E UTF-8 --nh --nj -l "$top/Documentation/man/compfwctl.8" 2>/dev/null |
	sed -n '/^COMMANDS/,/^EXIT STATUS/p')
missing=$(for o in $objs; do grep -q "^       $o\b" <<<"$body" || echo "$o"; done)
[ -z "$missing" ] && ok "compfwctl(8) describes every object under COMMANDS" ||
	not_ok "compfwctl(8) describes every object under COMMANDS" "no entry for: $missing"
echo "1..$n"
exit $rc
