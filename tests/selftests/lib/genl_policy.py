#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed compfw requests at the generic netlink level, with pyroute2.

Message classes are built from Documentation/netlink/specs/compfw.yaml, so
the cases below name attributes and operations as the spec does; every
attribute also has a "NAME@raw" twin that carries raw bytes, for payloads
the spec's type forbids, and "@typeN" carries an attribute of type N.

For each rule of the kernel's policy validation (type and length, range,
nesting, unknown attribute, an attribute the operation does not take, a
reply-only attribute, a required one missing) a case asserts the errno,
the extack message and, where the kernel sets it, that the bad-attribute
offset points at the offending attribute. The generic messages are those
of lib/nlattr.c (validate_nla, __nla_validate_parse), the same strings in
6.1, 6.12 and 7.2; the missing-attribute ones are kmod/netlink.c's.

Then the counters: a COMPONENT_GET reply decoded by pyroute2's own u64
type, against the datagrams this script sent.

Usage: genl_policy.py CGROUP_DIR (a fresh cgroup v2 directory). TAP out.
"""

import errno
import os
import struct
import subprocess
import sys

import yaml
from pyroute2.netlink import (NLA_F_NESTED, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
                              NLMSG_DONE, NLMSG_ERROR, genlmsg, nla)
from pyroute2.netlink.exceptions import NetlinkError
from pyroute2.netlink.generic import GenericNetlinkSocket

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPEC = yaml.safe_load(open(os.path.join(TOP, "Documentation/netlink/specs/compfw.yaml")))

NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6

# ---- the spec --------------------------------------------------------------


def numbered(entries):
    """name -> value, as the spec numbers them: from 1, or from a 'value'."""
    out, val = {}, 1
    for e in entries:
        val = e.get("value", val)
        out[e["name"]] = val
        val += 1
    return out


SETS = {s["name"]: s for s in SPEC["attribute-sets"]}
ATTR = {s: numbered(SETS[s]["attributes"]) for s in SETS}
OPS = {o["name"]: o for o in SPEC["operations"]["list"]}
CMD = numbered(SPEC["operations"]["list"])
ENUM = {d["name"]: [e["name"] if isinstance(e, dict) else e for e in d["entries"]]
        for d in SPEC["definitions"] if d["type"] == "enum"}

SCALAR = {"u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64",
          "string": "asciiz", "binary": "cdata", "flag": "flag", "pad": "none"}

_classes = {}


def nla_class(set_name):
    """A pyroute2 nla class for one attribute set, straight from the spec."""
    if set_name in _classes:
        return _classes[set_name]
    body = {"__slots__": ()}
    nla_map = []
    top = max(ATTR[set_name].values())
    for n in [0] + list(range(top + 1, top + 4)):
        nla_map.append((n, "@type%d" % n, "cdata"))
    for a in SETS[set_name]["attributes"]:
        val = ATTR[set_name][a["name"]]
        nla_map.append((val, a["name"] + "@raw", "cdata"))
    # The typed entry last: pyroute2 decodes a type with the last one.
    for a in SETS[set_name]["attributes"]:
        val = ATTR[set_name][a["name"]]
        if a["type"] == "nest":
            sub = "n_" + a["nested-attributes"].replace("-", "_")
            body[sub] = nla_class(a["nested-attributes"])
            nla_map.append((val, a["name"], sub, NLA_F_NESTED))
        elif a.get("display-hint") in ("ipv4", "ipv6"):
            nla_map.append((val, a["name"], "ip%saddr" % a["display-hint"][-1]))
        elif a["type"] == "u32" and a.get("byte-order") == "big-endian":
            nla_map.append((val, a["name"], "be32"))
        else:
            nla_map.append((val, a["name"], SCALAR[a["type"]]))
    body["nla_map"] = tuple(nla_map)
    cls = type("nla_" + set_name.replace("-", "_"), (nla,), body)
    _classes[set_name] = cls
    return cls


def msg_class(set_name):
    return type("msg_" + set_name.replace("-", "_"), (genlmsg,),
                {"__slots__": (), "nla_map": nla_class(set_name).nla_map,
                 **{k: v for k, v in vars(nla_class(set_name)).items() if k.startswith("n_")}})


def nest(*attrs):
    return {"attrs": list(attrs)}


def enum(name, entry):
    return ENUM[name].index(entry)


# ---- requests --------------------------------------------------------------

sock = None
seq = 1000


def walk(data, start, end, path):
    """Offset of the attribute at path [(name-or-type, nth, set)...]."""
    (want, nth, set_name), rest = path[0], path[1:]
    typ = want if isinstance(want, int) else ATTR[set_name][want.split("@")[0]]
    off, seen = start, 0
    while off + 4 <= end:
        ln, t = struct.unpack_from("HH", data, off)
        if ln < 4:
            break
        if t & 0x3fff == typ:
            if seen == nth:
                if not rest:
                    return off
                return walk(data, off + 4, off + ln, rest)
            seen += 1
        off += (ln + 3) & ~3
    raise KeyError(path)


def parse_ack(data, off):
    """(errno, extack dict) of the NLMSG_ERROR at off."""
    ln, _, flags = struct.unpack_from("IHH", data, off)
    err = -struct.unpack_from("i", data, off + 16)[0]
    inner = 20 + (16 if flags & NLM_F_CAPPED else struct.unpack_from("I", data, off + 20)[0])
    ext, p = {}, off + ((inner + 3) & ~3)
    while flags & NLM_F_ACK_TLVS and p + 4 <= off + ln:
        alen, atype = struct.unpack_from("HH", data, p)
        if alen < 4:
            break
        payload = data[p + 4:p + alen]
        if atype == NLMSGERR_ATTR_MSG:
            ext["msg"] = payload.rstrip(b"\0").decode()
        elif atype == NLMSGERR_ATTR_OFFS:
            ext["offs"] = struct.unpack("I", payload)[0]
        elif atype == NLMSGERR_ATTR_MISS_TYPE:
            ext["miss-type"] = struct.unpack("I", payload)[0]
        elif atype == NLMSGERR_ATTR_MISS_NEST:
            ext["miss-nest"] = struct.unpack("I", payload)[0]
        p += (alen + 3) & ~3
    return err, ext


def build(op, attrs, dump=False):
    cls = msg_class(OPS[op]["attribute-set"])
    m = cls()
    m["cmd"] = CMD[op]
    m["version"] = SPEC["version"]
    m["attrs"] = attrs
    m["header"]["type"] = sock.prid if sock else 0
    m["header"]["flags"] = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
    m["header"]["sequence_number"] = seq
    m["header"]["pid"] = sock.pid if sock else 0
    return m, cls


def request(op, attrs, dump=False):
    """Send op with attrs; (messages, errno, extack, pyroute2's error, data)."""
    global seq
    seq += 1
    m, cls = build(op, attrs, dump)
    sock.marshal.msg_map[sock.prid] = cls
    m.encode()
    sock.sendto(m.data, (0, 0))
    msgs, code, ext, perr = [], None, {}, None
    while code is None:
        data = sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            ln, typ, _, mseq = struct.unpack_from("IHHI", data, off)
            if mseq == seq:
                if typ == NLMSG_ERROR:
                    code, ext = parse_ack(data, off)
                elif typ == NLMSG_DONE:
                    code = 0
                else:
                    msgs.append((data, off))
            off += (ln + 3) & ~3
        for p in sock.marshal.parse(data):
            if p["header"]["sequence_number"] == seq and p["header"].get("error"):
                perr = p["header"]["error"]
    decoded = []
    for data, off in msgs:
        r = cls(data, offset=off)
        r.decode()
        decoded.append(r)
    return decoded, code, ext, perr, bytes(m.data)


# ---- TAP -------------------------------------------------------------------

n_ok = n_fail = n = 0


def result(ok, name, detail=()):
    global n, n_ok, n_fail
    n += 1
    if ok:
        n_ok += 1
        print("ok %d %s" % (n, name))
    else:
        n_fail += 1
        print("not ok %d %s" % (n, name))
    for d in detail:
        print("# " + d)
    sys.stdout.flush()


def ename(code):
    return errno.errorcode.get(code, str(code)) if code else "0 (accepted)"


def expect(rule, what, op, attrs, err, msg, at=None, miss=None, dump=False):
    """One malformed request: its errno, extack text and pointer."""
    _, code, ext, perr, data = request(op, attrs, dump)
    want_offs = walk(data, 20, len(data), at) if at else None
    got = "%s %r" % (ename(code), ext.get("msg"))
    problems = []
    if code != err:
        problems.append("errno %s, want %s" % (ename(code), ename(err)))
    if ext.get("msg") != msg:
        problems.append("extack %r, want %r" % (ext.get("msg"), msg))
    if at and ext.get("offs") != want_offs:
        problems.append("bad-attr offset %s, want %d (%s)" % (
            ext.get("offs"), want_offs, ".".join(str(p[0]) for p in at)))
    if miss is not None and ext.get("miss-type") != miss:
        problems.append("missing-attribute type %s, want %d" % (ext.get("miss-type"), miss))
    # pyroute2 itself reports the same errno and message.
    if code and (not isinstance(perr, NetlinkError) or perr.code != code or
                 (msg and (len(perr.args) < 2 or perr.args[1] != msg))):
        problems.append("pyroute2 raised %r" % (perr,))
    where = " at %s" % ".".join(str(p[0]) for p in at) if at else ""
    if miss is not None:
        where += " missing-attribute type %d" % miss
    result(not problems, "%s: %s %s: %s %s%s" % (rule, op, what, ename(err),
                                                 repr(msg) if msg else "no text", where),
           problems + (["kernel: %s, extack %r" % (got, ext)] if problems else []))


def u32(v):
    return struct.pack("I", v)


# ---- the cases -------------------------------------------------------------

EINVAL, ERANGE = errno.EINVAL, errno.ERANGE
LEN = "invalid attribute length"
POLICY = "Attribute failed policy validation"
RANGE = "integer out of range"
BINRANGE = "binary attribute size out of range"
NESTED_MISSING = "NLA_F_NESTED is missing"
NESTED_NOT = "NLA_F_NESTED not expected"
UNKNOWN = "Unknown attribute type"
UNSUPPORTED = "Unsupported attribute"


def P(*steps):
    """A path for expect(): ("set", "attr"[, nth]) steps."""
    return [(s[1], s[2] if len(s) > 2 else 0, s[0]) for s in steps]


name = ("name", "pol-x")
cidr_ok = nest(("addr4", "10.82.0.0"), ("prefix-len", 24))
l4_ok = nest(("proto", 6), ("port-min", 80))


def manifest(*attrs):
    return ("manifest", nest(("component", "pol-x"), *attrs))


def run_cases():
    C, M, R, Q = "component", "manifest", "rule", "query"
    # type and length
    expect("length", "id of 2 bytes (u32)", "component-new",
           [name, ("id@raw", b"\x07\x00")], EINVAL, LEN, P((C, "id")))
    expect("length", "address.addr4 of 2 bytes (u32)", "component-new",
           [name, ("address", nest(("addr4@raw", b"\x0a\x00"), ("prefix-len", 16)))],
           EINVAL, LEN, P((C, "address"), ("cidr", "addr4")))
    expect("length", "manifest.mode of 4 bytes (u8)", "manifest-apply",
           [manifest(("mode@raw", u32(0)))], EINVAL, LEN, P(("apply", "manifest"), (M, "mode")))
    expect("length", "addr6 of 4 bytes (exact-len 16)", "query",
           [("component", "pol-x"), ("direction", 0), ("proto", 6), ("addr6@raw", b"\0" * 4)],
           ERANGE, BINRANGE, P((Q, "addr6")))
    expect("type", "name without its NUL", "component-del",
           [("name@raw", b"web")], EINVAL, POLICY, P((C, "name")))
    expect("type", "an empty name", "component-get",
           [("name@raw", b"")], EINVAL, POLICY, P((C, "name")))
    expect("length", "name of 64 bytes (max-len 63)", "component-new",
           [("name", "n" * 64)], EINVAL, POLICY, P((C, "name")))
    expect("length", "cgroup of 4096 bytes (max-len 4095)", "component-new",
           [name, ("cgroup", "/" + "c" * 4095)], EINVAL, POLICY, P((C, "cgroup")))
    expect("length", "manifest.version of 64 bytes (max-len 63)", "manifest-apply",
           [manifest(("version", "v" * 64))], EINVAL, POLICY,
           P(("apply", "manifest"), (M, "version")))
    # range
    expect("range", "manifest.mode 7 (enum mode)", "manifest-apply",
           [manifest(("mode", 7))], ERANGE, RANGE, P(("apply", "manifest"), (M, "mode")))
    expect("range", "manifest.log 3 (enum log)", "manifest-apply",
           [manifest(("log", 3))], ERANGE, RANGE, P(("apply", "manifest"), (M, "log")))
    expect("range", "address.prefix-len 129", "component-new",
           [name, ("address", nest(("addr6@raw", b"\0" * 16), ("prefix-len", 129)))],
           ERANGE, RANGE, P((C, "address"), ("cidr", "prefix-len")))
    expect("range", "ingress[1].peer-cidr.prefix-len 129, in the second manifest",
           "manifest-apply",
           [manifest(), ("manifest", nest(("component", "pol-y"), ("ingress", nest(("id", 1))),
                                         ("ingress", nest(("id", 2), ("peer-cidr", nest(
                                             ("addr4", "10.0.0.0"), ("prefix-len", 129)))))))],
           ERANGE, RANGE, P(("apply", "manifest", 1), (M, "ingress", 1), (R, "peer-cidr"),
                             ("cidr", "prefix-len")))
    expect("range", "id 0 (min 1)", "component-new", [name, ("id", 0)], ERANGE, RANGE,
           P((C, "id")))
    expect("range", "egress rule id 0 (min 1)", "manifest-apply",
           [manifest(("egress", nest(("id", 0), ("l4", l4_ok))))], ERANGE, RANGE,
           P(("apply", "manifest"), (M, "egress"), (R, "id")))
    expect("range", "direction 2 (enum dir)", "query",
           [("component", "pol-x"), ("direction", 2), ("proto", 6)], ERANGE, RANGE,
           P((Q, "direction")))
    # nesting
    expect("nesting", "address without NLA_F_NESTED", "component-new",
           [name, ("address@raw", u32(0))], EINVAL, NESTED_MISSING, P((C, "address")))
    expect("nesting", "manifest as a string", "manifest-apply",
           [("manifest@raw", b"pol-x\0")], EINVAL, NESTED_MISSING, P(("apply", "manifest")))
    expect("nesting", "rule.l4 without NLA_F_NESTED", "manifest-apply",
           [manifest(("ingress", nest(("id", 1), ("l4@raw", u32(6)))))], EINVAL, NESTED_MISSING,
           P(("apply", "manifest"), (M, "ingress"), (R, "l4")))
    expect("nesting", "name with NLA_F_NESTED", "component-del",
           [("name@raw", b"pol-x\0", NLA_F_NESTED)], EINVAL, NESTED_NOT, P((C, "name")))
    expect("nesting", "address of 2 bytes, shorter than an attribute", "component-new",
           [name, ("address@raw", b"\1\2", NLA_F_NESTED)], ERANGE, POLICY, P((C, "address")))
    # unknown attribute
    top = max(ATTR[C].values())
    expect("unknown", "attribute type %d (above %s's max)" % (top + 1, C), "component-new",
           [name, ("@type%d" % (top + 1), u32(1))], EINVAL, UNKNOWN, P((C, top + 1)))
    expect("unknown", "attribute type 0", "component-get", [("@type0", u32(1))], EINVAL,
           UNKNOWN, P((C, 0)))
    expect("unknown", "cidr attribute type %d in address" % (max(ATTR["cidr"].values()) + 1),
           "component-new",
           [name, ("address", nest(("addr4", "10.0.0.0"), ("prefix-len", 8),
                                   ("@type%d" % (max(ATTR["cidr"].values()) + 1), u32(1))))],
           EINVAL, UNKNOWN, P((C, "address"), ("cidr", max(ATTR["cidr"].values()) + 1)))
    # an attribute the operation does not take
    expect("not taken", "with id", "component-del", [name, ("id", 7)], EINVAL, UNKNOWN,
           P((C, "id")))
    expect("not taken", "with pad", "component-del", [name, ("pad@raw", b"")], EINVAL,
           UNSUPPORTED, P((C, "pad")))
    # Below the op's highest attribute (to) but not in its
    # policy: the kernel's other text.
    expect("not taken", "with cgroup", "component-rollback",
           [name, ("cgroup", "/x")], EINVAL, UNSUPPORTED, P((C, "cgroup")))
    expect("not taken", "with to", "component-history",
           [name, ("to", 1)], EINVAL, UNKNOWN, P((C, "to")))
    expect("not taken", "with to", "persona-history",
           [("name", "pol-x"), ("to", 1)], EINVAL, UNKNOWN, P(("persona", "to")))
    expect("not taken", "with replace", "persona-rollback",
           [("name", "pol-x"), ("replace@raw", b"")], EINVAL, UNSUPPORTED,
           P(("persona", "replace")))
    expect("not taken", "with address", "stats-reset",
           [name, ("address", cidr_ok)], EINVAL, UNKNOWN, P((C, "address")))
    expect("not taken", "with an attribute above apply's max", "manifest-apply",
           [manifest(), ("@type3", b"pol-x\0")], EINVAL, UNKNOWN, P(("apply", 3)))
    expect("typed", "check flag with a payload", "manifest-apply",
           [manifest(), ("check@raw", b"x")], ERANGE, POLICY, P(("apply", "check")))
    # GET_STATUS takes no attributes: it has no policy. Newer kernels
    # (7.2) refuse any attribute of such an op themselves; on older ones
    # the op validates the same way, so that every kernel answers alike.
    expect("not taken", "with module-version", "get-status",
           [("module-version", "1")], EINVAL, UNKNOWN, P(("status", "module-version")))
    expect("not taken", "with pad", "get-status",
           [("pad@raw", b"")], EINVAL, UNKNOWN, P(("status", "pad")))
    # reply-only
    expect("reply-only", "with stats", "component-get",
           [name, ("stats", nest(("dropped-packets", 1)))], EINVAL, UNKNOWN, P((C, "stats")))
    expect("reply-only", "dump with rules", "component-get",
           [("rules", 1)], EINVAL, UNKNOWN, P((C, "rules")), dump=True)
    expect("reply-only", "with allow", "query",
           [("component", "pol-x"), ("direction", 0), ("proto", 6), ("allow", 1)],
           EINVAL, UNKNOWN, P((Q, "allow")))
    expect("reply-only", "with cgroup-id", "component-new",
           [name, ("cgroup-id", 5)], EINVAL, UNSUPPORTED, P((C, "cgroup-id")))
    expect("reply-only", "with generation", "component-new",
           [name, ("generation", 1)], EINVAL, UNKNOWN, P((C, "generation")))
    expect("reply-only", "with rule-stats", "component-new",
           [name, ("rule-stats", nest(("id", 1)))], EINVAL, UNKNOWN, P((C, "rule-stats")))
    # required: the missing attribute's type (NLMSGERR_ATTR_MISS_TYPE, which
    # ynl prints as its name) and a text.
    for op in ("component-del", "component-rollback"):
        expect("required", "without name", op, [], EINVAL, "a component name is required",
               miss=ATTR[C]["name"])
    for op in ("persona-history", "persona-rollback"):
        expect("required", "without name", op, [], EINVAL, "a persona name is required",
               miss=ATTR["persona"]["name"])
    expect("required", "without direction", "query", [("component", "pol-x"), ("proto", 6)],
           EINVAL, "a query needs a component, a direction and a protocol",
           miss=ATTR[Q]["direction"])


def counters(cgdir):
    """u64 counters as pyroute2 decodes them, against what was sent."""
    cg = cgdir[len("/sys/fs/cgroup"):]
    _, code, ext, _, _ = request("component-new", [("name", "pol-count"), ("cgroup", cg)])
    result(code == 0, "counters: component-new pol-count", ["%s %r" % (ename(code), ext)])
    _, code, ext, _, _ = request("manifest-apply", [("manifest", nest(
        ("component", "pol-count"), ("version", "c1"),
        ("egress", nest(("id", 5), ("peer-cidr", nest(("addr4", "127.0.0.1"), ("prefix-len", 32))),
                        ("l4", nest(("proto", 17), ("port-min", 7998)))))))])
    result(code == 0, "counters: apply egress udp 127.0.0.1:7998 only (rule 5)",
           ["%s %r" % (ename(code), ext)])
    # Each datagram from a new socket: a new flow, judged on its own.
    script = ("import socket, sys\n"
              "ok = 0\n"
              "for port in [7998] * 2 + [7999] * 3:\n"
              "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "    try:\n"
              "        s.sendto(b'x' * 10, ('127.0.0.1', port)); ok += 1\n"
              "    except OSError:\n"
              "        pass\n"
              "    s.close()\n"
              "print(ok)\n")
    sent = subprocess.run(["sh", "-c", 'echo $$ >"$0/cgroup.procs" && exec "$@"', cgdir,
                           sys.executable, "-c", script], capture_output=True, text=True)
    result(sent.stdout.strip() == "2", "counters: 2 datagrams to :7998 leave, 3 to :7999 do not",
           ["sent: %r %r" % (sent.stdout, sent.stderr)])
    msgs, code, ext, _, _ = request("component-get", [("name", "pol-count")])
    stats = {}
    rule_stats = []
    for m in msgs:
        s = m.get_attr("stats")
        if s is not None:
            stats = {k: s.get_attr(k) for k in ("accepted-packets", "accepted-bytes",
                                                  "dropped-packets", "dropped-bytes", "last-hit")}
        rule_stats += [{k: r.get_attr(k) for k in ("direction", "id", "packets", "bytes")}
                       for r in m.get_attrs("rule-stats")]
    detail = ["%s %r; stats %r; rule-stats %r" % (ename(code), ext, stats, rule_stats)]
    # 10 bytes of payload, 8 of UDP header, 20 of IPv4 header.
    result(stats.get("accepted-packets") == 2 and stats.get("dropped-packets") == 3 and
           stats.get("accepted-bytes") == 2 * 38 and stats.get("dropped-bytes") == 3 * 38,
           "counters: pyroute2's uint64 decodes stats: 2 accepted, 3 dropped, 38 bytes each",
           detail)
    result(isinstance(stats.get("last-hit"), int) and stats["last-hit"] > 0,
           "counters: last-hit decodes as a u64 (boot-time ns)", detail)
    result([r for r in rule_stats if r["id"] == 5] ==
           [{"direction": enum("dir", "egress"), "id": 5, "packets": 2, "bytes": 2 * 38}],
           "counters: rule-stats of rule 5 decode: egress, 2 packets, 76 bytes", detail)


def main():
    global sock
    print("TAP version 13")
    sock = GenericNetlinkSocket(ext_ack=True)
    sock.bind(SPEC["name"], msg_class("status"))
    run_cases()
    counters(sys.argv[1])
    print("1..%d" % n)
    print("# %d passed, %d failed" % (n_ok, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
