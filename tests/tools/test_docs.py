#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The documented manifest fields are the ones compfwctl reads: every key of
tools/manifest.c's key table is a property of the schema's manifest or rule
(or of a peer or limits object), and every manifest and rule property has a
row in Documentation/userspace-api/compfw.rst's field tables and an entry in
compfw.json(5). The manual page's example is a valid manifest. TAP on
stdout; python3-jsonschema missing is a failure."""

import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def read(path):
    return open(os.path.join(TOP, path)).read()


schema = json.loads(read("Documentation/userspace-api/compfw-manifest.schema.json"))
defs = schema["$defs"]
manifest_props = set(defs["manifest"]["properties"])
rule_props = set(defs["rule"]["properties"])
other_props = set(defs["limits"]["properties"])
for alt in defs["peer"]["oneOf"]:
    other_props |= set(alt.get("properties", {}))
persona_props = set(defs["persona"]["properties"])
for field in ("network_profile", "security_profile", "activation_trigger", "qos_parameters"):
    other_props |= set(defs["persona"]["properties"][field]["properties"])
other_props |= set(defs["persona_rule"]["properties"]) | persona_props

keys = set(re.findall(r'\[MF_K_[A-Z_]+\] = "([a-z_]+)"', read("tools/manifest.c")))
loose = keys - manifest_props - rule_props - other_props
check("every key compfwctl reads (%d) is in the schema" % len(keys), keys and not loose,
      "not in the schema: " + " ".join(sorted(loose)))


def rst_table(text, title):
    """The first-column names of the simple table after "TITLE:"."""
    lines = text.splitlines()
    start = lines.index(title)
    borders = [i for i in range(start, len(lines)) if re.match(r"^=+ +=+\s*$", lines[i])]
    rows = lines[borders[0] + 1:borders[1]]
    return {m.group(1) for m in (re.match(r"^``([a-z_]+)``", r) for r in rows) if m}


rst = read("Documentation/userspace-api/compfw.rst")
for title, props in (("Manifest fields:", manifest_props), ("Rule fields:", rule_props),
                     ("Persona fields:", persona_props)):
    rows = rst_table(rst, title)
    check("compfw.rst's \"%s\" table has a row for every field of the schema" % title[:-1],
          props <= rows, "no row for: " + " ".join(sorted(props - rows)))
    check("compfw.rst's \"%s\" table names no field the schema lacks" % title[:-1],
          rows <= props, "not in the schema: " + " ".join(sorted(rows - props)))

man = read("Documentation/man/compfw.json.5")


def man_entries(section):
    body = man.split(".SH " + section, 1)[1].split("\n.SH ", 1)[0]
    return set(re.findall(r"^\.TP\n\.B ([a-z_]+)$", body, re.M))


for section, props in (("MANIFEST FIELDS", manifest_props), ("RULE FIELDS", rule_props),
                       ("PERSONA FIELDS", persona_props)):
    got = man_entries(section)
    check("compfw.json(5) %s lists exactly the schema's" % section, got == props,
          "missing: %s; extra: %s" % (" ".join(sorted(props - got)), " ".join(sorted(got - props))))

try:
    import jsonschema
except ImportError as e:
    check("python3-jsonschema is installed (tests/lib/deps.sh tools)", False, str(e))
else:
    example = man.split(".SH EXAMPLES", 1)[1].split(".EX\n", 1)[1].split("\n.EE", 1)[0]
    try:
        doc = json.loads(example.replace("\\-", "-"))
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
    except ValueError as e:
        errors = ["not JSON: %s" % e]
    check("compfw.json(5)'s example is a valid manifest", not errors, "; ".join(errors))

for i, (name, ok, detail) in enumerate(results, 1):
    print("%sok %d - %s" % ("" if ok else "not ", i, name))
    if not ok and detail:
        print("# " + detail)
print("1..%d" % len(results))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
