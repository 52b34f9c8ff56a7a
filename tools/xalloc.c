// SPDX-License-Identifier: GPL-2.0
/* Allocation for compfwctl, which gives up when memory runs out. */

#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

static void *checked(void *p)
{
	if (!p) {
		fputs("compfwctl: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Zeroed room for @n elements of @size; never NULL, even for none. */
void *xcalloc(size_t n, size_t size)
{
	return checked(calloc(n ? n : 1, size));
}

/*
 * @v with room for at least @need elements of @size, @cap of them now:
 * doubled as often as needed, so that growing one by one stays linear.
 */
void *xgrow(void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return v;
	if (!*cap)
		*cap = 16;
	while (*cap < need)
		*cap *= 2;
	return checked(realloc(v, *cap * size));
}
