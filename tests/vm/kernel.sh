#!/bin/bash
# kernel.sh VER -- make sure a Debian test kernel is unpacked in the cache and
# print where it is, as shell-sourceable lines:
#   KREL=6.1.0-NN-amd64  KDIR=<headers, for make -C>  VMLINUZ=<bzImage>
#   MODROOT=<dir with lib/modules/$KREL>
#   VMLINUX=<the same kernel uncompressed, as an ELF qemu boots through PVH;
#            $VMLINUZ where that cannot be had>
#   KTOOLS=<the other packages its headers and kbuild programs depend on:
#           the compiler, pahole, libraries; what a chroot needs to build in>
#   KSUITE=<the Debian suite to build its modules in a chroot of, when its
#           compiler and kbuild programs cannot run on Debian 12; else empty>
# VER is 6.1 (Debian 12), 6.12 (Debian 12 backports) or sid (Debian unstable,
# the newest kernel Debian ships); debug is the debug kernel, built by
# debug-kernel.sh. The metapackages
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
	sid)
		echo "deb [signed-by=$kr] http://deb.debian.org/debian sid main" ;;
	*) die "unknown kernel '$1' (want 6.1, 6.12 or sid)" ;;
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

# deps_of PKG: the package names PKG's candidate depends on (the first of
# each set of alternatives), one a line.
deps_of() {
	apt_k apt-cache show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
		sed 's/^ *//; s/[ :].*//'
}

# A package built from the kernel's source for one ABI: its name has the
# version right after the prefix (not linux-base, not linux-base-amd64).
KPKG='^linux-(image|binary|modules|base|headers|kbuild)-[0-9]'

# add_closure COLLECT PKG: append PKG and the kernel packages it needs,
# transitively, to PKGS; with COLLECT=1 the other packages they depend on
# (compiler, libraries) go in TOOLS.
add_closure() {
	local collect=$1 queue=("$2") p d
	while [ ${#queue[@]} -gt 0 ]; do
		p=${queue[0]} queue=("${queue[@]:1}")
		case " $PKGS " in *" $p "*) continue ;; esac
		PKGS="${PKGS:+$PKGS }$p"
		for d in $(deps_of "$p"); do
			if [[ $d =~ $KPKG ]]; then
				queue+=("$d")
			elif [ "$collect" = 1 ] && [ "$d" != linux-base ]; then
				case " $TOOLS " in *" $d "*) ;; *) TOOLS="${TOOLS:+$TOOLS }$d" ;; esac
			fi
		done
	done
}

# resolve: set KREL, PKGS (the concrete packages) and TOOLS from the lists;
# the answer is kept until the next list refresh (apt-cache takes ~1 s a
# call). Debian 12's image package holds the kernel and its modules; sid's
# (from 7.x) is an empty one depending on linux-binary-*, linux-modules-*
# and linux-base-*, hence the closure.
resolve() {
	local img hdr
	if [ -f "$APTDIR/resolved" ] &&
		{ read -r KREL PKGS && read -r TOOLS; } <"$APTDIR/resolved" && [ -n "$TOOLS" ]; then
		return 0
	fi
	img=$(deps_of linux-image-amd64 | grep -E '^linux-image-' | head -n1) || true
	hdr=$(deps_of linux-headers-amd64 | grep -E '^linux-headers-' | head -n1) || true
	[ -n "$img" ] && [ -n "$hdr" ] || return 1
	KREL=${img#linux-image-} PKGS='' TOOLS=''
	add_closure 0 "$img"
	add_closure 1 "$hdr"
	# shellcheck disable=SC2086 # a list of package names
	set -- $PKGS
	[ $# -ge 4 ] && [ -n "$TOOLS" ] || return 1
	printf '%s %s\n%s\n' "$KREL" "$PKGS" "$TOOLS" >"$APTDIR/resolved"
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
	# sid's packages (7.x) install everything under /usr/lib/modules/KREL,
	# the kernel as vmlinuz there: give the tree Debian 12's layout
	# (lib/modules, boot/vmlinuz-KREL) that the rest of the rig expects.
	if [ ! -e "$root/lib" ] && [ -d "$root/usr/lib/modules" ]; then
		ln -s usr/lib "$root/lib"
	fi
	if [ ! -e "$root/boot/vmlinuz-$KREL" ] && [ -f "$root/lib/modules/$KREL/vmlinuz" ]; then
		mkdir -p "$root/boot"
		ln -s "../lib/modules/$KREL/vmlinuz" "$root/boot/vmlinuz-$KREL"
	fi
	# The arch headers' Makefile includes the -common one by absolute path.
	sed -i "s|/usr/src/|$final/usr/src/|g" "$hdrs/Makefile"
	# scripts/, tools/ (and any other) are absolute links into
	# /usr/lib/linux-kbuild-*: point them at our copy, relatively.
	find "$root/usr/src" -type l -lname '/*' | while read -r l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root$t")" "$l"
	done
	# Debian's linux-kbuild-7.x lacks scripts/checker-valid.sh, which the
	# Makefile runs to validate sparse for C=1/C=2: without it C= is
	# ignored, with a make warning only. Ours makes the same test, that
	# the checker parses __typeof_unqual__ without an error.
	t=$(readlink -f "$hdrs/scripts")/checker-valid.sh
	if grep -q 'scripts/checker-valid.sh' "$root"/usr/src/linux-headers-*-common/Makefile &&
		[ ! -e "$t" ]; then
		cat >"$t" <<'EOF'
#!/bin/sh
# Added by compfw's tests/vm/kernel.sh: prints 1 if the checker "$@" parses
# what the kernel's headers use (__typeof_unqual__), else 0.
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
t=$(mktemp)
trap 'rm -f "$t"' EXIT
printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$t"
"$@" "$t" 2>&1 | awk 'BEGIN { c = 1 } /error/ { c = 0 } END { print c }'
EOF
		chmod +x "$t"
	fi
	# lib/modules/KREL/build points at /usr/src/...: point it at KDIR, so
	# that "make -C /lib/modules/$(uname -r)/build" works inside the VM too.
	ln -sfn "$final/usr/src/linux-headers-$KREL" "$root/lib/modules/$KREL/build"
	# 6.12 and sid ship .ko.xz (a later one may choose zstd): decompress
	# once here, so that depmod (here and for each run with --module) and
	# the guest's module loads don't decompress every time.
	find "$root/lib/modules/$KREL/" -name '*.ko.xz' -print0 | xargs -0 -r -P "$(nproc)" -n 64 unxz
	find "$root/lib/modules/$KREL/" -name '*.ko.zst' -print0 | xargs -0 -r -P "$(nproc)" -n 64 zstd -q -d --rm
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
	[ $# -eq 1 ] || die "usage: kernel.sh 6.1|6.12|sid|debug"
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
		if [ "$(cat "$KCACHE/$KREL/.tools" 2>/dev/null)" != "$TOOLS" ]; then
			echo "$TOOLS" >"$KCACHE/$KREL/.tools.new" && mv "$KCACHE/$KREL/.tools.new" "$KCACHE/$KREL/.tools"
		fi
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
	printf 'KTOOLS=%q\n' "$(cat "$root/.tools" 2>/dev/null)"
	# sid's gcc and kbuild programs need its newer C library.
	if [ "$VER" = sid ]; then echo "KSUITE=sid"; else echo "KSUITE="; fi
	echo "VMLINUX=$(vmlinux "$root/boot/vmlinuz-$KREL" "$root/boot/vmlinux-$KREL")"
}

main "$@"
