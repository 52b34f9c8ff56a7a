#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every .rst file under Documentation/ is valid reStructuredText: docutils
parses it without a warning (a table a merge left half-done, a stray
conflict marker, a bad indent). The Sphinx roles and directives the kernel's
documentation build knows (ref, doc, toctree, kernel-doc) are taken as
they are. TAP on stdout."""

import glob
import io
import os
import sys

import docutils.core
from docutils.parsers.rst import Directive, directives, roles

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Sphinx(Directive):
    """A directive of Sphinx's or the kernel's: its content is not ours."""
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


def sphinx_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [], []


for d in ("toctree", "kernel-doc"):
    directives.register_directive(d, Sphinx)
for r in ("ref", "doc"):
    roles.register_local_role(r, sphinx_role)

files = sorted(glob.glob(os.path.join(TOP, "Documentation", "**", "*.rst"), recursive=True))
rc = 0
print(f"1..{len(files)}")
for i, path in enumerate(files, 1):
    rel = os.path.relpath(path, TOP)
    err = io.StringIO()
    with open(path) as f:
        docutils.core.publish_doctree(f.read(), source_path=rel, settings_overrides={
            "report_level": 2, "halt_level": 5, "warning_stream": err})
    if err.getvalue():
        rc = 1
        print(f"not ok {i} - {rel} is valid reStructuredText")
        for line in err.getvalue().splitlines()[:20]:
            print(f"# {line}")
    else:
        print(f"ok {i} - {rel} is valid reStructuredText")
sys.exit(rc)
