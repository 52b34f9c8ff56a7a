#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-made inputs of the classifier target (fuzz_classify.c's byte layout).

    tests/fuzz/user/seeds.py        writes corpus/classify/seed-*

Each seed is a policy a person would write, or a known edge of the
compiler, followed by tuples aimed at its rules; the fuzzer starts from
them and the replay in make check runs them.
"""
import os
import struct
import sys

TCP, UDP, SCTP, ICMP, ICMP6, GRE = 6, 17, 132, 1, 58, 47
PROTO_SEL = {0: 0, TCP: 1, UDP: 2, SCTP: 3, ICMP: 4, ICMP6: 5, GRE: 6}
ALL, PORTS, TYPE, BADKIND = 0, 1, 2, 3
ANY, COMP, CIDR = 0, 1, 2
INGRESS, EGRESS = 0, 1


def proto(p):
    """The selector bits and the raw byte, if the protocol needs one."""
    if p in PROTO_SEL:
        return PROTO_SEL[p], b""
    return 7, bytes([p])


def l4(p, kind=None, lo=0, hi=None):
    if kind is None:
        kind = PORTS if p in (TCP, UDP, SCTP) else TYPE if p in (ICMP, ICMP6) else ALL
        if kind != ALL and lo == 0 and hi is None:
            kind = ALL
    sel, raw = proto(p)
    hi = lo if hi is None else hi
    return bytes([sel | kind << 3]) + raw + struct.pack("<HH", lo, hi)


def v4(text):
    addr, _, plen = text.partition("/")
    return 4, bytes(int(x) for x in addr.split(".")), int(plen or 32)


def v6(text):
    import ipaddress
    net = ipaddress.ip_network(text, strict=False)
    return 6, net.network_address.packed, net.prefixlen


def cidr(c, raw_plen=False):
    fam, addr, plen = c
    f = (1 if fam == 6 else 0) | (0x10 if raw_plen else 0)
    return bytes([f, plen]) + addr


def rule(rid, peer=ANY, match=None, comp=0, net=None, excepts=(), gen=None,
         non_cidr_excepts=False, host_bits=False):
    """excepts: (prefix length, which bit past the CIDR's to flip) pairs
    for get_except; gen: (count, byte) for gen_excepts."""
    out = bytes([rid]) if rid < 255 else b"\xff" + struct.pack("<I", rid)
    k = peer
    extra = b""
    if gen:
        n, _ = gen
        if n >= 64:
            k |= 7 << 2
            extra = bytes([n - 64])
        else:
            k |= 6 << 2
            extra = bytes([n - 6])
    else:
        k |= len(excepts) << 2
    if non_cidr_excepts:
        k |= 0x20
    if host_bits:
        k |= 0x40
    out += bytes([k]) + extra + (match or l4(0))
    if peer == COMP:
        out += bytes([comp])
    elif peer == CIDR:
        out += cidr(net)
    if gen:
        out += bytes([gen[1]])
    outer = net[2] if net else 0
    for plen, where in excepts:
        out += bytes([max(plen - outer - 1, 0), where])
    return out


def tuple_(direction, fam, p, port, addr=b"", comp=0):
    """A tuple with its address given (4 or 16 bytes) and a u16 port."""
    a = direction | {4: 0, 6: 1, 0: 3}[fam] << 1
    if comp > 3:
        a |= 4 << 5
    else:
        a |= comp << 5
    sel, raw = proto(p)
    out = bytes([a, sel]) + addr.ljust(16 if fam == 6 else 4, b"\0")
    if comp > 3:
        out += bytes([comp])
    return out + raw + struct.pack("<H", port)


def edge_tuple(direction, fam, entry, hi=False, off=0, pool=0):
    """The protocol and port of exposure/rule entry number @entry (its lo,
    or hi), one off with @off, at the first address of pooled CIDR @pool."""
    a = direction | {4: 0, 6: 1}[fam] << 1 | 1 << 3
    p = 3 << 3 | (0x20 if hi else 0) | (0x40 if off else 0) | (0x80 if off > 0 else 0)
    return bytes([a, p, pool, entry])


def header(exposure, n_in, n_out, max_rules=None, fail_after=None, nulls=None):
    h0 = len(exposure)
    extra = b""
    if max_rules is not None:
        h0 |= 8
        extra += bytes([max_rules])
    if fail_after is not None:
        h0 |= 15 << 4
        extra += bytes([fail_after])
    elif nulls is not None:
        h0 |= 14 << 4
        extra += bytes([nulls])
    return bytes([h0, n_in, n_out]) + extra + b"".join(exposure)


def policy(exposure, ingress, egress, tuples=(), **kw):
    return header(exposure, len(ingress), len(egress), **kw) + \
        b"".join(ingress) + b"".join(egress) + b"".join(tuples)


def seeds():
    web_expo = [l4(TCP, PORTS, 8080), l4(UDP, PORTS, 5000, 5010), l4(ICMP, TYPE, 8)]
    web_in = [rule(1, COMP, l4(TCP, PORTS, 8080), comp=2),
              rule(2, CIDR, l4(UDP, PORTS, 53), net=v4("10.0.0.0/8"), excepts=[(16, 7)]),
              rule(3, ANY, l4(ICMP, TYPE, 8))]
    web_out = [rule(4, CIDR, l4(0), net=v6("fd00::/64"))]
    yield "web", policy(web_expo, web_in, web_out, [
        tuple_(INGRESS, 4, TCP, 8080, comp=2),
        tuple_(INGRESS, 4, TCP, 8081, comp=2),
        tuple_(INGRESS, 4, UDP, 53, bytes([10, 1, 2, 3])),
        tuple_(INGRESS, 4, UDP, 53, bytes([10, 0, 2, 3])),
        tuple_(INGRESS, 4, ICMP, 8, bytes([192, 0, 2, 1])),
        tuple_(INGRESS, 6, ICMP, 8, bytes(16)),
        tuple_(EGRESS, 6, TCP, 443, bytes([0xfd] + [0] * 15)),
        tuple_(EGRESS, 4, TCP, 443, bytes([0xfd, 0, 0, 0])),
    ])
    yield "empty", policy([], [], [], [tuple_(EGRESS, 4, TCP, 80), tuple_(INGRESS, 6, UDP, 53)])
    yield "expose-any", policy([l4(0)], [rule(9, ANY, l4(GRE))], [rule(1, ANY, l4(0))], [
        tuple_(INGRESS, 4, GRE, 0), tuple_(INGRESS, 6, 99, 0), tuple_(EGRESS, 0, TCP, 1)])
    # prefixes that nest, with excepts on several levels, both families
    def nested(b):
        """Rules b + 1..b + 8 (IDs are unique across both directions)."""
        return [
            rule(b + 1, CIDR, l4(TCP, PORTS, 1, 1000), net=v4("10.0.0.0/8"),
                 excepts=[(12, 3), (16, 9)]),
            rule(b + 2, CIDR, l4(TCP, PORTS, 80), net=v4("10.16.0.0/12")),
            rule(b + 3, CIDR, l4(TCP, ALL), net=v4("10.16.0.0/16"), excepts=[(24, 20)]),
            rule(b + 4, CIDR, l4(0), net=v4("0.0.0.0/0"), excepts=[(1, 0)]),
            rule(b + 5, CIDR, l4(UDP, PORTS, 53), net=v4("0.0.0.0/0")),
            rule(b + 6, CIDR, l4(TCP, PORTS, 443), net=v6("2001:db8::/32"), excepts=[(48, 40)]),
            rule(b + 7, CIDR, l4(ICMP6, TYPE, 128, 129), net=v6("2001:db8:1::/48")),
            rule(b + 8, CIDR, l4(TCP, PORTS, 443), net=v6("::/0"), excepts=[(1, 0)])]
    nest = nested(0)
    yield "nested-cidrs", policy([l4(0)], nest, nested(20)[::-1], [
        edge_tuple(INGRESS, 4, i, hi=i & 1, off=(i % 3) - 1, pool=i) for i in range(9)] + [
        edge_tuple(EGRESS, 6, i, pool=i) for i in range(9)])
    # one rule with the most excepts allowed, and one with one too many
    yield "excepts-64", policy([], [], [
        rule(1, CIDR, l4(TCP, PORTS, 22), net=v4("172.16.0.0/12"), gen=(64, 0)),
        rule(2, CIDR, l4(0), net=v6("2001:db8::/32"), gen=(40, 1))],
        [edge_tuple(EGRESS, 4, 0, pool=j) for j in range(6)])
    yield "excepts-65", policy([], [rule(1, CIDR, l4(0), net=v4("10.0.0.0/8"), gen=(65, 0))], [])
    # 5 x 64 prefixes in one table: its slots are 2 bytes wide
    yield "wide-slots", policy([l4(TCP, PORTS, 1, 9)], [
        rule(i + 1, CIDR, l4(TCP, PORTS, i + 1), net=v4("10.%d.0.0/16" % i), gen=(63, 4 * i))
        for i in range(5)], [], [edge_tuple(INGRESS, 4, 1 + i, pool=i) for i in range(5)])
    comp = [rule(15, COMP, l4(TCP, PORTS, 5432), comp=42),
            rule(13, COMP, l4(0), comp=255),
            rule(14, COMP, l4(ICMP6, TYPE, 128), comp=42),
            rule(16, COMP, l4(UDP, PORTS, 53), comp=42),
            rule(0xfffffffe, COMP, l4(SCTP, ALL), comp=1)]
    yield "components", policy([], [], comp, [
        tuple_(EGRESS, 4, TCP, 5432, comp=42), tuple_(EGRESS, 6, ICMP6, 128, comp=42),
        tuple_(EGRESS, 4, ICMP6, 128, comp=42), tuple_(EGRESS, 6, ICMP, 128, comp=255),
        tuple_(EGRESS, 4, SCTP, 9, comp=1), tuple_(EGRESS, 4, UDP, 53, comp=43)])
    yield "lowest-id", policy([l4(0)], [
        rule(200, ANY, l4(TCP, PORTS, 0, 65535)), rule(100, ANY, l4(TCP, PORTS, 80)),
        rule(50, CIDR, l4(TCP, PORTS, 80, 90), net=v4("192.0.2.0/24")),
        rule(10, COMP, l4(TCP, PORTS, 85, 95), comp=3)], [], [
        tuple_(INGRESS, 4, TCP, 85, bytes([192, 0, 2, 1]), comp=3),
        tuple_(INGRESS, 4, TCP, 80, bytes([192, 0, 2, 1])),
        tuple_(INGRESS, 4, TCP, 96, comp=3)])
    # invalid specs: each should name its first bad entry
    yield "bad-duplicate-id", policy([], [rule(7, ANY), rule(5, ANY), rule(7, ANY)], [rule(5, ANY)])
    yield "bad-id-0", policy([], [rule(0, ANY)], [])
    yield "bad-port-range", policy([l4(TCP, PORTS, 90, 80)], [], [])
    yield "bad-icmp-type", policy([], [], [rule(1, ANY, l4(ICMP6, TYPE, 200, 300))])
    yield "bad-kinds", policy([l4(GRE, PORTS, 1, 2), l4(0, TYPE, 1, 1), l4(TCP, BADKIND)], [], [])
    yield "bad-host-bits", policy([], [rule(1, CIDR, l4(0), net=(4, bytes([10, 0, 0, 1]), 8),
                                          host_bits=True)], [])
    yield "bad-except-outside", policy([], [
        rule(1, CIDR, l4(0), net=v4("10.0.0.0/16"), excepts=[(17, 3)]),
        rule(2, CIDR, l4(0), net=v4("10.0.0.0/32"), excepts=[(1, 0)])], [])
    yield "bad-icmp-family", policy([], [rule(1, CIDR, l4(ICMP, TYPE, 8), net=v6("fd00::/8"))], [])
    yield "bad-except-non-cidr", policy([], [rule(1, COMP, l4(0), comp=4, excepts=[(1, 1)],
                                                  non_cidr_excepts=True)], [])
    yield "bad-peer", policy([], [rule(1, COMP, l4(0), comp=0), rule(2, 3, l4(0))], [])
    yield "max-rules", policy([l4(0)] * 2, [rule(1, ANY), rule(2, ANY)], [rule(3, ANY)],
                              max_rules=2)
    yield "alloc-failure", policy([l4(TCP, PORTS, 1, 2)], nest, comp, fail_after=20)
    yield "null-lists", policy([l4(0)], [rule(1, CIDR, l4(0), net=v4("10.0.0.0/8"),
                                              excepts=[(9, 1)])], [rule(2, ANY)], nulls=8)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "classify")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
