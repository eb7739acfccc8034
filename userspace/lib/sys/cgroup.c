// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "cgroup.h"

#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>

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
