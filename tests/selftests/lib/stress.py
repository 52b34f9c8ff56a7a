#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic, writers and the checker of the compfw stress selftests.

  stress.py flood ADDR PORT OUT
      a TCP stream to ADDR:PORT (a byte every 10 ms, echoed; connected
      again after an error) and an ICMP echo flood to ADDR (one request
      every 5 ms, one ID); rewrites OUT every 0.2 s with "tcp_echoed=N
      tcp_connects=N tcp_errors=N icmp_sent=N icmp_replies=N
      tcp_last_error=ENAME" (none, or EOF). Runs until killed.
  stress.py hold ADDR PORT OUT
      one TCP connection to ADDR:PORT, a byte every 20 ms, echoed; rewrites
      OUT with "echoed=N error=none" as it goes, and once an error ends it
      "echoed=N error=ENAME" (ECONNABORTED...), then waits to be killed.
  stress.py writer NAME CGROUP LOG SECONDS CTL DIR [SEED]
      for SECONDS, changes component NAME (on CGROUP) through compfwctl CTL
      at random: apply one of the manifests of KINDS with a new version,
      rollback, or delete and add again; appends one JSON line per command
      to LOG: op, version, kind, rc, err, t0 and t1 (CLOCK_MONOTONIC just
      before the command started and just after it ended). The manifest
      files go to DIR. The component must exist with manifest a.0 (the
      caller applies `stress.py manifest NAME a a.0`).
  stress.py manifest NAME KIND VERSION
      prints the manifest of that kind for NAME.
  stress.py probe NAME ADDR LOG SECONDS INDEX
      for SECONDS, probes from this process (so from its cgroup): a new
      flow each time, TCP and UDP to each port of PORTS and ICMP echo to
      ADDR, one thread per destination; appends "NAME PROTO PORT RC T0 T1
      SPORT" per probe to LOG (RC as probe.py's, T0 before the send, T1
      once the answer or the timeout came, SPORT the source port or ICMP
      ID). INDEX (0, 1...) picks the component's own UDP source ports and
      ICMP IDs (environment: UDP_PORTS, UDP_RANGE; see cmd_probe).
  stress.py check DIR NAME...
      the writers' logs (DIR/NAME.ops), the probes' (DIR/NAME.probes) and
      the final `compfwctl -j component show` of each (DIR/NAME.final,
      "absent" when there was no component) against each other; prints
      "ok TEXT" or "fail TEXT" per check, CHECKS lines in all, and "#"
      lines that say what it saw.
"""

import errno
import json
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe as P  # noqa: E402

PEER = "10.79.0.2"
PORTS = (7001, 7002, 7003, 7009)
NEVER = 7009  # no manifest allows it
# What each kind of manifest lets out: (protocol, port), ICMP echo as
# ("icmp", 0).
KINDS = {
    "a": {("tcp", 7001), ("udp", 7001), ("icmp", 0)},
    "b": {("tcp", 7002), ("udp", 7002)},
    "c": {("tcp", 7001), ("tcp", 7003), ("udp", 7003), ("icmp", 0)},
}
CHECKS = 7


def manifest(name, kind, version):
    egress = []
    for i, (proto, port) in enumerate(sorted(KINDS[kind])):
        rule = {"id": i + 1, "peer": {"cidr": PEER + "/32"}, "protocol": proto}
        if proto == "icmp":
            rule["icmp_type"] = 8
        else:
            rule["ports"] = port
        egress.append(rule)
    return {"component": name, "version": version, "egress": egress}


def rewrite(path, text):
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


# ---- traffic ---------------------------------------------------------------

def cmd_flood(args):
    addr, port, out = args[0], int(args[1]), args[2]
    st = {"tcp_echoed": 0, "tcp_connects": 0, "tcp_errors": 0,
          "icmp_sent": 0, "icmp_replies": 0}
    last = ["none"]

    def tcp():
        while True:
            try:
                s = socket.create_connection((addr, port), timeout=60)
                st["tcp_connects"] += 1
                # A late echo is no error: only the connection's end is.
                s.settimeout(None)
                while True:
                    s.send(b"x")
                    data = s.recv(4096)
                    if not data:
                        raise OSError(0, "EOF")
                    st["tcp_echoed"] += len(data)
                    time.sleep(0.01)
            except OSError as e:
                st["tcp_errors"] += 1
                last[0] = errno.errorcode.get(e.errno, str(e.strerror or e))
                time.sleep(0.1)

    def icmp():
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.setblocking(False)
        ident, seq = os.getpid() & 0xFFFF, 0
        while True:
            seq = (seq + 1) & 0xFFFF
            body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + P.PAYLOAD
            body = body[:2] + struct.pack("!H", P.checksum(body)) + body[4:]
            try:
                s.sendto(body, (addr, 0))
                st["icmp_sent"] += 1
            except OSError:
                pass
            while True:
                try:
                    packet = s.recv(65535)
                except OSError:
                    break
                if P.parse_icmp(socket.AF_INET, packet) == (0, ident):
                    st["icmp_replies"] += 1
            time.sleep(0.005)

    for f in (tcp, icmp):
        threading.Thread(target=f, daemon=True).start()
    while True:
        rewrite(out, " ".join("%s=%d" % kv for kv in st.items()) +
                " tcp_last_error=" + last[0])
        time.sleep(0.2)


def cmd_hold(args):
    addr, port, out = args[0], int(args[1]), args[2]
    s = socket.create_connection((addr, port), timeout=60)
    s.settimeout(0.02)
    echoed, error = 0, "none"
    while True:
        try:
            s.send(b"x")
            data = s.recv(4096)
            if not data:
                error = "EOF"
                break
            echoed += len(data)
        except socket.timeout:
            pass
        except OSError as e:
            error = errno.errorcode.get(e.errno, str(e.errno))
            break
        rewrite(out, "echoed=%d error=none" % echoed)
        time.sleep(0.02)
    rewrite(out, "echoed=%d error=%s" % (echoed, error))
    while True:
        time.sleep(3600)


# ---- writers and probes ----------------------------------------------------

def cmd_manifest(args):
    print(json.dumps(manifest(args[0], args[1], args[2])))
    return 0


def cmd_writer(args):
    name, cgroup, log, seconds, ctl, tmp = args[:6]
    rnd = random.Random(int(args[6]) if len(args) > 6 else None)
    end = time.monotonic() + float(seconds)
    seq = 0
    with open(log, "a", buffering=1) as out:

        def run(op, argv, **extra):
            t0 = time.monotonic()
            p = subprocess.run([ctl] + argv, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
            t1 = time.monotonic()
            rec = {"op": op, "rc": p.returncode, "err": p.stderr.strip(),
                   "t0": t0, "t1": t1}
            rec.update(extra)
            out.write(json.dumps(rec) + "\n")

        while time.monotonic() < end:
            r = rnd.random()
            if r < 0.5:
                seq += 1
                kind = rnd.choice(sorted(KINDS))
                version = "%s.%d" % (kind, seq)
                path = os.path.join(tmp, "%s.%s.json" % (name, version))
                with open(path, "w") as f:
                    json.dump(manifest(name, kind, version), f)
                run("apply", ["apply", path], version=version, kind=kind)
                os.unlink(path)
            elif r < 0.75:
                run("rollback", ["component", "rollback", name])
            else:
                run("del", ["component", "del", name])
                run("add", ["component", "add", name, "cgroup", cgroup])
    return 0


def try_flow(proto, addr, port, sport, timeout):
    """One new flow: connect from SPORT (0: the kernel's pick), send, wait
    for the echo. (RC as probe.py's, the source port used.)"""
    stype, pnum = P.PROTOS[proto]
    s = socket.socket(socket.AF_INET, stype, pnum)
    s.settimeout(timeout)
    used = sport
    try:
        if sport:
            s.bind(("0.0.0.0", sport))
        if stype == socket.SOCK_DGRAM:
            s.connect((addr, port))
            used = s.getsockname()[1]
        else:
            # The port is known before the SYN: bind() to port 0 picks it.
            if not sport:
                s.bind(("0.0.0.0", 0))
                used = s.getsockname()[1]
            s.connect((addr, port))
        s.send(P.PAYLOAD)
        deadline = time.monotonic() + timeout
        got = b""
        while len(got) < len(P.PAYLOAD):
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            data = s.recv(4096)
            if not data:
                return P.REFUSED, used
            got += data
        return P.ALLOW, used
    except socket.timeout:
        return P.DENY, used
    except OSError as e:
        if e.errno == errno.EPERM:
            return P.DENY, used
        if e.errno in (errno.ECONNREFUSED, errno.ECONNRESET):
            return P.REFUSED, used
        return P.ERROR, used
    finally:
        s.close()


def cmd_probe(args):
    name, addr, log, seconds, index = args[0], args[1], args[2], \
        float(args[3]), int(args[4])
    # UDP_PORTS=own: each probe's UDP source port is its component's own,
    # 10001 + 1000 * INDEX and up, UDP_RANGE of them over and over, so that
    # a component reuses its own ports within conntrack's 30 s; "any": the
    # kernel's pick. ICMP echo IDs are the component's own, 16384 * INDEX
    # and up.
    own = os.environ.get("UDP_PORTS", "own") == "own"
    prange = int(os.environ.get("UDP_RANGE", "400"))
    end = time.monotonic() + seconds
    lock = threading.Lock()
    out = open(log, "a", buffering=1)
    count = [0, 0]

    def loop(proto, port):
        while time.monotonic() < end:
            with lock:
                if proto == "icmp":
                    count[0] += 1
                    n = count[0]
                else:
                    count[1] += 1
                    n = count[1]
            t0 = time.monotonic()
            if proto == "icmp":
                sport = index * 16384 + n % 16384
                rc, _ = P.probe_ping([addr, "--id", str(sport), "--timeout", "1"])
            elif proto == "udp" and own:
                rc, sport = try_flow(proto, addr, port, 10001 + 1000 * index + n % prange, 1.0)
            else:
                rc, sport = try_flow(proto, addr, port, 0, 1.0)
            t1 = time.monotonic()
            with lock:
                out.write("%s %s %d %d %.6f %.6f %d\n" % (name, proto, port, rc, t0, t1, sport))

    threads = [threading.Thread(target=loop, args=(p, port))
               for p in ("tcp", "udp") for port in PORTS]
    threads.append(threading.Thread(target=loop, args=("icmp", 0)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 0


# ---- the checker -----------------------------------------------------------

UNMANAGED, ABSENT, NONE = "unmanaged", "absent", None


def simulate(ops):
    """Each op's expected outcome from the model, and the states in force:
    [(state, kind or None, from, until)]; and the final state."""
    cur, prev, kinds = "a.0", UNMANAGED, {"a.0": "a", UNMANAGED: None, ABSENT: None}
    states = [[cur, float("-inf"), None]]
    mismatches = []
    for n, o in enumerate(ops):
        if o["op"] == "apply":
            ok, new = cur != ABSENT, (o["version"], cur)
            kinds[o["version"]] = o["kind"]
        elif o["op"] == "rollback":
            ok, new = cur != ABSENT and prev is not NONE, (prev, cur)
        elif o["op"] == "del":
            ok, new = cur != ABSENT, (ABSENT, NONE)
        else:
            ok, new = cur == ABSENT, (UNMANAGED, NONE)
        if ok != (o["rc"] == 0):
            mismatches.append("op %d %s: rc %d (%s), the model says %s" %
                              (n, o["op"], o["rc"], o["err"], "success" if ok else "failure"))
        if o["rc"] != 0:
            continue
        # The old state may be in force until the op ends, the new one
        # from its start.
        states[-1][2] = o["t1"]
        cur, prev = new
        states.append([cur, o["t0"], None])
    states[-1][2] = float("inf")
    return mismatches, [(s, kinds[s], a, b) for s, a, b in states], cur


def allows(kind, proto, port):
    return kind is None or (proto, port if proto != "icmp" else 0) in KINDS[kind]


def final_state(path):
    text = open(path).read().strip()
    if text.startswith("absent"):
        return ABSENT
    m = json.loads(text)["manifest"]
    return m["version"] if m else UNMANAGED


def cmd_check(args):
    d, names = args[0], args[1:]
    results = []
    mism, finals, violations = [], [], []
    counts = {p: {"allow": 0, "deny": 0, "other": 0} for p in ("tcp", "udp", "icmp")}
    never = {"tcp": 0, "udp": 0}
    changes = {}
    allowed = {}
    for name in names:
        ops = [json.loads(line) for line in open(os.path.join(d, name + ".ops"))]
        m, states, last = simulate(ops)
        mism += ["%s: %s" % (name, x) for x in m]
        changes[name] = sum(1 for o in ops if o["rc"] == 0)
        got = final_state(os.path.join(d, name + ".final"))
        if got != last:
            finals.append("%s: show says %s, the last successful change %s" % (name, got, last))
        print("# %s: %d ops, %d changes, final %s" % (name, len(ops), changes[name], got))
        for line in open(os.path.join(d, name + ".probes")):
            _, proto, port, rc, t0, t1, sport = line.split()
            port, rc, t0, t1 = int(port), int(rc), float(t0), float(t1)
            if rc == 0:
                allowed.setdefault((proto, int(sport), port), []).append((name, t0, t1))
            v = {0: "allow", 1: "deny"}.get(rc, "other")
            counts[proto][v] += 1
            if v == "deny" and port == NEVER:
                never[proto] += 1
            if v != "allow":
                continue
            live = [(s, k) for s, k, a, b in states if a <= t1 and b >= t0]
            if not any(allows(k, proto, port) for _, k in live):
                violations.append((name, proto, port, t0, t1, int(sport),
                                   ", ".join(s for s, _ in live)))
    print("# verdicts: %s" % json.dumps(counts))
    # A flow that passed on the tuple of an earlier allowed flow: which
    # one, so that a conntrack entry left behind can be told.
    texts = []
    for name, proto, port, t0, t1, sport, live in violations:
        before = [(n, a, b) for n, a, b in allowed[(proto, sport, port)] if b < t0]
        texts.append("%s %s %d from port %d allowed in [%.6f, %.6f], states in force: %s%s" %
                     (name, proto, port, sport, t0, t1, live,
                      "; the same tuple passed before for %s in [%.6f, %.6f]" % before[-1]
                      if before else ""))
    violations = texts
    results.append((min(changes.values()) >= 5,
                    "each writer made at least 5 successful changes",
                    ["changes: %s" % changes]))
    results.append((not mism, "every command's outcome is the one the model predicts", mism[:20]))
    results.append((not finals, "each component's final state is its writer's last successful change",
                    finals))
    results.append((all(c["allow"] >= 30 for c in counts.values()),
                    "the probes saw at least 30 allowed flows of each protocol",
                    [json.dumps(counts)]))
    results.append((all(c["deny"] >= 10 for c in counts.values()),
                    "and at least 10 denied flows of each protocol",
                    [json.dumps(counts)]))
    results.append((all(n >= 5 for n in never.values()),
                    "the port no manifest allows was denied (tcp and udp, 5 times each at least)",
                    [json.dumps(never)]))
    results.append((not violations,
                    "no flow passed that no manifest possibly in force allowed",
                    violations[:20] + (["... %d in all" % len(violations)] if len(violations) > 20 else [])))
    assert len(results) == CHECKS
    for ok, text, detail in results:
        print("%s %s" % ("ok" if ok else "fail", text))
        if not ok:
            for line in detail:
                print("#: %s" % line)
    return 0


def main():
    cmds = {"flood": cmd_flood, "hold": cmd_hold, "writer": cmd_writer,
            "manifest": cmd_manifest, "probe": cmd_probe, "check": cmd_check}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 3
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
