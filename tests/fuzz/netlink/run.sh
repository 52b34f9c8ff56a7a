#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz-netlink: the long run of tests/selftests/netlink_fuzz.sh, in a
# VM on FUZZ_KERNEL (debug: KASAN, lockdep, kmemleak), with FUZZ_COUNT
# messages (1,000,000) from FUZZ_PROCS processes (4) and the seed FUZZ_SEED
# (a new one each run, printed: give it again to repeat the run).
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top"
kernel=${FUZZ_KERNEL:-debug}
count=${FUZZ_COUNT:-1000000}
seed=${FUZZ_SEED:-$(date +%s)}
procs=${FUZZ_PROCS:-4}

tests/lib/deps.sh cli vm test
make -s tools/compfwctl
make -s -C tests/fuzz/netlink
ko=$(tests/lib/build-module.sh "$kernel" | tail -n 1)
echo "# fuzz-netlink: $count messages, seed $seed, $procs processes, kernel $kernel"
# Hours of TCG on the debug kernel: the limit is for a hung VM only.
exec tests/vm/run.sh --kernel "$kernel" --timeout 36000 --module "$ko" \
	--env FUZZ_COUNT="$count" --env FUZZ_SEED="$seed" --env FUZZ_PROCS="$procs" \
	tests/selftests/netlink_fuzz.sh
