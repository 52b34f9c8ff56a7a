#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build compfw.ko for one cached Debian test kernel, in build/VER/mod, so that
# both kernels' objects live side by side and the work tree stays clean.
#
#   tests/lib/build-module.sh VER [make args...]    (e.g. W=1, C=2)
# Prints the path of the module on the last line of stdout. COMPFW_MOD_OUT
# builds elsewhere than build/VER/mod (the KUnit build, with its own config).
# sid's is built in a small sid chroot (kmake in tests/vm/lib.sh).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/tests/vm/lib.sh"
ver=$1
shift

eval "$("$top/tests/vm/kernel.sh" "$ver")"
out=${COMPFW_MOD_OUT:-$top/build/$ver/mod}

# A tree of links to the sources: Kbuild writes its objects beside them.
mkdir -p "$out/kmod"
ln -sfn "$top/uapi" "$out/uapi"
ln -sf "$top/Kbuild" "$out/Kbuild"
find "$out/kmod" -maxdepth 1 -type l -delete
for f in "$top"/kmod/Kbuild "$top"/kmod/*.[ch]; do
	ln -s "$f" "$out/kmod/"
done

kmake -C "$KDIR" M="$out" W=1 "$@" modules >&2
echo "$out/kmod/compfw.ko"
