#!/bin/bash
# PID 1 inside the test VM, after the initramfs (initramfs-init) mounted
# everything and switch_rooted into the host's read-only root. Runs the tests
# listed in $COMPFW_RUNDIR/run.env and leaves their output there, then ends
# the VM. Files written: tNN.start (test began), tNN.out (stdout+stderr),
# tNN.rc (exit status), dmesg, done (reached the end).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

say() {
	local up
	read -r up _ </proc/uptime
	echo "compfw-vm: [$up] $*" >/dev/console
}

stop() {
	sync
	umount "$COMPFW_RUNDIR" 2>/dev/null
	# -no-reboot turns the reboot into a qemu exit; no ACPI needed.
	echo b >/proc/sysrq-trigger
	sleep 10
}

run_tests() {
	local i=0 t n
	cd "$COMPFW_REPO" || return
	for t in ${TESTS[@]+"${TESTS[@]}"}; do
		i=$((i + 1)); n=$(printf 't%02d' "$i")
		say "test $i: $t"
		: >"$COMPFW_RUNDIR/$n.start"
		COMPFW_VM=1 KREL=$KREL "./$t" >"$COMPFW_RUNDIR/$n.out" 2>&1 </dev/null
		echo $? >"$COMPFW_RUNDIR/$n.rc"
	done
}

shell() {
	say "interactive shell; 'exit' ends the VM"
	cd "$COMPFW_REPO" && COMPFW_VM=1 KREL=$KREL setsid -c bash -l <>/dev/ttyS0 >&0 2>&1
}

# Unload the run's modules (compfw prints "leaked" on unload if its object
# counts are off) and have kmemleak scan where the kernel has it.
leak_check() {
	local m
	for m in ${MODULES[@]+"${MODULES[@]}"}; do
		grep -q "^$m " /proc/modules && modprobe -r "$m"
	done
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak >"$COMPFW_RUNDIR/kmemleak"
	fi
}

main() {
	say "guest.sh started"
	. "$COMPFW_RUNDIR/run.env" || stop
	run_tests
	[ "$SHELL_MODE" = 1 ] && shell
	leak_check
	dmesg >"$COMPFW_RUNDIR/dmesg"
	: >"$COMPFW_RUNDIR/done"
	say "done"
	stop
}

main
