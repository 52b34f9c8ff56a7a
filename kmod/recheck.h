/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_RECHECK_H
#define _COMPFW_RECHECK_H

struct compfw_net;

void compfw_recheck_flows(struct compfw_net *cnet);

#endif /* _COMPFW_RECHECK_H */
