#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reachability probes for the compfw selftests.

The caller puts this process in the cgroup and network namespace a probe
stands for; every socket it opens is that component's.

  probe.py serve PROTO:PORT[@ADDR,...]...
      echo servers (tcp, udp, sctp) on 0.0.0.0 and :: (v6only), or on the
      addresses given, for every PROTO:PORT; UDP answers from the address
      it was sent to. Prints "ready" once all are bound, runs until killed.
  probe.py try PROTO ADDR PORT [--from SRC] [--sport P] [--no-wait] [--timeout S]
      one connect()/send(), from port P if given (SO_REUSEADDR), then wait
      for the echo; --no-wait only sends.
  probe.py hear PORT [--timeout S]
      a UDP socket bound to PORT (SO_REUSEADDR) prints "ready", exits 0
      when a datagram is delivered to it, 1 when none came.
  probe.py ping ADDR [--id N] [--from SRC] [--reply] [--no-wait] [--timeout S]
      one ICMP/ICMPv6 echo request (raw socket, chosen ID) and wait for the
      echo reply with that ID; --reply sends an echo reply instead (an
      unsolicited one) and --no-wait does not wait for anything.
  probe.py sniff SRC ID [--timeout S]
      raw ICMP listener: prints "ready", exits 0 when an echo reply with ID
      from SRC is delivered to this host, 1 when none came.
  probe.py batch [OPTIONS]
      many try/ping probes at once, one per stdin line "TAG try|ping
      ARGS..." (OPTIONS are appended to each); prints "TAG RC MESSAGE"
      per probe, so that a cell costs a thread, not a Python start.
  probe.py stream ADDR PORT MARK [SECONDS]
      a TCP client sending a byte every 20 ms and reading the echoes;
      prints "connected", then "flowing" once 5 bytes came back. Once the
      file MARK exists, it notes the bytes sent so far (mark) and goes on
      for SECONDS (2) or until an error ends it (ended before MARK, it
      waits for MARK: all it sent came before); then prints "sent=N
      echoed=M mark=K error=E", E the errno name that ended it
      (ECONNABORTED...) or "none". The caller makes MARK when a change has
      been made: echoed > mark means a byte sent after it came back.

Exit status of try/ping/sniff: 0 allowed (echo seen), 1 denied (nothing came
back, or the send itself was refused with EPERM), 2 refused (RST, SCTP
ABORT or an ICMP error came back: the flow reached a closed port), 3 a
setup error. One line on stdout says why.
"""

import errno
import os
import select
import socket
import struct
import sys
import threading
import time

ALLOW, DENY, REFUSED, ERROR = 0, 1, 2, 3
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # <linux/in.h>, missing before Python 3.12
PROTOS = {
    "tcp": (socket.SOCK_STREAM, socket.IPPROTO_TCP),
    "udp": (socket.SOCK_DGRAM, socket.IPPROTO_UDP),
    "sctp": (socket.SOCK_STREAM, socket.IPPROTO_SCTP),
}
PAYLOAD = b"compfw-probe\n"


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def opts(args, defaults):
    """--key value / --flag options after the positional arguments."""
    pos, kw = [], dict(defaults)
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            key = a[2:].replace("-", "_")
            if isinstance(kw.get(key), bool):
                kw[key] = True
                i += 1
            else:
                kw[key] = args[i + 1]
                i += 2
        else:
            pos.append(a)
            i += 1
    return pos, kw


# ---- servers ---------------------------------------------------------------

def echo_stream(conn):
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass
    finally:
        conn.close()


def serve_stream(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            continue
        threading.Thread(target=echo_stream, args=(conn,), daemon=True).start()


def serve_dgram(sock):
    """Echo from the address the datagram came to, not the routing's pick."""
    v6 = sock.family == socket.AF_INET6
    level = socket.IPPROTO_IPV6 if v6 else socket.IPPROTO_IP
    opt = socket.IPV6_PKTINFO if v6 else IP_PKTINFO
    sock.setsockopt(level, socket.IPV6_RECVPKTINFO if v6 else IP_PKTINFO, 1)
    while True:
        try:
            data, anc, _, peer = sock.recvmsg(4096, socket.CMSG_SPACE(32))
            cmsg = [(lv, ty, d) for lv, ty, d in anc if lv == level and ty == opt]
            sock.sendmsg([data], cmsg, 0, peer)
        except OSError:
            pass


def cmd_serve(args):
    threads = []
    for spec in args:
        spec, _, only = spec.partition("@")
        proto, port = spec.split(":")
        stype, pnum = PROTOS[proto]
        addrs = [(family_of(a), a) for a in only.split(",")] if only else \
            [(socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")]
        for fam, addr in addrs:
            s = socket.socket(fam, stype, pnum)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, int(port)))
            if stype == socket.SOCK_STREAM:
                s.listen(64)
                target = serve_stream
            else:
                target = serve_dgram
            threads.append(threading.Thread(target=target, args=(s,), daemon=True))
    for t in threads:
        t.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


# ---- clients ---------------------------------------------------------------

def probe_try(args):
    pos, kw = opts(args, {"from": None, "sport": "0", "timeout": "1",
                          "no_wait": False})
    proto, addr, port = pos
    timeout = float(kw["timeout"])
    stype, pnum = PROTOS[proto]
    s = socket.socket(family_of(addr), stype, pnum)
    s.settimeout(timeout)
    try:
        if kw["from"] or kw["sport"] != "0":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((kw["from"] or "", int(kw["sport"])))
        s.connect((addr, int(port)))
        s.send(PAYLOAD)
        if kw["no_wait"]:
            return ALLOW, "sent"
        deadline = time.monotonic() + timeout
        got = b""
        while len(got) < len(PAYLOAD):
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            data = s.recv(4096)
            if not data:
                        return REFUSED, "closed before the echo"
            got += data
        return ALLOW, "echo"
    except socket.timeout:
        return DENY, "timeout"
    except OSError as e:
        if e.errno == errno.EPERM:
            return DENY, "EPERM (dropped on output)"
        if e.errno in (errno.ECONNREFUSED, errno.ECONNRESET):
            return REFUSED, os.strerror(e.errno)
        return ERROR, "error: %s" % e
    finally:
        s.close()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def icmp_socket(addr):
    if family_of(addr) == socket.AF_INET6:
        return socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)


def echo_types(fam):
    """(request, reply) types of the family."""
    return (128, 129) if fam == socket.AF_INET6 else (8, 0)


def parse_icmp(fam, packet):
    """(type, id) of an echo packet as a raw socket returns it."""
    if fam == socket.AF_INET:
        packet = packet[(packet[0] & 0x0F) * 4:]
    if len(packet) < 8:
        return None, None
    return packet[0], struct.unpack("!H", packet[4:6])[0]


def wait_echo(s, fam, addr, ident, rtype, timeout):
    deadline = time.monotonic() + timeout
    want = socket.inet_pton(fam, addr)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if not select.select([s], [], [], left)[0]:
            return False
        packet, peer = s.recvfrom(65535)
        if socket.inet_pton(fam, peer[0]) != want:
            continue
        if parse_icmp(fam, packet) == (rtype, ident):
            return True


def probe_ping(args):
    pos, kw = opts(args, {"from": None, "id": str(os.getpid() & 0xFFFF),
                          "timeout": "1", "reply": False, "no_wait": False})
    addr = pos[0]
    fam = family_of(addr)
    ident = int(kw["id"]) & 0xFFFF
    req, rep = echo_types(fam)
    s = icmp_socket(addr)
    try:
        if kw["from"]:
            s.bind((kw["from"], 0))
        itype = rep if kw["reply"] else req
        body = struct.pack("!BBHHH", itype, 0, 0, ident, 1) + PAYLOAD
        if fam == socket.AF_INET:
            body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
        # ICMPv6: the kernel computes the checksum of raw ICMPv6 sockets.
        s.sendto(body, (addr, 0))
        if kw["no_wait"]:
            return ALLOW, "sent"
        if wait_echo(s, fam, addr, ident, rep, float(kw["timeout"])):
            return ALLOW, "echo reply"
        return DENY, "timeout"
    except OSError as e:
        if e.errno == errno.EPERM:
            return DENY, "EPERM (dropped on output)"
        return ERROR, "error: %s" % e
    finally:
        s.close()


def cmd_sniff(args):
    pos, kw = opts(args, {"timeout": "1.5"})
    src, ident = pos[0], int(pos[1])
    fam = family_of(src)
    s = icmp_socket(src)
    print("ready", flush=True)
    seen = wait_echo(s, fam, src, ident, echo_types(fam)[1], float(kw["timeout"]))
    print("delivered" if seen else "not delivered")
    return ALLOW if seen else DENY


def cmd_hear(args):
    pos, kw = opts(args, {"timeout": "1.5"})
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", int(pos[0])))
    print("ready", flush=True)
    heard = select.select([s], [], [], float(kw["timeout"]))[0]
    print("heard" if heard else "not heard")
    return ALLOW if heard else DENY


def cmd_stream(args):
    addr, port, mark = args[0], int(args[1]), args[2]
    after = float(args[3]) if len(args) > 3 else 2.0
    s = socket.create_connection((addr, port), timeout=60)
    s.settimeout(0.02)
    sent, echoed, error = 0, 0, "none"
    marked, end, flowing = None, None, False
    print("connected", flush=True)
    while end is None or time.monotonic() < end:
        # Every byte counted in the mark was sent before MARK was seen, so
        # before the change: a late look at MARK only makes mark larger.
        if marked is None and os.path.exists(mark):
            marked, end = sent, time.monotonic() + after
        try:
            sent += 1
            s.send(b"x")
            echoed += len(s.recv(4096))
        except socket.timeout:
            pass
        except OSError as e:
            error = errno.errorcode.get(e.errno, str(e.errno))
            break
        if not flowing and echoed >= 5:
            print("flowing", flush=True)
            flowing = True
        time.sleep(0.02)
    # An error (the cut itself, in the change) came before MARK: nothing
    # was sent after it.
    while marked is None:
        if os.path.exists(mark):
            marked = sent
        else:
            time.sleep(0.05)
    print("sent=%d echoed=%d mark=%s error=%s" % (sent, echoed, marked, error),
          flush=True)
    return ALLOW


def printed(probe):
    def cmd(args):
        rc, msg = probe(args)
        print(msg)
        return rc
    return cmd


def cmd_batch(args):
    """Probes read from stdin, "TAG try|ping ARGS...", run all at once;
    prints "TAG RC MESSAGE" for each as it finishes."""
    lock = threading.Lock()
    probes = {"try": probe_try, "ping": probe_ping}

    def run(tag, words):
        try:
            rc, msg = probes[words[0]](words[1:] + args)
        except Exception as e:  # a bad line must not hide the others
            rc, msg = ERROR, "error: %r" % e
        with lock:
            print(tag, rc, msg, flush=True)

    threads = []
    for line in sys.stdin:
        words = line.split()
        if len(words) < 2:
            continue
        t = threading.Thread(target=run, args=(words[0], words[1:]))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return 0


def main():
    cmds = {"serve": cmd_serve, "try": printed(probe_try),
            "ping": printed(probe_ping), "sniff": cmd_sniff, "hear": cmd_hear,
            "stream": cmd_stream, "batch": cmd_batch}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return ERROR
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
