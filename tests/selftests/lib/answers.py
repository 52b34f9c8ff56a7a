#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Group membership and the kernel's answers, for kernel_answers.sh.

  answers.py join ADDR4 GROUP4 IFNAME GROUP6
      joins GROUP4 on the interface with ADDR4 and GROUP6 on IFNAME (so that
      the kernel sends IGMP and MLD reports), prints "joined", stays.
  answers.py refused tcp|udp ADDR PORT
      connect() over TCP, or send on a connected UDP socket and wait for
      the answer; prints "refused" (ECONNREFUSED: a RST or ICMP port
      unreachable came back), "timeout" or the error's name.
"""
import errno
import socket
import struct
import sys
import time


def join(addr4, group4, ifname, group6):
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                  socket.inet_aton(group4) + socket.inet_aton(addr4))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                  socket.inet_pton(socket.AF_INET6, group6) +
                  struct.pack("@I", socket.if_nametoindex(ifname)))
    print("joined", flush=True)
    time.sleep(600)


def refused(proto, addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    typ = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, typ)
    # Every caller expects an answer: wait long, so that only its absence
    # (not a slow machine) reads "timeout".
    s.settimeout(60)
    try:
        s.connect((addr, int(port)))
        if proto == "udp":
            s.send(b"x")
            s.recv(16)
        print("connected")
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))


if __name__ == "__main__":
    if sys.argv[1] == "join":
        join(*sys.argv[2:6])
    else:
        refused(*sys.argv[2:5])
