# shellcheck shell=bash
# Helpers shared by the tests/vm/ scripts. Source it; it defines functions only
# (plus REPO, the work tree's absolute path, which the VM sees at the same path).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck disable=SC2034 # used by the scripts that source this file
# Kernel cache: gitignored build/ by default; CI or a developer may point it at a
# directory that outlives the work tree (a fresh clone starts cold otherwise).
KCACHE=${COMPFW_KCACHE:-$REPO/build/cache/kernels}

log() { printf '# %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# need_pkgs CMD:PKG... installs the Debian packages whose commands are missing,
# so that a fresh machine works; the only place these scripts install anything.
need_pkgs() {
	local spec missing=()
	for spec in "$@"; do
		command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
}

# The tools every VM run needs on the host.
need_vm_pkgs() {
	need_pkgs qemu-system-x86_64:qemu-system-x86 depmod:kmod xz:xz-utils \
		cpio:cpio flock:util-linux apt-get:apt dpkg-deb:dpkg \
		pahole:dwarves make:make gcc:gcc
	# busybox must be the static build: it runs inside the initramfs alone.
	if ! [ -x /bin/busybox ] || ! file_is_static /bin/busybox; then
		need_static_busybox
	fi
}

file_is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

need_static_busybox() {
	# busybox (dynamic) and busybox-static conflict; the static one replaces it.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >&2
}

# now_ms: wall clock in milliseconds, for the timings printed as '#' comments.
now_ms() { date +%s%3N; }

# kmake ARGS...: make for the kernel that kernel.sh described (its KSUITE,
# KTOOLS and MODROOT, eval'd by the caller): on this host, or, for a
# kernel whose compiler and kbuild programs need a newer C library than
# Debian 12's (sid's), in a small chroot of its suite (tests/lib/build-root.sh)
# with the gcc its headers name (the kernel's flags and plugins are tied to
# that major), make, what kbuild links against, and sparse for C=1/C=2.
kmake() {
	local root a dirs=("$REPO" "$MODROOT")
	if [ -z "${KSUITE:-}" ]; then
		make "$@"
		return
	fi
	[ -n "${KTOOLS:-}" ] || die "kmake: no KTOOLS for a $KSUITE kernel (refresh it: COMPFW_APT_TTL=0)"
	# The module's folder may be outside the work tree.
	for a in "$@"; do
		case $a in M="$REPO"/*) ;; M=/*) dirs+=("${a#M=}") ;; esac
	done
	# shellcheck disable=SC2086 # a list of package names
	root=$("$REPO/tests/lib/build-root.sh" "$KSUITE" $KTOOLS make sparse) || return
	"$REPO/tests/lib/build-root.sh" --run "$root" "${dirs[@]}" -- make "$@"
}

# build_kmod SRCDIR KREL KDIR: build the external module in SRCDIR against
# KDIR in a copy under build/vm/mod/KREL/ (the source tree stays clean, and
# each kernel gets its own objects); prints the .ko path(s).
build_kmod() {
	local src=$1 krel=$2 kdir=$3 out
	out=$REPO/build/vm/mod/$krel/$(basename "$src")
	rm -rf "$out" && mkdir -p "$out"
	cp "$src"/* "$out/"
	# make's chatter goes to stderr as "#" lines, to keep TAP output clean.
	kmake -s -C "$kdir" M="$out" modules 2>&1 | sed 's/^/# /' >&2
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	ls "$out"/*.ko
}
