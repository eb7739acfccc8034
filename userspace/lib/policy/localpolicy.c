// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "localpolicy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int emb_path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The directory part of path ("." when none). */
static int dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;

	if (n >= len)
		return -ENAMETOOLONG;
	if (!slash)
		memcpy(buf, ".", 2);
	else if (n == 0)
		memcpy(buf, "/", 2);
	else {
		memcpy(buf, path, n);
		buf[n] = '\0';
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, err = dir_of(path, dir, sizeof(dir));

	if (err)
		return err;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = fsync(fd) ? -errno : 0;
	close(fd);
	return err;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int temp_name(char *buf, size_t len, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int n, err = dir_of(path, dir, sizeof(dir));

	if (err)
		return err;
	n = snprintf(buf, len, "%s/.%s.XXXXXX", dir, base);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int emb_file_replace(const char *path, const char *buf, size_t len, mode_t mode, char *why,
		     size_t why_len)
{
	char tmp[PATH_MAX];
	const char *step = "naming a temp file for";
	int fd = -1, err = temp_name(tmp, sizeof(tmp), path);

	if (err)
		goto out;
	step = "creating a temp file for";
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	step = "writing";
	err = write_all(fd, buf, len);
	if (!err && fchmod(fd, mode))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	fd = -1;
	if (!err && rename(tmp, path)) {
		step = "renaming the temp file over";
		err = -errno;
	}
	if (err)
		unlink(tmp);
	else if ((err = fsync_dir(path)))
		step = "syncing the directory of";
out:
	if (err)
		snprintf(why, why_len, "%s %s: %s", step, path, strerror(-err));
	return err;
}

int emb_file_remove(const char *path, char *why, size_t why_len)
{
	int err = 0;

	why[0] = '\0';
	if (unlink(path))
		err = -errno;
	else
		err = fsync_dir(path);
	if (err && err != -ENOENT)
		snprintf(why, why_len, "removing %s: %s", path, strerror(-err));
	return err;
}

int emb_mkdir_p(const char *dir, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(buf))
		return len ? -ENAMETOOLONG : -EINVAL;
	memcpy(buf, dir, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}
