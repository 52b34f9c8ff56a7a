/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_ASM_BYTEORDER_H
#define _SHIM_ASM_BYTEORDER_H
#include <linux/types.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define be32_to_cpu(x)	((u32)__builtin_bswap32((__force u32)(x)))
#define cpu_to_be32(x)	((__force __be32)__builtin_bswap32((u32)(x)))
#define be16_to_cpu(x)	((u16)__builtin_bswap16((__force u16)(x)))
#define cpu_to_be16(x)	((__force __be16)__builtin_bswap16((u16)(x)))
#else
#define be32_to_cpu(x)	((__force u32)(x))
#define cpu_to_be32(x)	((__force __be32)(x))
#define be16_to_cpu(x)	((__force u16)(x))
#define cpu_to_be16(x)	((__force __be16)(x))
#endif
#endif
