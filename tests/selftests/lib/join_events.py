#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Join compfw's "events" multicast group on a raw generic netlink socket,
# as any program could without compfwctl. Prints "joined" or the errno name.
import errno
import socket
import struct

NETLINK_GENERIC, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 16, 270, 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2


def attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack("HH", data[:4])
        out[atype & 0x3fff] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
name = b"compfw\0"
attr = struct.pack("HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
attr += b"\0" * (-len(attr) % 4)
msg = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr
s.send(struct.pack("IHHII", 16 + len(msg), GENL_ID_CTRL, 1, 1, 0) + msg)
reply = s.recv(65536)
group = None
for grp in attrs(attrs(reply[20:])[CTRL_ATTR_MCAST_GROUPS]).values():
    g = attrs(grp)
    if g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0") == b"events":
        group = struct.unpack("I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
try:
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
    print("joined")
except OSError as e:
    print(errno.errorcode[e.errno])
