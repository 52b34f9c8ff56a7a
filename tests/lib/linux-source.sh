#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux-source.sh: print the path of Debian's linux-source-6.12 package,
# downloading it first if the cache has none. Shared by the ynl tooling
# (tests/lib/ynl.sh) and the debug kernel (tests/vm/debug-kernel.sh).
#
# The package is fetched with `apt-get download`, its version resolved now,
# into build/cache/src (COMPFW_SRC_CACHE to share one between clones).
set -eu -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
CACHE=${COMPFW_SRC_CACHE:-$REPO/build/cache/src}
PKG=linux-source-6.12

mkdir -p "$CACHE"
exec 7>"$CACHE/.lock"
flock 7
deb=$(ls -t "$CACHE/${PKG}_"*_all.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	tmp=$(mktemp -d "$CACHE/download.XXXXXX")
	( cd "$tmp" && { apt-get download "$PKG" ||
			 { apt-get update && apt-get download "$PKG"; }; } ) \
		>"$CACHE/fetch.log" 2>&1 || {
		rm -rf "$tmp"
		echo "linux-source.sh: apt-get download $PKG failed (see $CACHE/fetch.log)" >&2
		exit 1
	}
	mv "$tmp/${PKG}_"*_all.deb "$CACHE/" && rmdir "$tmp"
	deb=$(ls -t "$CACHE/${PKG}_"*_all.deb | head -n 1)
fi
echo "$deb"
