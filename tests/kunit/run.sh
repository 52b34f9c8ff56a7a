#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KUnit tests of compfw's logic, run on UML (kunit.py) over Debian's
# linux-source-6.1.
#
#   repo/kmod/{classify.c,...}  <-- symlink --  cache tree/lib/compfw_kunit/kmod
#   repo/uapi                   <-- symlink --  cache tree/lib/compfw_kunit/uapi
#   tests/kunit/sources  -> lib/compfw_kunit/Makefile   (generated)
#                           lib/compfw_kunit/Kconfig    (COMPFW_KUNIT_TEST)
#                           hooked into lib/Kconfig and lib/Makefile
#
# Nothing of the kernel is kept in the repo: the .deb is fetched with
# `apt-get download` (version resolved at run time), extracted once into
# build/cache/kunit/ and reused without network. Edits in kmod/ are picked up
# by the next run, which rebuilds only what changed.
#
# Output (for `make check`): one `ok - kunit:<suite>.<case>` or
# `not ok - kunit:<suite>.<case>` per test case; `not ok - kunit: build` or
# `not ok - kunit: run` when the kernel does not build or does not finish;
# every other line starts with `# `. Exit 0 when all are ok, else 1.
# Full logs: build/kunit/{fetch,build,console}.log.
#
# Usage: tests/kunit/run.sh [FILTER_GLOB]   e.g. 'compfw_compile.*'
#
# Environment: KUNIT_JOBS (default: nproc), KUNIT_TIMEOUT (seconds the kernel
# may run, default 300), KUNIT_CACHE (default build/cache/kunit),
# COMPFW_KUNIT_KMOD (directory to take the sources from instead of kmod/).

set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
HERE=$REPO/tests/kunit
CACHE=${KUNIT_CACHE:-$REPO/build/cache/kunit}
LOGS=$REPO/build/kunit
KMOD=$(cd "${COMPFW_KUNIT_KMOD:-$REPO/kmod}" && pwd -P) || exit 1
JOBS=${KUNIT_JOBS:-$(nproc)}
TIMEOUT=${KUNIT_TIMEOUT:-300}
PKG=linux-source-6.1
SRC=$CACHE/$PKG            # the extracted kernel tree
OBJ=$CACHE/.kunit          # kunit.py --build_dir
OVL=lib/compfw_kunit       # the overlay, relative to $SRC

mkdir -p "$CACHE" "$LOGS"

note() { printf '# %s\n' "$*"; }

# One `not ok` line for a step that failed, with the tail of its log.
fail() {
	local what=$1 log=$2
	echo "not ok - kunit: $what"
	note "  --- last 40 lines of $log ---"
	tail -n 40 "$log" | sed "s|$SRC/$OVL/kmod/|kmod/|g; s/^/#   /"
	exit 1
}

# Only one run at a time uses the cache.
exec 9>"$CACHE/.lock"
flock 9

# --- tools ----------------------------------------------------------------
need=()
for t in gcc:gcc make:make flex:flex bison:bison bc:bc python3:python3 \
	 xz:xz-utils perl:perl dpkg-deb:dpkg; do
	command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	note "installing ${need[*]}"
	{ apt-get install -y --no-install-recommends "${need[@]}" ||
	  { apt-get update && apt-get install -y --no-install-recommends "${need[@]}"; }
	} >"$LOGS/fetch.log" 2>&1 || fail build "$LOGS/fetch.log"
fi

# --- kernel source ----------------------------------------------------------
# The stamp is written last: without it the tree is incomplete and redone.
STAMP=$CACHE/source.stamp
if [ ! -f "$STAMP" ] || [ ! -f "$SRC/Makefile" ]; then
	: >"$LOGS/fetch.log"
	rm -rf "$SRC" "$CACHE/extract.tmp" "$OBJ"
	deb=$(ls -t "$CACHE/${PKG}_"*_all.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		note "downloading $PKG"
		rm -rf "$CACHE/download.tmp" && mkdir "$CACHE/download.tmp"
		( cd "$CACHE/download.tmp" &&
		  { apt-get download "$PKG" || { apt-get update && apt-get download "$PKG"; }; }
		) >>"$LOGS/fetch.log" 2>&1 || fail build "$LOGS/fetch.log"
		mv "$CACHE/download.tmp/${PKG}_"*_all.deb "$CACHE/" &&
			rm -rf "$CACHE/download.tmp"
		deb=$(ls -t "$CACHE/${PKG}_"*_all.deb | head -n 1)
	fi
	ver=$(dpkg-deb -f "$deb" Version)
	note "extracting $PKG $ver"
	mkdir "$CACHE/extract.tmp"
	if ! dpkg-deb --fsys-tarfile "$deb" |
	     tar -xO "./usr/src/$PKG.tar.xz" |
	     tar -xJ -C "$CACHE/extract.tmp" >>"$LOGS/fetch.log" 2>&1; then
		rm -f "$deb"	# a broken download is fetched again next time
		fail build "$LOGS/fetch.log"
	fi
	mv "$CACHE/extract.tmp/$PKG" "$SRC" && rmdir "$CACHE/extract.tmp"
	echo "$ver" >"$STAMP"
fi
note "kernel: $PKG $(cat "$STAMP") in ${SRC#"$REPO"/}"

# --- overlay ----------------------------------------------------------------
# Write a file only when its content changes, so that make sees no change.
put() {
	local f=$1 tmp
	tmp=$(mktemp "$f.XXXXXX")
	cat >"$tmp"
	if cmp -s "$tmp" "$f"; then rm -f "$tmp"; else chmod 644 "$tmp"; mv "$tmp" "$f"; fi
}
hook() {	# append a line to a kernel file once
	grep -qxF "$2" "$SRC/$1" || printf '\n%s\n' "$2" >>"$SRC/$1"
}

objs=() tests=() missing=()
while read -r f _; do
	case $f in ''|'#'*) continue ;; esac
	objs+=("kmod/${f%.c}.o")
	case $f in *_test.c) tests+=("$f") ;; esac
	[ -f "$KMOD/$f" ] || missing+=("kmod/$f")
done <"$HERE/sources"
if [ ${#missing[@]} -gt 0 ]; then
	echo "not ok - kunit: build"
	note "  missing source(s) listed in tests/kunit/sources: ${missing[*]}"
	exit 1
fi
for t in "$KMOD"/*_test.c; do
	[ -e "$t" ] || continue
	[[ " ${tests[*]} " == *" ${t##*/} "* ]] ||
		note "warning: ${t##*/} is not listed in tests/kunit/sources"
done

mkdir -p "$SRC/$OVL"
# Objects built from another checkout may be newer than this one's sources.
if [ "$(readlink "$SRC/$OVL/kmod")" != "$KMOD" ]; then
	rm -rf "${OBJ:?}/$OVL"
	ln -sfn "$KMOD" "$SRC/$OVL/kmod"
fi
ln -sfn "$REPO/uapi" "$SRC/$OVL/uapi"

put "$SRC/$OVL/Kconfig" <<'EOF'
# Generated by compfw's tests/kunit/run.sh.
config COMPFW_KUNIT_TEST
	tristate "KUnit tests for compfw's logic" if !KUNIT_ALL_TESTS
	depends on KUNIT
	default KUNIT_ALL_TESTS
	help
	  Builds compfw's logic files and their KUnit suites, linked from the
	  compfw repository through the kmod/ and uapi/ symlinks here.
EOF
put "$SRC/$OVL/Makefile" <<EOF
# Generated by compfw's tests/kunit/run.sh from tests/kunit/sources.
obj-\$(CONFIG_COMPFW_KUNIT_TEST) += compfw.o
compfw-y := ${objs[*]}
ccflags-y += -D'pr_fmt(fmt)=KBUILD_MODNAME ": " fmt'
ccflags-y += -I\$(srctree)/\$(src)/uapi -I\$(srctree)/\$(src)/kmod
EOF
hook lib/Kconfig "source \"$OVL/Kconfig\""
hook lib/Makefile "obj-\$(CONFIG_COMPFW_KUNIT_TEST) += compfw_kunit/"

# Suites to expect: the `.name = "..."` of each kunit_suite in the test files
# (all of them, unless a filter picks some).
expect=()
[ $# -gt 0 ] || for t in "${tests[@]}"; do
	[ -f "$KMOD/$t" ] || continue
	while read -r s; do expect+=(--expect "$s"); done < <(
		sed -n 's/.*\.name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$KMOD/$t")
done

# --- build and run ----------------------------------------------------------
kunit=("$SRC/tools/testing/kunit/kunit.py")
common=(--arch=um --build_dir="$OBJ" --kunitconfig="$HERE/.kunitconfig")

t0=$(date +%s)
note "building the UML kernel (jobs=$JOBS; log: build/kunit/build.log)"
python3 "${kunit[@]}" build "${common[@]}" --jobs="$JOBS" \
	>"$LOGS/build.log" 2>&1 </dev/null || fail build "$LOGS/build.log"
t1=$(date +%s)
# The compiler's warnings about compfw's own files (only those rebuilt).
grep -F "/$OVL/" "$LOGS/build.log" | grep -E 'warning:' |
	sed "s|$SRC/$OVL/kmod/|kmod/|g; s/^/# /"
note "built in $((t1 - t0))s; running (log: build/kunit/console.log)"
# A WARN in the code under test stops the kernel, and so fails the run; SLUB
# checks redzones and poison on every free.
python3 "${kunit[@]}" exec "${common[@]}" --timeout="$TIMEOUT" \
	--kernel_args=panic_on_warn=1 --kernel_args=slub_debug=FZPU \
	--raw_output=all ${1:+"$1"} >"$LOGS/console.log" 2>&1 </dev/null
t2=$(date +%s)
note "ran in $((t2 - t1))s"

python3 "$HERE/ktap2tap.py" "$LOGS/console.log" "${expect[@]}"
