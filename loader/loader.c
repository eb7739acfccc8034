// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "loader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>

#include "embargo.skel.h"
#include "probe.h"

#define BPFFS_ROOT "/sys/fs/bpf"

/* Every link either backend pins: a takeover holds all the old ones. */
enum emb_link_idx {
	EMB_LINK_EXEC, /* tp_btf/sched_process_exec or lsm/bprm_check_security */
	EMB_LINK_MMAP, /* lsm only */
	EMB_LINK_MPROTECT, /* lsm only */
	EMB_LINK_CONNECT4,
	EMB_LINK_CONNECT6,
	EMB_LINK_SENDMSG4,
	EMB_LINK_SENDMSG6,
	EMB_LINK_MAX,
};

static const char *const link_pin_names[EMB_LINK_MAX] = {
	"link_exec", "link_mmap", "link_mprotect", "link_connect4", "link_connect6", "link_sendmsg4", "link_sendmsg6",
};

struct emb_loader {
	struct embargo_bpf *skel;
	struct bpf_link *links[EMB_LINK_MAX];
	char *pin_dir;
	int cgroup_fd;
	enum emb_backend backend;
	char reason[256];
};

static int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int emb_loader_prepare_pin_dir(const char *pin_dir)
{
	struct statfs sfs;
	char parent[PATH_MAX];
	char *slash;

	if (snprintf(parent, sizeof(parent), "%s", pin_dir) >= (int)sizeof(parent))
		return -ENAMETOOLONG;
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (strcmp(parent, BPFFS_ROOT) == 0 &&
	    (statfs(BPFFS_ROOT, &sfs) || sfs.f_type != BPF_FS_MAGIC) &&
	    mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700")) {
		fprintf(stderr, "embargo: mount bpffs at %s: %s\n", BPFFS_ROOT, strerror(errno));
		return -errno;
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "embargo: mkdir %s: %s\n", pin_dir, strerror(errno));
		return -errno;
	}
	if (statfs(pin_dir, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		fprintf(stderr, "embargo: %s is not on a bpf filesystem\n", pin_dir);
		return -EINVAL;
	}
	return 0;
}

static int size_map(struct bpf_map *m, uint32_t entries)
{
	int err = bpf_map__set_max_entries(m, entries ? entries : 1);

	if (err)
		fprintf(stderr, "embargo: sizing map %s to %u: %s\n", bpf_map__name(m), entries,
			strerror(-err));
	return err;
}

/* Load only the chosen backend's exec programs; the network programs are
 * shared by both backends. */
static int set_backend_autoload(struct embargo_bpf *s, enum emb_backend b)
{
	int lsm = b == EMB_BACKEND_LSM;
	int err;

	err = bpf_program__set_autoload(s->progs.emb_exec, !lsm);
	err = err ?: bpf_program__set_autoload(s->progs.emb_lsm_exec, lsm);
	err = err ?: bpf_program__set_autoload(s->progs.emb_lsm_mmap, lsm);
	err = err ?: bpf_program__set_autoload(s->progs.emb_lsm_mprotect, lsm);
	if (err)
		fprintf(stderr, "embargo: selecting programs: %s\n", strerror(-err));
	return err;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * Open, size and load one backend's programs into l->skel. quiet: libbpf's
 * own messages are dropped (an LSM attempt in auto mode: a refusal is an
 * expected outcome, reported through the reason). Returns the libbpf error.
 */
static int load_backend(struct emb_loader *l, const struct emb_loader_opts *opts,
			enum emb_backend b, int quiet)
{
	libbpf_print_fn_t old = quiet ? libbpf_set_print(quiet_print) : NULL;
	int err;

	embargo_bpf__destroy(l->skel);
	l->skel = embargo_bpf__open();
	if (!l->skel) {
		err = -errno;
		fprintf(stderr, "embargo: opening the BPF object: %s\n", strerror(errno));
		goto out;
	}
	err = set_backend_autoload(l->skel, b);
	err = err ?: size_map(l->skel->maps.emb_inodes, opts->inode_entries);
	err = err ?: size_map(l->skel->maps.emb_net4, opts->net4_entries);
	err = err ?: size_map(l->skel->maps.emb_net6, opts->net6_entries);
	err = err ?: embargo_bpf__load(l->skel);
out:
	if (quiet)
		libbpf_set_print(old);
	return err;
}

static int read_lsm_calls(const struct emb_loader *l, uint64_t *calls)
{
	uint64_t stats[EMB_STAT_MAX];
	int err = emb_loader_read_stats(l, stats);

	*calls = stats[EMB_STAT_LSM_CALLS];
	return err;
}

/*
 * Self-test: attach the bprm hook on its own (maps are still empty, so it
 * denies nothing), exec /bin/true, and see the hook's counter move. Without
 * bpf among the active LSMs the attach succeeds and the hook is never called:
 * this is the only proof that the LSM backend would enforce.
 */
static int lsm_selftest(struct emb_loader *l, char *why, size_t why_len)
{
	struct bpf_link *link;
	uint64_t before, after;
	int err;

	link = bpf_program__attach(l->skel->progs.emb_lsm_exec);
	if (!link) {
		snprintf(why, why_len, "self-test: attaching lsm/bprm_check_security: %s",
			 strerror(errno));
		return -1;
	}
	err = read_lsm_calls(l, &before);
	err = err ?: emb_probe_exec_true(why, why_len);
	err = err ?: read_lsm_calls(l, &after);
	bpf_link__destroy(link);
	if (err) {
		if (!why[0])
			snprintf(why, why_len, "self-test: reading the hook counter failed");
		return -1;
	}
	if (after == before) {
		snprintf(why, why_len, "self-test: an exec of /bin/true never reached "
			 "lsm/bprm_check_security (the BPF LSM is not called)");
		return -1;
	}
	return 0;
}

/* Every LSM condition, in order; the first that fails is the reason. */
static int try_lsm(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
		   size_t why_len)
{
	int err;

	why[0] = '\0';
	if (emb_probe_bpf_lsm_listed(why, why_len))
		return -1;
	err = load_backend(l, opts, EMB_BACKEND_LSM, opts->backend == EMB_WANT_AUTO);
	if (err) {
		snprintf(why, why_len, "the kernel refused the LSM programs: %s", strerror(-err));
		return -1;
	}
	if (lsm_selftest(l, why, why_len))
		return -1;
	snprintf(why, why_len, "bpf is an active LSM, the LSM programs loaded and a self-test "
		 "exec reached them");
	return 0;
}

/*
 * Decide the backend. Fail-closed towards enforcement: auto falls back to
 * classic (which still denies, by SIGKILL) rather than to nothing; an
 * explicit --backend lsm that cannot be honoured is an error, never a
 * silent downgrade.
 */
static int choose_backend(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
			  size_t why_len)
{
	char lsm_why[sizeof(l->reason)] = "";
	int err;

	if (opts->backend != EMB_WANT_CLASSIC && try_lsm(l, opts, lsm_why, sizeof(lsm_why)) == 0) {
		l->backend = EMB_BACKEND_LSM;
		snprintf(l->reason, sizeof(l->reason), "%s", lsm_why);
		return 0;
	}
	if (opts->backend == EMB_WANT_LSM) {
		if (why)
			snprintf(why, why_len, "%s", lsm_why);
		return -ENOTSUP;
	}
	l->backend = EMB_BACKEND_CLASSIC;
	if (opts->backend == EMB_WANT_CLASSIC)
		snprintf(l->reason, sizeof(l->reason), "requested with --backend classic");
	else
		snprintf(l->reason, sizeof(l->reason), "%s", lsm_why);
	err = load_backend(l, opts, EMB_BACKEND_CLASSIC, 0);
	if (err)
		fprintf(stderr, "embargo: loading the BPF programs (verifier): %s\n", strerror(-err));
	return err;
}

int emb_loader_open(struct emb_loader **out, const struct emb_loader_opts *opts, char *why,
		    size_t why_len)
{
	struct emb_loader *l = calloc(1, sizeof(*l));
	int err;

	if (why && why_len)
		why[0] = '\0';
	if (!l)
		return -ENOMEM;
	l->cgroup_fd = -1;
	l->pin_dir = strdup(opts->pin_dir);
	if (!l->pin_dir) {
		err = -ENOMEM;
		goto fail;
	}
	l->cgroup_fd = open(opts->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->cgroup_fd < 0) {
		err = -errno;
		fprintf(stderr, "embargo: cgroup %s: %s\n", opts->cgroup_path, strerror(errno));
		goto fail;
	}
	err = choose_backend(l, opts, why, why_len);
	if (err)
		goto fail;
	*out = l;
	return 0;
fail:
	emb_loader_close(l);
	return err;
}

enum emb_backend emb_loader_backend(const struct emb_loader *l)
{
	return l->backend;
}

const char *emb_backend_name(enum emb_backend b)
{
	return b == EMB_BACKEND_LSM ? "lsm" : "classic";
}

const char *emb_loader_backend_reason(const struct emb_loader *l)
{
	return l->reason;
}

/* Take over pins of an earlier instance: hold their links open (still
 * enforcing) and free the pin names for the new objects. */
static int adopt_old_pins(const char *dir, int old_fds[EMB_LINK_MAX])
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int err = 0;

	for (int i = 0; i < EMB_LINK_MAX; i++) {
		old_fds[i] = -1;
		if (pin_path(path, sizeof(path), dir, link_pin_names[i]))
			return -ENAMETOOLONG;
		old_fds[i] = bpf_obj_get(path);
	}
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (pin_path(path, sizeof(path), dir, de->d_name) || unlink(path)) {
			err = -errno;
			fprintf(stderr, "embargo: removing old pin %s: %s\n", path, strerror(errno));
			break;
		}
	}
	closedir(d);
	return err;
}

/* Fail-closed: a failed takeover puts the earlier instance's links back. */
static void restore_old_pins(const char *dir, const int old_fds[EMB_LINK_MAX])
{
	char path[PATH_MAX];

	for (int i = 0; i < EMB_LINK_MAX; i++) {
		if (old_fds[i] < 0 || pin_path(path, sizeof(path), dir, link_pin_names[i]))
			continue;
		unlink(path);
		if (bpf_obj_pin(old_fds[i], path))
			fprintf(stderr, "embargo: restoring old pin %s: %s\n", path, strerror(errno));
	}
}

static int pin_map(const struct emb_loader *l, struct bpf_map *m)
{
	char path[PATH_MAX];
	int err = pin_path(path, sizeof(path), l->pin_dir, bpf_map__name(m));

	err = err ?: bpf_map__pin(m, path);
	if (err)
		fprintf(stderr, "embargo: pinning map %s at %s: %s\n", bpf_map__name(m), path,
			strerror(-err));
	return err;
}

static int attach_one(struct emb_loader *l, int idx, struct bpf_program *prog, int cgroup)
{
	char path[PATH_MAX];
	struct bpf_link *link;
	int err;

	link = cgroup ? bpf_program__attach_cgroup(prog, l->cgroup_fd) : bpf_program__attach(prog);
	if (!link) {
		err = -errno;
		fprintf(stderr, "embargo: attaching %s: %s\n", bpf_program__name(prog), strerror(errno));
		return err;
	}
	l->links[idx] = link;
	err = pin_path(path, sizeof(path), l->pin_dir, link_pin_names[idx]);
	err = err ?: bpf_link__pin(link, path);
	if (err)
		fprintf(stderr, "embargo: pinning link %s: %s\n", path, strerror(-err));
	return err;
}

int emb_loader_attach(struct emb_loader *l)
{
	struct embargo_bpf *s = l->skel;
	int old_fds[EMB_LINK_MAX];
	int err;

	err = adopt_old_pins(l->pin_dir, old_fds);
	if (l->backend == EMB_BACKEND_LSM) {
		err = err ?: attach_one(l, EMB_LINK_EXEC, s->progs.emb_lsm_exec, 0);
		err = err ?: attach_one(l, EMB_LINK_MMAP, s->progs.emb_lsm_mmap, 0);
		err = err ?: attach_one(l, EMB_LINK_MPROTECT, s->progs.emb_lsm_mprotect, 0);
	} else {
		err = err ?: attach_one(l, EMB_LINK_EXEC, s->progs.emb_exec, 0);
	}
	err = err ?: attach_one(l, EMB_LINK_CONNECT4, s->progs.emb_connect4, 1);
	err = err ?: attach_one(l, EMB_LINK_CONNECT6, s->progs.emb_connect6, 1);
	err = err ?: attach_one(l, EMB_LINK_SENDMSG4, s->progs.emb_sendmsg4, 1);
	err = err ?: attach_one(l, EMB_LINK_SENDMSG6, s->progs.emb_sendmsg6, 1);
	err = err ?: pin_map(l, s->maps.emb_inodes);
	err = err ?: pin_map(l, s->maps.emb_net4);
	err = err ?: pin_map(l, s->maps.emb_net6);
	err = err ?: pin_map(l, s->maps.emb_events);
	err = err ?: pin_map(l, s->maps.emb_stats);
	if (err)
		restore_old_pins(l->pin_dir, old_fds);
	/* The old links detach here, after the new ones enforce. */
	for (int i = 0; i < EMB_LINK_MAX; i++)
		if (old_fds[i] >= 0)
			close(old_fds[i]);
	return err;
}

static int put(struct bpf_map *m, const void *k, size_t klen, const void *v, size_t vlen,
	       const char *what)
{
	int err = bpf_map__update_elem(m, k, klen, v, vlen, BPF_ANY);

	if (err)
		fprintf(stderr, "embargo: writing %s to map %s: %s\n", what, bpf_map__name(m),
			strerror(-err));
	return err;
}

int emb_loader_put_inode(struct emb_loader *l, const struct emb_inode_key *k,
			 const struct emb_verdict *v)
{
	char what[64];

	snprintf(what, sizeof(what), "inode %llu:%llu", (unsigned long long)k->dev,
		 (unsigned long long)k->ino);
	return put(l->skel->maps.emb_inodes, k, sizeof(*k), v, sizeof(*v), what);
}

int emb_loader_put_net4(struct emb_loader *l, const struct emb_lpm4_key *k,
			const struct emb_net_value *v)
{
	char what[64];

	snprintf(what, sizeof(what), "prefix %u.%u.%u.%u/%u", k->addr[0], k->addr[1], k->addr[2],
		 k->addr[3], k->prefixlen);
	return put(l->skel->maps.emb_net4, k, sizeof(*k), v, sizeof(*v), what);
}

int emb_loader_put_net6(struct emb_loader *l, const struct emb_lpm6_key *k,
			const struct emb_net_value *v)
{
	char what[96];
	int n = snprintf(what, sizeof(what), "prefix ");

	for (int i = 0; i < 16 && n > 0 && n < (int)sizeof(what) - 4; i += 2)
		n += snprintf(what + n, sizeof(what) - (size_t)n, "%s%02x%02x", i ? ":" : "",
			      k->addr[i], k->addr[i + 1]);
	snprintf(what + n, sizeof(what) - (size_t)n, "/%u", k->prefixlen);
	return put(l->skel->maps.emb_net6, k, sizeof(*k), v, sizeof(*v), what);
}

int emb_loader_events_fd(const struct emb_loader *l)
{
	return bpf_map__fd(l->skel->maps.emb_events);
}

int emb_loader_read_stats(const struct emb_loader *l, uint64_t out[EMB_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < EMB_STAT_MAX && !err; k++) {
		err = bpf_map__lookup_elem(l->skel->maps.emb_stats, &k, sizeof(k), vals,
					   sizeof(*vals) * (size_t)ncpu, 0);
		out[k] = 0;
		for (int c = 0; c < ncpu && !err; c++)
			out[k] += vals[c];
	}
	if (err)
		fprintf(stderr, "embargo: reading map emb_stats: %s\n", strerror(-err));
	free(vals);
	return err;
}

void emb_loader_close(struct emb_loader *l)
{
	if (!l)
		return;
	for (int i = 0; i < EMB_LINK_MAX; i++)
		bpf_link__destroy(l->links[i]); /* pinned links stay attached */
	embargo_bpf__destroy(l->skel);
	if (l->cgroup_fd >= 0)
		close(l->cgroup_fd);
	free(l->pin_dir);
	free(l);
}

int emb_loader_unload(const char *pin_dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d = opendir(pin_dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (pin_path(path, sizeof(path), pin_dir, de->d_name) || unlink(path)) {
			err = -errno;
			fprintf(stderr, "embargo: removing pin %s: %s\n", path, strerror(errno));
		}
	}
	closedir(d);
	if (!err && rmdir(pin_dir)) {
		err = -errno;
		fprintf(stderr, "embargo: removing %s: %s\n", pin_dir, strerror(errno));
	}
	return err;
}
