#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A small Debian chroot to build modules in, for a kernel whose compiler and
# kbuild programs (fixdep, modpost, objtool: linked against its suite's C
# library) cannot run on this Debian 12 machine: sid's.
#
#   tests/lib/build-root.sh SUITE PKG...       prints the root's path
#   tests/lib/build-root.sh --run ROOT DIR... -- CMD...
#
# The first form makes (once; the cache is reused while the package list
# is the same) a debootstrap --variant=minbase root of SUITE with PKG
# (the compiler the kernel's headers name, make, what kbuild links
# against) under $COMPFW_KCACHE/build-root/, trimmed of what a build never
# reads (apt's lists and archives, docs, man pages, locales).
# The second runs CMD inside ROOT, in a private mount namespace (nothing
# to unmount afterwards, even if it is killed), with ROOT read-only and
# each DIR (the work tree, the kernel cache) bound at its own path.
set -eu
. "$(dirname "$0")/../vm/lib.sh"

MIRROR=http://deb.debian.org/debian

# make_root SUITE DEST PKG...: debootstrap into DEST.tmp, trim, rename.
make_root() {
	local suite=$1 dest=$2 tmp=$2.tmp start
	shift 2
	rm -rf "$tmp"
	# A throw-away root: dpkg need not fsync each file it unpacks.
	mkdir -p "$tmp/etc/dpkg/dpkg.cfg.d"
	echo force-unsafe-io >"$tmp/etc/dpkg/dpkg.cfg.d/compfw-unsafe-io"
	start=$(now_ms)
	log "build root $suite: debootstrap --variant=minbase with $*"
	if ! debootstrap --variant=minbase --include="$(IFS=,; echo "$*")" \
		"$suite" "$tmp" "$MIRROR" >"$tmp.log" 2>&1; then
		tail -n 20 "$tmp.log" | sed 's/^/# /' >&2
		rm -rf "$tmp"
		die "build root $suite: debootstrap failed (log: $tmp.log)"
	fi
	rm -rf "$tmp"/var/cache/apt/* "$tmp"/var/lib/apt/lists/* "$tmp"/var/log/* \
		"$tmp"/usr/share/doc "$tmp"/usr/share/man "$tmp"/usr/share/info \
		"$tmp"/usr/share/locale
	printf '%s\n' "$*" >"$tmp/.complete"
	mv "$tmp" "$dest"
	rm -f "$tmp.log"
	log "build root $suite: made in $(( ($(now_ms) - start) / 1000 )) s," \
		"$(du -sh "$dest" | cut -f1)"
}

# root SUITE PKG...: the cached root for this list, made when missing; an
# older root of SUITE (another list) is removed once the new one is there.
root() {
	local suite=$1 key dir old
	shift
	need_pkgs debootstrap:debootstrap unshare:util-linux chroot:coreutils
	key=$suite-$(printf '%s\n' "$@" | sort -u | sha256sum | cut -c1-12)
	dir=$KCACHE/build-root
	mkdir -p "$dir"
	exec 9>"$dir/.lock-$suite"
	flock 9
	if [ ! -f "$dir/$key/.complete" ]; then
		rm -rf "${dir:?}/$key"
		make_root "$suite" "$dir/$key" "$@"
		for old in "$dir/$suite"-*; do
			case $old in "$dir/$key"|*.tmp|*.log) ;; *) rm -rf "$old" ;; esac
		done
	fi
	echo "$dir/$key"
}

# run ROOT DIR... -- CMD...: see the top. The environment is reset to a
# few variables, so the host's (CC, paths) does not leak into the build;
# MAKEFLAGS stays, for the job server of a make that called us.
run() {
	local root=$1 dirs=() d
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do dirs+=("$1"); shift; done
	[ $# -gt 1 ] || die "usage: build-root.sh --run ROOT DIR... -- CMD..."
	shift
	[ -f "$root/.complete" ] || die "no build root at $root"
	# Mount points for the bound directories, made once in the cached root.
	for d in ${dirs[@]+"${dirs[@]}"}; do mkdir -p "$root$d"; done
	# shellcheck disable=SC2016 # expanded by the inner shell
	exec unshare --mount --propagation private -- /bin/sh -eu -c '
		root=$1; shift
		mount --bind "$root" "$root"
		mount -o remount,bind,ro "$root"
		mount --rbind /dev "$root/dev"
		mount -t proc proc "$root/proc"
		mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
		# (one under /tmp needs its mount point made in the tmpfs)
		while [ "$1" != -- ]; do
			mkdir -p "$root$1"
			mount --rbind "$1" "$root$1"
			shift
		done
		shift
		[ -z "${MAKEFLAGS:-}" ] || set -- "MAKEFLAGS=$MAKEFLAGS" "$@"
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 "$@"
	' sh "$root" ${dirs[@]+"${dirs[@]}"} -- "$@"
}

case ${1:-} in
--run) shift; run "$@" ;;
''|-*) die "usage: build-root.sh SUITE PKG... | --run ROOT DIR... -- CMD..." ;;
*) root "$@" ;;
esac
