#!/bin/bash
# kernel.sh VER -- make sure a Debian test kernel is unpacked in the cache and
# print where it is, as shell-sourceable lines:
#   KREL=6.1.0-NN-amd64  KDIR=<headers, for make -C>  VMLINUZ=<bzImage>
#   MODROOT=<dir with lib/modules/$KREL>
#   VMLINUX=<the same kernel uncompressed, as an ELF qemu boots through PVH;
#            $VMLINUZ where that cannot be had>
# VER is 6.1 (Debian 12) or 6.12 (Debian 12 backports); debug is the
# debug kernel, built by debug-kernel.sh. The metapackages
# linux-image-amd64/linux-headers-amd64 are resolved to the ABI packages the
# archive serves now, through a private apt state (the host's sources are left
# alone). Package lists are refreshed when older than COMPFW_APT_TTL seconds
# (default 86400; COMPFW_APT_TTL=0 always refreshes), so a warm run with a
# complete cache does not touch the network. If the archive cannot be reached,
# the last complete kernel for VER is used.
set -eu
. "$(dirname "$0")/lib.sh"

TTL=${COMPFW_APT_TTL:-86400}

# Suites per VER: 6.1 is bookworm's kernel, updated through point releases
# and the security archive; 6.12 comes from backports only.
sources_for() {
	local kr=/usr/share/keyrings/debian-archive-keyring.gpg
	case $1 in
	6.1)
		echo "deb [signed-by=$kr] http://deb.debian.org/debian bookworm main"
		echo "deb [signed-by=$kr] http://deb.debian.org/debian bookworm-updates main"
		echo "deb [signed-by=$kr] http://deb.debian.org/debian-security bookworm-security main" ;;
	6.12)
		echo "deb [signed-by=$kr] http://deb.debian.org/debian bookworm-backports main" ;;
	*) die "unknown kernel '$1' (want 6.1 or 6.12)" ;;
	esac
}

# apt_k CMD ARGS: apt-get/apt-cache on VER's private state under $KCACHE/apt-VER.
apt_k() {
	local cmd=$1; shift
	"$cmd" -q -o Dir::State::Lists="$APTDIR/lists" -o Dir::Cache="$APTDIR/cache" \
		-o Dir::Etc::SourceList="$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Status=/dev/null -o APT::Get::List-Cleanup=true "$@"
}

# refresh_lists: apt-get update when the lists are missing, stale or the
# sources changed; returns non-zero if that was needed and failed.
refresh_lists() {
	local stamp=$APTDIR/lists/.updated age
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	sources_for "$VER" >"$APTDIR/sources.list.new"
	if cmp -s "$APTDIR/sources.list.new" "$APTDIR/sources.list" && [ -f "$stamp" ]; then
		rm -f "$APTDIR/sources.list.new"
		age=$(( $(date +%s) - $(stat -c %Y "$stamp") ))
		[ "$age" -lt "$TTL" ] && return 0
	else
		mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
		rm -f "$stamp"
	fi
	log "kernel $VER: refreshing package lists"
	apt_k apt-get update --error-on=any >&2 || return 1
	touch "$stamp"
	rm -f "$APTDIR/resolved"
}

# dep_of PKG REGEX: the first Depends entry of PKG's candidate matching REGEX.
dep_of() {
	apt_k apt-cache show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
		sed 's/^ *//; s/ .*//' | grep -E "$2" | head -n1
}

# resolve: set KREL and PKGS (the concrete packages) from the lists; the
# answer is kept until the next list refresh (apt-cache takes ~1 s a call).
resolve() {
	local img hdr
	if [ -f "$APTDIR/resolved" ]; then
		read -r KREL PKGS <"$APTDIR/resolved"
		return 0
	fi
	img=$(dep_of linux-image-amd64 '^linux-image-') || true
	hdr=$(dep_of linux-headers-amd64 '^linux-headers-') || true
	[ -n "$img" ] && [ -n "$hdr" ] || return 1
	KREL=${img#linux-image-}
	PKGS="$img $hdr $(dep_of "$hdr" '^linux-headers-.*-common$') $(dep_of "$hdr" '^linux-kbuild-')"
	# shellcheck disable=SC2086 # a list of package names
	set -- $PKGS
	[ $# -eq 4 ] || return 1
	echo "$KREL $PKGS" >"$APTDIR/resolved"
}

# fetch_unpack DEST: download PKGS and unpack them into DEST (a fresh dir).
fetch_unpack() {
	local dest=$1 dl=$1.debs deb
	rm -rf "$dl" && mkdir -p "$dl"
	log "kernel $VER: downloading $PKGS"
	# shellcheck disable=SC2086
	(cd "$dl" && apt_k apt-get download $PKGS >&2)
	for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
	rm -rf "$dl"
}

# fixup ROOT FINAL: make the unpacked tree usable where it ends up (FINAL).
fixup() {
	local root=$1 final=$2 hdrs l t
	hdrs=$root/usr/src/linux-headers-$KREL
	# The arch headers' Makefile includes the -common one by absolute path.
	sed -i "s|/usr/src/|$final/usr/src/|g" "$hdrs/Makefile"
	# scripts/, tools/ (and any other) are absolute links into
	# /usr/lib/linux-kbuild-*: point them at our copy, relatively.
	find "$root/usr/src" -type l -lname '/*' | while read -r l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root$t")" "$l"
	done
	# lib/modules/KREL/build points at /usr/src/...: point it at KDIR, so
	# that "make -C /lib/modules/$(uname -r)/build" works inside the VM too.
	ln -sfn "$final/usr/src/linux-headers-$KREL" "$root/lib/modules/$KREL/build"
	# 6.12 ships .ko.xz: decompress once here, so that depmod (here and for
	# each run with --module) and the guest's module loads don't unxz every time.
	find "$root/lib/modules/$KREL" -name '*.ko.xz' -print0 | xargs -0 -r -P "$(nproc)" -n 64 unxz
	# dpkg postinst would have run depmod; modprobe needs modules.dep.
	depmod -b "$root" "$KREL"
	[ -f "$root/boot/vmlinuz-$KREL" ] && [ -f "$root/lib/modules/$KREL/modules.dep" ] &&
		[ -e "$hdrs/scripts/mod/modpost" ]
}

# ensure: make $KCACHE/$KREL complete; the .complete stamp is written last.
ensure() {
	local final=$KCACHE/$KREL tmp=$KCACHE/.$KREL.tmp
	[ -f "$final/.complete" ] && return 0
	rm -rf "$tmp" "$final"
	mkdir -p "$tmp"
	fetch_unpack "$tmp"
	fixup "$tmp" "$final" || die "kernel $VER: unpacked $KREL is incomplete"
	mv "$tmp" "$final"
	echo "$PKGS" >"$final/.complete"
}

# vmlinux: the uncompressed ELF kernel, extracted from the bzImage once.
# qemu boots it directly (PVH entry, CONFIG_PVH=y in Debian's kernels),
# skipping the firmware's load and the in-guest xz/zstd decompression:
# ~3 s less per boot under TCG. Prints its path, or VMLINUZ if not possible.
vmlinux() {
	local z=$1 out=$2 magic off
	if [ ! -f "$out" ]; then
		: >"$out.tmp"
		for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08:gzip'; do
			off=$(LC_ALL=C grep -Pabo -m1 "${magic%:*}" "$z" | head -n1 | cut -d: -f1)
			[ -n "$off" ] || continue
			tail -c +$((off + 1)) "$z" | "${magic#*:}" -dc >"$out.tmp" 2>/dev/null
			# The PVH entry note: Xen note type 0x12 (XEN_ELFNOTE_PHYS32_ENTRY).
			LC_ALL=C readelf -n "$out.tmp" 2>/dev/null | grep -q 'Xen.*0x00000012' && break
			: >"$out.tmp"
		done
		# An empty file records "not possible", so it is not retried each run.
		mv "$out.tmp" "$out"
	fi
	if [ -s "$out" ]; then echo "$out"; else echo "$z"; fi
}

main() {
	[ $# -eq 1 ] || die "usage: kernel.sh 6.1|6.12|debug"
	VER=$1
	# Not a Debian binary kernel: built here, from Debian's source.
	[ "$VER" = debug ] && exec "$(dirname "$0")/debug-kernel.sh"
	sources_for "$VER" >/dev/null
	need_pkgs apt-get:apt dpkg-deb:dpkg depmod:kmod flock:util-linux pahole:dwarves \
		xz:xz-utils zstd:zstd readelf:binutils make:make gcc:gcc realpath:coreutils
	APTDIR=$KCACHE/apt-$VER
	mkdir -p "$APTDIR"
	# One writer per VER at a time; concurrent runs wait, then see the stamp.
	exec 9>"$KCACHE/.lock-$VER"
	flock 9
	local current=$KCACHE/current-$VER
	if refresh_lists && resolve; then
		ensure
		printf '%s\n' "$KREL" >"$current.new" && mv "$current.new" "$current"
	else
		# Offline: fall back to the last kernel that was complete.
		KREL=$(cat "$current" 2>/dev/null) || die "kernel $VER: cannot resolve and no cached kernel"
		[ -f "$KCACHE/$KREL/.complete" ] || die "kernel $VER: cannot resolve and $KREL incomplete"
		log "kernel $VER: archive unreachable, using cached $KREL"
	fi
	local root=$KCACHE/$KREL
	echo "KREL=$KREL"
	echo "KDIR=$root/usr/src/linux-headers-$KREL"
	echo "VMLINUZ=$root/boot/vmlinuz-$KREL"
	echo "MODROOT=$root"
	echo "VMLINUX=$(vmlinux "$root/boot/vmlinuz-$KREL" "$root/boot/vmlinux-$KREL")"
}

main "$@"
