#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/bash-completion/compfwctl, sourced into this bash and called as
# readline would (COMP_WORDS, COMP_CWORD): it registers itself, completes
# options, objects and commands (the lists compfwctl's help gives),
# component names from `compfwctl -j component list` (a stub answers here,
# as the module would; with the real compfwctl and no module, nothing and
# no noise), and files.
#   tests/tools/test_completion.sh COMPFWCTL     TAP on stdout
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=${1:-$top/tools/compfwctl}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-compl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$top/tests/tools/tap.sh"

# shellcheck source=../../tools/bash-completion/compfwctl
. "$top/tools/bash-completion/compfwctl"

# complete LINE: COMPREPLY for the cursor at the end of LINE, sorted, one
# line (a trailing space means a new, empty word).
complete_line() {
	local line=$1
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_compfwctl compfwctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>"$tmp/stderr"
	printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd ' '
}

# expect LINE WANT: LINE completes to exactly WANT (sorted words).
expect() {
	local got name="'${1//$tmp/TMP}' completes to: ${2//$tmp/TMP}"
	got=$(complete_line "$1")
	if [ "$got" = "$2" ] && [ ! -s "$tmp/stderr" ]; then
		ok "$name"
	else
		not_ok "$name" "got: $got" "$(cat "$tmp/stderr")"
	fi
}

spec=$(complete -p compfwctl 2>&1)
[ "$spec" = "complete -F _compfwctl compfwctl" ] &&
	ok "complete -p: compfwctl is completed by _compfwctl" ||
	not_ok "complete -p: compfwctl is completed by _compfwctl" "$spec"

# The objects and component commands are those the help lists.
objs=$("$ctl" help | sed -n '/^objects:/,$p' | sed -n 's/^  \([a-z]*\).*/\1/p' | sort | paste -sd ' ')
expect "compfwctl " "$(printf '%s\n' $objs help | sort | paste -sd ' ')"
cmds=$("$ctl" component help | sed -n 's/^  component \([a-z]*\).*/\1/p' | sort)
expect "compfwctl component " "$(printf '%s\n' $cmds help | sort | paste -sd ' ')"
cmds=$("$ctl" persona help | sed -n 's/^  persona \([a-z]*\).*/\1/p' | sort)
expect "compfwctl persona " "$(printf '%s\n' $cmds help | sort | paste -sd ' ')"
expect "compfwctl -j co" "component"
expect "compfwctl --j" "--json"
expect "compfwctl -j -n foo st" "stats status"
expect "compfwctl query web " "egress ingress"
expect "compfwctl query web ingress " "icmp icmpv6 sctp tcp udp"
expect "compfwctl query web ingress tcp 10.0.0.1 80 --p" "--peer"
expect "compfwctl component add web " "address cgroup id"
expect "compfwctl component add web id 7 c" "cgroup"

# Component names, from a stub that answers as compfwctl does with the
# module loaded; the -n of the line is passed on.
cat >"$tmp/compfwctl" <<-'STUB'
	#!/bin/sh
	echo "$*" >>"${0%/*}/calls"
	echo '[{"name":"web","id":1,"cgroup":"/web"},{"name":"api","id":2,"cgroup":null},{"name":"worker","id":3}]'
	STUB
chmod +x "$tmp/compfwctl"
_compfwctl_cmd=$tmp/compfwctl
expect "compfwctl component show " "api web worker"
expect "compfwctl component del w" "web worker"
expect "compfwctl stats reset " "api web worker"
expect "compfwctl query " "api help web worker"
expect "compfwctl query web egress tcp 10.0.0.1 80 --peer a" "api"
expect "compfwctl -n blue component rollback a" "api"
expect "compfwctl component history w" "web worker"
expect "compfwctl component rollback web -" "--to"
expect "compfwctl persona history w" "web worker"
expect "compfwctl persona rollback web -" "--to"
grep -qx -- "-n blue -j component list" "$tmp/calls" &&
	ok "component names are asked in the namespace of -n NETNS" ||
	not_ok "component names are asked in the namespace of -n NETNS" "$(cat "$tmp/calls")"

# The real compfwctl without the module (or without the right): no names,
# nothing on the terminal.
_compfwctl_cmd=$ctl
if [ -e /sys/module/compfw ]; then
	ok "no names without the module # SKIP the module is loaded here"
else
	expect "compfwctl component show " ""
fi

# Files for apply and query --batch.
mkdir -p "$tmp/files/dir" && : >"$tmp/files/web.json" && : >"$tmp/files/other.txt"
expect "compfwctl apply $tmp/files/w" "$tmp/files/web.json"
expect "compfwctl query --batch $tmp/files/o" "$tmp/files/other.txt"
expect "compfwctl component add web cgroup $tmp/files/d" "$tmp/files/dir"
echo "1..$n"
exit $rc
