#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: kmod/ and the uapi header under checkpatch.pl --strict, sparse
# and W=1, against each Debian test kernel (sid's with sid's gcc and sparse,
# in its build chroot: Debian 12's sparse 0.6.4 cannot parse 7.x headers).
# One result line per check, as make check counts them; exit 1 if any
# finds something.
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/lint
src=$top/build/cache/checkpatch
kernels=${KERNELS:-6.1 6.12 sid}
cd "$top"
mkdir -p "$out"
rc=0

result() {
	if [ "$1" = 0 ]; then echo "ok - lint: $2"; else echo "not ok - lint: $2"; rc=1; fi
}

"$top/tests/lib/deps.sh" lint >&2
# checkpatch.pl (and the lists it reads) from Debian's linux-source-6.12.
if ! [ -f "$src/.stamp" ]; then
	deb=$("$top/tests/lib/linux-source.sh") || exit 1
	rm -rf "$src" && mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
		tar -xJ -C "$src" --strip-components=1 linux-source-6.12/scripts/checkpatch.pl \
			linux-source-6.12/scripts/spelling.txt \
			linux-source-6.12/scripts/const_structs.checkpatch || exit 1
	dpkg-deb -f "$deb" Version >"$src/.stamp"
fi

# compat.h is the one place where versions are compared, on purpose; the
# TRACE_EVENT() layout of trace.h is the kernel's own, which --strict dislikes.
for f in kmod/*.[ch] uapi/linux/compfw.h; do
	ignore=
	[ "$f" = kmod/compat.h ] && ignore=--ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON
	[ "$f" = kmod/trace.h ] && ignore=--ignore=OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT
	perl "$src/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		$ignore -f "$f" >"$out/checkpatch.log" 2>&1
	status=$?
	[ -s "$out/checkpatch.log" ] && status=1
	result "$status" "checkpatch --strict $f"
	[ "$status" = 0 ] || sed 's/^/# /' "$out/checkpatch.log"
done

# A full rebuild, so that W=1 and sparse see every file, not just changed
# ones; in a folder of its own, since make check builds build/VER/mod at the
# same time.
for ver in $kernels; do
	rm -f "$out/$ver/kmod/"*.o
	COMPFW_MOD_OUT=$out/$ver tests/lib/build-module.sh "$ver" C=2 >"$out/build-$ver.log" 2>&1
	status=$?
	result "$status" "compfw.ko builds for $ver"
	grep -E '(warning|error):' "$out/build-$ver.log" |
		grep -v '^/work/.*/include/' >"$out/findings-$ver.log"
	result "$([ -s "$out/findings-$ver.log" ] && echo 1 || echo 0)" \
		"sparse and W=1 clean for $ver"
	sed 's/^/# /' "$out/findings-$ver.log"
done
exit $rc
