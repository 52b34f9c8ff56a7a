#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rule sets for the benchmark (tests/bench/vm-bench.sh), equivalent in
compfw, iptables and nftables.

  gen-rules.py OUTDIR COMPONENTS RULES_PER_COMPONENT DEST PORT

Component i (c0000, c0001, ...; cgroup /bench/cNNNN) gets RULES_PER_COMPONENT
egress rules; rule j allows TCP to 100.64.0.0 + i*R + j (a /32 that no
packet of the benchmark is sent to) on port 1000 + j, except the last rule
of the last component, which allows TCP to DEST port PORT: the flow under
test matches only the last rule installed. Writes:

  compfw.json    one manifest per component (a batch for compfwctl apply)
  compfw-empty.json  the same components, each with an empty manifest
  iptables.rules iptables-restore input: conntrack's ESTABLISHED,RELATED
                 first, then per component its rules (-d, -p tcp --dport,
                 -m cgroup --path) and a DROP for the rest of its traffic
  nft.rules      nft -f input: the same policy the way nftables does it
                 best, two sets looked up by hash: (cgroup . daddr . dport)
                 allowed, cgroup managed
  replace-a.json, replace-b.json  the last component's manifest in two
                 versions (rule 1's port differs), for "replace one
                 component"; both keep the rule under test last
"""
import ipaddress
import json
import os
import sys


def main():
    out, ncomp, nrules, dest, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    base = int(ipaddress.IPv4Address("100.64.0.0"))
    comps = []
    for i in range(ncomp):
        name = "c%04d" % i
        rules = []
        for j in range(nrules):
            if i == ncomp - 1 and j == nrules - 1:
                rules.append((dest, port))
            else:
                rules.append((str(ipaddress.IPv4Address(base + i * nrules + j)), 1000 + j))
        comps.append((name, rules))

    def manifest(name, rules, bump=0):
        return {"component": name, "exposure": [], "ingress": [],
                "egress": [{"id": j + 1, "peer": {"cidr": a + "/32"}, "protocol": "tcp",
                            "ports": p + (bump if j == 0 else 0)}
                           for j, (a, p) in enumerate(rules)]}

    with open(os.path.join(out, "compfw.json"), "w") as f:
        json.dump([manifest(n, r) for n, r in comps], f, separators=(",", ":"))
    with open(os.path.join(out, "compfw-empty.json"), "w") as f:
        json.dump([manifest(n, []) for n, _ in comps], f, separators=(",", ":"))
    last_name, last_rules = comps[-1]
    for tag, bump in (("a", 0), ("b", 1)):
        with open(os.path.join(out, "replace-%s.json" % tag), "w") as f:
            json.dump(manifest(last_name, last_rules, bump), f)

    with open(os.path.join(out, "iptables.rules"), "w") as f:
        f.write("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n")
        f.write("-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n")
        for name, rules in comps:
            for a, p in rules:
                f.write("-A OUTPUT -d %s/32 -p tcp -m tcp --dport %d -m cgroup --path bench/%s -j ACCEPT\n"
                        % (a, p, name))
            f.write("-A OUTPUT -m cgroup --path bench/%s -j DROP\n" % name)
        f.write("COMMIT\n")

    with open(os.path.join(out, "nft.rules"), "w") as f:
        f.write("table inet bench {\n")
        f.write("\tset allow {\n\t\ttypeof socket cgroupv2 level 2 . ip daddr . tcp dport\n"
                "\t\tsize %d\n\t\telements = {\n" % (ncomp * nrules + 1024))
        f.write(",\n".join('\t\t\t"bench/%s" . %s . %d' % (n, a, p) for n, r in comps for a, p in r))
        f.write("\n\t\t}\n\t}\n")
        f.write("\tset managed {\n\t\ttypeof socket cgroupv2 level 2\n"
                "\t\tsize %d\n\t\telements = {\n" % (ncomp + 1024))
        f.write(",\n".join('\t\t\t"bench/%s"' % n for n, _ in comps))
        f.write("\n\t\t}\n\t}\n")
        f.write("\tchain out {\n\t\ttype filter hook output priority filter; policy accept;\n"
                "\t\tct state established,related accept\n"
                "\t\tsocket cgroupv2 level 2 . ip daddr . tcp dport @allow accept\n"
                "\t\tsocket cgroupv2 level 2 @managed drop\n\t}\n}\n")


if __name__ == "__main__":
    main()
