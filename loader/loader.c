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
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>

#include "embargo.skel.h"
#include "hooks.h"
#include "linkcheck.h"
#include "kmod.h"
#include "pins.h"
#include "probe.h"
#include "log.h"

#define BPFFS_ROOT "/sys/fs/bpf"

struct emb_loader {
	struct embargo_bpf *skel;
	struct bpf_link *links[EMB_HOOKS_MAX]; /* by emb_hooks[] row */
	char *pin_dir;
	int cgroup_fd;
	enum emb_backend backend;
	char reason[512];
	/* pins (adopt or replace): see reuse_pinned_maps() */
	int adopted;             /* the pinned maps and links are reused as they are */
	int have_old_meta;       /* old_meta was read from the pin dir */
	struct emb_meta old_meta;
	struct emb_meta meta;    /* what emb_meta[0] holds once attached */
	char pins_why[256];      /* adopted, replaced (and why) or new */
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
		emb_warn("mount bpffs at %s: %s", BPFFS_ROOT, strerror(errno));
		return -errno;
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		emb_warn("mkdir %s: %s", pin_dir, strerror(errno));
		return -errno;
	}
	if (statfs(pin_dir, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		emb_warn("%s is not on a bpf filesystem", pin_dir);
		return -EINVAL;
	}
	return 0;
}

static int size_map(struct bpf_map *m, uint32_t entries)
{
	int err = bpf_map__set_max_entries(m, entries ? entries : 1);

	if (err)
		emb_warn("sizing map %s to %u: %s", bpf_map__name(m), entries,
			 strerror(-err));
	return err;
}

static struct bpf_program *hook_prog(const struct embargo_bpf *s, size_t row)
{
	return bpf_object__find_program_by_name(s->obj, emb_hooks[row].prog);
}

/*
 * Load only the programs of backend b's rows of the hook table. Every
 * program of the object must have a row and every row a program, and no
 * two rows of one backend may share a pin: a mismatch is a build defect,
 * refused before anything loads.
 */
static int set_backend_autoload(struct embargo_bpf *s, enum emb_backend b)
{
	struct bpf_program *p;
	int err = 0;

	for (size_t i = 0; i < emb_hooks_n; i++) {
		if (!hook_prog(s, i)) {
			emb_warn("hook table: no program %s in the BPF object",
				 emb_hooks[i].prog);
			return -ENOENT;
		}
		for (size_t j = 0; j < i; j++)
			if (emb_hook_on(&emb_hooks[i], b) && emb_hook_on(&emb_hooks[j], b) &&
			    strcmp(emb_hooks[i].pin, emb_hooks[j].pin) == 0) {
				emb_warn("hook table: pin %s twice for backend %s",
					 emb_hooks[i].pin, emb_backend_name(b));
				return -EINVAL;
			}
	}
	bpf_object__for_each_program(p, s->obj) {
		int on = 0, listed = 0;

		for (size_t i = 0; i < emb_hooks_n; i++)
			if (strcmp(emb_hooks[i].prog, bpf_program__name(p)) == 0) {
				listed = 1;
				on |= emb_hook_on(&emb_hooks[i], b);
			}
		if (!listed) {
			emb_warn("hook table: program %s has no row",
				 bpf_program__name(p));
			return -EINVAL;
		}
		err = bpf_program__set_autoload(p, on);
		if (err) {
			emb_warn("selecting program %s: %s", bpf_program__name(p),
				 strerror(-err));
			return err;
		}
	}
	return 0;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* The pinned set is ours, of this ABI and backend, with every link. */
static int pins_adoptable(struct emb_loader *l, enum emb_backend b)
{
	struct emb_link_check lc[EMB_HOOKS_MAX];
	int n, err = emb_pins_meta_read(l->pin_dir, &l->old_meta);

	l->have_old_meta = err == 0;
	if (err == -ENOENT)
		return snprintf(l->pins_why, sizeof(l->pins_why), "new: no pins in %s", l->pin_dir), 0;
	if (err)
		return snprintf(l->pins_why, sizeof(l->pins_why), "replaced: the pinned emb_meta is "
				"unreadable or of another layout"), 0;
	if (l->old_meta.abi_version != EMBARGO_ABI_VERSION)
		return snprintf(l->pins_why, sizeof(l->pins_why), "replaced: pinned ABI %u, this "
				"build has ABI %u", l->old_meta.abi_version, EMBARGO_ABI_VERSION), 0;
	if (l->old_meta.backend != (uint32_t)b)
		return snprintf(l->pins_why, sizeof(l->pins_why), "replaced: pinned backend %s, "
				"chosen %s", emb_backend_name((enum emb_backend)l->old_meta.backend),
				emb_backend_name(b)), 0;
	/* A detached link adopted would stay detached: fail-closed, replace. */
	n = emb_links_check(l->pin_dir, b, lc, EMB_HOOKS_MAX);
	if (n < 0)
		return snprintf(l->pins_why, sizeof(l->pins_why), "replaced: the pinned links "
				"cannot be inspected: %s", strerror(-n)), 0;
	for (int i = 0; i < n; i++) {
		if (lc[i].state == EMB_LINK_ATTACHED)
			continue;
		return snprintf(l->pins_why, sizeof(l->pins_why), "replaced: link %s is %s", lc[i].pin,
				lc[i].state == EMB_LINK_MISSING ? "not pinned"
								: emb_link_state_name(lc[i].state)), 0;
	}
	return 1;
}

#define EMB_MAX_MAPS 64

/* Every map of the object has a compatible pin (fds in fds[], by order). */
static int pinned_maps_fit(struct emb_loader *l, int *fds, size_t *n)
{
	struct bpf_map *m;

	*n = 0;
	bpf_object__for_each_map(m, l->skel->obj) {
		if (bpf_map__is_internal(m))
			continue;
		if (*n == EMB_MAX_MAPS)
			return snprintf(l->pins_why, sizeof(l->pins_why), "more than %d maps",
					EMB_MAX_MAPS), 0;
		if (emb_pins_map_compatible(l->pin_dir, bpf_map__name(m), bpf_map__type(m),
					    bpf_map__key_size(m), bpf_map__value_size(m),
					    bpf_map__map_flags(m), bpf_map__max_entries(m), &fds[*n],
					    l->pins_why, sizeof(l->pins_why)))
			return 0;
		++*n;
	}
	return 1;
}

/*
 * Adopt (contract.md §4) when the pin dir holds a complete set of this ABI and
 * backend whose maps have the shape and room this policy needs: the object
 * reuses the pinned maps (called between open and load), and attach keeps
 * the pinned links as they are, so enforcement is continuous: nothing is
 * detached or re-attached. Anything else is replaced at attach (new links
 * first, then the old ones dropped). Returns 0 either way, or an error
 * when a reuse failed (fail-closed: the start stops, the pins stay).
 */
static int reuse_pinned_maps(struct emb_loader *l, enum emb_backend b)
{
	int fds[EMB_MAX_MAPS];
	size_t n = 0, i = 0;
	struct bpf_map *m;
	int fit, err = 0;

	l->adopted = 0;
	if (!pins_adoptable(l, b))
		return 0;
	fit = pinned_maps_fit(l, fds, &n);
	if (fit) {
		bpf_object__for_each_map(m, l->skel->obj) {
			if (bpf_map__is_internal(m))
				continue;
			err = err ?: bpf_map__reuse_fd(m, fds[i]);
			if (err && !l->pins_why[0])
				snprintf(l->pins_why, sizeof(l->pins_why), "reusing map %s: %s",
					 bpf_map__name(m), strerror(-err));
			i++;
		}
	} else {
		char why[sizeof(l->pins_why)];

		snprintf(why, sizeof(why), "%s", l->pins_why);
		snprintf(l->pins_why, sizeof(l->pins_why), "replaced: %.200s", why);
	}
	for (i = 0; i < n; i++)
		close(fds[i]); /* reuse_fd keeps its own dup */
	if (err) {
		emb_info("adopting the pins in %s: %s", l->pin_dir, l->pins_why);
		return err;
	}
	if (fit) {
		l->adopted = 1;
		snprintf(l->pins_why, sizeof(l->pins_why), "adopted generation %llu (ABI %u, %s): "
			 "links kept attached, maps reused",
			 (unsigned long long)l->old_meta.generation, EMBARGO_ABI_VERSION,
			 emb_backend_name(b));
	}
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
		emb_err("opening the BPF object: %s", strerror(errno));
		goto out;
	}
	err = set_backend_autoload(l->skel, b);
	err = err ?: size_map(l->skel->maps.emb_listed, opts->listed_entries);
	err = err ?: size_map(l->skel->maps.emb_clean, opts->clean_entries);
	err = err ?: size_map(l->skel->maps.emb_net4, opts->net4_entries);
	err = err ?: size_map(l->skel->maps.emb_net6, opts->net6_entries);
	err = err ?: size_map(l->skel->maps.emb_banned, b == EMB_BACKEND_KMOD ? opts->banned_entries : 1);
	err = err ?: reuse_pinned_maps(l, b);
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
 * Self-test: attach the exec hook prog on its own (maps are still empty, so
 * it denies nothing), exec /bin/true, and see the hook's counter move.
 * Without bpf among the active LSMs an lsm/ attach succeeds and the hook is
 * never called: this is the only proof that the LSM backend would enforce.
 * For fmod_ret it proves the trampoline is on the exec path.
 */
static int exec_selftest(struct emb_loader *l, struct bpf_program *prog, const char *what,
			 char *why, size_t why_len)
{
	struct bpf_link *link;
	uint64_t before, after;
	int err;

	link = bpf_program__attach(prog);
	if (!link) {
		snprintf(why, why_len, "self-test: attaching %s: %s", what, strerror(errno));
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
		snprintf(why, why_len, "self-test: an exec of /bin/true never reached %s", what);
		return -1;
	}
	return 0;
}

/*
 * A backend's probe: 0 when backend b is usable on this kernel, with its
 * programs loaded into l->skel and why[] saying how it was proven; else -1
 * with the reason in why[], or a negative errno for an error that must stop
 * the start whatever was asked (printed).
 */
typedef int (*emb_try_fn)(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
			  size_t why_len);

/* Every LSM condition, in order; the first that fails is the reason. */
static int try_lsm(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
		   size_t why_len)
{
	int err;

	if (emb_probe_bpf_lsm_listed(why, why_len))
		return -1;
	err = load_backend(l, opts, EMB_BACKEND_LSM, opts->backend == EMB_BACKEND_AUTO);
	if (err) {
		snprintf(why, why_len, "the kernel refused the LSM programs: %s", strerror(-err));
		return -1;
	}
	if (exec_selftest(l, l->skel->progs.emb_lsm_exec,
			  "lsm/bprm_check_security (the BPF LSM is not called)", why, why_len))
		return -1;
	snprintf(why, why_len, "bpf is an active LSM, the LSM programs loaded and a self-test "
		 "exec reached them");
	return 0;
}

/*
 * fmod_ret needs BPF trampolines (x86-64, arm64), fmod_ret on security_*
 * (allowed by the verifier since 5.7) and the self-test; no BPF LSM.
 */
static int try_fmod_ret(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
			size_t why_len)
{
	int err = load_backend(l, opts, EMB_BACKEND_FMOD_RET, opts->backend == EMB_BACKEND_AUTO);

	if (err) {
		snprintf(why, why_len, "the kernel refused the fmod_ret programs: %s", strerror(-err));
		return -1;
	}
	if (exec_selftest(l, l->skel->progs.emb_fmr_exec, "fmod_ret/security_bprm_check", why,
			  why_len))
		return -1;
	snprintf(why, why_len, "the fmod_ret programs loaded and a self-test exec reached them");
	return 0;
}

/* Classic needs only tracepoints: its load failing is an error, not a
 * reason to look further (there is nothing further). */
static int try_classic(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
		       size_t why_len)
{
	int err = load_backend(l, opts, EMB_BACKEND_CLASSIC, 0);

	if (err) {
		emb_warn("loading the BPF programs (verifier): %s", strerror(-err));
		return err;
	}
	snprintf(why, why_len, "its tracepoint programs loaded");
	return 0;
}

/*
 * embargo.ko loaded (it answers on EMB_KMOD_DEV with this ABI): exec is the
 * module's (EPERM, every level, unverified files hashed in the kernel),
 * mmap is classic's sys_exit program. The maps are handed over at attach.
 */
static int try_kmod(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
		    size_t why_len)
{
	struct emb_kmod_status st;
	int err;

	if (emb_kmod_probe(&st, why, why_len))
		return -1;
	err = load_backend(l, opts, EMB_BACKEND_KMOD, 0);
	if (err) {
		emb_warn("loading the BPF programs (verifier): %s", strerror(-err));
		return err;
	}
	snprintf(why, why_len, "embargo.ko answers on %s (ABI %u): it fails exec with EPERM and "
		 "hashes unverified files itself; mmap is judged as by classic", EMB_KMOD_DEV,
		 st.abi_version);
	return 0;
}

/*
 * Auto-selection order, best first: the first usable backend enforces.
 * A new backend is one row here (where its guarantees rank) and its try
 * function; classic stays last, it is the floor.
 */
static const struct {
	enum emb_backend b;
	emb_try_fn try;
} backend_order[] = {
	{ EMB_BACKEND_LSM, try_lsm },
	{ EMB_BACKEND_FMOD_RET, try_fmod_ret },
	/* kmod after the BPF LSM (which also covers mmap with EPERM) and before
	 * classic (SIGKILL after the exec, hashing left to the agent) */
	{ EMB_BACKEND_KMOD, try_kmod },
	{ EMB_BACKEND_CLASSIC, try_classic },
};

/* Append "; " (after the first) and fmt to buf. */
static void reason_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n && n + 2 < len) {
		memcpy(buf + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/*
 * Decide the backend. Fail-closed towards enforcement: auto falls back
 * along backend_order (classic still denies, by SIGKILL) rather than to
 * nothing; an explicit --backend that cannot be honoured is an error
 * (-ENOTSUP, the reason in why[]), never a silent downgrade. The reason
 * kept says why each better backend was passed over, or what was asked.
 */
static int choose_backend(struct emb_loader *l, const struct emb_loader_opts *opts, char *why,
			  size_t why_len)
{
	char one[sizeof(l->reason)];
	int auto_pick = opts->backend == EMB_BACKEND_AUTO;

	l->reason[0] = '\0';
	for (size_t i = 0; i < sizeof(backend_order) / sizeof(backend_order[0]); i++) {
		enum emb_backend b = backend_order[i].b;
		int err;

		if (!auto_pick && opts->backend != b)
			continue;
		one[0] = '\0';
		err = backend_order[i].try(l, opts, one, sizeof(one));
		if (err < -1)
			return err;
		if (err == 0) {
			l->backend = b;
			if (!auto_pick)
				snprintf(l->reason, sizeof(l->reason), "requested with --backend %s, %s",
					 emb_backend_name(b), one);
			else if (!l->reason[0])
				snprintf(l->reason, sizeof(l->reason), "%s", one);
			else /* after why the better ones were passed over: why this one */
				reason_add(l->reason, sizeof(l->reason), "%s: %s", emb_backend_name(b), one);
			return 0;
		}
		if (!auto_pick) {
			if (why)
				snprintf(why, why_len, "%s", one);
			return -ENOTSUP;
		}
		reason_add(l->reason, sizeof(l->reason), "%s unusable: %s", emb_backend_name(b), one);
	}
	if (why)
		snprintf(why, why_len, "no backend named %s in this build", emb_backend_name(opts->backend));
	return -ENOTSUP;
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
		emb_warn("cgroup %s: %s", opts->cgroup_path, strerror(errno));
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

const char *emb_loader_backend_reason(const struct emb_loader *l)
{
	return l->reason;
}

/* Every pin this object owns: the links, then its maps. A takeover touches
 * these names only; other pins in the dir (another object's) stay. */
static size_t owned_pin_names(const struct emb_loader *l, const char **names, size_t cap)
{
	struct bpf_map *m;
	size_t n = 0;

	n = emb_hook_pins(names, cap);
	bpf_object__for_each_map(m, l->skel->obj)
		if (!bpf_map__is_internal(m) && n < cap)
			names[n++] = bpf_map__name(m);
	return n;
}

static int pin_map(const struct emb_loader *l, struct bpf_map *m)
{
	char path[PATH_MAX];
	int err = pin_path(path, sizeof(path), l->pin_dir, bpf_map__name(m));

	err = err ?: bpf_map__pin(m, path);
	if (err)
		emb_warn("pinning map %s at %s: %s", bpf_map__name(m), path,
			 strerror(-err));
	return err;
}

/* Attach and pin row idx of the hook table, if the backend uses it. */
static int attach_one(struct emb_loader *l, size_t idx)
{
	const struct emb_hook *h = &emb_hooks[idx];
	struct bpf_program *prog = hook_prog(l->skel, idx);
	char path[PATH_MAX];
	struct bpf_link *link;
	int err;

	if (!emb_hook_on(h, l->backend))
		return 0;
	link = h->attach == EMB_ATTACH_CGROUP ? bpf_program__attach_cgroup(prog, l->cgroup_fd)
					      : bpf_program__attach(prog);
	if (!link) {
		err = -errno;
		emb_warn("attaching %s: %s", bpf_program__name(prog), strerror(errno));
		return err;
	}
	l->links[idx] = link;
	err = pin_path(path, sizeof(path), l->pin_dir, h->pin);
	err = err ?: bpf_link__pin(link, path);
	if (err)
		emb_warn("pinning link %s: %s", path, strerror(-err));
	return err;
}

/* Close our link fds. Pinned links stay attached (the pin holds them), so
 * `embargo unload` detaches at once even while the agent runs; unpinned
 * ones (a failed attach) detach here. */
static void drop_link_fds(struct emb_loader *l)
{
	for (size_t i = 0; i < EMB_HOOKS_MAX; i++) {
		bpf_link__destroy(l->links[i]);
		l->links[i] = NULL;
	}
}

static int write_meta(struct emb_loader *l)
{
	return emb_pins_meta_write_fd(bpf_map__fd(l->skel->maps.emb_meta), &l->meta);
}

/* Adopted: every pin stays as it is; only the generation moves. */
static int attach_adopted(struct emb_loader *l)
{
	l->meta = l->old_meta;
	l->meta.generation++;
	return write_meta(l);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * First start, or pins we cannot adopt: hold the old pins open (their links
 * keep enforcing), attach and pin the new set, and only then close the old
 * ones: a brief double enforcement, never a gap. emb_meta is pinned last, so
 * a set with emb_meta is complete. Fail-closed: on any error the new pins go
 * and the old ones are put back.
 */
static int attach_replace(struct emb_loader *l)
{
	const char *names[EMB_HOOKS_MAX + EMB_MAX_MAPS];
	int old[EMB_HOOKS_MAX + EMB_MAX_MAPS];
	size_t n = owned_pin_names(l, names, EMB_HOOKS_MAX + EMB_MAX_MAPS);
	char path[PATH_MAX];
	struct bpf_map *m;
	int err = emb_pins_hold(l->pin_dir, names, n, old);

	if (err)
		return err;
	for (size_t i = 0; i < emb_hooks_n && !err; i++)
		err = attach_one(l, i);
	bpf_object__for_each_map(m, l->skel->obj)
		if (!err && !bpf_map__is_internal(m) && m != l->skel->maps.emb_meta)
			err = pin_map(l, m);
	if (!err) {
		l->meta = (struct emb_meta){
			.magic = EMB_META_MAGIC,
			.abi_version = EMBARGO_ABI_VERSION,
			.backend = l->backend,
			.generation = (l->have_old_meta ? l->old_meta.generation : 0) + 1,
			.created_ns = realtime_ns(),
		};
		err = write_meta(l);
	}
	err = err ?: pin_map(l, l->skel->maps.emb_meta);
	if (err) {
		for (size_t i = 0; i < n; i++)
			if (!pin_path(path, sizeof(path), l->pin_dir, names[i]))
				unlink(path);
		emb_pins_restore(l->pin_dir, names, n, old);
	}
	drop_link_fds(l);
	/* The old links detach here, after the new ones enforce. */
	emb_pins_release(old, n);
	return err;
}

/* kmod backend: embargo.ko takes references on the maps now in force (a
 * set it held before is dropped after execs in flight are done). */
static int kmod_handover(struct emb_loader *l)
{
	struct emb_kmod_maps m = {
		.abi_version = EMBARGO_ABI_VERSION,
		.inodes_fd = bpf_map__fd(l->skel->maps.emb_clean),
		.listed_fd = bpf_map__fd(l->skel->maps.emb_listed),
		.banned_fd = bpf_map__fd(l->skel->maps.emb_banned),
		.config_fd = bpf_map__fd(l->skel->maps.emb_config),
		.stats_fd = bpf_map__fd(l->skel->maps.emb_stats),
	};

	return l->backend == EMB_BACKEND_KMOD ? emb_kmod_attach(&m) : 0;
}

int emb_loader_attach(struct emb_loader *l)
{
	int err;

	if (mkdir(l->pin_dir, 0700) && errno != EEXIST) {
		emb_warn("mkdir %s: %s", l->pin_dir, strerror(errno));
		return -errno;
	}
	err = l->adopted ? attach_adopted(l) : attach_replace(l);
	return err ?: kmod_handover(l);
}

uint32_t emb_loader_clean_capacity(const struct emb_loader *l)
{
	return bpf_map__max_entries(l->skel->maps.emb_clean);
}

int emb_loader_adopted(const struct emb_loader *l)
{
	return l->adopted;
}

const char *emb_loader_pins_reason(const struct emb_loader *l)
{
	return l->pins_why;
}

const struct emb_meta *emb_loader_meta(const struct emb_loader *l)
{
	return &l->meta;
}

int emb_loader_set_lost_logged(struct emb_loader *l, uint64_t n)
{
	l->meta.lost_logged = n;
	return write_meta(l);
}


/* Delete every key of m not among keep[] (collected first: deleting while
 * walking would restart the walk). */
static int sweep_map(struct bpf_map *m, emb_loader_keep_fn keep, void *ctx)
{
	size_t klen = bpf_map__key_size(m), cnt = 0, cap = 0;
	char cur[64], next[64];
	char *gone = NULL, *grown;
	int first = 1, err = 0;

	if (klen > sizeof(cur))
		return -E2BIG;
	while (bpf_map__get_next_key(m, first ? NULL : cur, next, klen) == 0) {
		first = 0;
		memcpy(cur, next, klen);
		if (keep(ctx, cur))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(gone, cap * klen);
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			gone = grown;
		}
		memcpy(gone + cnt++ * klen, cur, klen);
	}
	for (size_t i = 0; i < cnt && !err; i++) {
		err = bpf_map__delete_elem(m, gone + i * klen, klen, 0);
		if (err == -ENOENT)
			err = 0;
		if (err)
			emb_warn("deleting a stale key from map %s: %s",
				 bpf_map__name(m), strerror(-err));
	}
	free(gone);
	return err;
}

int emb_loader_sweep_net(struct emb_loader *l, emb_loader_keep_fn keep4, emb_loader_keep_fn keep6,
			 void *ctx)
{
	int err = sweep_map(l->skel->maps.emb_net4, keep4, ctx);

	return err ?: sweep_map(l->skel->maps.emb_net6, keep6, ctx);
}

static int put(struct bpf_map *m, const void *k, size_t klen, const void *v, size_t vlen,
	       const char *what)
{
	int err = bpf_map__update_elem(m, k, klen, v, vlen, BPF_ANY);

	if (err)
		emb_err("writing %s to map %s: %s", what, bpf_map__name(m),
			strerror(-err));
	return err;
}

static struct bpf_map *verdict_map(const struct emb_loader *l, enum emb_vtable t)
{
	return t == EMB_VT_LISTED ? l->skel->maps.emb_listed : l->skel->maps.emb_clean;
}

int emb_loader_put_verdict(struct emb_loader *l, enum emb_vtable t, const struct emb_inode_key *k,
			   const struct emb_inode_val *v)
{
	struct bpf_map *m = verdict_map(l, t);
	int err = bpf_map__update_elem(m, k, sizeof(*k), v, sizeof(*v), BPF_ANY);

	/* A full table is the caller's to count and report once. */
	if (err && err != -E2BIG)
		emb_err("writing inode %llu:%llu to map %s: %s",
			(unsigned long long)k->dev, (unsigned long long)k->ino, bpf_map__name(m),
			strerror(-err));
	return err;
}

/*
 * Entries k[0..n), v[0..n) through bpf_map_update_batch; the count written
 * before a batch failed. A failed call's count is not reliable (a kernel
 * without batch ops on the map leaves it untouched): the caller goes on
 * one by one from there, rewriting a few at worst.
 */
static uint32_t put_batch(struct bpf_map *m, const void *k, size_t klen, const void *v,
			  size_t vlen, uint32_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_ANY);
	int fd = bpf_map__fd(m);
	uint32_t done = 0;

	while (done < n) {
		uint32_t count = n - done;

		if (bpf_map_update_batch(fd, (const char *)k + done * klen,
					 (const char *)v + done * vlen, &count, &o) ||
		    !count)
			break;
		done += count;
	}
	return done;
}

int emb_loader_put_verdicts(struct emb_loader *l, enum emb_vtable t,
			    const struct emb_inode_key *k, const struct emb_inode_val *v, uint32_t n,
			    uint32_t *full)
{
	for (uint32_t i = put_batch(verdict_map(l, t), k, sizeof(*k), v, sizeof(*v), n); i < n;
	     i++) {
		int err = emb_loader_put_verdict(l, t, &k[i], &v[i]);

		/* Full: new keys do not fit, replacing a present one still does. */
		if (err == -E2BIG)
			++*full;
		else if (err)
			return err;
	}
	return 0;
}

int emb_loader_get_inode(const struct emb_loader *l, const struct emb_inode_key *k,
			 struct emb_inode_val *v)
{
	if (!bpf_map__lookup_elem(l->skel->maps.emb_listed, k, sizeof(*k), v, sizeof(*v), 0))
		return 0;
	return bpf_map__lookup_elem(l->skel->maps.emb_clean, k, sizeof(*k), v, sizeof(*v), 0) ?
		       -errno : 0;
}

int emb_loader_set_config(struct emb_loader *l, const struct emb_config *c)
{
	uint32_t zero = 0;

	return put(l->skel->maps.emb_config, &zero, sizeof(zero), c, sizeof(*c), "the config");
}

int emb_loader_set_scope(struct emb_loader *l)
{
	uint32_t zero = 0, fd = (uint32_t)l->cgroup_fd;

	return put(l->skel->maps.emb_scope, &zero, sizeof(zero), &fd, sizeof(fd), "the cgroup");
}

int emb_loader_hashreq_fd(const struct emb_loader *l)
{
	return bpf_map__fd(l->skel->maps.emb_hashreq);
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

int emb_loader_put_net4s(struct emb_loader *l, const struct emb_lpm4_key *k,
			 const struct emb_net_value *v, uint32_t n)
{
	for (uint32_t i = put_batch(l->skel->maps.emb_net4, k, sizeof(*k), v, sizeof(*v), n);
	     i < n; i++)
		if (emb_loader_put_net4(l, &k[i], &v[i]))
			return -1;
	return 0;
}

int emb_loader_put_net6s(struct emb_loader *l, const struct emb_lpm6_key *k,
			 const struct emb_net_value *v, uint32_t n)
{
	for (uint32_t i = put_batch(l->skel->maps.emb_net6, k, sizeof(*k), v, sizeof(*v), n);
	     i < n; i++)
		if (emb_loader_put_net6(l, &k[i], &v[i]))
			return -1;
	return 0;
}

/* Deletes for reloads. A key already gone is not an error. */
static int del(struct bpf_map *m, const void *k, size_t klen)
{
	int err = bpf_map__delete_elem(m, k, klen, 0);

	if (err && err != -ENOENT) {
		emb_warn("deleting from map %s: %s", bpf_map__name(m), strerror(-err));
		return err;
	}
	return 0;
}

int emb_loader_wants_banned(const struct emb_loader *l)
{
	return l->backend == EMB_BACKEND_KMOD;
}

static void banned_what(char *what, size_t len, const struct emb_sha256_key *k)
{
	int n = snprintf(what, len, "sha256 ");

	for (int i = 0; i < EMB_SHA256_BYTES && n > 0 && (size_t)n + 3 < len; i++)
		n += snprintf(what + n, len - (size_t)n, "%02x", k->digest[i]);
}

int emb_loader_put_banned(struct emb_loader *l, const struct emb_sha256_key *k,
			  const struct emb_verdict *v, uint32_t n)
{
	struct bpf_map *m = l->skel->maps.emb_banned;
	char what[80];

	for (uint32_t i = put_batch(m, k, sizeof(*k), v, sizeof(*v), n); i < n; i++) {
		banned_what(what, sizeof(what), &k[i]);
		if (put(m, &k[i], sizeof(*k), &v[i], sizeof(*v), what))
			return -1;
	}
	return 0;
}

int emb_loader_del_banned(struct emb_loader *l, const struct emb_sha256_key *k)
{
	return del(l->skel->maps.emb_banned, k, sizeof(*k));
}

int emb_loader_sweep_banned(struct emb_loader *l,
			    int (*keep)(void *ctx, const struct emb_sha256_key *k), void *ctx)
{
	struct bpf_map *m = l->skel->maps.emb_banned;
	struct emb_sha256_key cur, next, *gone = NULL, *grown;
	size_t n = 0, cap = 0;
	int first = 1, err = 0;

	while (!err && bpf_map__get_next_key(m, first ? NULL : &cur, &next, sizeof(next)) == 0) {
		first = 0;
		cur = next;
		if (keep(ctx, &cur))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(gone, cap * sizeof(*gone));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			gone = grown;
		}
		gone[n++] = cur;
	}
	for (size_t i = 0; i < n && !err; i++)
		err = emb_loader_del_banned(l, &gone[i]);
	free(gone);
	return err;
}

int emb_loader_del_verdict(struct emb_loader *l, enum emb_vtable t, const struct emb_inode_key *k)
{
	return del(verdict_map(l, t), k, sizeof(*k));
}

int emb_loader_del_net4(struct emb_loader *l, const struct emb_lpm4_key *k)
{
	return del(l->skel->maps.emb_net4, k, sizeof(*k));
}

int emb_loader_del_net6(struct emb_loader *l, const struct emb_lpm6_key *k)
{
	return del(l->skel->maps.emb_net6, k, sizeof(*k));
}

int emb_loader_for_each_verdict(struct emb_loader *l, enum emb_vtable t,
				int (*fn)(void *ctx, const struct emb_inode_key *k,
					  const struct emb_inode_val *v),
				void *ctx)
{
	struct bpf_map *m = verdict_map(l, t);
	struct emb_inode_key key, next;
	struct emb_inode_val v;
	const void *prev = NULL;
	int err;

	while ((err = bpf_map__get_next_key(m, prev, &next, sizeof(next))) == 0) {
		key = next;
		prev = &key;
		err = bpf_map__lookup_elem(m, &key, sizeof(key), &v, sizeof(v), 0);
		if (err == -ENOENT)
			continue; /* deleted meanwhile */
		if (err || (err = fn(ctx, &key, &v)))
			return err;
	}
	return err == -ENOENT ? 0 : err;
}

int emb_loader_events_fd(const struct emb_loader *l)
{
	return bpf_map__fd(l->skel->maps.emb_events);
}

int emb_loader_read_stats(const struct emb_loader *l, uint64_t out[EMB_STAT_MAX])
{
	int err = emb_percpu_sum(bpf_map__fd(l->skel->maps.emb_stats), EMB_STAT_MAX, out);

	if (err)
		emb_err("reading map emb_stats: %s", strerror(-err));
	return err;
}

void emb_loader_close(struct emb_loader *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < EMB_HOOKS_MAX; i++)
		bpf_link__destroy(l->links[i]); /* pinned links stay attached */
	embargo_bpf__destroy(l->skel);
	if (l->cgroup_fd >= 0)
		close(l->cgroup_fd);
	free(l->pin_dir);
	free(l);
}

/* A kmod set: embargo.ko lets the maps go (and so can be removed) first. */
int emb_loader_unload(const char *pin_dir)
{
	struct emb_meta meta;
	int err;

	if (emb_pins_meta_read(pin_dir, &meta) == 0 && meta.backend == EMB_BACKEND_KMOD) {
		err = emb_kmod_release();
		if (err && err != -ENOENT)
			emb_warn("releasing embargo.ko's maps: %s", strerror(-err));
	}
	return emb_pins_unload(pin_dir);
}
