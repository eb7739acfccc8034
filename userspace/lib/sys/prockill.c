// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "prockill.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "hashindex.h"
#include "log.h"

struct exe_seen {
	uint64_t dev, ino, size;
	int64_t mtime_ns;
	int match;
};

struct walk {
	const uint8_t *sha256;
	struct exe_seen *seen;
	size_t n_seen;
	struct emb_proc_stats *st;
};

static int pid_of(const char *name, pid_t *pid)
{
	char *end;
	long v = strtol(name, &end, 10);

	if (end == name || *end || v <= 0 || v > INT_MAX)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

static struct exe_seen *seen_find(struct walk *w, const struct stat *sb)
{
	for (size_t i = 0; i < w->n_seen; i++) {
		struct exe_seen *s = &w->seen[i];

		if (s->dev == (uint64_t)sb->st_dev && s->ino == (uint64_t)sb->st_ino &&
		    s->size == (uint64_t)sb->st_size &&
		    s->mtime_ns == (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec)
			return s;
	}
	return NULL;
}

/* Hash an executable not seen yet; -1 when it cannot be hashed. */
static struct exe_seen *seen_add(struct walk *w, int fd, const struct stat *sb)
{
	struct exe_seen *grown, *s;
	uint8_t d[32];

	int err = emb_sha256_fd(fd, d);
	char why[128];

	if (err) {
		/* Bounded (hashindex.h): a huge or blocking file is skipped. */
		emb_warn("ban --kill: an executable (inode %llu): %s", (unsigned long long)sb->st_ino,
			 emb_hash_strerror(err, why, sizeof(why)));
		return NULL;
	}
	grown = realloc(w->seen, (w->n_seen + 1) * sizeof(*w->seen));
	if (!grown)
		return NULL;
	w->seen = grown;
	s = &grown[w->n_seen++];
	s->dev = (uint64_t)sb->st_dev;
	s->ino = (uint64_t)sb->st_ino;
	s->size = (uint64_t)sb->st_size;
	s->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
	s->match = memcmp(d, w->sha256, 32) == 0;
	w->st->hashed++;
	return s;
}

/* One process: 1 matched (m filled), 0 not, -1 could not be read. */
static int look_at(struct walk *w, const char *root, pid_t pid, struct emb_proc_match *m,
		   char *exe, size_t exe_len)
{
	char path[PATH_MAX];
	struct exe_seen *s;
	struct stat sb;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/exe", root, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : -1; /* kernel thread, or gone */
	w->st->procs++;
	if (fstat(fd, &sb)) {
		close(fd);
		return -1;
	}
	s = seen_find(w, &sb);
	if (!s)
		s = seen_add(w, fd, &sb);
	close(fd);
	if (!s)
		return -1;
	if (!s->match)
		return 0;
	n = readlink(path, exe, exe_len - 1);
	exe[n > 0 ? n : 0] = '\0';
	m->pid = pid;
	m->dev = s->dev;
	m->ino = s->ino;
	m->exe = exe;
	return 1;
}

int emb_proc_find_sha256(const char *proc_root, const uint8_t sha256[32], emb_proc_cb cb,
			 void *ctx, struct emb_proc_stats *st)
{
	struct walk w = { .sha256 = sha256, .st = st };
	struct emb_proc_match m;
	char exe[PATH_MAX];
	struct dirent *de;
	pid_t pid, self = getpid();
	int rc = 0, r;
	DIR *d = opendir(proc_root);

	memset(st, 0, sizeof(*st));
	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		if (pid_of(de->d_name, &pid) || pid == self)
			continue;
		r = look_at(&w, proc_root, pid, &m, exe, sizeof(exe));
		if (r < 0)
			st->errors++;
		if (r == 1) {
			st->matched++;
			rc = cb(ctx, &m);
		}
	}
	closedir(d);
	free(w.seen);
	return rc;
}

static int exe_is(const char *root, pid_t pid, const struct emb_proc_match *m)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%d/exe", root, (int)pid);
	if (stat(path, &sb))
		return errno == ENOENT ? -ESRCH : -errno;
	return (uint64_t)sb.st_dev == m->dev && (uint64_t)sb.st_ino == m->ino ? 0 : -ESTALE;
}

int emb_proc_kill(const char *proc_root, const struct emb_proc_match *m)
{
	int pidfd, err;

	if (m->pid == 1)
		return -EPERM;
	pidfd = (int)syscall(SYS_pidfd_open, m->pid, 0);
	if (pidfd < 0)
		return -errno;
	/* The pidfd pins this process: checked now, it is the one killed. */
	err = exe_is(proc_root, m->pid, m);
	if (!err && syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0))
		err = -errno;
	close(pidfd);
	return err;
}

/* PROC/PID/maps has a mapping of (kdev, ino). */
static int maps_have(const char *root, pid_t pid, uint64_t kdev, uint64_t ino)
{
	char path[PATH_MAX], line[4096];
	unsigned int maj, min;
	unsigned long long i;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/maps", root, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &i) == 3 && i == ino &&
		    (((uint64_t)maj << 20) | min) == kdev)
			found = 1;
	fclose(f);
	return found;
}

/*
 * pid runs the image now: its exe (stat through the link, nothing opened)
 * or one of its mappings. maps names the kernel's own (s_dev, ino) and
 * needs no access to the file: it also finds an exe that root may not
 * stat (a FUSE mount without allow_other). mapped: any mapping counts
 * (a banned library), else only when exe could not be stat'ed.
 */
static int runs_image(const char *root, pid_t pid, uint64_t kdev, uint64_t ino, int mapped)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%d/exe", root, (int)pid);
	if (!stat(path, &sb)) {
		if (emb_kdev(sb.st_dev) == kdev && (uint64_t)sb.st_ino == ino)
			return 1;
		if (!mapped)
			return 0;
	}
	return maps_have(root, pid, kdev, ino);
}

int emb_proc_kill_if_runs(const char *proc_root, pid_t pid, uint64_t kdev, uint64_t ino,
			  int mapped)
{
	int pidfd, err = 0;

	if (pid == 1 || pid == getpid())
		return -EPERM;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	if (!runs_image(proc_root, pid, kdev, ino, mapped))
		err = -ESTALE;
	else if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0))
		err = -errno;
	close(pidfd);
	return err;
}

/* pid's cgroup is scope or below it (no scope: every task). A task whose
 * cgroup cannot be read is left alone: it is gone, or none of ours. */
static int in_scope(const char *root, pid_t pid, const char *scope)
{
	char cg[4096];

	return !scope || (!emb_proc_cgroup(root, (int)pid, cg, sizeof(cg)) &&
			  emb_cgroup_within(cg, scope));
}

/* One pass; the number killed, *left the matches not killed. */
static size_t kill_pass(const char *root, uint64_t kdev, uint64_t ino, int mapped,
			const char *scope, size_t *left)
{
	struct dirent *de;
	pid_t pid, self = getpid();
	size_t killed = 0;
	DIR *d = opendir(root);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		int pidfd;

		if (pid_of(de->d_name, &pid) || pid == self || pid == 1 ||
		    !runs_image(root, pid, kdev, ino, mapped) || !in_scope(root, pid, scope))
			continue;
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0)
			continue; /* gone */
		/* Checked again with the process pinned: never a reused pid. */
		if (runs_image(root, pid, kdev, ino, mapped)) {
			if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0)
				killed++;
			else if (errno != ESRCH)
				(*left)++;
		}
		close(pidfd);
	}
	closedir(d);
	return killed;
}

size_t emb_proc_kill_image(const char *proc_root, uint64_t kdev, uint64_t ino, int mapped,
			   const char *scope, size_t *left)
{
	size_t total = 0, n;
	int pass = 0;

	*left = 0;
	do {
		*left = 0;
		n = kill_pass(proc_root, kdev, ino, mapped, scope, left);
		total += n;
	} while (n && ++pass < 8);
	return total;
}
