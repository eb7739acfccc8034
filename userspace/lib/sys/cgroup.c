// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "cgroup.h"

#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

int emb_cgroup2_root(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *m;
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2") != 0)
			continue;
		err = snprintf(buf, len, "%s", m->mnt_dir) < (int)len ? 0 : -ENAMETOOLONG;
		break;
	}
	endmntent(f);
	return err;
}

int emb_cgroup_rel(const char *root, const char *dir, char *buf, size_t len)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(dir, root, n) || (dir[n] && dir[n] != '/'))
		return -EINVAL;
	dir += n;
	while (dir[0] == '/' && dir[1] == '/')
		dir++;
	if (!dir[0] || !strcmp(dir, "/"))
		dir = "/";
	if (snprintf(buf, len, "%s", dir) >= (int)len)
		return -ENAMETOOLONG;
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}

int emb_cgroup_within(const char *path, const char *scope)
{
	size_t n = strlen(scope);

	if (!strcmp(scope, "/"))
		return path[0] == '/';
	return !strncmp(path, scope, n) && (path[n] == '\0' || path[n] == '/');
}

int emb_proc_cgroup(const char *proc_root, int pid, char *buf, size_t len)
{
	char path[4096], line[4096];
	int err = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		err = snprintf(buf, len, "%s", line + 3) < (int)len ? 0 : -ENAMETOOLONG;
		break;
	}
	fclose(f);
	return err;
}
