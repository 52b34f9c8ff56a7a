# SPDX-License-Identifier: GPL-2.0
"""The kernel's ynl client (tools/net/ynl), started once for a whole test.

Each request is what one run of ynl's cli.py would do with --output-json,
and each reply is what that run would print and its exit status: the same
YnlFamily calls, the same JSON encoder, the same text for a netlink error.
Under TCG a Python start with the spec's parse and schema check costs
seconds; a test of sixty calls would spend minutes starting Python.

    python3 ynl_server.py YNL_DIR SPEC SCHEMA FIFO_DIR

Once the family is read, "ready" goes to FIFO_DIR/resp. Requests come a
line at a time on FIFO_DIR/req, each a JSON object:
  {"do": OP, "attrs": {...}}     a do, as cli.py --do OP --json ATTRS
  {"dump": OP, "attrs": {...}}   a dump
  {"eval": EXPR, "json": TEXT}   EXPR (Python, over the decoded TEXT as r)
  {"quit": true}
and each reply goes to FIFO_DIR/resp: a line "STATUS N", STATUS the exit
status, then the N lines of the output.
"""

import json
import os
import sys

sys.path.insert(0, sys.argv[1])
from lib import NlError, YnlFamily  # noqa: E402
from cli import YnlEncoder  # noqa: E402


def manifest(r):
    """The manifest parts of a component reply, merged as a user reads them."""
    parts = r.get("manifest", [])
    merged = {}
    for p in parts if isinstance(parts, list) else [parts]:
        for k, v in p.items():
            merged[k] = merged.get(k, []) + v if isinstance(v, list) else v
    return merged


def answer(ynl, req):
    if "eval" in req:
        try:
            r = json.loads(req["json"])
            return 0, str(eval(req["eval"], {"manifest": manifest, "r": r}))
        except Exception as e:  # the test shows what went wrong
            return 1, f"{type(e).__name__}: {e}"
    try:
        if "do" in req:
            reply = ynl.do(req["do"], req.get("attrs", {}), None)
        else:
            reply = ynl.dump(req["dump"], req.get("attrs", {}))
    except NlError as e:
        return 1, str(e)
    except Exception as e:  # cli.py would die with it: exit 1
        return 1, f"{type(e).__name__}: {e}"
    return 0, json.dumps(reply, cls=YnlEncoder)


def main():
    ynl = YnlFamily(sys.argv[2], sys.argv[3])
    # The client holds both FIFOs open for reading and writing, so that
    # neither side's open blocks, and neither sees an end of file.
    with open(os.path.join(sys.argv[4], "req")) as req_f, \
         open(os.path.join(sys.argv[4], "resp"), "w") as resp_f:
        resp_f.write("ready\n")
        resp_f.flush()
        for line in req_f:
            req = json.loads(line)
            if req.get("quit"):
                return
            rc, out = answer(ynl, req)
            lines = out.split("\n")
            resp_f.write(f"{rc} {len(lines)}\n" + "\n".join(lines) + "\n")
            resp_f.flush()


if __name__ == "__main__":
    main()
