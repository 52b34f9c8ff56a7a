#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The YAML spec is the source of truth: the uapi header must say the same
names, values and order. TAP on stdout."""

import os
import re
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = yaml.safe_load(open(os.path.join(TOP, "Documentation/netlink/specs/compfw.yaml")))
header = open(os.path.join(TOP, "uapi/linux/compfw.h")).read()

results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def enum_values(enum_name):
    body = re.search(r"enum %s \{(.*?)\};" % enum_name, header, re.S)
    if not body:
        return None
    values, nxt = {}, 0
    for item in re.findall(r"^\s*(\w+)(?:\s*=\s*(\w+))?,", body.group(1), re.M):
        nxt = int(item[1], 0) if item[1] else nxt
        values[item[0]] = nxt
        nxt += 1
    return values


def define(name):
    m = re.search(r"#define %s\s+(\S+)" % name, header)
    return m.group(1) if m else None


check("family name", define("COMPFW_GENL_NAME") == '"%s"' % spec["name"])
version = [d for d in spec["definitions"] if d["name"] == "genl-version"][0]["value"]
check("family version", define("COMPFW_GENL_VERSION") == str(version))
groups = [g["name"] for g in spec["mcast-groups"]["list"]]
check("multicast group events", define("COMPFW_MCGRP_EVENTS") == '"events"' and "events" in groups)

for aset in spec["attribute-sets"]:
    prefix = aset["name-prefix"]
    enum = "compfw_%s_attrs" % aset["name"].replace("-", "_")
    values = enum_values(enum)
    if values is None:
        check("attribute set %s in header" % aset["name"], False, "no enum " + enum)
        continue
    nxt, bad = 1, []
    for attr in aset["attributes"]:
        nxt = attr.get("value", nxt)
        cname = c_name(prefix, attr["name"])
        if values.get(cname) != nxt:
            bad.append("%s=%s want %d" % (cname, values.get(cname), nxt))
        nxt += 1
    check("attribute set %s matches the header" % aset["name"], not bad, "; ".join(bad))

ops = enum_values("compfw_cmd")
prefix = spec["operations"]["name-prefix"]
nxt, bad = 1, []
for op in spec["operations"]["list"]:
    nxt = op.get("value", nxt)
    cname = c_name(prefix, op["name"])
    if ops.get(cname) != nxt:
        bad.append("%s=%s want %d" % (cname, ops.get(cname), nxt))
    nxt += 1
    if "uns-admin-perm" not in op.get("flags", []):
        bad.append("%s is not admin-only" % op["name"])
check("operations match the header, all admin-only", not bad, "; ".join(bad))

for i, (name, ok, detail) in enumerate(results, 1):
    print("%sok %d %s" % ("" if ok else "not ", i, name))
    if not ok and detail:
        print("# " + detail)
print("1..%d" % len(results))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
