#!/bin/bash
# run.sh --kernel 6.1|6.12|sid|debug [--module F.ko]... [--timeout S] [--env NAME=VALUE]...
#        [--shell] TEST...
# Boots a Debian kernel under qemu (TCG) on this machine's root (9p, read-only),
# runs each TEST (a path relative to the repo root) as root with cwd = repo
# root and COMPFW_VM=1, KREL set, and prints the results as TAP-like lines:
# only column-0 "ok"/"not ok" lines are results, everything else is "#".
# Exit 0 if every result is ok (skips count as ok), 1 otherwise, 2 on usage or
# setup errors. Per-run files: build/vm/<kernel>/<run-id>/ (console.log, the
# tests' raw output); build/vm/<kernel>/console.log is the latest console.
# --shell: after the tests (if any), a root shell on the serial console.
# --env: exported to every test (a smaller count for a slow kernel, say).
# Environment: COMPFW_KCACHE (kernel cache dir), COMPFW_APT_TTL (see
# kernel.sh), COMPFW_VM_APPEND (more kernel parameters), COMPFW_QEMU_EXTRA
# (more qemu options), COMPFW_TCG_OPTS (default ",thread=single": one host
# thread for both vCPUs; multi-threaded TCG races with the kernel's live code
# patching, seen as "Oops: int3" in ~1 of 25 boots). See tests/vm/README.md.
set -eu
. "$(dirname "$0")/lib.sh"

# Kernel log lines that fail a run whatever the tests said.
BAD_LOG='WARNING:|BUG:|Oops|KASAN|UBSAN|possible circular locking|inconsistent lock state|'\
'self-detected stall|suspicious RCU usage|RCU stall|rcu_.*detected stalls|Kernel panic|'\
'kmemleak: .*suspected memory leak|unreferenced object 0x|blocked for more than|'\
'soft lockup|hard LOCKUP|compfw: leaked'
KEEP_RUNS=5
NFAIL=0

usage() { die "usage: run.sh --kernel 6.1|6.12|sid|debug [--module F.ko]... [--timeout S] [--env NAME=VALUE]... [--shell] TEST..."; }

parse_args() {
	KVER='' TIMEOUT='' SHELL_MODE=0 MODS=() TESTS=() TENV=()
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) KVER=${2:?}; shift 2 ;;
		--module) MODS+=("$(realpath "${2:?}")"); shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--shell) SHELL_MODE=1; shift ;;
		--env)
			case ${2:-} in [A-Za-z_]*=*) ;; *) usage ;; esac
			case ${2%%=*} in *[!A-Za-z0-9_]*) usage ;; esac
			TENV+=("$2"); shift 2 ;;
		--) shift; TESTS+=("$@"); break ;;
		-*) usage ;;
		*) TESTS+=("$1"); shift ;;
		esac
	done
	[ -n "$KVER" ] || usage
	# An interactive shell gets an hour; test runs 10 minutes by default.
	[ -n "$TIMEOUT" ] || { [ "$SHELL_MODE" = 1 ] && TIMEOUT=3600 || TIMEOUT=600; }
	case $TIMEOUT in ''|*[!0-9]*) usage ;; esac
	[ ${#TESTS[@]} -gt 0 ] || [ "$SHELL_MODE" = 1 ] || usage
	local m
	for m in ${MODS[@]+"${MODS[@]}"}; do [ -f "$m" ] || die "no module $m"; done
}

# result OK|NOT TEXT: print one result line and count failures.
result() {
	if [ "$1" = OK ]; then echo "ok - $2"; else echo "not ok - $2"; NFAIL=$((NFAIL + 1)); fi
}

# ---- host side preparation -------------------------------------------------

# The initramfs: static busybox, our /init, and the virtio/9p modules
# (decompressed) in load order. Cached by a hash of everything that goes in.
initramfs() {
	local order=() m seen=' ' h out tmp
	for m in $(modprobe -d "$MODROOT" -S "$KREL" --show-depends -a virtio_pci 9pnet_virtio 9p |
		awk '$1 == "insmod" { print $2 }'); do
		case $seen in *" $m "*) continue ;; esac
		seen="$seen$m "; order+=("$m")
	done
	h=$( { echo "$KREL ${order[*]}"; cat "$REPO/tests/vm/initramfs-init" /bin/busybox; } |
		sha256sum | cut -c1-16)
	out=$KCACHE/initramfs/$KREL-$h.cpio.gz
	if [ ! -f "$out" ]; then
		tmp=$(mktemp -d "$KCACHE/.initramfs.XXXXXX")
		mkdir -p "$tmp/bin" "$tmp/lib" "$KCACHE/initramfs"
		cp /bin/busybox "$tmp/bin/busybox"
		install -m 755 "$REPO/tests/vm/initramfs-init" "$tmp/init"
		for m in ${order[@]+"${order[@]}"}; do
			case $m in
			*.xz) xz -dc "$m" >"$tmp/lib/$(basename "${m%.xz}")" ;;
			*) cp "$m" "$tmp/lib/" ;;
			esac
			basename "${m%.xz}" >>"$tmp/modules.order"
		done
		touch "$tmp/modules.order"
		(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
		mv "$out.tmp" "$out"
		rm -rf "$tmp"
	fi
	INITRD=$out
}

# With --module: a private copy of the modules tree (hard links, so cheap)
# with the modules in updates/ and its own depmod, so that nothing from this
# run leaks into the cache or into another run.
modules_tree() {
	GUEST_MODROOT=$MODROOT MODNAMES=()
	[ ${#MODS[@]} -gt 0 ] || return 0
	local tree=$RUNDIR/modroot/lib/modules/$KREL m
	mkdir -p "$(dirname "$tree")"
	cp -al "$MODROOT/lib/modules/$KREL" "$tree"
	# depmod replaces its outputs by rename, but don't rely on it: unlink
	# the hard-linked indexes so the cache's copies can never be written.
	rm -f "$tree"/modules.*
	cp "$MODROOT/lib/modules/$KREL"/modules.builtin* "$MODROOT/lib/modules/$KREL/modules.order" "$tree/"
	mkdir -p "$tree/updates"
	for m in "${MODS[@]}"; do
		cp "$m" "$tree/updates/"
		m=$(basename "$m"); m=${m%%.ko*}
		MODNAMES+=("${m//-/_}")
	done
	depmod -b "$RUNDIR/modroot" "$KREL"
	GUEST_MODROOT=$RUNDIR/modroot
}

# run.env: what guest.sh needs, as bash.
write_env() {
	{
		printf 'KREL=%q\nMODROOT=%q\n' "$KREL" "$GUEST_MODROOT"
		printf 'SHELL_MODE=%q\n' "$SHELL_MODE"
		echo "TESTS=(${TESTS[*]+$(printf '%q ' "${TESTS[@]}")})"
		echo "MODULES=(${MODNAMES[*]+$(printf '%q ' "${MODNAMES[@]}")})"
		# The guest finds the ynl tooling where the host prepared it.
		printf 'export YNL_CACHE=%q\n' "${YNL_CACHE:-}"
		local e
		for e in ${TENV[@]+"${TENV[@]}"}; do
			printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
		done
	} >"$RUNDIR/run.env"
}

# Tests that run the kernel's ynl client need its tooling, which only the
# host can fetch: the guest's root is the host's, read-only.
ynl_tree() {
	local t
	for t in ${TESTS[@]+"${TESTS[@]}"}; do
		grep -q 'tests/lib/ynl.sh' "$REPO/$t" || continue
		"$REPO/tests/lib/ynl.sh" tree >/dev/null ||
			echo "# the ynl tooling could not be prepared: $t will fail" >&2
		return 0
	done
}

new_rundir() {
	local base=$REPO/build/vm/$KVER
	mkdir -p "$base"
	RUNDIR=$base/$(date +%Y%m%d-%H%M%S)-$$
	mkdir "$RUNDIR"
	ln -sfn "$(basename "$RUNDIR")" "$base/latest"
	ln -sfn latest/console.log "$base/console.log"
	# Old runs: keep the last few for debugging; never one that may still be
	# running (a concurrent run.sh for the same kernel).
	ls -1d "$base"/2*-* 2>/dev/null | head -n -$KEEP_RUNS |
		xargs -r -I{} find {} -maxdepth 0 -mmin +120 | xargs -r rm -rf
}

# ---- the VM ----------------------------------------------------------------

qemu_cmd() {
	# no_timer_check: on a loaded host the boot-time check of the IO-APIC
	# timer misses its window under TCG and panics ("IO-APIC + timer
	# doesn't work"), as it does for any slow virtual machine.
	local append="console=ttyS0 panic_on_warn=1 panic=-1 loglevel=7 8250.nr_uarts=1 no_timer_check ${COMPFW_VM_APPEND:-}"
	# APPEND: what kernel.sh says this kernel needs.
	append="$append ${APPEND:-} COMPFW_REPO=$REPO COMPFW_RUNDIR=$RUNDIR COMPFW_MODROOT=$GUEST_MODROOT"
	local extra=()
	# COMPFW_QEMU_EXTRA: more qemu options, for debugging (e.g. "-s").
	read -ra extra <<<"${COMPFW_QEMU_EXTRA:-}"
	# shellcheck disable=SC2054 # commas are qemu's, inside one option
	QEMU=(qemu-system-x86_64 -accel "tcg${COMPFW_TCG_OPTS-,thread=single}" -cpu max -m 2G -smp 2 ${extra[@]+"${extra[@]}"}
		-nodefaults -no-user-config -display none -no-reboot -net none
		-kernel "$VMLINUX" -initrd "$INITRD" -append "$append"
		-fsdev "local,id=rootfs,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=rootfs,mount_tag=rootfs
		-fsdev "local,id=repo,path=$REPO,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=repo,mount_tag=repo
		-fsdev "local,id=results,path=$RUNDIR,security_model=none"
		-device virtio-9p-pci,fsdev=results,mount_tag=results)
	if [ "$SHELL_MODE" = 1 ]; then
		QEMU+=(-chardev "stdio,id=con,signal=off,logfile=$RUNDIR/console.log"
			-serial chardev:con)
	else
		QEMU+=(-serial "file:$RUNDIR/console.log")
	fi
}

# boot: run qemu, stop it at the timeout, and note when the first test began.
boot() {
	local start now pid first='' kstart=''
	start=$(now_ms)
	if [ "$SHELL_MODE" = 1 ]; then
		timeout --foreground "$TIMEOUT" "${QEMU[@]}" || true
		return
	fi
	"${QEMU[@]}" </dev/null >"$RUNDIR/qemu.log" 2>&1 &
	pid=$! QEMU_PID=$!
	while kill -0 "$pid" 2>/dev/null; do
		now=$(now_ms)
		if [ -z "$kstart" ] && [ -s "$RUNDIR/console.log" ]; then
			kstart=$((now - start))
		fi
		if [ -z "$first" ] && [ -e "$RUNDIR/t01.start" ]; then
			first=$((now - start))
			printf '# %s: boot to first test: %d.%03d s (kernel console after %d.%03d s)\n' "$KVER" \
				$((first / 1000)) $((first % 1000)) $((kstart / 1000)) $((kstart % 1000))
		fi
		if [ $((now - start)) -ge $((TIMEOUT * 1000)) ]; then
			echo "# $KVER: timeout after ${TIMEOUT}s, stopping the VM"
			kill "$pid" 2>/dev/null; sleep 1; kill -9 "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
	now=$(now_ms)
	printf '# %s: VM ran %d.%03d s\n' "$KVER" $(((now - start) / 1000)) $(((now - start) % 1000))
	sed 's/^/# qemu: /' "$RUNDIR/qemu.log"
}

# ---- results -----------------------------------------------------------------

# report_test N TEST: re-emit one test's TAP with "<kernel>:<script>: " names.
report_test() {
	local n=$1 t=$2 base out rc line body subs=0 fails=0 plan=''
	base=$(basename "$t")
	out=$RUNDIR/$n.out
	if [ ! -e "$RUNDIR/$n.start" ]; then
		result NOT "$KVER:$base: not run (the VM ended before it)"
		return
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		if [[ $line = 'Bail out!'* ]]; then
			fails=$((fails + 1)); result NOT "$KVER:$base: $line"
		elif [[ $line =~ ^(not\ )?ok($|[[:space:]]) ]]; then
			body=${line#not }; body=${body#ok}
			[[ $body =~ ^[[:space:]]*[0-9]*[[:space:]]*(-[[:space:]]*)?(.*)$ ]]
			body=${BASH_REMATCH[2]}
			subs=$((subs + 1))
			case $body in ''|'#'*) body="#$subs $body" ;; esac
			if [[ $line = not* ]] && ! [[ $body =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]]; then
				fails=$((fails + 1)); result NOT "$KVER:$base: $body"
			else
				echo "${line%%ok*}ok - $KVER:$base: $body"
			fi
		else
			[[ $line =~ ^1\.\.([0-9]+) ]] && plan=${BASH_REMATCH[1]}
			echo "# $line"
		fi
	done <"$out"
	if [ ! -e "$RUNDIR/$n.rc" ]; then
		result NOT "$KVER:$base: exit status none (timed out or the VM died)"
		return
	fi
	rc=$(cat "$RUNDIR/$n.rc")
	if [ "$rc" = 4 ] && [ "$subs" = 0 ]; then
		echo "ok - $KVER:$base # SKIP"
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$fails" = 0 ]; then
		result NOT "$KVER:$base: exit status $rc"
	elif [ -n "$plan" ] && [ "$plan" != "$subs" ] && [ "$rc" = 0 ]; then
		result NOT "$KVER:$base: planned $plan subtests, ran $subs"
	fi
}

# check_log: the run's last result; the console and the guest's dmesg
# (which has every log level) must be free of splats, and the VM must have
# reached the end.
check_log() {
	local hits
	hits=$(cat "$RUNDIR/console.log" "$RUNDIR/dmesg" 2>/dev/null | tr -d '\r' |
		grep -aE -B1 "$BAD_LOG" | grep -v '^--$' | head -n 40) || true
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits" | sed 's/^/# log: /'
		result NOT "$KVER: kernel log clean"
	elif [ ! -e "$RUNDIR/done" ]; then
		echo "# the VM did not reach the end (timeout or crash); see $RUNDIR/console.log"
		result NOT "$KVER: kernel log clean"
	else
		result OK "$KVER: kernel log clean"
	fi
}

report() {
	local i=0 t
	for t in ${TESTS[@]+"${TESTS[@]}"}; do
		i=$((i + 1))
		report_test "$(printf 't%02d' "$i")" "$t"
	done
	check_log
	echo "# $KVER: console log $RUNDIR/console.log"
}

# Tests are named relative to the repo root (the guest runs ./TEST there);
# accept absolute paths inside the repo too.
check_tests() {
	local i t
	for i in ${TESTS[@]+"${!TESTS[@]}"}; do
		t=$(realpath -m --relative-to="$REPO" "${TESTS[$i]}")
		case $t in ../*) die "test ${TESTS[$i]} is outside $REPO" ;; esac
		if ! [ -f "$REPO/$t" ] || ! [ -x "$REPO/$t" ]; then
			die "test $t is not an executable file under $REPO"
		fi
		TESTS[i]=$t
	done
}

# cleanup: on any exit, no qemu left behind and no private modules tree.
cleanup() {
	[ -n "${QEMU_PID:-}" ] && kill -9 "$QEMU_PID" 2>/dev/null
	[ -n "${RUNDIR:-}" ] && rm -rf "$RUNDIR/modroot"
	return 0
}

main() {
	parse_args "$@"
	need_vm_pkgs
	check_tests
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	eval "$("$REPO/tests/vm/kernel.sh" "$KVER")"
	# The VM bind-mounts the modules tree on /lib/modules/$KREL: it needs the
	# mount point in the (read-only) host root. A kernel-less host lacks it.
	[ -d /lib/modules ] || mkdir -p /lib/modules
	new_rundir
	initramfs
	modules_tree
	ynl_tree
	write_env
	qemu_cmd
	boot
	QEMU_PID=''
	report
	[ "$NFAIL" = 0 ]
}

main "$@"
