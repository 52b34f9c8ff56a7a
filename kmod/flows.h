/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_FLOWS_H
#define _COMPFW_FLOWS_H

struct compfw_net;

void compfw_flows_recheck(struct compfw_net *cnet);

#endif /* _COMPFW_FLOWS_H */
