#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nlfuzz (tests/fuzz/netlink) without a kernel: its tables are the spec's,
# and its messages depend on the seed and the count only (--dry-run prints
# the digest of every message it would send).
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tools/tap.sh"
out=$top/build/fuzz/netlink
nlfuzz=$out/nlfuzz

if log=$(make -s -C "$top/tests/fuzz/netlink" 2>&1); then
	ok "nlfuzz builds from the spec"
else
	not_ok "nlfuzz builds from the spec" "$log"
	exit 1
fi

# Every operation and attribute set of the spec is in the tables, by name.
spec_names=$(python3 -c 'import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
print(" ".join(sorted([o["name"] for o in s["operations"]["list"]] +
                      [a["name"] for a in s["attribute-sets"]])))' \
	"$top/Documentation/netlink/specs/compfw.yaml")
table_names=$(sed -n 's/^\t{ "\([a-z0-9-]*\)", \(fz_set_\|[0-9]\+, -\?[0-9]\+, [01], [01], fz_req_\).*/\1/p' \
	"$out/spec.h" | sort | paste -sd' ')
if [ "$spec_names" = "$(tr ' ' '\n' <<<"$table_names" | sort | paste -sd' ')" ]; then
	ok "the tables hold every operation and attribute set of the spec"
else
	not_ok "the tables hold every operation and attribute set of the spec" \
		"spec:   $spec_names" "tables: $table_names"
fi

digest() { "$nlfuzz" --dry-run "$@" | sed -n 's/.* digest //p'; }
a=$(digest --seed 7 --count 20000 --procs 3)
b=$(digest --seed 7 --count 20000 --procs 3)
c=$(digest --seed 8 --count 20000 --procs 3)
d=$(digest --seed 7 --count 20001 --procs 3)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	ok "the same seed and count give the same messages ($a)"
else
	not_ok "the same seed and count give the same messages" "$a" "$b"
fi
if [ -n "$c" ] && [ "$a" != "$c" ] && [ -n "$d" ] && [ "$a" != "$d" ]; then
	ok "another seed or count gives other messages"
else
	not_ok "another seed or count gives other messages" "$a $c $d"
fi
sent=$("$nlfuzz" --dry-run --seed 7 --count 20001 --procs 4 | sed -n 's/.* sent \([0-9]*\) .*/\1/p')
if [ "$sent" = 20001 ]; then
	ok "the processes' messages add up to --count"
else
	not_ok "the processes' messages add up to --count" "sent: $sent"
fi
if err=$("$nlfuzz" --bogus 2>&1); then
	not_ok "an unknown option is refused" "$err"
else
	ok "an unknown option is refused"
fi
exit $rc
