/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFW_VERSION_H
#define _COMPFW_VERSION_H

#define COMPFW_VERSION "0.1.0"

#endif /* _COMPFW_VERSION_H */
