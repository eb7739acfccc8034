// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fswatch.c - fanotify write tracking for the hash index.
 *
 * One group in FID mode (FAN_REPORT_DFID_NAME | FAN_REPORT_FID): create and
 * move events need it, and every event then names the object by file
 * handle, which open_by_handle_at() turns into an fd on the very inode
 * changed, whatever its path is now.
 */
#include "fswatch.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define WATCH_MASK (FAN_CLOSE_WRITE | FAN_CREATE | FAN_MOVED_TO | FAN_ATTRIB)
#define READ_BUF (64 * 1024)

struct emb_fswatch_mount {
	fsid_t fsid;
	int fd;
};

static int same_fsid(const fsid_t *a, const fsid_t *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static struct emb_fswatch_mount *find_mount(struct emb_fswatch *w, const fsid_t *fsid)
{
	for (size_t i = 0; i < w->n_mounts; i++)
		if (same_fsid(&w->mounts[i].fsid, fsid))
			return &w->mounts[i];
	return NULL;
}

/* Mark the filesystem holding path (once per fsid). A filesystem that
 * cannot be marked (no file handles, not permitted) is reported and left
 * out: its changes are still caught at exec, as unverified. */
static int mark_fs(struct emb_fswatch *w, const char *path)
{
	struct emb_fswatch_mount *grown;
	struct statfs sfs;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fstatfs(fd, &sfs)) {
		if (fd >= 0)
			close(fd);
		return 0; /* vanished or not a directory: nothing to watch */
	}
	if (find_mount(w, &sfs.f_fsid)) {
		close(fd);
		return 0;
	}
	if (fanotify_mark(w->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, WATCH_MASK, fd, NULL)) {
		emb_warn("index: not tracking writes on %s: %s", path,
			 strerror(errno));
		w->errors++;
		close(fd);
		return 0;
	}
	grown = realloc(w->mounts, (w->n_mounts + 1) * sizeof(*grown));
	if (!grown) {
		close(fd);
		return -ENOMEM;
	}
	w->mounts = grown;
	w->mounts[w->n_mounts].fsid = sfs.f_fsid;
	w->mounts[w->n_mounts++].fd = fd;
	return 0;
}

static int under(const char *path, const char *root)
{
	size_t len = strlen(root);

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 1 && root[0] == '/')
		return path[0] == '/';
	return !strncmp(path, root, len) && (path[len] == '\0' || path[len] == '/');
}

/* mountinfo escapes spaces etc. as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int excluded(const char *path, const char *const *ex, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ex[i] && under(path, ex[i]))
			return 1;
	return 0;
}

static int mark_submounts(struct emb_fswatch *w, const char *const *roots, size_t n_roots,
			  const char *const *ex, size_t n_ex)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[4096];
	int err = 0;

	if (!f)
		return 0; /* the roots' own filesystems are marked already */
	while (!err && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		unescape(mnt);
		if (excluded(mnt, ex, n_ex))
			continue;
		for (size_t i = 0; i < n_roots && !err; i++)
			if (under(mnt, roots[i]))
				err = mark_fs(w, mnt);
	}
	fclose(f);
	return err;
}

int emb_fswatch_open(struct emb_fswatch *w, const char *const *roots, size_t n_roots,
		     const char *const *exclude, size_t n_exclude)
{
	int err = 0;

	memset(w, 0, sizeof(*w));
	w->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME |
				      FAN_REPORT_FID,
			      O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (w->fd < 0) {
		err = -errno;
		emb_warn("index: fanotify: %s: no write tracking", strerror(errno));
		return err;
	}
	for (size_t i = 0; i < n_roots && !err; i++) {
		char *dir = strdup(roots[i]), *slash;
		struct stat st;

		if (!dir) {
			err = -ENOMEM;
			break;
		}
		/* A file root: watch the filesystem of its directory. */
		if (!stat(dir, &st) && !S_ISDIR(st.st_mode) && (slash = strrchr(dir, '/')))
			slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
		err = mark_fs(w, dir);
		free(dir);
	}
	err = err ?: mark_submounts(w, roots, n_roots, exclude, n_exclude);
	if (err || !w->n_mounts) {
		emb_fswatch_close(w);
		return err ? err : -ENODEV;
	}
	return 0;
}

/* The file the event is about: by its own handle (FID record), else by the
 * directory handle and name. Returns an fd or -1. */
static int open_object(struct emb_fswatch *w, const struct fanotify_event_info_fid *fid,
		       const struct fanotify_event_info_fid *dfid, const char *name)
{
	const struct fanotify_event_info_fid *use = fid ? fid : dfid;
	struct emb_fswatch_mount *m;
	int dfd, fd;

	if (!use)
		return -1;
	m = find_mount(w, (const fsid_t *)&use->fsid);
	if (!m)
		return -1;
	if (fid)
		return open_by_handle_at(m->fd, (struct file_handle *)fid->handle,
					 O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (!name || !name[0])
		return -1;
	dfd = open_by_handle_at(m->fd, (struct file_handle *)dfid->handle,
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	close(dfd);
	return fd;
}

static int handle_event(struct emb_fswatch *w, const struct fanotify_event_metadata *md,
			emb_fswatch_cb cb, void *ctx)
{
	const struct fanotify_event_info_fid *fid = NULL, *dfid = NULL;
	const char *name = "";
	size_t off = md->metadata_len;
	struct stat st;
	int fd, ret;

	if (md->mask & FAN_Q_OVERFLOW) {
		w->overflows++;
		return 0;
	}
	if (md->mask & FAN_ONDIR)
		return 0;
	while (off + sizeof(struct fanotify_event_info_header) <= md->event_len) {
		const struct fanotify_event_info_header *h = (const void *)((const char *)md + off);

		if (h->len == 0)
			break;
		if (h->info_type == FAN_EVENT_INFO_TYPE_FID) {
			fid = (const void *)h;
		} else if (h->info_type == FAN_EVENT_INFO_TYPE_DFID_NAME) {
			const struct file_handle *fh;

			dfid = (const void *)h;
			fh = (const struct file_handle *)dfid->handle;
			name = (const char *)fh->f_handle + fh->handle_bytes;
		}
		off += h->len;
	}
	fd = open_object(w, fid, dfid, name);
	if (fd < 0) {
		/* Gone already (a temp file renamed or deleted): nothing to hash. */
		if (errno != ENOENT && errno != ESTALE && errno != ELOOP)
			w->errors++;
		return 0;
	}
	ret = 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		ret = cb(ctx, fd, name);
	close(fd);
	return ret;
}

int emb_fswatch_read(struct emb_fswatch *w, emb_fswatch_cb cb, void *ctx)
{
	static __thread char buf[READ_BUF] __attribute__((aligned(8)));
	const struct fanotify_event_metadata *md;
	ssize_t len;
	int ret = 0;

	if (w->fd < 0)
		return 0;
	while (!ret) {
		len = read(w->fd, buf, sizeof(buf));
		if (len <= 0)
			break; /* EAGAIN: drained */
		md = (const void *)buf;
		for (; !ret && FAN_EVENT_OK(md, len); md = FAN_EVENT_NEXT(md, len))
			if (md->vers == FANOTIFY_METADATA_VERSION)
				ret = handle_event(w, md, cb, ctx);
	}
	return ret;
}

void emb_fswatch_close(struct emb_fswatch *w)
{
	for (size_t i = 0; i < w->n_mounts; i++)
		close(w->mounts[i].fd);
	free(w->mounts);
	if (w->fd >= 0)
		close(w->fd);
	w->mounts = NULL;
	w->n_mounts = 0;
	w->fd = -1;
}
