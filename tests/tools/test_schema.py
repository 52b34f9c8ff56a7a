#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The JSON Schema of manifests accepts the sample manifests and the normal
form compfwctl prints, and refuses what it can see is wrong. TAP on stdout.
Without python3-jsonschema (tests/lib/deps.sh tools installs it) it fails:
a missing dependency is never a quiet skip."""

import json
import os
import sys

try:
    import jsonschema
except ImportError as e:
    print("not ok 1 - python3-jsonschema is installed (tests/lib/deps.sh tools)")
    print("# %s" % e)
    print("1..1")
    sys.exit(1)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
schema = json.load(open(os.path.join(TOP, "Documentation/userspace-api/compfw-manifest.schema.json")))
manifests = os.path.join(TOP, "tests/tools/manifests")
validator = jsonschema.Draft202012Validator(schema)
n = 0
failed = False


def check(name, ok):
    global n, failed
    n += 1
    failed |= not ok
    print("%sok %d - %s" % ("" if ok else "not ", n, name))


jsonschema.Draft202012Validator.check_schema(schema)
check("the schema is a valid draft 2020-12 schema", True)
for f in sorted(os.listdir(manifests)):
    doc = json.load(open(os.path.join(manifests, f)))
    check("%s is valid" % f, validator.is_valid(doc))

bad = {
    "unknown field": {"component": "web", "ingress": [{"prot": "tcp"}]},
    "port out of range": {"component": "web", "ingress": [{"protocol": "tcp", "ports": 70000}]},
    "ports without a port protocol": {"component": "web", "ingress": [{"ports": 80}]},
    "icmp_type with tcp": {"component": "web", "exposure": [{"protocol": "tcp", "icmp_type": 8}]},
    "missing component": {"mode": "audit"},
    "unknown mode": {"component": "web", "mode": "strict"},
    "peer with component and cidr": {"component": "web", "egress": [{"peer": {"component": "a", "cidr": "10.0.0.0/8"}}]},
    "id 0": {"component": "web", "egress": [{"id": 0}]},
    "empty array": [],
    "bad cpu limit": {"component": "web", "limits": {"cpu": "abc"}},
}
for name, doc in bad.items():
    check("refused: %s" % name, not validator.is_valid(doc))

# An error is told at the member that is wrong, not at the document's root:
# jsonschema's best match, as an editor's schema support shows it.
at_member = {
    "unknown field": ({"component": "web", "ingress": [{"prot": "tcp"}]}, ["ingress", 0]),
    "port out of range": ({"component": "web", "ingress": [{"protocol": "tcp", "ports": 70000}]},
                          ["ingress", 0, "ports"]),
    "unknown mode, second of an array": ([{"component": "a"}, {"component": "b", "mode": "x"}],
                                         [1, "mode"]),
    "bad cpu limit": ({"component": "web", "limits": {"cpu": "abc"}}, ["limits", "cpu"]),
}
for name, (doc, path) in at_member.items():
    err = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    check("told at the member: %s (%s)" % (name, path), err is not None and list(err.absolute_path) == path)

# Personas: compfw-persona.schema.json is the manifest schema's persona.
persona_file = json.load(open(os.path.join(TOP, "Documentation/userspace-api/compfw-persona.schema.json")))
check("compfw-persona.schema.json is the manifest schema's persona",
      persona_file["$ref"] == "compfw-manifest.schema.json#/$defs/persona")
persona = jsonschema.Draft202012Validator({"$ref": "#/$defs/persona", "$defs": schema["$defs"]})
personas = os.path.join(TOP, "tests/tools/personas")
for f in sorted(os.listdir(personas)):
    check("persona %s is valid" % f, persona.is_valid(json.load(open(os.path.join(personas, f)))))
bad_personas = {
    "no name": {"network_profile": {}},
    "destination in allowed_ingress": {"name": "p", "network_profile": {"allowed_ingress": [{"destination": "10.0.0.1"}]}},
    "port and ports": {"name": "p", "network_profile": {"allowed_egress": [{"protocol": "tcp", "port": 1, "ports": 2}]}},
    "port without a port protocol": {"name": "p", "network_profile": {"allowed_egress": [{"port": 1}]}},
    "two triggers": {"name": "p", "activation_trigger": {"process_name": "a", "path": "/a"}},
    "a relative trigger path": {"name": "p", "activation_trigger": {"path": "bin/a"}},
    "DSCP 64": {"name": "p", "qos_parameters": {"dscp": 64}},
    "a rate without a unit": {"name": "p", "qos_parameters": {"rate": "10"}},
    "a burst without a rate": {"name": "p", "qos_parameters": {"burst": 100}},
    "an unknown level": {"name": "p", "security_profile": {"level": "paranoid"}},
}
for name, doc in bad_personas.items():
    check("persona refused: %s" % name, not persona.is_valid(doc))
bad_manifests = {
    "personas and rules": {"component": "web", "personas": ["a"], "egress": [{}]},
    "a default without personas": {"component": "web", "default_persona": "a"},
    "a persona named twice": {"component": "web", "personas": ["a", "a"]},
}
for name, doc in bad_manifests.items():
    check("refused: %s" % name, not validator.is_valid(doc))
print("1..%d" % n)
sys.exit(1 if failed else 0)
