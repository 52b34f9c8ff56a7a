#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh: build (once) the debug kernel the tests also run on, and
# print where it is, as kernel.sh does for Debian's kernels:
#   KREL=6.12.N-compfw-debug  KDIR=<build tree, for make -C>  VMLINUZ=<bzImage>
#   MODROOT=<dir with lib/modules/$KREL>  VMLINUX=<the ELF qemu boots via PVH>
#   APPEND=<kernel parameters this kernel needs in the VM>
#
# Source: Debian's linux-source-6.12 (tests/lib/linux-source.sh). Config:
# allnoconfig plus tests/vm/debug.config: KASAN, KFENCE, lockdep, kmemleak,
# UBSAN, KUnit, and only what the VM and the tests need, all built in, so
# that the kernel stays small (one build is ~20 minutes on 2 cores).
#
# The tree is built under $KCACHE/debug-6.12 and kept: a changed fragment,
# or a newer source package, rebuilds only what changed. The build log is
# $KCACHE/debug-6.12/build.log. DEBUG_JOBS sets make -j (default nproc).
set -eu
. "$(dirname "$0")/lib.sh"

FRAG=$REPO/tests/vm/debug.config
KUNITCONFIG=$REPO/kmod/.kunitconfig
TOP=$KCACHE/debug-6.12
LOCALVERSION=-compfw-debug

# unpack DEB: the kernel tree from the package, once per package version.
unpack() {
	local deb=$1 ver
	ver=$(dpkg-deb -f "$deb" Version)
	if [ "$(cat "$TOP/src.version" 2>/dev/null)" != "$ver" ]; then
		log "debug kernel: unpacking linux-source-6.12 $ver"
		rm -rf "$TOP/src" "$TOP/src.version" "$TOP/src.tmp"
		mkdir -p "$TOP/src.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
			tar -xJ -C "$TOP/src.tmp"
		mv "$TOP/src.tmp/linux-source-6.12" "$TOP/src" && rmdir "$TOP/src.tmp"
		echo "$ver" >"$TOP/src.version"
		rm -f "$TOP/.complete"
	fi
}

# configure: allnoconfig + the fragment; every option of the fragment must
# have its value afterwards (a dependency we missed would drop it silently).
configure() {
	local line name want got bad=0
	make -s -C "$TOP/src" O="$TOP/obj" allnoconfig >>"$TOP/build.log" 2>&1
	# What the KUnit suites need, from kmod/.kunitconfig (compfw itself
	# is built out of tree).
	grep -v '^CONFIG_COMPFW' "$KUNITCONFIG" >"$TOP/kunit.config"
	"$TOP/src/scripts/kconfig/merge_config.sh" -m -O "$TOP/obj" "$TOP/obj/.config" "$FRAG" \
		"$TOP/kunit.config" >>"$TOP/build.log" 2>&1
	"$TOP/src/scripts/config" --file "$TOP/obj/.config" --set-str LOCALVERSION "$LOCALVERSION" \
		--disable LOCALVERSION_AUTO
	make -s -C "$TOP/src" O="$TOP/obj" olddefconfig >>"$TOP/build.log" 2>&1
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		name=${line%%=*} want=${line#*=}
		got=$(grep -E "^$name=|^# $name is not set" "$TOP/obj/.config" || true)
		if [ "$got" != "$name=$want" ]; then
			log "debug kernel: $name=$want did not stick (${got:-absent})"
			bad=1
		fi
	done < <(cat "$FRAG" "$TOP/kunit.config")
	[ "$bad" = 0 ] || die "debug kernel: tests/vm/debug.config does not apply to this source"
}

build() {
	local jobs=${DEBUG_JOBS:-$(nproc)}
	log "debug kernel: building (make -j$jobs, log $TOP/build.log)"
	make -s -C "$TOP/src" O="$TOP/obj" -j"$jobs" vmlinux bzImage modules \
		>>"$TOP/build.log" 2>&1 || { tail -n 30 "$TOP/build.log" >&2; die "debug kernel: build failed"; }
	rm -rf "$TOP/root"
	make -s -C "$TOP/src" O="$TOP/obj" INSTALL_MOD_PATH="$TOP/root" modules_install \
		>>"$TOP/build.log" 2>&1 || die "debug kernel: modules_install failed"
}

# The stamp names everything the kernel is made of.
inputs() {
	cat "$TOP/src.version" "$FRAG" "$KUNITCONFIG" "$0"
}

main() {
	need_pkgs make:make gcc:gcc flex:flex bison:bison bc:bc xz:xz-utils \
		dpkg-deb:dpkg depmod:kmod
	[ -f /usr/include/openssl/ssl.h ] || need_pkgs _libssl-dev:libssl-dev
	[ -f /usr/include/libelf.h ] || need_pkgs _libelf-dev:libelf-dev
	mkdir -p "$TOP"
	exec 9>"$TOP/.lock"
	flock 9
	local deb
	deb=$("$REPO/tests/lib/linux-source.sh") || die "debug kernel: no linux-source-6.12"
	unpack "$deb"
	if ! [ -f "$TOP/.complete" ] || ! inputs | cmp -s - "$TOP/.complete"; then
		rm -f "$TOP/.complete"
		: >"$TOP/build.log"
		configure
		build
		inputs >"$TOP/.complete"
	fi
	local krel
	krel=$(cat "$TOP/obj/include/config/kernel.release")
	echo "KREL=$krel"
	echo "KDIR=$TOP/obj"
	echo "VMLINUZ=$TOP/obj/arch/x86/boot/bzImage"
	echo "MODROOT=$TOP/root"
	echo "VMLINUX=$TOP/obj/vmlinux"
	# ACPI's _PRT (PCI interrupt routing) runs into its 30 s AML loop
	# timeout here, once per device; virtio uses MSI-X anyway.
	echo "APPEND='acpi=noirq'"
}

main "$@"
