#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages a group of targets needs, only those missing,
# so that a fresh machine builds and tests with nothing done by hand.
#
#   tests/lib/deps.sh GROUP...     (cli tools pkg vm kunit lint test bench ynl
#                                   fuzz, or all)
# Installing needs root: anyone else is told what is missing, and the run
# fails (a test never skips for want of a package). make itself never
# calls this; make check, make demo and .ci/run do.
set -eu

pkgs_cli="gcc make pkg-config libnl-3-dev libnl-genl-3-dev libjansson-dev"
# tests/tools/run.sh: the CLI's unit tests, its schema and spec checks, its
# man pages (man --warnings, groff -ww) and its bash completion.
pkgs_tools="gcc make pkg-config libnl-3-dev libnl-genl-3-dev libjansson-dev python3 python3-yaml python3-jsonschema man-db groff-base bash"
# tests/pkg/run.sh: DKMS against the test kernels' headers (signing with a
# key of its own: openssl), make install and its depmod, xz for 6.12's
# compressed modules, util-linux's setpriv and unshare.
pkgs_pkg="dkms kmod openssl xz-utils make gcc util-linux"
pkgs_vm="qemu-system-x86 kmod xz-utils busybox-static cpio dwarves bc flex bison libelf-dev libssl-dev"
pkgs_kunit="python3 bc flex bison libelf-dev libssl-dev xz-utils"
pkgs_lint="sparse perl"
pkgs_test="iproute2 iperf3 nftables iptables tcpdump trace-cmd socat util-linux libcap2-bin procps strace python3-scapy python3-yaml python3-jsonschema python3-pyroute2 prometheus-node-exporter curl"
pkgs_bench="valgrind"
# tests/fuzz/user: libFuzzer, ASan and UBSan come with clang's runtime
pkgs_fuzz="clang-14 libclang-rt-14-dev make pkg-config libnl-3-dev libnl-genl-3-dev libjansson-dev"
# tests/lib/ynl.sh: apt-get download, dpkg-deb and tar -J fetch the kernel's
# tools/net/ynl; its generators and client need yaml, validation jsonschema.
# tests/host/run.sh installs this group: docutils for its rst check.
pkgs_ynl="python3 python3-yaml python3-jsonschema xz-utils tar util-linux python3-docutils"

missing=""
for group in "$@"; do
	[ "$group" = all ] && set -- cli tools pkg vm kunit lint test bench ynl fuzz
done
for group in "$@"; do
	eval "list=\$pkgs_$group"
	for pkg in $list; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q "ok installed" || missing="$missing $pkg"
	done
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "tests/lib/deps.sh: missing Debian packages:$missing" >&2
	echo "tests/lib/deps.sh: installing them needs root:" \
		"sudo tests/lib/deps.sh $*  (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "# installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends $missing >&2 ||
	{ apt-get update >&2 && apt-get install -y --no-install-recommends $missing >&2; }
