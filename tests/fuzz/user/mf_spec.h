/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A manifest compfwctl accepted, handed to the kernel's compiler as the
 * module's netlink.c would hand it (mf_spec.c, built with the kernel shim).
 */
#ifndef _FUZZ_MF_SPEC_H
#define _FUZZ_MF_SPEC_H

#include <stddef.h>

struct manifest;

/*
 * Compile @m with every peer component known. Return: 0, or the compiler's
 * negative errno with its message in @why.
 */
int mf_spec_compile(const struct manifest *m, char *why, size_t size);

#endif
