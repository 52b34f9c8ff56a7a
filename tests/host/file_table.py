#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The admin guide's table of kmod/ files against kmod/ itself.

Every source file of the module (*.c, *.h, Kbuild, Kconfig, .kunitconfig) must have
a row in the table that follows "The files of ``kmod/``" in
Documentation/admin-guide/compfw.rst, and every file a row names must
exist. A row's first column names one file or several ("a.c a.h",
"a.c, a.h", or "a.[ch]" for both). Prints TAP; exits 1 on a failure.
"""

import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE = "Documentation/admin-guide/compfw.rst"
ANCHOR = "files of ``kmod/``"


def table_names(lines):
    """The file names in the first column of the table after ANCHOR."""
    start = next((i for i, l in enumerate(lines) if ANCHOR in l), None)
    if start is None:
        return None, f'no line with "{ANCHOR}"'
    borders = [i for i in range(start, len(lines)) if re.match(r"^=+( +=+)+\s*$", lines[i])]
    if len(borders) < 2:
        return None, "no simple table after it"
    width = len(lines[borders[0]].split(" ")[0])
    names = []
    for line in lines[borders[0] + 1:borders[1]]:
        cell = line[:width].strip()
        for tok in re.split(r"[\s,]+", cell):
            if not tok:
                continue
            m = re.fullmatch(r"(.*)\.\[([a-z]+)\]", tok)
            names += [f"{m.group(1)}.{c}" for c in m.group(2)] if m else [tok]
    return names, None


def module_files():
    kmod = os.path.join(TOP, "kmod")
    files = [os.path.basename(p) for pat in ("*.c", "*.h") for p in glob.glob(os.path.join(kmod, pat))]
    files += [f for f in ("Kbuild", "Kconfig", ".kunitconfig") if os.path.exists(os.path.join(kmod, f))]
    return sorted(files)


def main():
    lines = open(os.path.join(TOP, GUIDE)).read().splitlines()
    names, why = table_names(lines)
    print("TAP version 13")
    print("1..2")
    if names is None:
        print(f"not ok 1 {GUIDE} has a table of kmod/ files\n# {why}")
        print(f"not ok 2 every file the table names exists # SKIP no table")
        return 1
    files = module_files()
    missing = [f for f in files if f not in names]
    stale = [n for n in names if n not in files]
    rc = 0
    if missing:
        rc = 1
        print(f"not ok 1 every file of kmod/ has a row in the table of {GUIDE}")
        print(f"# no row for: {' '.join(missing)}")
    else:
        print(f"ok 1 every file of kmod/ has a row in the table of {GUIDE} ({len(files)} files)")
    if stale:
        rc = 1
        print("not ok 2 every file the table names exists in kmod/")
        print(f"# not in kmod/: {' '.join(stale)}")
    else:
        print("ok 2 every file the table names exists in kmod/")
    return rc


if __name__ == "__main__":
    sys.exit(main())
