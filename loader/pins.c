// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* pins.c - the pin dir object by object: meta, takeover, unload, status. */
#include "pins.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int emb_pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

int emb_pins_meta_read_fd(int fd, struct emb_meta *m)
{
	struct bpf_map_info info;
	__u32 key = 0;

	if (map_info(fd, &info) || info.type != BPF_MAP_TYPE_ARRAY ||
	    info.value_size != sizeof(*m) || info.key_size != sizeof(key))
		return -EPROTO;
	if (bpf_map_lookup_elem(fd, &key, m))
		return -errno;
	return m->magic == EMB_META_MAGIC ? 0 : -EPROTO;
}

int emb_pins_meta_read(const char *dir, struct emb_meta *m)
{
	char path[PATH_MAX];
	int fd, err = emb_pin_path(path, sizeof(path), dir, EMB_META_PIN);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	err = emb_pins_meta_read_fd(fd, m);
	close(fd);
	return err;
}

int emb_pins_meta_write_fd(int fd, const struct emb_meta *m)
{
	__u32 key = 0;

	if (bpf_map_update_elem(fd, &key, m, BPF_ANY)) {
		emb_err("writing map emb_meta[0]: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void emb_pins_restore(const char *dir, const char *const *names, size_t n, const int *fds)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		if (fds[i] < 0 || emb_pin_path(path, sizeof(path), dir, names[i]))
			continue;
		if (unlink(path) && errno != ENOENT)
			emb_warn("removing new pin %s: %s", path, strerror(errno));
		if (bpf_obj_pin(fds[i], path))
			emb_warn("restoring old pin %s: %s", path, strerror(errno));
	}
}

void emb_pins_release(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int emb_pins_hold(const char *dir, const char *const *names, size_t n, int *fds)
{
	char path[PATH_MAX];
	size_t i;
	int err = 0;

	for (i = 0; i < n; i++)
		fds[i] = -1;
	for (i = 0; i < n && !err; i++) {
		err = emb_pin_path(path, sizeof(path), dir, names[i]);
		if (err)
			break;
		fds[i] = bpf_obj_get(path);
		if (fds[i] < 0) {
			err = errno == ENOENT ? 0 : -errno;
			if (err)
				emb_err("opening old pin %s: %s", path, strerror(errno));
			continue;
		}
		if (unlink(path)) {
			err = -errno;
			emb_warn("removing old pin %s: %s", path, strerror(errno));
		}
	}
	if (err) {
		/* Fail-closed: whatever was taken over goes back where it was. */
		emb_pins_restore(dir, names, n, fds);
		emb_pins_release(fds, n);
	}
	return err;
}

static int remove_entries(const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (emb_pin_path(path, sizeof(path), dir, de->d_name)) {
			err = -ENAMETOOLONG;
			continue;
		}
		if (de->d_type == DT_DIR && depth > 0) {
			int e = remove_entries(path, depth - 1);

			if (!e && rmdir(path))
				e = -errno;
			err = err ?: e;
			continue;
		}
		if (unlink(path)) {
			err = err ?: -errno;
			emb_warn("removing pin %s: %s", path, strerror(errno));
		}
	}
	closedir(d);
	return err;
}

int emb_pins_unload(const char *dir)
{
	int err = remove_entries(dir, 1);

	if (err == -ENOENT)
		return err;
	if (!err && rmdir(dir)) {
		err = -errno;
		emb_warn("removing %s: %s", dir, strerror(errno));
	}
	return err;
}

void emb_pins_drop_empty_dir(const char *dir)
{
	/* rmdir refuses a non-empty dir: working pins can never go this way. */
	if (rmdir(dir) && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
		emb_warn("removing empty pin dir %s: %s", dir, strerror(errno));
}

const char *emb_pin_kind_name(enum emb_pin_kind k)
{
	switch (k) {
	case EMB_PIN_MAP:
		return "map";
	case EMB_PIN_LINK:
		return "link";
	case EMB_PIN_PROG:
		return "prog";
	case EMB_PIN_OTHER:
		break;
	}
	return "other";
}

/* The kernel names an fd's object kind in its fdinfo. */
static enum emb_pin_kind fd_kind(int fd)
{
	char path[64], line[256];
	enum emb_pin_kind k = EMB_PIN_OTHER;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return k;
	while (k == EMB_PIN_OTHER && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "map_type:", 9))
			k = EMB_PIN_MAP;
		else if (!strncmp(line, "link_type:", 10))
			k = EMB_PIN_LINK;
		else if (!strncmp(line, "prog_type:", 10))
			k = EMB_PIN_PROG;
	}
	fclose(f);
	return k;
}

enum emb_pin_kind emb_pin_kind_of(int fd)
{
	return fd_kind(fd);
}

static int64_t count_keys(int fd, const struct bpf_map_info *info)
{
	size_t ks = info->key_size ? info->key_size : 1;
	char *cur, *next;
	int64_t n = 0;
	int first = 1;

	switch (info->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return info->max_entries; /* every slot always exists */
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return -1;
	default:
		break;
	}
	cur = calloc(2, ks);
	if (!cur)
		return -1;
	next = cur + ks;
	while (bpf_map_get_next_key(fd, first ? NULL : cur, next) == 0) {
		n++;
		first = 0;
		memcpy(cur, next, ks);
	}
	free(cur);
	return n;
}

static void fill_info(int fd, struct emb_pin_info *pi)
{
	struct bpf_map_info info;
	const char *t;

	pi->kind = fd_kind(fd);
	pi->entries = -1;
	if (pi->kind != EMB_PIN_MAP || map_info(fd, &info))
		return;
	t = libbpf_bpf_map_type_str(info.type);
	snprintf(pi->map_type, sizeof(pi->map_type), "%s", t ? t : "unknown");
	pi->max_entries = info.max_entries;
	pi->entries = count_keys(fd, &info);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct emb_pin_info *)a)->name, ((const struct emb_pin_info *)b)->name);
}

int emb_pins_list(const char *dir, struct emb_pin_info **out, size_t *n)
{
	char path[PATH_MAX];
	struct emb_pin_info *v = NULL, *grown;
	struct dirent *de;
	size_t cnt = 0;
	DIR *d = opendir(dir);
	int fd;

	*out = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR ||
		    emb_pin_path(path, sizeof(path), dir, de->d_name))
			continue;
		grown = realloc(v, (cnt + 1) * sizeof(*v));
		if (!grown) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = grown;
		memset(&v[cnt], 0, sizeof(v[cnt]));
		snprintf(v[cnt].name, sizeof(v[cnt].name), "%s", de->d_name);
		v[cnt].entries = -1;
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			fill_info(fd, &v[cnt]);
			close(fd);
		}
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), by_name);
	*out = v;
	*n = cnt;
	return 0;
}

int emb_percpu_sum(int fd, uint32_t n_keys, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < n_keys && !err; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals)) {
			err = -errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
	return err;
}

int emb_pins_read_stats_fd(int fd, uint64_t out[EMB_STAT_MAX])
{
	return emb_percpu_sum(fd, EMB_STAT_MAX, out);
}

int emb_pins_read_stats(const char *dir, uint64_t out[EMB_STAT_MAX])
{
	char path[PATH_MAX];
	int fd, err = emb_pin_path(path, sizeof(path), dir, EMB_STATS_PIN);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = emb_pins_read_stats_fd(fd, out);
	close(fd);
	return err;
}

int emb_pins_map_compatible(const char *dir, const char *name, uint32_t type, uint32_t key_size,
			    uint32_t value_size, uint32_t flags, uint32_t want_entries, int *fd_out,
			    char *why, size_t why_len)
{
	char path[PATH_MAX];
	struct bpf_map_info info;
	int fd;

	*fd_out = -1;
	if (emb_pin_path(path, sizeof(path), dir, name))
		return snprintf(why, why_len, "%s: path too long", name), -1;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return snprintf(why, why_len, "map %s is not pinned", name), -1;
	if (map_info(fd, &info)) {
		snprintf(why, why_len, "map %s: %s", name, strerror(errno));
	} else if (info.type != type || info.key_size != key_size || info.value_size != value_size ||
		   info.map_flags != flags) {
		snprintf(why, why_len, "map %s has another shape (type/key/value/flags)", name);
	} else if (info.max_entries < want_entries) {
		snprintf(why, why_len, "map %s holds %u entries, the policy needs %u", name,
			 info.max_entries, want_entries);
	} else {
		*fd_out = fd;
		return 0;
	}
	close(fd);
	return -1;
}
