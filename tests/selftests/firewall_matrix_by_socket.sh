#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# firewall_matrix.sh again, with TCP to and from local sockets followed by
# the socket instead of conntrack (compfw.tcp_by_socket=1): the same
# verdicts, and for the live cut, the socket aborted.
COMPFW_MODPARAMS=tcp_by_socket=1 exec "$(dirname "$0")/firewall_matrix.sh"
