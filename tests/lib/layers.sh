#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The layers of kmod/, as the admin guide's "Layers" block lists them, held
# against the built module: every function a file calls in another file of
# compfw must be of its own layer or of one listed before it. The calls are
# read from the objects' symbols (nm: what each .o defines, what it needs),
# so a call through a header's inline function counts where it is inlined.
#
#   tests/lib/layers.sh DIR    DIR: the kmod/ build folder (*.o)
#
# Output: one "ok"/"not ok" line per check, as make check counts them.

set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: layers.sh BUILD_DIR}
guide=$top/Documentation/admin-guide/compfw.rst

python3 - "$dir" "$guide" "$top/kmod/Kbuild" <<'PY'
import os, re, subprocess, sys

build, guide, kbuild = sys.argv[1:4]

# "  RANK NAME...  a.c b.c" lines of the literal block after "Layers".
text = open(guide).read()
m = re.search(r'\nLayers\n-+\n.*?::\n\n((?:  .*\n|\n)+)', text, re.S)
if not m:
    print("not ok - layers: the admin guide has a Layers block")
    sys.exit(1)
rank = {}
for line in m.group(1).splitlines():
    words = line.split()
    if not words:
        continue
    for w in words[1:]:
        if w.endswith('.c'):
            rank[w] = int(words[0])

# Only the module's objects, as Kbuild names them (a build folder may hold
# objects of files renamed since).
objs = set(re.findall(r'(\w[\w-]*)\.o', ''.join(
    l for l in open(kbuild) if l.startswith('compfw-y'))))
missing = sorted(o + '.c' for o in objs if o + '.c' not in rank)
ok = True
if missing:
    print("not ok - layers: every file of the module has a layer")
    print("# no layer: " + " ".join(missing))
    ok = False
else:
    print("ok - layers: every file of the module has a layer")

defs, uses = {}, {}
for o in sorted(objs):
    path = os.path.join(build, o + '.o')
    if not os.path.exists(path):
        print(f"not ok - layers: {o}.o is built")
        sys.exit(1)
    out = subprocess.run(['nm', path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] == 'T':
            defs[p[2]] = o + '.c'
        elif len(p) == 2 and p[0] == 'U':
            uses.setdefault(o + '.c', set()).add(p[1])
bad = []
for src in sorted(uses):
    for sym in sorted(uses[src]):
        dst = defs.get(sym)
        if dst and dst != src and src in rank and dst in rank and rank[dst] > rank[src]:
            bad.append(f"{src} calls {sym}() of {dst}, a layer above it")
if bad:
    print("not ok - layers: no file calls into a layer above its own")
    for b in bad:
        print("# " + b)
    ok = False
else:
    print("ok - layers: no file calls into a layer above its own")
sys.exit(0 if ok else 1)
PY
