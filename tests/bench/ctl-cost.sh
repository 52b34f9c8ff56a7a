#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compfwctl's share of applying 100,000 rules (read, parse, check, encode),
# natively on the host, for the two files that decide the choice of the
# manifest reader: the benchmark's batch (10,000 components of 10 rules,
# plain ASCII) and the same batch with one non-ASCII byte in each
# manifest's version string; and one manifest of 65,536 mixed rules (CIDRs
# with excepts, IPv6, ICMP), as tests/selftests/manifest_large.sh applies.
#
#   tests/bench/ctl-cost.sh [TREE]   TREE: a source tree (default: this one),
#                                    e.g. an old commit's `git archive`
# Prints one line per file: best of 7 runs, total, read+parse, encode.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tree=$(cd "${1:-$top}" && pwd)
out=$top/build/bench/ctl-cost
mkdir -p "$out"

bin=$out/ctl-cost-$(echo "$tree" | tr / _)
gcc -O2 -g -Wall -Wextra -Werror -std=gnu11 -I"$tree/uapi" \
	$(pkg-config --cflags libnl-genl-3.0 jansson) \
	-o "$bin" "$here/ctl-cost.c" -iquote "$tree/tools" \
	$(ls "$tree"/tools/*.c | grep -v '/compfwctl.c$') \
	$(pkg-config --libs libnl-genl-3.0 jansson)

if [ ! "$out/ascii.json" -nt "$here/gen-rules.py" ]; then
	mkdir -p "$out/gen"
	python3 "$here/gen-rules.py" "$out/gen" 10000 10 198.18.0.2 5201
	cp "$out/gen/compfw.json" "$out/ascii.json"
	python3 - "$out/ascii.json" "$out/utf8.json" <<'PY'
import json, sys
batch = json.load(open(sys.argv[1]))
for m in batch:
    m["version"] = "v1-\u00e9t\u00e9"
json.dump(batch, open(sys.argv[2], "w"), ensure_ascii=False)
PY
	python3 - "$out/large.json" <<'PY'
import ipaddress, json, sys
rules = []
for i in range(65536):
    k = i % 3
    if k == 0:
        rules.append({"id": i + 1, "peer": {"cidr": "10.%d.%d.0/24" % (i // 256 % 256, i % 256), "except": ["10.%d.%d.128/25" % (i // 256 % 256, i % 256)]}, "protocol": "tcp", "ports": "%d-%d" % (i % 60000, i % 60000 + 5)})
    elif k == 1:
        rules.append({"id": i + 1, "peer": {"cidr": str(ipaddress.ip_network("fd00::%x:%x/128" % (i >> 16, i & 0xffff)))}, "protocol": "udp", "ports": i % 65536})
    else:
        rules.append({"id": i + 1, "peer": "any", "protocol": "icmp", "icmp_type": i % 256})
json.dump({"component": "big", "version": "v65536", "egress": rules}, open(sys.argv[1], "w"))
PY
fi
for f in ascii utf8 large; do
	printf '%-6s %s\n' "$f" "$("$bin" "$out/$f.json" 7 split)"
done
