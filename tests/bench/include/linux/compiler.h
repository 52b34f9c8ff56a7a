/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H
#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#endif
