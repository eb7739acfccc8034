// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sysloop N - N getppid() system calls (raw syscall(2), no libc caching):
 * prints the mean ns per call, best of 5 batches of N/5, in this thread's
 * CPU time (CLOCK_THREAD_CPUTIME_ID: time spent preempted on this shared
 * machine does not count). The syscall tax of a per-syscall program is this
 * figure with the agent minus without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	double best = 0;

	if (n <= 0) {
		fprintf(stderr, "usage: sysloop N\n");
		return 2;
	}
	for (int r = 0; r < 5; r++) {
		struct timespec a, b;
		double ns;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		for (long i = 0; i < n / 5; i++)
			syscall(SYS_getppid);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (n / 5);
		if (!r || ns < best)
			best = ns;
	}
	printf("%.1f\n", best);
	return 0;
}
