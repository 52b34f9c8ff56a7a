#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What the spec must say beyond its schema (which tests/lib/ynl.sh checks,
with the files generated from it): every request is admin-only, and the
multicast group is the one compfwctl joins. TAP on stdout."""

import os
import sys

try:
    import yaml
except ImportError as e:
    print("not ok 1 python3-yaml is installed (tests/lib/deps.sh tools)")
    print("# %s" % e)
    print("1..1")
    sys.exit(1)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = yaml.safe_load(open(os.path.join(TOP, "Documentation/netlink/specs/compfw.yaml")))

results = []

requests = [op for op in spec["operations"]["list"] if "do" in op or "dump" in op]
bad = [op["name"] for op in requests if "uns-admin-perm" not in op.get("flags", [])]
results.append(("every request is admin-only (uns-admin-perm)", not bad,
                "not admin-only: " + ", ".join(bad)))
groups = [g["name"] for g in spec["mcast-groups"]["list"]]
results.append(("one multicast group, events", groups == ["events"], "groups: %s" % groups))

for i, (name, ok, detail) in enumerate(results, 1):
    print("%sok %d %s" % ("" if ok else "not ", i, name))
    if not ok:
        print("# " + detail)
print("1..%d" % len(results))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
