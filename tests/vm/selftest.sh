#!/bin/bash
# selftest.sh [--kernel 6.1|6.12|sid] -- prove the VM runner's verdicts: a passing
# run passes, a failing subtest or a bad exit status fails it, a kernel
# WARNING fails it even when every test said ok, --env reaches the tests, a
# --module does not leak into a later run, and --timeout stops a hung VM. Prints its own results as
# "ok - runner: ..." (the runs' own output indented with "#"); exit 0 only
# if all hold.
# The expect conditions are single-quoted on purpose (eval'd later).
# shellcheck disable=SC2016,SC2034
set -eu
. "$(dirname "$0")/lib.sh"

KVER=6.1
NFAIL=0
ST=tests/vm/selftest

# expect NAME COND: one result line.
expect() {
	if eval "$2"; then echo "ok - runner: $1"; else echo "not ok - runner: $1"; NFAIL=$((NFAIL + 1)); fi
}

# vm ARGS: run.sh with ARGS; sets OUT (its stdout) and RC, echoes OUT as "#".
vm() {
	RC=0
	OUT=$("$REPO/tests/vm/run.sh" --kernel "$KVER" "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/# /'
}

has() { printf '%s\n' "$OUT" | grep -qxF -- "$1"; }
# counts: the summary line tap-summary.sh should print for OUT, counted here
# another way (the run above has no failures).
counts() {
	local ok skip
	ok=$(printf '%s\n' "$OUT" | grep -c '^ok ')
	skip=$(printf '%s\n' "$OUT" | grep -c '^ok .*# SKIP')
	echo "$((ok - skip)) passed, 0 failed, $skip skipped"
}
no_fail() { ! printf '%s\n' "$OUT" | grep -q '^not ok'; }

main() {
	[ "${1:-}" = --kernel ] && KVER=${2:?}
	need_vm_pkgs
	eval "$("$REPO/tests/vm/kernel.sh" "$KVER")"
	local hello warn k=$KVER
	hello=$(build_kmod "$REPO/tests/vm/hello" "$KREL" "$KDIR")
	warn=$(build_kmod "$REPO/tests/vm/warn" "$KREL" "$KDIR")
	expect "test modules build against $KREL" '[ -f "$hello" ] && [ -f "$warn" ]'

	vm --module "$hello" --env "COMPFW_SELFTEST_ENV=a b=c" $ST/pass.sh $ST/skip.sh
	expect "passing tests pass" '[ $RC = 0 ] && no_fail && has "ok - $k:pass.sh: env COMPFW_VM and KREL"'
	expect "--env is exported to the tests" 'has "ok - $k:pass.sh: a value given with --env reaches the test"'
	expect "--module is modprobe-able" 'has "ok - $k:pass.sh: modprobe of a --module"'
	expect "exit 4 is a skip" 'has "ok - $k:skip.sh # SKIP"'
	expect "clean log is reported" 'has "ok - $k: kernel log clean"'
	expect "summary counts it" '[ "$(printf "%s\n" "$OUT" | "$REPO/tests/lib/tap-summary.sh")" = "$(counts)" ]'

	vm $ST/pass.sh $ST/fail.sh $ST/exit.sh
	expect "failing test is reported" '[ $RC = 1 ] && has "not ok - $k:fail.sh: deliberately failing"'
	expect "bad exit status is reported" 'has "not ok - $k:exit.sh: exit status 3"'
	expect "earlier --module does not leak" 'has "ok - $k:pass.sh: modprobe of a --module # SKIP no --module compfw_vm_hello given"'

	vm --module "$warn" $ST/warn.sh
	expect "kernel WARNING fails the run" '[ $RC = 1 ] && has "ok - $k:warn.sh: before the warning" && has "not ok - $k: kernel log clean"'
	expect "the WARNING is quoted" 'printf "%s\n" "$OUT" | grep -q "^# log: .*compfw-vm-selftest"'

	vm --timeout 40 $ST/hang.sh
	expect "timeout stops the VM and fails" '[ $RC = 1 ] && has "not ok - $k:hang.sh: exit status none (timed out or the VM died)" && has "not ok - $k: kernel log clean"'

	[ "$NFAIL" = 0 ]
}

main "$@"
