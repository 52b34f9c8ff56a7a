#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Multicast and broadcast receivers and senders, for mcast_bcast.sh.

  mcast.py recv SPEC...
      SPEC is PORT:GROUP:IFADDR (IPv4: bound to 0.0.0.0:PORT, joined to
      GROUP on the interface with IFADDR; GROUP "-" joins nothing, for
      broadcast) or PORT:GROUP6:IFNAME (IPv6, bound to [::]:PORT). Prints
      "ready", then "got PORT PAYLOAD" for each datagram received.
  mcast.py send SRC DST PORT PAYLOAD [IFNAME]
      one datagram from SRC (with SO_BROADCAST; IPv6 out of IFNAME).
"""
import select
import socket
import struct
import sys


def recv(specs):
    socks = {}
    for spec in specs:
        port, group, where = spec.split(":", 2) if spec.count(":") == 2 \
            else (spec.split(":")[0], ":".join(spec.split(":")[1:-1]),
                  spec.split(":")[-1])
        if ":" in group:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("::", int(port)))
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                         socket.inet_pton(socket.AF_INET6, group) +
                         struct.pack("@I", socket.if_nametoindex(where)))
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", int(port)))
            if group != "-":
                s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                             socket.inet_aton(group) + socket.inet_aton(where))
        socks[s.fileno()] = (s, port)
    print("ready", flush=True)
    while True:
        for fd in select.select(list(socks), [], [])[0]:
            s, port = socks[fd]
            data = s.recv(256)
            print("got", port, data.decode(), flush=True)


def send(src, dst, port, payload, ifname=None):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     socket.inet_aton(src))
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                     socket.if_nametoindex(ifname))
    s.bind((src, 0))
    s.sendto(payload.encode(), (dst, int(port)))


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(sys.argv[2:])
    else:
        send(*sys.argv[2:])
