/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_HOOKS_H
#define _COMPFW_HOOKS_H

struct compfw_net;

int compfw_hooks_register(struct compfw_net *cnet);
void compfw_hooks_unregister(struct compfw_net *cnet);

#endif /* _COMPFW_HOOKS_H */
