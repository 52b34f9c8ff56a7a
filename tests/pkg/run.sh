#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packaging, on the host: what an administrator installing compfw runs.
#   dkms:VER     dkms.conf builds, signs (with a key of the test's own) and
#                installs compfw.ko against Debian's VER headers (6.1,
#                6.12), in a private DKMS, source and install tree; depmod
#                resolves every symbol it needs against that kernel's own
#                modules; the real /var/lib/dkms and /lib/modules untouched
#   make         make as a user without root or network never calls apt-get
#                (a failing stub stands in for it), builds compfwctl without
#                -Werror, and without the libraries says which packages to
#                install; make check and make demo call tests/lib/deps.sh
#   install      make install DESTDIR=... INSTALL_MOD_PATH=..., as a user
#                who can write nowhere else, installs exactly the module
#                (and depmod's indexes for its kernel), compfwctl, the man
#                pages, the completion and the schemas; make uninstall
#                leaves DESTDIR empty
#   deps         tests/lib/deps.sh run by a user without root fails, names
#                the missing packages, and calls no apt-get
# Column-0 "ok - pkg: NAME" lines for make check.
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compfw-pkg.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
rc=0
kernels=${PKG_KERNELS-6.1 6.12}   # which headers DKMS builds against; empty: none

tests/lib/deps.sh pkg cli >&2 || echo "not ok - pkg: tests/lib/deps.sh pkg installs what these tests need"

ok() { echo "ok - pkg: $1"; }
not_ok() {
	echo "not ok - pkg: $1"
	shift
	printf '%s\n' "$@" | tail -n 40 | sed 's/^/# /'
	rc=1
}
# expect NAME CMD...: ok when CMD succeeds.
expect() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

# as_user CMD...: CMD as nobody, without a network (when run by root), with
# apt-get and sudo stubs first in PATH that note their call and fail.
stubs=$tmp/stubs
mkdir -p "$stubs" "$tmp/calls"
chmod 1777 "$tmp/calls"
for s in apt-get apt sudo; do
	printf '#!/bin/sh\necho "%s $*" >>%s/calls/log\nexit 100\n' "$s" "$tmp" >"$stubs/$s"
	chmod 755 "$stubs/$s"
done
userpath=$stubs:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin
as_user() {
	if [ "$(id -u)" = 0 ]; then
		unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups \
			env -i HOME=/nonexistent PATH="$userpath" "$@"
	else
		env -i HOME="$HOME" PATH="$userpath" "$@"
	fi
}
apt_called() { [ -s "$tmp/calls/log" ]; }

# A copy of the work tree's sources (tracked and new files), for the user.
src=$tmp/src
mkdir -p "$src"
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src"
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$src"

version=$(sed -n 's/^#define COMPFW_VERSION "\(.*\)"/\1/p' kmod/version.h)
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
expect_eq "dkms.conf's PACKAGE_VERSION is kmod/version.h's ($version)" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' kmod/dkms.conf)" "$version"

# ---- make, as a user, offline ----
# The Makefile has no apt-get; make's own goals run no deps.sh.
expect "make: the Makefile never names apt-get" sh -c '! grep -n "apt-get\|apt " Makefile'
out=$(make -n -B all KDIR=/nonexistent 2>&1)
if grep -Eq '^\s*(\S*/)?deps\.sh|apt-get' <<<"$out"; then
	not_ok "make: 'make' (all) runs no tests/lib/deps.sh" "$out"
else
	ok "make: 'make' (all) runs no tests/lib/deps.sh"
fi
expect "make: make check runs tests/lib/deps.sh all, then builds with WERROR=1" \
	sh -c 'make -n check | grep -q "^tests/lib/deps.sh all" && make -n check | grep -q "WERROR=1"'
expect "make: make demo runs tests/lib/deps.sh" sh -c 'make -n demo | grep -q "^tests/lib/deps.sh"'
expect "make: .ci/run runs tests/lib/deps.sh and make check" \
	sh -c 'grep -q "^tests/lib/deps.sh all" .ci/run && grep -q "^make check" .ci/run'

: >"$tmp/calls/log"
if out=$(as_user make -C "$src" KDIR=/nonexistent 2>&1) && [ -x "$src/tools/compfwctl" ]; then
	ok "make: a user without root or network builds compfwctl"
else
	not_ok "make: a user without root or network builds compfwctl" "$out"
fi
apt_called && not_ok "make: ... and calls no apt-get" "$(cat "$tmp/calls/log")" ||
	ok "make: ... and calls no apt-get"
grep -q -- '-Werror' <<<"$out" && not_ok "make: a release build has no -Werror" "$out" ||
	ok "make: a release build has no -Werror"
expect "make: WERROR=1 builds with -Werror" \
	sh -c "make -C '$src' -n -B WERROR=1 tools/compfwctl | grep -q -- -Werror"

# Without the libraries (a pkg-config that finds nothing): a message, no apt-get.
printf '#!/bin/sh\nexit 1\n' >"$stubs/pkg-config"
chmod 755 "$stubs/pkg-config"
: >"$tmp/calls/log"
out=$(as_user make -C "$src" -B KDIR=/nonexistent tools/compfwctl 2>&1) && st=0 || st=$?
rm -f "$stubs/pkg-config"
if [ "$st" != 0 ] && grep -q "libnl-genl-3-dev.*libjansson-dev\|tests/lib/deps.sh cli" <<<"$out" && ! apt_called; then
	ok "make: without the libraries, fails naming the packages and deps.sh, no apt-get"
else
	not_ok "make: without the libraries, fails naming the packages and deps.sh, no apt-get" \
		"exit $st" "$out" "$(cat "$tmp/calls/log")"
fi
as_user make -C "$src" -s KDIR=/nonexistent tools/compfwctl >/dev/null 2>&1

# ---- deps.sh, as a user ----
printf '#!/bin/sh\necho "unknown ok not-installed"\n' >"$stubs/dpkg-query"
chmod 755 "$stubs/dpkg-query"
: >"$tmp/calls/log"
out=$(as_user "$src/tests/lib/deps.sh" cli 2>&1) && st=0 || st=$?
rm -f "$stubs/dpkg-query"
if [ "$st" != 0 ] && grep -q "missing Debian packages: .*libjansson-dev" <<<"$out" &&
	grep -q "needs root" <<<"$out" && ! apt_called; then
	ok "deps: without root, deps.sh fails, names what is missing, calls no apt-get"
else
	not_ok "deps: without root, deps.sh fails, names what is missing, calls no apt-get" \
		"exit $st" "$out" "$(cat "$tmp/calls/log")"
fi

# ---- make install / uninstall into DESTDIR, as a user ----
eval "$(tests/vm/kernel.sh 6.1 2>/dev/null)" || { not_ok "install: the 6.1 headers"; KDIR=; }
if [ -n "$KDIR" ]; then
	dest=$tmp/dest
	mkdir -p "$dest"
	[ "$(id -u)" = 0 ] && chown 65534:65534 "$dest"
	: >"$tmp/calls/log"
	if out=$(as_user nice -n 10 make -C "$src" KDIR="$KDIR" 2>&1) && [ -f "$src/kmod/compfw.ko" ]; then
		ok "install: make builds compfw.ko against 6.1 as a user, offline"
	else
		not_ok "install: make builds compfw.ko against 6.1 as a user, offline" "$out"
	fi
	if out=$(as_user make -C "$src" KDIR="$KDIR" DESTDIR="$dest" INSTALL_MOD_PATH=/kmods install 2>&1); then
		ok "install: make install DESTDIR=... INSTALL_MOD_PATH=... by a user who can write only there"
	else
		not_ok "install: make install DESTDIR=... INSTALL_MOD_PATH=... by a user who can write only there" "$out"
	fi
	m=kmods/lib/modules/$KREL
	want=$(printf '%s\n' "$m/extra/compfw.ko" \
		usr/local/sbin/compfwctl usr/local/share/man/man8/compfwctl.8 \
		usr/local/share/man/man5/compfw.json.5 usr/local/share/man/man7/compfw.7 \
		usr/local/share/bash-completion/completions/compfwctl \
		usr/local/share/compfw/compfw-manifest.schema.json usr/local/share/compfw/compfw.yaml \
		usr/local/libexec/compfw/compfw-boot usr/local/lib/systemd/system/compfw.service | sort)
	got=$(cd "$dest" && find . -type f ! -path "./$m/modules.*" | sed 's|^\./||' | sort)
	expect_eq "install: exactly the module, compfwctl, 3 man pages, the completion, 2 schemas, the unit and its script" "$got" "$want"
	expect "install: the unit runs the installed compfw-boot and compfwctl" \
		sh -c "grep -q '^ExecStart=/usr/local/libexec/compfw/compfw-boot /etc/compfw\$' '$dest/usr/local/lib/systemd/system/compfw.service' &&
		       grep -q '^Environment=COMPFWCTL=/usr/local/sbin/compfwctl\$' '$dest/usr/local/lib/systemd/system/compfw.service'"
	expect "install: depmod ran for the module's kernel in DESTDIR (modules.dep names compfw)" \
		grep -q "^extra/compfw.ko:" "$dest/$m/modules.dep"
	expect "install: the module installed is built for KDIR's kernel" \
		sh -c "modinfo -F vermagic '$dest/$m/extra/compfw.ko' | grep -q '^$KREL '"
	apt_called && not_ok "install: no apt-get" "$(cat "$tmp/calls/log")" || ok "install: no apt-get"
	if out=$(as_user make -C "$src" KDIR="$KDIR" DESTDIR="$dest" INSTALL_MOD_PATH=/kmods uninstall 2>&1); then
		left=$(cd "$dest" && find . -mindepth 1)
		expect_eq "install: make uninstall leaves DESTDIR empty" "$left" ""
	else
		not_ok "install: make uninstall leaves DESTDIR empty" "$out"
	fi
fi

# ---- DKMS, against each kernel's headers ----
dkms_test() {
	local ver=$1 d=$tmp/dkms-$1 krel kdir modroot ko opts out lib_before var_before
	eval "$(tests/vm/kernel.sh "$ver" 2>/dev/null)" || { not_ok "dkms:$ver: the headers"; return; }
	krel=$KREL kdir=$KDIR modroot=$MODROOT
	echo "# dkms:$ver: $krel, $kdir"
	mkdir -p "$d/dkms" "$d/root/lib/modules/$krel" "$d/key"
	make -s dkms-source DESTDIR="$d/root"
	opts=(--dkmstree "$d/dkms" --sourcetree "$d/root/usr/src" --installtree "$d/root/lib/modules")
	lib_before=$(ls -la "/lib/modules/$krel" 2>&1)
	var_before=$(find /var/lib/dkms 2>&1 | sort)
	# Signing as on a Secure Boot host, with a key the run makes for itself.
	export sign_file=$kdir/scripts/sign-file mok_signing_key=$d/key/mok.key mok_certificate=$d/key/mok.pub
	if out=$(dkms add compfw/"$version" "${opts[@]}" 2>&1 &&
		nice -n 10 dkms build compfw/"$version" -k "$krel" --kernelsourcedir "$kdir" "${opts[@]}" 2>&1 &&
		dkms install compfw/"$version" -k "$krel" --kernelsourcedir "$kdir" --no-depmod "${opts[@]}" 2>&1); then
		ok "dkms:$ver: dkms add, build and install against the headers"
	else
		not_ok "dkms:$ver: dkms add, build and install against the headers" "$out" \
			"$(cat "$d"/dkms/compfw/"$version"/build/make.log 2>/dev/null | tail -n 20)"
	fi
	unset sign_file mok_signing_key mok_certificate
	expect_eq "dkms:$ver: dkms status says installed" \
		"$(dkms status "${opts[@]}" 2>&1)" "compfw/$version, $krel, $(uname -m): installed"
	ko=$(find "$d/root/lib/modules/$krel/updates/dkms" -name 'compfw.ko*' 2>/dev/null | head -n 1)
	expect "dkms:$ver: the module is in updates/dkms/ ($(basename "${ko:-none}"))" test -n "$ko"
	expect "dkms:$ver: it is built for that kernel" sh -c "modinfo -F vermagic '$ko' | grep -q '^$krel '"
	expect_eq "dkms:$ver: it is signed with DKMS's key (Secure Boot)" \
		"$(modinfo -F signer "$ko" 2>&1)" "DKMS module signing key"
	# depmod over the kernel's own modules (linked) and this one.
	cp -as "$modroot/lib/modules/$krel/kernel" "$d/root/lib/modules/$krel/"
	cp "$modroot/lib/modules/$krel"/modules.{order,builtin,builtin.modinfo} "$d/root/lib/modules/$krel/"
	out=$(depmod -e -E "$kdir/Module.symvers" -b "$d/root" "$krel" 2>&1)
	if [ -z "$out" ] && grep -q "^updates/dkms/compfw.ko[.a-z]*: .*nf_conntrack" "$d/root/lib/modules/$krel/modules.dep"; then
		ok "dkms:$ver: depmod finds every symbol compfw needs in the kernel's modules (nf_conntrack...)"
	else
		not_ok "dkms:$ver: depmod finds every symbol compfw needs in the kernel's modules" "$out" \
			"$(grep compfw "$d/root/lib/modules/$krel/modules.dep")"
	fi
	out=$(dkms remove compfw/"$version" --all --no-depmod "${opts[@]}" 2>&1)
	[ -z "$(find "$d/root/lib/modules/$krel/updates" -name 'compfw.ko*' 2>/dev/null)" ] &&
		[ ! -e "$d/dkms/compfw" ] && ok "dkms:$ver: dkms remove takes it out again" ||
		not_ok "dkms:$ver: dkms remove takes it out again" "$out"
	expect_eq "dkms:$ver: the host's /lib/modules/KERNELRELEASE and /var/lib/dkms untouched" \
		"$(ls -la "/lib/modules/$krel" 2>&1)
$(find /var/lib/dkms 2>&1 | sort)" "$lib_before
$var_before"
}
for ver in $kernels; do
	dkms_test "$ver"
done
exit $rc
