// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "contain.h"
#include "pins.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "contain.skel.h"
#include "loader.h"
#include "log.h"

enum ctn_map_idx { CTN_MAP_STATE, CTN_MAP_RULES, CTN_MAP_STATS, CTN_MAP_EVENTS, CTN_MAP_MAX };

/* Name, key size, value size, entries: what a pinned map must be to be
 * adopted (0 = not checked). */
static const struct {
	const char *name;
	uint32_t key, value, entries;
} map_specs[CTN_MAP_MAX] = {
	[CTN_MAP_STATE] = { "ctn_state", 4, 4, 1 },
	[CTN_MAP_RULES] = { "ctn_rules", 4, sizeof(struct ctn_config), 2 },
	[CTN_MAP_STATS] = { "ctn_stats", 4, 8, CTN_STAT_MAX },
	[CTN_MAP_EVENTS] = { "ctn_events", 0, 0, 0 },
};

enum ctn_link_idx {
	CTN_LINK_INGRESS,
	CTN_LINK_EGRESS,
	CTN_LINK_CONNECT4,
	CTN_LINK_CONNECT6,
	CTN_LINK_SENDMSG4,
	CTN_LINK_SENDMSG6,
	CTN_LINK_MAX,
};

static const char *const link_names[CTN_LINK_MAX] = {
	"link_ingress", "link_egress", "link_connect4", "link_connect6", "link_sendmsg4", "link_sendmsg6",
};

struct emb_contain {
	int fds[CTN_MAP_MAX];
	int dir_fd; /* <pin-dir>/contain, flock()ed around writes */
	uint64_t cgroup_id;
};

static int join(char *buf, size_t len, const char *a, const char *b)
{
	int n = snprintf(buf, len, "%s/%s", a, b);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static struct emb_contain *contain_new(void)
{
	struct emb_contain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	for (int i = 0; i < CTN_MAP_MAX; i++)
		c->fds[i] = -1;
	c->dir_fd = -1;
	return c;
}

void emb_contain_close(struct emb_contain *c)
{
	if (!c)
		return;
	for (int i = 0; i < CTN_MAP_MAX; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	free(c);
}

static int check_map(int fd, int idx, const char *path)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		emb_err("reading map %s: %s", path, strerror(errno));
		return -errno;
	}
	if ((map_specs[idx].key && info.key_size != map_specs[idx].key) ||
	    (map_specs[idx].value && info.value_size != map_specs[idx].value) ||
	    (map_specs[idx].entries && info.max_entries != map_specs[idx].entries)) {
		emb_err("pinned map %s is from another containment ABI "
			"(key %u, value %u, entries %u); run `embargo unload` first", path,
			info.key_size, info.value_size, info.max_entries);
		return -EPROTO;
	}
	return 0;
}

static uint64_t link_cgroup_id(const char *dir)
{
	struct bpf_link_info info;
	uint32_t len = sizeof(info);
	char path[PATH_MAX];
	uint64_t id = 0;
	int fd;

	if (join(path, sizeof(path), dir, link_names[CTN_LINK_INGRESS]))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == BPF_LINK_TYPE_CGROUP)
		id = info.cgroup.cgroup_id;
	close(fd);
	return id;
}

/* Open the pinned maps of dir. -ENOENT when there is no containment. */
static int adopt(const char *dir, struct emb_contain **out)
{
	struct emb_contain *c = contain_new();
	char path[PATH_MAX];
	int err = 0;

	if (!c)
		return -ENOMEM;
	c->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dir_fd < 0) {
		err = -errno;
		goto fail;
	}
	for (int i = 0; i < CTN_MAP_MAX && !err; i++) {
		err = join(path, sizeof(path), dir, map_specs[i].name);
		if (err)
			break;
		c->fds[i] = bpf_obj_get(path);
		if (c->fds[i] < 0) {
			err = -errno;
			emb_err("opening pinned map %s: %s", path, strerror(errno));
			break;
		}
		err = check_map(c->fds[i], i, path);
	}
	if (err)
		goto fail;
	c->cgroup_id = link_cgroup_id(dir);
	*out = c;
	return 0;
fail:
	emb_contain_close(c);
	return err;
}

/* Remove the pins of a temp dir and the dir (rollback of a failed create). */
static void remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && join(path, sizeof(path), dir, de->d_name) == 0 &&
		    unlink(path))
			emb_warn("removing %s: %s", path, strerror(errno));
	closedir(d);
	if (rmdir(dir))
		emb_warn("removing %s: %s", dir, strerror(errno));
}

static int pin_link(struct bpf_program *prog, int cgroup_fd, const char *dir, int idx,
		    struct bpf_link **link)
{
	char path[PATH_MAX];
	int err;

	*link = bpf_program__attach_cgroup(prog, cgroup_fd);
	if (!*link) {
		err = -errno;
		emb_warn("attaching %s: %s", bpf_program__name(prog), strerror(errno));
		return err;
	}
	err = join(path, sizeof(path), dir, link_names[idx]);
	err = err ?: bpf_link__pin(*link, path);
	if (err)
		emb_warn("pinning link %s: %s", path, strerror(-err));
	return err;
}

static int pin_map(struct bpf_map *m, const char *dir)
{
	char path[PATH_MAX];
	int err = join(path, sizeof(path), dir, bpf_map__name(m));

	err = err ?: bpf_map__pin(m, path);
	if (err)
		emb_warn("pinning map %s: %s", path, strerror(-err));
	return err;
}

/* Attach and pin everything into tmp. Links are destroyed by the caller:
 * pinned ones stay attached, the others detach. */
static int attach_all(struct contain_bpf *s, int cgroup_fd, const char *tmp,
		      struct bpf_link *links[CTN_LINK_MAX])
{
	struct bpf_program *progs[CTN_LINK_MAX] = {
		s->progs.ctn_ingress, s->progs.ctn_egress, s->progs.ctn_connect4,
		s->progs.ctn_connect6, s->progs.ctn_sendmsg4, s->progs.ctn_sendmsg6,
	};
	int err = 0;

	for (int i = 0; i < CTN_LINK_MAX && !err; i++)
		err = pin_link(progs[i], cgroup_fd, tmp, i, &links[i]);
	err = err ?: pin_map(s->maps.ctn_state, tmp);
	err = err ?: pin_map(s->maps.ctn_rules, tmp);
	err = err ?: pin_map(s->maps.ctn_stats, tmp);
	err = err ?: pin_map(s->maps.ctn_events, tmp);
	return err;
}

/*
 * Load, attach (switched off: the maps start zeroed, so every program lets
 * everything through until emb_contain_set) and pin into a temp dir, then
 * rename it to dir. A failure anywhere removes the temp pins, which detaches
 * every link: nothing half-made is left. Losing the rename to another
 * process (EEXIST/ENOTEMPTY) is not an error: its containment is adopted.
 */
static int create(const char *pin_dir, const char *dir, const char *cgroup_path)
{
	struct bpf_link *links[CTN_LINK_MAX] = { 0 };
	struct contain_bpf *s = NULL;
	char tmp[PATH_MAX];
	int cgroup_fd = -1, made = 0, err;

	err = emb_loader_prepare_pin_dir(pin_dir);
	if (err)
		return err;
	/* bpffs refuses dots in names */
	if (snprintf(tmp, sizeof(tmp), "%s_new_%d", dir, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	cgroup_fd = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd < 0) {
		err = -errno;
		emb_warn("cgroup %s: %s", cgroup_path, strerror(errno));
		goto out;
	}
	s = contain_bpf__open_and_load(); /* nothing to size or set before load */
	if (!s) {
		err = -errno;
		emb_warn("loading the containment programs (verifier): %s",
			 strerror(errno));
		goto out;
	}
	if (mkdir(tmp, 0700)) {
		err = -errno;
		emb_warn("mkdir %s: %s", tmp, strerror(errno));
		goto out;
	}
	made = 1;
	err = attach_all(s, cgroup_fd, tmp, links);
	if (err)
		goto out;
	if (rename(tmp, dir) == 0)
		made = 0; /* the pins are in place */
	else if (errno != EEXIST && errno != ENOTEMPTY)
		err = -errno;
	if (err)
		emb_warn("renaming %s to %s: %s", tmp, dir, strerror(-err));
out:
	if (made)
		remove_dir(tmp);
	for (int i = 0; i < CTN_LINK_MAX; i++)
		bpf_link__destroy(links[i]); /* pinned links stay attached */
	contain_bpf__destroy(s);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	return err;
}

int emb_contain_open(struct emb_contain **out, const char *pin_dir, const char *cgroup_path,
		     int create_it)
{
	char dir[PATH_MAX];
	int err = join(dir, sizeof(dir), pin_dir, EMB_CONTAIN_SUBDIR);

	if (err)
		return err;
	err = adopt(dir, out);
	if (err != -ENOENT || !create_it)
		return err;
	err = create(pin_dir, dir, cgroup_path);
	return err ?: adopt(dir, out);
}

static int read_state(const struct emb_contain *c, uint32_t *state)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(c->fds[CTN_MAP_STATE], &zero, state)) {
		emb_err("reading map ctn_state: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int write_state(struct emb_contain *c, uint32_t state)
{
	uint32_t zero = 0;

	if (bpf_map_update_elem(c->fds[CTN_MAP_STATE], &zero, &state, BPF_ANY)) {
		emb_err("writing state %#x to map ctn_state: %s", state,
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int write_rules(struct emb_contain *c, uint32_t slot, const struct ctn_config *cfg)
{
	if (bpf_map_update_elem(c->fds[CTN_MAP_RULES], &slot, cfg, BPF_ANY)) {
		emb_err("writing %u rules to map ctn_rules slot %u: %s",
			cfg->count, slot, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Writers (the agent, `embargo contain`) are serialised by a flock of the
 * pin dir. A failed write leaves ctn_state as it was: the rules in force
 * stay in force (fail-closed for a contain, the host stays contained when
 * a release fails).
 */
int emb_contain_set(struct emb_contain *c, const struct ctn_config *cfg)
{
	uint32_t state, slot;
	int err;

	if (flock(c->dir_fd, LOCK_EX)) {
		emb_warn("locking the containment pins: %s", strerror(errno));
		return -errno;
	}
	err = read_state(c, &state);
	if (err)
		goto out;
	if (!cfg) {
		err = write_state(c, state & CTN_STATE_SLOT);
		goto out;
	}
	slot = state & CTN_STATE_SLOT ? 0 : 1; /* the slot not in force */
	err = write_rules(c, slot, cfg);
	err = err ?: write_state(c, CTN_STATE_ENABLED | (slot ? CTN_STATE_SLOT : 0));
out:
	if (flock(c->dir_fd, LOCK_UN))
		emb_warn("unlocking the containment pins: %s", strerror(errno));
	return err;
}

int emb_contain_get(const struct emb_contain *c, int *enabled, struct ctn_config *cfg)
{
	uint32_t state, slot;
	int err = read_state(c, &state);

	if (err)
		return err;
	*enabled = !!(state & CTN_STATE_ENABLED);
	if (!cfg)
		return 0;
	memset(cfg, 0, sizeof(*cfg));
	if (!*enabled)
		return 0;
	slot = state & CTN_STATE_SLOT ? 1 : 0;
	if (bpf_map_lookup_elem(c->fds[CTN_MAP_RULES], &slot, cfg)) {
		emb_err("reading map ctn_rules slot %u: %s", slot, strerror(errno));
		return -errno;
	}
	return 0;
}

int emb_contain_read_stats(const struct emb_contain *c, uint64_t out[CTN_STAT_MAX])
{
	int err = emb_percpu_sum(c->fds[CTN_MAP_STATS], CTN_STAT_MAX, out);

	if (err)
		emb_err("reading map ctn_stats: %s", strerror(-err));
	return err;
}

int emb_contain_events_fd(const struct emb_contain *c)
{
	return c->fds[CTN_MAP_EVENTS];
}

uint64_t emb_contain_cgroup_id(const struct emb_contain *c)
{
	return c->cgroup_id;
}

int emb_contain_apply(const char *pin_dir, const char *cgroup_path, const struct ctn_config *cfg,
		      int *applied)
{
	struct emb_contain *c = NULL;
	int err = emb_contain_open(&c, pin_dir, cgroup_path, cfg != NULL);

	if (applied)
		*applied = 0;
	if (err == -ENOENT && !cfg)
		return 0; /* nothing pinned: nothing to switch off */
	if (err)
		return err;
	err = emb_contain_set(c, cfg);
	if (!err && applied)
		*applied = 1;
	emb_contain_close(c);
	return err;
}
