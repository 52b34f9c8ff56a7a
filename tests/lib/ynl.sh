#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's YNL tooling, from Debian's linux-source-6.12, for the family
# spec Documentation/netlink/specs/compfw.yaml:
#
#   tests/lib/ynl.sh tree             print the prepared tooling tree
#   tests/lib/ynl.sh validate         the spec against its protocol's schema
#   tests/lib/ynl.sh gen              regenerate the committed files
#   tests/lib/ynl.sh check            regenerate into a scratch folder; list
#                                     and fail on every difference
#   tests/lib/ynl.sh cli ARGS...      the kernel's ynl client with the spec
#
# Generated (and committed): uapi/linux/compfw.h, kmod/netlink-gen.[ch],
# Documentation/userspace-api/compfw-family.rst.
#
# The package comes from tests/lib/linux-source.sh (`apt-get download`, its
# version resolved now); only tools/net/ynl and the schemas are kept, under build/cache/ynl
# (YNL_CACHE to share one). ynl-gen-c.py finds the kernel root by its
# MAINTAINERS file and the schema beside the spec's folder, so the spec is
# copied into that tree before each use.

set -eu -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
CACHE=${YNL_CACHE:-$REPO/build/cache/ynl}
PKG=linux-source-6.12
TREE=$CACHE/$PKG
SPEC=Documentation/netlink/specs/compfw.yaml

die() { echo "ynl.sh: $*" >&2; exit 1; }

prepare() {
	[ -f "$TREE/.stamp" ] && return 0
	# In the test VM the host's root is read-only and there is no network.
	[ -z "${COMPFW_VM:-}" ] ||
		die "no ynl tooling at $TREE: run tests/lib/ynl.sh tree on the host first"
	mkdir -p "$CACHE"
	exec 8>"$CACHE/.lock"
	flock 8
	[ -f "$TREE/.stamp" ] && return 0
	local deb
	deb=$("$REPO/tests/lib/linux-source.sh") || die "no $PKG package"
	rm -rf "$TREE" "$CACHE/extract.tmp"
	mkdir -p "$CACHE/extract.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$PKG.tar.xz" |
		tar -xJ -C "$CACHE/extract.tmp" --wildcards \
			"$PKG/tools/net/ynl/*" "$PKG/Documentation/netlink/*.yaml" ||
		{ rm -f "$deb"; die "cannot extract $deb"; }
	mv "$CACHE/extract.tmp/$PKG" "$TREE" && rmdir "$CACHE/extract.tmp"
	mkdir -p "$TREE/Documentation/netlink/specs"
	: >"$TREE/MAINTAINERS"
	dpkg-deb -f "$deb" Version >"$TREE/.stamp"
}

# The tree, with this checkout's spec in it.
with_spec() {
	prepare
	cp "$REPO/$SPEC" "$TREE/$SPEC"
}

validate() {
	with_spec
	python3 - "$TREE/$SPEC" "$TREE/Documentation/netlink" <<'PY'
import sys, yaml, jsonschema
spec = yaml.safe_load(open(sys.argv[1]))
schema = yaml.safe_load(open(f"{sys.argv[2]}/{spec['protocol']}.yaml"))
try:
    jsonschema.validate(spec, schema)
except jsonschema.ValidationError as e:
    path = '/'.join(str(p) for p in e.absolute_path)
    sys.exit(f"ynl.sh: {sys.argv[1].split('/specs/')[-1]}: {path}: {e.message}")
PY
}

# gen DIR: every generated file, under DIR as under the repo.
gen_into() {
	local out=$1 y=$TREE/tools/net/ynl s=$TREE/$SPEC
	mkdir -p "$out/uapi/linux" "$out/kmod" "$out/Documentation/userspace-api"
	python3 "$y/ynl-gen-c.py" --mode uapi --header --spec "$s" -o "$out/uapi/linux/compfw.h"
	python3 "$y/ynl-gen-c.py" --mode kernel --header --spec "$s" -o "$out/kmod/netlink-gen.h"
	python3 "$y/ynl-gen-c.py" --mode kernel --source --spec "$s" -o "$out/kmod/netlink-gen.c"
	python3 "$y/ynl-gen-rst.py" -i "$s" -o "$out/Documentation/userspace-api/compfw-family.rst"
}

GENERATED="uapi/linux/compfw.h kmod/netlink-gen.h kmod/netlink-gen.c
Documentation/userspace-api/compfw-family.rst"

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
tree)	prepare; echo "$TREE" ;;
validate) validate ;;
gen)
	validate
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	gen_into "$tmp"
	for f in $GENERATED; do cmp -s "$tmp/$f" "$REPO/$f" || cp "$tmp/$f" "$REPO/$f"; done
	;;
check)
	validate
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	gen_into "$tmp"
	bad=0
	for f in $GENERATED; do
		if ! diff -u --label "$f (committed)" --label "$f (from the spec)" \
			"$REPO/$f" "$tmp/$f"; then
			bad=1
		fi
	done
	[ $bad = 0 ] || die "generated files differ from the spec: run tests/lib/ynl.sh gen"
	;;
cli)
	# The spec where it is, the schema from the tree: the tree may be
	# read-only (the test VM) or shared with other checkouts.
	prepare
	proto=$(sed -n 's/^protocol: *//p' "$REPO/$SPEC")
	exec python3 "$TREE/tools/net/ynl/cli.py" --spec "$REPO/$SPEC" \
		--schema "$TREE/Documentation/netlink/$proto.yaml" "$@"
	;;
*)	sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
