// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * storm - the bench workloads, timed with CLOCK_MONOTONIC around the loop
 * only (no fork of a shell, no interpreter start-up in the figure).
 *
 *   storm exec PATH N         posix_spawn(PATH) + waitpid, N times
 *   storm execdir DIR N       posix_spawn(DIR/b00000 .. DIR/b<N-1>) once each
 *   storm connect PORT N      N x (TCP connect to 127.0.0.1:PORT + close);
 *                             the listener is a thread of this process
 *   storm readtree DIR...     open+read+close every regular file under the DIRs
 *
 * Prints one line: "<mode> ops <N> seconds <S> ops_per_sec <R>", exit 0; any
 * failed operation is fatal (exit 1) so a denied or broken run never
 * passes for a fast one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *mode, long n, double secs)
{
	printf("%s ops %ld seconds %.6f ops_per_sec %.1f\n", mode, n, secs, n / secs);
}

static int spawn_wait(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	pid_t pid;
	int st, err;

	err = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "storm: posix_spawn %s: %s\n", path, strerror(err));
		return -1;
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "storm: %s did not exit 0 (status 0x%x)\n", path, st);
		return -1;
	}
	return 0;
}

static int do_exec(const char *path, long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++)
		if (spawn_wait(path))
			return 1;
	report("exec", n, now() - t0);
	return 0;
}

static int do_execdir(const char *dir, long n)
{
	char path[4096];
	double t0, secs = 0;

	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/b%05ld", dir, i);
		t0 = now();
		if (spawn_wait(path))
			return 1;
		secs += now() - t0;
	}
	report("execdir", n, secs);
	return 0;
}

static void *listener(void *arg)
{
	int ls = *(int *)arg;

	for (;;) {
		int c = accept(ls, NULL, NULL);

		if (c >= 0)
			close(c);
	}
	return NULL;
}

static int do_connect(int port, long n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 }; /* RST: no TIME_WAIT pile-up */
	int one = 1, ls;
	pthread_t th;
	double t0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4096)) {
		fprintf(stderr, "storm: listen 127.0.0.1:%d: %s\n", port, strerror(errno));
		return 1;
	}
	if (pthread_create(&th, NULL, listener, &ls)) {
		fprintf(stderr, "storm: listener thread failed\n");
		return 1;
	}
	t0 = now();
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
			fprintf(stderr, "storm: connect #%ld: %s\n", i, strerror(errno));
			return 1;
		}
		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(s);
	}
	report("connect", n, now() - t0);
	return 0;
}

static long files_read;
static char buf[1 << 16];

static int read_one(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	int fd;
	ssize_t r;

	(void)sb;
	(void)f;
	if (type != FTW_F)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "storm: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	if (r < 0)
		return 1;
	files_read++;
	return 0;
}

static int do_readtree(char **dirs, int n)
{
	double t0 = now();

	for (int i = 0; i < n; i++)
		if (nftw(dirs[i], read_one, 64, FTW_PHYS))
			return 1;
	report("readtree", files_read, now() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "exec"))
		return do_exec(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "execdir"))
		return do_execdir(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return do_connect(atoi(argv[2]), atol(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "readtree"))
		return do_readtree(argv + 2, argc - 2);
	fprintf(stderr, "usage: storm exec PATH N | execdir DIR N | connect PORT N | readtree DIR...\n");
	return 2;
}
