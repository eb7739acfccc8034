// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sysloop N - N getppid() system calls (raw syscall(2), no libc caching):
 * prints the mean ns per call. The syscall tax of a per-syscall program is
 * this figure with the agent minus without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	struct timespec a, b;

	if (n <= 0) {
		fprintf(stderr, "usage: sysloop N\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
