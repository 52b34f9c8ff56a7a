#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Frames from an AF_PACKET socket, for packet_socket.sh. No scapy: its
import takes most of a minute on a loaded VM.

  syn IFACE [--wait S] FAM:PORT:SPORT:HOW...  inject a TCP SYN on IFACE
      (lo) from the loopback address to itself, for each spec; print
      "FAM:PORT:HOW synack" if the listener answered it within S seconds
      (10), else "FAM:PORT:HOW none"
  udp IFACE DPORT TAG HOW          send one UDP frame 10.78.0.1:5000 ->
      10.78.0.2:DPORT, payload TAG, broadcast MAC
  sniff IFACE READYFILE            print the payloads of the UDP frames to
      10.78.0.2 seen on IFACE, until one whose payload is "end"

HOW is "qdisc", or "bypass" for PACKET_QDISC_BYPASS: the frame skips the
qdisc layer. A frame dropped on its way out fails with ENOBUFS: that is
reported as no answer, as it is one.
"""
import errno
import socket
import struct
import sys
import time

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_QDISC_BYPASS = 20
LOOP_MAC = b"\0" * 6


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_frame(fam, src, dst, proto, l4, csum_at, dmac=LOOP_MAC):
    """An Ethernet frame carrying L4 (its checksum at CSUM_AT, or None)."""
    if fam == "4":
        s, d = socket.inet_aton(src), socket.inet_aton(dst)
        pseudo = s + d + struct.pack("!BBH", 0, proto, len(l4))
    else:
        s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
        pseudo = s + d + struct.pack("!IxxxB", len(l4), proto)
    if csum_at is not None:
        l4 = l4[:csum_at] + struct.pack("!H", csum(pseudo + l4)) + l4[csum_at + 2:]
    if fam == "4":
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, s, d)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return dmac + LOOP_MAC + b"\x08\x00" + hdr + l4
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(l4), proto, 64, s, d)
    return dmac + LOOP_MAC + b"\x86\xdd" + hdr + l4


def tx(iface, frame, how):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    if how == "bypass":
        s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    s.bind((iface, 0))
    try:
        s.send(frame)
        return True
    except OSError as e:
        if e.errno != errno.ENOBUFS:
            raise
        return False
    finally:
        s.close()


def rx(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    return s


def tcp_of(data):
    """(sport, dport, flags) of a TCP segment in an Ethernet frame, or None."""
    etype = data[12:14]
    if etype == b"\x08\x00" and data[23] == 6:
        off = 14 + (data[14] & 15) * 4
    elif etype == b"\x86\xdd" and data[20] == 6:
        off = 14 + 40
    else:
        return None
    sport, dport = struct.unpack("!HH", data[off:off + 4])
    return sport, dport, data[off + 13]


def one_syn(iface, fam, port, sport, how, wait):
    addr = "127.0.0.1" if fam == "4" else "::1"
    syn = struct.pack("!HHIIBBHHH", sport, port, 1000, 0, 5 << 4, 2, 65535, 0, 0)
    r = rx(iface)
    if not tx(iface, ip_frame(fam, addr, addr, 6, syn, 16), how):
        return "none"
    # The answer, if any, comes within microseconds, unless the machine is
    # loaded: the caller asks again, waiting longer, when it expected one.
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        r.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            seg = tcp_of(r.recv(65535))
        except socket.timeout:
            break
        if seg and seg[0] == port and seg[1] == sport:
            return "synack" if seg[2] & 0x12 == 0x12 else "flags=%#x" % seg[2]
    return "none"


def cmd_syn(iface, *specs):
    wait = 10.0
    if specs[:1] == ("--wait",):
        wait, specs = float(specs[1]), specs[2:]
    for spec in specs:
        fam, port, sport, how = spec.split(":")
        print("%s:%s:%s %s" % (fam, port, how,
                                one_syn(iface, fam, int(port), int(sport), how, wait)),
              flush=True)


def cmd_udp(iface, dport, tag, how):
    udp = struct.pack("!HHHH", 5000, int(dport), 8 + len(tag), 0) + tag.encode()
    tx(iface, ip_frame("4", "10.78.0.1", "10.78.0.2", 17, udp, None, b"\xff" * 6), how)


def cmd_sniff(iface, ready):
    r = rx(iface)
    r.settimeout(120)
    open(ready, "w").close()
    seen = []
    while True:
        data = r.recv(65535)
        if data[12:14] != b"\x08\x00" or data[23] != 17 or \
                data[30:34] != socket.inet_aton("10.78.0.2"):
            continue
        tag = data[14 + 28:].decode(errors="replace")
        if tag == "end":
            break
        seen.append(tag)
    print(" ".join(sorted(seen)) or "nothing")


if __name__ == "__main__":
    cmds = {"syn": cmd_syn, "udp": cmd_udp, "sniff": cmd_sniff}
    cmds[sys.argv[1]](*sys.argv[2:])
