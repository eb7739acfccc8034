// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * exit0 - the cheapest exec there is (no libc, two pages): exit(0) at once.
 * The VM's exec storm runs it, so the figure is the exec path itself (and
 * the module's share of it), not a C runtime starting under emulation.
 */
void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}
