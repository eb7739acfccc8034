// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* tiny - the smallest static program: exit(0). Built -static -nostdlib, so
 * an exec of it costs the kernel's exec path and nothing of ld.so or libc. */
void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
}
