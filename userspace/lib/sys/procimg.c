// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "procimg.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashindex.h"

static void fill_stat(struct emb_proc_image *img, const struct stat *sb)
{
	img->kdev = emb_kdev(sb->st_dev);
	img->ino = (uint64_t)sb->st_ino;
	img->ctime_sec = (int64_t)sb->st_ctim.tv_sec;
	img->ctime_nsec = (uint32_t)sb->st_ctim.tv_nsec;
	img->size = (uint64_t)sb->st_size;
}

static void read_comm(const char *root, pid_t pid, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%d/comm", root, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The executable mappings of pid, each file once (after its exe). */
static int maps(const char *root, struct emb_proc_image *img, uint64_t exe_dev, uint64_t exe_ino,
		emb_proc_image_cb cb, void *ctx)
{
	char path[PATH_MAX], line[PATH_MAX + 128], perms[8], range[64];
	uint64_t seen_dev[64], seen_ino[64];
	size_t n_seen = 0;
	int rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/maps", root, (int)img->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		unsigned long long ino;
		int off = 0;
		struct stat sb;
		size_t i;
		uint64_t kdev;

		if (sscanf(line, "%63s %7s %*s %x:%x %llu %n", range, perms, &maj, &min, &ino,
			   &off) < 5 || !ino || !strchr(perms, 'x'))
			continue;
		kdev = ((uint64_t)maj << 20) | min;
		if (kdev == exe_dev && ino == exe_ino)
			continue;
		for (i = 0; i < n_seen && !(seen_dev[i] == kdev && seen_ino[i] == ino); i++)
			;
		if (i < n_seen)
			continue;
		if (n_seen < 64) {
			seen_dev[n_seen] = kdev;
			seen_ino[n_seen++] = ino;
		}
		/* The file itself (ctime, size), through the mapping's link. */
		snprintf(path, sizeof(path), "%s/%d/map_files/%s", root, (int)img->pid, range);
		if (stat(path, &sb) || emb_kdev(sb.st_dev) != kdev || (uint64_t)sb.st_ino != ino)
			continue;
		fill_stat(img, &sb);
		img->is_exe = 0;
		line[strcspn(line, "\n")] = '\0';
		img->path = off ? line + off : "";
		rc = cb(ctx, img);
	}
	fclose(f);
	return rc;
}

static int one_pid(const char *root, pid_t pid, emb_proc_image_cb cb, void *ctx)
{
	char path[PATH_MAX], exe[PATH_MAX], comm[32];
	struct emb_proc_image img = { .pid = pid };
	struct stat sb;
	ssize_t n;
	int rc;

	snprintf(path, sizeof(path), "%s/%d/exe", root, (int)pid);
	if (stat(path, &sb))
		return 0; /* a kernel thread, or gone */
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	read_comm(root, pid, comm, sizeof(comm));
	fill_stat(&img, &sb);
	img.is_exe = 1;
	img.path = exe;
	img.comm = comm;
	rc = cb(ctx, &img);
	if (!rc)
		rc = maps(root, &img, emb_kdev(sb.st_dev), (uint64_t)sb.st_ino, cb, ctx);
	return rc;
}

int emb_proc_images(const char *proc_root, emb_proc_image_cb cb, void *ctx)
{
	struct dirent *de;
	pid_t self = getpid();
	DIR *d = opendir(proc_root);
	int rc = 0;

	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self)
			continue;
		rc = one_pid(proc_root, (pid_t)pid, cb, ctx);
	}
	closedir(d);
	return rc;
}
