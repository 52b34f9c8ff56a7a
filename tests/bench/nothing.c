// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest program: it exits at once. Built static and without a C
 * library, so that an exec of it reads nothing but itself (execloop.c).
 */
void _start(void)
{
	__asm__ volatile("mov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall" ::: "memory");
	__builtin_unreachable();
}
