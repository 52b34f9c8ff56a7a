#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Frames from an AF_PACKET socket, for packet_socket.sh.

  syn IFACE FAMILY PORT SPORT [bypass]  inject a TCP SYN on IFACE (lo) from
      the loopback address to itself; print "synack" if the listener
      answered it, else "none"
  udp IFACE DPORT TAG [bypass]          send one UDP frame 10.78.0.1:5000 ->
      10.78.0.2:DPORT, payload TAG, broadcast MAC
  sniff IFACE READYFILE                 print the payload of every UDP frame
      to 10.78.0.2 seen on IFACE, until one whose payload is "end"

"bypass" sets PACKET_QDISC_BYPASS: the frame skips the qdisc layer.
"""
import socket
import sys
import time

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_QDISC_BYPASS = 20


def tx(iface, frame, bypass):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    if bypass:
        s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    s.bind((iface, 0))
    s.send(bytes(frame))
    s.close()


def rx(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    return s


def cmd_syn(iface, family, port, sport, *opt):
    port, sport = int(port), int(sport)
    ip = IP(src="127.0.0.1", dst="127.0.0.1") if family == "4" else \
        IPv6(src="::1", dst="::1")
    r = rx(iface)
    tx(iface, Ether(src="00:00:00:00:00:00", dst="00:00:00:00:00:00") / ip / TCP(sport=sport, dport=port, flags="S", seq=1000),
       "bypass" in opt)
    # The answer, if any, comes within microseconds; ten seconds is for a
    # loaded machine.
    deadline = time.monotonic() + 10
    got = "none"
    while time.monotonic() < deadline:
        r.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            data = r.recv(65535)
        except socket.timeout:
            break
        pkt = Ether(data)
        if TCP not in pkt or pkt[TCP].sport != port or pkt[TCP].dport != sport:
            continue
        if pkt[TCP].flags & 0x12 == 0x12:
            got = "synack"
        break
    print(got)


def cmd_udp(iface, dport, tag, *opt):
    frame = Ether(dst="ff:ff:ff:ff:ff:ff") / IP(src="10.78.0.1", dst="10.78.0.2") / \
        UDP(sport=5000, dport=int(dport)) / tag.encode()
    tx(iface, frame, "bypass" in opt)


def cmd_sniff(iface, ready):
    r = rx(iface)
    r.settimeout(60)
    open(ready, "w").close()
    seen = []
    while True:
        pkt = Ether(r.recv(65535))
        if UDP not in pkt or IP not in pkt or pkt[IP].dst != "10.78.0.2":
            continue
        tag = bytes(pkt[UDP].payload).decode(errors="replace")
        if tag == "end":
            break
        seen.append(tag)
    print(" ".join(sorted(seen)) or "nothing")


if __name__ == "__main__":
    cmds = {"syn": cmd_syn, "udp": cmd_udp, "sniff": cmd_sniff}
    cmds[sys.argv[1]](*sys.argv[2:])
