#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Packets compfw cannot parse, sent from raw sockets (IP_HDRINCL).

  rawsend.py TAG KIND...
      sends one packet of each KIND from 10.78.0.1 / fd78::1 to 10.78.0.2 /
      fd78::2, marked with IPv4 ID (or IPv6 flow label) TAG*16 + n, n the
      KIND's number below; prints "sent KIND MARK" or "error KIND ERRNO".

Kinds (n): v4-short-tcp (1) and v4-short-udp (2), an L4 header cut short;
v4-frag (3), a later fragment, from a socket with IP_NODEFRAG so that
nf_defrag does not hold it; v6-short-tcp (4); v6-chain (5), a destination
options header followed by one that is not there; v6-frag (6), a later
fragment.

The packets are built with scapy but sent from AF_INET/AF_INET6 raw sockets,
not scapy's send(), which writes to an AF_PACKET socket below netfilter.
"""
import socket
import sys

from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment
from scapy.packet import Raw

IP_NODEFRAG = 22
SRC4, DST4, SRC6, DST6 = "10.78.0.1", "10.78.0.2", "fd78::1", "fd78::2"
KINDS = ["v4-short-tcp", "v4-short-udp", "v4-frag",
         "v6-short-tcp", "v6-chain", "v6-frag"]


def build(kind, mark):
    if kind == "v4-short-tcp":
        return IP(src=SRC4, dst=DST4, id=mark, proto=6) / Raw(b"\x1b\x58\x1b")
    if kind == "v4-short-udp":
        return IP(src=SRC4, dst=DST4, id=mark, proto=17) / Raw(b"\x1b\x58")
    if kind == "v4-frag":
        return IP(src=SRC4, dst=DST4, id=mark, proto=17, frag=2) / Raw(b"f" * 16)
    if kind == "v6-short-tcp":
        return IPv6(src=SRC6, dst=DST6, fl=mark, nh=6) / Raw(b"\x1b\x58\x1b")
    if kind == "v6-chain":
        # Destination options, 8 bytes, "next header: destination options".
        return IPv6(src=SRC6, dst=DST6, fl=mark, nh=60) / \
            Raw(bytes([60, 0, 1, 4, 0, 0, 0, 0]))
    if kind == "v6-frag":
        return IPv6(src=SRC6, dst=DST6, fl=mark) / \
            IPv6ExtHdrFragment(nh=17, offset=2, m=0, id=mark) / Raw(b"f" * 16)
    raise SystemExit("unknown kind " + kind)


def main():
    tag = int(sys.argv[1])
    for kind in sys.argv[2:]:
        mark = tag * 16 + KINDS.index(kind) + 1
        pkt = build(kind, mark)
        v6 = kind.startswith("v6")
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,
                          socket.SOCK_RAW, socket.IPPROTO_RAW)
        if not v6:
            s.setsockopt(socket.SOL_IP, IP_NODEFRAG, 1)
        try:
            s.sendto(bytes(pkt), (DST6 if v6 else DST4, 0))
            print("sent", kind, mark, flush=True)
        except OSError as e:
            print("error", kind, e.errno, flush=True)
        s.close()


if __name__ == "__main__":
    main()
