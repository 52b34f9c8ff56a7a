#!/bin/bash
# Runner self-test: a passing test. Also checks what the runner promises the
# tests: the environment, the writable places and modprobe of a --module.
set -u
# shellcheck disable=SC2016 # check's conditions are eval'd
n=0
check() { n=$((n + 1)); if eval "$2" >/dev/null 2>&1; then echo "ok $n $1"; else echo "not ok $n $1"; fi; }
# tool_check CMD NAME COND: check, or skip when the host lacks CMD.
tool_check() {
	if command -v "$1" >/dev/null; then check "$2" "$3"; else n=$((n + 1)); echo "ok $n $2 # SKIP no $1"; fi
}
echo "TAP version 13"
echo "1..13"
check "env COMPFW_VM and KREL" '[ "$COMPFW_VM" = 1 ] && [ "$KREL" = "$(uname -r)" ]'
check "cwd is the repo root" '[ -x tests/vm/run.sh ]'
check "a value given with --env reaches the test" '[ "${COMPFW_SELFTEST_ENV:-}" = "a b=c" ]'
check "tmp is writable" 'touch /tmp/x /run/x /var/tmp/x'
check "netns add works" 'ip netns add vmtest && ip -n vmtest link set lo up && ip netns del vmtest'
check "cgroup2 and tracefs mounted" '[ -e /sys/fs/cgroup/cgroup.controllers ] && [ -e /sys/kernel/tracing/trace ]'
check "modprobe of a kernel module" 'modprobe dummy && ip link add d0 type dummy && ip link del d0'
if [ -n "$(modinfo -F name compfw_vm_hello 2>/dev/null)" ]; then
	check "modprobe of a --module" 'modprobe compfw_vm_hello && grep -q "^compfw_vm_hello " /proc/modules'
else
	n=$((n + 1)); echo "ok $n modprobe of a --module # SKIP no --module compfw_vm_hello given"
fi
# The host tools the selftests use, and module autoload through them.
tool_check nft "nft (nf_tables autoload)" 'nft add table inet vmtest && nft list tables | grep -q vmtest'
tool_check iptables "iptables" 'iptables -A OUTPUT -p tcp --dport 9 -j DROP && iptables -S | grep -q "dport 9"'
tool_check iperf3 "iperf3 over loopback" 'iperf3 -s -1 -D -B 127.0.0.1 && sleep 0.5 && iperf3 -c 127.0.0.1 -t 1'
tool_check tcpdump "tcpdump captures" 'timeout 20 tcpdump -i lo -c 1 -w /tmp/x.pcap udp port 9 & for i in 1 2 3 4 5 6 7 8; do sleep 1; echo x >/dev/udp/127.0.0.1/9; done; wait $!'
tool_check trace-cmd "trace-cmd sees events" 'trace-cmd list -e | grep -q "^sched:sched_switch"'
