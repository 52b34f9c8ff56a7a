#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every program a selftest requires (lib.sh's `require`) and every Python
# module a test imports comes from a package tests/lib/deps.sh installs, or
# from one every Debian system has (Essential or Priority: required), or
# is the kernel's ynl library from the tree tests/lib/ynl.sh prepares: a
# test never meets a missing dependency that no script of the project
# would have installed. TAP on stdout.
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
n=0
rc=0

# The packages deps.sh lists, over all its groups.
declared=" $(sed -n 's/^pkgs_[a-z]*="\(.*\)"/\1/p' tests/lib/deps.sh | tr '\n' ' ') "

# pkg_ok PKG: declared, or on every Debian system; python3's own standard
# library packages come with python3.
pkg_ok() {
	case $declared in *" $1 "*) return 0 ;; esac
	case $1 in python3-minimal | python3.[0-9]* | libpython3.[0-9]*-minimal | libpython3.[0-9]*-stdlib)
		case $declared in *" python3 "*) return 0 ;; esac ;;
	esac
	[ "$(dpkg-query -W -f='${Essential}' "$1" 2>/dev/null)" = yes ] ||
		[ "$(dpkg-query -W -f='${Priority}' "$1" 2>/dev/null)" = required ]
}

# owner PATH: the package that installed PATH (following /usr merge links).
owner() {
	local p
	for p in "$1" "$(readlink -f "$1")" "${1#/usr}" "/usr$1"; do
		dpkg-query -S "$p" 2>/dev/null | head -n 1 | cut -d: -f1 && return
	done
}

# check WHAT PATH: one line for WHAT, found at PATH (empty: not found).
check() {
	local what=$1 path=$2 pkg
	n=$((n + 1))
	if [ -z "$path" ]; then
		echo "not ok $n - $what: not found on this host, and no package of deps.sh provides it"
		rc=1
		return
	fi
	pkg=$(owner "$path")
	if [ -n "$pkg" ] && pkg_ok "$pkg"; then
		echo "ok $n - $what: from $pkg, declared"
	else
		echo "not ok $n - $what: from ${pkg:-no package} ($path), which tests/lib/deps.sh does not install"
		rc=1
	fi
}

for tool in $(sed -n 's/^require //p' tests/selftests/*.sh | tr ' ' '\n' | sort -u); do
	check "program $tool (selftests' require)" \
		"$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$tool")"
done
for mod in $(grep -rhoE '^(import [A-Za-z_0-9]+$|from [A-Za-z_0-9]+[A-Za-z_0-9.]* import )' \
	tests --include='*.py' | awk '{ sub(/\..*/, "", $2); print $2 }' | sort -u); do
	path=$(/usr/bin/python3 -c "import $mod, os; print(os.path.realpath($mod.__file__))" 2>/dev/null)
	# Built-in modules (sys) have no file and come with python3 itself.
	[ -z "$path" ] && /usr/bin/python3 -c "import sys; sys.exit('$mod' not in sys.builtin_module_names)" &&
		path=$(readlink -f /usr/bin/python3)
	# The kernel's ynl library (lib, cli), which ynl_server.py loads from
	# the tree tests/lib/ynl.sh prepares: not a Debian package's.
	if [ -z "$path" ] && ynl=$(tests/lib/ynl.sh tree 2>/dev/null) &&
		{ [ -f "$ynl/tools/net/ynl/$mod.py" ] || [ -f "$ynl/tools/net/ynl/$mod/__init__.py" ]; }; then
		n=$((n + 1))
		echo "ok $n - python module $mod: from the kernel's tools/net/ynl (tests/lib/ynl.sh tree)"
		continue
	fi
	check "python module $mod" "$path"
done
echo "1..$n"
exit $rc
