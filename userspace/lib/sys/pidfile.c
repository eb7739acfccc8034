// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "localpolicy.h"
#include "log.h"

static int read_pid(int fd, pid_t *pid)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long v;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf || (*end != '\n' && *end != '\0') || v <= 0 || v > INT_MAX)
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

int emb_pidfile_acquire(const char *state_dir, pid_t *holder)
{
	char path[PATH_MAX], line[32];
	int fd, n, err = emb_mkdir_p(state_dir, 0700);

	err = err ?: emb_path_join(path, sizeof(path), state_dir, EMB_PIDFILE_NAME);
	if (err)
		return err;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (err == -EBUSY && holder && read_pid(fd, holder))
			*holder = 0;
		goto fail;
	}
	n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, line, (size_t)n, 0) != n) {
		err = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

int emb_pidfile_agent(const char *state_dir, pid_t *pid)
{
	char path[PATH_MAX];
	int fd, err = emb_path_join(path, sizeof(path), state_dir, EMB_PIDFILE_NAME);

	*pid = 0;
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* Our own shared lock succeeding means nobody holds it: stale. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		err = 0;
	else if (errno == EWOULDBLOCK)
		err = read_pid(fd, pid);
	else
		err = -errno;
	close(fd);
	return err;
}

int emb_agent_request_reload(const char *state_dir, pid_t *pid)
{
	int err = emb_pidfile_agent(state_dir, pid);

	if (err || !*pid)
		return err;
	return kill(*pid, SIGHUP) ? -errno : 0;
}

int emb_agent_reload_report(const char *prog, const char *state_dir, const char *none_msg)
{
	pid_t pid = 0;
	int err = emb_agent_request_reload(state_dir, &pid);

	if (err)
		emb_logf(EMB_LOG_ERR, prog, "asking the agent%s to reload (pid file in %s): %s", pid ? "" : " (if any)", state_dir, strerror(-err));
	else if (pid)
		printf("%s: asked the agent (pid %d) to reload\n", prog, (int)pid);
	else
		printf("%s: %s\n", prog, none_msg);
	return err;
}
